//! The deadline ledger (sổ theo dõi thời hạn, issue 17 item 1): every event of a dossier that set,
//! paused, restarted or moved its due date, with the date it produced, the rule it follows and,
//! in plain Vietnamese, why — the receipt after 15:00 or on a day off, the holidays crossed, the
//! supplement that paused the clock and restarted it from zero, the apology's new date, the
//! competent agency's receipt of a boundary-free dossier — and how the dossier ended against it.
//!
//! The dates are those the state machine produced and the control sheet kept on each row
//! (`dossier_events.due_at`, `extended_due_at`): the ledger explains them, it does not recompute
//! them. Rows written before the ledger existed carry none; for those the start of the clock is
//! the calendar's own computation ([`WorkingCalendar::due_at`], the function the rules call).
//! Pure: the public lookup and the citizen's page call it with what they read.
use chrono::{DateTime, NaiveDate, Utc};

use super::calendar::{to_vietnam, Timeliness, WorkingCalendar};
use super::dossier::Status;
use super::labels::weekday_label;
use super::procedure::{TimeLimit, TimeUnit};
use super::regime::Regime;

/// One control-sheet row, as the ledger reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEvent<'a> {
    pub at: DateTime<Utc>,
    /// The stored action (`intake`, `receive`, `request_supplement`…).
    pub action: &'a str,
    /// The dossier's status after the row.
    pub status: Status,
    /// The statutory due date after the row, as stored (None: not started, paused, or not recorded).
    pub due_at: Option<DateTime<Utc>>,
    /// The apology's new date after the row, as stored.
    pub extended_due_at: Option<DateTime<Utc>>,
}

/// What the ledger knows of the dossier besides its rows.
#[derive(Debug, Clone)]
pub struct LedgerContext<'a> {
    pub limit: TimeLimit,
    pub calendar: &'a WorkingCalendar,
    /// The regime the dossier is handled under (the one of its receipt day): the rules' sources.
    pub regime: &'a Regime,
    /// Received at a centre for a competent agency elsewhere (boundary-free intake), with the
    /// centre's deadline for handing it over.
    pub handover_due_at: Option<DateTime<Utc>>,
    pub boundary_free: bool,
    /// How the dossier was judged when it finished (against the statutory date).
    pub timeliness: Option<Timeliness>,
}

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// Submitted online: the clock waits for the receipt.
    SubmittedOnline,
    /// Asked for a supplement at intake: nothing is received, the clock has not started.
    IntakeSupplement,
    /// Received: the statutory clock starts.
    ClockStarted,
    /// Received at a centre for the competent agency: only the handover deadline runs.
    AwaitingHandover,
    /// The competent agency received it: the statutory clock starts.
    CompetentReceived,
    /// A supplement was asked in appraisal: the clock stops.
    Paused,
    /// The supplement came back: the clock restarts from zero.
    Restarted,
    /// The apology set a new date.
    Extended,
    /// Another agency's opinion was asked: the date does not move.
    Consulted,
    /// The result (or the refusal) is ready: judged against the statutory date.
    Finished,
    Withdrawn,
    Stopped,
    NotReceived,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubmittedOnline => "submitted_online",
            Self::IntakeSupplement => "intake_supplement",
            Self::ClockStarted => "clock_started",
            Self::AwaitingHandover => "awaiting_handover",
            Self::CompetentReceived => "competent_received",
            Self::Paused => "paused",
            Self::Restarted => "restarted",
            Self::Extended => "extended",
            Self::Consulted => "consulted",
            Self::Finished => "finished",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::NotReceived => "not_received",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::SubmittedOnline => "Nộp hồ sơ trực tuyến",
            Self::IntakeSupplement => "Yêu cầu bổ sung khi tiếp nhận",
            Self::ClockStarted => "Tiếp nhận hồ sơ: bắt đầu tính thời hạn",
            Self::AwaitingHandover => "Tiếp nhận tại Trung tâm, chờ chuyển cơ quan có thẩm quyền",
            Self::CompetentReceived => "Cơ quan có thẩm quyền nhận hồ sơ: bắt đầu tính thời hạn",
            Self::Paused => "Tạm dừng tính thời hạn: chờ bổ sung hồ sơ",
            Self::Restarted => "Nhận đủ hồ sơ bổ sung: tính lại thời hạn từ đầu",
            Self::Extended => "Thư xin lỗi và hẹn lại ngày trả kết quả",
            Self::Consulted => "Lấy ý kiến cơ quan liên quan",
            Self::Finished => "Có kết quả giải quyết",
            Self::Withdrawn => "Rút hồ sơ",
            Self::Stopped => "Dừng xử lý hồ sơ",
            Self::NotReceived => "Không tiếp nhận hồ sơ",
        }
    }
}

/// Which date an entry's `due_at` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    /// The statutory due date (hạn giải quyết theo quy định): statistics judge against it.
    Statutory,
    /// The apology's new date (ngày hẹn trả mới).
    Promised,
    /// The receiving centre's deadline to hand a boundary-free dossier over.
    Handover,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Statutory => "statutory",
            Self::Promised => "promised",
            Self::Handover => "handover",
        }
    }
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    pub at: DateTime<Utc>,
    pub kind: EntryKind,
    /// The date in force after the event; None while the clock has not started or is paused, and
    /// once the dossier is closed.
    pub due_at: Option<DateTime<Utc>>,
    pub due_kind: Option<DueKind>,
    /// Why, in plain Vietnamese.
    pub explanation: String,
    /// The rule it follows.
    pub rule: String,
}

/// Bộ luật Dân sự 2015 Điều 147–148: how a period is counted (the day of the event is not
/// counted; a period ending on a day off ends on the next working day).
const COUNTING: &str = "Bộ luật Dân sự 2015 Điều 147, 148 (cách tính thời hạn)";
/// Bộ luật Lao động 2019 Điều 112: the public holidays.
const HOLIDAYS: &str = "Bộ luật Lao động 2019 Điều 112 (ngày nghỉ lễ, Tết)";
/// ND 61/2018 Điều 15.3, 16: a supplement asked at intake means nothing is received yet.
const INTAKE_SUPPLEMENT: &str = "Nghị định 61/2018/NĐ-CP Điều 15 khoản 3, Điều 16 (hướng dẫn bổ sung khi tiếp nhận)";
/// ND 61/2018 Điều 17 (online dossiers): the clock starts at the receipt.
const ONLINE: &str = "Nghị định 61/2018/NĐ-CP Điều 17 (hồ sơ trực tuyến: tính thời hạn từ khi tiếp nhận)";
/// ND 61/2018 Điều 19.5–19.6: consultation; no rule found that moves the due date for it.
const CONSULTED: &str =
    "Nghị định 61/2018/NĐ-CP Điều 19 khoản 5, 6 (lấy ý kiến); không tìm thấy quy định kéo dài thời hạn khi lấy ý kiến";
/// TT 01/2018 Điều 13 (as `rules/finish.rs`): timeliness against the statutory date.
const JUDGED: &str = "Thông tư 01/2018/TT-VPCP Điều 13 (đánh giá theo hạn giải quyết theo quy định)";
/// ND 61/2018 Điều 17, 19.8: not received, or refused.
const NOT_RECEIVED: &str = "Nghị định 61/2018/NĐ-CP Điều 17 (từ chối tiếp nhận)";

/// ND 61/2018 Điều 19.4 (the article of the supplement window, which the regime cites): after a
/// supplement asked in appraisal, the time limit restarts from zero.
fn restart(regime: &Regime) -> String {
    format!(
        "{} (thời hạn tính lại từ đầu khi nhận đủ hồ sơ bổ sung)",
        regime.rules.supplement_window_working_days.citation()
    )
}

/// An article of ND 61/2018 cited for a dossier of a later regime: said so, not passed off as its own.
fn of_nd61(regime: &Regime, citation: &str) -> String {
    if regime.acts.iter().any(|a| a.contains("61/2018")) {
        citation.to_string()
    } else {
        format!("{citation}; quy định tương ứng của {} chưa được đối chiếu", regime.name)
    }
}

/// The regime's stop notice (TT 03/2025 adds one), or that it has none.
fn stop_notice(regime: &Regime) -> String {
    match regime.forms.iter().find(|f| f.kind == super::regime::FormKind::StopNotice) {
        Some(f) => format!("{}: {}", regime.circular, f.title),
        None => format!("{}: không có mẫu thông báo dừng giải quyết hồ sơ", regime.circular),
    }
}

fn day_vi(d: NaiveDate) -> String {
    format!("{} {}", weekday_label(d), d.format("%d/%m/%Y"))
}

fn moment_vi(t: DateTime<Utc>) -> String {
    let local = to_vietnam(t);
    format!("{} {}", local.format("%H:%M"), day_vi(local.date_naive()))
}

/// The weekdays off (holidays, Tết, bridge days) in `(from, to]`, as runs "08/02–14/02/2024".
fn holidays_crossed(calendar: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    use chrono::Datelike;
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut day = from;
    while day < to {
        day = day.succ_opt().expect("a date in range");
        let weekday_off = day.weekday().number_from_monday() <= 5 && !calendar.is_working_day(day);
        if !weekday_off {
            continue;
        }
        match runs.last_mut() {
            // Consecutive days off, or separated only by a weekend, make one run.
            Some((_, end)) if calendar.next_working_day(*end) > day => *end = day,
            _ => runs.push((day, day)),
        }
    }
    runs.into_iter()
        .map(|(a, b)| {
            if a == b {
                a.format("%d/%m/%Y").to_string()
            } else {
                format!("{}–{}", a.format("%d/%m"), b.format("%d/%m/%Y"))
            }
        })
        .collect()
}

/// How the date was counted from `start`, in words, and the rules it follows.
fn counted(ctx: &LedgerContext, start: DateTime<Utc>, due: DateTime<Utc>) -> (String, String) {
    let local = to_vietnam(start);
    let day = local.date_naive();
    let cutoff = &ctx.regime.rules.paper_handover_cutoff;
    let mut text = format!("Thời điểm bắt đầu: {}.", moment_vi(start));
    let mut rules = vec![COUNTING.to_string()];
    let from = match ctx.limit.unit {
        TimeUnit::WorkingDays | TimeUnit::Days => {
            let base = ctx.calendar.base_day(local);
            if base != day {
                let why = if ctx.calendar.is_working_day(day) {
                    format!("sau {}", cutoff.value)
                } else {
                    "vào ngày nghỉ".to_string()
                };
                text.push_str(&format!(" Nhận {why} nên tính như nhận vào ngày làm việc tiếp theo, {}.", day_vi(base)));
                rules.push(format!("{} (mốc {})", cutoff.citation(), cutoff.value));
            }
            let unit = if ctx.limit.unit == TimeUnit::WorkingDays { "ngày làm việc" } else { "ngày" };
            text.push_str(&format!(" Thời hạn {} {unit}, đếm từ ngày hôm sau.", ctx.limit.value));
            if ctx.limit.unit == TimeUnit::Days {
                text.push_str(" Ngày cuối rơi vào ngày nghỉ thì chuyển sang ngày làm việc tiếp theo.");
            }
            base
        }
        TimeUnit::Hours => {
            text.push_str(&format!(
                " Thời hạn {} giờ làm việc (07:30–11:30, 13:30–17:30 các ngày làm việc).",
                ctx.limit.value
            ));
            day
        }
    };
    // From the receipt day: the days off that pushed the start are crossed too.
    let crossed = holidays_crossed(ctx.calendar, day.min(from), to_vietnam(due).date_naive());
    if !crossed.is_empty() {
        text.push_str(&format!(" Không tính các ngày nghỉ lễ, Tết: {}.", crossed.join(", ")));
        rules.push(HOLIDAYS.to_string());
    }
    text.push_str(&format!(" Hạn giải quyết: {}.", moment_vi(due)));
    (text, rules.join("; "))
}

/// The ledger of a dossier's rows, in order.
pub fn ledger(events: &[LedgerEvent], ctx: &LedgerContext) -> Vec<LedgerEntry> {
    let rules = &ctx.regime.rules;
    let mut out = Vec::new();
    // Whether the statutory clock has started (a supplement asked after it pauses it).
    let mut started = false;
    let mut promised: Option<DateTime<Utc>> = None;
    for e in events {
        let entry = |kind, due_at, due_kind, explanation: String, rule: String| LedgerEntry {
            at: e.at,
            kind,
            due_at,
            due_kind,
            explanation,
            rule,
        };
        // The date this row started: as stored, or (rows from before the ledger) as the calendar counts it.
        let start = || e.due_at.unwrap_or_else(|| ctx.calendar.due_at(to_vietnam(e.at), ctx.limit).with_timezone(&Utc));
        let receipt = matches!(e.action, "intake" | "receive") && e.status == Status::Received;
        match e.action {
            "intake" if e.status == Status::Submitted => out.push(entry(
                EntryKind::SubmittedOnline,
                None,
                None,
                format!(
                    "Nộp trực tuyến lúc {}. Thời hạn chưa bắt đầu: bắt đầu khi Bộ phận Một cửa kiểm tra và tiếp nhận hồ sơ.",
                    moment_vi(e.at)
                ),
                of_nd61(ctx.regime, ONLINE),
            )),
            "intake" | "refuse" if e.status == Status::NotReceived => out.push(entry(
                EntryKind::NotReceived,
                None,
                None,
                "Hồ sơ không được tiếp nhận: không có thời hạn giải quyết.".into(),
                of_nd61(ctx.regime, NOT_RECEIVED),
            )),
            _ if receipt && ctx.boundary_free => out.push(entry(
                EntryKind::AwaitingHandover,
                ctx.handover_due_at,
                ctx.handover_due_at.map(|_| DueKind::Handover),
                format!(
                    "Tiếp nhận lúc {} tại nơi không phải cơ quan có thẩm quyền. Thời hạn giải quyết chưa bắt đầu: \
                     bắt đầu khi cơ quan có thẩm quyền nhận hồ sơ.{}",
                    moment_vi(e.at),
                    ctx.handover_due_at
                        .map(|d| format!(" Hạn chuyển hồ sơ: {}.", moment_vi(d)))
                        .unwrap_or_default()
                ),
                format!("{}; {}", rules.boundary_free_intake.citation(), rules.handover_working_days.citation()),
            )),
            _ if receipt => {
                started = true;
                let due = start();
                let (text, rule) = counted(ctx, e.at, due);
                out.push(entry(EntryKind::ClockStarted, Some(due), Some(DueKind::Statutory), text, rule));
            }
            "transfer" if ctx.boundary_free && !started => {
                started = true;
                let due = start();
                let (text, rule) = counted(ctx, e.at, due);
                out.push(entry(
                    EntryKind::CompetentReceived,
                    Some(due),
                    Some(DueKind::Statutory),
                    text,
                    format!("{}; {rule}", rules.boundary_free_intake.citation()),
                ));
            }
            "request_supplement" if started => out.push(entry(
                EntryKind::Paused,
                None,
                None,
                "Cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ: thời hạn ngừng tính trong khi chờ người nộp bổ sung; \
                 khi nhận đủ, thời hạn được tính lại từ đầu."
                    .into(),
                restart(ctx.regime),
            )),
            "request_supplement" => out.push(entry(
                EntryKind::IntakeSupplement,
                None,
                None,
                "Hồ sơ chưa đủ khi tiếp nhận: chưa tính thời hạn cho đến khi hồ sơ đủ và được tiếp nhận.".into(),
                of_nd61(ctx.regime, INTAKE_SUPPLEMENT),
            )),
            "submit_supplement" if started && matches!(e.status, Status::Received | Status::Processing) => {
                let due = start();
                let (mut text, rule) = counted(ctx, e.at, due);
                if promised.is_some() && e.extended_due_at.is_none() && e.due_at.is_some() {
                    text.push_str(" Ngày hẹn trong thư xin lỗi không còn áp dụng vì hạn mới muộn hơn.");
                }
                out.push(entry(
                    EntryKind::Restarted,
                    Some(due),
                    Some(DueKind::Statutory),
                    text,
                    format!("{}; {rule}", restart(ctx.regime)),
                ));
            }
            "extend" => {
                let new = e.extended_due_at;
                let statutory = out.iter().rev().find_map(|x: &LedgerEntry| {
                    (x.due_kind == Some(DueKind::Statutory)).then_some(x.due_at).flatten()
                });
                out.push(entry(
                    EntryKind::Extended,
                    new,
                    new.map(|_| DueKind::Promised),
                    format!(
                        "Cơ quan giải quyết gửi thư xin lỗi và hẹn lại ngày trả kết quả{}. Việc đánh giá đúng hạn vẫn \
                         so với hạn theo quy định{}.",
                        new.map(|d| format!(": {}", moment_vi(d))).unwrap_or_default(),
                        statutory.map(|d| format!(" ({})", moment_vi(d))).unwrap_or_default()
                    ),
                    rules.extension_notice_working_days.citation().to_string(),
                ));
            }
            "consult" => out.push(entry(
                EntryKind::Consulted,
                e.extended_due_at.or(e.due_at),
                e.extended_due_at.map(|_| DueKind::Promised).or(e.due_at.map(|_| DueKind::Statutory)),
                "Cơ quan giải quyết lấy ý kiến cơ quan liên quan; hạn giải quyết không thay đổi.".into(),
                of_nd61(ctx.regime, CONSULTED),
            )),
            "finish" | "refuse" if e.status == Status::ResultReady => {
                let statutory = out.iter().rev().find_map(|x: &LedgerEntry| {
                    (x.due_kind == Some(DueKind::Statutory)).then_some(x.due_at).flatten()
                });
                let judged = match (ctx.timeliness, statutory) {
                    (Some(t), Some(d)) => format!(" {} so với hạn theo quy định ({}).", t.label_vi(), moment_vi(d)),
                    (Some(t), None) => format!(" {}.", t.label_vi()),
                    _ => String::new(),
                };
                out.push(entry(
                    EntryKind::Finished,
                    None,
                    None,
                    format!("Có kết quả giải quyết lúc {}.{judged}", moment_vi(e.at)),
                    JUDGED.to_string(),
                ));
            }
            "withdraw" => out.push(entry(
                EntryKind::Withdrawn,
                None,
                None,
                "Người nộp rút hồ sơ: thời hạn không còn tính.".into(),
                rules.stop_on_request_only_before_decision.citation().to_string(),
            )),
            "stop" => out.push(entry(
                EntryKind::Stopped,
                None,
                None,
                "Cơ quan dừng xử lý hồ sơ: thời hạn không còn tính.".into(),
                stop_notice(ctx.regime),
            )),
            _ => {}
        }
        promised = e.extended_due_at;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dossier::{Action, Channel, Dossier, Handover};
    use crate::domain::user::Role;

    fn events(rows: &[Handover]) -> Vec<LedgerEvent<'_>> {
        rows.iter()
            .map(|h| LedgerEvent {
                at: h.at,
                action: h.action,
                status: h.status,
                due_at: h.due_at,
                extended_due_at: h.extended_due_at,
            })
            .collect()
    }

    fn vn_at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        crate::domain::calendar::vietnam().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    /// A land dossier received on Wednesday 7/2/2024 at 16:00 — after 15:00, on the eve of Tết
    /// (8–14/2) — asked for a supplement, given it, then apologised for: each entry carries the
    /// date the state machine produced, and says why.
    #[test]
    fn a_dossier_across_tet_with_a_supplement_and_an_apology_explains_each_date() {
        use crate::domain::dossier::fixtures::*;
        let cal = calendar();
        let clerk = staff(Role::Clerk, COMMUNE);
        let mut rows = Vec::new();
        let (d, h) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn_at(2024, 2, 7, 16, 0), &cal).unwrap();
        rows.push(h);
        let first_due = d.due_at.unwrap();
        let (d, h) = d.apply(&Action::Transfer, &clerk, vn_at(2024, 2, 15, 9, 0), &cal).unwrap();
        rows.push(h);
        let district = staff(Role::Specialist, DISTRICT);
        let ask = Action::RequestSupplement { missing: vec!["Bản đồ địa chính".into()] };
        let (d, h) = d.apply(&ask, &district, vn_at(2024, 2, 16, 10, 0), &cal).unwrap();
        rows.push(h);
        let (d, h) = d.apply(&Action::SubmitSupplement, &owner(), vn_at(2024, 2, 26, 9, 30), &cal).unwrap();
        rows.push(h);
        let restarted_due = d.due_at.unwrap();
        let new_day = NaiveDate::from_ymd_opt(2024, 4, 5).unwrap();
        let apology = Action::Extend { new_due_day: new_day, reason: "Chờ đo đạc".into() };
        let (d, h) = d.apply(&apology, &district, vn_at(2024, 3, 15, 9, 0), &cal).unwrap();
        rows.push(h);
        let ctx = LedgerContext {
            limit: limit(),
            calendar: &cal,
            regime: d.regime(),
            handover_due_at: None,
            boundary_free: false,
            timeliness: None,
        };
        let l = ledger(&events(&rows), &ctx);
        let kinds: Vec<EntryKind> = l.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntryKind::ClockStarted, EntryKind::Paused, EntryKind::Restarted, EntryKind::Extended]);
        // After 15:00 on the 7th: counted from Thursday 15/2 (the 8th–14th are Tết), 20 working
        // days after it: Thursday 14/3 at the close.
        assert_eq!(l[0].due_at, Some(first_due));
        assert_eq!(to_vietnam(first_due).format("%d/%m/%Y %H:%M").to_string(), "14/03/2024 17:30");
        assert!(
            l[0].explanation.contains("sau 15:00 nên tính như nhận vào ngày làm việc tiếp theo, Thứ Năm 15/02/2024"),
            "{}",
            l[0].explanation
        );
        assert!(
            l[0].explanation.contains("Không tính các ngày nghỉ lễ, Tết: 08/02–14/02/2024"),
            "{}",
            l[0].explanation
        );
        assert!(l[0].rule.contains("Điều 18 khoản 1") && l[0].rule.contains("Điều 112"), "{}", l[0].rule);
        assert_eq!((l[1].due_at, l[1].due_kind), (None, None), "paused");
        // Restarted from zero on Monday 26/2 at 09:30: 20 working days after it, 25/3.
        assert_eq!(l[2].due_at, Some(restarted_due));
        assert_eq!(to_vietnam(restarted_due).format("%d/%m/%Y").to_string(), "25/03/2024");
        assert!(!l[2].explanation.contains("Tết"), "no holiday after the restart: {}", l[2].explanation);
        assert_eq!((l[3].due_at, l[3].due_kind), (d.extended_due_at, Some(DueKind::Promised)));
        assert!(
            l[3].explanation.contains("05/04/2024") && l[3].explanation.contains("25/03/2024"),
            "{}",
            l[3].explanation
        );
        assert!(l[3].rule.contains("Điều 19 khoản 9"), "{}", l[3].rule);
        // The same rows without stored dates (written before the ledger): the calendar counts the starts alike.
        let legacy: Vec<LedgerEvent> = events(&rows).into_iter().map(|e| LedgerEvent { due_at: None, ..e }).collect();
        let again = ledger(&legacy, &ctx);
        assert_eq!(again[0].due_at, l[0].due_at);
        assert_eq!(again[2].due_at, l[2].due_at);
    }

    /// Online: nothing counts until the receipt; received on a Saturday, counting starts Monday.
    /// Finished: judged against the statutory date.
    #[test]
    fn an_online_dossier_starts_at_its_receipt_and_ends_judged() {
        use crate::domain::dossier::fixtures::*;
        let cal = calendar();
        let clerk = staff(Role::Clerk, COMMUNE);
        let (d, h0) =
            Dossier::intake(Channel::Online, code(COMMUNE), route(), limit(), vn_at(2024, 3, 1, 20, 0), &cal).unwrap();
        let (d, h1) = d.apply(&Action::Receive, &clerk, vn_at(2024, 3, 2, 9, 0), &cal).unwrap();
        let rows = [h0, h1];
        let ctx = LedgerContext {
            limit: limit(),
            calendar: &cal,
            regime: d.regime(),
            handover_due_at: None,
            boundary_free: false,
            timeliness: Some(Timeliness::Early),
        };
        let l = ledger(&events(&rows), &ctx);
        assert_eq!(l[0].kind, EntryKind::SubmittedOnline);
        assert_eq!(l[0].due_at, None);
        assert!(
            l[1].explanation
                .contains("vào ngày nghỉ nên tính như nhận vào ngày làm việc tiếp theo, Thứ Hai 04/03/2024"),
            "{}",
            l[1].explanation
        );
        assert_eq!(l[1].due_at, d.due_at);
        let finished = LedgerEvent {
            at: vn_at(2024, 3, 20, 10, 0),
            action: "finish",
            status: Status::ResultReady,
            due_at: d.due_at,
            extended_due_at: None,
        };
        let mut all = events(&rows);
        all.push(finished);
        let l = ledger(&all, &ctx);
        assert_eq!(l[2].kind, EntryKind::Finished);
        assert!(l[2].explanation.contains("Trước hạn so với hạn theo quy định"), "{}", l[2].explanation);
    }
}
