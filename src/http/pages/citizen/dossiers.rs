//! The citizen's dossiers: the list (`/ho-so-cua-toi`), one dossier with its rating form, and
//! what the applicant does on it (rate, withdraw or submit the supplement, add a file).
use crate::http::context::AppContext;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::super::staff::DossierView;
use super::super::{
    messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageCaller, PageError,
};
use super::{citizens_only, read_form};
use crate::domain::dossier::Status;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::dossiers;
use crate::services::inbox::{InboxQuery, View};

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
            submitted: super::super::fmt::time(r.submitted_at),
            due: super::super::fmt::opt_date(r.promised_due_at()),
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
        acted: q.xong.as_deref().map(super::super::staff::action_label),
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
