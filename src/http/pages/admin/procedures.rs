//! `/quan-tri/thu-tuc`: current procedures and new versions of one (online level, time limit, fee, step shares).
use crate::http::context::AppContext;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::error::{AppError, ErrorCode};
use crate::http::pages::{
    fmt, form_pairs, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError,
    PageSession,
};
use crate::services::{catalogue, templates};

/// One current procedure in the administrators' list.
struct ProcedureLine {
    code: String,
    name: String,
    version: i32,
    online: &'static str,
    limit: String,
    fee: String,
}

#[derive(Template)]
#[template(path = "admin_procedures.html")]
struct ProceduresPage {
    layout: Layout,
    q: String,
    rows: Vec<ProcedureLine>,
}

#[derive(Deserialize)]
pub struct ProceduresQuery {
    q: Option<String>,
}

/// GET /quan-tri/thu-tuc?q=: current procedures, each linking to its change form.
pub async fn procedures_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<ProceduresQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let q = query.into_inner().q.unwrap_or_default().trim().to_string();
    let query = catalogue::ProcedureQuery {
        q: Some(q.clone()).filter(|q| !q.is_empty()),
        synonyms: ctx.synonyms.clone(),
        ..Default::default()
    };
    let list = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            catalogue::list_procedures_on(conn, query)
        })
        .await
        .in_layout(&layout)?;
    let rows = list
        .into_iter()
        .map(|e| {
            let p = e.record.procedure;
            ProcedureLine {
                online: crate::http::pages::portal::online_label(p.online_level),
                limit: format!("{} {}", p.time_limit_value, crate::http::pages::portal::unit_label(&p.time_limit_unit)),
                fee: fmt::vnd(p.fee_vnd),
                version: p.version,
                name: p.name,
                code: p.code,
            }
        })
        .collect();
    Ok(render(StatusCode::OK, &ProceduresPage { layout, q, rows }))
}

/// The change form's values, kept when it is shown again with an error.
#[derive(Debug, Default, Clone)]
struct ProcedureForm {
    online_level: String,
    time_limit_value: String,
    time_limit_unit: String,
    fee_vnd: String,
    fee_description: String,
    shares: Vec<String>,
    /// A nationwide centralised service (TT 04/2025 Điều 23 codes).
    nationwide_centralised: bool,
}

struct StepLine {
    position: i32,
    name: String,
    share: String,
}

#[derive(Template)]
#[template(path = "admin_procedure.html")]
struct ProcedurePage {
    layout: Layout,
    code: String,
    name: String,
    version: i32,
    versions: String,
    form: ProcedureForm,
    steps: Vec<StepLine>,
    levels: Vec<(&'static str, &'static str)>,
    units: Vec<(&'static str, &'static str)>,
    templates: Vec<crate::http::pages::portal::TemplateLine>,
    /// The template form's values, kept when it is shown again with an error.
    template_form: TemplateForm,
    notice: Option<String>,
    error: Option<String>,
    error_field: &'static str,
}

/// What the administrator typed in the template form.
#[derive(Debug, Default, Clone)]
struct TemplateForm {
    title: String,
    form_code: String,
}

fn procedure_field(e: &AppError) -> &'static str {
    match e.code() {
        ErrorCode::InvalidOnlineLevel => "online_level",
        ErrorCode::InvalidTimeLimit => "time_limit_value",
        ErrorCode::InvalidTimeUnit => "time_limit_unit",
        ErrorCode::InvalidFee => "fee_vnd",
        ErrorCode::InvalidStepShares | ErrorCode::RouteSharesMismatch => "shares",
        ErrorCode::InvalidTemplateTitle => "template_title",
        ErrorCode::UnsupportedTemplateType
        | ErrorCode::InvalidFileName
        | ErrorCode::ContentTypeMismatch
        | ErrorCode::ContentMismatch
        | ErrorCode::EmptyFile
        | ErrorCode::FileTooLarge
        | ErrorCode::TooManyTemplates
        | ErrorCode::InvalidForm => "template_file",
        _ => "",
    }
}

/// A procedure's current version and every version number, as the page reads them.
type Versions = (catalogue::ProcedureEntry, Vec<i32>);

/// What a page shows again after a refused change: the form as typed, and why.
#[derive(Default)]
struct Kept {
    procedure: Option<ProcedureForm>,
    template: TemplateForm,
}

fn show_procedure(
    layout: Layout,
    (entry, versions): Versions,
    kept: Kept,
    notice: Option<String>,
    error: Option<AppError>,
) -> HttpResponse {
    let p = &entry.record.procedure;
    let form = kept.procedure.unwrap_or_else(|| ProcedureForm {
        online_level: p.online_level.to_string(),
        time_limit_value: p.time_limit_value.to_string(),
        time_limit_unit: p.time_limit_unit.clone(),
        fee_vnd: p.fee_vnd.to_string(),
        fee_description: p.fee_description.clone(),
        shares: entry.record.steps.iter().map(|s| s.time_share.to_string()).collect(),
        nationwide_centralised: p.nationwide_centralised,
    });
    let steps = entry
        .record
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepLine {
            position: s.position,
            name: s.name.clone(),
            share: form.shares.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let status = status_of(error.as_ref());
    let page = ProcedurePage {
        layout,
        code: p.code.clone(),
        name: p.name.clone(),
        version: p.version,
        versions: versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
        steps,
        levels: vec![
            ("1", "Mức độ 1"),
            ("2", "Mức độ 2"),
            ("3", "Mức độ 3 — một phần"),
            ("4", "Mức độ 4 — toàn trình"),
        ],
        units: vec![("working_days", "ngày làm việc"), ("days", "ngày"), ("hours", "giờ làm việc")],
        form,
        templates: entry.templates.iter().map(crate::http::pages::portal::TemplateLine::new).collect(),
        template_form: kept.template,
        notice,
        error_field: error.as_ref().map(procedure_field).unwrap_or(""),
        error: error.as_ref().map(messages::vi),
    };
    render(status, &page)
}

#[derive(Deserialize)]
pub struct ProcedureQuery {
    da_luu: Option<String>,
    /// After a template was attached (`them`) or removed (`go`).
    mau: Option<String>,
}

/// GET /quan-tri/thu-tuc/{code}: the current version and the form to change it.
pub async fn procedure_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    query: web::Query<ProcedureQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let query = query.into_inner();
    let notice = match (query.da_luu, query.mau.as_deref()) {
        (Some(v), _) => Some(format!(
            "Đã tạo phiên bản {v}. Hồ sơ tiếp nhận từ nay theo phiên bản này; hồ sơ đã tiếp nhận giữ phiên bản cũ."
        )),
        (None, Some("them")) => {
            Some("Đã thêm mẫu vào phiên bản đang áp dụng; trang thủ tục công khai đã có mẫu để tải về.".into())
        }
        (None, Some("go")) => {
            Some("Đã gỡ mẫu khỏi phiên bản đang áp dụng; các phiên bản trước vẫn giữ mẫu của mình.".into())
        }
        _ => None,
    };
    let code = code.into_inner();
    let versions = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            catalogue::get_procedure_on(conn, &code, None)
        })
        .await
        .in_layout(&layout)?;
    Ok(show_procedure(layout, versions, Kept::default(), notice, None))
}

/// POST /quan-tri/thu-tuc/{code}: creates a new version with the values of the form.
pub async fn revise_procedure(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (code, now) = (code.into_inner(), ctx.clock.now());
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let form = ProcedureForm {
        online_level: get("online_level"),
        time_limit_value: get("time_limit_value"),
        time_limit_unit: get("time_limit_unit"),
        fee_vnd: get("fee_vnd"),
        fee_description: get("fee_description"),
        shares: pairs.iter().filter(|(n, _)| n == "share").map(|(_, v)| v.trim().to_string()).collect(),
        nationwide_centralised: !get("nationwide_centralised").is_empty(),
    };
    // A number that does not parse is the same error as one out of range.
    let number = |s: &str, code: ErrorCode, msg: &str| -> Result<i64, AppError> {
        s.replace(['.', ' '], "").parse::<i64>().map_err(|_| AppError::new(code, msg.to_string()))
    };
    let change = (|| -> Result<catalogue::ProcedureChange, AppError> {
        Ok(catalogue::ProcedureChange {
            online_level: Some(number(&form.online_level, ErrorCode::InvalidOnlineLevel, "1–4")?),
            time_limit_value: Some(number(&form.time_limit_value, ErrorCode::InvalidTimeLimit, "1–3650")?),
            time_limit_unit: Some(form.time_limit_unit.clone()),
            fee_vnd: Some(number(&form.fee_vnd, ErrorCode::InvalidFee, "đồng")?),
            fee_description: Some(form.fee_description.clone()),
            step_shares: Some(
                form.shares
                    .iter()
                    .map(|s| number(s, ErrorCode::InvalidStepShares, "≥ 0"))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            nationwide_centralised: Some(form.nationwide_centralised),
        })
    })();
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match change.and_then(|c| catalogue::revise_procedure_on(conn, &caller, &code, c, now)) {
                Ok(v) => Ok(v),
                Err(e) => Err((catalogue::get_procedure_on(conn, &code, None)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(v) => Ok(see_other(&format!(
            "/quan-tri/thu-tuc/{}?da_luu={}",
            percent_encode(&v.record.procedure.code),
            v.record.procedure.version
        ))),
        Err((versions, e)) => {
            Ok(show_procedure(layout, versions, Kept { procedure: Some(form), ..Kept::default() }, None, Some(e)))
        }
    }
}

/// The page of a procedure after a template change: back to it with a notice, or the page again
/// with the form as typed and why it was refused (nothing stored).
async fn after_template_change(
    ctx: &AppContext,
    layout: Layout,
    session: PageSession,
    code: String,
    template: TemplateForm,
    change: impl FnOnce(&mut crate::storage::AnyConnection, &crate::auth::Caller) -> Result<(), AppError> + Send + 'static,
    done: &str,
) -> Result<HttpResponse, PageError> {
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match change(conn, &caller) {
                Ok(()) => Ok(code),
                Err(e) => Err((catalogue::get_procedure_on(conn, &code, None)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(code) => Ok(see_other(&format!("/quan-tri/thu-tuc/{}?mau={done}#mau-don", percent_encode(&code)))),
        Err((versions, e)) => Ok(show_procedure(layout, versions, Kept { template, ..Kept::default() }, None, Some(e))),
    }
}

/// POST /quan-tri/thu-tuc/{code}/mau (multipart: `title`, `form_code`, one file): attaches a
/// template to the current version.
pub async fn attach_template(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (code, now) = (code.into_inner(), ctx.clock.now());
    // Only an administrator's upload is read; anyone else is refused below without it.
    let read = if admin_only(session.claimed()).is_ok() {
        crate::http::pages::multipart::read_form(payload).await
    } else {
        Ok((vec![], vec![]))
    };
    let (read, pairs, mut files) = match read {
        Ok((pairs, files)) => (Ok(()), pairs, files),
        Err(e) => (Err(e), vec![], vec![]),
    };
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let kept = TemplateForm { title: get("title"), form_code: get("form_code") };
    let target = code.clone();
    let upload = read.and_then(|()| match files.len() {
        0 => Err(AppError::new(ErrorCode::EmptyFile, "choose the template's file")),
        1 => {
            let f = files.remove(0);
            Ok(templates::TemplateUpload {
                title: kept.title.clone(),
                form_code: Some(kept.form_code.clone()),
                file_name: f.file_name,
                content_type: f.content_type,
                content: f.content,
            })
        }
        _ => Err(AppError::new(ErrorCode::InvalidForm, "attach one template at a time")),
    });
    let change = move |conn: &mut crate::storage::AnyConnection, caller: &crate::auth::Caller| {
        templates::attach_on(conn, caller, &target, upload?, now).map(|_| ())
    };
    after_template_change(&ctx, layout, session, code, kept, change, "them").await
}

/// POST /quan-tri/thu-tuc/{code}/mau/{id}/xoa: removes a template from the current version.
pub async fn remove_template(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (code, id) = path.into_inner();
    let target = code.clone();
    let change = move |conn: &mut crate::storage::AnyConnection, caller: &crate::auth::Caller| {
        templates::remove_on(conn, caller, &target, &id)
    };
    after_template_change(&ctx, layout, session, code, TemplateForm::default(), change, "go").await
}
