//! The national evaluation indexes (issue 16 item 4), computed from a period's counters (a
//! [`ReportRow`]) and the procedures by online level, so that they cost what the report costs
//! whatever the number of dossiers:
//!
//! - **TT 01/2018/TT-VPCP Điều 12–15** ([`evaluation`]): nine indicators scored 2 / 1 / 0; those
//!   scored per dossier (Điều 14) are averaged over the dossiers to one decimal (Điều 15), those
//!   per unit scored once; the unit's total gives its grade (Điều 15: ≥ 15 xuất sắc, 12–< 15 tốt,
//!   9–< 12 khá, 6–< 9 trung bình, < 6 yếu).
//! - **QĐ 766/QĐ-TTg** ([`index766`]): the indicators of the Cổng DVCQG's formulas
//!   (`regulations.md` §5.2) that motcua holds the data of, each with numerator, denominator and
//!   rate, and the share of its full points where the source gives the threshold.
//! - **ND 224/2026 Điều 19.2** ([`realtime_metrics`]): the metrics to be tracked in real time.
//!
//! What motcua does not hold is never guessed: such an indicator says so (`computed: false`, with
//! the reason) and counts for nothing; digitisation, online payment and electronic results count
//! as zero, as the issue asks, until motcua has them.
use super::stats::ReportRow;

/// One indicator of an index: what it counts, from what, and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// The source's number ("1" … "9" for TT 01/2018; "2.1" for QĐ 766) or a metric name.
    pub id: &'static str,
    pub name: &'static str,
    /// False when motcua holds no data for it: `note` says why; numbers are then None.
    pub computed: bool,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// TT 01/2018: the score (0–2, one decimal). QĐ 766 and ND 224: the rate in percent (two
    /// decimals) or, for a time, the hours.
    pub value: Option<f64>,
    /// QĐ 766: the share of the indicator's full points earned (0–1), where the source gives the
    /// rule; None where it gives none.
    pub attainment: Option<f64>,
    pub formula: &'static str,
    pub source: &'static str,
    pub note: Option<&'static str>,
}

fn computed(id: &'static str, name: &'static str, n: i64, d: i64, value: Option<f64>) -> Indicator {
    Indicator {
        id,
        name,
        computed: true,
        numerator: Some(n),
        denominator: Some(d),
        value,
        attainment: None,
        formula: "",
        source: "",
        note: None,
    }
}

/// A rate in percent of `n ÷ d`.
fn rate(id: &'static str, name: &'static str, n: i64, d: i64) -> Indicator {
    computed(id, name, n, d, percent(n, d))
}

/// The average office hours from receipt to finish of the timed dossiers finished, one decimal.
fn average_processing_hours(r: &ReportRow) -> Option<f64> {
    (r.resolved_timed > 0).then(|| (r.resolved_working_minutes as f64 / 6.0 / r.resolved_timed as f64).round() / 10.0)
}

fn not_held(id: &'static str, name: &'static str, note: &'static str) -> Indicator {
    Indicator {
        id,
        name,
        computed: false,
        numerator: None,
        denominator: None,
        value: None,
        attainment: None,
        formula: "",
        source: "",
        note: Some(note),
    }
}

impl Indicator {
    fn formula(mut self, formula: &'static str, source: &'static str) -> Self {
        self.formula = formula;
        self.source = source;
        self
    }
    fn note(mut self, note: &'static str) -> Self {
        self.note = Some(note);
        self
    }
}

/// `n ÷ d` in percent, two decimals; None when `d` is 0.
pub fn percent(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| (n as f64 * 10000.0 / d as f64).round() / 100.0)
}

/// Points over dossiers, one decimal (TT 01/2018 Điều 15: "làm tròn đến 01 chữ số thập phân").
fn average_points(points: i64, dossiers: i64) -> Option<f64> {
    (dossiers > 0).then(|| (points as f64 * 10.0 / dossiers as f64).round() / 10.0)
}

/// The current procedures the unit's level receives, by online level 1–4.
pub type ProceduresByLevel = [i64; 4];

const TT01: &str = "TT 01/2018/TT-VPCP Điều 13–15 (regulations.md §2.6)";

/// A unit's TT 01/2018 evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub indicators: Vec<Indicator>,
    /// The sum of the computed indicators' scores.
    pub total: f64,
    /// The most the computed indicators could give (2 each).
    pub max_total: f64,
    /// The grade of Điều 15 for `total` scaled to the 18 points of nine indicators, since not all
    /// nine are computed (`grade_is_estimate`); None without any computed indicator.
    pub grade: Option<&'static str>,
    pub grade_is_estimate: bool,
}

/// TT 01/2018 Điều 15's grade bands for a unit's total out of 18.
pub fn grade(total: f64) -> &'static str {
    match total {
        t if t >= 15.0 => "xuất sắc",
        t if t >= 12.0 => "tốt",
        t if t >= 9.0 => "khá",
        t if t >= 6.0 => "trung bình",
        _ => "yếu",
    }
}

/// The TT 01/2018 evaluation of a unit over a period, from its counters.
pub fn evaluation(r: &ReportRow, [_, _, l3, l4]: ProceduresByLevel, all_procedures: i64) -> Evaluation {
    let resolved = r.resolved_total;
    let received = r.received_online + r.received_direct;
    let no_supplement = resolved - r.resolved_one_supplement - r.resolved_many_supplements;
    let steps_equal = r.steps_ended - r.steps_early - r.steps_late;
    let per_dossier =
        |id, name, points: i64, dossiers: i64| computed(id, name, points, dossiers, average_points(points, dossiers));
    let online_pct = percent(r.received_online, received);
    let level34_pct = percent(l3 + l4, all_procedures);
    let no_online_late = r.resolved_late_online == 0 && r.pending_overdue_online == 0;
    let unit9 = match (online_pct, level34_pct) {
        (Some(o), Some(l)) if l >= 20.0 && o >= 30.0 && no_online_late => 2,
        (Some(o), _) if o >= 15.0 => 1,
        _ => 0,
    };
    let indicators = vec![
        per_dossier("1", "Tổng thời gian giải quyết so với thời gian quy định", 2 * r.resolved_early + r.resolved_on_time, resolved)
            .formula("(2 × trước hạn + 1 × đúng hạn + 0 × quá hạn) ÷ hồ sơ đã giải quyết trong kỳ", TT01),
        per_dossier("2", "Thời gian thực hiện của từng cơ quan so với thời gian quy định", 2 * r.steps_early + steps_equal, r.steps_ended)
            .formula(
                "(2 × bước ngắn hơn + 1 × bằng + 0 × dài hơn thời gian của bước) ÷ bước kết thúc trong kỳ tại đơn vị",
                TT01,
            )
            .note("each stay at a route step, at the agency that held it, against the step's share of the time limit in office hours (domain::delay_attribution)"),
        per_dossier("3", "Số lần liên hệ để hoàn thiện hồ sơ", 2 * no_supplement + r.resolved_one_supplement, resolved)
            .formula("(2 × không yêu cầu bổ sung + 1 × một lần + 0 × nhiều lần) ÷ hồ sơ đã giải quyết trong kỳ", TT01)
            .note("a contact is read as a supplement request (at intake or in appraisal); the Điều 13.3 exception for the applicant's own fault is not recorded"),
        per_dossier("4", "Số cơ quan phải liên hệ", 2 * r.received_online_level4 + (received - r.received_online_level4), received)
            .formula("(2 × hồ sơ trực tuyến toàn trình + 1 × hồ sơ khác) ÷ hồ sơ tiếp nhận trong kỳ", TT01)
            .note("product's reading: a fully online (level-4) dossier contacts no agency, every other one only the one-stop counter; no dossier is asked to go to another agency"),
        not_held("5", "Giải quyết tại Bộ phận Một cửa", "which procedures the counter itself appraises and decides is not recorded in the catalogue"),
        not_held("6", "Công khai thủ tục hành chính", "publication (posted and electronic) is not recorded"),
        not_held("7", "Thái độ của cán bộ", "complaints about staff are not recorded in motcua"),
        not_held("8", "Giải quyết phản ánh, kiến nghị", "complaints and petitions (PAKN) are not handled in motcua"),
        computed("9", "Cung cấp dịch vụ công trực tuyến", r.received_online, received, Some(unit9 as f64)).formula(
            "2 khi ≥ 20% TTHC mức 3–4, ≥ 30% hồ sơ trực tuyến và không hồ sơ trực tuyến nào quá hạn; 1 khi hồ sơ trực tuyến ≥ 15%; còn lại 0",
            TT01,
        )
        .note("scored per unit; a unit at 30% or more online with a late online dossier is read as 1 point (the text's 1-point band says 15–< 30%)"),
    ];
    let scored: Vec<f64> = indicators.iter().filter_map(|i| i.computed.then_some(i.value).flatten()).collect();
    let total = (scored.iter().sum::<f64>() * 10.0).round() / 10.0;
    let max_total = 2.0 * scored.len() as f64;
    Evaluation {
        grade: (max_total > 0.0).then(|| grade(total * 18.0 / max_total)),
        grade_is_estimate: max_total < 18.0,
        indicators,
        total,
        max_total,
    }
}

const F766: &str = "QĐ 766/QĐ-TTg, formulas of Cổng DVCQG (regulations.md §5.2)";

/// One group of the QĐ 766 index.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: &'static str,
    pub name: &'static str,
    /// The group's points in the five-group template (regulations.md §5.1, [?]: unverified).
    pub max_points: f64,
    /// `max_points` × the mean attainment of the group's indicators that give one; None when none does.
    pub points: Option<f64>,
    pub indicators: Vec<Indicator>,
}

/// Attainment when the full points come at `threshold` percent and below it pro rata.
fn pro_rata(mut i: Indicator, threshold: f64) -> Indicator {
    i.attainment = i.value.map(|v| (v / threshold).min(1.0));
    i
}

/// Counts as zero until motcua has the data (the rule).
fn zero_until(id: &'static str, name: &'static str, note: &'static str) -> Indicator {
    Indicator { value: Some(0.0), attainment: Some(0.0), computed: true, ..not_held(id, name, note) }
}

/// The QĐ 766 index of a unit over a period, from its counters.
pub fn index766(r: &ReportRow, [_, _, l3, l4]: ProceduresByLevel, all_procedures: i64) -> Vec<Group> {
    let received = r.received_online + r.received_direct;
    // Indicator 2.1: finished in the period, and pending past the due day at its end (the period's
    // end is then their end of processing); more than one supplement request is overdue.
    let in_time = r.resolved_early + r.resolved_on_time - r.resolved_in_time_many_supplements;
    let judged = r.resolved_total + r.pending_overdue;
    let on_time = rate("2.1", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", in_time, judged)
        .formula(
            "(trước hạn + đúng hạn − hồ sơ yêu cầu bổ sung quá một lần) ÷ (đã giải quyết + chưa giải quyết đã quá hạn)",
            F766,
        )
        .note("no threshold or points curve was found: the attainment is the rate; the time the applicant took to supplement is already outside the statutory clock (DOMAIN.md §5); a pending dossier with two supplement requests counts when it finishes");
    let on_time = Indicator { attainment: on_time.value.map(|v| v / 100.0), ..on_time };
    let processing = computed(
        "2.2",
        "Thời gian xử lý trung bình (giờ làm việc)",
        r.resolved_working_minutes,
        r.resolved_timed,
        average_processing_hours(r),
    )
    .formula("giờ làm việc từ tiếp nhận đến hoàn thành ÷ hồ sơ hoàn thành có ghi thời gian", F766)
    .note("in office hours (07:30–11:30, 13:30–17:30 of working days); the source gives no points rule");
    vec![
        Group {
            id: "1",
            name: "Công khai, minh bạch",
            max_points: 18.0,
            points: None,
            indicators: vec![
                not_held("1.1", "Tỷ lệ TTHC công bố đúng hạn", "the dates of publication decisions are kept in CSDLQG về TTHC, not in motcua"),
                not_held("1.2", "Tỷ lệ TTHC cập nhật, công khai đúng hạn", "kept in CSDLQG về TTHC, not in motcua"),
                not_held("1.3", "Tỷ lệ TTHC công khai đầy đủ bộ phận tạo thành", "kept in CSDLQG về TTHC, not in motcua"),
                not_held("1.4", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", "see GET /api/v1/admin/portal/reconciliation for what the portal has taken"),
            ],
        },
        Group { id: "2", name: "Tiến độ, kết quả giải quyết", max_points: 20.0, points: None, indicators: vec![on_time, processing] },
        Group {
            id: "3",
            name: "Cung cấp dịch vụ trực tuyến",
            max_points: 22.0,
            points: None,
            indicators: vec![
                pro_rata(
                    rate("3.1", "Tỷ lệ TTHC cung cấp DVCTT", l3 + l4, all_procedures)
                        .formula("TTHC một phần + toàn trình ÷ TTHC thuộc thẩm quyền; đủ điểm từ 80%", F766),
                    80.0,
                ),
                pro_rata(
                    rate("3.3", "Tỷ lệ hồ sơ trực tuyến", r.received_online, received)
                        .formula("hồ sơ nộp trực tuyến ÷ hồ sơ tiếp nhận; đủ điểm từ 50%", F766)
                        .note("the portal also requires an electronic result for procedures with a paper result: motcua has none yet, so this is the upper bound"),
                    50.0,
                ),
                zero_until("3.5", "Tỷ lệ TTHC tích hợp thanh toán trực tuyến", "online payment is not part of motcua yet: counted as zero"),
                zero_until("3.6", "Tỷ lệ hồ sơ thanh toán trực tuyến", "online payment is not part of motcua yet: counted as zero"),
            ],
        },
        Group {
            id: "4",
            name: "Số hóa hồ sơ",
            max_points: 22.0,
            points: None,
            indicators: vec![
                zero_until("4.1", "Tỷ lệ hồ sơ có cấp kết quả điện tử", "electronic results are not part of motcua yet: counted as zero"),
                zero_until("4.2", "Tỷ lệ hồ sơ thực hiện số hóa", "digitisation (with an electronic result) is not part of motcua yet: counted as zero"),
                zero_until("4.3", "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa", "not part of motcua yet: counted as zero"),
            ],
        },
        Group {
            id: "5",
            name: "Mức độ hài lòng",
            max_points: 18.0,
            points: None,
            indicators: vec![{
                // 5.4 = 100% − (overdue rate + rate of dossiers with a complaint or a "dislike");
                // motcua's "dislike" is a rating of 1–2 of 5; complaints are not recorded.
                let overdue = r.resolved_late + r.pending_overdue;
                let judged = r.resolved_total + r.pending_overdue;
                let disliked = r.rated - r.rated_satisfied;
                let value = (judged > 0).then(|| {
                    let bad = overdue as f64 / judged as f64 + if r.rated > 0 { disliked as f64 / r.rated as f64 } else { 0.0 };
                    ((1.0 - bad).max(0.0) * 10000.0).round() / 100.0
                });
                pro_rata(
                    computed("5.4", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC", judged - overdue, judged, value)
                        .formula("100% − (tỷ lệ quá hạn + tỷ lệ đánh giá không hài lòng); đủ điểm từ 90%", F766)
                        .note("a rating below 4 of 5 is read as not satisfied; complaints (PAKN) are not recorded; indicators 5.1–5.3 concern PAKN, not handled in motcua"),
                    90.0,
                )
            }],
        },
    ]
    .into_iter()
    .map(|mut g| {
        let scored: Vec<f64> = g.indicators.iter().filter_map(|i| i.attainment).collect();
        g.points = (!scored.is_empty())
            .then(|| (g.max_points * scored.iter().sum::<f64>() / scored.len() as f64 * 100.0).round() / 100.0);
        g
    })
    .collect()
}

const ND224: &str = "ND 224/2026/NĐ-CP Điều 19.2 (regulations-2025.md §6)";

/// The metrics ND 224/2026 Điều 19.2 asks to track in real time, those motcua can compute.
pub fn realtime_metrics(r: &ReportRow, [_, _, _, l4]: ProceduresByLevel, all_procedures: i64) -> Vec<Indicator> {
    let received = r.received_online + r.received_direct;
    let resolved = r.resolved_total;
    vec![
        rate("procedures_fully_online_pct", "Tỷ lệ TTHC trực tuyến toàn trình", l4, all_procedures)
            .formula("TTHC mức 4 (toàn trình) ÷ TTHC", ND224),
        rate("dossiers_online_pct", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", r.received_online, received)
            .formula("hồ sơ nộp trực tuyến ÷ hồ sơ tiếp nhận trong kỳ", ND224),
        rate("dossiers_fully_online_pct", "Tỷ lệ hồ sơ trực tuyến toàn trình", r.received_online_level4, received)
            .formula("hồ sơ trực tuyến của TTHC mức 4 ÷ hồ sơ tiếp nhận trong kỳ", ND224),
        not_held(
            "process_automation_pct",
            "Mức độ tự động hóa quy trình",
            "motcua records no step as automated, and no formula was found",
        ),
        computed(
            "processing_time_hours",
            "Thời gian xử lý trung bình (giờ làm việc)",
            r.resolved_working_minutes,
            r.resolved_timed,
            average_processing_hours(r),
        )
        .formula("giờ làm việc từ tiếp nhận đến hoàn thành ÷ hồ sơ hoàn thành có ghi thời gian", ND224),
        rate("on_time_pct", "Tỷ lệ hồ sơ giải quyết đúng hạn", r.resolved_early + r.resolved_on_time, resolved)
            .formula("(trước hạn + đúng hạn) ÷ hồ sơ đã giải quyết trong kỳ", ND224),
        rate("satisfaction_pct", "Tỷ lệ hài lòng", r.rated_satisfied, r.rated)
            .formula("đánh giá 4–5 sao ÷ đánh giá trong kỳ", ND224),
        not_held(
            "proactive_services",
            "Dịch vụ công trực tuyến chủ động",
            "proactive services (Điều 16) are not part of motcua",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ReportRow {
        ReportRow {
            received_online: 40,
            received_direct: 60,
            received_online_level4: 10,
            resolved_total: 80,
            resolved_early: 50,
            resolved_on_time: 10,
            resolved_late: 20,
            pending_overdue: 5,
            resolved_one_supplement: 8,
            resolved_many_supplements: 4,
            resolved_in_time_many_supplements: 3,
            steps_ended: 30,
            steps_early: 20,
            steps_late: 6,
            rated: 10,
            rated_satisfied: 8,
            resolved_late_online: 2,
            ..Default::default()
        }
    }

    #[test]
    fn tt01_scores_each_dossier_2_1_0_and_averages_to_one_decimal() {
        let e = evaluation(&row(), [5, 5, 5, 5], 20);
        let v = |id: &str| e.indicators.iter().find(|i| i.id == id).unwrap().value;
        // (2 × 50 + 10) / 80 = 1.375 → 1.4.
        assert_eq!(v("1"), Some(1.4));
        // Steps: (2 × 20 + 4) / 30 = 1.47 → 1.5.
        assert_eq!(v("2"), Some(1.5));
        // Contacts: (2 × 68 + 8) / 80 = 1.8.
        assert_eq!(v("3"), Some(1.8));
        // Agencies: (2 × 10 + 90) / 100 = 1.1.
        assert_eq!(v("4"), Some(1.1));
        // 50% of procedures at level 3–4, 40% online, but two online dossiers were late: read as 1.
        assert_eq!(v("9"), Some(1.0));
        let none_late = ReportRow { resolved_late_online: 0, ..row() };
        let nine = |r: &ReportRow, online: i64| {
            let r = ReportRow { received_online: online, received_direct: 100 - online, ..*r };
            evaluation(&r, [5, 5, 5, 5], 20).indicators[8].value
        };
        assert_eq!(nine(&none_late, 40), Some(2.0));
        assert_eq!(nine(&none_late, 29), Some(1.0));
        assert_eq!(nine(&none_late, 14), Some(0.0));
        assert_eq!(nine(&ReportRow { pending_overdue_online: 1, ..none_late }, 40), Some(1.0));
        assert_eq!(e.total, 6.8);
        assert_eq!(e.max_total, 10.0);
        // 6.8 of 10 → 12.2 of 18: tốt, as an estimate (four indicators are not held).
        assert_eq!((e.grade, e.grade_is_estimate), (Some("tốt"), true));
        assert_eq!(e.indicators.iter().filter(|i| !i.computed).count(), 4);
    }

    #[test]
    fn the_grade_bands_follow_dieu_15() {
        assert_eq!(
            [18.0, 15.0, 14.9, 12.0, 9.0, 8.9, 6.0, 5.9].map(grade),
            ["xuất sắc", "xuất sắc", "tốt", "tốt", "khá", "trung bình", "trung bình", "yếu"]
        );
    }

    #[test]
    fn index766_counts_more_than_one_supplement_as_overdue_and_digitisation_as_zero() {
        let groups = index766(&row(), [5, 5, 5, 5], 20);
        let find = |id: &str| groups.iter().flat_map(|g| &g.indicators).find(|i| i.id == id).unwrap().clone();
        let on_time = find("2.1");
        // (50 + 10 − 3) / (80 + 5).
        assert_eq!((on_time.numerator, on_time.denominator), (Some(57), Some(85)));
        assert_eq!(on_time.value, Some(67.06));
        // 3.1: 50% of procedures online, full points at 80%.
        assert_eq!(find("3.1").attainment, Some(0.625));
        // 3.3: 40% online, full points at 50%.
        assert_eq!(find("3.3").attainment, Some(0.8));
        assert_eq!(find("4.2").attainment, Some(0.0));
        let digitisation = groups.iter().find(|g| g.id == "4").unwrap();
        assert_eq!(digitisation.points, Some(0.0));
        assert_eq!(groups.iter().find(|g| g.id == "1").unwrap().points, None, "publication is not held");
        // 5.4: 100% − (25/85 overdue + 2/10 disliked) = 50.59%.
        assert_eq!(find("5.4").value, Some(50.59));
    }
}
