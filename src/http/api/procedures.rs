use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::domain::{AgencyLevel, OnlineLevel, StepTarget};
use crate::error::AppError;
use crate::services::catalogue::{self, ProcedureEntry, ProcedureQuery};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProcedureParams {
    /// Competent level: ministry, province, district or commune.
    pub level: Option<String>,
    /// Field (lĩnh vực) by its name, with or without diacritics or case, e.g. "Hộ tịch" or "ho tich".
    pub field: Option<String>,
    /// Online service level, exactly (1–4).
    pub online_level: Option<i64>,
    /// Online service level, at least (e.g. 3 for levels 3 and 4).
    pub min_online_level: Option<i64>,
    /// Everyday words, words of the name, the field or the code, with or without diacritics, at most
    /// 200 characters (e.g. "sổ đỏ", "khai sinh cho con", "dat dai", "1.001193"). Synonyms come from
    /// `seeds/catalogue/synonyms.json`. Results are then only the matches, best first: the code, a
    /// phrase of the name, every word in the name, a synonym of the name, the field, part of the code;
    /// ties by name.
    pub q: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VersionParams {
    /// A past or current version; the current one when absent.
    pub version: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TimeLimitView {
    pub value: i32,
    /// working_days, days or hours.
    pub unit: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FeeView {
    pub amount_vnd: i64,
    pub description: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub name: String,
    pub copies: i32,
    pub original: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub position: i32,
    pub name: String,
    /// `receiving`, `level:<level>` (the receiving agency's ancestor) or an agency code.
    pub at: String,
    /// The level the step happens at, where the route fixes it.
    pub level: Option<String>,
    /// The named agency, for steps at a fixed agency.
    pub agency_name: Option<String>,
    /// Share of the time limit, in its unit.
    pub time_share: i32,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProcedureView {
    pub code: String,
    pub version: i32,
    pub name: String,
    pub field: String,
    pub competent_level: String,
    pub receiving_levels: Vec<String>,
    /// ND 43/2011 level 1–4.
    pub online_level: i32,
    /// ND 42/2022 name: "toàn trình" (4) or "một phần" (3); null below 3.
    pub online_service: Option<String>,
    pub time_limit: TimeLimitView,
    pub fee: FeeView,
    pub documents: Vec<DocumentView>,
    pub steps: Vec<StepView>,
    /// Levels the route crosses, in order; more than one means liên thông between levels.
    pub route_levels: Vec<String>,
    pub legal_basis: Option<String>,
    /// Every version of this procedure (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<i32>>,
    /// This version's templates (tờ khai, mẫu đơn) to download (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<super::templates::TemplateView>>,
}

fn view(entry: ProcedureEntry, versions: Option<Vec<i32>>) -> ProcedureView {
    let p = entry.record.procedure;
    let templates = versions.is_some().then(|| {
        entry.templates.into_iter().map(|t| super::templates::TemplateView::new(&p.code, p.version, t)).collect()
    });
    let receiving: Vec<String> = p.receiving_levels.split(',').map(str::to_string).collect();
    let first_receiving = receiving.first().and_then(|l| l.parse::<AgencyLevel>().ok());
    let mut levels: Vec<String> = Vec::new();
    let steps = entry
        .record
        .steps
        .into_iter()
        .map(|s| {
            let target = StepTarget::parse(&s.target).ok();
            let (level, agency_name) = match &target {
                Some(StepTarget::Receiving) => (first_receiving.map(|l| l.as_str().to_string()), None),
                Some(StepTarget::AncestorAt(l)) => (Some(l.as_str().to_string()), None),
                Some(StepTarget::Agency(c)) => match entry.places.get(c.as_str()) {
                    Some((l, n)) => (Some(l.clone()), Some(n.clone())),
                    None => (None, None),
                },
                None => (None, None),
            };
            if let Some(l) = &level {
                if !levels.contains(l) {
                    levels.push(l.clone());
                }
            }
            StepView { position: s.position, name: s.name, at: s.target, level, agency_name, time_share: s.time_share }
        })
        .collect();
    ProcedureView {
        code: p.code,
        version: p.version,
        name: p.name,
        field: p.field,
        competent_level: p.competent_level,
        receiving_levels: receiving,
        online_level: p.online_level,
        online_service: OnlineLevel::new(i64::from(p.online_level))
            .ok()
            .and_then(|l| l.nd42_name())
            .map(str::to_string),
        time_limit: TimeLimitView { value: p.time_limit_value, unit: p.time_limit_unit },
        fee: FeeView { amount_vnd: p.fee_vnd, description: p.fee_description },
        documents: entry
            .record
            .documents
            .into_iter()
            .map(|d| DocumentView { name: d.name, copies: d.copies, original: d.original })
            .collect(),
        steps,
        route_levels: levels,
        legal_basis: p.legal_basis,
        versions,
        templates,
    }
}

/// The procedure catalogue (current versions), filtered and searched: by field and code without a
/// search text, best matches first with one.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalogue", params(ProcedureParams),
    responses((status = 200, body = [ProcedureView]), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(ctx: web::Data<AppContext>, params: web::Query<ProcedureParams>) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let query = ProcedureQuery {
        level: p.level,
        field: p.field,
        online_level: p.online_level,
        min_online_level: p.min_online_level,
        q: p.q,
        synonyms: ctx.synonyms.clone(),
    };
    let entries = catalogue::list_procedures(&ctx.pool, query).await?;
    Ok(HttpResponse::Ok().json(entries.into_iter().map(|e| view(e, None)).collect::<Vec<_>>()))
}

/// One procedure by its national code: the current version, or `?version=N`.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "national code, e.g. 1.001234"), VersionParams),
    responses((status = 200, body = ProcedureView), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    ctx: web::Data<AppContext>,
    code: web::Path<String>,
    params: web::Query<VersionParams>,
) -> Result<HttpResponse, AppError> {
    let (entry, versions) = catalogue::get_procedure(&ctx.pool, code.into_inner(), params.version).await?;
    Ok(HttpResponse::Ok().json(view(entry, Some(versions))))
}
