//! The citizen's dossiers: the list (`/ho-so-cua-toi`), one dossier with its rating form, and
//! what the applicant does on it (rate, withdraw or submit the supplement, add a file).
use crate::http::context::AppContext;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::super::staff::DossierView;
use super::super::{
    messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use super::{citizens_only, read_form};
use crate::auth::Caller;
use crate::domain::dossier::Status;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::dossiers::{self, DossierRecord};
use crate::services::inbox::{self, InboxQuery, View};
use crate::storage::AnyConnection;
use chrono::{DateTime, Utc};

pub struct MyRow {
    pub code: String,
    pub procedure: String,
    pub status: &'static str,
    pub submitted: String,
    pub due: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_dossiers.html")]
pub struct MyDossiersPage {
    layout: Layout,
    rows: Vec<MyRow>,
}

/// How many of a citizen's dossiers `/ho-so-cua-toi` lists (the inbox's largest page).
const MY_DOSSIERS_SHOWN: u32 = 200;

/// GET /ho-so-cua-toi: the citizen's own dossiers, newest first.
pub async fn my_dossiers(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    // The newest MY_DOSSIERS_SHOWN, in one query (`services::inbox`, a citizen's scope).
    let query = InboxQuery { limit: Some(MY_DOSSIERS_SHOWN.to_string()), ..InboxQuery::default() };
    let now = ctx.clock.now();
    let page = session
        .run(&ctx.pool, move |conn, caller| {
            // Staff have their own list (after the account check: a disabled account signs in again).
            if caller.role != Role::Citizen {
                return Ok(None);
            }
            inbox::read(conn, &caller, View::Page, &query, now).map(Some)
        })
        .await?;
    let Some(page) = page else { return Ok(see_other("/can-bo")) };
    let rows = page
        .items
        .into_iter()
        .map(|(r, _)| MyRow {
            code: r.code_or_reference().to_string(),
            procedure: r.procedure_name.clone(),
            status: crate::domain::regime::of_receipt(r.received_at, r.submitted_at).status_name(r.status),
            submitted: super::super::fmt::time(r.submitted_at),
            due: super::super::fmt::opt_date(r.promised_due_at()),
        })
        .collect();
    Ok(render(StatusCode::OK, &MyDossiersPage { layout, rows }))
}

#[derive(Template, WebTemplate)]
#[template(path = "citizen_dossier.html")]
pub struct MyDossierPage {
    layout: Layout,
    d: DossierView,
    can_rate: bool,
    submitted: bool,
    file_error: bool,
    error: Option<String>,
    done: bool,
    score: String,
    comment: String,
    /// What the applicant may do now (withdraw, submit the supplement), as (action, label).
    actions: Vec<(&'static str, &'static str)>,
    acted: Option<&'static str>,
    /// Files can still be added (the dossier is open).
    can_attach: bool,
    attached: bool,
    /// The deadline ledger (`_ledger.html`).
    ledger: Vec<crate::http::pages::portal::LedgerRow>,
    /// "Ai đã xem hồ sơ của tôi" (issue 17 item 2): for the owner, on the page's GET.
    accesses: Option<crate::http::pages::accesses::AccessesSection>,
}

impl MyDossierPage {
    /// The page as it first shows a dossier: no messages, empty rating form.
    fn of(layout: Layout, r: &DossierRecord) -> Self {
        Self {
            layout,
            can_rate: r.row.status == Status::Returned && r.rating.is_none(),
            d: DossierView::new(r),
            submitted: false,
            file_error: false,
            error: None,
            done: false,
            score: String::new(),
            comment: String::new(),
            actions: citizen_actions(r),
            acted: None,
            can_attach: open_for_files(r),
            attached: false,
            ledger: crate::http::pages::portal::ledger_rows(&r.ledger),
            accesses: None,
        }
    }
}

fn open_for_files(r: &DossierRecord) -> bool {
    r.row.status.is_open()
}

fn citizen_actions(r: &DossierRecord) -> Vec<(&'static str, &'static str)> {
    r.allowed_actions
        .iter()
        .filter_map(|a| match *a {
            "submit_supplement" => Some(("submit_supplement", "Nộp hồ sơ đã bổ sung")),
            "withdraw" => Some(("withdraw", "Rút hồ sơ")),
            _ => None,
        })
        .collect()
}

#[derive(Deserialize)]
pub struct MyDossierQuery {
    da_nop: Option<String>,
    tep_loi: Option<String>,
    da_danh_gia: Option<String>,
    xong: Option<String>,
    da_gui_tep: Option<String>,
}

/// The dossier of `code` as its page shows it, on the page's trip.
fn record(conn: &mut AnyConnection, caller: &Caller, code: &str, at: DateTime<Utc>) -> Result<DossierRecord, AppError> {
    let r = load(conn, caller, code, at)?;
    // The owner's reads are not recorded; staff in scope who open this page are (issue 17 item 2).
    let kind = crate::domain::access::AccessKind::Page;
    crate::services::accesses::record_one(conn, caller, &r.row.id, kind, None, at)?;
    Ok(r)
}

/// The dossier of `code`, for a page that shows nothing of it to anyone but its owner (the
/// withdrawal's confirmation: staff are sent to the dossier page), without recording a read.
fn load(conn: &mut AnyConnection, caller: &Caller, code: &str, at: DateTime<Utc>) -> Result<DossierRecord, AppError> {
    dossiers::load_record(conn, caller, &dossiers::parse_code(code)?, at)
}

/// The staff reads of the dossier, for its owner only (one statement; issue 17 item 2).
fn owner_accesses(
    conn: &mut AnyConnection,
    caller: &Caller,
    r: &DossierRecord,
    show_names: bool,
) -> Result<Option<crate::http::pages::accesses::AccessesSection>, AppError> {
    if caller.role != Role::Citizen || r.row.citizen_user_id.as_deref() != Some(caller.user_id.as_str()) {
        return Ok(None);
    }
    let a = crate::services::accesses::for_owner(conn, &r.row.id, show_names)?;
    Ok(Some(crate::http::pages::accesses::AccessesSection::new(a, show_names)))
}

/// What a POST on a dossier led to: the next page, or the dossier again with the error.
enum Posted {
    Done,
    Failed(Box<DossierRecord>, AppError),
    /// Refused before the dossier was looked at (an error page without the dossier).
    Refused(AppError),
}

/// The use case's outcome on the page's trip: on an error, the dossier is read for the page.
fn posted(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    at: DateTime<Utc>,
    outcome: Result<(), AppError>,
) -> Result<Posted, AppError> {
    Ok(match outcome {
        Ok(()) => Posted::Done,
        Err(e) => Posted::Failed(Box::new(record(conn, caller, code, at)?), e),
    })
}

/// GET /ho-so-cua-toi/{code}: the citizen's dossier; the rating form once the result is returned.
pub async fn my_dossier(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    q: web::Query<MyDossierQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let (code, now) = (code.into_inner(), ctx.clock.now());
    let show = ctx.privacy.show_staff_names_to_owner;
    let (r, accesses) = session
        .run(&ctx.pool, move |conn, caller| {
            let r = record(conn, &caller, &code, now)?;
            let accesses = owner_accesses(conn, &caller, &r, show)?;
            Ok((r, accesses))
        })
        .await
        .in_layout(&layout)?;
    let page = MyDossierPage {
        accesses,
        submitted: q.da_nop.is_some(),
        file_error: q.tep_loi.is_some(),
        done: q.da_danh_gia.is_some(),
        acted: q.xong.as_deref().map(super::super::staff::action_label),
        attached: q.da_gui_tep.is_some(),
        ..MyDossierPage::of(layout, &r)
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// POST /ho-so-cua-toi/{code}/danh-gia: one rating through `services::dossiers::rate_on`.
pub async fn rate(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    client: crate::http::client::ClientAddr,
    code: web::Path<String>,
    form: web::Form<RatingForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let code = code.into_inner();
    let form = form.into_inner();
    let layout = Layout::new(Some(session.claimed()), &format!("/ho-so-cua-toi/{code}"));
    let score = form.score.trim().parse::<i64>().unwrap_or(0);
    let comment = Some(form.comment.clone()).filter(|c| !c.trim().is_empty());
    let (limits, now, rated) = (ctx.limits.clone(), ctx.clock.now(), code.clone());
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            let outcome = dossiers::rate_on(conn, &limits, Some(&caller), &client, &rated, score, comment, None, now);
            posted(conn, &caller, &rated, now, outcome.map(|_| ()))
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Posted::Done => Ok(see_other(&format!("/ho-so-cua-toi/{}?da_danh_gia=1", percent_encode(&code)))),
        Posted::Failed(r, e) => {
            let status = e.status_and_code().0;
            let page = MyDossierPage {
                error: Some(messages::vi(&e)),
                score: form.score,
                comment: form.comment,
                ..MyDossierPage::of(layout, &r)
            };
            Ok(render(status, &page))
        }
        Posted::Refused(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CitizenActionForm {
    action: String,
    #[serde(default)]
    note: String,
    /// `1` when the applicant confirmed on the withdrawal page (a withdrawal cannot be undone).
    #[serde(default)]
    confirm: String,
}

/// The withdrawal's own confirmation page (issue 17 item 5: the pages have no scripts, so a
/// withdrawal is confirmed on a page of its own before anything changes).
#[derive(Template, WebTemplate)]
#[template(path = "citizen_withdraw.html")]
pub struct WithdrawPage {
    layout: Layout,
    d: DossierView,
}

/// GET /ho-so-cua-toi/{code}/rut-ho-so: what withdrawing means, the note, and the button that
/// does it; only while the applicant may still withdraw (else the dossier page says why not).
pub async fn confirm_withdraw(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let (code, now) = (code.into_inner(), ctx.clock.now());
    let back = format!("/ho-so-cua-toi/{}", percent_encode(&code));
    let r = session.run(&ctx.pool, move |conn, caller| load(conn, &caller, &code, now)).await.in_layout(&layout)?;
    if !r.allowed_actions.contains(&"withdraw") {
        return Ok(see_other(&back));
    }
    Ok(render(StatusCode::OK, &WithdrawPage { layout, d: DossierView::new(&r) }))
}

/// POST /ho-so-cua-toi/{code}/xu-ly: the applicant withdraws, or says the supplement is complete
/// (one `services::dossiers::act_on`).
pub async fn act(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    form: web::Form<CitizenActionForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let code = code.into_inner();
    let form = form.into_inner();
    // A withdrawal is confirmed on its own page first: nothing changes without it.
    if form.action == "withdraw" && form.confirm != "1" {
        return Ok(see_other(&format!("/ho-so-cua-toi/{}/rut-ho-so", percent_encode(&code))));
    }
    let layout = Layout::new(Some(session.claimed()), &format!("/ho-so-cua-toi/{code}"));
    let input = dossiers::ActionInput {
        action: form.action.clone(),
        note: Some(form.note.trim().to_string()).filter(|n| !n.is_empty()),
        ..Default::default()
    };
    let (links, now, acted) = (ctx.links.clone(), ctx.clock.now(), code.clone());
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            if let Err(e) = citizens_only(&caller) {
                return Ok(Posted::Refused(e));
            }
            if !["withdraw", "submit_supplement"].contains(&input.action.as_str()) {
                return Ok(Posted::Refused(AppError::new(
                    crate::error::ErrorCode::UnknownAction,
                    "the applicant withdraws or submits the supplement",
                )));
            }
            let outcome = dossiers::check_action(&acted, input)
                .and_then(|(key, action, note)| dossiers::act_on(conn, &links, &caller, &key, action, note, now));
            posted(conn, &caller, &acted, now, outcome.map(|_| ()))
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Posted::Done => {
            Ok(see_other(&format!("/ho-so-cua-toi/{}?xong={}", percent_encode(&code), percent_encode(&form.action))))
        }
        Posted::Failed(r, e) => {
            let status = e.status_and_code().0;
            let page = MyDossierPage { error: Some(messages::vi(&e)), ..MyDossierPage::of(layout, &r) };
            Ok(render(status, &page))
        }
        Posted::Refused(e) => Err(e.into()),
    }
}

/// POST /ho-so-cua-toi/{code}/tep (multipart, one file): the applicant adds a file to an open
/// dossier (e.g. the supplement), one `services::dossiers::attach_on`. The file is read before
/// the trip, so no connection is held while it arrives.
pub async fn attach(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let code = code.into_inner();
    let layout = Layout::new(Some(session.claimed()), &format!("/ho-so-cua-toi/{code}"));
    // Only a citizen's file is read: anyone else is refused on the trip.
    let read = if citizens_only(session.claimed()).is_ok() { read_form(payload).await } else { Ok((vec![], vec![])) };
    let (now, attached) = (ctx.clock.now(), code.clone());
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            citizens_only(&caller)?;
            let outcome = match read {
                Ok((_, mut files)) if files.len() == 1 => {
                    dossiers::attach_on(conn, &caller, &attached, files.remove(0), now).map(|_| ())
                }
                Ok(_) => Err(AppError::new(crate::error::ErrorCode::EmptyFile, "choose one file")),
                Err(e) => Err(e),
            };
            posted(conn, &caller, &attached, now, outcome)
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Posted::Done => Ok(see_other(&format!("/ho-so-cua-toi/{}?da_gui_tep=1", percent_encode(&code)))),
        Posted::Failed(r, e) => {
            let status = e.status_and_code().0;
            let page = MyDossierPage { error: Some(messages::vi(&e)), ..MyDossierPage::of(layout, &r) };
            Ok(render(status, &page))
        }
        Posted::Refused(e) => Err(e.into()),
    }
}
