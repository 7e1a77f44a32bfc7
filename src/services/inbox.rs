//! The inbox (issue 12, "the inbox clerks asked for"): staff see the open dossiers at their agency,
//! citizens their own; a page at a time (cursor paging), searchable by dossier code, submission
//! reference, applicant's name (with or without diacritics), phone or identity number, and filtered
//! by urgency, status, channel, procedure and received date. One pool check-out and one query
//! (two when urgency is asked for: the working calendar of the next weeks).
//!
//! The search terms are personal data: they are never logged (the request span names the route
//! template only, `telemetry::PrivacyRootSpan`), and nothing here logs them.
use chrono::{DateTime, Datelike, DurationRound, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};

use crate::auth::Caller;
use crate::domain::calendar::{to_vietnam, vietnam, WorkingCalendar};
use crate::domain::department::DepartmentKey;
use crate::domain::dossier::{Channel, DossierKey, Status, Urgency, UrgencyWindow};
use crate::domain::{applicant, ProcedureCode, Role};
use crate::error::{AppError, ErrorCode};
use crate::storage::inbox::{
    self as store, After, DepartmentQueue, Filter, InboxItem, Order, Scope, Search, Thresholds,
};
use crate::storage::{self, calendar, AnyConnection, Pool};

/// A page holds this many dossiers unless `limit` says otherwise.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest page.
pub const MAX_LIMIT: i64 = 200;
/// The longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// The open statuses a dossier can have while an agency holds it (what the inbox lists).
pub const OPEN_AT_AGENCY: [Status; 5] =
    [Status::Submitted, Status::Received, Status::Processing, Status::AwaitingSupplement, Status::ResultReady];

/// The inbox's parameters as they arrive from outside (API query string or the page's form);
/// empty values count as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// Code, submission reference, applicant's name, phone or identity number.
    pub q: Option<String>,
    /// overdue, today, soon, new, in_time or waiting.
    pub urgency: Option<String>,
    /// A status name (`processing`, `awaiting_supplement`, …).
    pub status: Option<String>,
    /// direct, online or postal.
    pub channel: Option<String>,
    /// A procedure code.
    pub procedure: Option<String>,
    /// Received on or after this day (YYYY-MM-DD, Vietnam time).
    pub received_from: Option<String>,
    /// Received on or before this day.
    pub received_to: Option<String>,
    /// One department's queue: its key, or `none` for the dossiers no department holds yet.
    pub department: Option<String>,
}

/// Which reader the list is for: the order differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The API: nearest deadline first (a citizen's own dossiers: newest first).
    Api,
    /// The staff page: most urgent first.
    Page,
}

/// A page of the inbox.
#[derive(Debug, Clone)]
pub struct InboxPage {
    /// Each with its urgency rank (see `storage::inbox::rank`; 0 when urgency was not computed).
    pub items: Vec<(InboxItem, i32)>,
    /// Pass as `cursor` for the next page; None on the last page.
    pub next_cursor: Option<String>,
    pub limit: i64,
    /// The urgency thresholds the page was read with, when urgency was computed.
    pub thresholds: Option<Thresholds>,
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn cut(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The instant a Vietnam day starts, in UTC.
fn day_start(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    vietnam().from_local_datetime(&midnight).single().expect("a fixed offset has no gaps").naive_utc()
}

/// The validated filters, the cursor and the page size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub filter: Filter,
    pub after: Option<After>,
    pub limit: i64,
}

/// Checks every parameter: 400 with a stable code for each kind of bad value.
pub fn parse(q: &InboxQuery, order: Order) -> Result<Parsed, AppError> {
    let limit = match text(&q.limit) {
        None => DEFAULT_LIMIT,
        Some(l) => l.parse::<i64>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            AppError::new(ErrorCode::InvalidLimit, format!("limit must be a whole number from 1 to {MAX_LIMIT}"))
        })?,
    };
    let after = text(&q.cursor).map(|c| decode_cursor(c, order)).transpose()?;
    let search = text(&q.q).map(parse_search).transpose()?;
    let status = text(&q.status)
        .map(|s| {
            Status::parse(s).map(|s| s.as_str().to_string()).ok_or_else(|| {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                AppError::new(
                    ErrorCode::InvalidStatusFilter,
                    format!("status `{}` is not one of {}", cut(s), names.join(", ")),
                )
            })
        })
        .transpose()?;
    let channel = text(&q.channel)
        .map(|c| {
            Channel::parse(c).map(|c| c.as_str().to_string()).ok_or_else(|| {
                AppError::new(ErrorCode::InvalidChannelFilter, "channel is `direct`, `online` or `postal`")
            })
        })
        .transpose()?;
    let procedure_code = text(&q.procedure)
        .map(|p| {
            ProcedureCode::parse(p)
                .map(|p| p.to_string())
                .map_err(|e| AppError::new(ErrorCode::InvalidProcedureCode, e.to_string()))
        })
        .transpose()?;
    let day = |field: &str, v: &Option<String>| -> Result<Option<NaiveDate>, AppError> {
        text(v)
            .map(|d| {
                crate::services::calendar::parse_day(d).map_err(|_| {
                    AppError::new(
                        ErrorCode::InvalidDate,
                        format!("{field} must be a real date written YYYY-MM-DD, years 2000–2100"),
                    )
                })
            })
            .transpose()
    };
    let (from, to) = (day("received_from", &q.received_from)?, day("received_to", &q.received_to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::new(ErrorCode::InvalidDateRange, "received_from must not be after received_to"));
        }
    }
    let urgency = text(&q.urgency)
        .map(|u| {
            Urgency::parse(u).map(|r| i32::from(r.rank())).ok_or_else(|| {
                let names: Vec<&str> = Urgency::ALL.iter().map(|u| u.as_str()).collect();
                AppError::new(ErrorCode::InvalidUrgency, format!("urgency is one of {}", names.join(", ")))
            })
        })
        .transpose()?;
    let department = text(&q.department)
        .map(|d| match d {
            "none" => Ok(DepartmentQueue::Unassigned),
            key => DepartmentKey::parse(key).map(|k| DepartmentQueue::Of(k.to_string())).map_err(|e| {
                AppError::new(ErrorCode::InvalidDepartment, format!("department is a department's key or `none`: {e}"))
            }),
        })
        .transpose()?;
    let filter = Filter {
        department,
        search,
        status,
        channel,
        procedure_code,
        received_from: from.map(day_start),
        received_before: to.and_then(|t| t.succ_opt()).map(day_start),
        urgency,
    };
    Ok(Parsed { filter, after, limit })
}

/// What the search text names: a code or reference, a phone or identity number, else part of a name.
fn parse_search(q: &str) -> Result<Search, AppError> {
    if q.chars().count() > MAX_SEARCH_CHARS || q.chars().any(char::is_control) {
        return Err(AppError::new(
            ErrorCode::InvalidSearch,
            format!("the search text has at most {MAX_SEARCH_CHARS} characters and no control characters"),
        ));
    }
    if let Ok(key) = DossierKey::parse(q) {
        return Ok(match key {
            DossierKey::Code(c) => Search::Code(c.to_string()),
            DossierKey::Reference(r) => Search::Reference(r.as_str().to_string()),
        });
    }
    if let Ok(phone) = applicant::parse_phone(q) {
        return Ok(Search::Phone(phone));
    }
    if let Ok(id) = applicant::parse_id_number(q) {
        return Ok(Search::IdNumber(id));
    }
    Ok(Search::FoldedName(crate::domain::text::fold(q)))
}

fn micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn from_micros(s: &str) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_micros(s.parse().ok()?).map(|t| t.naive_utc())
}

/// The cursor: the last row's sort key, hex-encoded (opaque to clients).
pub fn encode_cursor(after: &After) -> String {
    let plain = match after {
        After::Due { step_due, due, code, reference } => {
            format!("d|{}|{}|{code}|{reference}", micros(*step_due), micros(*due))
        }
        After::Urgency { rank, deadline, key } => format!("u|{rank}|{}|{key}", micros(*deadline)),
        After::Newest { submitted_at, reference } => format!("n|{}|{reference}", micros(*submitted_at)),
    };
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

/// 400 `invalid_cursor` unless `s` is a cursor this list gave out, for the same order.
pub fn decode_cursor(s: &str, order: Order) -> Result<After, AppError> {
    let bad = || {
        AppError::new(
            ErrorCode::InvalidCursor,
            "the cursor is not one this list gave out (or belongs to another order); start again without it",
        )
    };
    if s.len() > 400 || !s.len().is_multiple_of(2) {
        return Err(bad());
    }
    let bytes: Option<Vec<u8>> =
        (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    let plain = bytes.and_then(|b| String::from_utf8(b).ok()).ok_or_else(bad)?;
    let parts: Vec<&str> = plain.split('|').collect();
    let after = match (order, parts.as_slice()) {
        (Order::Due, ["d", step, due, code, reference]) => After::Due {
            step_due: from_micros(step).ok_or_else(bad)?,
            due: from_micros(due).ok_or_else(bad)?,
            code: code.to_string(),
            reference: reference.to_string(),
        },
        (Order::Urgency, ["u", rank, deadline, key]) => After::Urgency {
            rank: rank.parse().map_err(|_| bad())?,
            deadline: from_micros(deadline).ok_or_else(bad)?,
            key: key.to_string(),
        },
        (Order::Newest, ["n", submitted, reference]) => {
            After::Newest { submitted_at: from_micros(submitted).ok_or_else(bad)?, reference: reference.to_string() }
        }
        _ => return Err(bad()),
    };
    Ok(after)
}

/// The urgency thresholds at `at`: now, tomorrow's start, and the start of the day after the
/// second working day from today (the page's "1–2 working days left").
pub fn thresholds(cal: &WorkingCalendar, at: DateTime<Utc>) -> Thresholds {
    let w = UrgencyWindow::at(at, cal);
    let now = w.now.naive_utc().duration_trunc(TimeDelta::microseconds(1)).unwrap_or(w.now.naive_utc());
    Thresholds { now, tomorrow: w.today_ends.naive_utc(), after_soon: w.soon_ends.naive_utc() }
}

/// The working calendar around `at`: the exceptions of the next two months, enough for "two
/// working days from today" whatever the holidays (Tết is at most a couple of weeks).
fn calendar_near(conn: &mut AnyConnection, at: DateTime<Utc>) -> Result<WorkingCalendar, AppError> {
    let today = to_vietnam(at).date_naive();
    let horizon = today.checked_add_days(chrono::Days::new(62)).unwrap_or(today);
    let days = calendar::between(conn, today, horizon)?;
    let (holidays, working): (Vec<_>, Vec<_>) = days.into_iter().partition(|d| d.kind == "holiday");
    Ok(WorkingCalendar::new(holidays.into_iter().map(|d| d.day), working.into_iter().map(|d| d.day)))
}

/// Whose list the caller reads, if any: staff their agency's open dossiers, citizens their own.
fn scope_of(caller: &Caller) -> Option<Scope> {
    match (&caller.agency, caller.role) {
        (Some(agency), _) => Some(Scope::Agency {
            agency: agency.to_string(),
            open_status_codes: OPEN_AT_AGENCY.iter().map(|s| s.national_code()).collect(),
        }),
        (None, Role::Citizen) => Some(Scope::Citizen { user_id: caller.user_id.clone() }),
        _ => None,
    }
}

/// A page of the caller's inbox at `at`, within the caller's scope only.
pub fn read(
    conn: &mut AnyConnection,
    caller: &Caller,
    view: View,
    q: &InboxQuery,
    at: DateTime<Utc>,
) -> Result<InboxPage, AppError> {
    let scope = scope_of(caller);
    let order = match (&scope, view) {
        (Some(Scope::Citizen { .. }), _) => Order::Newest,
        (_, View::Api) => Order::Due,
        (_, View::Page) => Order::Urgency,
    };
    let parsed = parse(q, order)?;
    let Some(scope) = scope else {
        return Ok(InboxPage { items: vec![], next_cursor: None, limit: parsed.limit, thresholds: None });
    };
    let needs_urgency = order == Order::Urgency || parsed.filter.urgency.is_some();
    let thresholds = if needs_urgency { Some(thresholds(&calendar_near(conn, at)?, at)) } else { None };
    let mut items =
        store::page(conn, &scope, order, thresholds, &parsed.filter, parsed.after.as_ref(), parsed.limit + 1)?;
    let next_cursor = if items.len() as i64 > parsed.limit {
        items.truncate(parsed.limit as usize);
        items.last().map(|(item, rank)| encode_cursor(&After::of(order, item, *rank)))
    } else {
        None
    };
    // A search by staff is a read of every dossier it returned (issue 17 item 2): one row each, in
    // one statement; the search text is not kept. The plain listing is not recorded (see
    // `services::accesses`).
    if parsed.filter.search.is_some() {
        let ids: Vec<String> = items.iter().map(|(item, _)| item.id.clone()).collect();
        crate::services::accesses::record(conn, caller, &ids, crate::domain::access::AccessKind::Search, None, at)?;
    }
    Ok(InboxPage { items, next_cursor, limit: parsed.limit, thresholds })
}

/// [`read`] on one pool check-out.
pub async fn inbox(
    pool: &Pool,
    who: impl Into<crate::auth::extractor::Who>,
    view: View,
    q: InboxQuery,
    at: DateTime<Utc>,
) -> Result<InboxPage, AppError> {
    storage::run_as(pool, who, move |conn, caller| read(conn, &caller, view, &q, at)).await
}

/// The year of `at` in Vietnam (for the tracking-book link).
pub fn year_of(at: DateTime<Utc>) -> i32 {
    to_vietnam(at).year()
}
