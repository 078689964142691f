//! `/incidents/{id}/notice`: the public compensation notice, rendered on the server (no
//! script), in Korean by default and English with `?lang=en`, printable.

use actix_web::{web, HttpRequest, HttpResponse};

use super::assets;
use super::i18n::{self, Lang};
use super::render::escape;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::compensation_notice::{self, CompensationNotice};
use crate::usecases::parse_id;

fn t(key: &str, lang: Lang) -> &'static str {
    i18n::text(key, lang).unwrap_or("")
}

fn list(items: &[String]) -> String {
    items.iter().map(|item| format!("<li>{}</li>\n", escape(item))).collect()
}

fn page(notice: &CompensationNotice, lang: Lang) -> String {
    let form = match lang {
        Lang::Ko => "/".to_owned(),
        Lang::En => "/?lang=en".to_owned(),
    };
    let status = match lang {
        Lang::Ko => "/status".to_owned(),
        Lang::En => "/status?lang=en".to_owned(),
    };
    let switch = format!("/incidents/{}/notice?lang={}", notice.incident_id, lang.other().code());
    let version = notice
        .policy_version
        .map(|v| format!("<p class=\"hint\">{} {v}</p>\n", escape(t("notice.policy_version", lang))))
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{heading} · {site}</title>\n<link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body>\n\
         <a class=\"skip-link\" href=\"#main\">{skip}</a>\n<header class=\"site-header\">\n\
         <p class=\"site-name\"><a href=\"{form}\">{site}</a></p>\n<nav aria-label=\"{nav}\">\n\
         <a href=\"{form}\">{nav_form}</a>\n<a href=\"{status}\">{nav_status}</a>\n\
         <a id=\"lang-switch\" href=\"{switch}\" lang=\"{other}\" hreflang=\"{other}\">{switch_text}</a>\n\
         </nav>\n</header>\n<main id=\"main\" tabindex=\"-1\" class=\"compensation-notice\">\n\
         <p class=\"lead\">{heading}</p>\n<h1 id=\"notice-title\">{title}</h1>\n<p id=\"notice-description\">{description}</p>\n\
         <h2>{how_title}</h2>\n<p id=\"notice-window\">{window}</p>\n<p><a class=\"button\" href=\"{form}\">{file}</a></p>\n\
         <h2>{criteria_title}</h2>\n<ul id=\"notice-criteria\">\n{criteria}</ul>\n{version}\
         <h2>{terms_title}</h2>\n<ul id=\"notice-terms\">\n{terms}</ul>\n</main>\n</body>\n</html>\n",
        code = lang.code(),
        heading = escape(t("notice.heading", lang)),
        site = escape(t("site.name", lang)),
        icon = assets::url("favicon.svg").unwrap_or_default(),
        css = assets::url("style.css").unwrap_or_default(),
        skip = escape(t("site.skip", lang)),
        nav = escape(t("site.nav", lang)),
        nav_form = escape(t("site.nav_form", lang)),
        nav_status = escape(t("site.nav_status", lang)),
        switch = escape(&switch),
        other = lang.other().code(),
        switch_text = escape(t("site.switch", lang)),
        title = escape(&notice.title),
        description = escape(&notice.description),
        how_title = escape(t("notice.how", lang)),
        window = escape(&notice.window),
        file = escape(t("notice.file", lang)),
        criteria_title = escape(t("notice.criteria", lang)),
        criteria = list(&notice.criteria),
        terms_title = escape(t("notice.terms", lang)),
        terms = list(&notice.terms),
    )
}

/// `GET /incidents/{id}/notice`: 404 for an incident that is not open for claims.
pub async fn compensation_notice(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let lang = Lang::from_query(req.query_string());
    let id = parse_id(&path)?;
    let notice = state.read(move |conn| compensation_notice::notice(conn, &id, lang)).await?;
    Ok(super::html(page(&notice, lang), "no-referrer", "no-cache"))
}
