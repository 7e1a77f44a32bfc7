//! What a dossier's change owes besides itself: the statistics counters, and the notices to the
//! applicant (written into the outbox in the same transaction; the worker sends them).
use chrono::{DateTime, NaiveDateTime, Utc};

use crate::domain::calendar::{to_vietnam, WorkingCalendar};
use crate::domain::dossier::{Channel, Dossier};
use crate::domain::intake_latency;
use crate::domain::notice::{self, NoticeFacts, NoticeKind, Preference};
use crate::domain::stats::{deltas, Facts};
use crate::error::AppError;
use crate::storage::dossiers::{ApplicantRow, DossierRow};
use crate::storage::outbox::{self, NotificationRow};
use crate::storage::{self, AnyConnection};

/// What statistics know of a dossier (days in Vietnam time; the statutory due date). An online
/// dossier's wait for the counter is measured on `calendar` (`domain::intake_latency`); without
/// one it is left out, which only a change that keeps the receipt as it was on both sides may do
/// (a rating): its marks then cancel out whatever they were.
pub(super) fn facts(d: &Dossier, online: bool, level4: bool, calendar: Option<&WorkingCalendar>) -> Facts {
    let day = |t: DateTime<Utc>| to_vietnam(t).date_naive();
    Facts {
        received_day: d.received_at.map(day),
        online,
        level4,
        due_day: d.due_at.map(day),
        finished: match (d.finished_at, d.timeliness) {
            (Some(f), Some(t)) => Some((day(f), t)),
            _ => None,
        },
        rated: None,
        intake: match (online, d.received_at, calendar) {
            (true, Some(received), Some(cal)) => Some(intake_latency::wait(cal, d.submitted_at, received)),
            _ => None,
        },
        supplements: d.intake_supplements + d.appraisal_supplements,
        processing_minutes: match (d.received_at, d.finished_at, calendar) {
            (Some(received), Some(finished), Some(cal)) => {
                Some(cal.office_minutes_between(to_vietnam(received), to_vietnam(finished)))
            }
            _ => None,
        },
    }
}

/// What statistics count a dossier by: its receiving agency (and the competent one, when another
/// decides it), its procedure's field and level.
pub(super) struct Counted<'a> {
    pub agency: &'a str,
    /// Boundary-free intake: the agency competent to decide, when not the receiving one.
    pub competent: Option<&'a str>,
    pub field: &'a str,
    pub online: bool,
    pub level4: bool,
}

impl<'a> Counted<'a> {
    pub fn new(row: &'a DossierRow, field: &'a str, online_level: i32) -> Self {
        Counted {
            agency: row.receiving_agency.as_str(),
            competent: row
                .competent_agency
                .as_ref()
                .map(|c| c.as_str())
                .filter(|c| *c != row.receiving_agency.as_str()),
            field,
            online: row.channel == Channel::Online,
            level4: online_level == 4,
        }
    }
}

/// Writes the counter changes of one dossier transition, in the caller's transaction (nothing
/// when the transition changes no count). `calendar` covers the dossier since its submission.
pub(super) fn count(
    conn: &mut AnyConnection,
    who: &Counted<'_>,
    before: Option<&Dossier>,
    after: &Dossier,
    calendar: &WorkingCalendar,
) -> Result<(), AppError> {
    count_with_steps(conn, who, before, after, calendar, &[])
}

/// As [`count`], with the marks of the route steps the transition ended at the agencies that held
/// them (`domain::stats::step_deltas`), in the same upserts as the dossier's own.
pub(super) fn count_with_steps(
    conn: &mut AnyConnection,
    who: &Counted<'_>,
    before: Option<&Dossier>,
    after: &Dossier,
    calendar: &WorkingCalendar,
    steps: &[(crate::domain::AgencyCode, Vec<crate::domain::stats::Delta>)],
) -> Result<(), AppError> {
    let facts = |d| facts(d, who.online, who.level4, Some(calendar));
    let changes = deltas(before.map(facts).as_ref(), &facts(after));
    let mut parts: Vec<(&str, &[crate::domain::stats::Delta])> = vec![(who.agency, &changes)];
    parts.extend(steps.iter().map(|(a, d)| (a.as_str(), d.as_slice())));
    parts.retain(|(_, d)| !d.is_empty());
    if !parts.is_empty() {
        storage::stats::apply_many(conn, who.field, &parts)?;
    }
    if let (Some(competent), false) = (who.competent, changes.is_empty()) {
        storage::stats::apply_handover(conn, who.agency, competent, who.field, &changes)?;
    }
    Ok(())
}

pub(super) fn count_deltas(
    conn: &mut AnyConnection,
    who: &Counted<'_>,
    changes: &[crate::domain::stats::Delta],
) -> Result<(), AppError> {
    if changes.is_empty() {
        return Ok(());
    }
    storage::stats::apply(conn, who.agency, who.field, changes)?;
    if let Some(competent) = who.competent {
        storage::stats::apply_handover(conn, who.agency, competent, who.field, changes)?;
    }
    Ok(())
}

/// The names a notice gives: the procedure's, and the agency's it speaks for.
pub(super) struct Names<'a> {
    pub procedure: &'a str,
    pub agency: &'a str,
}

/// Writes the notices an event owes the applicant into the outbox, in the caller's transaction
/// (one per channel the applicant chose, in one statement). `row` is the dossier as it is after
/// the event. Nothing is sent here: the worker sends.
#[allow(clippy::too_many_arguments)]
pub(super) fn enqueue(
    conn: &mut AnyConnection,
    links: &super::Links,
    row: &DossierRow,
    applicant: &ApplicantRow,
    names: Names<'_>,
    kind: NoticeKind,
    details: Option<&serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let preference = Preference::parse(&applicant.notify_by).unwrap_or(Preference::None);
    if preference == Preference::None {
        return Ok(());
    }
    let vn = |t: NaiveDateTime| to_vietnam(t.and_utc());
    // Before receipt (a refusal at intake, a supplement asked at intake, a withdrawal) the dossier
    // has no code yet: the notice and its lookup link name it by its reference.
    let facts = NoticeFacts {
        code: row.code_or_reference().to_string(),
        procedure: names.procedure.to_string(),
        agency: names.agency.to_string(),
        received: row.received_at.or(Some(at.naive_utc())).map(|t| vn(t).format("%d/%m/%Y %H:%M").to_string()),
        due: row.promised_due_at().map(|t| vn(t).format("%d/%m/%Y").to_string()),
        lookup_url: links.lookup(row.code_or_reference()),
        missing: details
            .and_then(|d| d["missing"].as_array())
            .map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        reason: details.and_then(|d| d["reason"].as_str()).map(str::to_string),
        new_due: details
            .and_then(|d| d["new_due_date"].as_str())
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
    };
    let mut rows = Vec::new();
    let notification = |channel: &str, recipient: String, subject, body_text, body_html| NotificationRow {
        dossier_id: Some(row.id.clone()),
        ..NotificationRow::pending(
            outbox::NewNotice { kind: kind.as_str(), channel, recipient, subject, body_text, body_html },
            at,
        )
    };
    if preference.wants_email() {
        if let Some(email) = &applicant.email {
            let (subject, text, html) = notice::email(kind, &facts);
            rows.push(notification("email", email.clone(), Some(subject), text, Some(html)));
        }
    }
    if preference.wants_sms() {
        rows.push(notification("sms", applicant.phone.clone(), None, notice::sms(kind, &facts), None));
    }
    outbox::insert_all(conn, &rows)?;
    tracing::info!(dossier = %row.code_or_reference(), notice = kind.as_str(), "notices queued");
    Ok(())
}
