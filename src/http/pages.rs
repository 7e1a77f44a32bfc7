//! Public pages (server-rendered HTML). For now the lookup page the receipt's QR code opens.
use actix_web::{web, HttpResponse};

use crate::clock::Clock;
use crate::error::AppError;
use crate::forms::{escape_html, vn_date, vn_time};
use crate::services::lookup::{self, Proof};
use crate::storage::Pool;

/// GET /tra-cuu/{code}: the public lookup as a page (status, dates, where it is, timeline; no personal data).
pub async fn lookup_page(
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = lookup::lookup(&pool, code.into_inner(), Proof::default(), clock.now()).await?;
    let row = &r.row;
    let status = crate::domain::dossier::Status::parse(&row.status).map(|s| s.label_vi()).unwrap_or_default();
    let timeline: String = r
        .history
        .iter()
        .map(|(e, agency)| {
            let label = crate::domain::dossier::Status::parse(&e.status).map(|s| s.label_vi()).unwrap_or_default();
            format!("<li><time>{}</time> — {} — {}</li>", vn_time(e.at), escape_html(agency), escape_html(label))
        })
        .collect();
    let body = format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Tra cứu hồ sơ {code}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;line-height:1.5}}
dt{{font-weight:600}}ol{{padding-left:1.2rem}}</style></head>
<body><main><h1>Tra cứu hồ sơ</h1>
<dl><dt>Mã hồ sơ</dt><dd>{code}</dd><dt>Thủ tục</dt><dd>{procedure}</dd>
<dt>Tình trạng</dt><dd><strong>{status}</strong></dd><dt>Ngày tiếp nhận</dt><dd>{received}</dd>
<dt>Ngày hẹn trả kết quả</dt><dd>{due}</dd><dt>Cơ quan đang xử lý</dt><dd>{agency}</dd></dl>
<h2>Quá trình xử lý</h2><ol>{timeline}</ol></main></body></html>"#,
        code = escape_html(&row.code),
        procedure = escape_html(&r.procedure_name),
        status = escape_html(status),
        received = row.received_at.map(vn_time).unwrap_or_else(|| "Chưa tiếp nhận".into()),
        due = row.extended_due_at.or(row.due_at).map(vn_date).unwrap_or_default(),
        agency = escape_html(&r.current_agency_name),
    );
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body))
}
