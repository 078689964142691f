//! The finance page's HTML: the page frame, the sign-in form and the dashboard. Everything is
//! built here on the server (no script), and every value from the database is escaped.

use super::super::assets;
use super::super::i18n::Lang;
use super::super::render::escape;
use super::data::Dashboard;
use super::links::{finance_url, lang_query};
use super::tables;
use super::text::t;

/// The notice of a finished action, from the fixed set of [`super::text::notice`] keys.
fn notice_block(notice: Option<&str>, lang: Lang) -> String {
    let Some(key) = notice else { return String::new() };
    let name = key.trim_start_matches("notice.");
    let good = matches!(name, "approved" | "signed_out");
    let class = if good { "message" } else { "message is-error" };
    format!(
        "<p id=\"notice\" class=\"{class}\" role=\"status\" data-notice=\"{}\">{}</p>\n",
        escape(name),
        escape(t(key, lang))
    )
}

/// The frame around every state of the page: head, header with the language switch (and the
/// sign-out button when signed in), and `main`.
fn document(lang: Lang, title: &str, switch_url: &str, signed_in: bool, main: &str) -> String {
    let signout = if signed_in {
        format!(
            "<form method=\"post\" action=\"/finance/session/delete{}\" class=\"inline\">\
             <button type=\"submit\" id=\"sign-out\" class=\"link-button\">{}</button></form>",
            lang_query(lang),
            escape(t("fin.signout", lang))
        )
    } else {
        String::new()
    };
    format!(
        "<!doctype html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · {site}</title>\n\
         <link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body class=\"finance\">\n\
         <a class=\"skip-link\" href=\"#main\">{skip}</a>\n<header class=\"site-header\">\n\
         <p class=\"site-name\"><a href=\"{home}\">{site} · {fin}</a></p>\n<nav aria-label=\"{nav}\">\n\
         <a id=\"lang-switch\" href=\"{switch}\" lang=\"{other}\" hreflang=\"{other}\">{switch_text}</a>\n\
         {signout}\n</nav>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n<h1>{title}</h1>\n{main}</main>\n\
         </body>\n</html>\n",
        code = lang.code(),
        title = escape(title),
        site = escape(t("site.name", lang)),
        icon = assets::url("favicon.svg").unwrap_or_default(),
        css = assets::url("style.css").unwrap_or_default(),
        skip = escape(t("site.skip", lang)),
        home = escape(&finance_url(None, None, lang)),
        fin = escape(t("fin.title", lang)),
        nav = escape(t("site.nav", lang)),
        switch = escape(switch_url),
        other = lang.other().code(),
        switch_text = escape(t("site.switch", lang)),
    )
}

/// The sign-in form: a token pasted into a labelled field, posted to `/finance/session`.
pub fn sign_in(lang: Lang, notice: Option<&str>) -> String {
    let main = format!(
        "{notice}<p class=\"lead\">{intro}</p>\n\
         <form id=\"signin-form\" method=\"post\" action=\"/finance/session{q}\">\n\
         <div class=\"field\">\n<label for=\"token\">{label}</label>\n\
         <p class=\"hint\" id=\"hint-token\">{hint}</p>\n\
         <textarea id=\"token\" name=\"token\" rows=\"4\" required autocomplete=\"off\" \
         spellcheck=\"false\" aria-describedby=\"hint-token\"></textarea>\n</div>\n\
         <button type=\"submit\" id=\"sign-in\">{submit}</button>\n</form>\n",
        notice = notice_block(notice, lang),
        intro = escape(t("fin.signin_intro", lang)),
        q = lang_query(lang),
        label = escape(t("fin.token", lang)),
        hint = escape(t("fin.token_hint", lang)),
        submit = escape(t("fin.signin", lang)),
    );
    let switch = finance_url(None, None, lang.other());
    document(lang, t("fin.signin_title", lang), &switch, false, &main)
}

/// The incident select: a plain GET form, so choosing needs no script.
fn incident_form(data: &Dashboard, lang: Lang) -> String {
    if data.incidents.is_empty() {
        return format!("<p class=\"notice\">{}</p>\n", escape(t("fin.no_incidents", lang)));
    }
    let options: String = data
        .incidents
        .iter()
        .map(|(id, label)| {
            let selected = if data.selected.as_deref() == Some(id.as_str()) { " selected" } else { "" };
            format!("<option value=\"{}\"{selected}>{}</option>\n", escape(id), escape(label))
        })
        .collect();
    let hidden_lang =
        if lang == Lang::En { "<input type=\"hidden\" name=\"lang\" value=\"en\">\n" } else { "" };
    format!(
        "<form id=\"incident-form\" method=\"get\" action=\"/finance\" class=\"row-form\">\n{hidden_lang}\
         <div class=\"field\">\n<label for=\"incident_id\">{label}</label>\n\
         <select id=\"incident_id\" name=\"incident_id\">\n{options}</select>\n</div>\n\
         <button type=\"submit\" id=\"show-incident\">{show}</button>\n</form>\n",
        label = escape(t("fin.incident", lang)),
        show = escape(t("fin.show", lang)),
    )
}

/// The signed-in page: who is signed in, the incident select, its summary and its batches.
pub fn dashboard(lang: Lang, notice: Option<&str>, data: &Dashboard) -> String {
    let mut main = notice_block(notice, lang);
    main.push_str(&format!(
        "<p class=\"lead\">{}: <strong id=\"signed-in-as\">{}</strong></p>\n",
        escape(t("fin.signed_in_as", lang)),
        escape(&data.user)
    ));
    main.push_str(&incident_form(data, lang));
    if let Some(summary) = &data.summary {
        main.push_str(&tables::summary(summary, lang));
        main.push_str(&tables::batches(&data.batches, lang));
    }
    let switch = finance_url(data.selected.as_deref(), None, lang.other());
    document(lang, t("fin.title", lang), &switch, true, &main)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usecases::reports::{GroupView, Summary, Totals};

    fn dashboard_data() -> Dashboard {
        let group = |key: &str| GroupView { key: key.into(), count: 2, amount: "500000".into() };
        let totals = Totals {
            claims: 2,
            claimed: "500000".into(),
            assessed_gross: "60000".into(),
            assessed_payout: "60000".into(),
            paid: "0".into(),
            paid_count: 0,
            failed: "0".into(),
            failed_count: 0,
        };
        let summary = Summary {
            incident_id: "i-1".into(),
            currency: "KRW".into(),
            totals,
            by_status: vec![group("in_batch")],
            by_service: vec![group("messenger"), group("<unknown>")],
            by_claimant_kind: vec![],
            by_channel: vec![],
            payout_lines: vec![],
            batches: vec![],
        };
        Dashboard {
            user: "<fred>".into(),
            incidents: vec![("i-1".into(), "Fire & smoke".into())],
            selected: Some("i-1".into()),
            summary: Some(summary),
            batches: vec![],
        }
    }

    #[test]
    fn every_text_of_every_state_is_translated_and_nothing_is_inline() {
        for lang in [Lang::Ko, Lang::En] {
            for page in [
                sign_in(lang, Some("notice.signin_role")),
                dashboard(lang, Some("notice.four_eyes"), &dashboard_data()),
            ] {
                for prefix in ["fin.", "batch.", "notice.", "status.", "service.", "site."] {
                    assert!(!page.contains(&format!(">{prefix}")), "untranslated {prefix} in {lang:?}");
                }
                assert!(page.contains(&format!("<html lang=\"{}\">", lang.code())));
                assert!(!page.contains("<script") && !page.contains(" style=") && !page.contains("<style"));
                assert!(!page.contains("<fred>") && !page.contains("<unknown>") && !page.contains("Fire & "));
            }
        }
    }
}
