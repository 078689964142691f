//! The two languages the service speaks: Korean first (the default, and the language most
//! claimants use) and English.

/// A language the service speaks to people in: the pages, the timeline, the notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// `?lang=en` picks English; anything else, or nothing, Korean.
    pub fn from_query(query: &str) -> Lang {
        let english = form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == "lang" && v == "en");
        if english {
            Lang::En
        } else {
            Lang::Ko
        }
    }

    /// The first of Korean and English that an `Accept-Language` header names (quality values
    /// are honoured); Korean when it names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, Lang)> = None;
        for range in header.split(',').take(20) {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality =
                parts.find_map(|p| p.trim().strip_prefix("q=").map(str::trim)).map_or(1000, quality_permille);
            let lang = match tag.split('-').next() {
                Some("ko") => Lang::Ko,
                Some("en") => Lang::En,
                _ => continue,
            };
            if quality > 0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::Ko, |(_, lang)| lang)
    }

    /// The language stored as `ko` or `en`.
    pub fn parse(code: &str) -> Option<Lang> {
        [Lang::Ko, Lang::En].into_iter().find(|lang| lang.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// The Korean or the English one of two things, by this language.
    pub fn either<T>(self, ko: T, en: T) -> T {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }

    /// Picks this language's text of an entry.
    pub fn pick<'a>(self, (_, ko, en): &(&str, &'a str, &'a str)) -> &'a str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }
}

/// A quality value (`0` to `1`, up to three decimals) in thousandths; anything unreadable is 0.
fn quality_permille(text: &str) -> u16 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let fraction: u16 = format!("{fraction:0<3}").parse().unwrap_or(0);
    match whole {
        "1" if fraction == 0 => 1000,
        "0" => fraction,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accept_language_picks_the_preferred_of_the_two() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("fr;q=1, en;q=0.5, ko;q=0.7"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("en;q=0, ko;q=0.1"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("de"), Lang::Ko);
        assert_eq!(Lang::from_accept_language(""), Lang::Ko);
        assert_eq!(Lang::from_accept_language("EN"), Lang::En);
    }

    proptest! {
        #[test]
        fn accept_language_never_panics(header in "\\PC*") {
            let _ = Lang::from_accept_language(&header);
        }
    }
}
