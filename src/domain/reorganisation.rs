//! A reorganisation of agencies: one dated, reviewable change (DOMAIN.md §2), and its check.
//!
//! The example is NQ 1668/NQ-UBTVQH15 (16/06/2025, effective 01/07/2025): the commune-level units
//! of the merged Cần Thơ (former Cần Thơ, Hậu Giang and Sóc Trăng). On the effective date some
//! units end (the day before), new ones begin, each formed from former units, whole or in part, and
//! some continue, possibly under a new parent or name. A code, once used, always means the same
//! unit: a unit whose territory changes is a new unit with a new code, a unit unchanged in
//! territory keeps its code. Every unit that ends names the one successor that takes its open
//! dossiers, staff accounts and result counter (its *holder*).
//!
//! A [`Plan`] is the plan as written (codes as strings); [`Plan::check`] is the gate that parses
//! every code and refuses the plan with the full list of [`Problem`]s.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;

use super::agency::{check_parent, AgencyCode, AgencyLevel, HierarchyError};
use super::procedure::AbolishedLevel;

/// One reorganisation, as its file states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// e.g. `cantho-2025-07-01`.
    pub id: String,
    /// The first day of the new hierarchy; ended units are valid until the day before.
    pub effective_on: NaiveDate,
    /// The legal act, e.g. "NQ 1668/NQ-UBTVQH15".
    pub act: String,
    pub act_date: NaiveDate,
    pub title: String,
    pub new_units: Vec<NewUnit>,
    pub continued_units: Vec<ContinuedUnit>,
    /// Codes of existing units that end the day before `effective_on`.
    pub ended_units: Vec<String>,
    /// For every ended unit, the one successor that takes what it held.
    pub holdings: Vec<Holding>,
    /// Levels the plan abolishes (every unit of it ends) and where their procedures go.
    pub abolished_levels: Vec<AbolishedLevel>,
}

/// A unit that begins on the effective date, with a code never used before.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub level: AgencyLevel,
    /// As in the agencies seed file: `people_committee`, `department`, `service_centre`, `unit`…
    pub kind: String,
    pub parent_code: Option<String>,
    /// The code was chosen by us in the QCVN 102 shape, not published (e.g. Cần Thơ 2025).
    pub provisional_code: bool,
    /// The clause of the act that forms the unit (NQ 1668 Điều 1 khoản N), if any.
    pub clause: Option<u32>,
    /// The units it is formed from.
    pub from: Vec<Link>,
}

/// One lineage link: the new unit took `predecessor` whole, or a part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub predecessor: Predecessor,
    pub whole: bool,
}

/// A former unit: one of ours by its code, or one the system never held (a commune of another
/// province merged in), by its name and former province.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Predecessor {
    Known(String),
    Outside { name: String, province: String, district: Option<String> },
}

impl fmt::Display for Predecessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(code) => f.write_str(code),
            Self::Outside { name, province, district: Some(d) } => write!(f, "{name} ({d}, {province})"),
            Self::Outside { name, province, district: None } => write!(f, "{name} ({province})"),
        }
    }
}

/// An existing unit that goes on with its code; `None` keeps its name or parent as they are.
#[derive(Debug, Clone, PartialEq)]
pub struct ContinuedUnit {
    pub code: String,
    /// A new name as the file states it. Refused by the check ([`Problem::RenameKeepsCode`]): a
    /// rename is a new version of the unit with a new code (a new unit formed whole from it).
    pub new_name: Option<String>,
    pub new_parent: Option<String>,
    pub note: Option<String>,
}

/// Which successor takes an ended unit's open dossiers, staff accounts and result counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub ended: String,
    pub holder: String,
    /// What becomes of the ended unit's staff accounts.
    pub accounts: AccountFate,
}

/// What becomes of an ended unit's staff accounts: they move to its holder (the default), or they
/// are disabled (the people did not go to the successor; an administrator re-enables or recreates
/// the ones who did). Either way the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountFate {
    #[default]
    Move,
    Disable,
}

/// A unit the system already knows, as the plan is checked against it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingAgency {
    pub code: AgencyCode,
    pub level: AgencyLevel,
    pub parent: Option<AgencyCode>,
    /// The last day the unit is valid; `None` while it has no end.
    pub valid_to: Option<NaiveDate>,
}

impl ExistingAgency {
    /// Still valid the day before `day`, so a plan effective on `day` may end, keep or split it.
    fn is_live_before(&self, day: NaiveDate) -> bool {
        self.valid_to.is_none_or(|to| day.pred_opt().is_none_or(|eve| to >= eve))
    }
}

/// What a plan that passes its check does, in numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub new_units: usize,
    pub continued_units: usize,
    pub ended_units: usize,
    pub whole_links: usize,
    pub part_links: usize,
    /// Links (whole or part) from units the system never held (another province's communes).
    pub outside_links: usize,
}

/// Why a plan is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("the act is dated {act_date}, after the plan takes effect on {effective_on}")]
    ActAfterEffect { act_date: NaiveDate, effective_on: NaiveDate },
    #[error("{place}: {reason}")]
    BadCode { place: String, reason: String },
    #[error("new unit {code} ({name}): the code is already used by an existing unit, and a code once used always means the same unit")]
    CodeInUse { code: String, name: String },
    #[error("the code {code} is given to more than one new unit")]
    NewCodeTwice { code: String },
    #[error("new unit {unit}: its predecessor {code} is not a known unit")]
    UnknownPredecessor { unit: String, code: String },
    #[error("new unit {unit}: its predecessor {code} had already ended before the plan")]
    PredecessorGone { unit: String, code: String },
    #[error("new unit {unit} takes {code} whole, but the plan does not end {code}")]
    WholeButNotEnded { unit: String, code: String },
    #[error("{predecessor} is merged whole into more than one unit: {}", .into.join(", "))]
    MergedWholeTwice { predecessor: String, into: Vec<String> },
    #[error("{predecessor} is merged whole into {whole_into} and also in part into {}", .part_into.join(", "))]
    WholeAndPart { predecessor: String, whole_into: String, part_into: Vec<String> },
    #[error("continued unit {code} is not a unit valid before the plan")]
    UnknownContinued { code: String },
    #[error("continued unit {code} is given a new name: a rename is a new version of the unit with a new code (a code once used always means the same unit); list it as a new unit formed whole from {code}, end {code} and let the new version hold it")]
    RenameKeepsCode { code: String },
    #[error("unit {code} is listed twice as continuing")]
    ContinuedTwice { code: String },
    #[error("unit {code} both continues and ends")]
    ContinuedAndEnded { code: String },
    #[error("ended unit {code} is not a unit valid before the plan")]
    UnknownEnded { code: String },
    #[error("unit {code} is ended twice")]
    EndedTwice { code: String },
    #[error("ended unit {code} has no successor: no new unit is formed from it and it has no unit below it")]
    NoSuccessor { code: String },
    #[error(
        "ended unit {code} has no holder: name the successor that takes its open dossiers, accounts and result counter"
    )]
    NoHolder { code: String },
    #[error("ended unit {ended} is held by {holder}, which is not one of its successors ({})", .successors.join(", "))]
    HolderNotSuccessor { ended: String, holder: String, successors: Vec<String> },
    #[error("unit {code} has more than one holder")]
    HeldTwice { code: String },
    #[error("a holder is named for {code}, which the plan does not end")]
    HoldingNotEnded { code: String },
    #[error("the plan abolishes the {level} level, but these units of it remain: {}", .units.join(", "))]
    LevelRemains { level: AgencyLevel, units: Vec<String> },
    #[error("the {level} level's procedures go to the {to} level, which has no unit after the plan")]
    NoUnitAtLevel { level: AgencyLevel, to: AgencyLevel },
    #[error("unit {unit}: its parent {parent} is neither an existing unit that continues nor a new unit")]
    UnknownParent { unit: String, parent: String },
    #[error("unit {unit} continues but its parent {parent} ends: give it a new parent or end it")]
    ParentEnds { unit: String, parent: String },
    #[error(transparent)]
    Hierarchy(#[from] HierarchyError),
}

impl Plan {
    /// Checks the plan against the units the system holds (every one it ever held: a code once
    /// used is never given again). Either what the plan does, or every reason to refuse it.
    pub fn check(&self, existing: &[ExistingAgency]) -> Result<Summary, Vec<Problem>> {
        let mut problems = Vec::new();
        if self.act_date > self.effective_on {
            problems.push(Problem::ActAfterEffect { act_date: self.act_date, effective_on: self.effective_on });
        }
        self.check_shapes(&mut problems);
        let ctx = Context::new(self, existing);
        self.check_ends_and_continues(&ctx, &mut problems);
        self.check_new_codes(&ctx, &mut problems);
        self.check_links(&ctx, &mut problems);
        self.check_holdings(&ctx, &mut problems);
        self.check_parents(&ctx, &mut problems);
        self.check_abolished_levels(&ctx, existing, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let links = self.new_units.iter().flat_map(|u| &u.from);
        Ok(Summary {
            new_units: self.new_units.len(),
            continued_units: self.continued_units.len(),
            ended_units: self.ended_units.len(),
            whole_links: links.clone().filter(|l| l.whole).count(),
            part_links: links.clone().filter(|l| !l.whole).count(),
            outside_links: links.filter(|l| matches!(l.predecessor, Predecessor::Outside { .. })).count(),
        })
    }

    /// The ended units that nothing in the plan succeeds but their holder, a unit that continues:
    /// each is taken in whole by its holder (an administrator closing a unit into another), which
    /// applying records as a lineage link. Empty for a plan where every ended unit has successors.
    pub fn absorbed(&self, existing: &[ExistingAgency]) -> Vec<Holding> {
        let ctx = Context::new(self, existing);
        self.holdings
            .iter()
            .filter(|h| ctx.ended.contains(h.ended.as_str()) && ctx.live(&h.ended).is_some())
            .filter(|h| ctx.successors(&h.ended).is_empty() && ctx.continues(&h.holder))
            .cloned()
            .collect()
    }

    /// An abolished level keeps no unit after the plan, and the level its procedures go to has one.
    fn check_abolished_levels(&self, ctx: &Context<'_>, existing: &[ExistingAgency], problems: &mut Vec<Problem>) {
        let after = |level: AgencyLevel| -> Vec<String> {
            let new = self.new_units.iter().filter(|u| u.level == level).map(|u| u.code.clone());
            let kept =
                existing.iter().filter(|a| ctx.level_after(a.code.as_str()) == Some(level)).map(|a| a.code.to_string());
            new.chain(kept).collect()
        };
        for a in &self.abolished_levels {
            let remain = after(a.level);
            if !remain.is_empty() {
                problems.push(Problem::LevelRemains { level: a.level, units: remain });
            }
            let targets = std::iter::once(a.procedures_to).chain(a.exceptions.iter().map(|(_, l)| *l));
            for to in targets.collect::<std::collections::BTreeSet<_>>() {
                if after(to).is_empty() {
                    problems.push(Problem::NoUnitAtLevel { level: a.level, to });
                }
            }
        }
    }

    /// Every code the plan writes, with where it stands, in the QCVN 102 shape.
    fn check_shapes(&self, problems: &mut Vec<Problem>) {
        let mut codes: Vec<(String, &str)> = Vec::new();
        for u in &self.new_units {
            codes.push((format!("new unit {}", u.name), &u.code));
            if let Some(p) = &u.parent_code {
                codes.push((format!("parent of new unit {}", u.code), p));
            }
            for l in &u.from {
                if let Predecessor::Known(code) = &l.predecessor {
                    codes.push((format!("predecessor of new unit {}", u.code), code));
                }
            }
        }
        for c in &self.continued_units {
            codes.push(("continued unit".into(), &c.code));
            if let Some(p) = &c.new_parent {
                codes.push((format!("new parent of {}", c.code), p));
            }
        }
        codes.extend(self.ended_units.iter().map(|c| ("ended unit".to_string(), c.as_str())));
        for h in &self.holdings {
            codes.push((format!("holder of {}", h.ended), &h.holder));
        }
        for (place, code) in codes {
            if let Err(e) = AgencyCode::parse(code) {
                problems.push(Problem::BadCode { place, reason: e.to_string() });
            }
        }
    }

    fn check_ends_and_continues(&self, ctx: &Context<'_>, problems: &mut Vec<Problem>) {
        let mut seen = HashSet::new();
        for code in &self.ended_units {
            if !seen.insert(code.as_str()) {
                problems.push(Problem::EndedTwice { code: code.clone() });
            } else if ctx.live(code).is_none() {
                problems.push(Problem::UnknownEnded { code: code.clone() });
            }
        }
        let mut seen = HashSet::new();
        for c in &self.continued_units {
            if !seen.insert(c.code.as_str()) {
                problems.push(Problem::ContinuedTwice { code: c.code.clone() });
            } else if ctx.live(&c.code).is_none() {
                problems.push(Problem::UnknownContinued { code: c.code.clone() });
            } else if ctx.ended.contains(c.code.as_str()) {
                problems.push(Problem::ContinuedAndEnded { code: c.code.clone() });
            }
            if c.new_name.is_some() {
                problems.push(Problem::RenameKeepsCode { code: c.code.clone() });
            }
        }
    }

    fn check_new_codes(&self, ctx: &Context<'_>, problems: &mut Vec<Problem>) {
        let mut seen = HashSet::new();
        for u in &self.new_units {
            if !seen.insert(u.code.as_str()) {
                problems.push(Problem::NewCodeTwice { code: u.code.clone() });
            }
            if ctx.existing.contains_key(u.code.as_str()) {
                problems.push(Problem::CodeInUse { code: u.code.clone(), name: u.name.clone() });
            }
        }
    }

    /// Known predecessors exist and are valid; a unit merged whole ends and goes to one unit only.
    fn check_links(&self, ctx: &Context<'_>, problems: &mut Vec<Problem>) {
        for u in &self.new_units {
            for l in &u.from {
                let Predecessor::Known(code) = &l.predecessor else { continue };
                if !ctx.existing.contains_key(code.as_str()) {
                    problems.push(Problem::UnknownPredecessor { unit: u.code.clone(), code: code.clone() });
                } else if ctx.live(code).is_none() {
                    problems.push(Problem::PredecessorGone { unit: u.code.clone(), code: code.clone() });
                } else if l.whole && !ctx.ended.contains(code.as_str()) {
                    problems.push(Problem::WholeButNotEnded { unit: u.code.clone(), code: code.clone() });
                }
            }
        }
        let mut into: BTreeMap<&Predecessor, Vec<(&str, bool)>> = BTreeMap::new();
        for u in &self.new_units {
            for l in &u.from {
                into.entry(&l.predecessor).or_default().push((&u.code, l.whole));
            }
        }
        for (predecessor, links) in into {
            let whole: Vec<String> = links.iter().filter(|(_, w)| *w).map(|(c, _)| c.to_string()).collect();
            let part: Vec<String> = links.iter().filter(|(_, w)| !*w).map(|(c, _)| c.to_string()).collect();
            if whole.len() > 1 {
                problems.push(Problem::MergedWholeTwice { predecessor: predecessor.to_string(), into: whole });
            } else if let ([w], false) = (whole.as_slice(), part.is_empty()) {
                problems.push(Problem::WholeAndPart {
                    predecessor: predecessor.to_string(),
                    whole_into: w.clone(),
                    part_into: part,
                });
            }
        }
    }

    /// Every ended unit has a successor, and exactly one holder among its successors.
    fn check_holdings(&self, ctx: &Context<'_>, problems: &mut Vec<Problem>) {
        let mut holder: HashMap<&str, &str> = HashMap::new();
        for h in &self.holdings {
            if holder.insert(&h.ended, &h.holder).is_some() {
                problems.push(Problem::HeldTwice { code: h.ended.clone() });
            }
            if !ctx.ended.contains(h.ended.as_str()) {
                problems.push(Problem::HoldingNotEnded { code: h.ended.clone() });
            }
        }
        let mut done = HashSet::new();
        for code in &self.ended_units {
            if !done.insert(code.as_str()) || ctx.live(code).is_none() {
                continue;
            }
            let successors = ctx.successors(code);
            if successors.is_empty() {
                // A unit closed into one that continues (an administrator's close): its holder
                // takes it in whole, and that is its successor.
                if holder.get(code.as_str()).is_some_and(|h| ctx.continues(h)) {
                    continue;
                }
                problems.push(Problem::NoSuccessor { code: code.clone() });
            }
            match holder.get(code.as_str()) {
                None => problems.push(Problem::NoHolder { code: code.clone() }),
                Some(h) if !successors.is_empty() && !successors.contains(h) => {
                    problems.push(Problem::HolderNotSuccessor {
                        ended: code.clone(),
                        holder: h.to_string(),
                        successors: successors.iter().map(|s| s.to_string()).collect(),
                    })
                }
                Some(_) => {}
            }
        }
    }

    /// After the plan every unit's parent is valid: an existing unit that continues, or a new one,
    /// at the same level or above.
    fn check_parents(&self, ctx: &Context<'_>, problems: &mut Vec<Problem>) {
        let mut placed: Vec<(&str, AgencyLevel, &str)> = Vec::new();
        for u in &self.new_units {
            if let Some(p) = &u.parent_code {
                placed.push((&u.code, u.level, p));
            }
        }
        let mut moved = HashSet::new();
        for c in &self.continued_units {
            if let (Some(p), Some(a)) = (&c.new_parent, ctx.live(&c.code)) {
                moved.insert(c.code.as_str());
                placed.push((&c.code, a.level, p));
            }
        }
        for (unit, level, parent) in placed {
            match ctx.level_after(parent) {
                None => problems.push(Problem::UnknownParent { unit: unit.into(), parent: parent.into() }),
                Some(parent_level) => {
                    if let (Ok(c), Ok(p)) = (AgencyCode::parse(unit), AgencyCode::parse(parent)) {
                        if let Err(e) = check_parent(&c, level, &p, parent_level) {
                            problems.push(e.into());
                        }
                    }
                }
            }
        }
        for a in ctx.existing.values() {
            let code = a.code.as_str();
            if ctx.live(code).is_none() || ctx.ended.contains(code) || moved.contains(code) {
                continue;
            }
            if let Some(p) = a.parent.as_ref().filter(|p| ctx.ended.contains(p.as_str())) {
                problems.push(Problem::ParentEnds { unit: code.into(), parent: p.to_string() });
            }
        }
    }
}

/// The plan and the existing units, indexed once for the checks.
struct Context<'a> {
    effective_on: NaiveDate,
    existing: HashMap<&'a str, &'a ExistingAgency>,
    ended: HashSet<&'a str>,
    new_levels: HashMap<&'a str, AgencyLevel>,
    /// Known predecessor -> the new units formed from it (whole or part).
    direct: HashMap<&'a str, Vec<&'a str>>,
    /// Existing unit -> the live units below it.
    children: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Context<'a> {
    fn new(plan: &'a Plan, existing: &'a [ExistingAgency]) -> Self {
        let mut direct: HashMap<&str, Vec<&str>> = HashMap::new();
        for u in &plan.new_units {
            for l in &u.from {
                if let Predecessor::Known(code) = &l.predecessor {
                    direct.entry(code.as_str()).or_default().push(&u.code);
                }
            }
        }
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for a in existing.iter().filter(|a| a.is_live_before(plan.effective_on)) {
            if let Some(p) = &a.parent {
                children.entry(p.as_str()).or_default().push(a.code.as_str());
            }
        }
        Self {
            effective_on: plan.effective_on,
            existing: existing.iter().map(|a| (a.code.as_str(), a)).collect(),
            ended: plan.ended_units.iter().map(String::as_str).collect(),
            new_levels: plan.new_units.iter().map(|u| (u.code.as_str(), u.level)).collect(),
            direct,
            children,
        }
    }

    /// The existing unit with this code, if it is still valid when the plan applies.
    fn live(&self, code: &str) -> Option<&'a ExistingAgency> {
        self.existing.get(code).copied().filter(|a| a.is_live_before(self.effective_on))
    }

    /// An existing unit valid before the plan that neither ends nor is new: it goes on as it is.
    fn continues(&self, code: &str) -> bool {
        self.live(code).is_some() && !self.ended.contains(code) && !self.new_levels.contains_key(code)
    }

    /// The level of a unit valid from the effective date: new, or existing and not ended.
    fn level_after(&self, code: &str) -> Option<AgencyLevel> {
        if let Some(level) = self.new_levels.get(code) {
            return Some(*level);
        }
        self.live(code).filter(|_| !self.ended.contains(code)).map(|a| a.level)
    }

    /// The units that succeed an ended unit: the new units formed from it; for a unit no new unit
    /// names (a district whose level is abolished), the successors of the units below it, a unit
    /// below it that continues being its own successor.
    fn successors(&self, code: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.collect_successors(code, &mut out, &mut seen);
        out
    }

    fn collect_successors(&self, code: &'a str, out: &mut Vec<&'a str>, seen: &mut HashSet<&'a str>) {
        if !seen.insert(code) {
            return;
        }
        if let Some(units) = self.direct.get(code) {
            for u in units {
                if !out.contains(u) {
                    out.push(u);
                }
            }
            return;
        }
        for child in self.children.get(code).into_iter().flatten() {
            if self.ended.contains(child) {
                self.collect_successors(child, out, seen);
            } else if !out.contains(child) {
                out.push(child);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITY: &str = "000.00.00.H12";
    const DEPT: &str = "000.00.05.H12";
    const D1: &str = "000.00.31.H12";
    const D2: &str = "000.00.32.H12";
    const A: &str = "000.01.31.H12";
    const B: &str = "000.02.31.H12";
    const C: &str = "000.01.32.H12";
    const K: &str = "000.02.32.H12";
    const X: &str = "000.01.61.H12";
    const Y: &str = "000.02.61.H12";

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn unit(code: &str, level: AgencyLevel, parent: Option<&str>) -> ExistingAgency {
        ExistingAgency {
            code: AgencyCode::parse(code).unwrap(),
            level,
            parent: parent.map(|p| AgencyCode::parse(p).unwrap()),
            valid_to: None,
        }
    }

    /// A city with a department, two districts, and four communes: A and B under D1, C and K under D2.
    fn existing() -> Vec<ExistingAgency> {
        use AgencyLevel::*;
        vec![
            unit(CITY, Province, None),
            unit(DEPT, Province, Some(CITY)),
            unit(D1, District, Some(CITY)),
            unit(D2, District, Some(CITY)),
            unit(A, Commune, Some(D1)),
            unit(B, Commune, Some(D1)),
            unit(C, Commune, Some(D2)),
            unit(K, Commune, Some(D2)),
        ]
    }

    fn known(code: &str, whole: bool) -> Link {
        Link { predecessor: Predecessor::Known(code.into()), whole }
    }

    fn new_unit(code: &str, from: Vec<Link>) -> NewUnit {
        NewUnit {
            code: code.into(),
            name: format!("Phường {code}"),
            level: AgencyLevel::Commune,
            kind: "people_committee".into(),
            parent_code: Some(CITY.into()),
            provisional_code: true,
            clause: None,
            from,
        }
    }

    fn hold(ended: &str, holder: &str) -> Holding {
        Holding { ended: ended.into(), holder: holder.into(), accounts: AccountFate::Move }
    }

    /// The districts end; X is A + B + part of C, Y is the rest of C + an outside commune; K
    /// continues under the city.
    fn plan() -> Plan {
        let outside = Link {
            predecessor: Predecessor::Outside {
                name: "Xã Vĩnh Tân".into(),
                province: "Sóc Trăng".into(),
                district: None,
            },
            whole: true,
        };
        Plan {
            id: "test".into(),
            effective_on: day("2025-07-01"),
            act: "NQ 1668/NQ-UBTVQH15".into(),
            act_date: day("2025-06-16"),
            title: "test".into(),
            new_units: vec![
                new_unit(X, vec![known(A, true), known(B, true), known(C, false)]),
                new_unit(Y, vec![known(C, false), outside]),
            ],
            continued_units: vec![ContinuedUnit {
                code: K.into(),
                new_name: None,
                new_parent: Some(CITY.into()),
                note: None,
            }],
            ended_units: vec![D1.into(), D2.into(), A.into(), B.into(), C.into()],
            holdings: vec![hold(D1, X), hold(D2, K), hold(A, X), hold(B, X), hold(C, Y)],
            abolished_levels: vec![AbolishedLevel {
                level: AgencyLevel::District,
                procedures_to: AgencyLevel::Commune,
                exceptions: vec![],
            }],
        }
    }

    #[test]
    fn an_abolished_level_keeps_no_unit_and_its_procedures_go_where_units_remain() {
        let mut p = plan();
        p.ended_units.retain(|c| c != D2);
        p.holdings.retain(|h| h.ended != D2);
        p.continued_units.clear();
        p.abolished_levels[0].exceptions.push(("1.000001".into(), AgencyLevel::Ministry));
        let found = problems(&p);
        assert!(
            found.iter().any(|e| matches!(e, Problem::LevelRemains { level: AgencyLevel::District, units } if units == &[D2.to_string()])),
            "{found:?}"
        );
        assert!(
            found.iter().any(|e| matches!(e, Problem::NoUnitAtLevel { to: AgencyLevel::Ministry, .. })),
            "{found:?}"
        );
    }

    fn problems(plan: &Plan) -> Vec<Problem> {
        plan.check(&existing()).expect_err("the plan should be refused")
    }

    #[test]
    fn a_sound_plan_passes_with_its_numbers() {
        let summary = plan().check(&existing()).unwrap();
        assert_eq!(
            summary,
            Summary {
                new_units: 2,
                continued_units: 1,
                ended_units: 5,
                whole_links: 3,
                part_links: 2,
                outside_links: 1
            }
        );
    }

    #[test]
    fn a_new_code_already_used_is_refused_even_if_its_unit_ended_long_ago() {
        let mut p = plan();
        p.new_units[1].code = A.into();
        p.holdings[4].holder = A.into();
        assert!(problems(&p).contains(&Problem::CodeInUse { code: A.into(), name: format!("Phường {Y}") }));

        let mut old = existing();
        old.push(ExistingAgency {
            valid_to: Some(day("2019-12-31")),
            ..unit("000.09.31.H12", AgencyLevel::Commune, Some(D1))
        });
        let mut p = plan();
        p.new_units[1].code = "000.09.31.H12".into();
        p.holdings[4].holder = "000.09.31.H12".into();
        let found = p.check(&old).unwrap_err();
        assert!(found.iter().any(|e| matches!(e, Problem::CodeInUse { code, .. } if code == "000.09.31.H12")));
    }

    #[test]
    fn a_code_not_in_the_qcvn_102_shape_is_refused() {
        let mut p = plan();
        p.new_units[0].code = "000.1.61.H12".into();
        p.ended_units.push("31.H12".into());
        let found = problems(&p);
        let bad: Vec<_> = found.iter().filter(|e| matches!(e, Problem::BadCode { .. })).collect();
        assert_eq!(bad.len(), 2, "{found:?}");
        assert!(bad[0].to_string().starts_with("new unit Phường 000.01.61.H12: agency code `000.1.61.H12`"));
    }

    #[test]
    fn an_unknown_or_already_ended_predecessor_is_refused() {
        let mut p = plan();
        p.new_units[1].from.push(known("000.07.32.H12", false));
        assert!(problems(&p).contains(&Problem::UnknownPredecessor { unit: Y.into(), code: "000.07.32.H12".into() }));

        let mut old = existing();
        old.push(ExistingAgency {
            valid_to: Some(day("2024-12-31")),
            ..unit("000.07.32.H12", AgencyLevel::Commune, Some(D2))
        });
        let found = p.check(&old).unwrap_err();
        assert!(found.contains(&Problem::PredecessorGone { unit: Y.into(), code: "000.07.32.H12".into() }));
    }

    #[test]
    fn an_ended_unit_needs_a_holder_among_its_successors() {
        let mut p = plan();
        p.holdings.retain(|h| h.ended != B);
        assert_eq!(problems(&p), vec![Problem::NoHolder { code: B.into() }]);

        let mut p = plan();
        p.holdings[4].holder = K.into();
        assert_eq!(
            problems(&p),
            vec![Problem::HolderNotSuccessor {
                ended: C.into(),
                holder: K.into(),
                successors: vec![X.into(), Y.into()]
            }]
        );
    }

    #[test]
    fn a_district_is_succeeded_by_what_its_communes_became() {
        // D2's communes became X and Y (C, split) and K (continues): any of them may hold D2.
        for holder in [X, Y, K] {
            let mut p = plan();
            p.holdings[1].holder = holder.into();
            assert!(p.check(&existing()).is_ok(), "{holder}");
        }
        let mut p = plan();
        p.holdings[0].holder = Y.into();
        assert!(matches!(&problems(&p)[..], [Problem::HolderNotSuccessor { ended, .. }] if ended == D1));
    }

    #[test]
    fn an_ended_unit_with_nothing_after_it_is_refused() {
        let mut p = plan();
        p.new_units[0].from.retain(|l| l.predecessor != Predecessor::Known(B.into()));
        assert!(problems(&p).contains(&Problem::NoSuccessor { code: B.into() }));
    }

    #[test]
    fn a_unit_closed_into_one_that_continues_is_taken_in_whole_by_it() {
        // An administrator closes commune K into commune A (both under D-level units that go on).
        let close = Plan {
            id: "close".into(),
            effective_on: day("2026-01-01"),
            act: "QĐ 1/QĐ-UBND".into(),
            act_date: day("2025-12-20"),
            title: "close".into(),
            new_units: vec![],
            continued_units: vec![],
            ended_units: vec![K.into()],
            holdings: vec![hold(K, A)],
            abolished_levels: vec![],
        };
        assert!(close.check(&existing()).is_ok(), "{:?}", close.check(&existing()));
        assert_eq!(close.absorbed(&existing()), vec![hold(K, A)]);
        // Not into a unit that ends too, nor into a unit that is not there.
        let mut into_ended = close.clone();
        into_ended.ended_units.push(A.into());
        into_ended.holdings.push(hold(A, K));
        assert!(into_ended.check(&existing()).unwrap_err().contains(&Problem::NoSuccessor { code: K.into() }));
        let mut into_unknown = close.clone();
        into_unknown.holdings[0].holder = "000.09.32.H12".into();
        assert!(into_unknown.check(&existing()).unwrap_err().contains(&Problem::NoSuccessor { code: K.into() }));
        // The Cần Thơ-like plan absorbs nothing: every ended unit has successors.
        assert!(plan().absorbed(&existing()).is_empty());
    }

    #[test]
    fn a_continuing_unit_renamed_in_place_is_refused_a_rename_is_a_new_version() {
        let mut p = plan();
        p.continued_units[0].new_name = Some("Phường Mới".into());
        assert_eq!(problems(&p), vec![Problem::RenameKeepsCode { code: K.into() }]);
    }

    #[test]
    fn a_unit_ended_twice_or_both_ended_and_continued_is_refused() {
        let mut p = plan();
        p.ended_units.push(A.into());
        assert_eq!(problems(&p), vec![Problem::EndedTwice { code: A.into() }]);

        let mut p = plan();
        p.continued_units.push(ContinuedUnit { code: A.into(), new_name: None, new_parent: None, note: None });
        assert!(problems(&p).contains(&Problem::ContinuedAndEnded { code: A.into() }));
    }

    #[test]
    fn a_whole_merge_into_two_successors_is_refused() {
        let mut p = plan();
        p.new_units[1].from.push(known(A, true));
        assert!(
            problems(&p).contains(&Problem::MergedWholeTwice { predecessor: A.into(), into: vec![X.into(), Y.into()] })
        );

        let mut p = plan();
        p.new_units[1].from.push(known(A, false));
        assert!(problems(&p).contains(&Problem::WholeAndPart {
            predecessor: A.into(),
            whole_into: X.into(),
            part_into: vec![Y.into()]
        }));

        let mut p = plan();
        let outside = p.new_units[1].from[1].clone();
        p.new_units[0].from.push(outside);
        assert!(
            matches!(&problems(&p)[..], [Problem::MergedWholeTwice { predecessor, .. }] if predecessor == "Xã Vĩnh Tân (Sóc Trăng)")
        );
    }

    #[test]
    fn a_unit_merged_whole_must_end() {
        let mut p = plan();
        p.new_units[1].from.push(known(DEPT, true));
        assert!(problems(&p).contains(&Problem::WholeButNotEnded { unit: Y.into(), code: DEPT.into() }));
    }

    #[test]
    fn a_parent_must_continue_or_be_new() {
        let mut p = plan();
        p.new_units[0].parent_code = Some(D1.into());
        assert!(problems(&p).contains(&Problem::UnknownParent { unit: X.into(), parent: D1.into() }));

        let mut p = plan();
        p.new_units[0].parent_code = Some("000.00.40.H12".into());
        assert!(problems(&p).contains(&Problem::UnknownParent { unit: X.into(), parent: "000.00.40.H12".into() }));

        // A new unit may sit under another new unit, at the same level or above.
        let mut p = plan();
        p.new_units[1].parent_code = Some(X.into());
        assert!(p.check(&existing()).is_ok());
        p.new_units[0].level = AgencyLevel::Province;
        p.new_units[0].parent_code = Some(Y.into());
        assert!(problems(&p).iter().any(|e| matches!(e, Problem::Hierarchy(_))));
    }

    #[test]
    fn a_unit_left_under_an_ended_parent_is_refused() {
        let mut p = plan();
        p.continued_units.clear();
        assert_eq!(problems(&p), vec![Problem::ParentEnds { unit: K.into(), parent: D2.into() }]);
    }

    #[test]
    fn continuing_or_ending_an_unknown_unit_is_refused() {
        let mut p = plan();
        p.continued_units.push(ContinuedUnit {
            code: "000.05.32.H12".into(),
            new_name: None,
            new_parent: None,
            note: None,
        });
        p.ended_units.push("000.06.32.H12".into());
        p.holdings.push(hold(DEPT, X));
        let found = problems(&p);
        assert!(found.contains(&Problem::UnknownContinued { code: "000.05.32.H12".into() }));
        assert!(found.contains(&Problem::UnknownEnded { code: "000.06.32.H12".into() }));
        assert!(found.contains(&Problem::HoldingNotEnded { code: DEPT.into() }));
    }

    #[test]
    fn every_problem_is_listed_at_once() {
        let mut p = plan();
        p.act_date = day("2025-07-02");
        p.new_units[1].code = X.into();
        p.ended_units.push(A.into());
        p.holdings.push(hold(A, Y));
        let found = problems(&p);
        assert!(
            found.contains(&Problem::ActAfterEffect { act_date: day("2025-07-02"), effective_on: day("2025-07-01") })
        );
        assert!(found.contains(&Problem::NewCodeTwice { code: X.into() }));
        assert!(found.contains(&Problem::EndedTwice { code: A.into() }));
        assert!(found.contains(&Problem::HeldTwice { code: A.into() }));
        assert!(found.len() >= 4, "{found:?}");
    }
}
