//! Hand-written SVG charts for the leader dashboard, rendered on the server (no JavaScript, no fonts
//! needed: labels are plain `<text>`). Every chart carries a `<title>` and a `<desc>` that say what it
//! shows; the page puts the same numbers in a table beside it.
use std::fmt::Write;

use crate::domain::text::escape_html;

/// One series of a chart: a name for the legend, a colour and one value per category.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<Option<f64>>,
}

const WIDTH: f64 = 560.0;
const FONT: &str = r#"font-family="system-ui, sans-serif" font-size="13""#;

/// A "nice" axis maximum and step for values up to `max` (steps of 1, 2 or 5 × 10^k, about 5 ticks).
pub fn nice_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (5.0, 1.0);
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let step = step.max(1.0);
    ((max / step).ceil() * step, step)
}

/// Vietnamese number text: `1.234`, `12,5`.
pub fn vn_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        group_thousands(v.round() as i64)
    } else {
        let s = format!("{v:.1}");
        let (int, frac) = s.split_once('.').unwrap_or((&s, "0"));
        let int: i64 = int.parse().unwrap_or(0);
        let sign = if v < 0.0 && int == 0 { "-" } else { "" };
        format!("{sign}{},{frac}", group_thousands(int))
    }
}

pub use crate::domain::labels::group_thousands;

fn open(id: &str, height: f64, title: &str, desc: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" {FONT}><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape_html(title),
        escape_html(desc)
    )
}

fn legend(out: &mut String, series: &[Series<'_>], y: f64) {
    let mut x = 56.0;
    for s in series {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            y - 10.0,
            s.color,
            x + 16.0,
            y,
            escape_html(s.name)
        );
        x += 28.0 + 7.5 * s.name.chars().count() as f64;
    }
}

/// Horizontal grid lines and value labels of the y axis, for a plot area `(left, right, top, bottom)`.
fn y_axis(out: &mut String, (left, right, top, bottom): (f64, f64, f64, f64), max: f64, step: f64, suffix: &str) {
    let mut v = 0.0;
    while v <= max + 1e-9 {
        let y = bottom - (bottom - top) * v / max;
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y:.1}" x2="{right}" y2="{y:.1}" stroke="#d0d7de" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" fill="#444">{}{suffix}</text>"##,
            left - 6.0,
            y + 4.0,
            vn_number(v)
        );
        v += step;
    }
}

/// Which category labels to print so that they do not overlap (at most about 12).
fn label_every(n: usize) -> usize {
    n.div_ceil(12).max(1)
}

/// Vertical bars, one group per category (e.g. months), one bar per series.
pub fn grouped_bars(id: &str, title: &str, desc: &str, categories: &[String], series: &[Series<'_>]) -> String {
    let height = 320.0;
    let (left, right, top, bottom) = (56.0, WIDTH - 12.0, 36.0, height - 40.0);
    let max = series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, b| a.max(*b));
    let (max, step) = nice_axis(max);
    let mut out = open(id, height, title, desc);
    legend(&mut out, series, 18.0);
    y_axis(&mut out, (left, right, top, bottom), max, step, "");
    let n = categories.len().max(1) as f64;
    let band = (right - left) / n;
    let inner = band * 0.8;
    let bar = inner / series.len().max(1) as f64;
    let every = label_every(categories.len());
    for (i, cat) in categories.iter().enumerate() {
        let x0 = left + band * i as f64 + band * 0.1;
        for (j, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().flatten().unwrap_or(0.0);
            let h = (bottom - top) * v / max;
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {} — {}</title></rect>"#,
                x0 + bar * j as f64,
                bottom - h,
                (bar - 1.0).max(1.0),
                h,
                s.color,
                escape_html(cat),
                escape_html(s.name),
                vn_number(v)
            );
        }
        if i % every == 0 {
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#222">{}</text>"##,
                left + band * (i as f64 + 0.5),
                bottom + 18.0,
                escape_html(cat)
            );
        }
    }
    let _ = write!(out, r##"<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#444"/></svg>"##);
    out
}

/// A line over categories with values in percent (0–100); categories without a value break the line.
pub fn percent_line(id: &str, title: &str, desc: &str, categories: &[String], series: &Series<'_>) -> String {
    let height = 300.0;
    let (left, right, top, bottom) = (56.0, WIDTH - 12.0, 36.0, height - 40.0);
    let mut out = open(id, height, title, desc);
    legend(&mut out, std::slice::from_ref(series), 18.0);
    y_axis(&mut out, (left, right, top, bottom), 100.0, 25.0, "%");
    let n = categories.len().max(1) as f64;
    let band = (right - left) / n;
    let every = label_every(categories.len());
    let mut path = String::new();
    let mut pen_down = false;
    let mut points = String::new();
    for (i, cat) in categories.iter().enumerate() {
        let x = left + band * (i as f64 + 0.5);
        match series.values.get(i).copied().flatten() {
            Some(v) => {
                let y = bottom - (bottom - top) * v.clamp(0.0, 100.0) / 100.0;
                let _ = write!(path, "{}{x:.1},{y:.1} ", if pen_down { "L" } else { "M" });
                pen_down = true;
                let _ = write!(
                    points,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{}"><title>{}: {}%</title></circle>"#,
                    series.color,
                    escape_html(cat),
                    vn_number(v)
                );
            }
            None => pen_down = false,
        }
        if i % every == 0 {
            let _ = write!(
                out,
                r##"<text x="{x:.1}" y="{}" text-anchor="middle" fill="#222">{}</text>"##,
                bottom + 18.0,
                escape_html(cat)
            );
        }
    }
    if !path.is_empty() {
        let _ = write!(
            out,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            path.trim_end(),
            series.color
        );
    }
    out.push_str(&points);
    let _ = write!(out, r##"<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#444"/></svg>"##);
    out
}

/// Horizontal stacked bars, one row per label (e.g. agencies), the series stacked left to right,
/// the row's total printed after the bar.
pub fn stacked_rows(id: &str, title: &str, desc: &str, labels: &[String], series: &[Series<'_>]) -> String {
    let row_h = 26.0;
    let (label_w, top) = (190.0, 36.0);
    let height = top + row_h * labels.len().max(1) as f64 + 12.0;
    let right = WIDTH - 50.0;
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| series.iter().map(|s| s.values.get(i).copied().flatten().unwrap_or(0.0)).sum())
        .collect();
    let (max, _) = nice_axis(totals.iter().fold(0.0f64, |a, b| a.max(*b)));
    let mut out = open(id, height, title, desc);
    legend(&mut out, series, 18.0);
    if labels.is_empty() {
        let _ = write!(out, r##"<text x="{label_w}" y="{}" fill="#444">Không có dữ liệu</text>"##, top + 18.0);
    }
    for (i, label) in labels.iter().enumerate() {
        let y = top + row_h * i as f64;
        let short: String = if label.chars().count() > 26 {
            format!("{}…", label.chars().take(25).collect::<String>())
        } else {
            label.clone()
        };
        let _ = write!(
            out,
            r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#222"><title>{}</title>{}</text>"##,
            label_w - 8.0,
            y + row_h * 0.62,
            escape_html(label),
            escape_html(&short)
        );
        let mut x = label_w;
        for s in series {
            let v = s.values.get(i).copied().flatten().unwrap_or(0.0);
            let w = (right - label_w) * v / max;
            if w > 0.0 {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"><title>{}: {} — {}</title></rect>"#,
                    y + 4.0,
                    row_h - 8.0,
                    s.color,
                    escape_html(label),
                    escape_html(s.name),
                    vn_number(v)
                );
            }
            x += w;
        }
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" fill="#222">{}</text>"##,
            x + 6.0,
            y + row_h * 0.62,
            vn_number(totals[i])
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_nice() {
        assert_eq!(nice_axis(0.0), (5.0, 1.0));
        assert_eq!(nice_axis(3.0), (3.0, 1.0));
        assert_eq!(nice_axis(37.0), (40.0, 10.0));
        assert_eq!(nice_axis(120.0), (150.0, 50.0));
    }

    #[test]
    fn numbers_read_the_vietnamese_way() {
        assert_eq!(vn_number(1234567.0), "1.234.567");
        assert_eq!(vn_number(12.5), "12,5");
        assert_eq!(vn_number(0.0), "0");
        assert_eq!(group_thousands(-1000), "-1.000");
    }

    #[test]
    fn charts_have_a_text_alternative_and_escape_labels() {
        let cats = vec!["01/2026".to_string(), "<b>".to_string()];
        let s = [Series { name: "Trực tuyến", color: "#1d6fb8", values: vec![Some(3.0), None] }];
        let svg = grouped_bars("c1", "Hồ sơ", "Mô tả", &cats, &s);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"<title id="c1-title">Hồ sơ</title><desc id="c1-desc">Mô tả</desc>"#));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        let line =
            percent_line("c2", "t", "d", &cats, &Series { name: "x", color: "#000", values: vec![Some(50.0), None] });
        assert!(line.contains("M") && line.contains("<circle"));
        let rows = stacked_rows("c3", "t", "d", &cats, &s);
        assert!(rows.contains("<rect"));
    }
}
