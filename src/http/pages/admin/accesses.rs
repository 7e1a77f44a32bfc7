//! `/quan-tri/truy-cap`: the auditors' list of staff reads of dossiers' personal data (issue 17
//! item 2), newest first, filtered by dossier, username, agency and dates, 50 a page. The staff
//! member's name is always shown here (the privacy policy is about what the owner sees).
use crate::http::context::AppContext;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::domain::access::AccessKind;
use crate::domain::Role;
use crate::error::AppError;
use crate::http::pages::{fmt, messages, percent_encode, render, InLayout, Layout, PageError, PageSession};
use crate::services::accesses::{self, AuditPage, AuditQuery, AUDIT_PAGE};

/// One read as the page shows it.
struct AccessView {
    at: String,
    dossier: String,
    username: String,
    full_name: String,
    agency: String,
    department: String,
    role: String,
    what: String,
}

#[derive(Template)]
#[template(path = "admin_accesses.html")]
struct AccessesPage {
    layout: Layout,
    q: Filters,
    rows: Vec<AccessView>,
    total: i64,
    page: i64,
    /// The address of the previous / next page, when there is one.
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

/// The filters as typed (kept in the form).
#[derive(Deserialize, Default, Clone)]
pub struct Filters {
    #[serde(default)]
    ho_so: String,
    #[serde(default)]
    tai_khoan: String,
    #[serde(default)]
    co_quan: String,
    #[serde(default)]
    tu_ngay: String,
    #[serde(default)]
    den_ngay: String,
    #[serde(default)]
    trang: String,
}

impl Filters {
    fn query(&self) -> AuditQuery {
        let v = |s: &str| Some(s.to_string());
        AuditQuery {
            dossier: v(&self.ho_so),
            username: v(&self.tai_khoan),
            agency: v(&self.co_quan),
            from: v(&self.tu_ngay),
            to: v(&self.den_ngay),
            page: v(&self.trang),
        }
    }

    /// The address of page `n` with these filters.
    fn page_href(&self, n: i64) -> String {
        let pairs = [
            ("ho_so", &self.ho_so),
            ("tai_khoan", &self.tai_khoan),
            ("co_quan", &self.co_quan),
            ("tu_ngay", &self.tu_ngay),
            ("den_ngay", &self.den_ngay),
        ];
        let mut href = format!("/quan-tri/truy-cap?trang={n}");
        for (k, v) in pairs.iter().filter(|(_, v)| !v.trim().is_empty()) {
            href.push_str(&format!("&{k}={}", percent_encode(v.trim())));
        }
        href
    }
}

fn view(l: crate::storage::accesses::AccessLine) -> AccessView {
    let kind = AccessKind::parse(&l.kind).map(AccessKind::label_vi).unwrap_or("");
    AccessView {
        at: fmt::time(l.at),
        dossier: l.dossier_code.unwrap_or(l.dossier_reference),
        username: l.username,
        full_name: l.full_name,
        agency: match (l.agency_name, l.agency_code) {
            (Some(n), Some(c)) => format!("{n} ({c})"),
            (None, Some(c)) => c,
            _ => String::new(),
        },
        department: l.department_name.or(l.department).unwrap_or_default(),
        role: l.role.parse::<Role>().map(|r| r.label_vi().to_string()).unwrap_or(l.role),
        what: match l.detail {
            Some(d) => format!("{kind}: {d}"),
            None => kind.to_string(),
        },
    }
}

fn page(layout: Layout, q: Filters, found: AuditPage, error: Option<AppError>) -> HttpResponse {
    let previous = (found.page > 1).then(|| q.page_href(found.page - 1));
    let next = (found.page * AUDIT_PAGE < found.total).then(|| q.page_href(found.page + 1));
    let p = AccessesPage {
        layout,
        rows: found.lines.into_iter().map(view).collect(),
        total: found.total,
        page: found.page,
        previous,
        next,
        error: error.as_ref().map(messages::vi),
        q,
    };
    render(status_of(error.as_ref()), &p)
}

/// GET /quan-tri/truy-cap?ho_so=&tai_khoan=&co_quan=&tu_ngay=&den_ngay=&trang=: who read which
/// dossier, newest first (administrators only).
pub async fn accesses_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<Filters>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let q = query.into_inner();
    let asked = q.query();
    let found = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(accesses::audit(conn, &caller, &asked))
        })
        .await
        .in_layout(&layout)?;
    Ok(match found {
        Ok(found) => page(layout, q, found, None),
        Err(e) => page(layout, q, AuditPage { page: 1, ..AuditPage::default() }, Some(e)),
    })
}
