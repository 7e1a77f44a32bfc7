//! `/quan-tri/co-quan`: the agencies valid on a chosen day as a tree, with the forms that create a
//! unit, rename one (a new version with a new code) and close one into a successor; and
//! `/quan-tri/co-quan/{code}`: one unit, its validity, lineage and the changes made to it. A rename
//! or a close can be run dry first ("Chạy thử"): the page shows what it would change.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::reorganisations::ReportView;
use super::{admin_layout, admin_only, status_of};
use crate::auth::Caller;
use crate::domain::calendar::to_vietnam;
use crate::error::{AppError, ErrorCode};
use crate::http::context::AppContext;
use crate::http::pages::{
    fmt, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::services::agencies_admin::{self, Close, NewAgency, Rename, KINDS};
use crate::services::calendar::parse_day;
use crate::storage::agencies::AgencyRow;
use crate::storage::agency_changes::AgencyChangeRow;
use crate::storage::reorganisations::LineageRow;
use crate::storage::AnyConnection;

/// Vietnamese name of a level.
fn level_vi(level: &str) -> &'static str {
    match level {
        "ministry" => "Trung ương",
        "province" => "Cấp tỉnh",
        "district" => "Cấp huyện",
        "commune" => "Cấp xã",
        _ => "",
    }
}

/// Vietnamese name of a kind of unit.
fn kind_vi(kind: &str) -> &'static str {
    match kind {
        "people_committee" => "Ủy ban nhân dân",
        "department" => "Sở, ban, ngành",
        "service_centre" => "Trung tâm phục vụ hành chính công",
        "ministry" => "Bộ, ngành trung ương",
        _ => "",
    }
}

/// Vietnamese name of an audited action.
fn action_vi(action: &str) -> &'static str {
    match action {
        "create" => "Tạo đơn vị",
        "rename" => "Đổi tên (phiên bản mới)",
        "close" => "Kết thúc hoạt động",
        "department_create" => "Tạo phòng, ban",
        "department_rename" => "Đổi tên phòng, ban (mã mới)",
        "department_close" => "Giải thể phòng, ban",
        _ => "",
    }
}

/// dd/mm/yyyy.
pub(super) fn day_vi(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "từ 01/07/2025 đến nay", "đến 30/06/2025", "từ trước khi có dữ liệu".
fn validity(a: &AgencyRow) -> String {
    let from = a.valid_from.map(|d| format!("từ {}", day_vi(d))).unwrap_or_else(|| "từ trước khi có dữ liệu".into());
    let to = a.valid_to.map(|d| format!("đến {}", day_vi(d))).unwrap_or_else(|| "đến nay".into());
    format!("{from} {to}")
}

/// One line of the tree: a unit, how deep it sits, and how many lists close after it.
struct TreeLine {
    code: String,
    name: String,
    level: &'static str,
    provisional: bool,
    validity: String,
    /// It has units below it on the day: a nested list opens after it.
    opens: bool,
    /// How many nested lists close after it.
    closes: usize,
}

/// Builds the nested lists from units ordered by path (parents before children). A unit whose
/// parent is not shown that day is put at the top.
fn tree(rows: &[AgencyRow]) -> Vec<TreeLine> {
    let shown: std::collections::HashSet<&str> = rows.iter().map(|a| a.code.as_str()).collect();
    let parent_of = |a: &AgencyRow| a.parent_code.as_deref().filter(|p| shown.contains(p)).map(str::to_string);
    let mut out: Vec<TreeLine> = Vec::new();
    // The chain of open ancestors of the current line.
    let mut stack: Vec<String> = Vec::new();
    for (i, a) in rows.iter().enumerate() {
        let opens = rows.get(i + 1).is_some_and(|next| parent_of(next).as_deref() == Some(a.code.as_str()));
        out.push(TreeLine {
            code: a.code.clone(),
            name: a.name.clone(),
            level: level_vi(&a.level),
            provisional: a.provisional_code,
            validity: validity(a),
            opens,
            closes: 0,
        });
        if opens {
            stack.push(a.code.clone());
            continue;
        }
        // Close the lists whose parent is not the next line's ancestor.
        let next_parent = rows.get(i + 1).and_then(parent_of);
        let mut closes = 0;
        while let Some(top) = stack.last() {
            if next_parent.as_deref() == Some(top.as_str()) {
                break;
            }
            stack.pop();
            closes += 1;
        }
        if let Some(last) = out.last_mut() {
            last.closes = closes;
        }
    }
    out
}

/// The create form's values, kept when it is shown again with an error.
#[derive(Debug, Clone, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_code: String,
    #[serde(default)]
    valid_from: String,
    provisional_code: Option<String>,
    handles_procedures: Option<String>,
}

impl Default for CreateForm {
    fn default() -> Self {
        Self {
            code: String::new(),
            name: String::new(),
            level: String::new(),
            kind: String::new(),
            parent_code: String::new(),
            valid_from: String::new(),
            provisional_code: None,
            handles_procedures: Some("1".into()),
        }
    }
}

/// The rename and close forms' values (one struct: the fields they share are the same).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_code: String,
    #[serde(default)]
    new_name: String,
    #[serde(default)]
    successor: String,
    #[serde(default)]
    effective_on: String,
    #[serde(default)]
    act: String,
    #[serde(default)]
    act_date: String,
    provisional_code: Option<String>,
    /// `dry_run` ("Chạy thử") or `apply`.
    #[serde(default)]
    action: String,
}

/// Which form an error or a dry run belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Which {
    None,
    Create,
    Rename,
    Close,
}

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct AgenciesPage {
    layout: Layout,
    day: String,
    day_vi: String,
    lines: Vec<TreeLine>,
    /// (code, name) of the units valid on the day, for the forms' choices.
    units: Vec<(String, String)>,
    levels: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    changes: Vec<ChangeLine>,
    create: CreateForm,
    rename: ChangeForm,
    close: ChangeForm,
    notice: Option<String>,
    error: Option<String>,
    /// The details of the error (a refused plan's problems), one per line.
    problems: Vec<String>,
    /// The form the error is about: "create", "rename", "close" or "".
    error_form: &'static str,
    error_field: &'static str,
    report: Option<ReportView>,
}

/// One audited change as the pages show it.
pub struct ChangeLine {
    at: String,
    by: String,
    code: String,
    action: &'static str,
    detail: String,
    plan: String,
}

fn change_line(c: AgencyChangeRow) -> ChangeLine {
    let detail: serde_json::Value = serde_json::from_str(&c.detail).unwrap_or_default();
    let s = |k: &str| detail[k].as_str().unwrap_or_default().to_string();
    let detail = match c.action.as_str() {
        "create" => format!("{} ({}), từ {}", s("name"), s("code"), s("valid_from")),
        "rename" => format!(
            "{} → {} ({}), hiệu lực {}, {}",
            s("old_name"),
            s("new_name"),
            s("new_code"),
            s("effective_on"),
            s("act")
        ),
        "close" => {
            format!("{}, do {} kế thừa, hiệu lực {}, {}", s("name"), s("successor"), s("effective_on"), s("act"))
        }
        "department_create" => format!("{} ({})", s("name"), s("key")),
        "department_rename" => format!("{} → {} ({})", s("key"), s("new_name"), s("new_key")),
        "department_close" => format!("{}, do {} nhận công việc", s("key"), s("successor")),
        _ => String::new(),
    };
    ChangeLine {
        at: fmt::time(c.at),
        by: c.by_user,
        code: c.agency_code,
        action: action_vi(&c.action),
        detail,
        plan: c.reorganisation_id.unwrap_or_default(),
    }
}

#[derive(Deserialize)]
pub struct AgenciesQuery {
    ngay: Option<String>,
    /// Prefills the rename and close forms with this unit.
    ma: Option<String>,
    da_luu: Option<String>,
}

/// What the list page reads on its trip.
struct AgenciesData {
    rows: Vec<AgencyRow>,
    changes: Vec<AgencyChangeRow>,
}

fn read_agencies(conn: &mut AnyConnection, caller: &Caller, day: NaiveDate) -> Result<AgenciesData, AppError> {
    Ok(AgenciesData {
        rows: agencies_admin::valid_on(conn, caller, day)?,
        changes: agencies_admin::changes_on(conn, caller, 20)?,
    })
}

/// The form field an error is about.
fn field_of(which: Which, e: &AppError) -> &'static str {
    use ErrorCode::*;
    match (which, e.code()) {
        (Which::Create, InvalidUnitCode | AgencyCodeTaken) => "code",
        (Which::Create, InvalidAgencyName) => "name",
        (Which::Create, InvalidLevel) => "level",
        (Which::Create, InvalidAgencyKind) => "kind",
        (Which::Create, InvalidAgencyCode | UnknownAgency | ParentNotValid) => "parent_code",
        (Which::Create, InvalidDate) => "valid_from",
        (_, InvalidUnitCode | AgencyCodeTaken | RenameNeedsNewCode) if which == Which::Rename => "new_code",
        (_, InvalidAgencyName) => "new_name",
        (_, InvalidUnitCode | UnknownAgency | SuccessorNotValid) => "successor",
        (_, InvalidDate | AgencyNotValidThen) => "effective_on",
        (_, InvalidAct) => "act",
        (_, InvalidAgencyCode | AgencyNotFound | AgencyHasUnitsBelow) => "code",
        _ => "",
    }
}

/// The English detail lines of a refused plan (its problems), for the page to list.
fn problems_of(e: &AppError) -> Vec<String> {
    if e.code() != ErrorCode::ReorganisationRefused {
        return vec![];
    }
    e.to_string().lines().filter_map(|l| l.strip_prefix("- ")).map(str::to_string).collect()
}

struct Shown {
    day: NaiveDate,
    create: CreateForm,
    rename: ChangeForm,
    close: ChangeForm,
    notice: Option<String>,
    outcome: Option<(Which, Result<crate::services::reorganise::Report, AppError>)>,
}

fn show(layout: Layout, data: AgenciesData, shown: Shown) -> HttpResponse {
    let (error, report, which) = match shown.outcome {
        Some((w, Err(e))) => (Some(e), None, w),
        Some((w, Ok(r))) => (None, Some(ReportView::from(&r)), w),
        None => (None, None, Which::None),
    };
    let page = AgenciesPage {
        layout,
        day: shown.day.to_string(),
        day_vi: day_vi(shown.day),
        lines: tree(&data.rows),
        units: data.rows.iter().map(|a| (a.code.clone(), a.name.clone())).collect(),
        levels: ["province", "district", "commune", "ministry"].map(|l| (l, level_vi(l))).to_vec(),
        kinds: KINDS.map(|k| (k, kind_vi(k))).to_vec(),
        changes: data.changes.into_iter().map(change_line).collect(),
        create: shown.create,
        rename: shown.rename,
        close: shown.close,
        notice: shown.notice,
        error: error.as_ref().map(messages::vi),
        problems: error.as_ref().map(problems_of).unwrap_or_default(),
        error_form: match which {
            Which::Create => "create",
            Which::Rename => "rename",
            Which::Close => "close",
            Which::None => "",
        },
        error_field: error.as_ref().map(|e| field_of(which, e)).unwrap_or(""),
        report,
    };
    render(status_of(error.as_ref()), &page)
}

fn today(ctx: &AppContext) -> NaiveDate {
    to_vietnam(ctx.clock.now()).date_naive()
}

/// GET /quan-tri/co-quan[?ngay=YYYY-MM-DD]: the tree of the units valid that day (default today).
pub async fn agencies_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<AgenciesQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let q = query.into_inner();
    let today = today(&ctx);
    let ngay = q.ngay.filter(|d| !d.trim().is_empty());
    let data = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let day = ngay.as_deref().map(parse_day).transpose()?.unwrap_or(today);
            Ok((day, read_agencies(conn, &caller, day)?))
        })
        .await
        .in_layout(&layout)?;
    let (day, data) = data;
    let code = q.ma.unwrap_or_default();
    let shown = Shown {
        day,
        create: CreateForm::default(),
        rename: ChangeForm { code: code.clone(), ..Default::default() },
        close: ChangeForm { code, ..Default::default() },
        notice: q.da_luu.map(|t| format!("Đã lưu: {t}.")),
        outcome: None,
    };
    Ok(show(layout, data, shown))
}

/// POST /quan-tri/co-quan: creates a unit; back to the tree on its first day.
pub async fn create_agency(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let form = form.into_inner();
    let (now, today) = (ctx.clock.now(), today(&ctx));
    let new = NewAgency {
        code: form.code.clone(),
        name: form.name.clone(),
        level: form.level.clone(),
        kind: form.kind.clone(),
        parent_code: Some(form.parent_code.clone()),
        valid_from: Some(form.valid_from.clone()),
        handles_procedures: Some(form.handles_procedures.is_some()),
        provisional_code: form.provisional_code.is_some(),
    };
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match agencies_admin::create_on(conn, &caller, new, now) {
                Ok(row) => Ok(row),
                Err(e) => Err((read_agencies(conn, &caller, today)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(row) => Ok(see_other(&format!(
            "/quan-tri/co-quan?ngay={}&da_luu={}",
            row.valid_from.unwrap_or(today),
            percent_encode(&format!("đã tạo {} ({})", row.name, row.code))
        ))),
        Err((data, e)) => {
            let shown = Shown {
                day: today,
                create: form,
                rename: ChangeForm::default(),
                close: ChangeForm::default(),
                notice: None,
                outcome: Some((Which::Create, Err(e))),
            };
            Ok(show(layout, data, shown))
        }
    }
}

/// A rename or a close, run dry or applied: applied → back to the tree on the effective date; a
/// dry run or an error → the page with the report or the error, the values kept.
async fn change(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: ChangeForm,
    which: Which,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (now, today) = (ctx.clock.now(), today(&ctx));
    let dry_run = form.action != "apply";
    let f = form.clone();
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let act_date = Some(f.act_date.clone()).filter(|d| !d.trim().is_empty());
            let result = match which {
                Which::Rename => agencies_admin::rename_on(
                    conn,
                    &caller,
                    &f.code,
                    Rename {
                        new_code: f.new_code,
                        new_name: f.new_name,
                        effective_on: f.effective_on,
                        act: f.act,
                        act_date,
                        provisional_code: f.provisional_code.is_some(),
                    },
                    now,
                    dry_run,
                ),
                _ => agencies_admin::close_on(
                    conn,
                    &caller,
                    &f.code,
                    Close { successor: f.successor, effective_on: f.effective_on, act: f.act, act_date },
                    now,
                    dry_run,
                ),
            };
            let day = parse_day(&form_day(&result)).unwrap_or(today);
            let data = if dry_run || result.is_err() { Some(read_agencies(conn, &caller, today)?) } else { None };
            Ok((result, data, day))
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        (Ok(report), None, day) => {
            let what = if which == Which::Rename { "đổi tên" } else { "kết thúc" };
            let state =
                if report.applied { "đã áp dụng" } else { "sẽ áp dụng khi đến ngày hiệu lực" };
            Ok(see_other(&format!(
                "/quan-tri/co-quan?ngay={day}&da_luu={}",
                percent_encode(&format!("{what} {} ({}), {state}", form.code, report.plan))
            )))
        }
        (result, data, _) => {
            let data = data.unwrap_or(AgenciesData { rows: vec![], changes: vec![] });
            let (rename, close) = match which {
                Which::Rename => (form, ChangeForm::default()),
                _ => (ChangeForm::default(), form),
            };
            let shown = Shown {
                day: today,
                create: CreateForm::default(),
                rename,
                close,
                notice: None,
                outcome: Some((which, result)),
            };
            Ok(show(layout, data, shown))
        }
    }
}

/// The effective date of an applied change (the tree is shown on it).
fn form_day(result: &Result<crate::services::reorganise::Report, AppError>) -> String {
    result.as_ref().map(|r| r.effective_on.to_string()).unwrap_or_default()
}

/// POST /quan-tri/co-quan/doi-ten: renames a unit (a new version with a new code).
pub async fn rename_agency(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, PageError> {
    change(ctx, req, session, form.into_inner(), Which::Rename).await
}

/// POST /quan-tri/co-quan/ket-thuc: closes a unit into a successor.
pub async fn close_agency(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, PageError> {
    change(ctx, req, session, form.into_inner(), Which::Close).await
}

/// One lineage link as the unit's page shows it.
struct LinkLine {
    from_code: String,
    from_name: String,
    to_code: String,
    to_name: String,
    whole: &'static str,
    on: String,
    act: String,
}

fn link_line((l, to_name): (LineageRow, String)) -> LinkLine {
    LinkLine {
        from_code: l.predecessor_code.unwrap_or_default(),
        from_name: match l.predecessor_province {
            Some(p) => format!("{} ({p})", l.predecessor_name),
            None => l.predecessor_name,
        },
        to_code: l.successor_code,
        to_name,
        whole: if l.whole { "toàn bộ" } else { "một phần" },
        on: day_vi(l.effective_on),
        act: l.act,
    }
}

#[derive(Template)]
#[template(path = "admin_agency.html")]
struct AgencyPage {
    layout: Layout,
    code: String,
    name: String,
    level: &'static str,
    kind: &'static str,
    provisional: bool,
    validity: String,
    ended: bool,
    parent: Option<(String, String)>,
    holder: Option<(String, String)>,
    predecessors: Vec<LinkLine>,
    successors: Vec<LinkLine>,
    ancestry: Vec<LinkLine>,
    descent: Vec<LinkLine>,
    changes: Vec<ChangeLine>,
    departments: Vec<super::departments::DepartmentLine>,
    notice: Option<String>,
    error: Option<String>,
}

/// GET /quan-tri/co-quan/{code}: one unit, its validity, lineage and the changes made to it.
pub async fn agency_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    q: web::Query<super::departments::DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let code = code.into_inner();
    let (r, departments) = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let r = agencies_admin::record_on(conn, &caller, &code)?;
            Ok((r, crate::services::departments::history_on(conn, &code)?))
        })
        .await
        .in_layout(&layout)?;
    let q = q.into_inner();
    let a = &r.agency;
    let page = AgencyPage {
        code: a.code.clone(),
        name: a.name.clone(),
        level: level_vi(&a.level),
        kind: kind_vi(&a.kind),
        provisional: a.provisional_code,
        validity: validity(a),
        ended: a.valid_to.is_some(),
        parent: r.parent,
        holder: r.holder,
        predecessors: r.predecessors.into_iter().map(|l| (l, a.name.clone())).map(link_line).collect(),
        successors: r.successors.into_iter().map(link_line).collect(),
        ancestry: r.ancestry.into_iter().map(link_line).collect(),
        descent: r.descent.into_iter().map(link_line).collect(),
        changes: r.changes.into_iter().map(change_line).collect(),
        departments: departments.into_iter().map(super::departments::DepartmentLine::from).collect(),
        notice: q.da_luu.map(|t| format!("Đã lưu: {t}.")),
        error: q.loi,
        layout,
    };
    Ok(render(actix_web::http::StatusCode::OK, &page))
}
