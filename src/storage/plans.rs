//! Provincial IT plans and their targets.
use diesel::prelude::*;

use super::schema::{plan_targets, plans};
use super::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: String,
    pub document: Option<String>,
    pub title: String,
    pub province: String,
    pub issued: String,
    pub source: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_targets)]
pub struct PlanTargetRow {
    pub plan_id: String,
    pub position: i32,
    pub indicator: Option<String>,
    pub description: Option<String>,
    pub scope: String,
    pub level: Option<String>,
    pub value: f64,
    pub deadline: chrono::NaiveDate,
    pub wording: String,
    pub source_line: String,
    pub variant: Option<String>,
    pub ambiguity: Option<String>,
}

pub fn exists(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(plans::table.find(id))).get_result(conn)
}

pub fn insert(conn: &mut AnyConnection, plan: &PlanRow, targets: &[PlanTargetRow]) -> QueryResult<()> {
    diesel::insert_into(plans::table).values(plan).execute(conn)?;
    for t in targets {
        diesel::insert_into(plan_targets::table).values(t).execute(conn)?;
    }
    Ok(())
}

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<PlanRow>> {
    plans::table.order(plans::id.asc()).select(PlanRow::as_select()).load(conn)
}

pub fn targets(conn: &mut AnyConnection, plan_id: &str) -> QueryResult<Vec<PlanTargetRow>> {
    plan_targets::table
        .filter(plan_targets::plan_id.eq(plan_id))
        .order(plan_targets::position.asc())
        .select(PlanTargetRow::as_select())
        .load(conn)
}

/// Sets a target's value and deadline; false when the plan has no target at this position.
pub fn update_target(
    conn: &mut AnyConnection,
    plan_id: &str,
    position: i32,
    value: f64,
    deadline: chrono::NaiveDate,
) -> QueryResult<bool> {
    diesel::update(plan_targets::table.find((plan_id, position)))
        .set((plan_targets::value.eq(value), plan_targets::deadline.eq(deadline)))
        .execute(conn)
        .map(|n| n == 1)
}
