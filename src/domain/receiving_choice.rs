//! Choosing the receiving agency on the online form (issue 17 item 5): grouped by area, and
//! narrowed by a search box that also knows what the units were called before a reorganisation.
//!
//! Since 01/07/2025 (NQ 1668/NQ-UBTVQH15 for Cần Thơ) the district level is gone and communes
//! were merged: a citizen of the former "phường Hưng Lợi" has to find the new "phường Tân An",
//! while a new "phường Ninh Kiều" took in a former "phường Tân An". So a unit is found by its name
//! and by its predecessors' names (the lineage the reorganisation recorded), and the choice says
//! why it matched ("gồm phường Hưng Lợi cũ"), so the two Tân An are not confused.
//!
//! Areas: a commune under a district is in that district; a unit that no longer has a district
//! above it is in the area of the former district its first predecessor belonged to (what
//! citizens still call "khu vực"), or of the former province its predecessors belonged to when
//! provinces merged; a district is its own area; provincial units are "Cấp tỉnh".
//! No rule prescribes this grouping: it is the product's choice (README, "Submitting online").
use std::collections::HashMap;

use crate::domain::search::{words, SearchText};
use crate::domain::text::fold;

/// An agency as the hierarchy records it (any date): what [`area_of`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    /// `province`, `district` or `commune` (as stored).
    pub level: String,
    pub parent: Option<String>,
}

/// One predecessor of a unit, as the reorganisation's lineage lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Former {
    /// None for a unit outside this system.
    pub code: Option<String>,
    pub name: String,
    /// The province it belonged to, when it was not this one's unit (a merger of provinces).
    pub province: Option<String>,
    /// Merged in whole (else in part).
    pub whole: bool,
}

/// An area of the form's list: the key the area picker sends, and its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Area {
    pub key: String,
    pub name: String,
}

/// The key of the provincial area.
pub const PROVINCE_AREA: &str = "tinh";

/// A unit that receives the procedure, as the form offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub area: Area,
    pub formerly: Vec<Former>,
}

/// Why a unit is in a narrowed list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matched {
    /// No search text: every unit of the area.
    All,
    /// Its own name holds the words.
    Name,
    /// A predecessor's name holds them: which one (and its former province, if another one),
    /// and whether it merged in whole.
    Former { name: String, province: Option<String>, whole: bool },
}

impl Matched {
    /// What the option adds to the unit's name ("gồm Phường Hưng Lợi cũ").
    pub fn note_vi(&self) -> String {
        match self {
            Matched::All | Matched::Name => String::new(),
            Matched::Former { name, province, whole } => {
                let part = if *whole { "" } else { "một phần " };
                let province = province.as_deref().map(|p| format!(", tỉnh {p}")).unwrap_or_default();
                format!("gồm {part}{name}{province} cũ")
            }
        }
    }
}

/// The area a unit is listed under (see the module's doc).
pub fn area_of(code: &str, nodes: &HashMap<String, Node>, formerly: &[Former]) -> Area {
    let province = || Area { key: PROVINCE_AREA.into(), name: "Cấp tỉnh".into() };
    let Some(node) = nodes.get(code) else { return province() };
    let district = |c: &str| {
        nodes.get(c).filter(|n| n.level == "district").map(|n| Area { key: c.to_string(), name: n.name.clone() })
    };
    match node.level.as_str() {
        "district" => district(code).unwrap_or_else(province),
        "commune" => node
            .parent
            .as_deref()
            .and_then(district)
            .or_else(|| {
                // The former district of the first predecessor merged in whole, else of any.
                let mut order: Vec<&Former> = formerly.iter().filter(|f| f.whole).collect();
                order.extend(formerly.iter().filter(|f| !f.whole));
                order.into_iter().find_map(|f| {
                    let parent = nodes.get(f.code.as_deref()?)?.parent.as_deref()?;
                    district(parent).map(|a| Area { name: format!("{} (cũ)", a.name), ..a })
                })
            })
            .or_else(|| {
                // Units of a province merged into this one: the area of that former province.
                let p = formerly.iter().find_map(|f| f.province.as_deref())?;
                Some(Area {
                    key: format!("tinh-{}", crate::domain::search::words(p).join("-")),
                    name: format!("Tỉnh {p} (cũ)"),
                })
            })
            .unwrap_or_else(|| Area { key: "xa".into(), name: "Cấp xã".into() }),
        _ => province(),
    }
}

/// Unit-type words a search may hold that do not narrow it ("phường tân an" finds "Xã Tân An"
/// too, since a merger may have changed the type).
const TYPE_WORDS: [&str; 6] = ["phuong", "xa", "thi", "tran", "quan", "huyen"];

/// Whether `name` holds the search's words: each one a word of the name, the last one possibly
/// the start of a word (typing "tan a" finds "Tân An"). Type words count only when they are all
/// the search holds.
fn holds(name: &str, text: &SearchText) -> bool {
    let hay = words(name);
    let all = text.words();
    let wanted: Vec<&String> = match all.iter().filter(|w| !TYPE_WORDS.contains(&w.as_str())).collect::<Vec<_>>() {
        w if w.is_empty() => all.iter().collect(),
        w => w,
    };
    let last = all.last();
    !wanted.is_empty()
        && wanted
            .iter()
            .all(|w| hay.iter().any(|h| h == *w) || (Some(*w) == last && hay.iter().any(|h| h.starts_with(w.as_str()))))
}

/// The units to offer, in their areas: those of `area` (all when None) that match `text`
/// (all when None), the units matched by their own name before those matched by a former name,
/// each group ordered by name. Areas come in the order of [`areas`].
pub fn choose(units: &[Unit], area: Option<&str>, text: Option<&SearchText>) -> Vec<(Unit, Matched)> {
    let mut found: Vec<(Unit, Matched)> = units
        .iter()
        .filter(|u| area.is_none_or(|a| u.area.key == a))
        .filter_map(|u| {
            let matched = match text {
                None => Matched::All,
                Some(t) if holds(&u.name, t) => Matched::Name,
                Some(t) => {
                    let f = u.formerly.iter().find(|f| holds(&f.name, t))?;
                    Matched::Former { name: f.name.clone(), province: f.province.clone(), whole: f.whole }
                }
            };
            Some((u.clone(), matched))
        })
        .collect();
    found.sort_by_cached_key(|(u, m)| (matches!(m, Matched::Former { .. }), fold(&u.name)));
    found
}

/// The areas of `units`, provincial first, then by name.
pub fn areas(units: &[Unit]) -> Vec<Area> {
    let mut out: Vec<Area> = vec![];
    for u in units {
        if !out.contains(&u.area) {
            out.push(u.area.clone());
        }
    }
    out.sort_by_cached_key(|a| (a.key != PROVINCE_AREA, fold(&a.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, level: &str, parent: Option<&str>) -> Node {
        Node { name: name.into(), level: level.into(), parent: parent.map(str::to_string) }
    }

    fn former(code: &str, name: &str, whole: bool) -> Former {
        Former { code: Some(code.into()), name: name.into(), province: None, whole }
    }

    /// A province before and after a merger: Ninh Kiều district with Tân An, Hưng Lợi, Thới
    /// Bình; Bình Thủy district with Bùi Hữu Nghĩa; after it, "Phường Ninh Kiều" (Tân An, Thới
    /// Bình) and "Phường Tân An" (Hưng Lợi, part of Bùi Hữu Nghĩa) under the province.
    fn hierarchy() -> (HashMap<String, Node>, Vec<Unit>) {
        let nodes: HashMap<String, Node> = [
            ("P", node("Thành phố Cần Thơ", "province", None)),
            ("S", node("Sở Tư pháp", "province", Some("P"))),
            ("NK", node("Quận Ninh Kiều", "district", Some("P"))),
            ("BT", node("Quận Bình Thủy", "district", Some("P"))),
            ("o1", node("Phường Tân An", "commune", Some("NK"))),
            ("o2", node("Phường Hưng Lợi", "commune", Some("NK"))),
            ("o3", node("Phường Thới Bình", "commune", Some("NK"))),
            ("o4", node("Phường Bùi Hữu Nghĩa", "commune", Some("BT"))),
            ("n1", node("Phường Ninh Kiều", "commune", Some("P"))),
            ("n2", node("Phường Tân An", "commune", Some("P"))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let unit = |code: &str, formerly: Vec<Former>| Unit {
            code: code.into(),
            name: nodes[code].name.clone(),
            area: area_of(code, &nodes, &formerly),
            formerly,
        };
        let units = vec![
            unit("S", vec![]),
            unit("n1", vec![former("o1", "Phường Tân An", true), former("o3", "Phường Thới Bình", true)]),
            unit("n2", vec![former("o4", "Phường Bùi Hữu Nghĩa", false), former("o2", "Phường Hưng Lợi", true)]),
        ];
        (nodes, units)
    }

    fn search(s: &str) -> SearchText {
        SearchText::parse(s).unwrap().unwrap()
    }

    fn codes(found: &[(Unit, Matched)]) -> Vec<&str> {
        found.iter().map(|(u, _)| u.code.as_str()).collect()
    }

    #[test]
    fn a_merged_commune_is_in_the_area_of_its_first_whole_predecessors_former_district() {
        let (nodes, units) = hierarchy();
        assert_eq!(units[0].area, Area { key: PROVINCE_AREA.into(), name: "Cấp tỉnh".into() });
        assert_eq!(units[1].area, Area { key: "NK".into(), name: "Quận Ninh Kiều (cũ)".into() });
        // Bùi Hữu Nghĩa merged only in part: the whole predecessor (Hưng Lợi) names the area.
        assert_eq!(units[2].area.key, "NK");
        // Before the merger a commune is in its district, and a district is its own area.
        assert_eq!(area_of("o4", &nodes, &[]), Area { key: "BT".into(), name: "Quận Bình Thủy".into() });
        assert_eq!(area_of("NK", &nodes, &[]).key, "NK");
        assert_eq!(areas(&units).iter().map(|a| a.key.as_str()).collect::<Vec<_>>(), ["tinh", "NK"]);
        // A commune made of another province's communes is in that former province's area.
        let from_soc_trang =
            [Former {
                code: None, name: "Thị trấn Hưng Lợi".into(), province: Some("Sóc Trăng".into()), whole: true
            }];
        assert_eq!(
            area_of("x", &[("x".to_string(), node("Xã Phú Lộc", "commune", Some("P")))].into(), &from_soc_trang),
            Area { key: "tinh-soc-trang".into(), name: "Tỉnh Sóc Trăng (cũ)".into() }
        );
        let m = Matched::Former {
            name: "Thị trấn Hưng Lợi".into(), province: Some("Sóc Trăng".into()), whole: true
        };
        assert_eq!(m.note_vi(), "gồm Thị trấn Hưng Lợi, tỉnh Sóc Trăng cũ");
    }

    #[test]
    fn a_search_finds_a_unit_by_its_name_or_a_former_name_with_or_without_diacritics_and_says_which() {
        let (_, units) = hierarchy();
        // "Tân An" is the new ward's name and a former ward of Ninh Kiều: the name first.
        let found = choose(&units, None, Some(&search("tan an")));
        assert_eq!(codes(&found), ["n2", "n1"]);
        assert_eq!(found[0].1, Matched::Name);
        assert_eq!(found[1].1.note_vi(), "gồm Phường Tân An cũ");
        // A former ward merged in part says so.
        let found = choose(&units, None, Some(&search("Bùi Hữu Nghĩa")));
        assert_eq!(codes(&found), ["n2"]);
        assert_eq!(found[0].1.note_vi(), "gồm một phần Phường Bùi Hữu Nghĩa cũ");
        // A type word does not narrow; the last word may be unfinished.
        assert_eq!(codes(&choose(&units, None, Some(&search("xã hưng lợi")))), ["n2"]);
        assert_eq!(codes(&choose(&units, None, Some(&search("thoi bi")))), ["n1"]);
        assert!(choose(&units, None, Some(&search("cai rang"))).is_empty());
        // "bi" is not the start of any word once finished words follow it.
        assert!(choose(&units, None, Some(&search("bi thoi"))).is_empty());
        // A type word alone matches the units whose name holds it.
        assert_eq!(codes(&choose(&units, None, Some(&search("phường")))), ["n1", "n2"]);
    }

    #[test]
    fn an_area_narrows_the_list_and_no_text_lists_it_whole_by_name() {
        let (_, units) = hierarchy();
        assert_eq!(codes(&choose(&units, Some("NK"), None)), ["n1", "n2"]);
        assert_eq!(codes(&choose(&units, Some("tinh"), None)), ["S"]);
        assert!(choose(&units, Some("NK"), Some(&search("sở tư pháp"))).is_empty());
        assert!(choose(&units, Some("unknown"), None).is_empty());
        assert_eq!(codes(&choose(&units, None, None)), ["n1", "n2", "S"]);
    }
}
