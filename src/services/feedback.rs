//! Feedback and complaints (phản ánh, kiến nghị; issue 17 item 6): a citizen sends one about a
//! dossier (signed in as its applicant, or with its receipt's PIN) or about an agency (signed in);
//! it is routed to the agency concerned with a deadline ([`domain::feedback::due_at`]); the staff
//! of that agency answer it; the answer is published, without the dossier or anything personal,
//! when the citizen agreed. Each use case is one function on a connection, one transaction.
//!
//! [`domain::feedback::due_at`]: crate::domain::feedback::due_at
use chrono::{DateTime, Utc};

use crate::auth::extractor::{check_active, Who};
use crate::auth::Caller;
use crate::domain::feedback::{
    self as rules, answer_notice, FeedbackAnswer, FeedbackContent, FeedbackKind, FeedbackStatus, TextError,
};
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::http::client::ClientAddr;
use crate::services::dossiers::{find_by_key, not_found, parse_code};
use crate::services::throttle::{self, check_proof, Limits, Proof, ProofCheck};
use crate::storage::feedback::{self as store, FeedbackLine, NewFeedback, PublishedRow, Reader};
use crate::storage::outbox::{self, NewNotice, NotificationRow};
use crate::storage::{self, AnyConnection, Pool};

/// The outbox's kind of the notice that tells a submitter their feedback was answered.
pub const ANSWER_NOTICE_KIND: &str = "feedback_answered";

/// The most submissions a list returns.
pub const LIST_LIMIT: i64 = 500;
/// The most published answers the public list shows.
pub const PUBLISHED_LIMIT: i64 = 200;

/// What a citizen sends.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// `report` (phản ánh) or `recommendation` (kiến nghị).
    pub kind: String,
    pub content: String,
    /// The dossier it is about (its code or submission reference); it decides the agency.
    pub dossier_code: Option<String>,
    /// The agency it is about, when it is about no dossier.
    pub agency_code: Option<String>,
    /// The receipt's PIN, when not signed in as the dossier's applicant.
    pub pin: Option<String>,
    /// How to reach the citizen (optional; never published).
    pub contact: Option<String>,
    /// The citizen agrees that the question and its answer are published (without personal data).
    pub publish_consent: bool,
}

fn text_error(e: TextError) -> AppError {
    match e {
        TextError::Control(c) => AppError::new(ErrorCode::InvalidText, c.to_string()),
        e => AppError::new(ErrorCode::InvalidFeedbackText, e.to_string()),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A citizen's token, if any and still active (a disabled or bad one counts as none).
fn optional_caller(conn: &mut AnyConnection, who: Option<Who>) -> Result<Option<Caller>, AppError> {
    match who.map(|w| check_active(conn, w)).transpose() {
        Ok(caller) => Ok(caller),
        Err(AppError::InvalidToken(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// [`submit_on`] on the request's one trip.
pub async fn submit(
    pool: &Pool,
    limits: &Limits,
    who: Option<Who>,
    client: ClientAddr,
    submission: Submission,
    now: DateTime<Utc>,
) -> Result<FeedbackLine, AppError> {
    let limits = limits.clone();
    storage::run(pool, move |conn| {
        let caller = optional_caller(conn, who)?;
        submit_on(conn, &limits, caller.as_ref(), &client, submission, now)
    })
    .await
}

/// Checks the input (400, nothing stored), the proof (the dossier's applicant by account or PIN
/// through `throttle::check_proof`; an agency only signed in as a citizen), routes it to the agency
/// concerned, counts it against `throttle.feedback_per_account` / `feedback_per_client` (429
/// `too_many_feedback`) and stores it with its deadline, in one transaction.
pub fn submit_on(
    conn: &mut AnyConnection,
    limits: &Limits,
    caller: Option<&Caller>,
    client: &ClientAddr,
    s: Submission,
    now: DateTime<Utc>,
) -> Result<FeedbackLine, AppError> {
    let kind = FeedbackKind::parse(s.kind.trim())
        .ok_or_else(|| AppError::new(ErrorCode::InvalidFeedbackKind, "kind is report or recommendation"))?;
    let content = FeedbackContent::parse(&s.content).map_err(text_error)?;
    let contact = rules::parse_contact(s.contact.as_deref()).map_err(text_error)?;
    if let Some(c) = caller.filter(|c| c.role != Role::Citizen) {
        return Err(AppError::new(
            ErrorCode::RoleNotAllowed,
            format!("feedback is sent by citizens; a {} account cannot send it", c.role.as_str()),
        ));
    }
    let (dossier_code, agency_code) = (non_empty(s.dossier_code), non_empty(s.agency_code));
    let (dossier, agency_code, subject) = match (dossier_code, agency_code) {
        (Some(code), _) => {
            let key = parse_code(&code)?;
            let row = find_by_key(conn, &key)?.ok_or_else(|| not_found(&key))?;
            let owner = caller.is_some_and(|c| row.citizen_user_id.as_deref() == Some(c.user_id.as_str()));
            let proven = owner
                || check_proof(conn, limits, &row, &Proof { pin: s.pin.clone(), phone: None }, client, now)?
                    == ProofCheck::Valid;
            if !proven {
                return Err(AppError::new(
                    ErrorCode::ProofRequired,
                    "send feedback about a dossier as its applicant: sign in with the account that submitted it, or give the PIN on the receipt",
                ));
            }
            let agency = rules::concerned_agency(row.status.is_open(), &row.current_agency, &row.receiving_agency);
            let subject = match caller.filter(|_| owner) {
                Some(c) => c.user_id.clone(),
                None => format!("pin:{}", row.id),
            };
            (Some(row.clone()), agency.to_string(), subject)
        }
        (None, Some(agency)) => match caller {
            Some(c) => (None, agency, c.user_id.clone()),
            None => {
                return Err(AppError::new(
                    ErrorCode::ProofRequired,
                    "sign in to send feedback about an agency (or name a dossier and give its PIN)",
                ))
            }
        },
        (None, None) => {
            return Err(AppError::new(
                ErrorCode::FeedbackSubjectRequired,
                "name the dossier (dossier_code) or the agency (agency_code) the feedback is about",
            ))
        }
    };
    // A unit that ended in a reorganisation answers through the unit that took over its work.
    let mut agency = storage::agencies::find(conn, &agency_code)?;
    if let Some(successor) = agency.as_ref().filter(|a| a.valid_to.is_some()).and_then(|a| a.held_by.clone()) {
        agency = storage::agencies::find(conn, &successor)?;
    }
    let agency = agency
        .filter(|a| a.valid_to.is_none())
        .ok_or_else(|| AppError::new(ErrorCode::AgencyNotFound, "no agency in activity has this code"))?;
    let today = crate::domain::calendar::to_vietnam(now).date_naive();
    let calendar = storage::calendar::working_calendar_from(conn, today)?;
    let by_pin = dossier.is_some() && subject.starts_with("pin:");
    let row = NewFeedback {
        id: uuid::Uuid::now_v7().to_string(),
        kind: kind.stored(),
        dossier_id: dossier.as_ref().map(|d| d.id.clone()),
        agency_code: agency.code.clone(),
        agency_path: agency.path.clone(),
        content: content.as_str().to_string(),
        submitted_by: if by_pin { None } else { caller.map(|c| c.user_id.clone()) },
        with_pin: by_pin,
        contact,
        publish_consent: s.publish_consent,
        status: FeedbackStatus::Received.stored(),
        due_at: rules::due_at(&calendar, now).naive_utc(),
        created_at: now.naive_utc(),
    };
    // Starts with a write (the throttle's prune), so SQLite takes its write lock up front.
    crate::storage::transaction(conn, |conn| {
        throttle::feedback_sent(conn, limits, &subject, client, now)?;
        store::insert(conn, &row)?;
        Ok::<_, AppError>(())
    })?;
    tracing::info!(feedback = %row.id, agency = %row.agency_code, kind = row.kind, "feedback received");
    let dossier = dossier.map(|d| d.code_or_reference().to_string());
    Ok(FeedbackLine { row: row.stored(), agency_name: agency.name, dossier })
}

/// The submissions a staff member sees: their agency's, and for leaders and administrators those
/// of every agency below it. Citizens see their own.
fn reader_of(conn: &mut AnyConnection, caller: &Caller) -> Result<(String, Option<String>), AppError> {
    let agency = caller
        .agency
        .as_ref()
        .ok_or_else(|| AppError::new(ErrorCode::RoleNotAllowed, "staff accounts belong to an agency"))?;
    let path = if matches!(caller.role, Role::Leader | Role::Admin) {
        let row = storage::agencies::find(conn, agency.as_str())?
            .ok_or_else(|| AppError::new(ErrorCode::AgencyNoLongerExists, "your agency no longer exists"))?;
        Some(row.path)
    } else {
        None
    };
    Ok((agency.to_string(), path))
}

/// Staff: the submissions in scope, unanswered first and nearest deadline first; citizens: their
/// own, newest first. At most [`LIST_LIMIT`].
pub fn list_on(conn: &mut AnyConnection, caller: &Caller) -> Result<Vec<FeedbackLine>, AppError> {
    if caller.role == Role::Citizen {
        return Ok(store::lines_for(conn, &Reader::Submitter(&caller.user_id), LIST_LIMIT)?);
    }
    let (agency, path) = reader_of(conn, caller)?;
    Ok(store::lines_for(conn, &Reader::Agency { code: &agency, subtree_path: path.as_deref() }, LIST_LIMIT)?)
}

/// [`list_on`] on the request's one trip.
pub async fn list(pool: &Pool, who: impl Into<Who>) -> Result<Vec<FeedbackLine>, AppError> {
    storage::run_as(pool, who, move |conn, caller| list_on(conn, &caller)).await
}

/// The staff of the agency concerned (clerks, specialists, leaders) answer once. Outside the
/// caller's view: 404 `feedback_not_found`; seen from a parent agency: 403 `feedback_not_concerned`;
/// answered already (also by someone meanwhile): 409 `feedback_already_answered`.
pub fn answer_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<FeedbackLine, AppError> {
    caller.require_role(&[Role::Clerk, Role::Specialist, Role::Leader, Role::Admin])?;
    let answer = FeedbackAnswer::parse(answer).map_err(text_error)?;
    let (agency, path) = reader_of(conn, caller)?;
    let missing = || AppError::new(ErrorCode::FeedbackNotFound, "no feedback with this id in your scope");
    let row = store::find(conn, id)?.ok_or_else(missing)?;
    let seen = row.agency_code == agency
        || path.as_deref().is_some_and(|p| row.agency_path == p || row.agency_path.starts_with(&format!("{p}/")));
    if !seen {
        return Err(missing());
    }
    if row.agency_code != agency || caller.role == Role::Admin {
        return Err(AppError::new(
            ErrorCode::FeedbackNotConcerned,
            "only the staff of the agency concerned answer this feedback",
        ));
    }
    let already = || AppError::new(ErrorCode::FeedbackAlreadyAnswered, "this feedback has been answered");
    if row.status == FeedbackStatus::Answered {
        return Err(already());
    }
    // Conditional on still being unanswered: of two answers at once, the second finds it answered.
    // One write, the transaction's first statement; the notice to the submitter, at the contact
    // they left, in the same transaction, so it is queued exactly when the answer is written.
    let changed = crate::storage::transaction(conn, |conn| {
        let changed = store::answer(conn, &row.id, answer.as_str(), now.naive_utc(), &caller.user_id)?;
        if changed == 1 && row.contact.is_some() {
            let agency_name =
                crate::storage::agencies::find(conn, &row.agency_code)?.map(|a| a.name).unwrap_or_default();
            let notice = answer_notice(row.contact.as_deref(), &agency_name, row.created_at, answer.as_str());
            if let Some(n) = notice {
                let new = NewNotice {
                    kind: ANSWER_NOTICE_KIND,
                    channel: n.channel,
                    recipient: n.recipient,
                    subject: n.subject,
                    body_text: n.text,
                    body_html: n.html,
                };
                outbox::insert(
                    conn,
                    &NotificationRow { feedback_id: Some(row.id.clone()), ..NotificationRow::pending(new, now) },
                )?;
            }
        }
        Ok::<_, diesel::result::Error>(changed)
    })?;
    if changed == 0 {
        return Err(already());
    }
    tracing::info!(feedback = %row.id, agency = %row.agency_code, "feedback answered");
    let lines = store::lines_for(conn, &Reader::Agency { code: &agency, subtree_path: None }, LIST_LIMIT)?;
    lines.into_iter().find(|l| l.row.id == row.id).ok_or_else(missing)
}

/// [`answer_on`] on the request's one trip.
pub async fn answer(
    pool: &Pool,
    who: impl Into<Who>,
    id: String,
    text: String,
    now: DateTime<Utc>,
) -> Result<FeedbackLine, AppError> {
    storage::run_as(pool, who, move |conn, caller| answer_on(conn, &caller, &id, &text, now)).await
}

/// The feedback about a dossier, for its applicant: signed in as its owner, or with the receipt's
/// PIN (`throttle::check_proof`; without a valid proof 403 `proof_required`).
pub fn of_dossier_on(
    conn: &mut AnyConnection,
    limits: &Limits,
    caller: Option<&Caller>,
    client: &ClientAddr,
    code: &str,
    pin: Option<String>,
    now: DateTime<Utc>,
) -> Result<Vec<FeedbackLine>, AppError> {
    let key = parse_code(code)?;
    let row = find_by_key(conn, &key)?.ok_or_else(|| not_found(&key))?;
    let owner = caller.is_some_and(|c| row.citizen_user_id.as_deref() == Some(c.user_id.as_str()));
    let proven =
        owner || check_proof(conn, limits, &row, &Proof { pin, phone: None }, client, now)? == ProofCheck::Valid;
    if !proven {
        return Err(AppError::new(
            ErrorCode::ProofRequired,
            "read a dossier's feedback as its applicant: sign in with the account that submitted it, or give the PIN on the receipt",
        ));
    }
    Ok(store::lines_for(conn, &Reader::Dossier(&row.id), LIST_LIMIT)?)
}

/// [`of_dossier_on`] on the request's one trip.
pub async fn of_dossier(
    pool: &Pool,
    limits: &Limits,
    who: Option<Who>,
    client: ClientAddr,
    code: String,
    pin: Option<String>,
    now: DateTime<Utc>,
) -> Result<Vec<FeedbackLine>, AppError> {
    let limits = limits.clone();
    storage::run(pool, move |conn| {
        let caller = optional_caller(conn, who)?;
        of_dossier_on(conn, &limits, caller.as_ref(), &client, &code, pin, now)
    })
    .await
}

/// The published answers (consented and answered), newest first: no dossier, account or contact,
/// and the texts with personal data hidden (`domain::feedback::redact_for_publication`).
pub async fn published(pool: &Pool) -> Result<Vec<PublishedRow>, AppError> {
    let rows = storage::run(pool, |conn| Ok(store::published(conn, PUBLISHED_LIMIT)?)).await?;
    Ok(rows
        .into_iter()
        .map(|r| PublishedRow {
            content: rules::redact_for_publication(&r.content),
            answer: r.answer.as_deref().map(rules::redact_for_publication),
            ..r
        })
        .collect())
}

/// Whether a line is past its deadline at `now` without an answer.
pub fn overdue(line: &FeedbackLine, now: DateTime<Utc>) -> bool {
    rules::is_overdue(line.row.due_at, line.row.answered_at, now.naive_utc())
}
