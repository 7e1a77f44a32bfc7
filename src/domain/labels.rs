//! The Vietnamese names of the domain's values, in one place: pages, forms, exports and messages
//! take them from here (`status.label_vi()`, `action_label_vi("transfer")`…) rather than keeping
//! their own tables, which drift apart.
//!
//! Timeliness: TT 01/2018/TT-VPCP Mẫu 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ) records
//! each step's result as **Trước hạn / Đúng hạn / Quá hạn**, and the statistics form Biểu
//! II.06a/VPCP/KSTT (TT 01/2020) heads its columns the same way ("Quá hạn"), so a late dossier or
//! step is "Quá hạn" everywhere (the staff page said "Trễ hạn").
use super::agency::AgencyLevel;
use super::calendar::Timeliness;
use super::dossier::{Action, Channel, Decision, Status, Urgency};
use super::notice::Preference;
use super::procedure::TimeUnit;
use super::user::Role;

impl Status {
    /// Vietnamese label as shown to citizens and staff.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Mới đăng ký trực tuyến",
            Self::Received => "Đã tiếp nhận",
            Self::NotReceived => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::AwaitingSupplement => "Chờ bổ sung hồ sơ",
            Self::Withdrawn => "Đã rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::ResultReady => "Đã có kết quả",
            Self::Returned => "Đã trả kết quả",
        }
    }
}

/// The Vietnamese name of a national status code 1–10 (`TrangThaiHoSo`): the label of the status
/// it maps to, and for 6, which this system does not model, the national list's own name.
pub fn national_status_label_vi(code: i32) -> Option<&'static str> {
    match code {
        6 => Some("Yêu cầu thực hiện nghĩa vụ tài chính"),
        _ => Status::from_national_code(code).map(Status::label_vi),
    }
}

impl Channel {
    /// How the dossier came (`KenhThucHien`: trực tiếp, trực tuyến, bưu chính công ích).
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Direct => "Trực tiếp",
            Self::Online => "Trực tuyến",
            Self::Postal => "Bưu chính",
        }
    }
}

impl Timeliness {
    /// TT 01/2018 Mẫu 05 and Biểu II.06a: Trước hạn / Đúng hạn / Quá hạn (see the module's note).
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Early => "Trước hạn",
            Self::OnTime => "Đúng hạn",
            Self::Late => "Quá hạn",
        }
    }
}

/// The label of a stored timeliness (`early`, `on_time`, `late`); empty when there is none.
pub fn timeliness_label_vi(t: Option<Timeliness>) -> &'static str {
    t.map(Timeliness::label_vi).unwrap_or_default()
}

impl Decision {
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Approved => "Đã phê duyệt",
            Self::Refused => "Từ chối giải quyết",
        }
    }
}

impl Action {
    /// The name of the action on the control sheet and in the dossier's history.
    pub fn label_vi(&self) -> &'static str {
        action_label_vi(self.name())
    }
}

/// The name of a stored history action: every `Action::name`, and the handovers that are not
/// actions (`intake`, `consult`, `answer_consultation`). Unknown names read as a plain update.
pub fn action_label_vi(name: &str) -> &'static str {
    match name {
        "intake" => "Nộp / tiếp nhận hồ sơ",
        "receive" => "Tiếp nhận hồ sơ",
        "request_supplement" => "Yêu cầu bổ sung, hoàn thiện hồ sơ",
        "submit_supplement" => "Nhận hồ sơ bổ sung",
        "refuse" => "Từ chối giải quyết",
        "transfer" => "Chuyển bước xử lý tiếp theo",
        "assign" => "Chuyển phòng, ban xử lý",
        "approve" => "Phê duyệt",
        "finish" => "Hoàn thành, chuyển kết quả về Bộ phận Một cửa",
        "return_result" => "Trả kết quả cho người nộp",
        "extend" => "Xin lỗi và hẹn lại ngày trả kết quả",
        "withdraw" => "Rút hồ sơ theo đề nghị của người nộp",
        "stop" => "Dừng xử lý hồ sơ",
        "consult" => "Lấy ý kiến cơ quan liên quan",
        "answer_consultation" => "Trả lời xin ý kiến",
        _ => "Cập nhật hồ sơ",
    }
}

/// What each control-sheet row did, as a citizen reads it in the public timeline (issue 17 item
/// 3): where a row moves the dossier into a step of its procedure's route (a receipt, a transfer),
/// the step's own name ("Thẩm định hồ sơ", "Trả kết quả"); an online submission is "Nộp hồ sơ
/// trực tuyến"; any other row, its action's name ("Phê duyệt", "Yêu cầu bổ sung…").
/// `rows` are (action, status after the row), in order.
pub fn timeline_steps_vi(rows: &[(&str, Status)], step_names: &[String]) -> Vec<String> {
    let mut step = 0;
    rows.iter()
        .map(|(action, status)| {
            if let Some(s) = super::dossier::step_after(action, step, step_names.len()) {
                step = s;
            }
            match *action {
                "intake" if *status == Status::Submitted => "Nộp hồ sơ trực tuyến".to_string(),
                "intake" | "receive" | "transfer" if *status != Status::NotReceived => {
                    step_names.get(step).cloned().unwrap_or_else(|| action_label_vi(action).to_string())
                }
                _ => action_label_vi(action).to_string(),
            }
        })
        .collect()
}

impl Preference {
    /// How the applicant is told, as the dossier page shows it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Email => "Thư điện tử",
            Self::Sms => "Tin nhắn SMS",
            Self::Both => "Thư điện tử và tin nhắn SMS",
            Self::None => "Không nhận thông báo",
        }
    }
}

impl Role {
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Citizen => "Công dân",
            Self::Clerk => "Cán bộ một cửa",
            Self::Specialist => "Chuyên viên",
            Self::Leader => "Lãnh đạo",
            Self::Admin => "Quản trị",
        }
    }
}

impl Urgency {
    /// The inbox's text next to its colour.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Overdue => "Quá hạn",
            Self::Today => "Đến hạn hôm nay",
            Self::Soon => "Còn 1–2 ngày làm việc",
            Self::Waiting => "Chờ người nộp bổ sung",
            Self::New => "Mới nộp trực tuyến, chờ tiếp nhận",
            Self::InTime => "Trong hạn",
        }
    }
}

impl AgencyLevel {
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Ministry => "Bộ, ngành trung ương",
            Self::Province => "Cấp tỉnh",
            Self::District => "Cấp huyện",
            Self::Commune => "Cấp xã",
        }
    }
}

/// The label of a level as stored (`commune`, …); a level this version does not know reads
/// "Cấp khác" rather than nothing.
pub fn level_label_vi(stored: &str) -> &'static str {
    stored.parse::<AgencyLevel>().map(AgencyLevel::label_vi).unwrap_or("Cấp khác")
}

impl TimeUnit {
    /// The unit after a number ("20 ngày làm việc").
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::WorkingDays => "ngày làm việc",
            Self::Days => "ngày",
            Self::Hours => "giờ làm việc",
        }
    }
}

/// `1234567` → `1.234.567` (Vietnamese thousands separators).
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// 1.500.000 đồng.
pub fn vnd(n: i64) -> String {
    format!("{} đồng", group_thousands(n))
}

/// A procedure's fee as the catalogue and the receipt print it.
pub fn fee_label_vi(fee_vnd: i64, description: &str) -> String {
    match (fee_vnd, description.trim()) {
        (0, "") => "Không thu phí, lệ phí".to_string(),
        (n, "") => vnd(n),
        (0, d) => d.to_string(),
        (n, d) => format!("{} ({d})", vnd(n)),
    }
}

/// How a letterhead names a local government unit: a commune, ward, district or province is
/// represented by its People's Committee ("Phường Tân An" → "UBND Phường Tân An"); any other
/// name is kept.
pub fn committee_name(name: &str) -> String {
    const UNITS: [&str; 8] = ["Phường ", "Xã ", "Thị trấn ", "Quận ", "Huyện ", "Thị xã ", "Thành phố ", "Tỉnh "];
    match UNITS.iter().any(|u| name.starts_with(u)) {
        true => format!("UBND {name}"),
        false => name.to_string(),
    }
}

/// The place a province's documents are dated at ("Cần Thơ, ngày …"): the name of its People's
/// Committee without the administrative words before it ("UBND thành phố Cần Thơ" → "Cần Thơ").
pub fn place_name(province_committee: &str) -> String {
    let mut rest = province_committee.trim();
    for prefix in ["Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND", "thành phố", "Thành phố", "tỉnh", "Tỉnh", "TP."]
    {
        rest = rest.strip_prefix(prefix).map(str::trim_start).unwrap_or(rest);
    }
    if rest.is_empty() {
        province_committee.trim().to_string()
    } else {
        rest.to_string()
    }
}

/// The day of the week as Vietnamese writes it ("Thứ Hai" … "Chủ nhật").
pub fn weekday_label(d: chrono::NaiveDate) -> &'static str {
    use chrono::{Datelike, Weekday};
    match d.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_names_the_route_step_a_row_moved_into_and_the_action_otherwise() {
        let names: Vec<String> =
            ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Trả kết quả"].iter().map(|s| s.to_string()).collect();
        let rows = [
            ("intake", Status::Submitted),
            ("receive", Status::Received),
            ("transfer", Status::Processing),
            ("request_supplement", Status::AwaitingSupplement),
            ("submit_supplement", Status::Processing),
            ("approve", Status::Processing),
            ("finish", Status::ResultReady),
            ("return_result", Status::Returned),
        ];
        assert_eq!(
            timeline_steps_vi(&rows, &names),
            [
                "Nộp hồ sơ trực tuyến",
                "Tiếp nhận hồ sơ",
                "Thẩm định hồ sơ",
                "Yêu cầu bổ sung, hoàn thiện hồ sơ",
                "Nhận hồ sơ bổ sung",
                "Phê duyệt",
                "Hoàn thành, chuyển kết quả về Bộ phận Một cửa",
                "Trả kết quả cho người nộp"
            ]
        );
        // Without the procedure's steps (an imported dossier), the actions' names.
        assert_eq!(timeline_steps_vi(&rows[2..3], &[]), ["Chuyển bước xử lý tiếp theo"]);
    }

    #[test]
    fn fees_and_places_read_as_printed() {
        assert_eq!(super::vnd(1_500_000), "1.500.000 đồng");
        assert_eq!(super::vnd(-500), "-500 đồng");
        assert_eq!(super::fee_label_vi(0, " "), "Không thu phí, lệ phí");
        assert_eq!(super::fee_label_vi(50_000, "lệ phí"), "50.000 đồng (lệ phí)");
        assert_eq!(super::place_name("UBND thành phố Cần Thơ"), "Cần Thơ");
        assert_eq!(super::place_name("Ủy ban nhân dân tỉnh Hậu Giang"), "Hậu Giang");
        assert_eq!(super::place_name("UBND"), "UBND");
        assert_eq!(super::committee_name("Phường Tân An"), "UBND Phường Tân An");
        assert_eq!(super::committee_name("Sở Tư pháp"), "Sở Tư pháp");
    }

    use std::collections::HashSet;

    /// Every label is non-empty, has no stray spaces, and no two values of one kind share one.
    fn distinct_and_filled(kind: &str, labels: &[&'static str]) {
        for l in labels {
            assert!(!l.trim().is_empty() && l.trim() == *l, "{kind}: `{l}`");
        }
        let unique: HashSet<_> = labels.iter().collect();
        assert_eq!(unique.len(), labels.len(), "{kind}: two values share a label: {labels:?}");
    }

    #[test]
    fn every_value_has_its_own_vietnamese_name() {
        distinct_and_filled("status", &Status::ALL.map(Status::label_vi));
        distinct_and_filled("channel", &Channel::ALL.map(Channel::label_vi));
        distinct_and_filled("timeliness", &Timeliness::ALL.map(Timeliness::label_vi));
        distinct_and_filled("decision", &Decision::ALL.map(Decision::label_vi));
        distinct_and_filled("role", &Role::ALL.map(Role::label_vi));
        distinct_and_filled("urgency", &Urgency::ALL.map(Urgency::label_vi));
        distinct_and_filled("agency level", &AgencyLevel::ALL.map(AgencyLevel::label_vi));
        distinct_and_filled(
            "time unit",
            &[TimeUnit::WorkingDays, TimeUnit::Days, TimeUnit::Hours].map(TimeUnit::label_vi),
        );
        let preferences = ["email", "sms", "both", "none"].map(|p| Preference::parse(p).unwrap().label_vi());
        distinct_and_filled("notify preference", &preferences);
        let national: Vec<_> = (1..=10).map(|c| national_status_label_vi(c).expect("codes 1–10 have a name")).collect();
        distinct_and_filled("national status", &national);
        assert_eq!((national_status_label_vi(0), national_status_label_vi(11)), (None, None));
    }

    #[test]
    fn every_history_action_has_its_own_name_and_unknown_ones_read_as_an_update() {
        let names: Vec<&str> =
            Action::NAMES.iter().copied().chain(["intake", "consult", "answer_consultation"]).collect();
        let labels: Vec<_> = names.iter().map(|n| action_label_vi(n)).collect();
        distinct_and_filled("action", &labels);
        assert!(!labels.contains(&action_label_vi("rename")), "every known action has a name of its own");
        assert_eq!(action_label_vi("rename"), "Cập nhật hồ sơ");
        assert_eq!(Action::Transfer.label_vi(), "Chuyển bước xử lý tiếp theo");
    }

    #[test]
    fn a_late_dossier_is_qua_han_as_the_forms_of_tt_01_2018_say() {
        assert_eq!(Timeliness::Late.label_vi(), "Quá hạn");
        assert_eq!(timeliness_label_vi(Some(Timeliness::Late)), "Quá hạn");
        assert_eq!(timeliness_label_vi(Some(Timeliness::OnTime)), "Đúng hạn");
        assert_eq!(timeliness_label_vi(None), "");
        assert_eq!(Urgency::Overdue.label_vi(), Timeliness::Late.label_vi(), "the inbox uses the same word");
    }

    #[test]
    fn status_labels_stay_what_citizens_read_today() {
        assert_eq!(Status::Received.label_vi(), "Đã tiếp nhận");
        assert_eq!(national_status_label_vi(10), Some("Đã trả kết quả"));
        assert_eq!(national_status_label_vi(6), Some("Yêu cầu thực hiện nghĩa vụ tài chính"));
    }
}
