//! The citizen's pages: online submission (levels 3–4), my dossiers, rating.
use crate::http::context::AppContext;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use futures_util::StreamExt;
use serde::Deserialize;

use super::portal::ProcView;
use super::staff::{ApplicantValues, DossierView};
use super::{
    messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageCaller, PageError,
};
use crate::auth::Caller;
use crate::domain::attachment::{check_upload, MAX_FILE_BYTES};
use crate::domain::dossier::Status;
use crate::domain::labels::level_label_vi as level_label;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::catalogue::{self, AgencyQuery};
use crate::services::dossiers::{self, IntakeInput, Upload};
use crate::services::inbox::{InboxQuery, View};
use crate::storage::Pool;

/// At most this many files with one online submission, and this many bytes in all.
const MAX_FILES: usize = 10;
const MAX_TOTAL_BYTES: usize = 40 * 1024 * 1024;

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

fn citizens_only(caller: &Caller) -> Result<(), AppError> {
    if caller.role == Role::Citizen {
        Ok(())
    } else {
        Err(AppError::new(
            crate::error::ErrorCode::RoleNotAllowed,
            "online submission is for citizens; staff receive dossiers at the counter",
        ))
    }
}

/// The procedure (levels 3–4 only) and the agencies that receive it.
async fn procedure_and_agencies(pool: &Pool, code: String) -> Result<(ProcView, Vec<AgencyOption>), AppError> {
    let (entry, _) = catalogue::get_procedure(pool, code, None).await?;
    let p = ProcView::new(&entry);
    if !p.online() {
        return Err(AppError::new(crate::error::ErrorCode::NotOfferedOnline, "this procedure is not offered online"));
    }
    let mut agencies = vec![];
    for level in &p.receiving_levels {
        let list =
            catalogue::list_agencies(pool, AgencyQuery { level: Some(level.clone()), ..Default::default() }).await?;
        let label = level_label(level);
        agencies.extend(list.into_iter().filter(|a| a.handles_procedures || level == "commune").map(|a| {
            AgencyOption { name: if label.is_empty() { a.name } else { format!("{} ({label})", a.name) }, code: a.code }
        }));
    }
    Ok((p, agencies))
}

/// GET /thu-tuc/{code}/nop: the online submission form (a signed-in citizen; levels 3 and 4).
pub async fn submit_form(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(&caller), req.path());
    citizens_only(&caller).in_layout(&layout)?;
    let (p, agencies) = procedure_and_agencies(&ctx.pool, code.into_inner()).await.in_layout(&layout)?;
    let page = SubmitPage {
        layout,
        p,
        agency: agencies.first().filter(|_| agencies.len() == 1).map(|a| a.code.clone()).unwrap_or_default(),
        agencies,
        a: ApplicantValues { notify_by: "sms".into(), ..Default::default() },
        checked: vec![],
        other_documents: String::new(),
        error: None,
        error_field: "",
        had_files: false,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Reads the multipart form: text fields as pairs, and the files.
async fn read_form(mut payload: Multipart) -> Result<(Vec<(String, String)>, Vec<Upload>), AppError> {
    let mut pairs = vec![];
    let mut files = vec![];
    let mut total = 0usize;
    while let Some(item) = payload.next().await {
        let mut field = item.map_err(|e| {
            AppError::new(crate::error::ErrorCode::UploadInterrupted, format!("the form could not be read: {e}"))
        })?;
        let name = field.content_disposition().and_then(|c| c.get_name()).unwrap_or_default().to_string();
        let file_name = field.content_disposition().and_then(|c| c.get_filename()).map(str::to_string);
        let content_type = field.content_type().map(|m| m.essence_str().to_string()).unwrap_or_default();
        let limit = if file_name.is_some() { MAX_FILE_BYTES + 1 } else { 64 * 1024 };
        let mut content = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| {
                AppError::new(crate::error::ErrorCode::UploadInterrupted, format!("the upload broke off: {e}"))
            })?;
            if content.len() + chunk.len() > limit {
                return Err(if file_name.is_some() {
                    AppError::PayloadTooLarge("a file is larger than 10 MiB".into())
                } else {
                    AppError::new(crate::error::ErrorCode::BodyTooLarge, "a form field is too long")
                });
            }
            total += chunk.len();
            if total > MAX_TOTAL_BYTES {
                return Err(AppError::PayloadTooLarge("the files add up to more than 40 MiB".into()));
            }
            content.extend_from_slice(&chunk);
        }
        match file_name {
            // An empty file input sends a part with an empty name and no content.
            Some(f) if f.is_empty() && content.is_empty() => {}
            Some(f) => files.push(Upload { file_name: f, content_type, content }),
            None => {
                let value = String::from_utf8_lossy(&content).into_owned();
                crate::http::boundary::check_field(&name, &value)?;
                pairs.push((name, value))
            }
        }
        if files.len() > MAX_FILES {
            return Err(AppError::new(crate::error::ErrorCode::TooManyFilesAtOnce, "attach at most 10 files"));
        }
    }
    Ok((pairs, files))
}

/// POST /thu-tuc/{code}/nop (multipart): `services::dossiers::intake`, then each file through
/// `services::dossiers::attach` (checked before the intake, so a bad file creates nothing).
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    code: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = Layout::new(Some(&caller), req.path());
    citizens_only(&caller).in_layout(&layout)?;
    let code = code.into_inner();
    let (p, agencies) = procedure_and_agencies(&ctx.pool, code.clone()).await.in_layout(&layout)?;
    let (pairs, files, read_error) = match read_form(payload).await {
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
    let now = ctx.clock.now();
    let result: Result<String, AppError> = async {
        if let Some(e) = read_error {
            return Err(e);
        }
        for f in &files {
            check_upload(&f.file_name, &f.content_type, &f.content).map_err(AppError::from)?;
        }
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
        let r = dossiers::intake_with(&ctx.pool, &ctx.links, ctx.policy, caller.0.clone(), input, now).await?;
        // Not received yet: the submission is named by its reference until a clerk receives it.
        let dossier_code = r.row.reference.clone();
        let mut failed = 0;
        for f in files {
            if let Err(e) = dossiers::attach(&ctx.pool, caller.0.clone(), dossier_code.clone(), f, now).await {
                tracing::warn!(dossier = %dossier_code, error.code = e.status_and_code().1, "attachment refused");
                failed += 1;
            }
        }
        Ok(format!(
            "/ho-so-cua-toi/{}?da_nop=1{}",
            percent_encode(&dossier_code),
            if failed > 0 { "&tep_loi=1" } else { "" }
        ))
    }
    .await;
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

pub struct MyRow {
    pub code: String,
    pub procedure: String,
    pub status: &'static str,
    pub submitted: String,
    pub due: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_dossiers.html")]
pub struct MyDossiersPage {
    layout: Layout,
    rows: Vec<MyRow>,
}

/// How many of a citizen's dossiers `/ho-so-cua-toi` lists (the inbox's largest page).
const MY_DOSSIERS_SHOWN: u32 = 200;

/// GET /ho-so-cua-toi: the citizen's own dossiers, newest first.
pub async fn my_dossiers(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(&caller), req.path());
    if caller.role != Role::Citizen {
        return Ok(see_other("/can-bo"));
    }
    // The newest MY_DOSSIERS_SHOWN, in one query (`services::inbox`, a citizen's scope).
    let query = InboxQuery { limit: Some(MY_DOSSIERS_SHOWN.to_string()), ..InboxQuery::default() };
    let rows = crate::services::inbox::inbox(&ctx.pool, caller.0, View::Page, query, ctx.clock.now())
        .await?
        .items
        .into_iter()
        .map(|(r, _)| MyRow {
            code: r.code_or_reference().to_string(),
            procedure: r.procedure_name.clone(),
            status: r.status.label_vi(),
            submitted: super::fmt::time(r.submitted_at),
            due: super::fmt::opt_date(r.promised_due_at()),
        })
        .collect();
    Ok(render(StatusCode::OK, &MyDossiersPage { layout, rows }))
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_dossier.html")]
pub struct MyDossierPage {
    layout: Layout,
    d: DossierView,
    can_rate: bool,
    submitted: bool,
    file_error: bool,
    error: Option<String>,
    done: bool,
    score: String,
    comment: String,
    /// What the applicant may do now (withdraw, submit the supplement), as (action, label).
    actions: Vec<(&'static str, &'static str)>,
    acted: Option<&'static str>,
    /// Files can still be added (the dossier is open).
    can_attach: bool,
    attached: bool,
}

impl MyDossierPage {
    /// The page as it first shows a dossier: no messages, empty rating form.
    fn of(layout: Layout, r: &dossiers::DossierRecord) -> Self {
        Self {
            layout,
            can_rate: r.row.status == Status::Returned && r.rating.is_none(),
            d: DossierView::new(r),
            submitted: false,
            file_error: false,
            error: None,
            done: false,
            score: String::new(),
            comment: String::new(),
            actions: citizen_actions(r),
            acted: None,
            can_attach: open_for_files(r),
            attached: false,
        }
    }
}

fn open_for_files(r: &dossiers::DossierRecord) -> bool {
    r.row.status.is_open()
}

fn citizen_actions(r: &dossiers::DossierRecord) -> Vec<(&'static str, &'static str)> {
    r.allowed_actions
        .iter()
        .filter_map(|a| match *a {
            "submit_supplement" => Some(("submit_supplement", "Nộp hồ sơ đã bổ sung")),
            "withdraw" => Some(("withdraw", "Rút hồ sơ")),
            _ => None,
        })
        .collect()
}

#[derive(Deserialize)]
pub struct MyDossierQuery {
    da_nop: Option<String>,
    tep_loi: Option<String>,
    da_danh_gia: Option<String>,
    xong: Option<String>,
    da_gui_tep: Option<String>,
}

/// GET /ho-so-cua-toi/{code}: the citizen's dossier; the rating form once the result is returned.
pub async fn my_dossier(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    code: web::Path<String>,
    q: web::Query<MyDossierQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(&caller), req.path());
    let r = dossiers::get(&ctx.pool, caller.0, code.into_inner(), ctx.clock.now()).await.in_layout(&layout)?;
    let page = MyDossierPage {
        submitted: q.da_nop.is_some(),
        file_error: q.tep_loi.is_some(),
        done: q.da_danh_gia.is_some(),
        acted: q.xong.as_deref().map(super::staff::action_label),
        attached: q.da_gui_tep.is_some(),
        ..MyDossierPage::of(layout, &r)
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// POST /ho-so-cua-toi/{code}/danh-gia: one rating through `services::dossiers::rate`.
#[allow(clippy::too_many_arguments)]
pub async fn rate(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    client: crate::http::client::ClientAddr,
    code: web::Path<String>,
    form: web::Form<RatingForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let code = code.into_inner();
    let form = form.into_inner();
    let layout = Layout::new(Some(&caller), &format!("/ho-so-cua-toi/{code}"));
    let score = form.score.trim().parse::<i64>().unwrap_or(0);
    let comment = Some(form.comment.clone()).filter(|c| !c.trim().is_empty());
    let rated = dossiers::rate(
        &ctx.pool,
        &ctx.limits,
        Some(caller.0.clone()),
        client,
        code.clone(),
        score,
        comment,
        None,
        ctx.clock.now(),
    );
    match rated.await {
        Ok(_) => Ok(see_other(&format!("/ho-so-cua-toi/{}?da_danh_gia=1", percent_encode(&code)))),
        Err(e) => {
            let status = e.status_and_code().0;
            let r = dossiers::get(&ctx.pool, caller.0, code, ctx.clock.now()).await.in_layout(&layout)?;
            let page = MyDossierPage {
                error: Some(messages::vi(&e)),
                score: form.score,
                comment: form.comment,
                ..MyDossierPage::of(layout, &r)
            };
            Ok(render(status, &page))
        }
    }
}

#[derive(Deserialize)]
pub struct CitizenActionForm {
    action: String,
    #[serde(default)]
    note: String,
}

/// POST /ho-so-cua-toi/{code}/xu-ly: the applicant withdraws, or says the supplement is complete
/// (one `services::dossiers::act`).
pub async fn act(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    code: web::Path<String>,
    form: web::Form<CitizenActionForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    citizens_only(&caller)?;
    let code = code.into_inner();
    let form = form.into_inner();
    if !["withdraw", "submit_supplement"].contains(&form.action.as_str()) {
        return Err(AppError::new(
            crate::error::ErrorCode::UnknownAction,
            "the applicant withdraws or submits the supplement",
        )
        .into());
    }
    let input = dossiers::ActionInput {
        action: form.action.clone(),
        note: Some(form.note.trim().to_string()).filter(|n| !n.is_empty()),
        ..Default::default()
    };
    let layout = Layout::new(Some(&caller), &format!("/ho-so-cua-toi/{code}"));
    match dossiers::act(&ctx.pool, &ctx.links, caller.0.clone(), code.clone(), input, ctx.clock.now()).await {
        Ok(_) => {
            Ok(see_other(&format!("/ho-so-cua-toi/{}?xong={}", percent_encode(&code), percent_encode(&form.action))))
        }
        Err(e) => {
            let status = e.status_and_code().0;
            let r = dossiers::get(&ctx.pool, caller.0, code, ctx.clock.now()).await.in_layout(&layout)?;
            let page = MyDossierPage { error: Some(messages::vi(&e)), ..MyDossierPage::of(layout, &r) };
            Ok(render(status, &page))
        }
    }
}

/// POST /ho-so-cua-toi/{code}/tep (multipart, one file): the applicant adds a file to an open
/// dossier (e.g. the supplement), one `services::dossiers::attach`.
pub async fn attach(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    code: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let code = code.into_inner();
    let layout = Layout::new(Some(&caller), &format!("/ho-so-cua-toi/{code}"));
    citizens_only(&caller).in_layout(&layout)?;
    let result = match read_form(payload).await {
        Ok((_, mut files)) if files.len() == 1 => {
            let file = files.remove(0);
            dossiers::attach(&ctx.pool, caller.0.clone(), code.clone(), file, ctx.clock.now()).await.map(|_| ())
        }
        Ok(_) => Err(AppError::new(crate::error::ErrorCode::EmptyFile, "choose one file")),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/ho-so-cua-toi/{}?da_gui_tep=1", percent_encode(&code)))),
        Err(e) => {
            let status = e.status_and_code().0;
            let r = dossiers::get(&ctx.pool, caller.0, code, ctx.clock.now()).await.in_layout(&layout)?;
            let page = MyDossierPage { error: Some(messages::vi(&e)), ..MyDossierPage::of(layout, &r) };
            Ok(render(status, &page))
        }
    }
}
