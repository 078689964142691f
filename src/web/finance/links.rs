//! The page's own URLs: every link and redirect keeps the language, and carries only values
//! the server chose (a parsed incident id, a notice key from the fixed list).

use super::super::i18n::Lang;

/// `/finance` with its query: the incident shown, a notice key, and the language.
pub fn finance_url(incident: Option<&str>, notice: Option<&str>, lang: Lang) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(incident) = incident {
        query.append_pair("incident_id", incident);
    }
    if let Some(notice) = notice {
        query.append_pair("notice", notice);
    }
    if lang == Lang::En {
        query.append_pair("lang", "en");
    }
    let query = query.finish();
    if query.is_empty() {
        "/finance".to_owned()
    } else {
        format!("/finance?{query}")
    }
}

/// `?lang=en` for the forms' actions, so a POST answers in the page's language.
pub fn lang_query(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "",
        Lang::En => "?lang=en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_language_and_the_incident() {
        assert_eq!(finance_url(None, None, Lang::Ko), "/finance");
        assert_eq!(
            finance_url(Some("a b"), Some("approved"), Lang::En),
            "/finance?incident_id=a+b&notice=approved&lang=en"
        );
    }
}
