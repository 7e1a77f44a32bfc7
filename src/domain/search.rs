//! Finding a procedure in everyday words (issue 17, item 4): the catalogue's search over codes,
//! names, fields and a synonym list kept as data (`seeds/catalogue/synonyms.json`).
//!
//! Everything is compared folded (see [`fold`]: no case, no diacritics, `đ` → `d`) and split into
//! words at anything that is not a letter or a digit, so "Sổ đỏ", "so do" and "SỔ ĐỎ" are one text.
//! A procedure is ranked by the best way it matches, strongest first ([`Rank`]); ties go by name.
use crate::domain::text::fold;

/// The longest search text, in characters (after folding).
pub const MAX_SEARCH_CHARS: usize = 200;

/// How a procedure matched a search, weakest first (the derived order is the ranking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The text is part of the procedure's code ("1.0011").
    CodePart,
    /// The procedure's field is named by the text ("đất đai"), or by a synonym the text holds
    /// ("nhà đất" → Đất đai).
    Field,
    /// A synonym the text holds names words of the procedure's official name ("sổ đỏ" →
    /// "Giấy chứng nhận quyền sử dụng đất").
    Synonym,
    /// Every word of the text is a word of the name, in any order ("khai sinh đăng ký").
    AllWords,
    /// The text is a phrase of the name ("khai sinh" in "Đăng ký khai sinh").
    Phrase,
    /// The text is the procedure's code.
    Code,
}

/// Words of `text`, folded: "Đăng ký, cấp Giấy" → ["dang", "ky", "cap", "giay"].
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// `needle` (words) occurs in `haystack` (words) as consecutive whole words.
fn holds_phrase(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A search text that is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchTextError {
    #[error("the search text is longer than {MAX_SEARCH_CHARS} characters")]
    TooLong,
    #[error("the search text holds a control character (U+{0:04X}): remove it")]
    ControlCharacter(u32),
}

/// A search text as typed, folded; `None` from [`SearchText::parse`] when it is blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    folded: String,
    words: Vec<String>,
}

impl SearchText {
    pub fn parse(text: &str) -> Result<Option<Self>, SearchTextError> {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(SearchTextError::ControlCharacter(c as u32));
        }
        let folded = fold(text);
        if folded.chars().count() > MAX_SEARCH_CHARS {
            return Err(SearchTextError::TooLong);
        }
        if folded.is_empty() {
            return Ok(None);
        }
        Ok(Some(SearchText { words: words(&folded), folded }))
    }

    /// The text's words, folded.
    pub fn words(&self) -> &[String] {
        &self.words
    }
}

/// One entry of the synonym list: what citizens type, and what it stands for in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synonym {
    phrases: Vec<Vec<String>>,
    names: Vec<Vec<String>>,
    fields: Vec<Vec<String>>,
}

/// A synonym entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynonymError {
    #[error("a synonym needs at least one phrase with a letter or a digit")]
    NoPhrase,
    #[error("the synonym “{0}” points at no name and no field")]
    NoTarget(String),
}

impl Synonym {
    /// `phrases`: what citizens type ("sổ đỏ"); `names`: words of official names the phrases stand
    /// for ("Giấy chứng nhận quyền sử dụng đất"); `fields`: fields they stand for ("Đất đai").
    pub fn new(phrases: &[String], names: &[String], fields: &[String]) -> Result<Self, SynonymError> {
        let all =
            |list: &[String]| -> Vec<Vec<String>> { list.iter().map(|p| words(p)).filter(|w| !w.is_empty()).collect() };
        let synonym = Synonym { phrases: all(phrases), names: all(names), fields: all(fields) };
        if synonym.phrases.is_empty() {
            return Err(SynonymError::NoPhrase);
        }
        if synonym.names.is_empty() && synonym.fields.is_empty() {
            return Err(SynonymError::NoTarget(phrases.join(", ")));
        }
        Ok(synonym)
    }
}

/// The synonym list (empty: the search uses codes, names and fields only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms(Vec<Synonym>);

impl Synonyms {
    pub fn new(entries: Vec<Synonym>) -> Self {
        Synonyms(entries)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A search ready to rank procedures: the text, and the names and fields its synonyms stand for.
#[derive(Debug, Clone)]
pub struct Search {
    text: SearchText,
    names: Vec<Vec<String>>,
    fields: Vec<Vec<String>>,
}

impl Search {
    /// The synonyms whose phrase occurs, as whole words, in `text` ("làm sổ đỏ" holds "sổ đỏ").
    pub fn new(text: SearchText, synonyms: &Synonyms) -> Self {
        let mut names = Vec::new();
        let mut fields = Vec::new();
        for s in synonyms.0.iter().filter(|s| s.phrases.iter().any(|p| holds_phrase(&text.words, p))) {
            names.extend(s.names.iter().cloned());
            fields.extend(s.fields.iter().cloned());
        }
        Search { text, names, fields }
    }

    /// The best way a procedure matches, or `None` when it does not.
    pub fn rank(&self, code: &str, name: &str, field: &str) -> Option<Rank> {
        let code = code.to_lowercase();
        let query = &self.text.words;
        let name = words(name);
        let field = words(field);
        if code == self.text.folded {
            return Some(Rank::Code);
        }
        if !query.is_empty() && name.join(" ").contains(&query.join(" ")) {
            return Some(Rank::Phrase);
        }
        if !query.is_empty() && query.iter().all(|w| name.contains(w)) {
            return Some(Rank::AllWords);
        }
        if self.names.iter().any(|n| holds_phrase(&name, n)) {
            return Some(Rank::Synonym);
        }
        let named_field = !query.is_empty() && query.iter().all(|w| field.contains(w));
        if named_field || holds_phrase(query, &field) || self.fields.contains(&field) {
            return Some(Rank::Field);
        }
        if code.contains(&self.text.folded) {
            return Some(Rank::CodePart);
        }
        None
    }

    /// The items that match, best first; ties in name order (folded words), then code.
    pub fn order<T>(&self, items: Vec<T>, key: impl Fn(&T) -> (&str, &str, &str)) -> Vec<T> {
        let mut ranked: Vec<(Rank, String, String, T)> = items
            .into_iter()
            .filter_map(|item| {
                let (code, name, field) = key(&item);
                let rank = self.rank(code, name, field)?;
                let (name, code) = (words(name).join(" "), code.to_string());
                Some((rank, name, code, item))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)).then_with(|| a.2.cmp(&b.2)));
        ranked.into_iter().map(|(_, _, _, item)| item).collect()
    }
}

/// The field filter: `wanted` names `field` with or without diacritics and case ("dat dai" names "Đất đai").
pub fn names_field(wanted: &str, field: &str) -> bool {
    let wanted = words(wanted);
    !wanted.is_empty() && wanted == words(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: [(&str, &str, &str); 6] = [
        ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
        ("1.003583", "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú", "Hộ tịch"),
        ("1.001022", "Đăng ký nhận cha, mẹ, con", "Hộ tịch"),
        ("1.003554", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "Đất đai"),
        ("1.003010", "Đăng ký biến động quyền sử dụng đất", "Đất đai"),
        ("1.009794", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng"),
    ];

    fn synonyms() -> Synonyms {
        let s = |p: &[&str], n: &[&str], f: &[&str]| {
            let v = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            Synonym::new(&v(p), &v(n), &v(f)).unwrap()
        };
        Synonyms::new(vec![
            s(&["sổ đỏ", "sổ hồng"], &["Giấy chứng nhận quyền sử dụng đất"], &[]),
            s(&["khai sinh cho con", "làm giấy khai sinh"], &["Đăng ký khai sinh"], &[]),
            s(&["nhà đất"], &[], &["Đất đai"]),
        ])
    }

    fn search(text: &str) -> Vec<&'static str> {
        let s = Search::new(SearchText::parse(text).unwrap().unwrap(), &synonyms());
        s.order(CATALOGUE.to_vec(), |(c, n, f)| (c, n, f)).into_iter().map(|(c, _, _)| c).collect()
    }

    fn rank(text: &str, entry: usize) -> Option<Rank> {
        let (c, n, f) = CATALOGUE[entry];
        Search::new(SearchText::parse(text).unwrap().unwrap(), &synonyms()).rank(c, n, f)
    }

    #[test]
    fn a_code_beats_a_phrase_beats_all_words_beats_a_synonym_beats_a_field_beats_part_of_a_code() {
        assert_eq!(rank("1.001193", 0), Some(Rank::Code));
        assert_eq!(rank("khai sinh", 0), Some(Rank::Phrase));
        assert_eq!(rank("khai sinh đăng ký", 0), Some(Rank::AllWords));
        assert_eq!(rank("khai sinh cho con", 0), Some(Rank::Synonym));
        assert_eq!(rank("đất đai", 3), Some(Rank::Field));
        assert_eq!(rank("001193", 0), Some(Rank::CodePart));
        assert!(Rank::Code > Rank::Phrase && Rank::Phrase > Rank::AllWords && Rank::AllWords > Rank::Synonym);
        assert!(Rank::Synonym > Rank::Field && Rank::Field > Rank::CodePart);
    }

    #[test]
    fn land_is_found_with_or_without_diacritics_and_by_its_everyday_names() {
        for text in ["đất đai", "dat dai", "ĐẤT ĐAI", "sổ đỏ", "so do", "làm sổ hồng", "nhà đất"]
        {
            let found = search(text);
            assert!(found.contains(&"1.003554"), "{text}: {found:?}");
            assert!(found.iter().all(|c| ["1.003554", "1.003010"].contains(c)), "{text}: {found:?}");
        }
        // "Sổ đỏ" is the certificate, not every land procedure.
        assert_eq!(search("sổ đỏ"), vec!["1.003554"]);
    }

    #[test]
    fn the_birth_registration_comes_first_for_a_parent_s_words() {
        let found = search("khai sinh cho con");
        assert_eq!(found[0], "1.001193", "{found:?}");
        assert!(found.contains(&"1.003583"));
        assert_eq!(search("1.003583")[0], "1.003583");
        assert_eq!(search("dang ky khai sinh"), vec!["1.001193", "1.003583"]);
    }

    #[test]
    fn nonsense_and_punctuation_find_nothing() {
        assert!(search("xyzzy").is_empty());
        assert!(search("%").is_empty());
        assert!(search("con mèo").is_empty(), "one word of a name is not enough");
    }

    #[test]
    fn the_text_is_checked_and_blank_is_no_search() {
        assert_eq!(SearchText::parse("   "), Ok(None));
        assert_eq!(SearchText::parse(&"a".repeat(201)), Err(SearchTextError::TooLong));
        assert!(SearchText::parse(&"ă".repeat(200)).unwrap().is_some());
        assert_eq!(SearchText::parse("a\u{0}b"), Err(SearchTextError::ControlCharacter(0)));
    }

    #[test]
    fn a_synonym_needs_a_phrase_and_a_target_and_the_field_filter_folds() {
        let v = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(Synonym::new(&v(&[" , "]), &v(&["x"]), &[]), Err(SynonymError::NoPhrase));
        assert!(matches!(Synonym::new(&v(&["sổ đỏ"]), &[], &[]), Err(SynonymError::NoTarget(_))));
        assert!(names_field("dat dai", "Đất đai"));
        assert!(names_field("Hộ tịch", "Hộ tịch"));
        assert!(!names_field("dat", "Đất đai"));
        assert!(!names_field("", "Đất đai"));
    }
}
