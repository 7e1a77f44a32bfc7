//! Procedures (versioned) with their required documents and route steps.
use diesel::prelude::*;

use super::schema::{procedure_documents, procedure_steps, procedures};
use super::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = procedures)]
pub struct ProcedureRow {
    pub id: String,
    pub code: String,
    pub version: i32,
    pub name: String,
    /// The name folded for search (lower case, no diacritics).
    pub search_name: String,
    pub field: String,
    pub competent_level: String,
    /// Comma-separated levels where a dossier may be received.
    pub receiving_levels: String,
    pub online_level: i32,
    pub time_limit_value: i32,
    pub time_limit_unit: String,
    pub fee_vnd: i64,
    pub fee_description: String,
    pub legal_basis: Option<String>,
    /// The version new dossiers are received under.
    pub is_current: bool,
    pub created_at: chrono::NaiveDateTime,
    /// On the published list for nationwide boundary-free intake (ND 118 Điều 14.4 as amended by
    /// ND 309/2026): any centre in the country receives it. Within the province every procedure is
    /// received anywhere from 01/07/2025 (see `domain::intake_boundary`).
    pub nationwide_boundary_free: bool,
    /// A nationwide centralised service (TT 04/2025 Điều 23): its dossiers take the nationwide code.
    pub nationwide_centralised: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = procedure_documents)]
pub struct DocumentRow {
    pub procedure_id: String,
    pub position: i32,
    pub name: String,
    pub copies: i32,
    pub original: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = procedure_steps)]
pub struct StepRow {
    pub procedure_id: String,
    pub position: i32,
    pub name: String,
    pub target: String,
    pub time_share: i32,
    /// A department key inside the step's agency.
    pub department: Option<String>,
}

/// A procedure version with its documents and steps in order.
#[derive(Debug, Clone)]
pub struct ProcedureRecord {
    pub procedure: ProcedureRow,
    pub documents: Vec<DocumentRow>,
    pub steps: Vec<StepRow>,
}

/// What the database filters; the search text and the field (compared folded) are matched in
/// `domain::search` on the rows.
#[derive(Debug, Default, Clone)]
pub struct ProcedureFilter {
    pub competent_level: Option<String>,
    pub online_level: Option<i32>,
    pub min_online_level: Option<i32>,
}

pub fn list_current(conn: &mut AnyConnection, f: &ProcedureFilter) -> QueryResult<Vec<ProcedureRecord>> {
    let rows = current_rows(conn, f)?;
    with_children(conn, rows)
}

/// The current versions that pass `f`, by field then code, without their documents and steps.
pub fn current_rows(conn: &mut AnyConnection, f: &ProcedureFilter) -> QueryResult<Vec<ProcedureRow>> {
    let mut q =
        procedures::table.filter(procedures::is_current.eq(true)).select(ProcedureRow::as_select()).into_boxed();
    if let Some(l) = &f.competent_level {
        q = q.filter(procedures::competent_level.eq(l.clone()));
    }
    if let Some(l) = f.online_level {
        q = q.filter(procedures::online_level.eq(l));
    }
    if let Some(l) = f.min_online_level {
        q = q.filter(procedures::online_level.ge(l));
    }
    q.order((procedures::field.asc(), procedures::code.asc())).load(conn)
}

/// The current version of a procedure, or a named version.
pub fn find(conn: &mut AnyConnection, code: &str, version: Option<i32>) -> QueryResult<Option<ProcedureRecord>> {
    let mut q = procedures::table.filter(procedures::code.eq(code)).select(ProcedureRow::as_select()).into_boxed();
    q = match version {
        Some(v) => q.filter(procedures::version.eq(v)),
        None => q.filter(procedures::is_current.eq(true)),
    };
    let Some(row) = q.first(conn).optional()? else {
        return Ok(None);
    };
    Ok(with_children(conn, vec![row])?.pop())
}

/// The current version of a procedure with its route steps in order, in one query (what intake
/// needs; `None` when there is no such procedure, or it has no steps).
pub fn current_with_steps(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<(ProcedureRow, Vec<StepRow>)>> {
    let rows: Vec<(ProcedureRow, StepRow)> = procedures::table
        .inner_join(procedure_steps::table)
        .filter(procedures::code.eq(code))
        .filter(procedures::is_current.eq(true))
        .order(procedure_steps::position.asc())
        .select((ProcedureRow::as_select(), StepRow::as_select()))
        .load(conn)?;
    let mut rows = rows.into_iter();
    Ok(rows.next().map(|(p, first)| (p, std::iter::once(first).chain(rows.map(|(_, s)| s)).collect())))
}

/// All version numbers of a procedure, oldest first.
pub fn versions(conn: &mut AnyConnection, code: &str) -> QueryResult<Vec<i32>> {
    procedures::table
        .filter(procedures::code.eq(code))
        .select(procedures::version)
        .order(procedures::version.asc())
        .load(conn)
}

/// `rows` (in their order) with their documents and steps, in two queries.
pub fn with_children(conn: &mut AnyConnection, rows: Vec<ProcedureRow>) -> QueryResult<Vec<ProcedureRecord>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let docs: Vec<DocumentRow> = procedure_documents::table
        .filter(procedure_documents::procedure_id.eq_any(ids.clone()))
        .order((procedure_documents::procedure_id.asc(), procedure_documents::position.asc()))
        .select(DocumentRow::as_select())
        .load(conn)?;
    let steps: Vec<StepRow> = procedure_steps::table
        .filter(procedure_steps::procedure_id.eq_any(ids))
        .order((procedure_steps::procedure_id.asc(), procedure_steps::position.asc()))
        .select(StepRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|p| ProcedureRecord {
            documents: docs.iter().filter(|d| d.procedure_id == p.id).cloned().collect(),
            steps: steps.iter().filter(|s| s.procedure_id == p.id).cloned().collect(),
            procedure: p,
        })
        .collect())
}

pub fn exists(conn: &mut AnyConnection, code: &str, version: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        procedures::table.filter(procedures::code.eq(code)).filter(procedures::version.eq(version)),
    ))
    .get_result(conn)
}

/// Inserts a version; when it is current, earlier versions stop being current.
pub fn insert(conn: &mut AnyConnection, record: &ProcedureRecord) -> QueryResult<()> {
    let p = &record.procedure;
    if p.is_current {
        diesel::update(procedures::table.filter(procedures::code.eq(&p.code)))
            .set(procedures::is_current.eq(false))
            .execute(conn)?;
    }
    diesel::insert_into(procedures::table).values(p).execute(conn)?;
    for d in &record.documents {
        diesel::insert_into(procedure_documents::table).values(d).execute(conn)?;
    }
    for s in &record.steps {
        diesel::insert_into(procedure_steps::table).values(s).execute(conn)?;
    }
    Ok(())
}

/// The current version of a procedure stops being current (a new one follows in the same
/// transaction); false when no version was current.
pub fn retire_current(conn: &mut AnyConnection, code: &str) -> QueryResult<bool> {
    diesel::update(procedures::table.filter(procedures::code.eq(code)).filter(procedures::is_current.eq(true)))
        .set(procedures::is_current.eq(false))
        .execute(conn)
        .map(|n| n >= 1)
}

/// The name of a procedure version.
pub fn name_of(conn: &mut AnyConnection, procedure_id: &str) -> QueryResult<String> {
    procedures::table.find(procedure_id).select(procedures::name).first(conn)
}

/// The level competent to decide a procedure version (`commune`, `district`, `province`…).
pub fn competent_level(conn: &mut AnyConnection, procedure_id: &str) -> QueryResult<String> {
    procedures::table.find(procedure_id).select(procedures::competent_level).first(conn)
}

/// The field and online level of a procedure version (what statistics group and count by).
pub fn field_and_level(conn: &mut AnyConnection, procedure_id: &str) -> QueryResult<(String, i32)> {
    procedures::table.find(procedure_id).select((procedures::field, procedures::online_level)).first(conn)
}

/// Current procedures per online level (1–4), optionally only those received at `level`; and the
/// current procedures of the province: those received at some local level (province, district or
/// commune), which boundary-free intake within the province covers (`domain::intake_boundary`).
pub fn count_by_online_level(conn: &mut AnyConnection, receiving_level: Option<&str>) -> QueryResult<([i64; 4], i64)> {
    Ok(tally_by_online_level(&online_levels(conn)?, receiving_level))
}

/// Every current procedure's online level and receiving levels (one read, for
/// [`tally_by_online_level`] at several levels).
pub fn online_levels(conn: &mut AnyConnection) -> QueryResult<Vec<(i32, String)>> {
    procedures::table
        .filter(procedures::is_current.eq(true))
        .select((procedures::online_level, procedures::receiving_levels))
        .load(conn)
}

/// [`count_by_online_level`] of rows already read.
pub fn tally_by_online_level(rows: &[(i32, String)], receiving_level: Option<&str>) -> ([i64; 4], i64) {
    let mut out = [0i64; 4];
    let mut of_province = 0;
    for (l, levels) in rows {
        if receiving_level.is_none_or(|r| levels.split(',').any(|x| x == r)) && (1..=4).contains(l) {
            out[(l - 1) as usize] += 1;
        }
        if levels.split(',').any(|x| matches!(x, "province" | "district" | "commune")) {
            of_province += 1;
        }
    }
    (out, of_province)
}

/// What a receipt prints of a procedure version: its fee (đồng, description) and its documents.
pub fn fee_and_documents(
    conn: &mut AnyConnection,
    procedure_id: &str,
) -> QueryResult<((i64, String), Vec<DocumentRow>)> {
    let fee =
        procedures::table.find(procedure_id).select((procedures::fee_vnd, procedures::fee_description)).first(conn)?;
    let docs = procedure_documents::table
        .filter(procedure_documents::procedure_id.eq(procedure_id))
        .order(procedure_documents::position.asc())
        .select(DocumentRow::as_select())
        .load(conn)?;
    Ok((fee, docs))
}
