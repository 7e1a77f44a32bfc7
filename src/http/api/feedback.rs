//! Feedback and complaints (phản ánh, kiến nghị; issue 17 item 6): send, list, answer, and the
//! public list of published answers. The rules are `services::feedback` and `domain::feedback`.
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dossiers::rfc3339;
use crate::auth::extractor::{Unverified, Who};
use crate::domain::feedback as rules;
use crate::error::AppError;
use crate::http::client::ClientAddr;
use crate::http::context::AppContext;
use crate::services::feedback::{self, Submission};
use crate::storage::feedback::{FeedbackLine, PublishedRow};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// `report` (phản ánh) or `recommendation` (kiến nghị).
    pub kind: String,
    /// 10 to 2000 characters; line breaks allowed.
    pub content: String,
    /// The dossier it is about (code or submission reference): routed to the agency holding it while
    /// it is open, else to the one that received it. Needs the applicant's account or `pin`.
    pub dossier_code: Option<String>,
    /// The agency it is about, when no dossier is named (signed-in citizens only).
    pub agency_code: Option<String>,
    /// The receipt's PIN, when not signed in as the dossier's applicant.
    pub pin: Option<String>,
    /// How to reach you (an email or phone, at most 200 characters): never published.
    pub contact: Option<String>,
    /// Publish the question and its answer (without any personal data or the dossier). Default false.
    #[serde(default)]
    pub publish_consent: bool,
}

/// One submission as its submitter and the staff see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FeedbackView {
    pub id: String,
    /// `report` or `recommendation`.
    pub kind: String,
    /// Phản ánh / Kiến nghị.
    pub kind_label: String,
    /// `received` or `answered`.
    pub status: String,
    pub agency_code: String,
    pub agency_name: String,
    /// The dossier's code (its submission reference before receipt), if it is about one.
    pub dossier_code: Option<String>,
    pub content: String,
    pub contact: Option<String>,
    pub publish_consent: bool,
    /// Answered and consented: shown on the public list.
    pub published: bool,
    /// The deadline to answer: 15 working days (QĐ 766/QĐ-TTg indicator 5.2, see README).
    pub due_at: String,
    /// Not answered and past `due_at`.
    pub overdue: bool,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    pub created_at: String,
}

impl FeedbackView {
    pub fn of(l: FeedbackLine, now: chrono::DateTime<chrono::Utc>) -> Self {
        let overdue = feedback::overdue(&l, now);
        let r = l.row;
        FeedbackView {
            kind_label: r.kind.label_vi().to_string(),
            published: rules::is_published(r.publish_consent, r.answered_at),
            id: r.id,
            kind: r.kind.as_str().to_string(),
            status: r.status.as_str().to_string(),
            agency_code: r.agency_code,
            agency_name: l.agency_name,
            dossier_code: l.dossier,
            content: r.content,
            contact: r.contact,
            publish_consent: r.publish_consent,
            due_at: rfc3339(r.due_at),
            overdue,
            answer: r.answer,
            answered_at: r.answered_at.map(rfc3339),
            created_at: rfc3339(r.created_at),
        }
    }
}

/// A published answer: the question, the answer, the agency and the dates — no name, contact,
/// account or dossier code.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedFeedbackView {
    pub kind: String,
    pub kind_label: String,
    pub content: String,
    pub answer: String,
    pub agency_name: String,
    pub created_at: String,
    pub answered_at: String,
}

impl From<PublishedRow> for PublishedFeedbackView {
    fn from(p: PublishedRow) -> Self {
        PublishedFeedbackView {
            kind_label: p.kind.label_vi().to_string(),
            kind: p.kind.as_str().to_string(),
            content: p.content,
            answer: p.answer.unwrap_or_default(),
            agency_name: p.agency_name,
            created_at: rfc3339(p.created_at),
            answered_at: p.answered_at.map(rfc3339).unwrap_or_default(),
        }
    }
}

/// Send feedback about a dossier (as its applicant: signed in, or with the receipt's PIN) or about an
/// agency (signed in as a citizen). 400 on bad input (nothing stored); 403 `proof_required` without
/// a valid proof; 429 `too_many_feedback` beyond the limits per account and per client address
/// (`throttle.feedback_*`), or `too_many_attempts` after too many wrong PINs.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "public", request_body = FeedbackRequest,
    responses((status = 201, body = FeedbackView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn submit(
    ctx: web::Data<AppContext>,
    client: ClientAddr,
    caller: Option<Unverified>,
    body: web::Json<FeedbackRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let submission = Submission {
        kind: b.kind,
        content: b.content,
        dossier_code: b.dossier_code,
        agency_code: b.agency_code,
        pin: b.pin,
        contact: b.contact,
        publish_consent: b.publish_consent,
    };
    let now = ctx.clock.now();
    let line = feedback::submit(&ctx.pool, &ctx.limits, caller.map(Who::from), client, submission, now).await?;
    Ok(HttpResponse::Created().json(FeedbackView::of(line, now)))
}

/// Staff: the feedback routed to their agency (leaders and administrators: also every agency below
/// it), unanswered first, nearest deadline first, each with `overdue`; citizens: their own.
#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback", security(("bearer" = [])),
    responses((status = 200, body = [FeedbackView]), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    let now = ctx.clock.now();
    let lines = feedback::list(&ctx.pool, caller).await?;
    Ok(HttpResponse::Ok().json(lines.into_iter().map(|l| FeedbackView::of(l, now)).collect::<Vec<_>>()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerFeedbackRequest {
    /// 1 to 4000 characters; line breaks allowed.
    pub answer: String,
}

/// The staff of the agency concerned answer, once. 404 `feedback_not_found` outside the caller's
/// scope, 403 `feedback_not_concerned` from a supervising agency, 409 `feedback_already_answered`.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/answer", tag = "feedback", security(("bearer" = [])),
    request_body = AnswerFeedbackRequest, params(("id" = String, Path)),
    responses((status = 200, body = FeedbackView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn answer(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    id: web::Path<String>,
    body: web::Json<AnswerFeedbackRequest>,
) -> Result<HttpResponse, AppError> {
    let now = ctx.clock.now();
    let line = feedback::answer(&ctx.pool, caller, id.into_inner(), body.into_inner().answer, now).await?;
    Ok(HttpResponse::Ok().json(FeedbackView::of(line, now)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DossierFeedbackRequest {
    /// The dossier's code or submission reference.
    pub dossier_code: String,
    /// The receipt's PIN, when not signed in as the dossier's applicant.
    pub pin: Option<String>,
}

/// The applicant reads the feedback about their dossier and its answers: signed in as its owner, or
/// with the receipt's PIN (wrong PINs throttled as at the lookup).
#[utoipa::path(post, path = "/api/v1/feedback/of-dossier", tag = "public", request_body = DossierFeedbackRequest,
    responses((status = 200, body = [FeedbackView]), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn of_dossier(
    ctx: web::Data<AppContext>,
    client: ClientAddr,
    caller: Option<Unverified>,
    body: web::Json<DossierFeedbackRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let now = ctx.clock.now();
    let lines =
        feedback::of_dossier(&ctx.pool, &ctx.limits, caller.map(Who::from), client, b.dossier_code, b.pin, now).await?;
    Ok(HttpResponse::Ok().json(lines.into_iter().map(|l| FeedbackView::of(l, now)).collect::<Vec<_>>()))
}

/// Public: the answers published with their submitters' consent, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/feedback/published", tag = "public",
    responses((status = 200, body = [PublishedFeedbackView])))]
pub async fn published(ctx: web::Data<AppContext>) -> Result<HttpResponse, AppError> {
    let rows = feedback::published(&ctx.pool).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(PublishedFeedbackView::from).collect::<Vec<_>>()))
}
