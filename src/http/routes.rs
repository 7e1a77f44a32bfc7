//! The route table: every address the application answers, the JSON API (`/api/v1/…`) beside the
//! page that does the same for a person in a browser, grouped by use. The handler modules
//! (`http::api`, `http::pages`) only define handlers; this file says where they answer.
//!
//! Each `.route` is a resource of its own with its method as a guard: a request whose path matches
//! but whose method does not falls through to the next entry and, past the last, to
//! [`api::not_found`] (404 `route_not_found`, or the Vietnamese "no such page" for a browser
//! outside `/api/`). No two entries accept the same method on the same path, so the order within
//! the table does not decide which handler answers; where two patterns have the same shape
//! (`…/files/{name}` PUT, `…/files/{id}` GET) the older order is kept, since the request span
//! names the first pattern that matches the path ([`crate::telemetry::PrivacyRootSpan`]).
//!
//! The extractors' answers to bad input are set here too, for every route: a JSON body, a query
//! string or a path that cannot be read is a 400 with a stable code in the API's error shape, and a
//! form that cannot be read is a page with the message.
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::web::{self, delete, get, post, put};

use crate::error::{AppError, ErrorCode};
use crate::http::api::{
    self, accesses, admin, admin_agencies, agencies, alerts, anomalies, auth, departments, dossiers, forms, health,
    lookup, notifications, openapi, procedures, reorganisations, stats, templates,
};
use crate::http::boundary::serde_problem;
use crate::http::pages::{self, citizen, dashboard, portal, session, staff, PageError, DASHBOARD_PATH};
use pages::admin::{self as admin_pages, ADMIN_PATH};

/// Registers the whole table, the extractors' error answers and the answer to unknown addresses.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(json_config()).app_data(query_config()).app_data(path_config()).app_data(form_config());
    cfg
        // ---- The service itself: health, the API's description, the stylesheet.
        .route("/health", get().to(health::health))
        .route("/api/v1/openapi.json", get().to(openapi::document))
        .route("/static/app.css", get().to(pages::stylesheet))
        // ---- Accounts: sign in, register, who am I.
        .route("/api/v1/auth/login", post().to(auth::login))
        .route("/dang-nhap", get().to(session::sign_in_form))
        .route("/dang-nhap", post().to(session::sign_in))
        .route("/api/v1/auth/register", post().to(auth::register))
        .route("/dang-ky", get().to(session::sign_up_form))
        .route("/dang-ky", post().to(session::sign_up))
        .route("/dang-xuat", post().to(session::sign_out))
        .route("/api/v1/auth/me", get().to(auth::me))
        // ---- The public catalogue: agencies and procedures.
        .route("/", get().to(portal::home))
        .route("/api/v1/agencies", get().to(agencies::list))
        .route("/api/v1/agencies/{code}", get().to(agencies::get))
        .route("/api/v1/agencies/{code}/lineage", get().to(agencies::lineage))
        .route("/api/v1/agencies/{code}/departments", get().to(departments::list))
        .route("/api/v1/procedures", get().to(procedures::list))
        .route("/thu-tuc", get().to(portal::catalogue))
        .route("/api/v1/procedures/{code}", get().to(procedures::get))
        .route("/thu-tuc/{code}", get().to(portal::procedure))
        .route("/api/v1/procedures/{code}/templates/{id}", get().to(templates::download))
        .route("/thu-tuc/{code}/mau/{id}", get().to(portal::template))
        // ---- Public lookup of a dossier by its code (details with a proof of ownership).
        .route("/api/v1/lookup/{code}", get().to(lookup::lookup))
        .route("/tra-cuu", get().to(portal::lookup_form))
        .route("/tra-cuu/{code}", get().to(portal::lookup_page))
        .route("/tra-cuu/{code}", post().to(portal::lookup_with_proof))
        // ---- Submission online by a citizen, intake at the desk by a clerk.
        .route("/api/v1/dossiers", post().to(dossiers::create))
        .route("/api/v1/portal/dossiers", post().to(api::national_portal::deliver))
        .route("/api/v1/admin/portal", get().to(api::national_portal::overview))
        .route("/api/v1/admin/portal/reconciliation", get().to(api::national_portal::reconciliation))
        .route("/api/v1/admin/portal/resend", post().to(api::national_portal::resend))
        .route("/thu-tuc/{code}/nop", get().to(citizen::submit_form))
        .route("/thu-tuc/{code}/nop", post().to(citizen::submit))
        .route("/can-bo/tiep-nhan", get().to(staff::intake_form))
        .route("/can-bo/tiep-nhan", post().to(staff::intake))
        // ---- Lists of dossiers: the staff inbox, the citizen's own.
        .route("/api/v1/dossiers", get().to(dossiers::inbox))
        .route("/can-bo", get().to(staff::inbox))
        .route("/ho-so-cua-toi", get().to(citizen::my_dossiers))
        // ---- One dossier: read, act on, files, rating, consultations, printable forms.
        .route("/api/v1/dossiers/{code}", get().to(dossiers::get))
        .route("/can-bo/ho-so/{code}", get().to(staff::dossier))
        .route("/ho-so-cua-toi/{code}", get().to(citizen::my_dossier))
        .route("/api/v1/dossiers/{code}/actions", post().to(dossiers::act))
        .route("/can-bo/ho-so/{code}/xu-ly", post().to(staff::act))
        .route("/ho-so-cua-toi/{code}/xu-ly", post().to(citizen::act))
        .route("/ho-so-cua-toi/{code}/rut-ho-so", get().to(citizen::confirm_withdraw))
        .route("/api/v1/dossiers/{code}/files/{name}", put().to(dossiers::upload))
        .route("/api/v1/dossiers/{code}/files/{id}", get().to(dossiers::download))
        .route("/ho-so-cua-toi/{code}/tep", post().to(citizen::attach))
        .route("/api/v1/dossiers/{code}/rating", post().to(dossiers::rate))
        .route("/ho-so-cua-toi/{code}/danh-gia", post().to(citizen::rate))
        .route("/api/v1/dossiers/{code}/consultations", post().to(dossiers::consult))
        .route("/api/v1/dossiers/{code}/consultations/{n}/answer", post().to(dossiers::answer))
        .route("/api/v1/dossiers/{code}/forms/{form}", get().to(forms::form))
        .route("/api/v1/dossiers/{code}/accesses", get().to(accesses::list))
        .route("/api/v1/agencies/{code}/tracking-book", get().to(forms::tracking_book))
        // ---- Statistics and indicators: Biểu II.06a, the plans' indicators, the leader dashboard.
        .route("/api/v1/stats/report", get().to(stats::report))
        .route("/api/v1/stats/kpis", get().to(stats::kpis))
        .route("/api/v1/stats/intake-waiting", get().to(stats::intake_waiting))
        .route("/api/v1/stats/evaluation", get().to(stats::evaluation))
        .route("/api/v1/stats/index766", get().to(stats::index766))
        .route(DASHBOARD_PATH, get().to(dashboard::dashboard))
        .route(dashboard::anomalies::PATH, get().to(dashboard::anomalies::page))
        // ---- Oversight: early warnings and escalations (issue 16 item 2).
        .route("/api/v1/oversight/alerts", get().to(api::oversight_alerts::list))
        .route("/can-bo/canh-bao", get().to(staff::alerts))
        .route("/api/v1/stats/off-system", put().to(stats::off_system))
        .route("/api/v1/oversight/anomalies", get().to(anomalies::anomalies))
        // ---- Feedback and complaints (phản ánh, kiến nghị; issue 17 item 6).
        .route("/api/v1/feedback", post().to(api::feedback::submit))
        .route("/api/v1/feedback", get().to(api::feedback::list))
        .route("/api/v1/feedback/published", get().to(api::feedback::published))
        .route("/api/v1/feedback/of-dossier", post().to(api::feedback::of_dossier))
        .route("/api/v1/feedback/{id}/answer", post().to(api::feedback::answer))
        .route("/phan-anh-kien-nghi", get().to(pages::feedback::public_list))
        .route("/phan-anh-kien-nghi/gui", get().to(pages::feedback::form))
        .route("/phan-anh-kien-nghi/gui", post().to(pages::feedback::send))
        .route("/phan-anh-kien-nghi/cua-toi", get().to(pages::feedback::mine))
        .route("/phan-anh-kien-nghi/ho-so", get().to(pages::feedback::of_dossier_form))
        .route("/phan-anh-kien-nghi/ho-so", post().to(pages::feedback::of_dossier))
        .route(pages::feedback::STAFF_PATH, get().to(pages::feedback::staff_list))
        .route("/can-bo/phan-anh-kien-nghi/{id}/tra-loi", post().to(pages::feedback::staff_answer))
        // ---- Administration (role `admin`): notices, accounts, calendar, plans, procedures.
        .route(ADMIN_PATH, get().to(admin_pages::home))
        .route("/api/v1/admin/throttle-alerts", get().to(alerts::throttle_alerts))
        .route("/api/v1/admin/notifications", get().to(notifications::list))
        .route("/quan-tri/thong-bao", get().to(admin_pages::notices::notices))
        .route("/quan-tri/cong-dvc", get().to(admin_pages::portal::portal))
        .route("/quan-tri/canh-bao", get().to(admin_pages::alerts::rules))
        .route("/api/v1/admin/accesses", get().to(accesses::audit))
        .route("/quan-tri/truy-cap", get().to(admin_pages::accesses::accesses_page))
        .route("/quan-tri/cong-dvc/gui-lai", post().to(admin_pages::portal::resend))
        .route("/api/v1/admin/notifications/{id}/requeue", post().to(notifications::requeue))
        .route("/quan-tri/thong-bao/{id}/gui-lai", post().to(admin_pages::notices::requeue_notice))
        .route("/api/v1/admin/users", get().to(admin::list_users))
        .route("/quan-tri/nguoi-dung", get().to(admin_pages::users::users_page))
        .route("/api/v1/admin/users", post().to(admin::create_user))
        .route("/quan-tri/nguoi-dung", post().to(admin_pages::users::create_user))
        .route("/api/v1/admin/users/{username}/disable", post().to(admin::disable_user))
        .route("/quan-tri/nguoi-dung/{username}/khoa", post().to(admin_pages::users::disable_user))
        .route("/api/v1/admin/users/{username}/enable", post().to(admin::enable_user))
        .route("/api/v1/admin/users/{username}/department", put().to(admin::set_user_department))
        .route("/quan-tri/nguoi-dung/{username}/mo-khoa", post().to(admin_pages::users::enable_user))
        .route("/api/v1/admin/calendar", get().to(admin::calendar))
        .route("/quan-tri/lich", get().to(admin_pages::calendar::calendar_page))
        .route("/api/v1/admin/calendar/{day}", put().to(admin::set_calendar_day))
        .route("/quan-tri/lich", post().to(admin_pages::calendar::set_calendar_day))
        .route("/api/v1/admin/calendar/{day}", delete().to(admin::delete_calendar_day))
        .route("/quan-tri/lich/{day}/xoa", post().to(admin_pages::calendar::delete_calendar_day))
        .route("/api/v1/admin/plans", get().to(admin::plans))
        .route("/quan-tri/ke-hoach", get().to(admin_pages::plans::plans_page))
        .route("/api/v1/admin/plans/{plan}/targets/{position}", put().to(admin::update_plan_target))
        .route("/quan-tri/ke-hoach/{plan}/{position}", post().to(admin_pages::plans::update_target))
        .route("/quan-tri/thu-tuc", get().to(admin_pages::procedures::procedures_page))
        .route("/quan-tri/thu-tuc/{code}", get().to(admin_pages::procedures::procedure_page))
        .route("/api/v1/admin/procedures/{code}/versions", post().to(admin::revise_procedure))
        .route("/api/v1/admin/procedures/{code}/templates/{file_name}", put().to(templates::attach))
        .route("/quan-tri/thu-tuc/{code}/mau", post().to(admin_pages::procedures::attach_template))
        .route("/api/v1/admin/procedures/{code}/templates/{id}", delete().to(templates::remove))
        .route("/quan-tri/thu-tuc/{code}/mau/{id}/xoa", post().to(admin_pages::procedures::remove_template))
        .route("/api/v1/admin/reorganisations", get().to(reorganisations::list))
        .route("/api/v1/admin/reorganisations", post().to(reorganisations::load))
        .route("/quan-tri/sap-xep", get().to(admin_pages::reorganisations::reorganisations_page))
        .route("/quan-tri/sap-xep", post().to(admin_pages::reorganisations::load_plan))
        .route("/api/v1/admin/agencies", post().to(admin_agencies::create))
        .route("/quan-tri/co-quan", get().to(admin_pages::agencies::agencies_page))
        .route("/quan-tri/co-quan", post().to(admin_pages::agencies::create_agency))
        .route("/api/v1/admin/agencies/{code}/rename", post().to(admin_agencies::rename))
        .route("/quan-tri/co-quan/doi-ten", post().to(admin_pages::agencies::rename_agency))
        .route("/api/v1/admin/agencies/{code}/close", post().to(admin_agencies::close))
        .route("/api/v1/admin/agencies/{code}/electronic-id", put().to(admin_agencies::set_electronic_id))
        .route("/api/v1/admin/agencies/{code}/departments", post().to(departments::create))
        .route("/api/v1/admin/agencies/{code}/departments/{key}/rename", post().to(departments::rename))
        .route("/api/v1/admin/agencies/{code}/departments/{key}/close", post().to(departments::close))
        .route("/quan-tri/co-quan/ket-thuc", post().to(admin_pages::agencies::close_agency))
        .route("/quan-tri/co-quan/{code}", get().to(admin_pages::agencies::agency_page))
        .route("/quan-tri/co-quan/{code}/phong-ban", post().to(admin_pages::departments::change))
        .route("/api/v1/admin/agency-changes", get().to(admin_agencies::changes))
        .route("/quan-tri/thu-tuc/{code}", post().to(admin_pages::procedures::revise_procedure))
        // ---- Anything else.
        .default_service(web::to(api::not_found));
}

/// A JSON body that cannot be read: 400 with a code saying why (content type, unknown field,
/// missing or ill-typed field, not JSON, larger than 1 MiB).
fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(1 << 20).error_handler(|err, _req| {
        let e = match &err {
            JsonPayloadError::ContentType => AppError::new(
                ErrorCode::InvalidContentType,
                "send the body as JSON with `Content-Type: application/json`",
            ),
            JsonPayloadError::Deserialize(d) if d.is_data() && d.to_string().contains("unknown field") => {
                AppError::new(
                    ErrorCode::UnknownField,
                    format!("the body has a field this endpoint does not take: {}", serde_problem(&d.to_string())),
                )
            }
            JsonPayloadError::Deserialize(d) if d.is_data() => AppError::new(
                ErrorCode::InvalidBody,
                format!("the body does not have the expected fields: {}", serde_problem(&d.to_string())),
            ),
            JsonPayloadError::Deserialize(d) => AppError::new(
                ErrorCode::InvalidJson,
                format!("the body is not valid JSON: {}", serde_problem(&d.to_string())),
            ),
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                AppError::new(ErrorCode::BodyTooLarge, "the body is larger than 1 MiB")
            }
            _ => AppError::new(ErrorCode::InvalidJson, "the body could not be read"),
        };
        e.into()
    })
}

/// A query string that cannot be read: 400 `invalid_query`.
fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let detail = match &err {
            QueryPayloadError::Deserialize(d) => serde_problem(&d.to_string()),
            _ => "it could not be read".to_string(),
        };
        AppError::new(ErrorCode::InvalidQuery, format!("the query string is not valid: {detail}")).into()
    })
}

/// A path segment that cannot be read: 400 `invalid_path`.
fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        let detail = match &err {
            PathError::Deserialize(d) => serde_problem(&d.to_string()),
            _ => "it could not be read".to_string(),
        };
        AppError::new(ErrorCode::InvalidPath, format!("the address is not valid: {detail}")).into()
    })
}

/// A page's form that cannot be read (up to 256 KiB): a page with the message, not plain text.
fn form_config() -> web::FormConfig {
    web::FormConfig::default().limit(256 * 1024).error_handler(|err, _req| {
        let detail = match &err {
            UrlencodedError::Parse(p) => serde_problem(&p.to_string()),
            _ => "it could not be read".to_string(),
        };
        let e = AppError::new(ErrorCode::InvalidForm, format!("the form could not be read: {detail}"));
        PageError::App(e).into()
    })
}
