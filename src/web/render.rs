//! Fills the HTML templates: `{{key}}` is page text (HTML-escaped), and a few names are values
//! the server knows (the language, asset URLs, the bank list, the scripts' messages).
//!
//! Each page is rendered once per language and kept: nothing in it depends on the request.

use std::sync::LazyLock;

use super::i18n::{self, Lang, BANKS};
use super::{assets, messages};

/// A page the binary serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    ClaimForm,
    Status,
}

impl Page {
    fn template(self) -> &'static str {
        match self {
            Page::ClaimForm => include_str!("assets/form.html"),
            Page::Status => include_str!("assets/status.html"),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Page::ClaimForm => "/",
            Page::Status => "/status",
        }
    }
}

static RENDERED: LazyLock<[String; 4]> = LazyLock::new(|| {
    [
        render(Page::ClaimForm, Lang::Ko),
        render(Page::ClaimForm, Lang::En),
        render(Page::Status, Lang::Ko),
        render(Page::Status, Lang::En),
    ]
});

/// The page in `lang`.
pub fn page(page: Page, lang: Lang) -> &'static str {
    let index = match (page, lang) {
        (Page::ClaimForm, Lang::Ko) => 0,
        (Page::ClaimForm, Lang::En) => 1,
        (Page::Status, Lang::Ko) => 2,
        (Page::Status, Lang::En) => 3,
    };
    &RENDERED[index]
}

/// A link to `path` that keeps the language (Korean needs no parameter).
fn localized(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Ko => path.to_owned(),
        Lang::En => format!("{path}?lang=en"),
    }
}

/// The value of one placeholder, or `None` for a name nothing defines.
fn value(name: &str, page: Page, lang: Lang) -> Option<String> {
    if let Some(file) = name.strip_prefix("asset:") {
        return assets::url(file);
    }
    let value = match name {
        "lang" => lang.code().to_owned(),
        "other_lang" => lang.other().code().to_owned(),
        // The explicit `lang=ko` lets the scripts add the status page's own parameters.
        "switch_url" => format!("{}?lang={}", page.path(), lang.other().code()),
        "home_url" => localized("/", lang),
        "status_url" => localized("/status", lang),
        // Already JSON made safe for a data block: not HTML-escaped.
        "messages" => return Some(messages::json(lang)),
        "bank_options" => BANKS
            .iter()
            .map(|entry| {
                let label = format!("{} ({})", lang.pick(entry), entry.0);
                format!("        <option value=\"{}\">{}</option>\n", escape(entry.0), escape(&label))
            })
            .collect::<String>()
            .trim_end()
            .to_owned(),
        key => escape(i18n::text(key, lang)?),
    };
    Some(value)
}

fn render(page: Page, lang: Lang) -> String {
    let mut out = String::new();
    let mut rest = page.template();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = &after[..end];
        // A missing name shows up as itself, and the unit test below refuses it.
        out.push_str(&value(name, page, lang).unwrap_or_else(|| format!("{{{{{name}}}}}")));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML content and double-quoted attributes.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_of_every_page_is_filled() {
        for page in [Page::ClaimForm, Page::Status] {
            for lang in [Lang::Ko, Lang::En] {
                let html = render(page, lang);
                assert!(!html.contains("{{"), "{page:?} {lang:?} has an unfilled placeholder");
                assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
            }
        }
    }

    #[test]
    fn the_pages_have_no_inline_script_or_style() {
        for page in [Page::ClaimForm, Page::Status] {
            let html = render(page, Lang::Ko);
            // Only external scripts and the JSON data block, which the browser never runs.
            let scripts = html.matches("<script").count();
            let allowed =
                html.matches("<script src=").count() + html.matches("type=\"application/json\"").count();
            assert_eq!(scripts, allowed);
            assert!(!html.contains("<style") && !html.contains(" style="));
            let handler = html.split(" on").skip(1).any(|after| {
                let name: String = after.chars().take_while(char::is_ascii_lowercase).collect();
                !name.is_empty() && after[name.len()..].starts_with('=')
            });
            assert!(!handler, "inline event handler in {page:?}");
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
