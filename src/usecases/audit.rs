//! Reading the audit chain.

use serde::{Deserialize, Serialize};

use crate::db::audit::{self, EventFilter};
use crate::db::DbConnection;
use crate::domain::audit::StoredEvent;
use crate::usecases::page::{Page, PageRequest};
use crate::usecases::query::SeqParam;
use crate::usecases::Error;

/// Query of `GET /audit-events`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[serde(default)]
    #[schemars(schema_with = "crate::usecases::page::limit_schema")]
    pub limit: Option<u32>,
    pub cursor: Option<SeqParam>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AuditEventView {
    pub seq: i64,
    pub id: String,
    pub occurred_at: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

impl From<StoredEvent> for AuditEventView {
    fn from(e: StoredEvent) -> Self {
        AuditEventView {
            seq: e.seq,
            occurred_at: e.occurred_at.to_string(),
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::String(e.details)),
            id: e.id,
            actor: e.actor,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

pub fn list(conn: &mut DbConnection, query: AuditQuery) -> Result<Page<AuditEventView>, Error> {
    let after = query.cursor.map_or(0, SeqParam::value);
    let page = PageRequest::parse(query.limit, None)?;
    let filter =
        EventFilter { entity_type: query.entity_type, entity_id: query.entity_id, action: query.action };
    let events = audit::list(conn, &filter, after, page.fetch())?;
    Ok(Page::from_fetched(events, &page, |e| e.seq.to_string()).map(AuditEventView::from))
}
