//! Email: lettre over real SMTP (no TLS, STARTTLS or TLS, optional credentials) or `.eml` files.
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::configuration::{EmailSettings, EmailTransport, SmtpTls};

/// A configured email transport.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>, Mailbox),
    File(AsyncFileTransport<Tokio1Executor>, Mailbox),
}

/// One email to send.
pub struct Email<'a> {
    /// The notice's id: becomes the Message-ID.
    pub id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

impl Mailer {
    pub fn new(s: &EmailSettings) -> anyhow::Result<Self> {
        let from: Mailbox =
            s.from.parse().map_err(|e| anyhow::anyhow!("email.from `{}` is not an address: {e}", s.from))?;
        Ok(match s.transport {
            EmailTransport::File => {
                std::fs::create_dir_all(&s.file_dir)?;
                Self::File(AsyncFileTransport::<Tokio1Executor>::new(&s.file_dir), from)
            }
            EmailTransport::Smtp => {
                let builder = match s.smtp_tls {
                    SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.smtp_host),
                    SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.smtp_host)?,
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.smtp_host)?,
                };
                let mut builder = builder.port(s.smtp_port).timeout(Some(Duration::from_secs(s.timeout_secs)));
                if let (Some(user), Some(password)) = (&s.smtp_username, &s.smtp_password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Self::Smtp(builder.build(), from)
            }
        })
    }

    pub async fn send(&self, email: &Email<'_>) -> anyhow::Result<()> {
        let from = match self {
            Self::Smtp(_, f) | Self::File(_, f) => f.clone(),
        };
        let to: Mailbox = email.to.parse().map_err(|e| anyhow::anyhow!("recipient is not an address: {e}"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(email.subject)
            .message_id(Some(format!("<{}@motcua>", email.id)))
            .multipart(MultiPart::alternative_plain_html(email.text.to_string(), email.html.to_string()))?;
        match self {
            Self::Smtp(t, _) => t.send(message).await.map(|_| ()).map_err(|e| anyhow::anyhow!("SMTP: {e}")),
            Self::File(t, _) => t.send(message).await.map(|_| ()).map_err(|e| anyhow::anyhow!("mail file: {e}")),
        }
    }
}
