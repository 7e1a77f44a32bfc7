//! The online submission form (`/thu-tuc/{code}/nop`, levels 3–4): the form and its submission.
use crate::http::context::AppContext;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;

use super::super::portal::ProcView;
use super::super::staff::ApplicantValues;
use super::super::{
    messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use super::{citizens_only, read_form};
use crate::domain::attachment::check_upload;
use crate::domain::intake_boundary::ResultDelivery;
use crate::domain::receiving_choice::{self, Area, Unit};
use crate::error::AppError;
use crate::services::catalogue;
use crate::services::dossiers::{self, IntakeInput};
use crate::storage::dossiers::LastSubmission;
use crate::storage::AnyConnection;
use serde::Deserialize;

/// One receiving agency of the list: its code, name and why a search found it.
pub struct AgencyOption {
    pub code: String,
    pub name: String,
    /// "gồm Phường Hưng Lợi cũ" when found by a former name.
    pub note: String,
}

/// The agencies of one area (an `<optgroup>`).
pub struct AgencyGroup {
    pub area: String,
    pub options: Vec<AgencyOption>,
}

/// The receiving agency's choice as the form shows it: the areas to pick from, the agencies
/// (narrowed by area and search text), and what the narrowing found.
pub struct AgencyChoice {
    areas: Vec<Area>,
    groups: Vec<AgencyGroup>,
    area: String,
    tim: String,
    /// "Có 2 cơ quan phù hợp …", when the list was narrowed or nothing matched.
    found: Option<String>,
    narrowed: bool,
    search_error: Option<String>,
    /// The one agency found, preselected.
    only: Option<String>,
}

impl AgencyChoice {
    /// `units` narrowed by `area` (a key of [`areas`]) and the search text `tim`
    /// (`domain::receiving_choice`); nothing matched gives the whole list, and says so.
    fn new(units: &[Unit], area: &str, tim: &str) -> Self {
        let areas = receiving_choice::areas(units);
        let mut search_error = None;
        let area_key = match area.trim() {
            "" => None,
            a if areas.iter().any(|x| x.key == a) => Some(a),
            _ => {
                search_error = Some("Khu vực đã chọn không có trong danh sách. Dưới đây là mọi khu vực.".to_string());
                None
            }
        };
        let text = catalogue::search_text(Some(tim)).unwrap_or_else(|e| {
            search_error = Some(messages::vi(&e));
            None
        });
        let asked = area_key.is_some() || text.is_some();
        let mut list = receiving_choice::choose(units, area_key, text.as_ref());
        let found = match (asked, list.len()) {
            (false, _) => None,
            (true, 0) => {
                list = receiving_choice::choose(units, None, None);
                Some(format!(
                    "Không tìm thấy cơ quan tiếp nhận nào phù hợp{}. Dưới đây là tất cả các cơ quan.",
                    if tim.trim().is_empty() { String::new() } else { format!(" với “{}”", tim.trim()) }
                ))
            }
            (true, n) => Some(format!("Có {n} cơ quan tiếp nhận phù hợp.")),
        };
        let narrowed = asked && found.as_deref().is_some_and(|f| f.starts_with("Có"));
        let only = (list.len() == 1).then(|| list[0].0.code.clone());
        let groups = areas
            .iter()
            .filter_map(|a| {
                let options: Vec<AgencyOption> = list
                    .iter()
                    .filter(|(u, _)| &u.area == a)
                    .map(|(u, m)| AgencyOption { code: u.code.clone(), name: u.name.clone(), note: m.note_vi() })
                    .collect();
                (!options.is_empty()).then(|| AgencyGroup { area: a.name.clone(), options })
            })
            .collect();
        AgencyChoice {
            areas,
            groups,
            area: area.trim().to_string(),
            tim: tim.trim().to_string(),
            found,
            narrowed,
            search_error,
            only,
        }
    }

    fn offers(&self, code: &str) -> bool {
        self.groups.iter().any(|g| g.options.iter().any(|o| o.code == code))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_submit.html")]
pub struct SubmitPage {
    layout: Layout,
    p: ProcView,
    choice: AgencyChoice,
    agency: String,
    a: ApplicantValues,
    /// How the applicant takes the result (`counter`, `post`, `online`).
    delivery: String,
    deliveries: Vec<(&'static str, &'static str)>,
    checked: Vec<String>,
    other_documents: String,
    error: Option<String>,
    /// The field the error is about (see `messages::field_of`).
    error_field: &'static str,
    had_files: bool,
}

impl SubmitPage {
    fn is_checked(&self, doc: &str) -> bool {
        self.checked.iter().any(|c| c == doc)
    }
}

fn deliveries() -> Vec<(&'static str, &'static str)> {
    ResultDelivery::ALL.iter().map(|d| (d.as_str(), d.label_vi())).collect()
}

/// The procedure (levels 3–4 only) and the units that receive it, as they exist `today`.
fn procedure_and_agencies(
    conn: &mut AnyConnection,
    code: &str,
    today: chrono::NaiveDate,
) -> Result<(ProcView, Vec<Unit>), AppError> {
    let (entry, _) = catalogue::get_procedure_on(conn, code, None)?;
    let p = ProcView::new(&entry);
    if !p.online() {
        return Err(AppError::new(crate::error::ErrorCode::NotOfferedOnline, "this procedure is not offered online"));
    }
    let units = catalogue::receiving_units_on(conn, &p.receiving_levels, today)?;
    Ok((p, units))
}

/// The applicant's fields as the form first shows them (issue 17 item 5: no retyping): what the
/// citizen entered on their newest submission, else the account's name; SMS notices by default.
fn prefilled(account_name: Option<String>, last: Option<&LastSubmission>) -> ApplicantValues {
    match last.map(|l| l.applicant.clone()) {
        Some(a) => ApplicantValues {
            name: a.name,
            id_number: a.id_number,
            phone: a.phone,
            email: a.email.unwrap_or_default(),
            address: a.address,
            notify_by: a.notify_by,
        },
        None => {
            ApplicantValues { name: account_name.unwrap_or_default(), notify_by: "sms".into(), ..Default::default() }
        }
    }
}

/// `?khu_vuc=` (an area's key) and `?tim=` (a search text) narrow the receiving agencies.
#[derive(Deserialize, Default)]
pub struct ChoiceQuery {
    khu_vuc: Option<String>,
    tim: Option<String>,
}

/// GET /thu-tuc/{code}/nop[?khu_vuc=&tim=]: the online submission form (a signed-in citizen;
/// levels 3 and 4), the receiving agency chosen by area and search (`domain::receiving_choice`).
/// What the citizen chose last time is proposed again: the applicant, the agency, the delivery.
pub async fn submit_form(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    q: web::Query<ChoiceQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let code = code.into_inner();
    let today = crate::domain::calendar::to_vietnam(ctx.clock.now()).date_naive();
    let (p, units, (account_name, last)) = session
        .run(&ctx.pool, move |conn, caller| {
            citizens_only(&caller)?;
            let (p, units) = procedure_and_agencies(conn, &code, today)?;
            let known = crate::storage::dossiers::applicant_for_form(conn, &caller.user_id)?;
            Ok((p, units, known))
        })
        .await
        .in_layout(&layout)?;
    let choice = AgencyChoice::new(&units, q.khu_vuc.as_deref().unwrap_or(""), q.tim.as_deref().unwrap_or(""));
    let agency = choice
        .only
        .clone()
        .or_else(|| last.as_ref().map(|l| l.receiving_agency.clone()).filter(|c| choice.offers(c)))
        .unwrap_or_default();
    let delivery = last
        .as_ref()
        .map(|l| l.result_delivery.clone())
        .unwrap_or_else(|| ResultDelivery::proposed_for_online_level(p.online_level).as_str().to_string());
    let page = SubmitPage {
        layout,
        p,
        choice,
        agency,
        a: prefilled(account_name, last.as_ref()),
        delivery,
        deliveries: deliveries(),
        checked: vec![],
        other_documents: String::new(),
        error: None,
        error_field: "",
        had_files: false,
    };
    Ok(render(StatusCode::OK, &page))
}

/// POST /thu-tuc/{code}/nop (multipart): the intake (`services::dossiers::intake_on`), then each
/// file (`attach_on`; checked before the intake, so a bad file creates nothing), in one trip. The
/// form is read before the trip, so no connection is held while it arrives.
pub async fn submit(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = Layout::new(Some(session.claimed()), req.path());
    let code = code.into_inner();
    // Only a citizen's form is read: anyone else is refused on the trip, before the form counts.
    let read = if citizens_only(session.claimed()).is_ok() { read_form(payload).await } else { Ok((vec![], vec![])) };
    let (pairs, files, read_error) = match read {
        Ok((pairs, files)) => (pairs, files, None),
        Err(e) => (vec![], vec![], Some(e)),
    };
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let a = ApplicantValues::from_pairs(&pairs);
    let agency = get("agency_code");
    let checked: Vec<String> = pairs
        .iter()
        .filter(|(n, v)| n == "documents" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect();
    let other_documents = get("other_documents");
    let delivery = get("result_delivery");
    let had_files = !files.is_empty();
    let mut documents = checked.clone();
    documents.extend(other_documents.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    let input = IntakeInput {
        procedure_code: code.clone(),
        channel: "online".into(),
        agency_code: Some(agency.clone()).filter(|a| !a.is_empty()),
        name: a.name.clone(),
        id_number: a.id_number.clone(),
        phone: a.phone.clone(),
        email: Some(a.email.clone()).filter(|e| !e.is_empty()),
        address: a.address.clone(),
        documents,
        notify_by: Some(a.notify_by.clone()).filter(|n| !n.is_empty()),
    };
    let extras = dossiers::IntakeExtras {
        result_delivery: Some(delivery.clone()).filter(|d| !d.is_empty()),
        ..Default::default()
    };
    let (links, policy, now) = (ctx.links.clone(), ctx.policy, ctx.clock.now());
    let (p, units, result) = session
        .run(&ctx.pool, move |conn, caller| {
            citizens_only(&caller)?;
            let (p, units) = procedure_and_agencies(conn, &code, crate::domain::calendar::to_vietnam(now).date_naive())?;
            let submit = || -> Result<String, AppError> {
                if let Some(e) = read_error {
                    return Err(e);
                }
                for f in &files {
                    check_upload(&f.file_name, &f.content_type, &f.content).map_err(AppError::from)?;
                }
                let intake = dossiers::Intake::parse_with(&caller, input, extras)?;
                let r = dossiers::intake_on(conn, &links, policy, &caller, intake, now)?;
                // Not received yet: the submission is named by its reference until a clerk receives it.
                let dossier_code = r.row.reference.clone();
                let mut failed = 0;
                for f in files {
                    if let Err(e) = dossiers::attach_on(conn, &caller, &dossier_code, f, now) {
                        tracing::warn!(dossier = %dossier_code, error.code = e.status_and_code().1, "attachment refused");
                        failed += 1;
                    }
                }
                Ok(format!(
                    "/ho-so-cua-toi/{}?da_nop=1{}",
                    percent_encode(&dossier_code),
                    if failed > 0 { "&tep_loi=1" } else { "" }
                ))
            };
            let result = submit();
            Ok((p, units, result))
        })
        .await
        .in_layout(&layout)?;
    match result {
        Ok(target) => Ok(see_other(&target)),
        Err(e) => {
            let status = e.status_and_code().0;
            let page = SubmitPage {
                layout,
                p,
                choice: AgencyChoice::new(&units, "", ""),
                agency,
                a,
                delivery,
                deliveries: deliveries(),
                checked,
                other_documents,
                error_field: messages::field_of(&e),
                error: Some(messages::vi(&e)),
                had_files,
            };
            Ok(render(status, &page))
        }
    }
}
