//! `/quan-tri/thong-bao`: notices that could not be delivered, and sending one again.
use crate::http::context::AppContext;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::error::AppError;
use crate::http::pages::{
    fmt, messages, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::services::notifications;
use crate::storage::outbox::NotificationRow;

/// Vietnamese name of a notice kind.
fn notice_kind_label(kind: &str) -> &'static str {
    match kind {
        "received" => "Đã tiếp nhận hồ sơ",
        "supplement_requested" => "Yêu cầu bổ sung hồ sơ",
        "refused" => "Từ chối",
        "delayed" => "Xin lỗi, hẹn lại ngày trả",
        "result_ready" => "Có kết quả",
        crate::services::feedback::ANSWER_NOTICE_KIND => "Trả lời phản ánh, kiến nghị",
        _ => "Thông báo khác",
    }
}

fn notice_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Chờ gửi",
        "sending" => "Đang gửi",
        "sent" => "Đã gửi",
        "failed" => "Gửi không thành công",
        _ => "",
    }
}

/// One notice as the page shows it (recipient masked).
struct NoticeView {
    id: String,
    kind: &'static str,
    channel: &'static str,
    recipient: String,
    attempts: i32,
    last_error: String,
    created: String,
    next_attempt: String,
    sent: String,
    failed: bool,
}

#[derive(Template)]
#[template(path = "admin_notices.html")]
struct NoticesPage {
    layout: Layout,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<NoticeView>,
    done: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NoticesQuery {
    trang_thai: Option<String>,
    da_gui_lai: Option<String>,
}

fn notices_page(
    layout: Layout,
    status: String,
    rows: Vec<NotificationRow>,
    done: bool,
    error: Option<AppError>,
) -> HttpResponse {
    let rows = rows
        .into_iter()
        .map(|n| NoticeView {
            recipient: notifications::mask(&n.recipient),
            kind: notice_kind_label(&n.kind),
            channel: if n.channel == "email" { "Thư điện tử" } else { "Tin nhắn SMS" },
            attempts: n.attempts,
            last_error: n.last_error.unwrap_or_default(),
            created: fmt::time(n.created_at),
            next_attempt: fmt::time(n.next_attempt_at),
            sent: fmt::opt_time(n.sent_at),
            failed: n.status == "failed",
            id: n.id,
        })
        .collect();
    let statuses = ["failed", "pending", "sending", "sent"].into_iter().map(|s| (s, notice_status_label(s))).collect();
    let status_code = status_of(error.as_ref());
    let page = NoticesPage { layout, status, statuses, rows, done, error: error.as_ref().map(messages::vi) };
    render(status_code, &page)
}

/// GET /quan-tri/thong-bao?trang_thai=failed|pending|sending|sent: notices by status (failed by default).
pub async fn notices(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<NoticesQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let q = query.into_inner();
    let status = q.trang_thai.filter(|s| !s.is_empty()).unwrap_or_else(|| "failed".into());
    let shown = status.clone();
    let rows = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            notifications::list_on(conn, &caller, &shown)
        })
        .await
        .in_layout(&layout)?;
    Ok(notices_page(layout, status, rows, q.da_gui_lai.is_some(), None))
}

/// POST /quan-tri/thong-bao/{id}/gui-lai: puts a failed notice back in the queue.
pub async fn requeue_notice(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (id, at) = (id.into_inner(), ctx.clock.now());
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match notifications::requeue_on(conn, &caller, &id, at) {
                Ok(()) => Ok(()),
                Err(e) => Err((notifications::list_on(conn, &caller, "failed")?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(()) => Ok(see_other("/quan-tri/thong-bao?trang_thai=failed&da_gui_lai=1")),
        Err((rows, e)) => Ok(notices_page(layout, "failed".into(), rows, false, Some(e))),
    }
}
