//! Where a bulk upload stands: processed in chunks until it is completed.

/// The stored status of a bulk upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UploadStatus {
    Processing,
    Completed,
}

impl UploadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadStatus::Processing => "processing",
            UploadStatus::Completed => "completed",
        }
    }

    pub fn parse(text: &str) -> Option<UploadStatus> {
        [UploadStatus::Processing, UploadStatus::Completed].into_iter().find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for UploadStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
