//! The OpenAPI document, generated from the handlers' annotations, plus the answers every operation
//! shares because of how a request reaches its handler (see [`CommonResponses`]).
use actix_web::HttpResponse;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::feedback;
use super::{
    accesses, admin, admin_agencies, agencies, alerts, anomalies, auth, departments, dossiers, forms, health, lookup,
    national_portal, notifications, oversight_alerts, procedures, reorganisations, stats, templates,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "motcua", description = "Electronic one-stop-shop case system (một cửa điện tử) for a Vietnamese province"),
    paths(
        health::health,
        auth::login,
        auth::register,
        auth::me,
        agencies::list,
        agencies::get,
        agencies::lineage,
        reorganisations::list,
        reorganisations::load,
        admin_agencies::create,
        admin_agencies::rename,
        admin_agencies::close,
        admin_agencies::set_electronic_id,
        admin_agencies::changes,
        departments::list,
        departments::create,
        departments::rename,
        departments::close,
        procedures::list,
        procedures::get,
        templates::download,
        dossiers::create,
        dossiers::inbox,
        dossiers::get,
        dossiers::act,
        dossiers::upload,
        dossiers::download,
        dossiers::rate,
        dossiers::consult,
        dossiers::answer,
        accesses::list,
        accesses::audit,
        national_portal::deliver,
        national_portal::overview,
        national_portal::reconciliation,
        national_portal::resend,
        forms::form,
        forms::tracking_book,
        lookup::lookup,
        stats::report,
        stats::kpis,
        stats::intake_waiting,
        stats::evaluation,
        stats::index766,
        stats::off_system,
        anomalies::anomalies,
        notifications::list,
        alerts::throttle_alerts,
        oversight_alerts::list,
        feedback::submit,
        feedback::list,
        feedback::answer,
        feedback::of_dossier,
        feedback::published,
        notifications::requeue,
        admin::list_users,
        admin::create_user,
        admin::disable_user,
        admin::enable_user,
        admin::set_user_department,
        admin::calendar,
        admin::set_calendar_day,
        admin::delete_calendar_day,
        admin::plans,
        admin::update_plan_target,
        admin::revise_procedure,
        templates::attach,
        templates::remove,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth, &CommonResponses),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// Adds what every operation can answer besides its own outcomes, from the way a request reaches a
/// handler, so that the document stays exact as endpoints are added (schemathesis checks it in CI):
/// - 401 on every bearer-secured operation: the `Unverified` extractor refuses a missing, expired or
///   invalid token, and the request's trip the token of a disabled account (`missing_token`,
///   `token_expired`, `invalid_token`);
/// - 400 on every operation that takes path or query parameters or a body: the extractors refuse an
///   undecodable path (`invalid_path`), an unknown or ill-typed query parameter (`invalid_query`) and a
///   body that is not the expected JSON (`invalid_content_type`, `invalid_json`, `invalid_body`,
///   `unknown_field`, `body_too_large`);
/// - 503 on every operation: each one needs a database connection (`database_unavailable`).
///
/// Statuses an operation documents itself are kept as they are.
pub struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                if is_bearer_secured(operation) {
                    add_error(
                        operation,
                        "401",
                        "No bearer token, or an expired or invalid one, or one of a disabled account \
                         (`missing_token`, `token_expired`, `invalid_token`).",
                    );
                }
                let takes_input = operation.request_body.is_some()
                    || operation
                        .parameters
                        .iter()
                        .flatten()
                        .any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query));
                if takes_input {
                    add_error(operation, "400", "The request is not valid; `error` says what to fix.");
                }
                add_error(
                    operation,
                    "503",
                    "The database is not answering (`database_unavailable`); try again shortly.",
                );
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch]
        .into_iter()
        .filter_map(Option::as_mut)
}

fn is_bearer_secured(operation: &Operation) -> bool {
    operation
        .security
        .iter()
        .flatten()
        .any(|requirement| serde_json::to_value(requirement).is_ok_and(|v| v.get("bearer").is_some()))
}

/// Documents `status` with the error body, unless the operation documents it already.
fn add_error(operation: &mut Operation, status: &str, description: &str) {
    operation.responses.responses.entry(status.to_string()).or_insert_with(|| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build(),
        )
    });
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
