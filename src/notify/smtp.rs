//! Mail over SMTP with lettre: plain text, UTF-8, one message per notice. The notice id is the
//! `Message-ID`, so a receiving system can tell a retry of a message it already has.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::usecases::notices::delivery::Outgoing;

/// Shorter than the sender's lease, so a hung server never lets a second sender in.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
            .timeout(Some(TIMEOUT))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("MAIL_FROM {from:?}: {e}"))?;
        Ok(Mailer { transport, from })
    }

    pub async fn send(&self, out: &Outgoing) -> Result<(), String> {
        let to: Mailbox =
            out.recipient.parse().map_err(|e| format!("the address cannot be mailed to: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&out.written.subject)
            .message_id(Some(format!("<{}@outage-claims>", out.notice_id)))
            .header(ContentType::TEXT_PLAIN)
            .body(out.written.text.clone())
            .map_err(|e| format!("the message could not be built: {e}"))?;
        self.transport.send(message).await.map(drop).map_err(|e| format!("SMTP: {e}"))
    }
}
