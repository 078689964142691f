//! Evidence documents: which files are taken (by their first bytes, never by their name or the
//! type the sender declared), how their names are kept, and the limits.

/// The kinds of file a claim takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
}

impl MediaType {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    pub fn parse(text: &str) -> Option<MediaType> {
        [MediaType::Pdf, MediaType::Jpeg, MediaType::Png].into_iter().find(|m| m.as_str() == text)
    }

    /// What the first bytes say the file is; `None` for anything else (a renamed executable,
    /// an HTML page, a HEIC photo).
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MediaType::Png)
        } else {
            None
        }
    }
}

/// A review's outcome, and where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    Received,
    Accepted,
    Rejected,
}

impl DocumentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::Received => "received",
            DocumentStatus::Accepted => "accepted",
            DocumentStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentStatus> {
        [DocumentStatus::Received, DocumentStatus::Accepted, DocumentStatus::Rejected]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Largest file taken, by default (`DOCUMENT_MAX_BYTES`).
pub const MAX_BYTES: usize = 10 << 20;
/// Most documents one claim keeps, by default (`DOCUMENTS_PER_CLAIM`).
pub const MAX_PER_CLAIM: i64 = 20;
const MAX_NAME_CHARS: usize = 120;

/// A sender's file name as it is kept and offered back: the last path segment, without control
/// or bidirectional-override characters, at most 120 characters, never empty.
pub fn clean_filename(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_or_bidi(*c) && *c != '"')
        .take(MAX_NAME_CHARS)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "document".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Characters that change how text is read without being seen: zero-width ones and the
/// bidirectional controls (`receipt\u{202e}fdp.exe` reads as `receiptexe.pdf`).
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n..."), Some(MediaType::Pdf));
        assert_eq!(MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(b"MZ\x90\0 an executable named receipt.pdf"), None);
        assert_eq!(MediaType::sniff(b"<html>"), None);
        assert_eq!(MediaType::sniff(b""), None);
        for media in [MediaType::Pdf, MediaType::Jpeg, MediaType::Png] {
            assert_eq!(MediaType::parse(media.as_str()), Some(media));
        }
    }

    #[test]
    fn names_lose_their_paths_and_tricks() {
        assert_eq!(clean_filename("C:\\Users\\kim\\영수증.pdf"), "영수증.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("bill\u{202e}fdp.exe"), "billfdp.exe");
        assert_eq!(clean_filename("a\nb\"c.png"), "abc.png");
        assert_eq!(clean_filename("   "), "document");
        assert_eq!(clean_filename(".hidden"), "hidden");
        assert_eq!(clean_filename(&"가".repeat(300)).chars().count(), 120);
    }

    proptest! {
        #[test]
        fn cleaning_a_name_never_panics_and_never_leaves_a_path(name in "\\PC*") {
            let cleaned = clean_filename(&name);
            prop_assert!(!cleaned.is_empty());
            prop_assert!(!cleaned.contains('/') && !cleaned.contains('\\'));
        }

        #[test]
        fn sniffing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = MediaType::sniff(&bytes);
        }
    }
}
