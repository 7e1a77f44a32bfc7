//! The public lookup's read model: a dossier with its procedure's name, the applicant's phone (to
//! check a proof), the current agency's name and its control sheet with each step's agency name,
//! in one query (issue 12: one request, one trip).
use diesel::prelude::*;

use super::dossiers::{DossierRow, EventRow};
use super::schema::{agencies, dossier_applicants, dossier_events, dossiers, procedure_steps, procedures};
use super::AnyConnection;
use crate::domain::dossier::DossierKey;

/// What the lookup reads of a dossier.
#[derive(Debug, Clone)]
pub struct LookupRecord {
    pub row: DossierRow,
    pub procedure_name: String,
    /// The phone given at intake: compared with a proof, never shown.
    pub phone: String,
    pub current_agency_name: String,
    /// The control sheet in order, each step with the name of the agency it went to.
    pub history: Vec<(EventRow, String)>,
    /// The names of the procedure's route steps, in order ("Tiếp nhận, kiểm tra hồ sơ", "Thẩm định"…).
    pub step_names: Vec<String>,
}

/// The dossier a key names, with everything the lookup shows; None when there is none. Two
/// statements: the dossier with its history, then its procedure's step names (a primary-key range).
pub fn read(conn: &mut AnyConnection, key: &DossierKey) -> QueryResult<Option<LookupRecord>> {
    let (current, to) = diesel::alias!(agencies as current_agency, agencies as step_agency);
    let q = dossiers::table
        .inner_join(procedures::table.on(procedures::id.eq(dossiers::procedure_id)))
        .inner_join(dossier_applicants::table.on(dossier_applicants::dossier_id.eq(dossiers::id)))
        .left_join(current.on(current.field(agencies::code).eq(dossiers::current_agency)))
        .left_join(dossier_events::table.on(dossier_events::dossier_id.eq(dossiers::id)))
        .left_join(to.on(to.field(agencies::code).eq(dossier_events::to_agency)))
        .order(dossier_events::seq.asc())
        .select((
            DossierRow::as_select(),
            procedures::name,
            dossier_applicants::phone,
            current.field(agencies::name).nullable(),
            dossier_events::all_columns.nullable(),
            to.field(agencies::name).nullable(),
        ))
        .into_boxed();
    let q = match key {
        DossierKey::Code(c) => q.filter(dossiers::code.eq(c.to_string())),
        DossierKey::Reference(r) => q.filter(dossiers::reference.eq(r.as_str().to_string())),
    };
    type Line = (DossierRow, String, String, Option<String>, Option<EventRow>, Option<String>);
    let lines: Vec<Line> = q.load(conn)?;
    let mut lines = lines.into_iter();
    let Some((row, procedure_name, phone, current_name, first_event, first_agency)) = lines.next() else {
        return Ok(None);
    };
    let history = std::iter::once((first_event, first_agency))
        .chain(lines.map(|(_, _, _, _, e, a)| (e, a)))
        .filter_map(|(e, a)| e.map(|e| (e, a.unwrap_or_default())))
        .collect();
    let step_names = procedure_steps::table
        .filter(procedure_steps::procedure_id.eq(&row.procedure_id))
        .order(procedure_steps::position.asc())
        .select(procedure_steps::name)
        .load(conn)?;
    Ok(Some(LookupRecord {
        row,
        procedure_name,
        phone,
        current_agency_name: current_name.unwrap_or_default(),
        history,
        step_names,
    }))
}
