//! How the API shows a dossier: `DossierView` and the views it is built from (`From<DossierRecord>`),
//! and the timestamps as RFC 3339 in Vietnam time.
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::services::dossiers::DossierRecord;

/// A UTC timestamp as RFC 3339 in Vietnam time (`+07:00`).
pub fn rfc3339(t: NaiveDateTime) -> String {
    crate::domain::calendar::to_vietnam(t.and_utc()).to_rfc3339()
}

pub(super) fn opt(t: Option<NaiveDateTime>) -> Option<String> {
    t.map(rfc3339)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyRef {
    pub code: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicantView {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub seq: i32,
    pub at: String,
    pub action: String,
    pub actor_role: String,
    pub from_agency: AgencyRef,
    pub to_agency: AgencyRef,
    pub status: String,
    pub status_code: i32,
    /// Deadline of the step this handover closed, and whether it was met.
    pub step_due_at: Option<String>,
    /// early, on_time or late.
    pub step_timeliness: Option<String>,
    pub note: Option<String>,
    /// What the step recorded (missing documents, reasons, a new date, a consultation); null when nothing.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// A department inside an agency.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentRef {
    pub key: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RatingView {
    pub score: i32,
    pub comment: Option<String>,
    pub rated_at: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ConsultationView {
    pub position: i32,
    pub agency: AgencyRef,
    pub task: String,
    pub requested_at: String,
    pub due_at: String,
    pub answered_at: Option<String>,
    pub opinion: Option<String>,
    /// early, on_time or late, once answered.
    pub timeliness: Option<String>,
}

/// Office minutes held by one department or handler.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HeldView {
    /// The department's key or the handler's username; null: the agency as a whole, or nobody has
    /// moved the dossier on yet.
    pub who: Option<String>,
    pub minutes: i64,
}

/// One stay of the dossier at a step of its route, on the statutory clock.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StepHoldView {
    /// Index into the route (0: the receiving counter).
    pub step: usize,
    pub agency: AgencyRef,
    pub from: String,
    /// null while the step still holds the dossier.
    pub until: Option<String>,
    /// Office minutes held (07:30–11:30, 13:30–17:30 of working days).
    pub held_minutes: i64,
    /// The step's share of the time limit in office minutes (a working day is 480).
    pub budget_minutes: i64,
    pub over_minutes: i64,
    pub departments: Vec<HeldView>,
    /// The staff whose action ended each stretch (a username); always empty for the owner, who reads
    /// where the time went by agency and department only.
    pub handlers: Vec<HeldView>,
}

/// Held and late office minutes of one agency over all its steps.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyHoldView {
    pub agency: AgencyRef,
    pub held_minutes: i64,
    pub over_minutes: i64,
}

/// Where the dossier's working time went (issue 16 item 1; `domain::delay_attribution`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct DelayAttributionView {
    /// The whole time limit in office minutes.
    pub limit_minutes: i64,
    pub steps: Vec<StepHoldView>,
    /// Index into `steps` of the stay furthest over its budget (the step that made it late); null
    /// when none went over.
    pub late_step: Option<usize>,
    pub agencies: Vec<AgencyHoldView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DossierView {
    /// The dossier code, issued when a clerk receives it (TT 01/2018 Điều 19): null for an
    /// online submission not received yet.
    pub code: Option<String>,
    /// The submission's reference (`HS-…`), from submission on; accepted wherever a code is.
    pub reference: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub channel: String,
    pub status: String,
    pub status_code: i32,
    pub status_label: String,
    pub submitted_at: String,
    pub received_at: Option<String>,
    /// The date promised to the applicant (the apology's new date if one was issued).
    pub due_at: Option<String>,
    /// The statutory due date that statistics judge against.
    pub statutory_due_at: Option<String>,
    pub extended_due_at: Option<String>,
    pub step_due_at: Option<String>,
    pub finished_at: Option<String>,
    pub returned_at: Option<String>,
    /// early, on_time or late, once finished.
    pub timeliness: Option<String>,
    /// approved or refused.
    pub decision: Option<String>,
    /// The agency that received the dossier (statistics count it here).
    pub receiving_agency: AgencyRef,
    /// Boundary-free intake (ND 118/2025 Điều 17.3 as amended): the agency competent to decide,
    /// when it is not the receiving one; null otherwise (the receiving agency is competent).
    pub competent_agency: Option<AgencyRef>,
    /// The receiving centre's deadline for handing the dossier to the competent agency (its own
    /// clock; the statutory due date is known only once the competent agency received it).
    pub handover_due_at: Option<String>,
    /// When the competent agency received the dossier: the statutory time limit runs from then.
    pub competent_received_at: Option<String>,
    /// Whether the handover missed its deadline (handed over after it, or still waiting after it);
    /// null without a handover.
    pub handover_late: Option<bool>,
    /// True while the dossier waits to be handed over ("chờ bàn giao").
    pub awaiting_handover: bool,
    /// How the applicant takes the result: counter (at the receiving counter), post or online.
    pub result_delivery: String,
    pub current_agency: AgencyRef,
    /// The department (phòng, ban) of `current_agency` holding the dossier; null: the agency as a whole.
    pub current_department: Option<DepartmentRef>,
    pub current_step: i32,
    pub applicant: ApplicantView,
    pub documents: Vec<String>,
    /// The lookup PIN printed on the receipt.
    pub pin: String,
    pub history: Vec<HistoryEntry>,
    pub files: Vec<FileView>,
    pub rating: Option<RatingView>,
    /// Same-level consultations and their deadlines.
    pub consultations: Vec<ConsultationView>,
    /// What the caller may do now.
    pub allowed_actions: Vec<String>,
    /// The office time each agency, department and handler held the dossier against its step's budget.
    pub delay_attribution: DelayAttributionView,
    /// The deadline ledger, as the public lookup gives it.
    pub ledger: Vec<crate::http::api::lookup::LedgerLine>,
}

impl From<DossierRecord> for DossierView {
    fn from(r: DossierRecord) -> Self {
        let name = |code: &str| AgencyRef {
            code: code.to_string(),
            name: r.agency_names.get(code).cloned().unwrap_or_default(),
        };
        let promised_due_at = r.row.promised_due_at();
        let row = &r.row;
        Self {
            code: row.code.clone(),
            reference: row.reference.clone(),
            procedure_code: row.procedure_code.clone(),
            procedure_name: r.procedure_name.clone(),
            channel: row.channel.as_str().to_string(),
            status: row.status.as_str().to_string(),
            status_code: row.status.national_code(),
            status_label: row.status_label().to_string(),
            submitted_at: rfc3339(row.submitted_at),
            received_at: opt(row.received_at),
            due_at: opt(promised_due_at),
            statutory_due_at: opt(row.due_at),
            extended_due_at: opt(row.extended_due_at),
            step_due_at: opt(row.step_due_at),
            finished_at: opt(row.finished_at),
            returned_at: opt(row.returned_at),
            timeliness: row.timeliness.map(|t| t.as_str().to_string()),
            decision: row.decision.map(|d| d.as_str().to_string()),
            receiving_agency: name(row.receiving_agency.as_str()),
            competent_agency: row.competent_agency.as_ref().map(|c| name(c.as_str())),
            handover_due_at: opt(row.handover_due_at),
            competent_received_at: opt(row.competent_received_at),
            handover_late: r.handover_late,
            awaiting_handover: row.to_domain().awaiting_handover(),
            result_delivery: row.result_delivery.as_str().to_string(),
            current_agency: name(row.current_agency.as_str()),
            current_department: r.current_department.clone().map(|(key, name)| DepartmentRef { key, name }),
            current_step: row.current_step,
            applicant: ApplicantView {
                name: r.applicant.name.clone(),
                id_number: r.applicant.id_number.clone(),
                phone: r.applicant.phone.clone(),
                email: r.applicant.email.clone(),
                address: r.applicant.address.clone(),
            },
            documents: serde_json::from_str(&row.documents).unwrap_or_default(),
            pin: row.pin.clone(),
            history: r
                .events
                .iter()
                .map(|e| HistoryEntry {
                    seq: e.seq,
                    at: rfc3339(e.at),
                    action: e.action.clone(),
                    actor_role: e.actor_role.as_str().to_string(),
                    from_agency: name(e.from_agency.as_str()),
                    to_agency: name(e.to_agency.as_str()),
                    status: e.status.as_str().to_string(),
                    status_code: e.status_code,
                    step_due_at: opt(e.step_due_at),
                    step_timeliness: e.step_timeliness.map(|t| t.as_str().to_string()),
                    note: e.note.clone(),
                    details: e.details.as_deref().and_then(|d| serde_json::from_str(d).ok()),
                })
                .collect(),
            files: r
                .files
                .iter()
                .map(|f| FileView {
                    id: f.id.clone(),
                    file_name: f.file_name.clone(),
                    content_type: f.content_type.clone(),
                    size_bytes: f.size_bytes,
                    sha256: f.sha256.clone(),
                    uploaded_at: rfc3339(f.uploaded_at),
                })
                .collect(),
            rating: r.rating.as_ref().map(|x| RatingView {
                score: x.score,
                comment: x.comment.clone(),
                rated_at: rfc3339(x.rated_at),
            }),
            consultations: r
                .consultations
                .iter()
                .map(|c| ConsultationView {
                    position: c.position,
                    agency: name(&c.agency_code),
                    task: c.task.clone(),
                    requested_at: rfc3339(c.requested_at),
                    due_at: rfc3339(c.due_at),
                    answered_at: opt(c.answered_at),
                    opinion: c.opinion.clone(),
                    timeliness: c.timeliness.clone(),
                })
                .collect(),
            allowed_actions: r.allowed_actions.iter().map(|a| a.to_string()).collect(),
            ledger: crate::http::api::lookup::ledger_lines(&r.ledger),
            delay_attribution: {
                let a = &r.delay_attribution;
                let held = |h: &[crate::domain::delay_attribution::Held]| {
                    h.iter().map(|h| HeldView { who: h.who.clone(), minutes: h.minutes }).collect()
                };
                DelayAttributionView {
                    limit_minutes: a.limit_minutes,
                    steps: a
                        .steps
                        .iter()
                        .map(|s| StepHoldView {
                            step: s.step,
                            agency: name(s.agency.as_str()),
                            from: rfc3339(s.from.naive_utc()),
                            until: s.until.map(|t| rfc3339(t.naive_utc())),
                            held_minutes: s.held_minutes,
                            budget_minutes: s.budget_minutes,
                            over_minutes: s.over_minutes(),
                            departments: held(&s.departments),
                            handlers: held(&s.handlers),
                        })
                        .collect(),
                    late_step: a.late_step,
                    agencies: a
                        .by_agency()
                        .into_iter()
                        .map(|h| AgencyHoldView {
                            agency: name(h.agency.as_str()),
                            held_minutes: h.held_minutes,
                            over_minutes: h.over_minutes,
                        })
                        .collect(),
                }
            },
        }
    }
}
