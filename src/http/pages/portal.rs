//! The public portal: home, procedure catalogue, procedure page, dossier lookup.
use crate::http::context::AppContext;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::{fmt, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError};
use crate::domain::labels::level_label_vi as level_label;
use crate::http::client::ClientAddr;
use crate::services::catalogue::{self, ProcedureEntry, ProcedureQuery};
use crate::services::lookup::{self, LookupResult, Proof};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
}

/// GET /
pub async fn home(layout: Layout) -> HttpResponse {
    render(StatusCode::OK, &HomePage { layout })
}

/// Both names of an online service level (ND 43/2011 and ND 42/2022).
pub fn online_label(level: i32) -> &'static str {
    match level {
        4 => "Mức độ 4 — toàn trình",
        3 => "Mức độ 3 — một phần",
        2 => "Mức độ 2",
        _ => "Mức độ 1",
    }
}

pub fn unit_label(unit: &str) -> &'static str {
    match unit {
        "working_days" => "ngày làm việc",
        "days" => "ngày",
        "hours" => "giờ làm việc",
        _ => "",
    }
}

/// A document of a procedure's dossier.
pub struct DocView {
    pub name: String,
    pub copies: i32,
    pub original: bool,
}

/// A template (tờ khai, mẫu đơn) of a procedure version, to download.
pub struct TemplateLine {
    pub id: String,
    pub title: String,
    pub form_code: Option<String>,
    pub file_name: String,
    /// "PDF", "Word", "Excel", …
    pub kind: &'static str,
    pub size: String,
    pub attached_at: String,
}

impl TemplateLine {
    pub fn new(t: &crate::storage::templates::TemplateInfo) -> Self {
        Self {
            id: t.id.clone(),
            title: t.title.clone(),
            form_code: t.form_code.clone(),
            file_name: t.file_name.clone(),
            kind: crate::domain::template::TemplateKind::from_content_type(&t.content_type).map_or("", |k| k.label()),
            size: fmt::size(t.size_bytes),
            attached_at: fmt::date(t.created_at),
        }
    }
}

/// A procedure as the pages show it.
pub struct ProcView {
    pub code: String,
    pub name: String,
    pub field: String,
    pub competent_level: &'static str,
    pub receiving_levels: Vec<String>,
    pub receiving: String,
    pub online_level: i32,
    pub online_label: &'static str,
    pub time_limit: String,
    pub fee: String,
    pub legal_basis: Option<String>,
    pub documents: Vec<DocView>,
    pub steps: Vec<String>,
    /// The version's templates (read with one procedure; empty in lists).
    pub templates: Vec<TemplateLine>,
}

impl ProcView {
    pub fn new(e: &ProcedureEntry) -> Self {
        let p = &e.record.procedure;
        let receiving_levels: Vec<String> = p.receiving_levels.split(',').map(str::to_string).collect();
        let fee = crate::domain::labels::fee_label_vi(p.fee_vnd, &p.fee_description);
        Self {
            code: p.code.clone(),
            name: p.name.clone(),
            field: p.field.clone(),
            competent_level: level_label(&p.competent_level),
            receiving: receiving_levels.iter().map(|l| level_label(l)).collect::<Vec<_>>().join(", "),
            receiving_levels,
            online_level: p.online_level,
            online_label: online_label(p.online_level),
            time_limit: format!("{} {}", p.time_limit_value, unit_label(&p.time_limit_unit)),
            fee,
            legal_basis: p.legal_basis.clone().filter(|l| !l.trim().is_empty()),
            documents: e
                .record
                .documents
                .iter()
                .map(|d| DocView { name: d.name.clone(), copies: d.copies, original: d.original })
                .collect(),
            steps: e
                .record
                .steps
                .iter()
                .map(|s| {
                    let place = match s.target.as_str() {
                        "receiving" => "cơ quan tiếp nhận".to_string(),
                        t => match t.strip_prefix("level:") {
                            Some(l) => level_label(l).to_lowercase(),
                            None => e.places.get(t).map(|(_, n)| n.clone()).unwrap_or_else(|| t.to_string()),
                        },
                    };
                    format!("{} ({place})", s.name)
                })
                .collect(),
            templates: e.templates.iter().map(TemplateLine::new).collect(),
        }
    }

    pub fn online(&self) -> bool {
        self.online_level >= 3
    }
}

#[derive(Deserialize, Default)]
pub struct CatalogueQuery {
    q: Option<String>,
    linh_vuc: Option<String>,
    cap: Option<String>,
    muc_do: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

#[derive(Template, WebTemplate)]
#[template(path = "catalogue.html")]
pub struct CataloguePage {
    layout: Layout,
    q: String,
    field: String,
    level: String,
    online: String,
    fields: Vec<String>,
    procedures: Vec<ProcView>,
    error: Option<String>,
}

/// GET /thu-tuc?q=&linh_vuc=&cap=&muc_do=: the catalogue, searchable in everyday words with or without
/// diacritics, best matches first (as `GET /api/v1/procedures`).
pub async fn catalogue(
    ctx: web::Data<AppContext>,
    layout: Layout,
    q: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let all = catalogue::list_procedures(&ctx.pool, ProcedureQuery::default()).await.in_layout(&layout)?;
    let mut fields: Vec<String> = all.iter().map(|e| e.record.procedure.field.clone()).collect();
    fields.sort();
    fields.dedup();
    let online = non_empty(&q.muc_do).and_then(|m| m.parse::<i64>().ok());
    let query = ProcedureQuery {
        level: non_empty(&q.cap),
        field: non_empty(&q.linh_vuc),
        online_level: online,
        min_online_level: None,
        q: non_empty(&q.q),
        synonyms: ctx.synonyms.clone(),
    };
    let (procedures, error, status) = match catalogue::list_procedures(&ctx.pool, query).await {
        Ok(list) => (list.iter().map(ProcView::new).collect(), None, StatusCode::OK),
        Err(e) => (vec![], Some(messages::vi(&e)), e.status_and_code().0),
    };
    let page = CataloguePage {
        layout,
        q: q.q.unwrap_or_default(),
        // The field as listed, when the address names it without diacritics ("dat dai").
        field: q
            .linh_vuc
            .map(|f| fields.iter().find(|l| crate::domain::search::names_field(&f, l)).cloned().unwrap_or(f))
            .unwrap_or_default(),
        level: q.cap.unwrap_or_default(),
        online: q.muc_do.unwrap_or_default(),
        fields,
        procedures,
        error,
    };
    Ok(render(status, &page))
}

#[derive(Template, WebTemplate)]
#[template(path = "procedure.html")]
pub struct ProcedurePage {
    layout: Layout,
    p: ProcView,
    version: i32,
}

/// GET /thu-tuc/{code}: documents, time limit, fee, where to submit, online level.
pub async fn procedure(
    ctx: web::Data<AppContext>,
    layout: Layout,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (entry, _) = catalogue::get_procedure(&ctx.pool, code.into_inner(), None).await.in_layout(&layout)?;
    let page = ProcedurePage { layout, version: entry.record.procedure.version, p: ProcView::new(&entry) };
    Ok(render(StatusCode::OK, &page))
}

/// GET /thu-tuc/{code}/mau/{id}: a template of the current version, to download.
pub async fn template(
    ctx: web::Data<AppContext>,
    layout: Layout,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (code, id) = path.into_inner();
    let t = crate::services::templates::download(&ctx.pool, code, None, id).await.in_layout(&layout)?;
    Ok(crate::http::files::download(&t.content_type, &t.file_name).body(t.content))
}

#[derive(Template, WebTemplate)]
#[template(path = "lookup_form.html")]
pub struct LookupFormPage {
    layout: Layout,
    code: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LookupQuery {
    ma: Option<String>,
}

/// GET /tra-cuu[?ma=CODE]: the form; with a code, its page.
pub async fn lookup_form(layout: Layout, q: web::Query<LookupQuery>) -> HttpResponse {
    match non_empty(&q.ma) {
        Some(code) => see_other(&format!("/tra-cuu/{}", percent_encode(&code))),
        None => render(StatusCode::OK, &LookupFormPage { layout, code: String::new(), error: None }),
    }
}

/// One row of the public timeline.
pub struct TimelineRow {
    pub at: String,
    /// What the step was, in words (`labels::timeline_steps_vi`).
    pub step: String,
    pub agency: String,
    pub status: &'static str,
    /// Only with proof: what the applicant was told (missing documents, reasons, new date).
    pub notice: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "lookup.html")]
pub struct LookupPage {
    layout: Layout,
    /// The code, or before receipt the submission's reference.
    code: String,
    has_code: bool,
    reference: String,
    procedure: String,
    status: &'static str,
    received: String,
    due: String,
    /// The agency handling it now; None once nobody does.
    agency: Option<String>,
    /// Trước hạn, Đúng hạn, Quá hạn, Còn hạn or Đã quá hạn hẹn trả.
    standing: Option<&'static str>,
    timeline: Vec<TimelineRow>,
    /// The deadline ledger (`_ledger.html`).
    ledger: Vec<LedgerRow>,
    verified: bool,
    documents: Vec<String>,
    error: Option<String>,
    phone: String,
    /// "Ai đã xem hồ sơ của tôi" (issue 17 item 2): with a valid proof only.
    accesses: Option<super::accesses::AccessesSection>,
}

/// One line of the deadline ledger as the pages show it (`_ledger.html`).
pub struct LedgerRow {
    pub at: String,
    pub label: &'static str,
    /// The date in force after the event, and which date it is.
    pub due: Option<String>,
    pub due_label: &'static str,
    pub explanation: String,
    pub rule: String,
}

/// The ledger's lines for `_ledger.html`.
pub fn ledger_rows(ledger: &[crate::domain::ledger::LedgerEntry]) -> Vec<LedgerRow> {
    use crate::domain::ledger::DueKind;
    ledger
        .iter()
        .map(|l| LedgerRow {
            at: fmt::time(l.at.naive_utc()),
            label: l.kind.label_vi(),
            due: l.due_at.map(|t| fmt::time(t.naive_utc())),
            due_label: match l.due_kind {
                Some(DueKind::Promised) => "Ngày hẹn trả mới",
                Some(DueKind::Handover) => "Hạn chuyển cho cơ quan có thẩm quyền",
                _ => "Hạn giải quyết",
            },
            explanation: l.explanation.clone(),
            rule: l.rule.clone(),
        })
        .collect()
}

/// What an event told the applicant (with proof only).
pub fn notice_lines(details: Option<&str>) -> Vec<String> {
    let Some(d) = details.and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()) else {
        return vec![];
    };
    let mut out = vec![];
    if let Some(m) = d["missing"].as_array() {
        let items: Vec<&str> = m.iter().filter_map(|x| x.as_str()).collect();
        if !items.is_empty() {
            out.push(format!("Cần bổ sung: {}", items.join("; ")));
        }
    }
    if let Some(r) = d["reason"].as_str().filter(|r| !r.is_empty()) {
        out.push(format!("Lý do: {r}"));
    }
    if let Some(n) = d["new_due_date"].as_str().and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) {
        out.push(format!("Ngày hẹn trả mới: {}", n.format("%d/%m/%Y")));
    }
    out
}

fn lookup_view(layout: Layout, r: &LookupResult, error: Option<String>, phone: String) -> LookupPage {
    let row = &r.row;
    LookupPage {
        layout,
        code: row.code_or_reference().to_string(),
        has_code: row.code.is_some(),
        reference: row.reference.clone(),
        procedure: r.procedure_name.clone(),
        status: row.status_label(),
        received: row.received_at.map(fmt::time).unwrap_or_else(|| "Chưa tiếp nhận".into()),
        due: fmt::opt_date(row.promised_due_at()),
        agency: r.handling_agency().map(str::to_string),
        standing: r.standing().map(|(_, l)| l),
        timeline: r
            .history
            .iter()
            .zip(&r.steps)
            .map(|((e, agency), step)| TimelineRow {
                at: fmt::time(e.at),
                step: step.clone(),
                agency: agency.clone(),
                status: row.regime().status_name(e.status),
                notice: if r.verified { notice_lines(e.details.as_deref()) } else { vec![] },
            })
            .collect(),
        ledger: ledger_rows(&r.ledger),
        verified: r.verified,
        documents: if r.verified { serde_json::from_str(&row.documents).unwrap_or_default() } else { vec![] },
        error,
        phone,
        accesses: None,
    }
}

/// The lookup page with the staff reads shown to the applicant who proved ownership, under the
/// deployment's policy (issue 17 item 2).
fn with_accesses(mut page: LookupPage, r: &LookupResult, show_names: bool) -> LookupPage {
    page.accesses = r.accesses.clone().map(|a| super::accesses::AccessesSection::new(a, show_names));
    page
}

/// GET /tra-cuu/{code}: status, dates, where it is, timeline; no personal data. Counted against
/// the client's lookups per minute, as the API's.
pub async fn lookup_page(
    ctx: web::Data<AppContext>,
    layout: Layout,
    client: ClientAddr,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    match lookup::lookup(&ctx.pool, &ctx.limits, client, code.clone(), Proof::default(), ctx.clock.now()).await {
        Ok(r) => Ok(render(StatusCode::OK, &lookup_view(layout, &r, None, String::new()))),
        Err(e) => {
            let status = e.status_and_code().0;
            let mut response = render(status, &LookupFormPage { layout, code, error: Some(messages::vi(&e)) });
            e.add_retry_after(&mut response);
            Ok(response)
        }
    }
}

#[derive(Deserialize)]
pub struct ProofForm {
    pin: Option<String>,
    phone: Option<String>,
}

/// POST /tra-cuu/{code} with the receipt's PIN or the applicant's phone: also the notices and
/// the documents handed in (a POST keeps the proof out of addresses and history). One lookup,
/// the proof checked through the same throttle as the API's.
#[allow(clippy::too_many_arguments)]
pub async fn lookup_with_proof(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    layout: Layout,
    client: ClientAddr,
    code: web::Path<String>,
    form: web::Form<ProofForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req).in_layout(&layout)?;
    let code = code.into_inner();
    let form = form.into_inner();
    let proof = Proof { pin: non_empty(&form.pin), phone: non_empty(&form.phone) };
    let phone = proof.phone.clone().unwrap_or_default();
    let given = proof.is_given();
    let (r, refused) = lookup::lookup_showing_public(&ctx.pool, &ctx.limits, client, code, proof, ctx.clock.now())
        .await
        .in_layout(&layout)?;
    if !given {
        let msg = "Hãy nhập mã PIN hoặc số điện thoại đã khai khi nộp hồ sơ.".to_string();
        return Ok(render(StatusCode::BAD_REQUEST, &lookup_view(layout, &r, Some(msg), phone)));
    }
    match refused {
        None => {
            let page = lookup_view(layout, &r, None, String::new());
            Ok(render(StatusCode::OK, &with_accesses(page, &r, ctx.privacy.show_staff_names_to_owner)))
        }
        Some(e) => {
            let status = e.status_and_code().0;
            let mut response = render(status, &lookup_view(layout, &r, Some(messages::vi(&e)), phone));
            e.add_retry_after(&mut response);
            Ok(response)
        }
    }
}
