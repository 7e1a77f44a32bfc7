//! Oversight for leaders (issue 16): the anomalies that suggest gaming (`domain::anomalies`), per
//! rule with the dossiers behind each, within the caller's scope.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::auth::Caller;
use crate::domain::anomalies::{self, Backdating, PausedDossier, Rule, Window, MAX_LISTED};
use crate::domain::calendar::{vietnam_days_utc, WorkingCalendar};
use crate::domain::intake_latency;
use crate::domain::procedure::TimeLimit;
use crate::error::AppError;
use crate::services::stats::{select, Selection, StatsQuery};
use crate::storage::anomalies::{Bounds, CandidateRow};
use crate::storage::stats::{Hierarchy, Scope};
use crate::storage::AnyConnection;

/// Which anomalies to read, as they arrive from outside.
#[derive(Debug, Clone, Default)]
pub struct AnomaliesQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// An agency code; default the caller's own. Its subtree unless `agency_only`.
    pub agency: Option<String>,
    pub agency_only: bool,
}

/// A fact that made a rule hold, named for clients (`submitted_at`, `due_at`, …).
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Time(DateTime<Utc>),
    Day(NaiveDate),
    Number(i64),
    Text(String),
}

/// One flag: the dossier (or, for an off-system count, none), where, when, and the facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The dossier's code (None while an online submission is not received) and reference.
    pub code: Option<String>,
    pub reference: Option<String>,
    pub agency_code: String,
    pub agency_name: String,
    /// The moment of the act flagged (the submission, the request, the receipt, the entry).
    pub at: DateTime<Utc>,
    pub facts: Vec<(&'static str, FactValue)>,
}

/// One rule's flags: the full count and the first [`MAX_LISTED`] findings, oldest act first.
#[derive(Debug, Clone)]
pub struct RuleFindings {
    pub rule: Rule,
    pub count: i64,
    pub findings: Vec<Finding>,
}

/// One agency's count per rule, in [`Rule::ALL`]'s order.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyAnomalies {
    pub agency_code: String,
    pub agency_name: String,
    pub counts: [i64; Rule::ALL.len()],
}

/// The anomalies of a period and scope, judged at `now`.
#[derive(Debug, Clone)]
pub struct Anomalies {
    pub selection: Selection,
    pub now: DateTime<Utc>,
    pub rules: Vec<RuleFindings>,
    /// The agencies with any flag, by code.
    pub agencies: Vec<AgencyAnomalies>,
}

/// `GET /api/v1/oversight/anomalies`: the scope checks of the statistics (a leader or an
/// administrator, their agency's subtree; a unit that has ended may be named: its dossiers stay
/// under it), then three statements: the agencies named, the working calendar and the candidates.
pub fn anomalies_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    q: AnomaliesQuery,
    now: DateTime<Utc>,
) -> Result<Anomalies, AppError> {
    let selection = select(
        conn,
        caller,
        &StatsQuery {
            from: q.from,
            to: q.to,
            agency: q.agency,
            agency_only: q.agency_only,
            group_by: None,
            hierarchy: Some(Hierarchy::AsWas.as_str().into()),
            counted_at: None,
        },
    )?;
    let calendar = crate::storage::calendar::working_calendar(conn)?;
    let (rules, agencies) = anomalies_in(conn, &calendar, &selection.scope, (selection.from, selection.to), now)?;
    Ok(Anomalies { selection, now, rules, agencies })
}

/// The anomalies of `scope` in the Vietnam days `[from, to]`, at `now`, with a calendar already
/// read: one statement (the dashboard's share).
pub fn anomalies_in(
    conn: &mut AnyConnection,
    calendar: &WorkingCalendar,
    scope: &Scope,
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> Result<(Vec<RuleFindings>, Vec<AgencyAnomalies>), AppError> {
    let (start, end) = vietnam_days_utc(from, to);
    let bounds = Bounds {
        from: start,
        to: end,
        unreceived_before: intake_latency::past_rule_if_submitted_before(calendar, now).naive_utc(),
    };
    let rows = crate::storage::anomalies::candidates(conn, scope, bounds)?;
    let window = Window { from: start.and_utc(), to: end.and_utc() };
    Ok(judge(calendar, rows, window, now))
}

fn utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

/// Applies the rules to the candidates: every finding per rule (counted), the first listed.
fn judge(
    calendar: &WorkingCalendar,
    rows: Vec<CandidateRow>,
    window: Window,
    now: DateTime<Utc>,
) -> (Vec<RuleFindings>, Vec<AgencyAnomalies>) {
    let mut found: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    let finding = |r: &CandidateRow, at: DateTime<Utc>, facts: Vec<(&'static str, FactValue)>| Finding {
        code: r.code.clone(),
        reference: r.reference.clone(),
        agency_code: r.agency_code.clone(),
        agency_name: r.agency_name.clone(),
        at,
        facts,
    };
    let index = |rule: Rule| Rule::ALL.iter().position(|r| *r == rule).expect("every rule is listed");
    // Rows of one dossier that together make a finding (supplement requests; a backdated receipt
    // seen by both checks; a resubmission after several refusals).
    let mut supplements: BTreeMap<String, Vec<&CandidateRow>> = BTreeMap::new();
    let mut backdated: BTreeMap<String, (Backdating, &CandidateRow)> = BTreeMap::new();
    let mut resubmitted: BTreeMap<String, (u32, &CandidateRow)> = BTreeMap::new();
    for r in &rows {
        let Some(rule) = Rule::parse(&r.rule) else { continue };
        let at1 = utc(r.at1);
        match rule {
            Rule::UnreceivedOnline => {
                let Some(submitted) = at1 else { continue };
                let received = utc(r.at2);
                if let Some(days) = anomalies::unreceived_past_rule(calendar, submitted, received, now) {
                    let mut facts = vec![
                        ("submitted_at", FactValue::Time(submitted)),
                        ("receipt_due_day", FactValue::Day(intake_latency::receipt_due_day(calendar, submitted))),
                        ("working_days_past_rule", FactValue::Number(i64::from(days))),
                    ];
                    if let Some(received) = received {
                        facts.insert(1, ("received_at", FactValue::Time(received)));
                    }
                    found.entry(index(rule)).or_default().push(finding(r, received.unwrap_or(submitted), facts));
                }
            }
            Rule::RepeatedSupplement => {
                if let Some(id) = &r.dossier_id {
                    supplements.entry(id.clone()).or_default().push(r);
                }
            }
            Rule::PauseBeforeDue => {
                let (Some(act), Some(first), Some(unit)) =
                    (at1, utc(r.at2), r.limit_unit.as_deref().and_then(|u| u.parse().ok()))
                else {
                    continue;
                };
                let limit = TimeLimit { value: r.limit_value.unwrap_or(0).max(0) as u32, unit };
                let dossier = PausedDossier {
                    first_clock_start: first,
                    clock_started_at: utc(r.at3),
                    due_at: utc(r.due_at),
                    limit,
                };
                let Some(due) = anomalies::due_in_force(calendar, &dossier, act) else { continue };
                if let Some(days) = anomalies::pause_before_due(calendar, act, due) {
                    let facts = vec![
                        ("action", FactValue::Text(r.detail.clone().unwrap_or_default())),
                        ("acted_at", FactValue::Time(act)),
                        ("due_at", FactValue::Time(due)),
                        ("working_days_before_due", FactValue::Number(i64::from(days))),
                    ];
                    found.entry(index(rule)).or_default().push(finding(r, act, facts));
                }
            }
            Rule::BackdatedReceipt => {
                let (Some(id), Some(received), Some(submitted)) = (&r.dossier_id, at1, utc(r.at3)) else { continue };
                if let Some(b) = anomalies::backdated(received, utc(r.at2), submitted) {
                    // A receipt before its recording says more than one before the submission.
                    let keep = !matches!(backdated.get(id), Some((Backdating::BeforeRecording { .. }, _)));
                    if keep {
                        backdated.insert(id.clone(), (b, r));
                    }
                }
            }
            Rule::RefusedResubmitted => {
                let (Some(id), Some(submitted), Some(refused)) = (&r.dossier_id, at1, utc(r.at2)) else { continue };
                if let Some(days) = anomalies::resubmitted_after_refusal(calendar, refused, submitted) {
                    // The latest refusal before the new dossier.
                    if resubmitted.get(id).is_none_or(|(_, prev)| prev.at2 < r.at2) {
                        resubmitted.insert(id.clone(), (days, r));
                    }
                }
            }
            Rule::LateOffSystemCount => {
                let (Some(entered), Some(start), Some(end)) = (at1, r.day1, r.day2) else { continue };
                if let Some(days) = anomalies::off_system_entered_late(calendar, end, entered) {
                    let facts = vec![
                        ("period_start", FactValue::Day(start)),
                        ("period_end", FactValue::Day(end)),
                        ("entered_at", FactValue::Time(entered)),
                        ("working_days_after_period", FactValue::Number(i64::from(days))),
                        ("dossiers", FactValue::Number(r.n)),
                    ];
                    found.entry(index(rule)).or_default().push(finding(r, entered, facts));
                }
            }
        }
    }
    for requests in supplements.values() {
        let times: Vec<DateTime<Utc>> = requests.iter().filter_map(|r| utc(r.at1)).collect();
        if !anomalies::repeated_supplement(&times, window) {
            continue;
        }
        let mut sorted = requests.clone();
        sorted.sort_by_key(|r| r.at1);
        let last = sorted.last().expect("more than one");
        let mut facts: Vec<(&'static str, FactValue)> =
            sorted.iter().filter_map(|r| utc(r.at1)).map(|t| ("supplement_requested_at", FactValue::Time(t))).collect();
        facts.push(("supplement_requests", FactValue::Number(last.n)));
        let at = utc(last.at1).expect("filtered");
        found.entry(index(Rule::RepeatedSupplement)).or_default().push(finding(last, at, facts));
    }
    for (b, r) in backdated.values() {
        let received = utc(r.at1).expect("checked");
        let mut facts = vec![("received_at", FactValue::Time(received))];
        match b {
            Backdating::BeforeRecording { minutes } => {
                facts.push(("recorded_at", FactValue::Time(utc(r.at2).expect("checked"))));
                facts.push(("minutes_before_recording", FactValue::Number(*minutes)));
            }
            Backdating::BeforeSubmission { minutes } => {
                facts.push(("submitted_at", FactValue::Time(utc(r.at3).expect("checked"))));
                facts.push(("minutes_before_submission", FactValue::Number(*minutes)));
            }
        }
        found.entry(index(Rule::BackdatedReceipt)).or_default().push(finding(r, received, facts));
    }
    for (days, r) in resubmitted.values() {
        let submitted = utc(r.at1).expect("checked");
        let facts = vec![
            ("refused_dossier", FactValue::Text(r.detail.clone().unwrap_or_default())),
            ("refused_at", FactValue::Time(utc(r.at2).expect("checked"))),
            ("resubmitted_at", FactValue::Time(submitted)),
            ("working_days_after_refusal", FactValue::Number(i64::from(*days))),
        ];
        found.entry(index(Rule::RefusedResubmitted)).or_default().push(finding(r, submitted, facts));
    }

    let mut agencies: BTreeMap<String, AgencyAnomalies> = BTreeMap::new();
    let rules = Rule::ALL
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let mut findings = found.remove(&i).unwrap_or_default();
            for f in &findings {
                agencies
                    .entry(f.agency_code.clone())
                    .or_insert_with(|| AgencyAnomalies {
                        agency_code: f.agency_code.clone(),
                        agency_name: f.agency_name.clone(),
                        counts: [0; Rule::ALL.len()],
                    })
                    .counts[i] += 1;
            }
            findings.sort_by(|a, b| (a.at, &a.code, &a.reference).cmp(&(b.at, &b.code, &b.reference)));
            let count = findings.len() as i64;
            findings.truncate(MAX_LISTED);
            RuleFindings { rule: *rule, count, findings }
        })
        .collect();
    (rules, agencies.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, h: u32) -> NaiveDateTime {
        crate::domain::calendar::vietnam().with_ymd_and_hms(2027, 3, day, h, 0, 0).unwrap().naive_utc()
    }

    fn row(rule: Rule, id: &str, agency: &str) -> CandidateRow {
        CandidateRow {
            rule: rule.id().into(),
            dossier_id: Some(id.into()),
            code: Some(format!("000.00.31.H12-2703{id}")),
            reference: Some(format!("HS-{id}")),
            agency_code: agency.into(),
            agency_name: format!("Agency {agency}"),
            at1: None,
            at2: None,
            at3: None,
            due_at: None,
            detail: None,
            limit_value: None,
            limit_unit: None,
            day1: None,
            day2: None,
            n: 0,
        }
    }

    #[test]
    fn every_flag_is_counted_the_first_hundred_listed_and_each_agency_counted_per_rule() {
        let calendar = WorkingCalendar::new([], []);
        let window = Window { from: at(1, 0).and_utc(), to: at(31, 0).and_utc() };
        let now = at(31, 9).and_utc();
        let mut rows = Vec::new();
        // 150 receipts recorded a day after the time given, at two agencies.
        for i in 0..150 {
            let mut r = row(Rule::BackdatedReceipt, &format!("{i:04}"), if i % 3 == 0 { "B" } else { "A" });
            r.at1 = Some(at(2, 9));
            r.at2 = Some(at(3, 9));
            r.at3 = Some(at(1, 9));
            rows.push(r);
        }
        // One of them also received before its submission: still one flag, before its recording.
        let mut twice = row(Rule::BackdatedReceipt, "0000", "B");
        twice.at1 = Some(at(2, 9));
        twice.at3 = Some(at(4, 9));
        rows.push(twice);
        // Two supplement requests on one dossier, one on another.
        for (id, day) in [("s1", 2), ("s1", 4), ("s2", 2)] {
            let mut r = row(Rule::RepeatedSupplement, id, "A");
            r.at1 = Some(at(day, 9));
            r.n = 2;
            rows.push(r);
        }
        let (rules, agencies) = judge(&calendar, rows, window, now);
        let backdated = &rules[3];
        assert_eq!(
            (backdated.rule, backdated.count, backdated.findings.len()),
            (Rule::BackdatedReceipt, 150, MAX_LISTED)
        );
        assert!(backdated.findings.iter().all(|f| f.facts[1].0 == "recorded_at"), "before its recording");
        let supplements = &rules[1];
        assert_eq!(supplements.count, 1);
        assert_eq!(supplements.findings[0].reference.as_deref(), Some("HS-s1"));
        assert_eq!(supplements.findings[0].at, at(4, 9).and_utc(), "the second request");
        assert_eq!(rules.iter().map(|r| r.rule).collect::<Vec<_>>(), Rule::ALL);
        let counts: Vec<(&str, [i64; 6])> = agencies.iter().map(|a| (a.agency_code.as_str(), a.counts)).collect();
        assert_eq!(counts, [("A", [0, 1, 0, 100, 0, 0]), ("B", [0, 0, 0, 50, 0, 0])]);
    }
}
