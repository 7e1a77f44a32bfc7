//! Delay attribution as the staff page and the control sheet print it (issue 16 item 1; the
//! figures come from [`crate::domain::delay_attribution`] through the dossier record).
use crate::domain::delay_attribution::{hours_label, Held};
use crate::services::dossiers::DossierRecord;

/// One stay of the dossier at a step, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelayLine {
    /// The step's number on the route, from 1.
    pub step: usize,
    pub agency: String,
    /// "dd/mm/yyyy hh:mm – dd/mm/yyyy hh:mm" (the end "nay" while the step holds it).
    pub span: String,
    /// "05 h 30 / 08 h": held against the step's budget.
    pub held: String,
    /// "17 h" past the budget, or empty within it.
    pub over: String,
    /// By department ("VPDK: 32 h"; "cả cơ quan" for the agency as a whole).
    pub departments: String,
    /// By handler, whoever moved it on, by full name and username ("chưa chuyển" while open).
    pub handlers: String,
    /// This is the step that made the dossier late (the stay furthest over its budget).
    pub late: bool,
}

fn shares(list: &[Held], nobody: &str, label: impl Fn(&str) -> String) -> String {
    list.iter()
        .map(|h| {
            format!("{}: {}", h.who.as_deref().map(&label).unwrap_or_else(|| nobody.into()), hours_label(h.minutes))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::calendar::to_vietnam(t).format("%d/%m/%Y %H:%M").to_string()
}

/// The lines of a dossier's delay attribution, and the whole time limit ("240 h").
pub fn delay_lines(r: &DossierRecord) -> (Vec<DelayLine>, String) {
    let a = &r.delay_attribution;
    let lines = a
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| DelayLine {
            step: s.step + 1,
            agency: r.agency_names.get(s.agency.as_str()).cloned().unwrap_or_else(|| s.agency.to_string()),
            span: format!("{} – {}", at(s.from), s.until.map(at).unwrap_or_else(|| "nay".into())),
            held: format!("{} / {}", hours_label(s.held_minutes), hours_label(s.budget_minutes)),
            over: match s.over_minutes() {
                0 => String::new(),
                m => hours_label(m),
            },
            departments: shares(&s.departments, "cả cơ quan", str::to_string),
            handlers: shares(&s.handlers, "chưa chuyển", |who| match r.staff_names.get(who) {
                Some(name) => format!("{name} ({who})"),
                None => who.to_string(),
            }),
            late: a.late_step == Some(i),
        })
        .collect();
    (lines, hours_label(a.limit_minutes))
}
