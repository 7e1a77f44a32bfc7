//! The inbox page (`/can-bo`): the open dossiers at the caller's agency, most urgent first, with
//! the applicant's name, a search box, filters and a link to the next page (`services::inbox`).
use crate::http::context::AppContext;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::super::{fmt, messages, percent_encode, render, see_other, InLayout, Layout, PageError, PageSession};
use crate::domain::dossier::Urgency;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::inbox::{self, InboxQuery, View, OPEN_AT_AGENCY};
use crate::storage::departments;

/// The colour of an urgency (the rule and its label are the domain's: `domain::dossier::Urgency`).
fn urgency_class(u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => "u-overdue",
        Urgency::Today => "u-today",
        Urgency::Soon => "u-soon",
        Urgency::Waiting => "u-waiting",
        Urgency::New => "u-new",
        Urgency::InTime => "u-ok",
    }
}

pub struct InboxRow {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub status: &'static str,
    pub channel: &'static str,
    pub deadline: String,
    pub due: String,
    pub urgency_class: &'static str,
    pub urgency_label: &'static str,
    /// The department holding it, by name; empty: the agency as a whole.
    pub department: String,
}

/// The page's search and filters, as in its address (the API's names).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InboxForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub procedure: String,
    #[serde(default)]
    pub received_from: String,
    #[serde(default)]
    pub received_to: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub cursor: String,
}

impl InboxForm {
    fn query(&self) -> InboxQuery {
        let some = |s: &str| Some(s.to_string());
        InboxQuery {
            limit: None,
            cursor: some(&self.cursor),
            q: some(&self.q),
            urgency: some(&self.urgency),
            status: some(&self.status),
            channel: some(&self.channel),
            procedure: some(&self.procedure),
            received_from: some(&self.received_from),
            received_to: some(&self.received_to),
            department: some(&self.department),
        }
    }

    /// The page's address with these filters and `cursor`.
    fn href(&self, cursor: &str) -> String {
        let pairs = [
            ("q", &self.q),
            ("urgency", &self.urgency),
            ("status", &self.status),
            ("channel", &self.channel),
            ("procedure", &self.procedure),
            ("received_from", &self.received_from),
            ("received_to", &self.received_to),
            ("department", &self.department),
        ];
        let mut parts: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", percent_encode(v.trim())))
            .collect();
        if !cursor.is_empty() {
            parts.push(format!("cursor={}", percent_encode(cursor)));
        }
        if parts.is_empty() {
            "/can-bo".into()
        } else {
            format!("/can-bo?{}", parts.join("&"))
        }
    }

    fn is_filtered(&self) -> bool {
        [
            &self.q,
            &self.urgency,
            &self.status,
            &self.channel,
            &self.procedure,
            &self.received_from,
            &self.received_to,
            &self.department,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }
}

/// An option of a list built from data (the agency's departments).
pub struct OwnedChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// An option of a filter's list.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_inbox.html")]
pub struct InboxPage {
    layout: Layout,
    agency: String,
    rows: Vec<InboxRow>,
    is_clerk: bool,
    year: i32,
    form: InboxForm,
    urgencies: Vec<Choice>,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    /// The agency's departments (and "not in a department yet"); empty when it has none.
    departments: Vec<OwnedChoice>,
    /// The filters narrow the list (the empty list then says so).
    filtered: bool,
    /// The next page's address, if there is one.
    next: Option<String>,
    /// The first page's address, when this is a later one.
    first: Option<String>,
    error: Option<String>,
}

/// The Vietnamese message of a refused filter.
fn filter_message(e: &AppError) -> String {
    let code = e.status_and_code().1;
    let text = match code {
        "invalid_cursor" => "Liên kết trang không còn dùng được; danh sách được hiển thị lại từ trang đầu.",
        "invalid_search" => "Từ khóa tìm kiếm dài tối đa 100 ký tự và không chứa ký tự điều khiển.",
        "invalid_urgency" => "Mức độ khẩn không hợp lệ: hãy chọn trong danh sách.",
        "invalid_status_filter" => "Tình trạng không hợp lệ: hãy chọn trong danh sách.",
        "invalid_channel_filter" => "Kênh nộp không hợp lệ: hãy chọn trực tiếp, trực tuyến hoặc bưu chính.",
        "invalid_date_range" => "“Nhận từ ngày” phải trước hoặc trùng “đến ngày”.",
        "invalid_department" => "Phòng, ban không hợp lệ: hãy chọn trong danh sách.",
        _ => return messages::vi(e),
    };
    text.to_string()
}

/// GET /can-bo: the open dossiers at the caller's agency, most urgent first, a page at a time.
pub async fn inbox(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let caller = session.claimed().clone();
    if caller.role == Role::Citizen {
        return Ok(see_other("/ho-so-cua-toi"));
    }
    let form = web::Query::<InboxForm>::from_query(req.query_string()).map(|q| q.into_inner()).unwrap_or_default();
    let agency = caller.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
    let is_clerk = caller.role == Role::Clerk;
    let now = ctx.clock.now();
    let query = form.query();
    // One trip: the account check, the agency's departments and the page of dossiers.
    let read = session.run(&ctx.pool, move |conn, caller| {
        let agencies: Vec<String> = caller.agency.iter().map(|a| a.to_string()).collect();
        let departments = departments::open_of(conn, &agencies)?;
        Ok((inbox::read(conn, &caller, View::Page, &query, now), departments))
    });
    let (page, error, departments) = match read.await.in_layout(&layout)? {
        (Ok(page), d) => (Some(page), None, d),
        (Err(e), d) if e.status().as_u16() == 400 => (None, Some(e), d),
        (Err(e), _) => return Err(e).in_layout(&layout),
    };
    let department_name = |key: &Option<String>| {
        key.as_ref()
            .map(|k| departments.iter().find(|d| &d.key == k).map(|d| d.name.clone()).unwrap_or_else(|| k.clone()))
            .unwrap_or_default()
    };
    let rows = page
        .as_ref()
        .map(|p| {
            p.items
                .iter()
                .map(|(r, rank)| {
                    // The query ranked each row by the domain's rule (`Urgency::rank`, `UrgencyWindow`).
                    let urgency = p
                        .thresholds
                        .and(u8::try_from(*rank).ok())
                        .and_then(Urgency::from_rank)
                        .unwrap_or(Urgency::InTime);
                    let deadline = r.deadline();
                    InboxRow {
                        code: r.code.clone().unwrap_or_else(|| r.reference.clone()),
                        procedure: r.procedure_name.clone(),
                        applicant: r.applicant_name.clone(),
                        status: crate::domain::regime::of_receipt(r.received_at, r.submitted_at).status_name(r.status),
                        channel: r.channel.label_vi(),
                        deadline: fmt::opt_time(deadline),
                        due: fmt::opt_date(r.promised_due_at()),
                        urgency_class: urgency_class(urgency),
                        urgency_label: urgency.label_vi(),
                        department: department_name(&r.current_department),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let next = page.as_ref().and_then(|p| p.next_cursor.as_deref()).map(|c| form.href(c));
    let first = (!form.cursor.trim().is_empty()).then(|| form.href(""));
    let urgencies = Urgency::ALL
        .iter()
        .map(|u| Choice { value: u.as_str(), label: u.label_vi(), selected: form.urgency == u.as_str() })
        .collect();
    let statuses = OPEN_AT_AGENCY
        .iter()
        .map(|s| Choice { value: s.as_str(), label: s.label_vi(), selected: form.status == s.as_str() })
        .collect();
    let channels = [("direct", "Trực tiếp"), ("online", "Trực tuyến"), ("postal", "Bưu chính")]
        .into_iter()
        .map(|(value, label)| Choice { value, label, selected: form.channel == value })
        .collect();
    let department_choices = match departments.is_empty() {
        true => vec![],
        false => std::iter::once(("none".to_string(), "Chưa giao phòng, ban".to_string()))
            .chain(departments.iter().map(|d| (d.key.clone(), d.name.clone())))
            .map(|(value, label)| OwnedChoice { selected: form.department == value, value, label })
            .collect(),
    };
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = InboxPage {
        layout,
        agency,
        rows,
        is_clerk,
        year: inbox::year_of(now),
        filtered: form.is_filtered(),
        form,
        urgencies,
        statuses,
        channels,
        departments: department_choices,
        next,
        first,
        error: error.as_ref().map(filter_message),
    };
    Ok(render(status, &page))
}
