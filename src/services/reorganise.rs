//! Loading and applying a reorganisation plan (issue 13; DOMAIN.md §2): one dated, reviewable
//! change of the agency tree, e.g. NQ 1668/NQ-UBTVQH15 for Cần Thơ on 01/07/2025.
//!
//! Loading checks the plan against every unit the system ever held ([`Plan::check`]) and records
//! it; a plan whose date has come is applied at once, a later one when its date comes
//! ([`apply_due_on`], which any instance may run: the plan is claimed in the applying transaction,
//! so it is applied exactly once). Applying, in one transaction: the new units begin, the continued
//! ones take their new parent, the ended ones end the day before (each with its holder), lineage is
//! recorded; every open dossier that an ended unit holds, or whose route still names it, moves to
//! the holder (its code unchanged, one control-sheet row per dossier, the old names kept in the
//! history); pending consultations and staff accounts follow. Nothing finished changes: a dossier
//! received in 2024 at the former phường Tân An stays received there.
//!
//! A dry run does all of it in a transaction that is rolled back, so what it reports is exactly
//! what applying would do.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::Connection;
use serde::Serialize;

use crate::domain::agency::UnknownLevel;
use crate::domain::calendar::to_vietnam;
use crate::domain::dossier::{Handover, RoutedStep, Status};
use crate::domain::procedure::{AbolishedLevel, StepTarget};
use crate::domain::reorganisation::{AccountFate, ExistingAgency, Holding, Plan, Predecessor, Summary};
use crate::domain::{AgencyCode, AgencyLevel, Role};
use crate::error::{AppError, ErrorCode};
use crate::storage::agencies::AgencyRow;
use crate::storage::dossiers::{self as store, DossierRow, EventRow, StoredRoute};
use crate::storage::reorganisations::{self, LineageRow, ReorganisationRow};
use crate::storage::{agencies, procedures, AnyConnection};

/// What loading a plan did (or, in a dry run, would do); the API answers with it as it is.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Report {
    pub plan: String,
    pub act: String,
    pub effective_on: NaiveDate,
    /// True when the plan's date has come and it was applied; false when it waits for its date.
    pub applied: bool,
    pub dry_run: bool,
    pub new_units: usize,
    pub continued_units: usize,
    pub ended_units: usize,
    pub lineage_links: usize,
    pub moved_dossiers: Vec<Moved>,
    pub moved_accounts: Vec<Moved>,
    /// Accounts of ended units whose plan says `"accounts": "disable"` (`what`: the username,
    /// `from`: the ended unit, `to`: its holder, which did not take them).
    pub disabled_accounts: Vec<Moved>,
    pub moved_consultations: usize,
    /// Procedures given a new current version (their older versions stay with the dossiers that
    /// used them): work at an abolished level, e.g. "2.000720 v2: district → commune", or steps at
    /// an ended unit moved to its holder, e.g. "1.003554 v2: 000.00.05.H12 → 000.00.47.H12".
    pub relevelled_procedures: Vec<String>,
}

/// One dossier (by its code, or its reference before it has one) or account (by username) that
/// moved from an ended unit to its holder.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Moved {
    pub what: String,
    pub from: String,
    pub to: String,
}

/// Loads a plan file's text: checks it, records it and applies it if its date (in Vietnam) has
/// come by `now`. With `dry_run`, nothing is kept.
pub fn load_on(conn: &mut AnyConnection, text: &str, now: DateTime<Utc>, dry_run: bool) -> Result<Report, AppError> {
    load_by(conn, text, None, now, dry_run)
}

/// [`load_on`], recording who loaded the plan (an administrator's username).
pub fn load_by(
    conn: &mut AnyConnection,
    text: &str,
    by: Option<&str>,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    let plan = crate::services::reorganisation_plan::parse(text)
        .map_err(|e| AppError::new(ErrorCode::InvalidReorganisationPlan, e.to_string()))?;
    let outcome = crate::storage::transaction::<Report, Outcome, _>(conn, |conn| {
        let report = load_in(conn, &plan, text, by, now, dry_run)?;
        if dry_run {
            Err(Outcome::DryRun(Box::new(report)))
        } else {
            Ok(report)
        }
    });
    match outcome {
        Ok(report) => Ok(report),
        Err(Outcome::DryRun(report)) => Ok(*report),
        Err(Outcome::Failed(e)) => Err(e),
    }
}

/// Applies every loaded plan whose date has come by `now`, oldest first; each in its own
/// transaction, claimed so that one instance applies it. The reports of those this call applied;
/// a plan that cannot be applied (the tree changed since it was loaded) stays unapplied, is
/// logged with its reason, and does not stop the others.
pub fn apply_due_on(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<Vec<Report>, AppError> {
    let today = to_vietnam(now).date_naive();
    let mut done = Vec::new();
    for row in reorganisations::due(conn, today)? {
        match apply_one(conn, &row, now) {
            Ok(report) => done.extend(report),
            Err(e) => {
                tracing::error!(plan = %row.id, error = %e, "a reorganisation whose date has come cannot be applied");
                // The reason, for the administrators' list (the applying transaction was rolled back).
                let reason = match &e {
                    AppError::Refused { message, .. } => message.clone(),
                    other => other.to_string(),
                };
                reorganisations::set_failure(conn, &row.id, &reason, now.naive_utc())?;
            }
        }
    }
    Ok(done)
}

/// One due plan, claimed and applied in one transaction; None when another instance got it first.
fn apply_one(
    conn: &mut AnyConnection,
    row: &ReorganisationRow,
    now: DateTime<Utc>,
) -> Result<Option<Report>, AppError> {
    let plan = crate::services::reorganisation_plan::parse(&row.plan)
        .map_err(|e| AppError::new(ErrorCode::InvalidReorganisationPlan, format!("stored plan {}: {e}", row.id)))?;
    conn.transaction::<Option<Report>, AppError, _>(|conn| {
        if !reorganisations::claim(conn, &row.id, now.naive_utc())? {
            return Ok(None);
        }
        // The tree may have changed since the plan was loaded: check it again.
        check(conn, &plan)?;
        let report = apply(conn, &plan, now, false)?;
        reorganisations::set_report(conn, &row.id, &serde_json::to_string(&report).unwrap_or_default())?;
        Ok(Some(report))
    })
}

enum Outcome {
    DryRun(Box<Report>),
    Failed(AppError),
}

impl From<AppError> for Outcome {
    fn from(e: AppError) -> Self {
        Outcome::Failed(e)
    }
}

impl From<diesel::result::Error> for Outcome {
    fn from(e: diesel::result::Error) -> Self {
        Outcome::Failed(e.into())
    }
}

fn load_in(
    conn: &mut AnyConnection,
    plan: &Plan,
    text: &str,
    by: Option<&str>,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    // The first statement writes, so that on SQLite the transaction holds the write lock from the
    // start (a read-then-write transaction fails at once when another connection wrote meanwhile).
    let row = ReorganisationRow {
        id: plan.id.clone(),
        effective_on: plan.effective_on,
        act: plan.act.clone(),
        title: plan.title.clone(),
        plan: text.to_string(),
        loaded_at: now.naive_utc(),
        loaded_by: by.map(str::to_string),
        applied_at: None,
        report: None,
        failure: None,
        failed_at: None,
    };
    match reorganisations::insert(conn, &row) {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            return Err(AppError::new(
                ErrorCode::ReorganisationExists,
                format!("the plan `{}` is already loaded", plan.id),
            ));
        }
        other => other?,
    }
    let summary = check(conn, plan)?;
    if plan.effective_on > to_vietnam(now).date_naive() {
        return Ok(Report {
            plan: plan.id.clone(),
            act: plan.act.clone(),
            effective_on: plan.effective_on,
            applied: false,
            dry_run,
            new_units: summary.new_units,
            continued_units: summary.continued_units,
            ended_units: summary.ended_units,
            lineage_links: summary.whole_links + summary.part_links,
            moved_dossiers: vec![],
            moved_accounts: vec![],
            disabled_accounts: vec![],
            moved_consultations: 0,
            relevelled_procedures: vec![],
        });
    }
    reorganisations::claim(conn, &plan.id, now.naive_utc())?;
    let report = apply(conn, plan, now, dry_run)?;
    reorganisations::set_report(conn, &plan.id, &serde_json::to_string(&report).unwrap_or_default())?;
    Ok(report)
}

/// The plan's check against every unit the system holds; refused with every problem listed.
fn check(conn: &mut AnyConnection, plan: &Plan) -> Result<Summary, AppError> {
    let existing = existing_agencies(conn)?;
    plan.check(&existing).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("- {p}")).collect();
        AppError::new(
            ErrorCode::ReorganisationRefused,
            format!("the plan `{}` is refused ({} problems):\n{}", plan.id, problems.len(), list.join("\n")),
        )
    })
}

/// Every unit the system ever held, as a plan is checked against it.
fn existing_agencies(conn: &mut AnyConnection) -> Result<Vec<ExistingAgency>, AppError> {
    let rows = agencies::list(conn, &Default::default())?;
    rows.iter()
        .map(|a| {
            Ok(ExistingAgency {
                code: AgencyCode::parse(&a.code)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("stored agency: {e}")))?,
                level: a.level.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("stored agency: {e}")))?,
                parent: a.parent_code.as_deref().and_then(|p| AgencyCode::parse(p).ok()),
                valid_to: a.valid_to,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()
}

fn apply(conn: &mut AnyConnection, plan: &Plan, now: DateTime<Utc>, dry_run: bool) -> Result<Report, AppError> {
    let on = plan.effective_on;
    let eve = on.pred_opt().expect("a plan's date has a day before it");
    let mut names: HashMap<String, String> =
        agencies::list(conn, &Default::default())?.into_iter().map(|a| (a.code, a.name)).collect();

    // New units, parents before children (a new unit's parent is an existing unit or an earlier one).
    let mut pending: Vec<_> = plan.new_units.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for u in pending {
            let parent = match &u.parent_code {
                None => None,
                Some(p) => match agencies::find(conn, p)? {
                    Some(parent) => Some(parent),
                    None => {
                        rest.push(u);
                        continue;
                    }
                },
            };
            // A new version of one unit (a rename) does what that unit did.
            let handles_procedures = match version_of(conn, u)? {
                Some(before) => before.handles_procedures,
                None => u.level != AgencyLevel::Ministry,
            };
            agencies::insert(
                conn,
                &AgencyRow {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    short_name: None,
                    level: u.level.as_str().to_string(),
                    kind: u.kind.clone(),
                    parent_code: u.parent_code.clone(),
                    path: parent.map(|p| format!("{}/{}", p.path, u.code)).unwrap_or_else(|| u.code.clone()),
                    handles_procedures,
                    created_at: now.naive_utc(),
                    valid_from: Some(on),
                    valid_to: None,
                    held_by: None,
                    provisional_code: u.provisional_code,
                    electronic_id: None,
                },
            )?;
            names.insert(u.code.clone(), u.name.clone());
        }
        if rest.len() == before {
            return Err(AppError::Internal(anyhow::anyhow!("new units whose parents never appear: {}", rest.len())));
        }
        pending = rest;
    }

    // Continued units under a new parent: their path (and their subtree's) follows.
    for c in &plan.continued_units {
        if let Some(parent) = &c.new_parent {
            let parent =
                agencies::find(conn, parent)?.ok_or_else(|| AppError::Internal(anyhow::anyhow!("checked parent")))?;
            agencies::move_under(conn, &c.code, &parent)?;
        }
    }

    // Lineage.
    let mut links = Vec::new();
    for u in &plan.new_units {
        for (i, l) in u.from.iter().enumerate() {
            let (code, name, province) = match &l.predecessor {
                Predecessor::Known(code) => (Some(code.clone()), names.get(code).cloned().unwrap_or_default(), None),
                Predecessor::Outside { name, province, .. } => (None, name.clone(), Some(province.clone())),
            };
            links.push(LineageRow {
                successor_code: u.code.clone(),
                position: i as i32 + 1,
                predecessor_code: code,
                predecessor_name: name,
                predecessor_province: province,
                whole: l.whole,
                effective_on: on,
                act: plan.act.clone(),
                reorganisation_id: plan.id.clone(),
            });
        }
    }
    // A unit closed into one that continues: its holder took it in whole.
    let mut positions: HashMap<String, i32> = HashMap::new();
    for h in plan.absorbed(&existing_agencies(conn)?) {
        let position = match positions.get(&h.holder) {
            Some(p) => *p,
            None => reorganisations::predecessors(conn, &h.holder)?.iter().map(|l| l.position).max().unwrap_or(0),
        } + 1;
        positions.insert(h.holder.clone(), position);
        links.push(LineageRow {
            successor_code: h.holder.clone(),
            position,
            predecessor_code: Some(h.ended.clone()),
            predecessor_name: names.get(&h.ended).cloned().unwrap_or_default(),
            predecessor_province: None,
            whole: true,
            effective_on: on,
            act: plan.act.clone(),
            reorganisation_id: plan.id.clone(),
        });
    }
    reorganisations::insert_lineage(conn, &links)?;

    // Ended units and what they held.
    let holders: HashMap<&str, &Holding> = plan.holdings.iter().map(|h| (h.ended.as_str(), h)).collect();
    let mut moved_dossiers = Vec::new();
    let mut moved_accounts = Vec::new();
    let mut disabled_accounts = Vec::new();
    let mut moved_consultations = 0;
    let mut touched = std::collections::BTreeMap::new();
    for ended in &plan.ended_units {
        let holding =
            holders.get(ended.as_str()).ok_or_else(|| AppError::Internal(anyhow::anyhow!("checked holder")))?;
        let holder = holding.holder.as_str();
        agencies::end(conn, ended, eve, holder)?;
        for row in store::open_touching(conn, ended, &open_status_codes())? {
            touched.entry(row.id.clone()).or_insert(row);
        }
        moved_consultations += store::move_pending_consultations(conn, ended, holder)?;
        let (accounts, list) = match holding.accounts {
            AccountFate::Move => (crate::storage::users::move_agency(conn, ended, holder)?, &mut moved_accounts),
            AccountFate::Disable => {
                (crate::storage::users::disable_at_agency(conn, ended, now.naive_utc())?, &mut disabled_accounts)
            }
        };
        list.extend(accounts.into_iter().map(|what| Moved { what, from: ended.clone(), to: holder.to_string() }));
    }
    let holders: HashMap<AgencyCode, AgencyCode> = plan
        .holdings
        .iter()
        .filter_map(|h| Some((AgencyCode::parse(&h.ended).ok()?, AgencyCode::parse(&h.holder).ok()?)))
        .collect();
    for row in touched.values() {
        moved_dossiers.push(move_dossier(conn, row, &holders, plan, now, &names)?);
    }
    let mut relevelled_procedures = Vec::new();
    for level in &plan.abolished_levels {
        relevelled_procedures.extend(relevel_procedures(conn, level, plan, now)?);
    }
    relevelled_procedures.extend(retarget_procedures(conn, &holders, plan, now)?);
    Ok(Report {
        plan: plan.id.clone(),
        act: plan.act.clone(),
        effective_on: on,
        applied: true,
        dry_run,
        new_units: plan.new_units.len(),
        continued_units: plan.continued_units.len(),
        ended_units: plan.ended_units.len(),
        lineage_links: links.len(),
        moved_dossiers,
        moved_accounts,
        disabled_accounts,
        moved_consultations,
        relevelled_procedures,
    })
}

/// Gives every current procedure with work at the abolished level a new current version where
/// that work is done at the level the plan names (see [`AbolishedLevel`]); the rest of the
/// procedure (documents, time limit, fee, shares of time) is unchanged.
fn relevel_procedures(
    conn: &mut AnyConnection,
    abolished: &AbolishedLevel,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let bad = |what: &str, e: String| AppError::Internal(anyhow::anyhow!("stored procedure {what}: {e}"));
    let mut done = Vec::new();
    for record in procedures::list_current(conn, &Default::default())? {
        let p = &record.procedure;
        let competent: AgencyLevel =
            p.competent_level.parse().map_err(|e: UnknownLevel| bad(&p.code, e.to_string()))?;
        let receiving = p
            .receiving_levels
            .split(',')
            .map(|l| l.parse::<AgencyLevel>().map_err(|e| bad(&p.code, e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let targets = record
            .steps
            .iter()
            .map(|s| StepTarget::parse(&s.target).map_err(|e| bad(&p.code, e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        if !abolished.touches(competent, &receiving, &targets) {
            continue;
        }
        let to = abolished.target_for(&p.code);
        let levels: Vec<&str> =
            abolished.receiving_levels(&receiving, to).into_iter().map(AgencyLevel::as_str).collect();
        let version = insert_version(
            conn,
            &record,
            plan,
            now,
            |row| procedures::ProcedureRow {
                competent_level: if competent == abolished.level { to } else { competent }.as_str().to_string(),
                receiving_levels: levels.join(","),
                ..row
            },
            |i, _| abolished.step(&targets[i], to).to_string(),
        )?;
        done.push(format!("{} v{version}: {} → {to}", p.code, abolished.level));
    }
    Ok(done)
}

/// Gives every current procedure whose route names an ended unit (a step at a named agency, e.g.
/// a department renamed) a new current version where that step is at the unit's holder; nothing
/// else changes, and dossiers already received keep their version (their open routes move above).
fn retarget_procedures(
    conn: &mut AnyConnection,
    holders: &HashMap<AgencyCode, AgencyCode>,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let bad = |what: &str, e: String| AppError::Internal(anyhow::anyhow!("stored procedure {what}: {e}"));
    let mut done = Vec::new();
    for record in procedures::list_current(conn, &Default::default())? {
        let p = &record.procedure;
        let targets = record
            .steps
            .iter()
            .map(|s| StepTarget::parse(&s.target).map_err(|e| bad(&p.code, e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let holder_of = |t: &StepTarget| match t {
            StepTarget::Agency(code) => holders.get(code),
            _ => None,
        };
        let mut moved: Vec<String> = targets.iter().filter_map(|t| Some(format!("{t} → {}", holder_of(t)?))).collect();
        if moved.is_empty() {
            continue;
        }
        moved.dedup();
        let version = insert_version(
            conn,
            &record,
            plan,
            now,
            |row| row,
            |i, s| holder_of(&targets[i]).map(|h| h.to_string()).unwrap_or_else(|| s.target.clone()),
        )?;
        done.push(format!("{} v{version}: {}", p.code, moved.join(", ")));
    }
    Ok(done)
}

/// Inserts the next current version of a procedure for a plan: `row` changes its fields, `target`
/// gives step `i`'s target; documents, time limit, fee and shares of time are unchanged, and the
/// legal basis gains the plan's act and date. Returns the version's number.
fn insert_version(
    conn: &mut AnyConnection,
    record: &procedures::ProcedureRecord,
    plan: &Plan,
    now: DateTime<Utc>,
    row: impl FnOnce(procedures::ProcedureRow) -> procedures::ProcedureRow,
    target: impl Fn(usize, &procedures::StepRow) -> String,
) -> Result<i32, AppError> {
    let p = &record.procedure;
    let id = uuid::Uuid::now_v7().to_string();
    let version = procedures::versions(conn, &p.code)?.into_iter().max().unwrap_or(0) + 1;
    let since = format!("{} (từ {})", plan.act, plan.effective_on.format("%d/%m/%Y"));
    let next = procedures::ProcedureRecord {
        procedure: row(procedures::ProcedureRow {
            id: id.clone(),
            version,
            legal_basis: Some(match &p.legal_basis {
                Some(basis) => format!("{basis}; {since}"),
                None => since,
            }),
            is_current: true,
            created_at: now.naive_utc(),
            ..p.clone()
        }),
        documents: record
            .documents
            .iter()
            .map(|d| procedures::DocumentRow { procedure_id: id.clone(), ..d.clone() })
            .collect(),
        steps: record
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| procedures::StepRow { procedure_id: id.clone(), target: target(i, s), ..s.clone() })
            .collect(),
    };
    procedures::insert(conn, &next)?;
    Ok(version)
}

/// The one unit a new unit takes whole and alone (a new version of it, as a rename makes).
fn version_of(
    conn: &mut AnyConnection,
    u: &crate::domain::reorganisation::NewUnit,
) -> Result<Option<AgencyRow>, AppError> {
    match u.from.as_slice() {
        [crate::domain::reorganisation::Link { predecessor: Predecessor::Known(code), whole: true }] => {
            Ok(agencies::find(conn, code)?)
        }
        _ => Ok(None),
    }
}

fn open_status_codes() -> Vec<i32> {
    Status::ALL.into_iter().filter(|s| s.is_open()).map(Status::national_code).collect()
}

/// Moves one open dossier off the ended units: where it is now and every step of its route (the
/// counter that returns the result included) that names one go to its holder; one control-sheet row.
fn move_dossier(
    conn: &mut AnyConnection,
    row: &DossierRow,
    holders: &HashMap<AgencyCode, AgencyCode>,
    plan: &Plan,
    now: DateTime<Utc>,
    names: &HashMap<String, String>,
) -> Result<Moved, AppError> {
    let held = |a: &AgencyCode| holders.get(a).cloned().unwrap_or_else(|| a.clone());
    // A step at a unit that ends goes to its holder as a whole: the departments were the old unit's.
    let moved = |s: &RoutedStep| match holders.get(&s.agency) {
        Some(holder) => RoutedStep::at(holder.clone(), s.time_share),
        None => s.clone(),
    };
    let route = StoredRoute(row.route.0.iter().map(moved).collect());
    let current = held(&row.current_agency);
    let department = match holders.contains_key(&row.current_agency) {
        true => None,
        false => row.current_department.as_ref().map(|d| d.as_str()),
    };
    let version = row.row_version + 1;
    let competent = row.competent_agency.as_ref().map(held);
    let competent = competent.as_ref().map(AgencyCode::as_str);
    if !store::reassign(conn, &row.id, row.row_version, current.as_str(), department, &String::from(&route), competent)?
    {
        return Err(AppError::new(
            ErrorCode::ConcurrentUpdate,
            "a dossier changed while the plan was applied; try again",
        ));
    }
    let handover = Handover {
        action: "reorganise",
        at: now,
        from_agency: row.current_agency.clone(),
        to_agency: current,
        status: row.status,
        step_due_at: row.step_due_at.map(|t| t.and_utc()),
        step_timeliness: None,
        due_at: row.due_at.map(|t| t.and_utc()),
        extended_due_at: row.extended_due_at.map(|t| t.and_utc()),
    };
    let name = |c: &AgencyCode| names.get(c.as_str()).cloned().unwrap_or_else(|| c.to_string());
    let ended: Vec<String> = row
        .route
        .0
        .iter()
        .map(|s| &s.agency)
        .chain([&row.current_agency])
        .filter(|a| holders.contains_key(*a))
        .map(|a| format!("{} → {}", name(a), name(&held(a))))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let note = format!("{}: {}", plan.act, ended.join("; "));
    let mut event = EventRow::of(&row.id, version, &handover, ("", Role::Admin), Some(note), None);
    event.actor_user_id = None;
    store::insert_event(conn, &event)?;
    Ok(Moved {
        what: row.code_or_reference().to_string(),
        from: row.current_agency.to_string(),
        to: handover.to_agency.to_string(),
    })
}

/// How often an instance looks for a plan whose date has come.
pub const SCHEDULE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Applies plans as their dates come, for as long as the process runs: every instance may run it,
/// the claim makes each plan applied once. What it applies is logged by plan and counts only.
pub async fn run_scheduler(pool: crate::storage::Pool, clock: crate::clock::Clock) {
    loop {
        let now = clock.now();
        match crate::storage::run(&pool, move |conn| apply_due_on(conn, now)).await {
            Ok(done) => {
                for r in done {
                    tracing::info!(
                        plan = %r.plan,
                        new_units = r.new_units,
                        ended_units = r.ended_units,
                        dossiers_moved = r.moved_dossiers.len(),
                        accounts_moved = r.moved_accounts.len(),
                        "reorganisation applied"
                    );
                }
            }
            Err(e) => tracing::error!(error = %e, "applying due reorganisations failed; retrying later"),
        }
        tokio::time::sleep(SCHEDULE_EVERY).await;
    }
}

/// An administrator loads a plan (its JSON text): [`load_by`] on the request's one trip.
pub async fn load(
    pool: &crate::storage::Pool,
    who: impl Into<crate::auth::extractor::Who>,
    text: String,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    crate::storage::run_as(pool, who, move |conn, caller| {
        caller.require_role(&[Role::Admin])?;
        load_by(conn, &text, Some(&caller.username), now, dry_run)
    })
    .await
}

/// An administrator reads every plan loaded, with who loaded it, when, and what applying changed.
pub async fn list(
    pool: &crate::storage::Pool,
    who: impl Into<crate::auth::extractor::Who>,
) -> Result<Vec<ReorganisationRow>, AppError> {
    crate::storage::run_as(pool, who, move |conn, caller| {
        caller.require_role(&[Role::Admin])?;
        Ok(reorganisations::all(conn)?)
    })
    .await
}
