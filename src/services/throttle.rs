//! One throttle for everything that can be guessed at or flooded: proofs of ownership (a
//! dossier's PIN or phone), sign-ins and public lookups. Counted in the database (`throttle_events`),
//! so the limits hold across application instances.
//!
//! An attempt is recorded *before* it is judged and refused if, with it, a limit is exceeded: N
//! concurrent guesses cannot all slip under the limit. A successful proof or sign-in then forgets
//! its attempt ([`forget`]); a failed one stays and counts until it leaves the window. Lookups keep
//! every answered attempt (a hit). Refused attempts are not kept, so a client that waits the
//! `Retry-After` it was given gets in.
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::auth::Caller;
use crate::configuration::{LookupSettings, ThrottleSettings};
use crate::domain::applicant::parse_phone;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::http::client::ClientAddr;
use crate::storage::dossiers::{self as store, DossierRow};
use crate::storage::throttle::{self as rows, AlertRow, EventRow};
use crate::storage::{self, AnyConnection, Pool};

/// At most `max` attempts within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window: TimeDelta,
}

impl Limit {
    pub fn new(max: i64, window_minutes: i64) -> Self {
        Self { max, window: TimeDelta::minutes(window_minutes) }
    }
}

/// Every limit, from `[throttle]` and `[lookup]` (application data).
#[derive(Debug, Clone)]
pub struct Limits {
    pub proof_per_client: Limit,
    pub proof_per_dossier: Limit,
    pub sign_in_per_user_and_client: Limit,
    pub sign_in_per_client: Limit,
    pub sign_in_per_user: Limit,
    pub lookups_per_client: Limit,
    /// Feedback sent by one account (or with one dossier's PIN), and from one client address.
    pub feedback_per_account: Limit,
    pub feedback_per_client: Limit,
    /// When this instance last pruned old lookup hits (shared by its clones).
    lookup_pruning: PruneSchedule,
}

/// At most one prune of old rows per window on an instance: a lookup is then one statement, and
/// the table stays bounded by the hits of about one window per instance.
#[derive(Debug, Clone, Default)]
struct PruneSchedule(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl PruneSchedule {
    /// True (and noted) when no prune ran within `every` before `now` on this instance, or the
    /// clock went back.
    fn due(&self, now: DateTime<Utc>, every: TimeDelta) -> bool {
        use std::sync::atomic::Ordering;
        let (t, last) = (now.timestamp(), self.0.load(Ordering::Relaxed));
        let due = last == 0 || t < last || t - last >= every.num_seconds();
        due && self.0.compare_exchange(last, t, Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }
}

impl Limits {
    pub fn new(t: &ThrottleSettings, l: &LookupSettings) -> Self {
        Self {
            proof_per_client: Limit::new(t.proof_failures_per_client, t.proof_window_minutes),
            proof_per_dossier: Limit::new(t.proof_failures_per_dossier, t.proof_dossier_window_minutes),
            sign_in_per_user_and_client: Limit::new(t.sign_in_failures_per_user_and_client, t.sign_in_window_minutes),
            sign_in_per_client: Limit::new(t.sign_in_failures_per_client, t.sign_in_window_minutes),
            sign_in_per_user: Limit::new(t.sign_in_failures_per_user, t.sign_in_window_minutes),
            lookups_per_client: Limit::new(l.max_per_minute, 1),
            feedback_per_account: Limit::new(t.feedback_per_account, t.feedback_window_minutes),
            feedback_per_client: Limit::new(t.feedback_per_client, t.feedback_window_minutes),
            lookup_pruning: PruneSchedule::default(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(&ThrottleSettings::default(), &LookupSettings::default())
    }
}

/// What is throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A PIN or phone given as proof of owning a dossier; the subject is the dossier's id.
    Proof,
    /// A sign-in; the subject is the username.
    SignIn,
    /// A public lookup; no subject.
    Lookup,
    /// Feedback sent (phản ánh, kiến nghị); the subject is the account's id, or `pin:` and the
    /// dossier's id for a submission proven by the PIN.
    Feedback,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proof => "proof",
            Self::SignIn => "sign_in",
            Self::Lookup => "lookup",
            Self::Feedback => "feedback",
        }
    }
}

/// Which attempts a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    SubjectAndClient,
    Client,
    Subject,
}

/// Why an attempt was refused, and when the next attempt can pass every limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The limits that refused it, each with the attempts it counted (without the refused one).
    pub by: Vec<(Scope, i64)>,
    pub retry_after_secs: u64,
}

impl Refusal {
    /// The attempts counted by the limit of `scope`, when that limit refused.
    pub fn counted_by(&self, scope: Scope) -> Option<i64> {
        self.by.iter().find(|(s, _)| *s == scope).map(|(_, n)| *n)
    }
}

/// An attempt recorded and not refused: [`forget`] it when it succeeds.
#[derive(Debug, Clone)]
#[must_use]
pub struct Attempt {
    id: String,
}

/// Records an attempt of `kind` on `subject` from `client` at `now`, then judges it against
/// `limits` (each counting within its own window). Refused (the attempt is removed again) with the
/// refusal that is longest to wait out. Prunes the kind's rows older than its longest window.
pub fn attempt(
    conn: &mut AnyConnection,
    kind: Kind,
    subject: &str,
    client: &ClientAddr,
    now: DateTime<Utc>,
    limits: &[(Scope, Limit)],
) -> Result<Result<Attempt, Refusal>, AppError> {
    let now = now.naive_utc();
    let longest = limits.iter().map(|(_, l)| l.window).max().unwrap_or_default();
    rows::prune(conn, kind.as_str(), now - longest)?;
    let row = EventRow {
        id: uuid::Uuid::now_v7().to_string(),
        kind: kind.as_str().into(),
        subject: subject.into(),
        client: client.as_str().into(),
        at: now,
    };
    rows::insert(conn, &row)?;
    let by_subject = limits.iter().any(|(s, _)| *s != Scope::Client);
    let by_client = limits.iter().any(|(s, _)| *s != Scope::Subject);
    let recent = rows::recent(
        conn,
        kind.as_str(),
        by_subject.then_some(subject),
        by_client.then_some(client.as_str()),
        now - longest,
    )?;
    let (mut by, mut retry_after_secs) = (Vec::new(), 0);
    for (scope, limit) in limits {
        if let Some((counted, wait)) = judge(&recent, &row, *scope, *limit, now) {
            retry_after_secs = retry_after_secs.max(wait);
            by.push((*scope, counted));
        }
    }
    if by.is_empty() {
        Ok(Ok(Attempt { id: row.id }))
    } else {
        rows::delete(conn, &row.id)?;
        Ok(Err(Refusal { by, retry_after_secs }))
    }
}

/// Judges `row` against one limit given the attempts recorded around it: None when it fits, else
/// the earlier attempts the limit counted and the seconds until enough of them leave the window.
fn judge(recent: &[EventRow], row: &EventRow, scope: Scope, limit: Limit, now: NaiveDateTime) -> Option<(i64, u64)> {
    let since = now - limit.window;
    // Earlier attempts counted by this limit (without this one), oldest first.
    let earlier: Vec<&EventRow> = recent
        .iter()
        .filter(|r| r.id != row.id && r.at >= since)
        .filter(|r| match scope {
            Scope::SubjectAndClient => r.subject == row.subject && r.client == row.client,
            Scope::Client => r.client == row.client,
            Scope::Subject => r.subject == row.subject,
        })
        .collect();
    let counted = earlier.len() as i64;
    (counted >= limit.max).then(|| {
        // Waits until enough of the earlier attempts leave the window for this one to fit.
        let oldest_to_leave = earlier[(counted - limit.max) as usize].at;
        (counted, (oldest_to_leave + limit.window - now).num_seconds().max(0) as u64 + 1)
    })
}

/// The attempt succeeded: it does not count against anyone.
pub fn forget(conn: &mut AnyConnection, attempt: Attempt) -> Result<(), AppError> {
    Ok(rows::delete(conn, &attempt.id)?)
}

fn minutes(secs: u64) -> u64 {
    secs.div_ceil(60).max(1)
}

/// Counts a public lookup from `client`; refused with 429 `too_many_lookups` beyond
/// `lookup.max_per_minute`. One statement when it passes (the hit and its count together, see
/// `storage::throttle::insert_counting_client`); old hits are pruned once a window per instance.
pub fn lookup_hit(
    conn: &mut AnyConnection,
    limits: &Limits,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let limit = limits.lookups_per_client;
    let at = now.naive_utc();
    if limits.lookup_pruning.due(now, limit.window) {
        rows::prune(conn, Kind::Lookup.as_str(), at - limit.window)?;
    }
    let row = EventRow {
        id: uuid::Uuid::now_v7().to_string(),
        kind: Kind::Lookup.as_str().into(),
        subject: String::new(),
        client: client.as_str().into(),
        at,
    };
    if rows::insert_counting_client(conn, &row, at - limit.window)? < limit.max {
        return Ok(());
    }
    // Refused: the hit does not count, and the wait is read from the hits that do.
    let recent = rows::recent(conn, Kind::Lookup.as_str(), None, Some(client.as_str()), at - limit.window)?;
    rows::delete(conn, &row.id)?;
    let retry_after_secs = judge(&recent, &row, Scope::Client, limit, at).map(|(_, wait)| wait).unwrap_or(1);
    Err(AppError::Throttled {
        code: ErrorCode::TooManyLookups,
        message: format!(
            "too many lookups from your address (at most {} a minute); try again in {} seconds",
            limit.max, retry_after_secs
        ),
        retry_after_secs,
    })
}

/// Starts a sign-in attempt for `username` from `client`: refused with 429 `too_many_attempts`
/// while that username from that client, that client, or that username from everywhere has
/// failed too often. The right password is refused too while locked (checking it would make the
/// lock an oracle); a success elsewhere erases nobody's failures.
pub fn begin_sign_in(
    conn: &mut AnyConnection,
    limits: &Limits,
    username: &str,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<Attempt, AppError> {
    let checks = [
        (Scope::SubjectAndClient, limits.sign_in_per_user_and_client),
        (Scope::Client, limits.sign_in_per_client),
        (Scope::Subject, limits.sign_in_per_user),
    ];
    attempt(conn, Kind::SignIn, username, client, now, &checks)?.map_err(|r| {
        tracing::warn!(limits = ?r.by, "sign-in throttled");
        AppError::Throttled {
            code: ErrorCode::TooManyAttempts,
            message: format!(
                "too many wrong passwords; try again in {} minutes, or ask an administrator",
                minutes(r.retry_after_secs)
            ),
            retry_after_secs: r.retry_after_secs,
        }
    })
}

/// Counts one feedback submission by `subject` (an account id, or `pin:<dossier id>`) from `client`:
/// refused with 429 `too_many_feedback` beyond `throttle.feedback_per_account` for the subject or
/// `throttle.feedback_per_client` for the client address in `throttle.feedback_window_minutes`, as
/// online submissions are limited per account. The attempt stays counted (it is a submission).
pub fn feedback_sent(
    conn: &mut AnyConnection,
    limits: &Limits,
    subject: &str,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let checks = [(Scope::Subject, limits.feedback_per_account), (Scope::Client, limits.feedback_per_client)];
    attempt(conn, Kind::Feedback, subject, client, now, &checks)?.map(|_| ()).map_err(|r| {
        tracing::info!(limits = ?r.by, "feedback throttled");
        AppError::Throttled {
            code: ErrorCode::TooManyFeedback,
            message: format!(
                "too much feedback sent from this account or address; try again in {} minutes",
                minutes(r.retry_after_secs)
            ),
            retry_after_secs: r.retry_after_secs,
        }
    })
}

/// Proof that the caller is the applicant: the receipt's PIN or the phone number given at intake.
#[derive(Debug, Clone, Default)]
pub struct Proof {
    pub pin: Option<String>,
    pub phone: Option<String>,
}

impl Proof {
    pub fn is_given(&self) -> bool {
        self.pin.is_some() || self.phone.is_some()
    }
}

/// The outcome of [`check_proof`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofCheck {
    /// No PIN or phone was given (nothing counted).
    Missing,
    /// The PIN or the phone matches the dossier.
    Valid,
    /// Neither matches (counted as a failure).
    Wrong,
}

/// The alert kind raised when a dossier's proofs reach the ceiling across clients.
pub const PROOF_CEILING_ALERT: &str = "proof_ceiling";

/// Every check of a proof of ownership (lookup API and page, rating API and page) goes through
/// here: first the throttle — `throttle.proof_failures_per_client` wrong proofs for this dossier
/// from this client, or `throttle.proof_failures_per_dossier` from all clients together, answer 429
/// `too_many_attempts` whatever the proof (so the lock tells nothing about it); reaching the
/// per-dossier ceiling also raises an alert for staff — then the comparison; a wrong proof counts.
/// Callers with the owner's account do not need this (and are not locked out by it).
pub fn check_proof(
    conn: &mut AnyConnection,
    limits: &Limits,
    dossier: &DossierRow,
    proof: &Proof,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<ProofCheck, AppError> {
    check_proof_knowing_phone(conn, limits, dossier, None, proof, client, now)
}

/// [`check_proof`] when the applicant's phone was read already (it is not read again).
pub fn check_proof_knowing_phone(
    conn: &mut AnyConnection,
    limits: &Limits,
    dossier: &DossierRow,
    applicant_phone: Option<&str>,
    proof: &Proof,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<ProofCheck, AppError> {
    if !proof.is_given() {
        return Ok(ProofCheck::Missing);
    }
    let checks = [(Scope::SubjectAndClient, limits.proof_per_client), (Scope::Subject, limits.proof_per_dossier)];
    let attempt = match attempt(conn, Kind::Proof, &dossier.id, client, now, &checks)? {
        Ok(a) => a,
        Err(r) => {
            if let Some(failures) = r.counted_by(Scope::Subject) {
                raise_ceiling_alert(conn, limits, dossier, failures, now)?;
            }
            return Err(AppError::Throttled {
                code: ErrorCode::TooManyAttempts,
                message: format!(
                    "too many wrong PINs or phone numbers for this dossier; try again in {} minutes, or sign in with the account that submitted it",
                    minutes(r.retry_after_secs)
                ),
                retry_after_secs: r.retry_after_secs,
            });
        }
    };
    let pin_ok = proof.pin.as_deref().is_some_and(|p| p.trim() == dossier.pin);
    let phone_ok = !pin_ok
        && match proof.phone.as_deref().and_then(|p| parse_phone(p).ok()) {
            Some(phone) => match applicant_phone {
                Some(known) => known == phone,
                None => store::applicant(conn, &dossier.id)?.phone == phone,
            },
            None => false,
        };
    if pin_ok || phone_ok {
        forget(conn, attempt)?;
        Ok(ProofCheck::Valid)
    } else {
        Ok(ProofCheck::Wrong)
    }
}

/// At most one alert per dossier per ceiling window; the log names the dossier, never the client.
fn raise_ceiling_alert(
    conn: &mut AnyConnection,
    limits: &Limits,
    dossier: &DossierRow,
    failures: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    if rows::alert_raised_since(conn, PROOF_CEILING_ALERT, &dossier.id, now - limits.proof_per_dossier.window)? {
        return Ok(());
    }
    rows::insert_alert(
        conn,
        &AlertRow {
            id: uuid::Uuid::now_v7().to_string(),
            kind: PROOF_CEILING_ALERT.into(),
            subject: dossier.id.clone(),
            failures: failures.try_into().unwrap_or(i32::MAX),
            raised_at: now,
        },
    )?;
    tracing::warn!(
        dossier = %dossier.code_or_reference(),
        failures,
        "proofs of ownership for this dossier are being guessed from many addresses: proofs refused for everyone without the owner's account"
    );
    Ok(())
}

/// An alert as staff see it: a dossier whose proofs reached the ceiling across clients.
#[derive(Debug, Clone)]
pub struct DossierAlert {
    pub dossier_code: String,
    /// The agency holding the dossier.
    pub agency_code: String,
    /// Wrong proofs counted when it was raised.
    pub failures: i32,
    pub raised_at: chrono::NaiveDateTime,
}

/// How far back staff see alerts.
pub const ALERT_DAYS: i64 = 30;

/// Alerts of the last [`ALERT_DAYS`] days, newest first (at most 500): administrators see every
/// one, other staff those about dossiers their agency holds.
pub async fn dossier_alerts(
    pool: &Pool,
    who: impl Into<crate::auth::extractor::Who>,
    now: DateTime<Utc>,
) -> Result<Vec<DossierAlert>, AppError> {
    storage::run_as(pool, who, move |conn, caller| dossier_alerts_on(conn, &caller, now)).await
}

/// [`dossier_alerts`] on `conn`.
pub fn dossier_alerts_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Vec<DossierAlert>, AppError> {
    caller.require_role(&[Role::Admin, Role::Leader, Role::Specialist, Role::Clerk])?;
    let agency = if caller.role == Role::Admin { None } else { caller.agency.as_ref().map(|a| a.to_string()) };
    if caller.role != Role::Admin && agency.is_none() {
        return Ok(vec![]);
    }
    let since = now.naive_utc() - TimeDelta::days(ALERT_DAYS);
    let rows = rows::dossier_alerts_since(conn, since, agency.as_deref(), 500)?;
    Ok(rows
        .into_iter()
        .map(|(a, code, agency)| DossierAlert {
            dossier_code: code,
            agency_code: agency,
            failures: a.failures,
            raised_at: a.raised_at,
        })
        .collect())
}
