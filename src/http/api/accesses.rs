//! "Who viewed my dossier" in the API (issue 17 item 2): the staff reads of a dossier's personal
//! data, for its owner (`GET /api/v1/dossiers/{code}/accesses`; also `accesses` in the lookup with
//! a valid proof) and the administrators.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::accesses::{self, OwnerAccesses};

/// One read of the dossier by staff.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AccessEntry {
    pub at: String,
    /// The reader's agency (null for an account without one).
    pub agency_code: Option<String>,
    /// Its name.
    pub agency: String,
    /// The reader's department, when they worked in one.
    pub department: Option<String>,
    /// clerk, specialist, leader or admin.
    pub role: String,
    /// The role in words: Cán bộ một cửa, Chuyên viên, Lãnh đạo, Quản trị.
    pub role_label: String,
    /// detail, page, form, file, export or search.
    pub kind: String,
    /// What was read, in words (with the form's number and title, or the file's name).
    pub what: String,
    /// The staff member's full name: only when the deployment's policy shows it
    /// (`privacy.show_staff_names_to_owner`), and always to administrators.
    pub staff_name: Option<String>,
}

/// The reads of a dossier, newest first, at most 100, with the total.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AccessesView {
    /// How many reads there are in all.
    pub total: i64,
    pub items: Vec<AccessEntry>,
}

impl From<OwnerAccesses> for AccessesView {
    fn from(a: OwnerAccesses) -> Self {
        let items = a
            .lines
            .into_iter()
            .map(|l| AccessEntry {
                at: rfc3339(l.at),
                agency_code: l.agency_code,
                agency: l.agency,
                department: l.department,
                role: l.role,
                role_label: l.role_label,
                kind: l.kind.as_str().to_string(),
                what: l.what,
                staff_name: l.staff_name,
            })
            .collect();
        Self { total: a.total, items }
    }
}

/// Who among staff read this dossier's personal data (detail, page, printable forms, files, the
/// tracking book, searches that returned it), newest first: for its applicant (own account) and
/// the administrators; anyone else 403 `out_of_scope`. The applicant's own reads are not listed.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/accesses", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path, description = "the code or the submission reference")),
    responses((status = 200, body = AccessesView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (code, show) = (code.into_inner(), ctx.privacy.show_staff_names_to_owner);
    let (_, shown) =
        crate::storage::run_as(&ctx.pool, caller, move |conn, caller| accesses::owner_view(conn, &caller, &code, show))
            .await?;
    Ok(HttpResponse::Ok().json(AccessesView::from(shown)))
}

/// The auditors' filters; all optional.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// A dossier's code or submission reference.
    pub dossier: Option<String>,
    /// The staff member's username.
    pub username: Option<String>,
    /// The reader's agency code.
    pub agency: Option<String>,
    /// From this day (YYYY-MM-DD, Vietnam time).
    pub from: Option<String>,
    /// To this day, inclusive.
    pub to: Option<String>,
    /// 1-based page of 50.
    pub page: Option<String>,
}

/// One read, as the auditors see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: String,
    /// Null until the dossier is received.
    pub dossier_code: Option<String>,
    pub dossier_reference: String,
    pub username: String,
    pub staff_name: String,
    pub agency_code: Option<String>,
    pub agency: Option<String>,
    /// The department's name (its key when it has none any more).
    pub department: Option<String>,
    pub role: String,
    /// detail, page, form, file, export or search.
    pub kind: String,
    /// The form's number and title, the file's name, the tracking book's year.
    pub detail: Option<String>,
}

/// A page of reads, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditList {
    /// How many reads match the filters.
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub items: Vec<AuditEntry>,
}

/// Administrators: every staff read of dossiers' personal data, newest first, 50 a page, filtered
/// by dossier, username, agency and dates (the page `/quan-tri/truy-cap`); `invalid_date`,
/// `invalid_date_range`, `invalid_query` (the page) 400; anyone else 403 `role_not_allowed`.
#[utoipa::path(get, path = "/api/v1/admin/accesses", tag = "administration", security(("bearer" = [])),
    params(AuditParams),
    responses((status = 200, body = AuditList), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn audit(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let q = accesses::AuditQuery {
        dossier: p.dossier,
        username: p.username,
        agency: p.agency,
        from: p.from,
        to: p.to,
        page: p.page,
    };
    let found =
        crate::storage::run_as(&ctx.pool, caller, move |conn, caller| accesses::audit(conn, &caller, &q)).await?;
    let items = found
        .lines
        .into_iter()
        .map(|l| AuditEntry {
            at: rfc3339(l.at),
            dossier_code: l.dossier_code,
            dossier_reference: l.dossier_reference,
            username: l.username,
            staff_name: l.full_name,
            agency_code: l.agency_code,
            agency: l.agency_name,
            department: l.department_name.or(l.department),
            role: l.role,
            kind: l.kind,
            detail: l.detail,
        })
        .collect();
    Ok(HttpResponse::Ok().json(AuditList {
        total: found.total,
        page: found.page,
        page_size: accesses::AUDIT_PAGE,
        items,
    }))
}
