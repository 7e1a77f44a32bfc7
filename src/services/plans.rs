//! Administrators keep the provincial plans' targets (DOMAIN.md §6.2): the value and deadline of a
//! target may be corrected; its indicator, wording and source line come from the plan's text and stay.
use crate::auth::extractor::Who;
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::plans::{self, PlanRow, PlanTargetRow};
use crate::storage::{self, AnyConnection, Pool};

/// An administrator reads every plan with its targets, in order.
pub async fn with_targets(pool: &Pool, who: impl Into<Who>) -> Result<Vec<(PlanRow, Vec<PlanTargetRow>)>, AppError> {
    storage::run_as(pool, who, |conn, caller| with_targets_on(conn, &caller)).await
}

/// [`with_targets`] on `conn`.
pub fn with_targets_on(
    conn: &mut AnyConnection,
    caller: &Caller,
) -> Result<Vec<(PlanRow, Vec<PlanTargetRow>)>, AppError> {
    caller.require_role(&[Role::Admin])?;
    let mut out = vec![];
    for p in plans::list(conn)? {
        let targets = plans::targets(conn, &p.id)?;
        out.push((p, targets));
    }
    Ok(out)
}

/// A target value from outside: every indicator the plans set is a percentage, 0–100.
pub fn parse_value(s: &str) -> Result<f64, AppError> {
    let v: f64 = s.trim().replace(',', ".").parse().map_err(|_| {
        AppError::new(ErrorCode::InvalidTargetValue, "the value is a number from 0 to 100 (a percentage)")
    })?;
    check_value(v)
}

fn check_value(v: f64) -> Result<f64, AppError> {
    if v.is_finite() && (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(AppError::new(ErrorCode::InvalidTargetValue, "the value is a number from 0 to 100 (a percentage)"))
    }
}

/// An administrator sets a target's value (a percentage) and deadline (`YYYY-MM-DD`).
pub async fn update_target(
    pool: &Pool,
    who: impl Into<Who>,
    plan_id: String,
    position: i32,
    value: f64,
    deadline: String,
) -> Result<PlanTargetRow, AppError> {
    storage::run_as(pool, who, move |conn, caller| {
        update_target_on(conn, &caller, &plan_id, position, value, &deadline)
    })
    .await
}

/// [`update_target`] on `conn`, in one transaction.
pub fn update_target_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    plan_id: &str,
    position: i32,
    value: f64,
    deadline: &str,
) -> Result<PlanTargetRow, AppError> {
    caller.require_role(&[Role::Admin])?;
    let value = check_value(value)?;
    let deadline = super::calendar::parse_day(deadline)?;
    let row = crate::storage::transaction(conn, |conn| {
        if !plans::update_target(conn, plan_id, position, value, deadline)? {
            return Err(AppError::new(ErrorCode::PlanTargetNotFound, "this plan has no target at this position"));
        }
        plans::targets(conn, plan_id)?
            .into_iter()
            .find(|t| t.position == position)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("target vanished in its own transaction")))
    })?;
    tracing::info!(admin = %caller.username, plan = %row.plan_id, position = row.position, "plan target changed");
    Ok(row)
}
