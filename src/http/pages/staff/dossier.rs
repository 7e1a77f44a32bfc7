//! The dossier page of staff (the actions allowed now, consultations), shared with the citizen's
//! dossier page through [`DossierView`].
use crate::http::context::AppContext;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::super::{
    fmt, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::auth::Caller;
use crate::domain::notice::Preference;
use crate::domain::regime::FormKind;
use crate::error::AppError;
use crate::services::catalogue;
use crate::services::dossiers::{self, ActionInput, DossierRecord};
use crate::storage::AnyConnection;
use chrono::{DateTime, Utc};

use crate::domain::calendar::Timeliness;
pub use crate::domain::labels::action_label_vi as action_label;
use crate::domain::labels::timeliness_label_vi as timeliness_label;

pub struct HistoryRow {
    pub seq: i32,
    pub at: String,
    pub action: &'static str,
    pub from: String,
    pub to: String,
    pub status: &'static str,
    pub step_due: String,
    pub timeliness: &'static str,
    pub note: String,
    pub details: Vec<String>,
}

pub struct FileRowView {
    pub id: String,
    pub name: String,
    pub size: String,
}

/// What the dossier pages (staff and citizen) show of a record.
pub struct DossierView {
    /// The code, or before receipt the submission's reference: what the pages name the dossier by.
    pub code: String,
    /// The dossier code has been issued (the dossier was received).
    pub has_code: bool,
    pub reference: String,
    pub procedure: String,
    pub procedure_code: String,
    pub status: &'static str,
    pub status_code: i32,
    pub channel: &'static str,
    pub submitted: String,
    pub received: String,
    pub due: String,
    pub statutory_due: String,
    pub step_due: String,
    pub receiving: String,
    pub current: String,
    /// Boundary-free intake: the competent agency, when not the receiving one ("" otherwise).
    pub competent: String,
    /// Its handover: waiting (with the deadline) or done (when, and whether in time); "" otherwise.
    pub handover: String,
    pub result_delivery: &'static str,
    pub applicant_name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub notify_by: &'static str,
    pub documents: Vec<String>,
    pub files: Vec<FileRowView>,
    pub history: Vec<HistoryRow>,
    pub rating: Option<String>,
    pub pin: String,
    pub forms: Vec<(String, String)>,
}

fn notify_label(n: &str) -> &'static str {
    Preference::parse(n).unwrap_or(Preference::None).label_vi()
}

impl DossierView {
    pub fn new(r: &DossierRecord) -> Self {
        let row = &r.row;
        let name = |c: &str| r.agency_names.get(c).cloned().unwrap_or_else(|| c.to_string());
        let has = |a: &str| r.events.iter().any(|e| e.action == a);
        // The forms carry the dossier code (TT 01/2018 Điều 19), which exists from receipt on; their
        // numbers and titles are the dossier's regime's (issue 14).
        let received = row.code.is_some();
        let regime = row.regime();
        let applies = |kind: FormKind| match kind {
            FormKind::Receipt | FormKind::ControlSheet => true,
            FormKind::SupplementRequest => has("request_supplement"),
            FormKind::Refusal => has("refuse"),
            FormKind::Apology => has("extend"),
            FormKind::StopNotice => has("stop") || has("withdraw"),
            FormKind::TrackingBook => false,
        };
        // Not received (turned away at intake): only the supplement request or the refusal.
        let before_receipt = |kind: FormKind| matches!(kind, FormKind::SupplementRequest | FormKind::Refusal);
        let forms = regime
            .forms
            .iter()
            .filter(|f| applies(f.kind) && (received || before_receipt(f.kind)))
            .map(|f| (f.number.clone(), format!("Mẫu {} — {}", f.number, f.title)))
            .collect();
        Self {
            code: row.code_or_reference().to_string(),
            has_code: received,
            reference: row.reference.clone(),
            procedure: r.procedure_name.clone(),
            procedure_code: row.procedure_code.clone(),
            status: row.status_label(),
            status_code: row.status_code,
            channel: row.channel.label_vi(),
            submitted: fmt::time(row.submitted_at),
            received: row.received_at.map(fmt::time).unwrap_or_else(|| "Chưa tiếp nhận".into()),
            due: fmt::opt_date(row.extended_due_at.or(row.due_at)),
            statutory_due: fmt::opt_date(row.due_at),
            step_due: fmt::opt_time(row.step_due_at),
            receiving: name(row.receiving_agency.as_str()),
            current: match &r.current_department {
                Some((_, dept)) => format!("{} — {dept}", name(row.current_agency.as_str())),
                None => name(row.current_agency.as_str()),
            },
            competent: row.competent_agency.as_ref().map(|c| name(c.as_str())).unwrap_or_default(),
            handover: match (row.handover_due_at, row.competent_received_at) {
                (Some(due), None) => format!("Chờ bàn giao — hạn bàn giao {}", fmt::time(due)),
                (Some(due), Some(at)) => format!(
                    "Đã bàn giao lúc {}{}",
                    fmt::time(at),
                    if at > due {
                        format!(" (trễ hạn bàn giao {})", fmt::time(due))
                    } else {
                        " (đúng hạn)".into()
                    }
                ),
                _ => String::new(),
            },
            result_delivery: row.result_delivery.label_vi(),
            applicant_name: r.applicant.name.clone(),
            id_number: r.applicant.id_number.clone(),
            phone: r.applicant.phone.clone(),
            email: r.applicant.email.clone().unwrap_or_default(),
            address: r.applicant.address.clone(),
            notify_by: notify_label(&r.applicant.notify_by),
            documents: serde_json::from_str(&row.documents).unwrap_or_default(),
            files: r
                .files
                .iter()
                .map(|f| FileRowView {
                    id: f.id.clone(),
                    name: f.file_name.clone(),
                    size: format!("{:.1} KiB", f.size_bytes as f64 / 1024.0),
                })
                .collect(),
            history: r
                .events
                .iter()
                .map(|e| HistoryRow {
                    seq: e.seq,
                    at: fmt::time(e.at),
                    action: action_label(&e.action),
                    from: name(e.from_agency.as_str()),
                    to: name(e.to_agency.as_str()),
                    status: row.regime().status_name(e.status),
                    step_due: fmt::opt_time(e.step_due_at),
                    timeliness: timeliness_label(e.step_timeliness),
                    note: e.note.clone().unwrap_or_default(),
                    details: super::super::portal::notice_lines(e.details.as_deref()),
                })
                .collect(),
            rating: r
                .rating
                .as_ref()
                .map(|x| format!("{}/5{}", x.score, x.comment.as_ref().map(|c| format!(" — {c}")).unwrap_or_default())),
            pin: row.pin.clone(),
            forms,
        }
    }
}

/// The values of an action form, kept when it is shown again with an error.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ActionForm {
    pub action: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub missing: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub new_due_date: String,
    /// assign: the department's key.
    #[serde(default)]
    pub department: String,
    /// consult: the agency asked, its task and deadline in working days.
    #[serde(default)]
    pub agency_code: String,
    #[serde(default)]
    pub task: String,
    #[serde(default)]
    pub days: String,
    /// answer_consultation: which consultation, and the opinion.
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub opinion: String,
}

/// A consultation (liên thông cùng cấp) as the dossier page shows it.
pub struct ConsultView {
    pub position: i32,
    pub agency: String,
    pub task: String,
    pub requested: String,
    pub due: String,
    pub answered: String,
    pub opinion: String,
    pub timeliness: &'static str,
    /// The caller's agency is the one asked, and it has not answered yet.
    pub can_answer: bool,
}

pub struct ActionView {
    pub name: &'static str,
    pub label: &'static str,
    /// For transfer: where the route sends it next.
    pub target: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_dossier.html")]
pub struct DossierPage {
    layout: Layout,
    d: DossierView,
    actions: Vec<ActionView>,
    error: Option<String>,
    done: Option<String>,
    form: ActionForm,
    consultations: Vec<ConsultView>,
    /// Agencies that may be consulted (code, name), when the caller's agency holds the dossier in processing.
    consultable: Vec<(String, String)>,
    /// Departments the dossier may be assigned to (key, name).
    departments: Vec<(String, String)>,
    /// The office hours each step held the dossier against its budget (issue 16 item 1).
    delay: Vec<crate::forms::DelayLine>,
    /// The whole time limit in office hours.
    limit_hours: String,
}

impl DossierPage {
    fn kept(&self, action: &str) -> bool {
        self.form.action == action
    }

    fn kept_answer(&self, position: &i32) -> bool {
        self.form.action == "answer_consultation" && self.form.position == position.to_string()
    }
}

/// What the dossier page reads besides the record, on the same trip: the agency a transfer sends
/// the dossier to, and the agencies the caller's may consult. Neither is essential: a failed read
/// leaves the code, or no agencies, as before.
struct Around {
    next_agency: String,
    consultable: Vec<(String, String)>,
}

fn read_around(conn: &mut AnyConnection, caller: &Caller, r: &DossierRecord, today: chrono::NaiveDate) -> Around {
    let next = r.row.route.agency_after(r.row.current_step as usize).map(|a| a.as_str());
    let next_agency = match next {
        Some(code) if r.allowed_actions.contains(&"transfer") => match catalogue::get_agency_on(conn, code) {
            Ok(a) => a.name,
            Err(_) => code.to_string(),
        },
        _ => String::new(),
    };
    let mine = caller.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
    // The holder of a dossier in processing may ask other agencies (the rules decide which; the service checks).
    let mut consultable = vec![];
    if r.row.status_code == 4 && r.row.current_agency.as_str() == mine && caller.role.is_staff() {
        let existing = catalogue::AgencyQuery { at: Some(today.to_string()), ..Default::default() };
        if let Ok(all) = catalogue::list_agencies_on(conn, &existing) {
            // Consultations are between agencies of the same level (liên thông cùng cấp).
            let level = all.iter().find(|a| a.code == mine).map(|a| a.level.clone()).unwrap_or_default();
            consultable = all
                .into_iter()
                .filter(|a| a.handles_procedures && a.code != mine && a.level == level)
                .map(|a| (a.code, a.name))
                .collect();
        }
    }
    Around { next_agency, consultable }
}

/// The dossier of `code` and what its page shows around it, on the page's trip.
fn read_page(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    at: DateTime<Utc>,
) -> Result<(DossierRecord, Around), AppError> {
    let r = dossiers::load_record(conn, caller, &dossiers::parse_code(code)?, at)?;
    // Showing the page is a read of the applicant's data (issue 17 item 2).
    let kind = crate::domain::access::AccessKind::Page;
    crate::services::accesses::record_one(conn, caller, &r.row.id, kind, None, at)?;
    let around = read_around(conn, caller, &r, crate::domain::calendar::to_vietnam(at).date_naive());
    Ok((r, around))
}

fn dossier_page(
    caller: &Caller,
    layout: Layout,
    (r, around): (DossierRecord, Around),
    error: Option<String>,
    done: Option<String>,
    form: ActionForm,
) -> DossierPage {
    let actions = r
        .allowed_actions
        .iter()
        .map(|a| ActionView {
            name: a,
            label: action_label(a),
            target: if *a == "transfer" { around.next_agency.clone() } else { String::new() },
        })
        .collect();
    let mine = caller.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
    let name = |c: &str| r.agency_names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let consultations = r
        .consultations
        .iter()
        .map(|c| ConsultView {
            position: c.position,
            agency: name(&c.agency_code),
            task: c.task.clone(),
            requested: fmt::time(c.requested_at),
            due: fmt::time(c.due_at),
            answered: c.answered_at.map(fmt::time).unwrap_or_default(),
            opinion: c.opinion.clone().unwrap_or_default(),
            timeliness: timeliness_label(c.timeliness.as_deref().and_then(Timeliness::parse)),
            can_answer: c.answered_at.is_none() && c.agency_code == mine,
        })
        .collect();
    let (consultable, departments) = (around.consultable, r.assignable.clone());
    let (delay, limit_hours) = crate::forms::delay_lines(&r);
    DossierPage {
        layout,
        d: DossierView::new(&r),
        actions,
        error,
        done,
        form,
        consultations,
        consultable,
        departments,
        delay,
        limit_hours,
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    xong: Option<String>,
}

/// GET /can-bo/ho-so/{code}: everything about the dossier and the forms of the actions allowed now.
pub async fn dossier(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let me = session.claimed().clone();
    let (code, now) = (code.into_inner(), ctx.clock.now());
    let read =
        session.run(&ctx.pool, move |conn, caller| read_page(conn, &caller, &code, now)).await.in_layout(&layout)?;
    let done = q.xong.as_deref().map(|a| format!("Đã thực hiện: {}.", action_label(a)));
    let page = dossier_page(&me, layout, read, None, done, ActionForm::default());
    Ok(render(StatusCode::OK, &page))
}

/// POST /can-bo/ho-so/{code}/xu-ly: one action (`services::dossiers::act_on`, or a consultation
/// asked or answered), and on an error the page again, on one trip.
pub async fn act(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let code = code.into_inner();
    let form = form.into_inner();
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let missing: Vec<String> =
        form.missing.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    let input = ActionInput {
        action: form.action.clone(),
        note: text(&form.note),
        missing: (form.action == "request_supplement").then_some(missing),
        reason: text(&form.reason),
        new_due_date: text(&form.new_due_date),
        department: text(&form.department),
    };
    let layout = Layout::new(Some(session.claimed()), &format!("/can-bo/ho-so/{code}"));
    let me = session.claimed().clone();
    let (links, at, posted) = (ctx.links.clone(), ctx.clock.now(), form.clone());
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            let f = posted;
            let outcome = match f.action.as_str() {
                "consult" => {
                    let days = f.days.trim().parse::<i64>().unwrap_or(0);
                    dossiers::ConsultRequest::parse(&code, &f.agency_code, &f.task, days)
                        .and_then(|request| dossiers::consult_on(conn, &caller, request, at))
                }
                "answer_consultation" => match f.position.trim().parse::<i32>() {
                    Ok(n) => dossiers::check_answer(&code, &f.opinion)
                        .and_then(|(key, opinion)| dossiers::answer_on(conn, &caller, &key, n, opinion, at)),
                    Err(_) => Err(AppError::new(
                        crate::error::ErrorCode::ConsultationNotFound,
                        "this dossier has no such consultation",
                    )),
                },
                _ => dossiers::check_action(&code, input)
                    .and_then(|(key, action, note)| dossiers::act_on(conn, &links, &caller, &key, action, note, at)),
            };
            Ok(match outcome {
                Ok(r) => Ok(r.row.code_or_reference().to_string()),
                Err(e) => Err((read_page(conn, &caller, &code, at)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(code) => {
            let target = format!("/can-bo/ho-so/{}?xong={}", percent_encode(&code), percent_encode(&form.action));
            Ok(see_other(&target))
        }
        Err((read, e)) => {
            let status = e.status_and_code().0;
            let page = dossier_page(&me, layout, read, Some(messages::vi(&e)), None, form);
            Ok(render(status, &page))
        }
    }
}
