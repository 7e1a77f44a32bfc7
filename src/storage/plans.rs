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
    /// The plan's period (its title's "giai đoạn 2016 - 2020"); None only for a row loaded before
    /// periods were stored, until the seeds are loaded again.
    pub period_from: Option<chrono::NaiveDate>,
    /// None: open-ended (no text sets an end).
    pub period_to: Option<chrono::NaiveDate>,
    /// Where the period comes from (a line of the plan's text, or its title).
    pub period_source: Option<String>,
}

impl PlanRow {
    /// In force on `day`: its period contains the day.
    pub fn in_force_on(&self, day: chrono::NaiveDate) -> bool {
        self.period_from.is_some_and(|from| from <= day) && self.period_to.is_none_or(|to| day <= to)
    }
}

/// The plan in force on `day` (by the Clock, Vietnam time): of those whose period contains the
/// day, the latest issued (then the greatest id, so the choice is stable); None when none is.
pub fn in_force_on(plans: &[PlanRow], day: chrono::NaiveDate) -> Option<&PlanRow> {
    plans.iter().filter(|p| p.in_force_on(day)).max_by(|a, b| a.issued.cmp(&b.issued).then(a.id.cmp(&b.id)))
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
    /// None: a tracked metric, for which no source gives a target value.
    pub value: Option<f64>,
    /// None: the source sets no deadline.
    pub deadline: Option<chrono::NaiveDate>,
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

/// Sets the period of a plan loaded before periods were stored; false when it already has one.
pub fn fill_period(
    conn: &mut AnyConnection,
    id: &str,
    from: chrono::NaiveDate,
    to: Option<chrono::NaiveDate>,
    source: &str,
) -> QueryResult<bool> {
    diesel::update(plans::table.find(id).filter(plans::period_from.is_null()))
        .set((plans::period_from.eq(from), plans::period_to.eq(to), plans::period_source.eq(source)))
        .execute(conn)
        .map(|n| n == 1)
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
        .set((plan_targets::value.eq(Some(value)), plan_targets::deadline.eq(Some(deadline))))
        .execute(conn)
        .map(|n| n == 1)
}
