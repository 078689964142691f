//! Horizontal bar charts drawn by the server as inline SVG, so the finance page needs no script
//! and nothing from another origin (the page's CSP forbids both).
//!
//! Pure: values in, markup out. Bar lengths come from decimal arithmetic on the values the API
//! shows (money as decimal strings, counts as integers), never from floats, and every text is
//! HTML-escaped. Colours come from classes in `style.css`: the CSP allows no inline style.

use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::render::escape;

/// Width of the whole drawing, in SVG units (it scales down with the page).
const WIDTH: u32 = 640;
/// Where the bars start; the labels sit right-aligned before it.
const BAR_X: u32 = 180;
/// Length of the longest bar, leaving room after it for its value.
const BAR_MAX: u32 = 300;
const ROW: u32 = 30;
const BAR_HEIGHT: u32 = 20;

/// One bar: `value` (a decimal string or count) sets its length, `text` is what it says.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub text: String,
}

/// The value as a non-negative decimal; anything that does not parse draws no bar.
fn magnitude(value: &str) -> Decimal {
    Decimal::from_str(value).ok().filter(|d| d.is_sign_positive()).unwrap_or_default()
}

/// Bar length in SVG units: `value / max * BAR_MAX`, rounded, and at least 1 for a non-zero
/// value so a small amount is not mistaken for none.
fn length(value: Decimal, max: Decimal) -> u32 {
    if max.is_zero() || value.is_zero() {
        return 0;
    }
    let scaled = value
        .checked_mul(Decimal::from(BAR_MAX))
        .and_then(|v| v.checked_div(max))
        .map_or(BAR_MAX, |v| v.round().to_u32().unwrap_or(BAR_MAX));
    scaled.clamp(1, BAR_MAX)
}

/// An `<svg>` bar chart titled `title`; `id` must be unique on the page (it names the title).
pub fn bar_chart(id: &str, title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| magnitude(&b.value)).max().unwrap_or_default();
    let rows = u32::try_from(bars.len()).unwrap_or(u32::MAX / ROW).max(1);
    let height = rows.saturating_mul(ROW).saturating_add(10);
    let (id, title) = (escape(id), escape(title));
    let mut svg = format!(
        "<svg id=\"{id}\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\">\
         <title id=\"{id}-title\">{title}</title>"
    );
    for (row, bar) in (0_u32..).zip(bars) {
        let top = row * ROW + 5;
        let text_y = top + BAR_HEIGHT / 2 + 5;
        let width = length(magnitude(&bar.value), max);
        svg.push_str(&format!(
            "<g class=\"chart-row\"><text class=\"chart-label\" x=\"{}\" y=\"{text_y}\" \
             text-anchor=\"end\">{}</text><rect class=\"chart-bar\" x=\"{BAR_X}\" y=\"{top}\" \
             width=\"{width}\" height=\"{BAR_HEIGHT}\"></rect><text class=\"chart-value\" x=\"{}\" \
             y=\"{text_y}\">{}</text></g>",
            BAR_X - 8,
            escape(&bar.label),
            BAR_X + width + 6,
            escape(&bar.text),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: &str) -> Bar {
        Bar { label: label.into(), value: value.into(), text: value.into() }
    }

    fn widths(svg: &str) -> Vec<u32> {
        svg.split("<rect")
            .skip(1)
            .filter_map(|r| r.split("width=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn bars_are_proportional_to_their_values() {
        let svg = bar_chart("c", "Amounts", &[bar("a", "750000"), bar("b", "375000"), bar("c", "0")]);
        assert_eq!(widths(&svg), vec![BAR_MAX, BAR_MAX / 2, 0]);
        assert!(svg.starts_with("<svg id=\"c\"") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"c-title\">Amounts</title>"));
    }

    #[test]
    fn decimals_and_tiny_values_still_draw() {
        let svg = bar_chart("c", "t", &[bar("a", "10000000000000"), bar("b", "0.01"), bar("c", "x")]);
        assert_eq!(widths(&svg), vec![BAR_MAX, 1, 0]);
    }

    #[test]
    fn every_text_is_escaped() {
        let evil = Bar { label: "<script>".into(), value: "1".into(), text: "\"&'".into() };
        let svg = bar_chart("x\"y", "<b>", &[evil]);
        assert!(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains("x\"y"));
        assert!(svg.contains("&lt;script&gt;") && svg.contains("&quot;&amp;&#39;"));
    }

    #[test]
    fn an_empty_chart_is_still_valid_markup() {
        let svg = bar_chart("e", "Empty", &[]);
        assert!(svg.contains("height=\"40\"") && !svg.contains("<rect"));
    }
}
