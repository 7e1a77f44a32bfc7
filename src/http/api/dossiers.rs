use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::auth::extractor::Unverified;
use crate::auth::Caller;
use crate::error::{AppError, ErrorCode};
use crate::services::dossiers::{self, ActionInput, DossierRecord, IntakeInput};
use crate::services::inbox;

/// A UTC timestamp as RFC 3339 in Vietnam time (`+07:00`).
pub fn rfc3339(t: NaiveDateTime) -> String {
    crate::domain::calendar::to_vietnam(t.and_utc()).to_rfc3339()
}

fn opt(t: Option<NaiveDateTime>) -> Option<String> {
    t.map(rfc3339)
}

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
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// receive, request_supplement, submit_supplement, refuse, transfer, approve, finish,
    /// return_result, extend, withdraw, stop.
    pub action: String,
    pub note: Option<String>,
    /// request_supplement: everything missing, listed at once.
    pub missing: Option<Vec<String>>,
    /// refuse, stop, extend: the reasons.
    pub reason: Option<String>,
    /// extend: the new date promised to the applicant (YYYY-MM-DD).
    pub new_due_date: Option<String>,
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
    pub receiving_agency: AgencyRef,
    pub current_agency: AgencyRef,
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
            status_label: row.status.label_vi().to_string(),
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
            current_agency: name(row.current_agency.as_str()),
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
        }
    }
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
    let record = dossiers::intake_with(&ctx.pool, &ctx.links, ctx.policy, caller, input, ctx.clock.now()).await?;
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
    };
    let record = dossiers::act(&ctx.pool, &ctx.links, caller, code.into_inner(), input, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(DossierView::from(record)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxEntry {
    /// Null until a clerk receives the dossier.
    pub code: Option<String>,
    pub reference: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The applicant's name, as given at intake.
    pub applicant_name: String,
    /// direct, online or postal.
    pub channel: String,
    pub status: String,
    pub status_code: i32,
    pub received_at: Option<String>,
    pub due_at: Option<String>,
    pub step_due_at: Option<String>,
    pub current_agency: String,
}

/// A page of the inbox.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxList {
    pub items: Vec<InboxEntry>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// The page size used.
    pub limit: i64,
}

/// The inbox's query parameters; all optional.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Search: dossier code, submission reference, applicant's name (with or without diacritics),
    /// phone or identity number. Never logged.
    pub q: Option<String>,
    /// overdue, today, soon, new, in_time or waiting.
    pub urgency: Option<String>,
    /// A status name, e.g. processing, awaiting_supplement.
    pub status: Option<String>,
    /// direct, online or postal.
    pub channel: Option<String>,
    /// A procedure code, e.g. 1.001234.
    pub procedure: Option<String>,
    /// Received on or after this day (YYYY-MM-DD).
    pub received_from: Option<String>,
    /// Received on or before this day (YYYY-MM-DD).
    pub received_to: Option<String>,
}

/// Staff: the open dossiers at your agency, nearest deadline first. Citizens: your dossiers, newest
/// first. A page at a time (`next_cursor`); bad parameters answer 400 `invalid_limit`,
/// `invalid_cursor`, `invalid_search`, `invalid_urgency`, `invalid_status_filter`,
/// `invalid_channel_filter`, `invalid_procedure_code`, `invalid_date` or `invalid_date_range`.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", security(("bearer" = [])), params(InboxParams),
    responses((status = 200, body = InboxList), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody)))]
pub async fn inbox(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<InboxParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let query = inbox::InboxQuery {
        limit: p.limit,
        cursor: p.cursor,
        q: p.q,
        urgency: p.urgency,
        status: p.status,
        channel: p.channel,
        procedure: p.procedure,
        received_from: p.received_from,
        received_to: p.received_to,
    };
    let now = ctx.clock.now();
    let page = crate::storage::run_as(&ctx.pool, caller, move |conn, caller| {
        inbox::read(conn, &caller, inbox::View::Api, &query, now)
    })
    .await?;
    let items = page
        .items
        .into_iter()
        .map(|(r, _)| InboxEntry {
            due_at: opt(r.promised_due_at()),
            code: r.code,
            reference: r.reference,
            procedure_code: r.procedure_code,
            procedure_name: r.procedure_name,
            applicant_name: r.applicant_name,
            channel: r.channel.as_str().to_string(),
            status: r.status.as_str().to_string(),
            status_code: r.status.national_code(),
            received_at: opt(r.received_at),
            step_due_at: opt(r.step_due_at),
            current_agency: r.current_agency.to_string(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(InboxList { items, next_cursor: page.next_cursor, limit: page.limit }))
}

/// The bytes of a file: the body of an upload, or of a download.
pub struct FileContent;

impl utoipa::PartialSchema for FileContent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileContent {}

/// Attach a file (PDF, JPEG or PNG, at most 10 MiB): the body is the file, `Content-Type` its type.
#[utoipa::path(put, path = "/api/v1/dossiers/{code}/files/{file_name}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path), ("file_name" = String, Path)),
    request_body(content((inline(FileContent) = "application/pdf"), (inline(FileContent) = "image/jpeg"),
                         (inline(FileContent) = "image/png"))),
    responses((status = 201, body = FileView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)))]
pub async fn upload(
    ctx: web::Data<AppContext>,
    caller: Caller,
    req: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
    mut payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    use futures_util::StreamExt;
    let (code, file_name) = path.into_inner();
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let limit = crate::domain::attachment::MAX_FILE_BYTES;
    let mut content = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::new(ErrorCode::UploadInterrupted, format!("the upload broke off: {e}")))?;
        if content.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge("the file is larger than 10 MiB".into()));
        }
        content.extend_from_slice(&chunk);
    }
    let upload = dossiers::Upload { file_name, content_type, content };
    let f = dossiers::attach(&ctx.pool, caller, code, upload, ctx.clock.now()).await?;
    Ok(HttpResponse::Created().json(FileView {
        id: f.id,
        file_name: f.file_name,
        content_type: f.content_type,
        size_bytes: f.size_bytes,
        sha256: f.sha256,
        uploaded_at: rfc3339(f.uploaded_at),
    }))
}

/// Download an attached file.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/files/{id}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "The file, with the type it was uploaded as",
               content((inline(FileContent) = "application/pdf"), (inline(FileContent) = "image/jpeg"),
                       (inline(FileContent) = "image/png"))),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn download(
    ctx: web::Data<AppContext>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    let f = dossiers::download(&ctx.pool, caller, code, id).await?;
    let ascii_name: String =
        f.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    Ok(HttpResponse::Ok()
        .content_type(f.content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{ascii_name}\"")))
        .insert_header(("X-Content-SHA256", f.sha256))
        .body(f.content))
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
    caller: Option<Caller>,
    code: web::Path<String>,
    body: web::Json<RatingRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let (code, now) = (code.into_inner(), ctx.clock.now());
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
