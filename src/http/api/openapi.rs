//! The OpenAPI document, generated from the handlers' annotations.
use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, agencies, alerts, auth, dossiers, health, lookup, notifications, procedures, stats};

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
        procedures::list,
        procedures::get,
        dossiers::create,
        dossiers::inbox,
        dossiers::get,
        dossiers::act,
        dossiers::upload,
        dossiers::download,
        dossiers::rate,
        dossiers::consult,
        dossiers::answer,
        lookup::lookup,
        stats::report,
        stats::kpis,
        stats::off_system,
        notifications::list,
        alerts::throttle_alerts,
        notifications::requeue,
        admin::list_users,
        admin::create_user,
        admin::disable_user,
        admin::enable_user,
        admin::calendar,
        admin::set_calendar_day,
        admin::delete_calendar_day,
        admin::plans,
        admin::update_plan_target,
        admin::revise_procedure,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
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

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
