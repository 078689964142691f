//! The files the pages load, embedded at build time and named by a hash of their content.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    /// First 16 hex digits of the SHA-256 of `bytes`: the ETag and the `?v=` of its URL.
    pub hash: String,
}

const FILES: &[(&str, &str, &[u8])] = &[
    ("style.css", "text/css; charset=utf-8", include_bytes!("assets/style.css")),
    ("common.js", "text/javascript; charset=utf-8", include_bytes!("assets/common.js")),
    ("validate.js", "text/javascript; charset=utf-8", include_bytes!("assets/validate.js")),
    ("form.js", "text/javascript; charset=utf-8", include_bytes!("assets/form.js")),
    ("status.js", "text/javascript; charset=utf-8", include_bytes!("assets/status.js")),
    ("favicon.svg", "image/svg+xml", include_bytes!("assets/favicon.svg")),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, content_type, bytes)| Asset {
            name,
            content_type,
            bytes,
            hash: hex::encode(&Sha256::digest(bytes)[..8]),
        })
        .collect()
});

pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// `/assets/form.js?v=...`, or `None` for a file that is not embedded.
pub fn url(name: &str) -> Option<String> {
    find(name).map(|a| format!("/assets/{}?v={}", a.name, a.hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_distinct_versioned_url() {
        let urls: std::collections::BTreeSet<_> = FILES.iter().filter_map(|(name, _, _)| url(name)).collect();
        assert_eq!(urls.len(), FILES.len());
        assert!(url("missing.js").is_none());
    }
}
