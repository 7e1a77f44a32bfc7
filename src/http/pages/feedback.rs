//! Feedback and complaints (phản ánh, kiến nghị; issue 17 item 6): the public list of published
//! answers (`/phan-anh-kien-nghi`), the form (`/phan-anh-kien-nghi/gui`, signed in or with a
//! dossier's PIN), the citizen's own (`/phan-anh-kien-nghi/cua-toi`) and the staff's list with the
//! answer forms (`/can-bo/phan-anh-kien-nghi`). The rules are `services::feedback`.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::session::check_origin;
use super::{fmt, messages, render, see_other, InLayout, Layout, PageError, PageSession};
use crate::auth::extractor::{Unverified, Who};
use crate::domain::feedback::FeedbackStatus;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::http::client::ClientAddr;
use crate::http::context::AppContext;
use crate::services::feedback::{self, Submission};
use crate::storage::feedback::FeedbackLine;

/// The staff page's address.
pub const STAFF_PATH: &str = "/can-bo/phan-anh-kien-nghi";

/// One submission as the pages show it.
pub struct FeedbackItem {
    pub id: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub agency: String,
    pub dossier: String,
    pub content: String,
    pub contact: String,
    pub consent: bool,
    pub created: String,
    pub due: String,
    pub overdue: bool,
    pub answer: String,
    pub answered: String,
    /// The caller may answer it here (staff of the agency concerned, not answered yet).
    pub answerable: bool,
}

fn item(l: FeedbackLine, now: chrono::DateTime<chrono::Utc>, own_agency: Option<&str>) -> FeedbackItem {
    let overdue = feedback::overdue(&l, now);
    let r = l.row;
    let open = r.status == FeedbackStatus::Received;
    FeedbackItem {
        kind: r.kind.label_vi(),
        status: r.status.label_vi(),
        agency: format!("{} ({})", l.agency_name, r.agency_code),
        dossier: l.dossier.unwrap_or_default(),
        contact: r.contact.unwrap_or_default(),
        consent: r.publish_consent,
        created: fmt::time(r.created_at),
        due: fmt::time(r.due_at),
        overdue,
        answer: r.answer.unwrap_or_default(),
        answered: fmt::opt_time(r.answered_at),
        answerable: open && own_agency == Some(r.agency_code.as_str()),
        content: r.content,
        id: r.id,
    }
}

pub struct PublishedItem {
    pub kind: &'static str,
    pub content: String,
    pub answer: String,
    pub agency: String,
    pub created: String,
    pub answered: String,
}

#[derive(Template)]
#[template(path = "feedback_public.html")]
struct PublicPage {
    layout: Layout,
    rows: Vec<PublishedItem>,
}

/// GET /phan-anh-kien-nghi: the answers published with their submitters' consent.
pub async fn public_list(ctx: web::Data<AppContext>, layout: Layout) -> Result<HttpResponse, PageError> {
    let rows = feedback::published(&ctx.pool).await.in_layout(&layout)?;
    let rows = rows
        .into_iter()
        .map(|p| PublishedItem {
            kind: p.kind.label_vi(),
            content: p.content,
            answer: p.answer.unwrap_or_default(),
            agency: p.agency_name,
            created: fmt::date(p.created_at),
            answered: fmt::opt_date(p.answered_at),
        })
        .collect();
    Ok(render(StatusCode::OK, &PublicPage { layout, rows }))
}

/// What the form holds (as typed, to show again after an error).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    dossier_code: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    publish_consent: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_form.html")]
struct FormPage {
    layout: Layout,
    form: FeedbackForm,
    signed_in: bool,
    error: Option<String>,
    field: &'static str,
}

#[derive(Template)]
#[template(path = "feedback_sent.html")]
struct SentPage {
    layout: Layout,
    item: FeedbackItem,
    signed_in: bool,
}

#[derive(Deserialize)]
pub struct FormQuery {
    ho_so: Option<String>,
}

/// The form field an error is about, to mark and focus it.
fn field_of(e: &AppError) -> &'static str {
    use ErrorCode::*;
    match e.code() {
        InvalidFeedbackKind => "kind",
        InvalidFeedbackText | InvalidText => "content",
        FeedbackSubjectRequired | InvalidDossierCode | DossierNotFound => "dossier_code",
        ProofRequired | TooManyAttempts => "pin",
        AgencyNotFound | InvalidAgencyCode => "agency_code",
        _ => "",
    }
}

/// A form shown again after `e`: its message and the field it is about, with the status of the
/// error and its `Retry-After` when throttled; a server error goes to the error page instead.
fn form_again<T: Template>(
    e: AppError,
    layout: Layout,
    page: impl FnOnce(Layout, String, &'static str) -> T,
) -> Result<HttpResponse, PageError> {
    let status = e.status_and_code().0;
    if status.is_server_error() {
        return Err(PageError::InLayout(e, Box::new(layout)));
    }
    let mut response = render(status, &page(layout, messages::vi(&e), field_of(&e)));
    e.add_retry_after(&mut response);
    Ok(response)
}

/// GET /phan-anh-kien-nghi/gui[?ho_so=CODE]: the form, the dossier filled in when given.
pub async fn form(layout: Layout, q: web::Query<FormQuery>) -> HttpResponse {
    let signed_in = layout.user.is_some();
    let form = FeedbackForm { dossier_code: q.into_inner().ho_so.unwrap_or_default(), ..Default::default() };
    render(StatusCode::OK, &FormPage { layout, form, signed_in, error: None, field: "" })
}

/// POST /phan-anh-kien-nghi/gui: one submission through `services::feedback::submit_on`; the
/// confirmation with the deadline, or the form again with the error.
pub async fn send(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    layout: Layout,
    client: ClientAddr,
    caller: Option<Unverified>,
    form: web::Form<FeedbackForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let form = form.into_inner();
    let signed_in = layout.user.is_some();
    let submission = Submission {
        kind: form.kind.clone(),
        content: form.content.clone(),
        dossier_code: Some(form.dossier_code.clone()),
        agency_code: Some(form.agency_code.clone()),
        pin: Some(form.pin.clone()).filter(|p| !p.trim().is_empty()),
        contact: Some(form.contact.clone()),
        publish_consent: form.publish_consent.is_some(),
    };
    let now = ctx.clock.now();
    match feedback::submit(&ctx.pool, &ctx.limits, caller.map(Who::from), client, submission, now).await {
        Ok(line) => Ok(render(StatusCode::CREATED, &SentPage { layout, item: item(line, now, None), signed_in })),
        Err(e) => form_again(e, layout, |layout, error, field| FormPage {
            field,
            error: Some(error),
            form: FeedbackForm { pin: String::new(), ..form },
            layout,
            signed_in,
        }),
    }
}

#[derive(Template)]
#[template(path = "feedback_mine.html")]
struct MinePage {
    layout: Layout,
    rows: Vec<FeedbackItem>,
}

/// GET /phan-anh-kien-nghi/cua-toi: the citizen's own submissions and their answers.
pub async fn mine(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    if session.claimed().role != Role::Citizen {
        return Ok(see_other(STAFF_PATH));
    }
    let now = ctx.clock.now();
    let lines = session.run(&ctx.pool, |conn, caller| feedback::list_on(conn, &caller)).await.in_layout(&layout)?;
    let rows = lines.into_iter().map(|l| item(l, now, None)).collect();
    Ok(render(StatusCode::OK, &MinePage { layout, rows }))
}

#[derive(Template)]
#[template(path = "feedback_of_dossier.html")]
struct OfDossierPage {
    layout: Layout,
    dossier_code: String,
    rows: Option<Vec<FeedbackItem>>,
    error: Option<String>,
    field: &'static str,
}

/// GET /phan-anh-kien-nghi/ho-so[?ho_so=CODE]: the form for the dossier's code and PIN.
pub async fn of_dossier_form(layout: Layout, q: web::Query<FormQuery>) -> HttpResponse {
    let dossier_code = q.into_inner().ho_so.unwrap_or_default();
    render(StatusCode::OK, &OfDossierPage { layout, dossier_code, rows: None, error: None, field: "" })
}

#[derive(Deserialize)]
pub struct OfDossierForm {
    #[serde(default)]
    dossier_code: String,
    #[serde(default)]
    pin: String,
}

/// POST /phan-anh-kien-nghi/ho-so: the feedback about a dossier and its answers, for the applicant
/// (its account, or the receipt's PIN through `throttle::check_proof`).
pub async fn of_dossier(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    layout: Layout,
    client: ClientAddr,
    caller: Option<Unverified>,
    form: web::Form<OfDossierForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let OfDossierForm { dossier_code, pin } = form.into_inner();
    let now = ctx.clock.now();
    let pin = Some(pin).filter(|p| !p.trim().is_empty());
    let who = caller.map(Who::from);
    match feedback::of_dossier(&ctx.pool, &ctx.limits, who, client, dossier_code.clone(), pin, now).await {
        Ok(lines) => {
            let rows = Some(lines.into_iter().map(|l| item(l, now, None)).collect());
            Ok(render(StatusCode::OK, &OfDossierPage { layout, dossier_code, rows, error: None, field: "" }))
        }
        Err(e) => form_again(e, layout, |layout, error, field| OfDossierPage {
            field,
            error: Some(error),
            layout,
            dossier_code,
            rows: None,
        }),
    }
}

#[derive(Template)]
#[template(path = "staff_feedback.html")]
struct StaffPage {
    layout: Layout,
    agency: String,
    subtree: bool,
    rows: Vec<FeedbackItem>,
    answered: bool,
    error: Option<String>,
    /// The submission the error is about, and the answer as typed.
    failed: String,
    typed: String,
}

#[derive(Deserialize)]
pub struct StaffQuery {
    da_tra_loi: Option<String>,
}

fn staff_page(
    layout: Layout,
    caller: &crate::auth::Caller,
    lines: Vec<FeedbackLine>,
    now: chrono::DateTime<chrono::Utc>,
) -> StaffPage {
    let own = caller.agency.as_ref().map(|a| a.to_string());
    let answering = own.as_deref().filter(|_| caller.role != Role::Admin);
    StaffPage {
        layout,
        subtree: matches!(caller.role, Role::Leader | Role::Admin),
        rows: lines.into_iter().map(|l| item(l, now, answering)).collect(),
        agency: own.unwrap_or_default(),
        answered: false,
        error: None,
        failed: String::new(),
        typed: String::new(),
    }
}

/// GET /can-bo/phan-anh-kien-nghi: the submissions in the caller's scope, unanswered and nearest
/// deadline first, each with its answer form when the caller's agency is the one concerned.
pub async fn staff_list(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    q: web::Query<StaffQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    if session.claimed().role == Role::Citizen {
        return Ok(see_other("/phan-anh-kien-nghi/cua-toi"));
    }
    let now = ctx.clock.now();
    let (caller, lines) = session
        .run(&ctx.pool, |conn, caller| Ok((caller.clone(), feedback::list_on(conn, &caller)?)))
        .await
        .in_layout(&layout)?;
    let page = StaffPage { answered: q.da_tra_loi.is_some(), ..staff_page(layout, &caller, lines, now) };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

/// POST /can-bo/phan-anh-kien-nghi/{id}/tra-loi: the answer through `services::feedback::answer_on`.
pub async fn staff_answer(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    id: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = Layout::new(Some(session.claimed()), STAFF_PATH);
    let (id, typed) = (id.into_inner(), form.into_inner().answer);
    let now = ctx.clock.now();
    let (answered_id, text) = (id.clone(), typed.clone());
    let (caller, outcome, lines) = session
        .run(&ctx.pool, move |conn, caller| {
            let outcome = feedback::answer_on(conn, &caller, &answered_id, &text, now).map(|_| ());
            let lines = if outcome.is_err() { feedback::list_on(conn, &caller)? } else { vec![] };
            Ok((caller.clone(), outcome, lines))
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(()) => Ok(see_other(&format!("{STAFF_PATH}?da_tra_loi=1"))),
        Err(e) => {
            let status = e.status_and_code().0;
            let page = StaffPage {
                error: Some(messages::vi(&e)),
                failed: id,
                typed,
                ..staff_page(layout, &caller, lines, now)
            };
            Ok(render(status, &page))
        }
    }
}
