//! The delivery worker: claims due notices (never the same one as another worker), sends them,
//! records the outcome, retries with exponential backoff, gives up after the configured attempts.
use std::time::Duration;

use chrono::TimeDelta;

use super::mailer::{Email, Mailer};
use super::sms::SmsGateway;
use crate::clock::Clock;
use crate::configuration::NotificationSettings;
use crate::domain::notice::redact;
use crate::error::AppError;
use crate::storage::outbox::{self, NotificationRow};
use crate::storage::{self, Pool};

/// Everything a worker needs.
#[derive(Clone)]
pub struct Worker {
    pub id: String,
    pub pool: Pool,
    pub clock: Clock,
    pub mailer: Mailer,
    pub sms: SmsGateway,
    pub settings: NotificationSettings,
}

/// The wait before attempt `attempts + 1`: base × 2^(attempts − 1), at most the configured maximum.
pub fn backoff(settings: &NotificationSettings, attempts: i32) -> TimeDelta {
    let exp = attempts.saturating_sub(1).clamp(0, 30) as u32;
    let secs = settings.backoff_base_secs.saturating_mul(1i64 << exp).min(settings.backoff_max_secs);
    TimeDelta::seconds(secs.max(1))
}

impl Worker {
    pub fn new(pool: Pool, clock: Clock, mailer: Mailer, sms: SmsGateway, settings: NotificationSettings) -> Self {
        let id = format!("worker-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Self { id, pool, clock, mailer, sms, settings }
    }

    /// Ids of up to a batch of due notices (not claimed yet).
    async fn due(&self) -> Result<Vec<String>, AppError> {
        let (now, batch) = (self.clock.now().naive_utc(), self.settings.batch);
        // Without a gateway, SMS notices stay queued until one is configured.
        // Staff notices (`staff`: early warnings, `services::alerts`) are delivered in the application.
        let channels: &'static [&'static str] =
            if self.sms.configured() { &["email", "sms", "staff"] } else { &["email", "staff"] };
        storage::run(&self.pool, move |conn| Ok(outbox::due(conn, now, channels, batch)?)).await
    }

    /// Claims one notice for the length of the lease, unless another worker got it first. Notices
    /// are claimed one at a time, just before sending, so a lease only has to outlast one attempt.
    async fn claim(&self, candidate: String) -> Result<Option<NotificationRow>, AppError> {
        let (id, now) = (self.id.clone(), self.clock.now().naive_utc());
        let until = now + TimeDelta::seconds(self.settings.lease_secs);
        storage::run(&self.pool, move |conn| Ok(outbox::claim(conn, &candidate, &id, now, until)?)).await
    }

    async fn deliver(&self, n: &NotificationRow) -> anyhow::Result<()> {
        match n.channel.as_str() {
            "email" => {
                self.mailer
                    .send(&Email {
                        id: &n.id,
                        to: &n.recipient,
                        subject: n.subject.as_deref().unwrap_or("Thông báo hồ sơ"),
                        text: &n.body_text,
                        html: n.body_html.as_deref().unwrap_or(&n.body_text),
                    })
                    .await
            }
            "sms" => self.sms.send(&n.id, &n.recipient, &n.body_text).await,
            // A staff account has no email or phone number: the notice is read in the application
            // (the alerts page lists the alert it is about), so delivering it is recording it sent.
            "staff" => Ok(()),
            other => anyhow::bail!("unknown channel {other}"),
        }
    }

    /// One pass: claim, send, record. Returns how many notices were attempted.
    pub async fn run_once(&self) -> Result<usize, AppError> {
        let mut attempted = 0;
        for candidate in self.due().await? {
            let Some(n) = self.claim(candidate).await? else { continue };
            attempted += 1;
            // A server's answer may quote the recipient: mask it before it reaches the logs or the table.
            let outcome = self.deliver(&n).await.map_err(|e| redact(&format!("{e:#}"), &n.recipient));
            let now = self.clock.now().naive_utc();
            let (status, next, error, sent_at) = match &outcome {
                Ok(()) => ("sent", now, None, Some(now)),
                Err(e) if n.attempts >= self.settings.max_attempts => ("failed", now, Some(e.clone()), None),
                Err(e) => ("pending", now + backoff(&self.settings, n.attempts), Some(e.clone()), None),
            };
            // Logs carry the notice and its outcome, never the recipient.
            match &outcome {
                Ok(()) => tracing::info!(notification = %n.id, channel = %n.channel, kind = %n.kind, "notice sent"),
                Err(e) => {
                    tracing::warn!(notification = %n.id, channel = %n.channel, attempts = n.attempts, status, error = %e, "notice not sent")
                }
            }
            let (id, worker, error) =
                (n.id.clone(), self.id.clone(), error.map(|e| e.chars().take(500).collect::<String>()));
            storage::run(&self.pool, move |conn| {
                outbox::finish(conn, &id, &worker, status, next, error.as_deref(), sent_at)?;
                Ok(())
            })
            .await?;
        }
        Ok(attempted)
    }

    /// Runs until the process stops.
    pub async fn run(self) {
        tracing::info!(worker = %self.id, "notification worker started");
        loop {
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "notification worker pass failed"),
            }
            tokio::time::sleep(Duration::from_millis(self.settings.poll_interval_ms)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let s = NotificationSettings {
            worker: true,
            poll_interval_ms: 10,
            batch: 10,
            lease_secs: 60,
            max_attempts: 6,
            backoff_base_secs: 30,
            backoff_max_secs: 600,
        };
        let secs: Vec<i64> = (1..=7).map(|a| backoff(&s, a).num_seconds()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 600, 600]);
    }
}
