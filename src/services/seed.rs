//! Loads `seeds/` idempotently: reference data (holidays, plans) always, the demo province on request.
//! Everything is validated through the domain types; one transaction for the whole load.
//!
//! The seed files are built into the binary too ([`EMBEDDED`]): when `seed.dir` is not a folder on
//! disk, the built-in copies are loaded, so `motcua serve` works from any directory or container.
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;

use crate::domain::agency::check_parent;
use crate::domain::department::DepartmentKey;
use crate::domain::procedure::{validate_route, RouteStep};
use crate::domain::search::{Synonym, Synonyms};
use crate::domain::{text::fold, AgencyCode, AgencyLevel, OnlineLevel, ProcedureCode, StepTarget, TimeLimit, TimeUnit};
use crate::services::users::{self, NewUser};
use crate::storage::{agencies, calendar, plans, procedures, AnyConnection};

/// How many rows each part of a load added (zero on a second load).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub calendar_days: usize,
    pub plans: usize,
    pub agencies: usize,
    pub procedures: usize,
    pub users: usize,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} calendar days, {} plans, {} agencies, {} procedure versions, {} users added",
            self.calendar_days, self.plans, self.agencies, self.procedures, self.users
        )
    }
}

#[derive(Deserialize)]
struct HolidayFile {
    days: Vec<HolidayEntry>,
}
#[derive(Deserialize)]
struct HolidayEntry {
    date: NaiveDate,
    kind: String,
    name: String,
}

#[derive(Deserialize)]
struct AgencyFile {
    agencies: Vec<AgencyEntry>,
}
#[derive(Deserialize)]
struct AgencyEntry {
    code: String,
    name: String,
    short_name: Option<String>,
    level: String,
    kind: String,
    parent_code: Option<String>,
    /// Absent means the agency handles procedures (districts, communes).
    handles_procedures: Option<bool>,
    /// The electronic ID TT 04/2025 Điều 23 codes carry (`MX1X2.Y1Y2Y3.Z1Z2`), when known.
    electronic_id: Option<String>,
}

#[derive(Deserialize)]
struct ProcedureFile {
    procedures: Vec<ProcedureEntry>,
}
#[derive(Deserialize)]
struct ProcedureEntry {
    code: String,
    version: i32,
    name: String,
    field: String,
    competent_level: String,
    receiving_levels: Vec<String>,
    online_level: i64,
    time_limit: TimeLimitEntry,
    fee: FeeEntry,
    documents: Vec<DocumentEntry>,
    steps: Vec<StepEntry>,
    legal_basis: Option<String>,
    /// On the published list for nationwide boundary-free intake (ND 118 Điều 14.4 as amended by ND 309).
    #[serde(default)]
    nationwide_boundary_free: bool,
    /// A nationwide centralised service: its dossiers take TT 04/2025 Điều 23's code.
    #[serde(default)]
    nationwide_centralised: bool,
}
#[derive(Deserialize)]
struct TimeLimitEntry {
    value: u32,
    unit: String,
}
#[derive(Deserialize)]
struct FeeEntry {
    amount_vnd: i64,
    description: String,
}
#[derive(Deserialize)]
struct DocumentEntry {
    name: String,
    copies: Option<i32>,
    original: Option<bool>,
}
#[derive(Deserialize)]
struct StepEntry {
    name: String,
    at: String,
    time_share: u32,
    /// A department key inside the step's agency (seeds/FORMAT.md).
    #[serde(default)]
    department: Option<String>,
}

#[derive(Deserialize)]
struct UserFile {
    users: Vec<UserEntry>,
}
#[derive(Deserialize)]
struct UserEntry {
    username: String,
    password: String,
    role: String,
    agency_code: Option<String>,
    full_name: String,
    /// The department of the agency the account works in (seeds/FORMAT.md).
    #[serde(default)]
    department: Option<String>,
}

#[derive(Deserialize)]
struct DepartmentFile {
    departments: Vec<DepartmentEntry>,
    #[serde(default)]
    accounts: Vec<DepartmentAccount>,
}
#[derive(Deserialize)]
struct DepartmentEntry {
    agency_code: String,
    key: String,
    name: String,
    valid_from: NaiveDate,
}
#[derive(Deserialize)]
struct DepartmentAccount {
    username: String,
    department: String,
}

#[derive(Deserialize)]
struct PlanFile {
    id: String,
    document: Option<String>,
    title: String,
    province: String,
    issued: String,
    source: String,
    period: PlanPeriod,
    targets: Vec<TargetEntry>,
    #[serde(default)]
    other_targets: Vec<TargetEntry>,
    /// Metrics a text names without a target value (ND 224/2026 Điều 19.2): shown with their actual
    /// value, never with an invented target.
    #[serde(default)]
    tracked: Vec<TargetEntry>,
}
#[derive(Deserialize)]
struct PlanPeriod {
    from: NaiveDate,
    /// None: open-ended.
    to: Option<NaiveDate>,
    source: String,
}
#[derive(Deserialize)]
struct TargetEntry {
    indicator: Option<String>,
    indicator_description: Option<String>,
    scope: String,
    level: Option<String>,
    value: Option<f64>,
    deadline: Option<NaiveDate>,
    wording: String,
    source_line: String,
    variant: Option<String>,
    ambiguity: Option<String>,
    /// For a tracked metric: what the source names, in its words.
    measures: Option<String>,
}

/// Indicators of DOMAIN.md §6.2 that a plan target may name, and the national ones
/// (regulations-2025.md §3, §6).
pub const INDICATORS: [&str; 14] = [
    "procedures_level3_pct",
    "procedures_level4_pct",
    "procedures_level3plus_pct",
    "dossiers_online_pct",
    "dossiers_online_level4_pct",
    "dossiers_in_system_pct",
    "agencies_using_pct",
    "on_time_pct",
    "satisfaction_pct",
    "online_payment_pct",
    "electronic_result_pct",
    "procedures_boundary_free_pct",
    "process_automation_pct",
    "processing_time_days",
];

/// Every `.json` file under `seeds/`, built into the binary, by its path inside `seeds/`
/// (a test checks that this list and the folder agree).
pub const EMBEDDED: [(&str, &str); 13] = [
    ("catalogue/synonyms.json", include_str!("../../seeds/catalogue/synonyms.json")),
    ("demo/agencies.json", include_str!("../../seeds/demo/agencies.json")),
    ("demo/departments.json", include_str!("../../seeds/demo/departments.json")),
    ("demo/procedures.json", include_str!("../../seeds/demo/procedures.json")),
    ("demo/users.json", include_str!("../../seeds/demo/users.json")),
    ("oversight/alert-rules.json", include_str!("../../seeds/oversight/alert-rules.json")),
    ("plans/cantho-131-2016.json", include_str!("../../seeds/plans/cantho-131-2016.json")),
    ("plans/haiphong-2015.json", include_str!("../../seeds/plans/haiphong-2015.json")),
    ("plans/national-2025.json", include_str!("../../seeds/plans/national-2025.json")),
    ("plans/quangnam-183-2020.json", include_str!("../../seeds/plans/quangnam-183-2020.json")),
    ("plans/vinhphuc-3854-2016.json", include_str!("../../seeds/plans/vinhphuc-3854-2016.json")),
    ("reference/holidays.json", include_str!("../../seeds/reference/holidays.json")),
    ("reorganisations/cantho-2025-07-01.json", include_str!("../../seeds/reorganisations/cantho-2025-07-01.json")),
];

/// Where the seed files are read from.
enum Source<'a> {
    /// `seed.dir`, a folder on disk.
    Dir(&'a Path),
    /// The copies built into the binary.
    Embedded,
}

impl Source<'_> {
    /// The text of the file at `rel` (e.g. `demo/users.json`), and a name for it in messages.
    fn text(&self, rel: &str) -> anyhow::Result<(String, String)> {
        match self {
            Source::Dir(dir) => {
                let path = dir.join(rel);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read seed file {}", path.display()))?;
                Ok((text, path.display().to_string()))
            }
            Source::Embedded => {
                let text = EMBEDDED
                    .iter()
                    .find(|(name, _)| *name == rel)
                    .map(|(_, text)| text.to_string())
                    .with_context(|| format!("no built-in seed file {rel}"))?;
                Ok((text, format!("{rel} (built in)")))
            }
        }
    }

    fn read<T: for<'de> Deserialize<'de>>(&self, rel: &str) -> anyhow::Result<T> {
        let (text, name) = self.text(rel)?;
        serde_json::from_str(&text).with_context(|| format!("seed file {name} is not valid"))
    }

    /// The `.json` files under `plans/`, in name order, as paths inside the seeds.
    fn plans(&self) -> anyhow::Result<Vec<String>> {
        let mut names: Vec<String> = match self {
            Source::Dir(dir) => std::fs::read_dir(dir.join("plans"))
                .with_context(|| format!("cannot list {}", dir.join("plans").display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .filter_map(|p| p.file_name().map(|n| format!("plans/{}", n.to_string_lossy())))
                .collect(),
            Source::Embedded => {
                EMBEDDED.iter().map(|(name, _)| name.to_string()).filter(|n| n.starts_with("plans/")).collect()
            }
        };
        names.sort();
        Ok(names)
    }
}

/// What [`load_departments`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DepartmentsLoaded {
    pub departments: usize,
    /// Entries whose agency does not exist (its reorganisation plan was not loaded).
    pub skipped: usize,
    pub accounts: usize,
}

/// Loads the demo's departments (`demo/departments.json`, seeds/FORMAT.md) in one transaction,
/// after the demo's reorganisations: a department whose agency does not exist is skipped (its
/// plan was not loaded), one already there is left as it is, and each listed account that works
/// for the department's agency is put in it.
pub fn load_departments(conn: &mut AnyConnection, dir: &Path) -> anyhow::Result<DepartmentsLoaded> {
    let source = if dir.is_dir() { Source::Dir(dir) } else { Source::Embedded };
    let file: DepartmentFile = source.read("demo/departments.json")?;
    crate::storage::transaction(conn, |conn| {
        let mut done = DepartmentsLoaded::default();
        for d in &file.departments {
            DepartmentKey::parse(&d.key).with_context(|| format!("department of {}", d.agency_code))?;
            if agencies::find(conn, &d.agency_code)?.is_none() {
                done.skipped += 1;
                continue;
            }
            let row = crate::storage::departments::DepartmentRow {
                agency_code: d.agency_code.clone(),
                key: d.key.clone(),
                name: d.name.clone(),
                valid_from: d.valid_from,
                valid_to: None,
                held_by: None,
            };
            if crate::storage::departments::insert_missing(conn, &row)? {
                done.departments += 1;
            }
        }
        for a in &file.accounts {
            let Some(user) = crate::storage::users::find_by_username(conn, &a.username)? else { continue };
            let Some(agency) = user.agency_code else { continue };
            if crate::storage::departments::find(conn, &agency, &a.department)?.is_some_and(|d| d.is_open()) {
                crate::storage::users::set_department(conn, &a.username, Some(&a.department))?;
                done.accounts += 1;
            }
        }
        Ok(done)
    })
}

/// Loads the reorganisation plans `ids` (`reorganisations/<id>.json` of the seeds) that are not
/// loaded yet, each applied at once if its date has come by `now` (see `services::reorganise`).
/// Their reports, in order.
///
/// With `window` (the demo history's links), a plan whose date has come is preceded by the demo's
/// last working days under the units it ends (`demo::cutover`), so applying it moves open dossiers.
pub fn load_reorganisations(
    conn: &mut AnyConnection,
    dir: &Path,
    ids: &[String],
    now: chrono::DateTime<chrono::Utc>,
    window: Option<&crate::services::dossiers::Links>,
) -> anyhow::Result<Vec<crate::services::reorganise::Report>> {
    let source = if dir.is_dir() { Source::Dir(dir) } else { Source::Embedded };
    let mut reports = Vec::new();
    for id in ids {
        if crate::storage::reorganisations::find(conn, id)?.is_some() {
            continue;
        }
        let (text, name) = source.text(&format!("reorganisations/{id}.json"))?;
        let mut open_at_cutover = None;
        if let Some(links) = window {
            let effective_on = crate::services::reorganisation_plan::parse(&text)
                .map_err(|e| anyhow::anyhow!("reorganisation plan {name}: {e}"))?
                .effective_on;
            if effective_on <= crate::domain::calendar::to_vietnam(now).date_naive() {
                let made = crate::services::demo::cutover::before_on(conn, links, effective_on)
                    .map_err(|e| anyhow::anyhow!("demo days before {name}: {e}"))?;
                tracing::info!(
                    dossiers = made.dossiers,
                    finished = made.finished,
                    open = made.open,
                    "demo dossiers made before the reorganisation"
                );
                open_at_cutover = Some((links, made.open_codes));
            }
        }
        let report = crate::services::reorganise::load_on(conn, &text, now, false)
            .map_err(|e| anyhow::anyhow!("reorganisation plan {name}: {e}"))?;
        if let Some((links, codes)) = open_at_cutover.filter(|_| report.applied) {
            // The dossiers open at the cutover are taken on (at the successors where the plan moved them).
            let made = crate::services::demo::cutover::after_on(conn, links, report.effective_on, &codes, now)
                .map_err(|e| anyhow::anyhow!("demo days after {name}: {e}"))?;
            tracing::info!(taken_on = made.dossiers, finished = made.finished, "demo dossiers the successors took on");
        }
        reports.push(report);
    }
    Ok(reports)
}

/// Loads the seeds under `dir` in one transaction, or the built-in ones when `dir` is not a folder.
/// Rows already present are left as they are.
pub fn load(conn: &mut AnyConnection, dir: &Path, demo: bool, now: DateTime<Utc>) -> anyhow::Result<SeedReport> {
    let source = if dir.is_dir() {
        Source::Dir(dir)
    } else {
        tracing::info!(dir = %dir.display(), "seed.dir is not a folder: loading the seeds built into the binary");
        Source::Embedded
    };
    let holidays: HolidayFile = source.read("reference/holidays.json")?;
    let mut plan_files: Vec<PlanFile> = Vec::new();
    for p in source.plans()? {
        plan_files.push(source.read(&p)?);
    }
    let demo_files = if demo {
        Some((
            source.read::<AgencyFile>("demo/agencies.json")?,
            source.read::<ProcedureFile>("demo/procedures.json")?,
            source.read::<UserFile>("demo/users.json")?,
        ))
    } else {
        None
    };

    crate::storage::transaction(conn, |conn| {
        let mut report = SeedReport::default();
        for d in &holidays.days {
            anyhow::ensure!(
                d.kind == "holiday" || d.kind == "working_day",
                "holiday {} has kind `{}`: expected holiday or working_day",
                d.date,
                d.kind
            );
            if !calendar::exists(conn, d.date)? {
                calendar::insert(
                    conn,
                    &calendar::CalendarDayRow { day: d.date, kind: d.kind.clone(), name: d.name.clone() },
                )?;
                report.calendar_days += 1;
            }
        }
        for plan in &plan_files {
            report.plans += load_plan(conn, plan)?;
        }
        if let Some((agency_file, procedure_file, user_file)) = &demo_files {
            let mut hashes = std::collections::HashMap::new();
            for a in &agency_file.agencies {
                report.agencies += load_agency(conn, a, now.naive_utc())?;
            }
            for p in &procedure_file.procedures {
                report.procedures += load_procedure(conn, p, now.naive_utc())
                    .with_context(|| format!("procedure {} v{}", p.code, p.version))?;
            }
            for u in &user_file.users {
                if crate::storage::users::find_by_username(conn, &u.username)?.is_none() {
                    users::add_demo(
                        conn,
                        NewUser {
                            username: u.username.clone(),
                            password: u.password.clone(),
                            role: u.role.clone(),
                            agency_code: u.agency_code.clone(),
                            full_name: u.full_name.clone(),
                            is_demo: true,
                            department: u.department.clone(),
                        },
                        &mut hashes,
                        now,
                    )
                    .with_context(|| format!("demo user {}", u.username))?;
                    report.users += 1;
                }
            }
        }
        Ok(report)
    })
}

/// The early-warning rules' file: `oversight/alert-rules.json` under `dir`, or the built-in copy
/// when `dir` has none.
pub fn alert_rules_text(dir: &Path) -> anyhow::Result<String> {
    let source = if dir.join(ALERT_RULES).is_file() { Source::Dir(dir) } else { Source::Embedded };
    Ok(source.text(ALERT_RULES)?.0)
}

const ALERT_RULES: &str = "oversight/alert-rules.json";

/// `catalogue/synonyms.json` (seeds/FORMAT.md): what citizens type and what it stands for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymFile {
    #[allow(dead_code)]
    source: String,
    synonyms: Vec<SynonymEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymEntry {
    phrases: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    fields: Vec<String>,
}

const SYNONYMS: &str = "catalogue/synonyms.json";

/// The catalogue search's synonym list: `catalogue/synonyms.json` under `dir`, or the built-in
/// copy when `dir` has none. Kept in memory (it is read on every search, and changes with a deployment).
pub fn synonyms(dir: &Path) -> anyhow::Result<Synonyms> {
    let source = if dir.join(SYNONYMS).is_file() { Source::Dir(dir) } else { Source::Embedded };
    let file: SynonymFile = source.read(SYNONYMS)?;
    let entries = file
        .synonyms
        .iter()
        .enumerate()
        .map(|(i, e)| {
            Synonym::new(&e.phrases, &e.names, &e.fields).with_context(|| format!("{SYNONYMS}: entry {}", i + 1))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Synonyms::new(entries))
}

fn load_plan(conn: &mut AnyConnection, plan: &PlanFile) -> anyhow::Result<usize> {
    let period = &plan.period;
    anyhow::ensure!(
        period.to.is_none_or(|to| period.from <= to),
        "plan {}: its period ends ({:?}) before it begins ({})",
        plan.id,
        period.to,
        period.from
    );
    anyhow::ensure!(!period.source.trim().is_empty(), "plan {}: say where its period comes from", plan.id);
    if plans::exists(conn, &plan.id)? {
        // Loaded before plans carried their period: the period is filled in, nothing else changes.
        plans::fill_period(conn, &plan.id, period.from, period.to, &period.source)?;
        return Ok(0);
    }
    let mut rows = Vec::new();
    let entries = plan.targets.iter().chain(&plan.other_targets).map(|t| (t, false));
    for (i, (t, tracked)) in entries.chain(plan.tracked.iter().map(|t| (t, true))).enumerate() {
        if let Some(ind) = &t.indicator {
            anyhow::ensure!(INDICATORS.contains(&ind.as_str()), "plan {}: unknown indicator `{ind}`", plan.id);
        }
        anyhow::ensure!(
            t.indicator.is_some() || t.indicator_description.is_some(),
            "plan {}: target {} names no indicator",
            plan.id,
            i + 1
        );
        if tracked {
            anyhow::ensure!(
                t.value.is_none() && t.deadline.is_none() && t.indicator.is_some(),
                "plan {}: tracked metric {} has a value or deadline, or names no indicator: a metric without a \
                 published target is tracked, one with a target goes under `targets`",
                plan.id,
                i + 1
            );
        } else {
            anyhow::ensure!(t.value.is_some(), "plan {}: target {} has no value", plan.id, i + 1);
        }
        if let Some(level) = &t.level {
            level.parse::<AgencyLevel>().with_context(|| format!("plan {}", plan.id))?;
        }
        rows.push(plans::PlanTargetRow {
            plan_id: plan.id.clone(),
            position: i as i32 + 1,
            indicator: t.indicator.clone(),
            description: t.indicator_description.clone().or_else(|| t.measures.clone()),
            scope: t.scope.clone(),
            level: t.level.clone(),
            value: t.value,
            deadline: t.deadline,
            wording: t.wording.clone(),
            source_line: t.source_line.clone(),
            variant: t.variant.clone(),
            ambiguity: t.ambiguity.clone(),
        });
    }
    plans::insert(
        conn,
        &plans::PlanRow {
            id: plan.id.clone(),
            document: plan.document.clone(),
            title: plan.title.clone(),
            province: plan.province.clone(),
            issued: plan.issued.clone(),
            source: plan.source.clone(),
            period_from: Some(period.from),
            period_to: period.to,
            period_source: Some(period.source.clone()),
        },
        &rows,
    )?;
    Ok(1)
}

fn load_agency(conn: &mut AnyConnection, a: &AgencyEntry, now: NaiveDateTime) -> anyhow::Result<usize> {
    let code = AgencyCode::parse(&a.code)?;
    if agencies::find(conn, code.as_str())?.is_some() {
        return Ok(0);
    }
    let level: AgencyLevel = a.level.parse()?;
    let path = match &a.parent_code {
        None => code.to_string(),
        Some(parent) => {
            let parent = agencies::find(conn, parent)?
                .with_context(|| format!("agency {code}: parent {parent} is not listed before it"))?;
            let parent_level: AgencyLevel = parent.level.parse()?;
            check_parent(&code, level, &AgencyCode::parse(&parent.code)?, parent_level)?;
            format!("{}/{}", parent.path, code)
        }
    };
    let electronic_id = match &a.electronic_id {
        Some(id) => Some(
            crate::domain::dossier::ElectronicId::parse(id)
                .map_err(|_| anyhow::anyhow!("agency {code}: electronic_id {id} is not MX1X2.Y1Y2Y3.Z1Z2"))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    agencies::insert(
        conn,
        &agencies::AgencyRow {
            code: code.to_string(),
            name: a.name.clone(),
            short_name: a.short_name.clone(),
            level: level.as_str().to_string(),
            kind: a.kind.clone(),
            parent_code: a.parent_code.clone(),
            path,
            handles_procedures: a.handles_procedures.unwrap_or(true),
            created_at: now,
            valid_from: None,
            valid_to: None,
            held_by: None,
            provisional_code: false,
            electronic_id,
        },
    )?;
    Ok(1)
}

fn load_procedure(conn: &mut AnyConnection, p: &ProcedureEntry, now: NaiveDateTime) -> anyhow::Result<usize> {
    let code = ProcedureCode::parse(&p.code)?;
    anyhow::ensure!(p.version > 0, "version must be positive");
    if procedures::exists(conn, code.as_str(), p.version)? {
        return Ok(0);
    }
    let competent: AgencyLevel = p.competent_level.parse()?;
    let receiving = p.receiving_levels.iter().map(|l| l.parse::<AgencyLevel>()).collect::<Result<Vec<_>, _>>()?;
    anyhow::ensure!(!receiving.is_empty(), "receiving_levels is empty");
    let online = OnlineLevel::new(p.online_level)?;
    let unit: TimeUnit = p.time_limit.unit.parse()?;
    anyhow::ensure!(p.time_limit.value > 0, "the time limit must be positive");
    let limit = TimeLimit { value: p.time_limit.value, unit };
    anyhow::ensure!(p.fee.amount_vnd >= 0, "the fee cannot be negative");
    anyhow::ensure!(!p.documents.is_empty(), "a procedure lists at least one document");
    let steps = p
        .steps
        .iter()
        .map(|s| {
            Ok(RouteStep {
                name: s.name.clone(),
                target: StepTarget::parse(&s.at)?,
                department: s.department.as_deref().map(DepartmentKey::parse).transpose()?,
                time_share: s.time_share,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    validate_route(&steps, limit)?;
    for s in &steps {
        if let StepTarget::Agency(c) = &s.target {
            anyhow::ensure!(agencies::find(conn, c.as_str())?.is_some(), "route step at unknown agency {c}");
        }
    }
    // The highest version is the current one.
    let newer_exists = procedures::versions(conn, code.as_str())?.into_iter().any(|v| v > p.version);
    let id = uuid::Uuid::now_v7().to_string();
    let record = procedures::ProcedureRecord {
        procedure: procedures::ProcedureRow {
            id: id.clone(),
            code: code.to_string(),
            version: p.version,
            name: p.name.clone(),
            search_name: fold(&p.name),
            field: p.field.clone(),
            competent_level: competent.as_str().to_string(),
            receiving_levels: receiving.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(","),
            online_level: i32::from(online.get()),
            time_limit_value: limit.value as i32,
            time_limit_unit: unit.as_str().to_string(),
            fee_vnd: p.fee.amount_vnd,
            fee_description: p.fee.description.clone(),
            legal_basis: p.legal_basis.clone(),
            is_current: !newer_exists,
            created_at: now,
            nationwide_boundary_free: p.nationwide_boundary_free,
            nationwide_centralised: p.nationwide_centralised,
        },
        documents: p
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| procedures::DocumentRow {
                procedure_id: id.clone(),
                position: i as i32 + 1,
                name: d.name.clone(),
                copies: d.copies.unwrap_or(1),
                original: d.original.unwrap_or(false),
            })
            .collect(),
        steps: steps
            .iter()
            .enumerate()
            .map(|(i, s)| procedures::StepRow {
                procedure_id: id.clone(),
                position: i as i32 + 1,
                name: s.name.clone(),
                target: s.target.to_string(),
                time_share: s.time_share as i32,
                department: s.department.as_ref().map(|d| d.to_string()),
            })
            .collect(),
    };
    procedures::insert(conn, &record)?;
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `.json` under `seeds/` on disk, by its path inside `seeds/`.
    fn json_on_disk(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir.join(rel)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let inner = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            if path.is_dir() {
                json_on_disk(dir, &inner, out);
            } else if inner.ends_with(".json") {
                out.push((inner, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }

    #[test]
    fn every_synonym_stands_for_a_name_or_a_field_of_the_demo_catalogue() {
        use crate::domain::search::{names_field, words};
        let list = synonyms(Path::new("/nonexistent")).unwrap();
        assert!(list.len() >= 30, "a few dozen entries: {}", list.len());
        let file: SynonymFile = Source::Embedded.read(SYNONYMS).unwrap();
        let catalogue: ProcedureFile = Source::Embedded.read("demo/procedures.json").unwrap();
        let padded = |t: &str| format!(" {} ", words(t).join(" "));
        for e in &file.synonyms {
            for n in &e.names {
                let found = catalogue.procedures.iter().any(|p| padded(&p.name).contains(&padded(n)));
                assert!(found, "{:?}: no procedure's name holds “{n}”", e.phrases);
            }
            for f in &e.fields {
                assert!(catalogue.procedures.iter().any(|p| names_field(f, &p.field)), "{:?}: no field {f}", e.phrases);
            }
        }
    }

    #[test]
    fn the_built_in_seeds_are_every_json_file_under_seeds_as_it_is() {
        let mut disk = Vec::new();
        json_on_disk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"), "", &mut disk);
        disk.sort();
        // The regimes are built in by `domain::regime` (read once, not by the seed loader).
        let regimes = crate::domain::regime::FILES.iter().map(|(n, t)| (format!("regimes/{n}"), t.to_string()));
        let mut built_in: Vec<(String, String)> =
            EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())).chain(regimes).collect();
        built_in.sort();
        let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&built_in), names(&disk), "add the new seed file to seed::EMBEDDED");
        assert_eq!(built_in, disk);
        assert_eq!(Source::Embedded.plans().unwrap().len(), 5);
    }
}
