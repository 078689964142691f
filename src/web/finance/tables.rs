//! The dashboard's summary (totals, charts, tables) and its batch table. Amounts are the
//! decimal strings the API gives, shown unchanged; only the bar lengths are computed.

use super::super::charts::{bar_chart, Bar};
use super::super::i18n::Lang;
use super::super::render::escape;
use super::links::lang_query;
use super::text::t;
use crate::usecases::payouts::BatchView;
use crate::usecases::reports::{GroupView, Summary};

/// A label for a group key: the translated claim status or service, else the key itself.
fn group_label(prefix: &str, key: &str, lang: Lang) -> String {
    if prefix == "service" {
        return crate::usecases::claims::words::service_name(key, lang);
    }
    let full = format!("{prefix}.{key}");
    let text = t(&full, lang);
    if text == full {
        key.to_owned()
    } else {
        text.to_owned()
    }
}

fn money(amount: &str, currency: &str) -> String {
    format!("<span class=\"amount\">{}</span> {}", escape(amount), escape(currency))
}

/// A chart under a visible caption (the SVG's own `<title>` names it for screen readers).
fn figure(id: &str, title: &str, bars: &[Bar]) -> String {
    format!(
        "<figure class=\"chart-figure\"><figcaption aria-hidden=\"true\">{}</figcaption>{}</figure>\n",
        escape(title),
        bar_chart(id, title, bars)
    )
}

fn group_table(
    id: &str,
    prefix: &str,
    heading: &str,
    groups: &[GroupView],
    currency: &str,
    lang: Lang,
) -> String {
    let rows: String = groups
        .iter()
        .map(|g| {
            format!(
                "<tr data-key=\"{}\"><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                escape(&g.key),
                escape(&group_label(prefix, &g.key, lang)),
                g.count,
                money(&g.amount, currency)
            )
        })
        .collect();
    format!(
        "<table id=\"{id}\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th></tr></thead>\n<tbody>\n{rows}</tbody></table>\n",
        escape(heading),
        escape(t("fin.col_count", lang)),
        escape(t("fin.col_amount", lang)),
    )
}

/// Totals, then the three charts, each beside the table of its numbers.
pub fn summary(summary: &Summary, lang: Lang) -> String {
    let (totals, currency) = (&summary.totals, summary.currency.as_str());
    let amounts = [
        ("claimed", "fin.claimed", &totals.claimed),
        ("assessed-gross", "fin.assessed_gross", &totals.assessed_gross),
        ("assessed-payout", "fin.assessed_payout", &totals.assessed_payout),
        ("paid", "fin.paid", &totals.paid),
        ("failed", "fin.failed", &totals.failed),
    ];
    let mut out = format!(
        "<section aria-labelledby=\"summary-title\">\n<h2 id=\"summary-title\">{}</h2>\n<dl id=\"totals\">\n\
         <dt>{}</dt><dd id=\"total-claims\">{}</dd>\n",
        escape(t("fin.summary", lang)),
        escape(t("fin.total_claims", lang)),
        totals.claims
    );
    for (id, key, amount) in amounts {
        out.push_str(&format!(
            "<dt>{}</dt><dd id=\"total-{id}\">{}</dd>\n",
            escape(t(key, lang)),
            money(amount, currency)
        ));
    }
    out.push_str("</dl>\n");
    let by_status: Vec<Bar> = summary
        .by_status
        .iter()
        .map(|g| Bar {
            label: group_label("status", &g.key, lang),
            value: g.count.to_string(),
            text: g.count.to_string(),
        })
        .collect();
    out.push_str(&figure("chart-status", t("fin.chart_status", lang), &by_status));
    out.push_str(&group_table(
        "by-status",
        "status",
        t("fin.col_status", lang),
        &summary.by_status,
        currency,
        lang,
    ));
    let amount_bars: Vec<Bar> = amounts[..4]
        .iter()
        .map(|(_, key, amount)| Bar {
            label: t(key, lang).to_owned(),
            value: (*amount).clone(),
            text: format!("{amount} {currency}"),
        })
        .collect();
    out.push_str(&figure("chart-amounts", t("fin.chart_amounts", lang), &amount_bars));
    let by_service: Vec<Bar> = summary
        .by_service
        .iter()
        .map(|g| Bar {
            label: group_label("service", &g.key, lang),
            value: g.amount.clone(),
            text: format!("{} {currency}", g.amount),
        })
        .collect();
    out.push_str(&figure("chart-service", t("fin.chart_service", lang), &by_service));
    out.push_str(&group_table(
        "by-service",
        "service",
        t("fin.col_service", lang),
        &summary.by_service,
        currency,
        lang,
    ));
    out.push_str("</section>\n");
    out
}

/// What may be done with a batch from here: approve a calculated one (four eyes are checked by
/// the approve use case), export an approved or settled one.
fn actions(batch: &BatchView, lang: Lang) -> String {
    let id = escape(&batch.id);
    match batch.status.as_str() {
        "calculated" => format!(
            "<form method=\"post\" action=\"/finance/batches/{id}/approve{}\" class=\"inline\">\
             <button type=\"submit\" class=\"approve\">{}</button></form>",
            lang_query(lang),
            escape(t("fin.approve", lang))
        ),
        "approved" | "settled" => format!(
            "<a class=\"export\" href=\"/finance/batches/{id}/export.csv\" download>{}</a> \
             <a class=\"export-bom\" href=\"/finance/batches/{id}/export.csv?bom=true\" download>{}</a>",
            escape(t("fin.export", lang)),
            escape(t("fin.export_bom", lang))
        ),
        _ => String::new(),
    }
}

/// The incident's batches with their totals and state.
pub fn batches(batches: &[BatchView], lang: Lang) -> String {
    let title = escape(t("fin.batches", lang));
    if batches.is_empty() {
        return format!("<h2>{title}</h2>\n<p class=\"notice\">{}</p>\n", escape(t("fin.no_batches", lang)));
    }
    let heads: String =
        ["batch", "status", "lines", "gross", "payout", "factor", "created_by", "approved_by", "actions"]
            .iter()
            .map(|c| format!("<th scope=\"col\">{}</th>", escape(t(&format!("fin.col_{c}"), lang))))
            .collect();
    let rows: String = batches
        .iter()
        .map(|b| {
            let id = escape(&b.id);
            format!(
                "<tr id=\"batch-{id}\" data-status=\"{status}\"><th scope=\"row\"><code>{id}</code></th>\
                 <td class=\"batch-status\">{label}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                b.line_count,
                money(&b.total_gross, &b.currency),
                money(&b.total_payout, &b.currency),
                escape(b.factor.as_deref().unwrap_or("-")),
                escape(&b.created_by),
                escape(b.approved_by.as_deref().unwrap_or("-")),
                actions(b, lang),
                status = escape(&b.status),
                label = escape(t(&format!("batch.{}", b.status), lang)),
            )
        })
        .collect();
    format!(
        "<section aria-labelledby=\"batches-title\">\n<h2 id=\"batches-title\">{title}</h2>\n\
         <div class=\"table-wrap\"><table id=\"batches\"><thead><tr>{heads}</tr></thead>\n<tbody>\n{rows}\
         </tbody></table></div>\n</section>\n"
    )
}
