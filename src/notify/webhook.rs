//! The JSON webhook for an SMS or messenger gateway: one POST per notice, answered 2xx when the
//! gateway took it. The notice id travels as `Idempotency-Key`, so the gateway can drop a retry.

use std::time::Duration;

use serde_json::json;

use crate::usecases::notices::delivery::Outgoing;

const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Webhook {
    client: reqwest::Client,
    url: String,
}

impl Webhook {
    pub fn new(url: &str) -> anyhow::Result<Webhook> {
        let parsed = reqwest::Url::parse(url).map_err(|e| anyhow::anyhow!("NOTIFY_WEBHOOK_URL: {e}"))?;
        anyhow::ensure!(
            matches!(parsed.scheme(), "http" | "https"),
            "NOTIFY_WEBHOOK_URL must be http or https"
        );
        let client = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(Webhook { client, url: url.to_owned() })
    }

    pub async fn send(&self, out: &Outgoing) -> Result<(), String> {
        let body = json!({
            "notice_id": out.notice_id,
            "claim_id": out.claim_id,
            "reference": out.reference,
            "kind": out.kind,
            "locale": out.locale.code(),
            "to": out.recipient,
            "subject": out.written.subject,
            "text": out.written.text,
            "status_link": out.status_link,
            "verification_code": out.code,
        });
        let response = self
            .client
            .post(&self.url)
            .header("Idempotency-Key", &out.notice_id)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("webhook: {e}"))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("webhook answered {status}"))
        }
    }
}
