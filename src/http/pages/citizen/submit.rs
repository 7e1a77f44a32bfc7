//! The online submission form (`/thu-tuc/{code}/nop`, levels 3–4): the form and its submission.
use crate::http::context::AppContext;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;

use super::super::portal::ProcView;
use super::super::staff::ApplicantValues;
use super::super::{
    messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use super::{citizens_only, read_form};
use crate::domain::attachment::check_upload;
use crate::domain::labels::level_label_vi as level_label;
use crate::error::AppError;
use crate::services::catalogue::{self, AgencyQuery};
use crate::services::dossiers::{self, IntakeInput};
use crate::storage::AnyConnection;

pub struct AgencyOption {
    pub code: String,
    pub name: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_submit.html")]
pub struct SubmitPage {
    layout: Layout,
    p: ProcView,
    agencies: Vec<AgencyOption>,
    agency: String,
    a: ApplicantValues,
    checked: Vec<String>,
    other_documents: String,
    error: Option<String>,
    /// The field the error is about (see `messages::field_of`).
    error_field: &'static str,
    had_files: bool,
}

impl SubmitPage {
    fn is_checked(&self, doc: &str) -> bool {
        self.checked.iter().any(|c| c == doc)
    }
}

/// The procedure (levels 3–4 only) and the agencies that receive it.
/// The agencies offered are those that exist `today`.
fn procedure_and_agencies(
    conn: &mut AnyConnection,
    code: &str,
    today: chrono::NaiveDate,
) -> Result<(ProcView, Vec<AgencyOption>), AppError> {
    let (entry, _) = catalogue::get_procedure_on(conn, code, None)?;
    let p = ProcView::new(&entry);
    if !p.online() {
        return Err(AppError::new(crate::error::ErrorCode::NotOfferedOnline, "this procedure is not offered online"));
    }
    let mut agencies = vec![];
    for level in &p.receiving_levels {
        let list = catalogue::list_agencies_on(
            conn,
            &AgencyQuery { level: Some(level.clone()), at: Some(today.to_string()), ..Default::default() },
        )?;
        let label = level_label(level);
        agencies.extend(list.into_iter().filter(|a| a.handles_procedures || level == "commune").map(|a| {
            AgencyOption { name: if label.is_empty() { a.name } else { format!("{} ({label})", a.name) }, code: a.code }
        }));
    }
    Ok((p, agencies))
}

/// The applicant's fields as the form first shows them (issue 17 item 5: no retyping): what the
/// citizen entered on their newest submission, else the account's name; SMS notices by default.
fn prefilled(
    (account_name, last): (Option<String>, Option<crate::storage::dossiers::ApplicantRow>),
) -> ApplicantValues {
    match last {
        Some(a) => ApplicantValues {
            name: a.name,
            id_number: a.id_number,
            phone: a.phone,
            email: a.email.unwrap_or_default(),
            address: a.address,
            notify_by: a.notify_by,
        },
        None => {
            ApplicantValues { name: account_name.unwrap_or_default(), notify_by: "sms".into(), ..Default::default() }
        }
    }
}

/// GET /thu-tuc/{code}/nop: the online submission form (a signed-in citizen; levels 3 and 4).
pub async fn submit_form(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let code = code.into_inner();
    let today = crate::domain::calendar::to_vietnam(ctx.clock.now()).date_naive();
    let (p, agencies, known) = session
        .run(&ctx.pool, move |conn, caller| {
            citizens_only(&caller)?;
            let (p, agencies) = procedure_and_agencies(conn, &code, today)?;
            let known = crate::storage::dossiers::applicant_for_form(conn, &caller.user_id)?;
            Ok((p, agencies, known))
        })
        .await
        .in_layout(&layout)?;
    let page = SubmitPage {
        layout,
        p,
        agency: agencies.first().filter(|_| agencies.len() == 1).map(|a| a.code.clone()).unwrap_or_default(),
        agencies,
        a: prefilled(known),
        checked: vec![],
        other_documents: String::new(),
        error: None,
        error_field: "",
        had_files: false,
    };
    Ok(render(StatusCode::OK, &page))
}

/// POST /thu-tuc/{code}/nop (multipart): the intake (`services::dossiers::intake_on`), then each
/// file (`attach_on`; checked before the intake, so a bad file creates nothing), in one trip. The
/// form is read before the trip, so no connection is held while it arrives.
pub async fn submit(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = Layout::new(Some(session.claimed()), req.path());
    let code = code.into_inner();
    // Only a citizen's form is read: anyone else is refused on the trip, before the form counts.
    let read = if citizens_only(session.claimed()).is_ok() { read_form(payload).await } else { Ok((vec![], vec![])) };
    let (pairs, files, read_error) = match read {
        Ok((pairs, files)) => (pairs, files, None),
        Err(e) => (vec![], vec![], Some(e)),
    };
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let a = ApplicantValues::from_pairs(&pairs);
    let agency = get("agency_code");
    let checked: Vec<String> = pairs
        .iter()
        .filter(|(n, v)| n == "documents" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect();
    let other_documents = get("other_documents");
    let had_files = !files.is_empty();
    let mut documents = checked.clone();
    documents.extend(other_documents.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    let input = IntakeInput {
        procedure_code: code.clone(),
        channel: "online".into(),
        agency_code: Some(agency.clone()).filter(|a| !a.is_empty()),
        name: a.name.clone(),
        id_number: a.id_number.clone(),
        phone: a.phone.clone(),
        email: Some(a.email.clone()).filter(|e| !e.is_empty()),
        address: a.address.clone(),
        documents,
        notify_by: Some(a.notify_by.clone()).filter(|n| !n.is_empty()),
    };
    let (links, policy, now) = (ctx.links.clone(), ctx.policy, ctx.clock.now());
    let (p, agencies, result) = session
        .run(&ctx.pool, move |conn, caller| {
            citizens_only(&caller)?;
            let (p, agencies) = procedure_and_agencies(conn, &code, crate::domain::calendar::to_vietnam(now).date_naive())?;
            let submit = || -> Result<String, AppError> {
                if let Some(e) = read_error {
                    return Err(e);
                }
                for f in &files {
                    check_upload(&f.file_name, &f.content_type, &f.content).map_err(AppError::from)?;
                }
                let intake = dossiers::Intake::parse(&caller, input)?;
                let r = dossiers::intake_on(conn, &links, policy, &caller, intake, now)?;
                // Not received yet: the submission is named by its reference until a clerk receives it.
                let dossier_code = r.row.reference.clone();
                let mut failed = 0;
                for f in files {
                    if let Err(e) = dossiers::attach_on(conn, &caller, &dossier_code, f, now) {
                        tracing::warn!(dossier = %dossier_code, error.code = e.status_and_code().1, "attachment refused");
                        failed += 1;
                    }
                }
                Ok(format!(
                    "/ho-so-cua-toi/{}?da_nop=1{}",
                    percent_encode(&dossier_code),
                    if failed > 0 { "&tep_loi=1" } else { "" }
                ))
            };
            let result = submit();
            Ok((p, agencies, result))
        })
        .await
        .in_layout(&layout)?;
    match result {
        Ok(target) => Ok(see_other(&target)),
        Err(e) => {
            let status = e.status_and_code().0;
            let page = SubmitPage {
                layout,
                p,
                agencies,
                agency,
                a,
                checked,
                other_documents,
                error_field: messages::field_of(&e),
                error: Some(messages::vi(&e)),
                had_files,
            };
            Ok(render(status, &page))
        }
    }
}
