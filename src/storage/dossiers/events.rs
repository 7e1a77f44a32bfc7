//! The control sheet (Phiếu kiểm soát quá trình giải quyết hồ sơ, TT 01/2018 Mẫu 05): one
//! append-only row per handover.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::schema::{agencies, dossier_events, users};
use super::super::AnyConnection;
use super::OptText;
use crate::domain::calendar::Timeliness;
use crate::domain::dossier::Status;
use crate::domain::{AgencyCode, Role};

/// A control-sheet row (TT 01/2018 Mẫu 05), typed as read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dossier_events)]
pub struct EventRow {
    pub dossier_id: String,
    pub seq: i32,
    pub at: NaiveDateTime,
    /// The action's stored name (`receive`, `transfer`, `consult_request`, …; see `domain::labels`).
    pub action: String,
    pub actor_user_id: Option<String>,
    #[diesel(deserialize_as = String)]
    pub actor_role: Role,
    #[diesel(deserialize_as = String)]
    pub from_agency: AgencyCode,
    #[diesel(deserialize_as = String)]
    pub to_agency: AgencyCode,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub status_code: i32,
    pub step_due_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = OptText)]
    pub step_timeliness: Option<Timeliness>,
    pub note: Option<String>,
    /// JSON with the action's particulars (missing documents, reasons, new date).
    pub details: Option<String>,
    /// The dossier's statutory due date after this row (None: not started, paused, or a row
    /// written before the deadline ledger existed).
    pub due_at: Option<NaiveDateTime>,
    /// The apology's new date in force after this row.
    pub extended_due_at: Option<NaiveDateTime>,
}

/// A control-sheet row as inserted (columns in their stored encoding), made from an [`EventRow`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = dossier_events)]
pub struct NewEvent<'a> {
    pub dossier_id: &'a str,
    pub seq: i32,
    pub at: NaiveDateTime,
    pub action: &'a str,
    pub actor_user_id: Option<&'a str>,
    pub actor_role: &'static str,
    pub from_agency: &'a str,
    pub to_agency: &'a str,
    pub status: &'static str,
    pub status_code: i32,
    pub step_due_at: Option<NaiveDateTime>,
    pub step_timeliness: Option<&'static str>,
    pub note: Option<&'a str>,
    pub details: Option<&'a str>,
    pub due_at: Option<NaiveDateTime>,
    pub extended_due_at: Option<NaiveDateTime>,
}

pub fn insert_event(conn: &mut AnyConnection, event: &EventRow) -> QueryResult<()> {
    diesel::insert_into(dossier_events::table).values(event.to_insert()).execute(conn).map(|_| ())
}

/// A control-sheet row with the name of the agency it went to and the username of who acted.
pub type NamedEvent = (EventRow, Option<String>, Option<String>, Option<String>);

/// A dossier's control sheet in order, each row with the name of the agency it went to (every
/// agency a dossier meets is one it went to: intake goes to the receiving agency) and the
/// username of who acted (staff handle; delay attribution names them), in one statement.
pub fn events_with_names(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Vec<NamedEvent>> {
    dossier_events::table
        .left_join(agencies::table.on(agencies::code.eq(dossier_events::to_agency)))
        .left_join(users::table.on(dossier_events::actor_user_id.eq(users::id.nullable())))
        .filter(dossier_events::dossier_id.eq(dossier_id))
        .order(dossier_events::seq.asc())
        .select((
            EventRow::as_select(),
            agencies::name.nullable(),
            users::username.nullable(),
            users::full_name.nullable(),
        ))
        .load(conn)
}

pub fn events(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Vec<EventRow>> {
    dossier_events::table
        .filter(dossier_events::dossier_id.eq(dossier_id))
        .order(dossier_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)
}
