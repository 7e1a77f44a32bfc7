//! The dossier API: intake, reading, actions, the rating and same-level consultations, with their
//! request bodies. The views a dossier is answered with are in `views.rs`, the inbox in
//! `inbox.rs`, the attached files in `files.rs`.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::dossiers::{self, ActionInput, IntakeInput};

mod files;
mod inbox;
mod views;

// The handlers and views keep their paths (`dossiers::inbox`, `dossiers::rfc3339`, …); the globs
// carry utoipa's `__path_*` companions that `openapi` names.
pub use files::*;
pub use inbox::*;
pub use views::*;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantInput {
    pub name: String,
    /// 12-digit citizen identity number (or a 9-digit old identity card number).
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    pub procedure_code: String,
    /// `direct` or `postal` (clerk at the counter), `online` (citizen).
    pub channel: String,
    /// Online only: the agency the dossier is submitted to.
    pub agency_code: Option<String>,
    pub applicant: ApplicantInput,
    /// Names of the documents handed in.
    #[serde(default)]
    pub documents: Vec<String>,
    /// How the applicant wants notices: email, sms, both or none (default: both with an email, else sms).
    pub notify_by: Option<String>,
    /// The code of the applicant's commune or ward (e.g. 000.01.61.H12). From 01/07/2025 a centre
    /// receives any procedure of the province (boundary-free intake): a procedure decided at
    /// commune level goes to this commune; required when the province's centre receives one.
    pub applicant_commune: Option<String>,
    /// How the applicant takes the result: `counter` (default: at the counter that received the
    /// dossier), `post` (public postal service) or `online`.
    pub result_delivery: Option<String>,
    /// A clerk turns a paper dossier away: everything missing (Mẫu 02). Nothing is received and
    /// no code is issued; the dossier is kept (status 5, by its reference) until the supplement.
    pub request_supplement: Option<Vec<String>>,
    /// … or refuses it as ineligible, with the reasons (Mẫu 03; status 3, not received).
    pub refuse_reason: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// receive, request_supplement, submit_supplement, refuse, transfer, assign, approve, finish,
    /// return_result, extend, withdraw, stop.
    pub action: String,
    pub note: Option<String>,
    /// request_supplement: everything missing, listed at once.
    pub missing: Option<Vec<String>>,
    /// refuse, stop, extend: the reasons.
    pub reason: Option<String>,
    /// extend: the new date promised to the applicant (YYYY-MM-DD).
    pub new_due_date: Option<String>,
    /// assign: the key of an open department of the agency holding the dossier (e.g. `VHXH`).
    pub department: Option<String>,
}

/// Receive a dossier: a clerk at the counter (direct/postal; the code is issued now) or a citizen
/// online (`code` is null and `reference` names the submission until a clerk receives it; an
/// account holds at most `submissions.max_pending_per_account` of those, then 429).
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = IntakeRequest, security(("bearer" = [])),
    responses((status = 201, body = DossierView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn create(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    body: web::Json<IntakeRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let input = IntakeInput {
        procedure_code: b.procedure_code,
        channel: b.channel,
        agency_code: b.agency_code,
        name: b.applicant.name,
        id_number: b.applicant.id_number,
        phone: b.applicant.phone,
        email: b.applicant.email,
        address: b.applicant.address,
        documents: b.documents,
        notify_by: b.notify_by,
    };
    let extras = dossiers::IntakeExtras {
        applicant_commune: b.applicant_commune,
        result_delivery: b.result_delivery,
        request_supplement: b.request_supplement,
        refuse_reason: b.refuse_reason,
    };
    let record =
        dossiers::intake_full(&ctx.pool, &ctx.links, ctx.policy, caller, input, extras, ctx.clock.now()).await?;
    Ok(HttpResponse::Created().json(DossierView::from(record)))
}

/// A dossier with its full history, for staff in scope and its owner.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path, description = "the code, e.g. 000.00.31.H12-261122-0001, or the submission reference, e.g. HS-7K3QX9M2TB")),
    responses((status = 200, body = DossierView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let record = dossiers::get(&ctx.pool, caller, code.into_inner(), ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(DossierView::from(record)))
}

/// Act on a dossier; answers with the updated dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions", tag = "dossiers", request_body = ActionRequest,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 200, body = DossierView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn act(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    body: web::Json<ActionRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let input = ActionInput {
        action: b.action,
        note: b.note,
        missing: b.missing,
        reason: b.reason,
        new_due_date: b.new_due_date,
        department: b.department,
    };
    let record = dossiers::act(&ctx.pool, &ctx.links, caller, code.into_inner(), input, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(DossierView::from(record)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// 1 (very unsatisfied) to 5 (very satisfied).
    pub score: i64,
    pub comment: Option<String>,
    /// The receipt's PIN, when not signed in as the applicant.
    pub pin: Option<String>,
}

/// Rate the service once, after the result was returned (the applicant: own account or the receipt's PIN).
/// Without a valid proof: 403 `proof_required` whatever the dossier's state; wrong PINs are
/// throttled per dossier and client (429 `too_many_attempts` with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/rating", tag = "public", request_body = RatingRequest,
    params(("code" = String, Path)),
    responses((status = 201, body = RatingView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub async fn rate(
    ctx: web::Data<AppContext>,
    client: crate::http::client::ClientAddr,
    caller: Option<Unverified>,
    code: web::Path<String>,
    body: web::Json<RatingRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let (code, now) = (code.into_inner(), ctx.clock.now());
    let caller = caller.map(crate::auth::extractor::Who::from);
    let r = dossiers::rate(&ctx.pool, &ctx.limits, caller, client, code, b.score, b.comment, b.pin, now).await?;
    Ok(HttpResponse::Created().json(RatingView { score: r.score, comment: r.comment, rated_at: rfc3339(r.rated_at) }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultRequest {
    /// An agency of the same level as the one holding the dossier.
    pub agency_code: String,
    pub task: String,
    /// The consultation's own deadline, in working days (1–60).
    pub due_in_working_days: i64,
}

/// Ask another agency of the same level for its opinion (liên thông cùng cấp), with its own deadline.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/consultations", tag = "dossiers", request_body = ConsultRequest,
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 200, body = DossierView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn consult(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    body: web::Json<ConsultRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let r = dossiers::consult(
        &ctx.pool,
        caller,
        code.into_inner(),
        b.agency_code,
        b.task,
        b.due_in_working_days,
        ctx.clock.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(DossierView::from(r)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    pub opinion: String,
}

/// The consulted agency's answer.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/consultations/{n}/answer", tag = "dossiers",
    request_body = AnswerRequest, security(("bearer" = [])), params(("code" = String, Path), ("n" = i32, Path)),
    responses((status = 200, body = DossierView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn answer(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    path: web::Path<(String, i32)>,
    body: web::Json<AnswerRequest>,
) -> Result<HttpResponse, AppError> {
    let (code, n) = path.into_inner();
    let r = dossiers::answer(&ctx.pool, caller, code, n, body.into_inner().opinion, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(DossierView::from(r)))
}
