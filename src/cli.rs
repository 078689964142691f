//! The command line: `serve [--demo]`, `migrate`, `token`, `audit verify`, `backup`, `schemas`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::auth::{parse_ttl, TokenRequest};
use crate::config::Config;
use crate::db::{self, audit::Verdict};
use crate::domain::role::Role;
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(name = "outage-claims", version, about = "Compensation claims after a large service outage")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the web pages (migrates the database first).
    Serve {
        /// Load a sample incident with outage windows and a policy.
        #[arg(long)]
        demo: bool,
        /// Overrides BIND_ADDR.
        #[arg(long)]
        bind: Option<String>,
        /// Overrides DATABASE_URL.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Mint a token signed with the configured key (`--claim ID` instead of a role: a new status
    /// link token for one claim, e.g. after the key was rotated).
    Token {
        #[arg(long, value_parser = ["admin", "finance", "partner", "claimant"], required_unless_present = "claim")]
        role: Option<String>,
        #[arg(long, required_unless_present = "claim")]
        sub: Option<String>,
        /// The claim a status token reads.
        #[arg(long, conflicts_with_all = ["role", "sub", "org"])]
        claim: Option<String>,
        /// The partner organisation (required for partners).
        #[arg(long)]
        org: Option<String>,
        /// Lifetime, e.g. 15m, 8h, 7d.
        #[arg(long, default_value = "8h")]
        ttl: String,
    },
    /// Audit chain tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent copy of the database while the service runs (SQLite: a database
    /// file; PostgreSQL: a pg_dump custom-format archive).
    Backup {
        /// Where to write it; must not exist yet.
        #[arg(long)]
        to: PathBuf,
    },
    /// Check (or with --write, refresh) the generated JSON Schemas and OpenAPI document.
    Schemas {
        #[arg(long, default_value = "schemas")]
        dir: PathBuf,
        #[arg(long)]
        write: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Verify the hash chain; exits non-zero naming the first broken event.
    Verify,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error:#}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(config.log_json);
    match run(cli.command, config) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, mut config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { demo, bind, database_url } => {
            if let Some(bind) = bind {
                config.bind_addr = bind;
            }
            if let Some(url) = database_url {
                config.database_url = db::DatabaseUrl::parse(&url)?;
            }
            serve(config, demo)?;
        }
        Command::Migrate => {
            let mut conn = config.database_url.connect().context("connecting to the database")?;
            let applied = db::run_migrations(&mut conn)?;
            println!(
                "applied {} migration(s){}",
                applied.len(),
                if applied.is_empty() { String::new() } else { format!(": {}", applied.join(", ")) }
            );
        }
        Command::Token { claim: Some(claim), .. } => {
            let claim = uuid::Uuid::parse_str(&claim).context("--claim must be a claim id")?.to_string();
            let keys = config.jwt_keys(false)?;
            let mut conn = config.database_url.connect().context("connecting to the database")?;
            let close = status_token_close(&mut conn, &claim)?;
            println!("{}", keys.mint_status_token_until(&claim, close)?);
        }
        Command::Token { role, sub, org, ttl, claim: None } => {
            let (Some(role), Some(sub)) = (role, sub) else { anyhow::bail!("--role and --sub are required") };
            let role = Role::parse(&role).context("unknown role")?;
            anyhow::ensure!(role != Role::Partner || org.is_some(), "a partner token needs --org");
            let keys = config.jwt_keys(false)?;
            let token = keys.mint(&TokenRequest {
                role,
                sub: &sub,
                org: org.as_deref(),
                claim_id: None,
                ttl: parse_ttl(&ttl)?,
            })?;
            println!("{token}");
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let mut conn = config.database_url.connect().context("connecting to the database")?;
            return Ok(match db::audit::verify(&mut conn)? {
                Verdict::Sound { events } => {
                    println!("audit chain sound: {events} event(s)");
                    ExitCode::SUCCESS
                }
                Verdict::Broken { seq, id, reason } => {
                    println!("audit chain BROKEN at event seq {seq} (id {id}): {reason:?}");
                    ExitCode::FAILURE
                }
                Verdict::HeadMismatch { events } => {
                    println!("audit chain BROKEN: {events} event(s) verify, but the chain head points elsewhere (events removed from the end?)");
                    ExitCode::FAILURE
                }
            });
        }
        Command::Backup { to } => {
            db::backup::backup(&config.database_url, &to)?;
            println!("backup written to {}", to.display());
        }
        Command::Schemas { dir, write } => {
            if write {
                crate::schemas::write_all(&dir)?;
                println!("wrote {}", dir.display());
            } else {
                let drifted = crate::schemas::drifted(&dir);
                if !drifted.is_empty() {
                    println!("out of date: {} (run `outage-claims schemas --write`)", drifted.join(", "));
                    return Ok(ExitCode::FAILURE);
                }
                println!("schemas are up to date");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// When the claims window of the claim's incident closes (Unix seconds): a status token lives
/// at most 180 days beyond it.
fn status_token_close(conn: &mut db::DbConnection, claim: &str) -> anyhow::Result<i64> {
    let row = db::claims::find(conn, claim)?.context("no such claim")?;
    let incident = db::incidents::find(conn, &row.incident_id)?.context("the claim's incident is missing")?;
    Ok(incident.claims_close_at.and_utc().timestamp())
}

fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let listener =
        TcpListener::bind(&config.bind_addr).with_context(|| format!("binding {}", config.bind_addr))?;
    let url = config.database_url.clone();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config, listener)?;
        if demo {
            let mut conn = url.connect().context("connecting to the database")?;
            let id = crate::demo::load(&mut conn).map_err(|e| anyhow::anyhow!("loading the demo: {e:?}"))?;
            tracing::info!(incident_id = %id, "demo incident loaded");
        }
        tracing::info!(port = app.port(), "serving");
        app.run_until_stopped().await.context("server failed")
    })
}
