//! The inbox read model (issue 12): a page of dossiers with the procedure's and the applicant's
//! names, in one query. Staff see the open dossiers at their agency, nearest deadline first (or by
//! urgency, for the page); citizens their own dossiers, newest first. Paged by keyset: the cursor
//! holds the last row's sort key, so a page never repeats or skips a row when others arrive.
//!
//! The order and the cursor compare the same expressions as the `dossiers_inbox` index
//! (migration 2026-12-03-000001_inbox_search), so PostgreSQL reads a page straight off it. Undated
//! rows sort last: their dates read as [`FAR`], a missing code as `~` (after every digit).
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text, Timestamp};

use super::schema::{dossier_applicants, dossiers, procedures};
use super::AnyConnection;
use crate::domain::dossier::{Channel, Dossier, Status, Urgency};
use crate::domain::AgencyCode;

/// Where undated rows sort: after every real date (the literal in the index and the SQL below).
pub fn far() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(9999, 12, 31).and_then(|d| d.and_hms_opt(23, 59, 59)).expect("a valid date")
}

const STEP_DUE: &str = "COALESCE(dossiers.step_due_at, '9999-12-31 23:59:59')";
const DUE: &str = "COALESCE(dossiers.due_at, '9999-12-31 23:59:59')";
const CODE: &str = "COALESCE(dossiers.code, '~')";
/// The deadline the page shows: the step's, else the promised date, else the statutory one.
const DEADLINE: &str = "COALESCE(dossiers.step_due_at, dossiers.extended_due_at, dossiers.due_at)";

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct InboxItem {
    pub id: String,
    /// None until a clerk receives the dossier.
    pub code: Option<String>,
    pub reference: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub status_code: i32,
    pub submitted_at: NaiveDateTime,
    pub received_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    pub extended_due_at: Option<NaiveDateTime>,
    pub step_due_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = String)]
    pub current_agency: AgencyCode,
    /// The department holding it inside `current_agency`; None: the agency as a whole.
    pub current_department: Option<String>,
}

impl InboxItem {
    /// What people call the dossier by: its code once received, else its submission reference.
    pub fn code_or_reference(&self) -> &str {
        self.code.as_deref().unwrap_or(&self.reference)
    }

    /// The date promised to the applicant (`Dossier::promised_due_at`).
    pub fn promised_due_at(&self) -> Option<NaiveDateTime> {
        Dossier::promised(self.due_at, self.extended_due_at)
    }

    /// The deadline that makes it urgent (`Urgency::deadline`; the query's `DEADLINE`).
    pub fn deadline(&self) -> Option<NaiveDateTime> {
        Urgency::deadline(self.step_due_at.map(|t| t.and_utc()), self.promised_due_at().map(|t| t.and_utc()))
            .map(|t| t.naive_utc())
    }
}

/// Whose dossiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The open dossiers at an agency, with the national status codes counted as open there.
    Agency { agency: String, open_status_codes: Vec<i32> },
    /// A citizen's own dossiers, in any state.
    Citizen { user_id: String },
}

/// The instants that split open dossiers by urgency (UTC): now, the start of tomorrow and the
/// start of the day after "soon" (Vietnam days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub now: NaiveDateTime,
    pub tomorrow: NaiveDateTime,
    pub after_soon: NaiveDateTime,
}

/// Urgency ranks, in the page's order: overdue, due today, due soon, new online submission, in
/// time, waiting for the applicant.
/// (`domain::dossier::Urgency::rank`, the rule's own order).
pub mod rank {
    use crate::domain::dossier::Urgency;
    pub const OVERDUE: i32 = Urgency::Overdue.rank() as i32;
    pub const TODAY: i32 = Urgency::Today.rank() as i32;
    pub const SOON: i32 = Urgency::Soon.rank() as i32;
    pub const NEW: i32 = Urgency::New.rank() as i32;
    pub const IN_TIME: i32 = Urgency::InTime.rank() as i32;
    pub const WAITING: i32 = Urgency::Waiting.rank() as i32;
}

/// How a page is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Nearest step deadline, then due date, code, reference (the API's order).
    Due,
    /// By urgency rank, then the deadline shown, then code or reference (the page's order).
    Urgency,
    /// Newest submission first (a citizen's list).
    Newest,
}

/// Where the previous page ended: the last row's sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    Due { step_due: NaiveDateTime, due: NaiveDateTime, code: String, reference: String },
    Urgency { rank: i32, deadline: NaiveDateTime, key: String },
    Newest { submitted_at: NaiveDateTime, reference: String },
}

impl After {
    /// The key of `item` (with its urgency rank) in `order`.
    pub fn of(order: Order, item: &InboxItem, rank: i32) -> Self {
        let or_far = |t: Option<NaiveDateTime>| t.unwrap_or_else(far);
        match order {
            Order::Due => After::Due {
                step_due: or_far(item.step_due_at),
                due: or_far(item.due_at),
                code: item.code.clone().unwrap_or_else(|| "~".into()),
                reference: item.reference.clone(),
            },
            Order::Urgency => After::Urgency {
                rank,
                deadline: or_far(item.step_due_at.or(item.extended_due_at).or(item.due_at)),
                key: item.code.clone().unwrap_or_else(|| item.reference.clone()),
            },
            Order::Newest => After::Newest { submitted_at: item.submitted_at, reference: item.reference.clone() },
        }
    }

    fn order(&self) -> Order {
        match self {
            After::Due { .. } => Order::Due,
            After::Urgency { .. } => Order::Urgency,
            After::Newest { .. } => Order::Newest,
        }
    }
}

/// What the search box matched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    Code(String),
    Reference(String),
    Phone(String),
    IdNumber(String),
    /// Part of the applicant's name, folded (`domain::text::fold`).
    FoldedName(String),
}

/// Filters of the inbox; all optional, all combined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub search: Option<Search>,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub procedure_code: Option<String>,
    /// Received at or after (UTC).
    pub received_from: Option<NaiveDateTime>,
    /// Received before (UTC).
    pub received_before: Option<NaiveDateTime>,
    /// One urgency rank (needs thresholds).
    pub urgency: Option<i32>,
    /// One department's queue.
    pub department: Option<DepartmentQueue>,
}

/// A department's queue inside the agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepartmentQueue {
    /// The dossiers this department holds.
    Of(String),
    /// The dossiers no department holds yet (the agency's own queue, to share out).
    Unassigned,
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
fn like_escaped(s: &str) -> String {
    s.chars().fold(String::with_capacity(s.len()), |mut out, c| {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// The urgency rank as SQL of type `$st`, after `$prefix`: the page's rule
/// (`http::pages::staff::Urgency`) over the thresholds `$t`.
macro_rules! rank_sql {
    ($st:ty, $prefix:expr, $t:expr) => {
        sql::<$st>(&format!(
            "{}CASE WHEN dossiers.status_code = 5 THEN {} WHEN dossiers.status_code = 1 THEN {} \
             WHEN {DEADLINE} IS NULL THEN {} WHEN {DEADLINE} < ",
            $prefix,
            rank::WAITING,
            rank::NEW,
            rank::IN_TIME
        ))
        .bind::<Timestamp, _>($t.now)
        .sql(&format!(" THEN {} WHEN {DEADLINE} < ", rank::OVERDUE))
        .bind::<Timestamp, _>($t.tomorrow)
        .sql(&format!(" THEN {} WHEN {DEADLINE} < ", rank::TODAY))
        .bind::<Timestamp, _>($t.after_soon)
        .sql(&format!(" THEN {} ELSE {} END", rank::SOON, rank::IN_TIME))
    };
}

/// A page of at most `limit` rows after `after`, each with its urgency rank (0 when no thresholds
/// are given). One statement.
pub fn page(
    conn: &mut AnyConnection,
    scope: &Scope,
    order: Order,
    thresholds: Option<Thresholds>,
    filter: &Filter,
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<(InboxItem, i32)>> {
    let columns = (
        dossiers::id,
        dossiers::code,
        dossiers::reference,
        dossiers::procedure_code,
        procedures::name,
        dossier_applicants::name,
        dossiers::channel,
        dossiers::status,
        dossiers::status_code,
        dossiers::submitted_at,
        dossiers::received_at,
        dossiers::due_at,
        dossiers::extended_due_at,
        dossiers::step_due_at,
        dossiers::current_agency,
        dossiers::current_department,
    );
    let joined = dossiers::table
        .inner_join(procedures::table.on(procedures::id.eq(dossiers::procedure_id)))
        .inner_join(dossier_applicants::table.on(dossier_applicants::dossier_id.eq(dossiers::id)));
    let mut q = match thresholds {
        Some(t) => joined.select((columns, rank_sql!(Integer, "", t))).into_boxed(),
        None => joined.select((columns, sql::<Integer>("0"))).into_boxed(),
    };
    q = match scope {
        Scope::Agency { agency, open_status_codes } => {
            let codes: Vec<String> = open_status_codes.iter().map(i32::to_string).collect();
            // Literal codes, as the partial index's predicate, so both planners can prove it applies.
            // Dossiers handled on a ministry's system are only counted here: no one's work.
            q.filter(dossiers::current_agency.eq(agency.clone()))
                .filter(sql::<Bool>(&format!("dossiers.status_code IN ({})", codes.join(", "))))
                .filter(dossiers::source.not_like(format!("{}%", super::dossiers::MINISTRY_SOURCE)))
        }
        Scope::Citizen { user_id } => q.filter(dossiers::citizen_user_id.eq(user_id.clone())),
    };
    match &filter.search {
        None => {}
        Some(Search::Code(c)) => q = q.filter(dossiers::code.eq(c.clone())),
        Some(Search::Reference(r)) => q = q.filter(dossiers::reference.eq(r.clone())),
        Some(Search::Phone(p)) => q = q.filter(dossier_applicants::phone.eq(p.clone())),
        Some(Search::IdNumber(n)) => q = q.filter(dossier_applicants::id_number.eq(n.clone())),
        Some(Search::FoldedName(f)) => {
            q = q.filter(dossier_applicants::name_folded.like(format!("%{}%", like_escaped(f))).escape('\\'))
        }
    }
    if let Some(s) = &filter.status {
        q = q.filter(dossiers::status.eq(s.clone()));
    }
    if let Some(c) = &filter.channel {
        q = q.filter(dossiers::channel.eq(c.clone()));
    }
    if let Some(p) = &filter.procedure_code {
        q = q.filter(dossiers::procedure_code.eq(p.clone()));
    }
    match &filter.department {
        None => {}
        Some(DepartmentQueue::Of(d)) => q = q.filter(dossiers::current_department.eq(d.clone())),
        Some(DepartmentQueue::Unassigned) => q = q.filter(dossiers::current_department.is_null()),
    }
    if let Some(t) = filter.received_from {
        q = q.filter(dossiers::received_at.ge(t));
    }
    if let Some(t) = filter.received_before {
        q = q.filter(dossiers::received_at.lt(t));
    }
    if let (Some(r), Some(t)) = (filter.urgency, thresholds) {
        q = q.filter(rank_sql!(Bool, "", t).sql(" = ").bind::<Integer, _>(r).sql(""));
    }
    if let Some(a) = after {
        debug_assert_eq!(a.order(), order, "a cursor continues the order it was made in");
        q = match (a, thresholds) {
            (After::Due { step_due, due, code, reference }, _) => q.filter(
                sql::<Bool>(&format!("({STEP_DUE}, {DUE}, {CODE}, dossiers.reference) > ("))
                    .bind::<Timestamp, _>(*step_due)
                    .sql(", ")
                    .bind::<Timestamp, _>(*due)
                    .sql(", ")
                    .bind::<Text, _>(code.clone())
                    .sql(", ")
                    .bind::<Text, _>(reference.clone())
                    .sql(")"),
            ),
            (After::Urgency { rank: r, deadline, key }, Some(t)) => q.filter(
                rank_sql!(Bool, "(", t)
                    .sql(&format!(
                        ", COALESCE({DEADLINE}, '9999-12-31 23:59:59'), COALESCE(dossiers.code, dossiers.reference)) > ("
                    ))
                    .bind::<Integer, _>(*r)
                    .sql(", ")
                    .bind::<Timestamp, _>(*deadline)
                    .sql(", ")
                    .bind::<Text, _>(key.clone())
                    .sql(")"),
            ),
            (After::Urgency { .. }, None) => q,
            (After::Newest { submitted_at, reference }, _) => q.filter(
                sql::<Bool>("(dossiers.submitted_at, dossiers.reference) < (")
                    .bind::<Timestamp, _>(*submitted_at)
                    .sql(", ")
                    .bind::<Text, _>(reference.clone())
                    .sql(")"),
            ),
        };
    }
    q = match (order, thresholds) {
        (Order::Due, _) => q.order_by(sql::<Text>(&format!("{STEP_DUE}, {DUE}, {CODE}, dossiers.reference"))),
        (Order::Urgency, Some(t)) => q.order_by(rank_sql!(Integer, "", t).sql(&format!(
            ", COALESCE({DEADLINE}, '9999-12-31 23:59:59'), COALESCE(dossiers.code, dossiers.reference)"
        ))),
        (Order::Urgency, None) => q.order_by(sql::<Text>(&format!("{STEP_DUE}, {DUE}, {CODE}, dossiers.reference"))),
        (Order::Newest, _) => q.order_by(sql::<Text>("dossiers.submitted_at DESC, dossiers.reference DESC")),
    };
    q.limit(limit).load(conn)
}

/// Folds the names of applicants stored before their folded name was kept (SQL cannot fold
/// Vietnamese): run after migrating; a no-op once every row has one. Returns how many were folded.
pub fn backfill_folded_names(conn: &mut AnyConnection) -> QueryResult<usize> {
    use super::schema::dossier_applicants as a;
    let missing: Vec<(String, String)> =
        a::table.filter(a::name_folded.eq("")).filter(a::name.ne("")).select((a::dossier_id, a::name)).load(conn)?;
    if missing.is_empty() {
        return Ok(0);
    }
    crate::storage::transaction(conn, |conn| {
        for (id, name) in &missing {
            diesel::update(a::table.find(id)).set(a::name_folded.eq(crate::domain::text::fold(name))).execute(conn)?;
        }
        Ok(missing.len())
    })
}
