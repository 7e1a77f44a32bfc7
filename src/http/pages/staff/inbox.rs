//! The inbox page (`/can-bo`): the open dossiers at the caller's agency, most urgent first, with
//! the applicant's name, a search box, filters and a link to the next page (`services::inbox`).
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::super::portal::status_label;
use super::super::{fmt, messages, percent_encode, render, see_other, InLayout, Layout, PageCaller, PageError};
use super::channel_label;
use crate::clock::Clock;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::inbox::{self, InboxQuery, View, OPEN_AT_AGENCY, URGENCIES};
use crate::storage::inbox::Thresholds;
use crate::storage::Pool;

/// How pressing a dossier in the inbox is (colour and text label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Overdue,
    Today,
    Soon,
    Waiting,
    New,
    InTime,
}

impl Urgency {
    /// The rule: waiting for the applicant's supplement, or a new online submission; else by the
    /// deadline shown (the step's, else the promised date): past, today, within two working days, later.
    pub fn of(status_code: i32, deadline: Option<NaiveDateTime>, t: &Thresholds) -> Self {
        match (status_code, deadline) {
            (5, _) => Self::Waiting,
            (1, _) => Self::New,
            (_, Some(d)) if d < t.now => Self::Overdue,
            (_, Some(d)) if d < t.tomorrow => Self::Today,
            (_, Some(d)) if d < t.after_soon => Self::Soon,
            _ => Self::InTime,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Self::Overdue => "u-overdue",
            Self::Today => "u-today",
            Self::Soon => "u-soon",
            Self::Waiting => "u-waiting",
            Self::New => "u-new",
            Self::InTime => "u-ok",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "Quá hạn",
            Self::Today => "Đến hạn hôm nay",
            Self::Soon => "Còn 1–2 ngày làm việc",
            Self::Waiting => "Chờ người nộp bổ sung",
            Self::New => "Mới nộp trực tuyến, chờ tiếp nhận",
            Self::InTime => "Trong hạn",
        }
    }
    /// The filter's name for it (`services::inbox::URGENCIES`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::Today => "today",
            Self::Soon => "soon",
            Self::Waiting => "waiting",
            Self::New => "new",
            Self::InTime => "in_time",
        }
    }
    pub const ALL: [Urgency; 6] = [Self::Overdue, Self::Today, Self::Soon, Self::New, Self::InTime, Self::Waiting];
}

pub struct InboxRow {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub status: &'static str,
    pub channel: &'static str,
    pub deadline: String,
    pub due: String,
    pub urgency: Urgency,
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
        [&self.q, &self.urgency, &self.status, &self.channel, &self.procedure, &self.received_from, &self.received_to]
            .iter()
            .any(|v| !v.trim().is_empty())
    }
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
        _ => return messages::vi(e),
    };
    text.to_string()
}

/// GET /can-bo: the open dossiers at the caller's agency, most urgent first, a page at a time.
pub async fn inbox(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(&caller), req.path());
    let caller = caller.0;
    if caller.role == Role::Citizen {
        return Ok(see_other("/ho-so-cua-toi"));
    }
    let form = web::Query::<InboxForm>::from_query(req.query_string()).map(|q| q.into_inner()).unwrap_or_default();
    let agency = caller.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
    let is_clerk = caller.role == Role::Clerk;
    let now = clock.now();
    let (page, error) = match inbox::inbox(&pool, caller, View::Page, form.query(), now).await {
        Ok(page) => (Some(page), None),
        Err(e) if e.status().as_u16() == 400 => (None, Some(e)),
        Err(e) => return Err(e).in_layout(&layout),
    };
    let rows = page
        .as_ref()
        .map(|p| {
            p.items
                .iter()
                .map(|(r, _)| {
                    let deadline = r.step_due_at.or(r.extended_due_at).or(r.due_at);
                    InboxRow {
                        code: r.code.clone().unwrap_or_else(|| r.reference.clone()),
                        procedure: r.procedure_name.clone(),
                        applicant: r.applicant_name.clone(),
                        status: status_label(&r.status),
                        channel: channel_label(&r.channel),
                        deadline: fmt::opt_time(deadline),
                        due: fmt::opt_date(r.extended_due_at.or(r.due_at)),
                        urgency: p
                            .thresholds
                            .as_ref()
                            .map(|t| Urgency::of(r.status_code, deadline, t))
                            .unwrap_or(Urgency::InTime),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let next = page.as_ref().and_then(|p| p.next_cursor.as_deref()).map(|c| form.href(c));
    let first = (!form.cursor.trim().is_empty()).then(|| form.href(""));
    let urgencies = Urgency::ALL
        .iter()
        .filter(|u| URGENCIES.iter().any(|(n, _)| *n == u.name()))
        .map(|u| Choice { value: u.name(), label: u.label(), selected: form.urgency == u.name() })
        .collect();
    let statuses = OPEN_AT_AGENCY
        .iter()
        .map(|s| Choice { value: s.as_str(), label: s.label_vi(), selected: form.status == s.as_str() })
        .collect();
    let channels = [("direct", "Trực tiếp"), ("online", "Trực tuyến"), ("postal", "Bưu chính")]
        .into_iter()
        .map(|(value, label)| Choice { value, label, selected: form.channel == value })
        .collect();
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
        next,
        first,
        error: error.as_ref().map(filter_message),
    };
    Ok(render(status, &page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::inbox::rank;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    /// The page's rule and the query's rank (`storage::inbox`) agree, threshold by threshold.
    #[test]
    fn the_rule_and_the_querys_rank_name_the_same_urgency() {
        let t = Thresholds {
            now: at("2027-03-01 02:00:00"),
            tomorrow: at("2027-03-01 17:00:00"),
            after_soon: at("2027-03-03 17:00:00"),
        };
        let cases = [
            (5, Some("2027-02-01 00:00:00"), Urgency::Waiting, rank::WAITING),
            (1, None, Urgency::New, rank::NEW),
            (4, Some("2027-03-01 01:59:59"), Urgency::Overdue, rank::OVERDUE),
            (4, Some("2027-03-01 02:00:00"), Urgency::Today, rank::TODAY),
            (4, Some("2027-03-03 16:59:59"), Urgency::Soon, rank::SOON),
            (4, Some("2027-03-03 17:00:00"), Urgency::InTime, rank::IN_TIME),
            (9, None, Urgency::InTime, rank::IN_TIME),
        ];
        for (status, deadline, urgency, r) in cases {
            assert_eq!(Urgency::of(status, deadline.map(at), &t), urgency, "{status} {deadline:?}");
            let name = URGENCIES.iter().find(|(_, k)| *k == r).map(|(n, _)| *n);
            assert_eq!(name, Some(urgency.name()), "rank {r} is {}", urgency.name());
        }
    }
}
