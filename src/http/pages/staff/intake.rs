//! Intake at the counter: pick the procedure, tick the documents, fill in the applicant.
use crate::http::context::AppContext;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::super::portal::ProcView;
use super::super::{
    form_pairs, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError,
    PageSession,
};
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::catalogue::{self, ProcedureQuery};
use crate::services::dossiers::{self, IntakeInput, SubmissionPolicy};
use crate::storage::AnyConnection;

/// The applicant fields of an intake form, kept when it is shown again with an error.
#[derive(Debug, Default, Clone)]
pub struct ApplicantValues {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub notify_by: String,
}

impl ApplicantValues {
    /// Reads the applicant fields from form pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
        Self {
            name: get("name"),
            id_number: get("id_number"),
            phone: get("phone"),
            email: get("email"),
            address: get("address"),
            notify_by: get("notify_by"),
        }
    }
}

pub struct ProcOption {
    pub code: String,
    pub name: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_intake.html")]
pub struct IntakePage {
    layout: Layout,
    options: Vec<ProcOption>,
    chosen: Option<ProcView>,
    picked: String,
    channel: String,
    a: ApplicantValues,
    checked: Vec<String>,
    other_documents: String,
    error: Option<String>,
    /// The field the error is about (see `messages::field_of`).
    error_field: &'static str,
    /// Boundary-free intake applies today at this counter: the applicant's commune may be named.
    communes: Option<Vec<ProcOption>>,
    /// The applicant's commune chosen ("" = the receiving one), and how the result is collected.
    applicant_commune: String,
    result_delivery: String,
    /// A turned-away dossier's missing documents and refusal reasons, kept on an error.
    turn_missing: String,
    turn_reason: String,
}

impl IntakePage {
    fn is_checked(&self, doc: &str) -> bool {
        self.checked.iter().any(|c| c == doc)
    }
}

#[derive(Deserialize)]
pub struct PickQuery {
    thu_tuc: Option<String>,
}

/// What the intake form offers: the procedures the clerk's agency receives today, the chosen one,
/// and, where boundary-free intake applies (a commune's or the province's centre, from 01/07/2025:
/// `domain::intake_boundary`), the communes and wards an applicant may live in.
struct Choices {
    options: Vec<ProcOption>,
    chosen: Option<ProcView>,
    communes: Option<Vec<ProcOption>>,
}

fn intake_choices(
    conn: &mut AnyConnection,
    caller: &Caller,
    picked: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Choices, AppError> {
    let agency = caller.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
    let agency = catalogue::get_agency_on(conn, &agency)?;
    let level = agency.level.clone();
    let today = crate::domain::calendar::to_vietnam(at).date_naive();
    let centre = level == "commune" || agency.kind == "service_centre";
    let boundary_free = centre && crate::domain::intake_boundary::is_boundary_free_on(today);
    let all = catalogue::list_procedures_on(conn, ProcedureQuery::default())?;
    let mut options = vec![];
    let mut chosen = None;
    for e in &all {
        let p = &e.record.procedure;
        // Boundary-free: any procedure of the province (received at some local level); else the agency's level.
        let receives = p
            .receiving_levels
            .split(',')
            .any(|l| l == level || (boundary_free && matches!(l, "province" | "district" | "commune")));
        if !receives {
            continue;
        }
        // The picker accepts the code, or "code — name" as the datalist fills it in.
        let code_part = picked.split(" — ").next().unwrap_or_default().trim();
        if !picked.is_empty() && p.code == code_part {
            chosen = Some(ProcView::new(e));
        }
        options.push(ProcOption { code: p.code.clone(), name: p.name.clone() });
    }
    let communes = if boundary_free {
        let filter = crate::storage::agencies::AgencyFilter {
            level: Some("commune".into()),
            at: Some(today),
            ..Default::default()
        };
        let mut list: Vec<ProcOption> = crate::storage::agencies::list(conn, &filter)?
            .into_iter()
            .map(|a| ProcOption { code: a.code, name: a.name })
            .collect();
        list.sort_by_key(|c| crate::domain::text::fold(&c.name));
        Some(list)
    } else {
        None
    };
    Ok(Choices { options, chosen, communes })
}

/// GET /can-bo/tiep-nhan[?thu_tuc=CODE]: one page: pick the procedure, tick the documents, fill in the applicant.
pub async fn intake_form(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    q: web::Query<PickQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let picked = q.thu_tuc.clone().unwrap_or_default().trim().to_string();
    let asked = picked.clone();
    let at = ctx.clock.now();
    let Choices { options, chosen, communes } = session
        .run(&ctx.pool, move |conn, caller| {
            caller.require_role(&[Role::Clerk])?;
            intake_choices(conn, &caller, &asked, at)
        })
        .await
        .in_layout(&layout)?;
    let error = (!picked.is_empty() && chosen.is_none())
        .then(|| "Không tìm thấy thủ tục này trong danh sách thủ tục cơ quan bạn tiếp nhận.".to_string());
    let picked = chosen.as_ref().map(|c| c.code.clone()).unwrap_or(picked);
    let page = IntakePage {
        layout,
        options,
        chosen,
        picked,
        channel: "direct".into(),
        a: ApplicantValues { notify_by: "sms".into(), ..Default::default() },
        checked: vec![],
        other_documents: String::new(),
        error,
        error_field: "",
        communes,
        applicant_commune: String::new(),
        result_delivery: "counter".into(),
        turn_missing: String::new(),
        turn_reason: String::new(),
    };
    let status = if page.error.is_some() { StatusCode::NOT_FOUND } else { StatusCode::OK };
    Ok(render(status, &page))
}

/// POST /can-bo/tiep-nhan: one `services::dossiers::intake_on` (and on an error the form's choices,
/// on the same trip); on success the receipt (form 01) opens.
pub async fn intake(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = Layout::new(Some(session.claimed()), req.path());
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let a = ApplicantValues::from_pairs(&pairs);
    let procedure_code = get("procedure_code");
    let channel = get("channel");
    let checked: Vec<String> = pairs
        .iter()
        .filter(|(n, v)| n == "documents" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect();
    let other_documents = get("other_documents");
    let mut documents = checked.clone();
    documents.extend(other_documents.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    let input = IntakeInput {
        procedure_code: procedure_code.clone(),
        channel: if channel == "postal" { "postal".into() } else { "direct".into() },
        agency_code: None,
        name: a.name.clone(),
        id_number: a.id_number.clone(),
        phone: a.phone.clone(),
        email: Some(a.email.clone()).filter(|e| !e.is_empty()),
        address: a.address.clone(),
        documents,
        notify_by: Some(a.notify_by.clone()).filter(|n| !n.is_empty()),
    };
    let applicant_commune = get("applicant_commune");
    let result_delivery = get("result_delivery");
    // The clerk's decision on the paper dossier: receive it, or turn it away (Mẫu 02 or 03).
    let decision = get("decision");
    let (turn_missing, turn_reason) = (get("turn_missing"), get("turn_reason"));
    let missing: Vec<String> =
        turn_missing.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    let extras = dossiers::IntakeExtras {
        applicant_commune: Some(applicant_commune.clone()).filter(|c| !c.is_empty()),
        result_delivery: Some(result_delivery.clone()).filter(|d| !d.is_empty()),
        request_supplement: (decision == "supplement").then_some(missing),
        refuse_reason: (decision == "refuse").then(|| turn_reason.clone()),
    };
    let form_number = match decision.as_str() {
        "supplement" => "02",
        "refuse" => "03",
        _ => "01",
    };
    let (links, at, picked) = (ctx.links.clone(), ctx.clock.now(), procedure_code.clone());
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            let received = dossiers::Intake::parse_with(&caller, input, extras)
                .and_then(|intake| dossiers::intake_on(conn, &links, SubmissionPolicy::default(), &caller, intake, at));
            Ok(match received {
                Ok(r) => Ok(r.row.code_or_reference().to_string()),
                Err(e) => Err((intake_choices(conn, &caller, &picked, at)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(code) => Ok(see_other(&format!("/api/v1/dossiers/{}/forms/{form_number}", percent_encode(&code)))),
        Err((Choices { options, chosen, communes }, e)) => {
            let status = e.status_and_code().0;
            let page = IntakePage {
                layout,
                options,
                chosen,
                picked: procedure_code,
                channel,
                a,
                checked,
                other_documents,
                error_field: messages::field_of(&e),
                error: Some(messages::vi(&e)),
                communes,
                applicant_commune,
                result_delivery,
                turn_missing,
                turn_reason,
            };
            Ok(render(status, &page))
        }
    }
}
