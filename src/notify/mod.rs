//! The notice sender and the cure deadline jobs, run in the background of `serve` by every
//! instance (the outbox's leases and the jobs' guarded updates make that safe). The transports
//! are adapters: mail over SMTP ([`smtp`]) and a JSON webhook ([`webhook`]).

mod smtp;
mod webhook;

use std::time::Instant;

use actix_web::web;

use crate::domain::notice::NoticeChannel;
use crate::http::state::AppState;
use crate::usecases::notices::deadlines;
use crate::usecases::notices::delivery::{self, Outgoing, Pacing};

/// Notices claimed per round.
const PER_ROUND: i64 = 50;

/// The channels this instance can send on.
pub struct Transports {
    mail: Option<smtp::Mailer>,
    webhook: Option<webhook::Webhook>,
}

impl Transports {
    pub fn from_config(config: &crate::config::NoticeConfig) -> anyhow::Result<Transports> {
        let mail =
            config.smtp_url.as_deref().map(|url| smtp::Mailer::new(url, &config.mail_from)).transpose()?;
        let webhook = config.webhook_url.as_deref().map(webhook::Webhook::new).transpose()?;
        Ok(Transports { mail, webhook })
    }

    fn channels(&self) -> Vec<NoticeChannel> {
        let mut channels = Vec::new();
        if self.mail.is_some() {
            channels.push(NoticeChannel::Email);
        }
        if self.webhook.is_some() {
            channels.push(NoticeChannel::Webhook);
        }
        channels
    }

    async fn send(&self, out: &Outgoing) -> Result<(), String> {
        match (out.channel, &self.mail, &self.webhook) {
            (NoticeChannel::Email, Some(mail), _) => mail.send(out).await,
            (NoticeChannel::Webhook, _, Some(hook)) => hook.send(out).await,
            // Not claimed unless its channel is configured.
            (channel, _, _) => Err(format!("no {} channel is configured", channel.as_str())),
        }
    }
}

/// Starts the background work: the deadline jobs always, the sender when a channel is
/// configured (until then notices wait in the outbox).
pub fn spawn(state: web::Data<AppState>) -> anyhow::Result<()> {
    let config = state.config.notices.clone();
    let transports = Transports::from_config(&config)?;
    let pacing = Pacing::new(&config.public_base_url, config.retry_base);
    let channels = transports.channels();
    if channels.is_empty() {
        tracing::info!("no SMTP_URL or NOTIFY_WEBHOOK_URL: notices are queued but not sent");
    }
    tokio::spawn(async move {
        let mut deadlines_run: Option<Instant> = None;
        loop {
            if deadlines_run.is_none_or(|at| at.elapsed() >= config.deadline_jobs_every) {
                run_deadlines(&state, config.reminder_days).await;
                deadlines_run = Some(Instant::now());
            }
            let sent = if channels.is_empty() {
                0
            } else {
                send_round(&state, &transports, &pacing, &channels).await
            };
            // A full round means more are waiting: go on at once.
            if sent < PER_ROUND as usize {
                tokio::time::sleep(config.poll).await;
            }
        }
    });
    Ok(())
}

async fn run_deadlines(state: &web::Data<AppState>, reminder_days: i64) {
    match state.write(move |conn, _context| deadlines::remind(conn, reminder_days)).await {
        Ok(0) => {}
        Ok(queued) => tracing::info!(queued, "cure deadline reminders queued"),
        Err(error) => tracing::warn!(%error, "could not queue reminders"),
    }
    match state.write(deadlines::expire).await {
        Ok(0) => {}
        Ok(rejected) => tracing::info!(rejected, "deficient claims past their deadline rejected"),
        Err(error) => tracing::warn!(%error, "could not expire deficiencies"),
    }
}

/// Claims, sends and finishes one round of notices; returns how many were claimed.
async fn send_round(
    state: &web::Data<AppState>,
    transports: &Transports,
    pacing: &Pacing,
    channels: &[NoticeChannel],
) -> usize {
    let (keys, claim_pacing, claim_channels) = (state.keys.clone(), pacing.clone(), channels.to_vec());
    let claimed = state
        .write(move |conn, _context| {
            delivery::claim_and_write(conn, &keys, &claim_pacing, &claim_channels, PER_ROUND)
        })
        .await;
    let outgoing = match claimed {
        Ok(outgoing) => outgoing,
        Err(error) => {
            tracing::warn!(%error, "could not claim notices");
            return 0;
        }
    };
    let count = outgoing.len();
    for out in outgoing {
        let result = transports.send(&out).await;
        if let Err(error) = &result {
            tracing::warn!(notice = %out.notice_id, channel = out.channel.as_str(), %error, "notice not delivered");
        }
        let finish_pacing = pacing.clone();
        let finished =
            state.write(move |conn, _context| delivery::finish(conn, &out, result, &finish_pacing)).await;
        if let Err(error) = finished {
            // The lease runs out and another round tries again: at least once, as promised.
            tracing::warn!(%error, "could not record a notice attempt");
        }
    }
    count
}
