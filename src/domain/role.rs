//! Who is acting: roles of SPEC section 3 and the authenticated actor.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Finance,
    Partner,
    Claimant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Finance => "finance",
            Role::Partner => "partner",
            Role::Claimant => "claimant",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Admin, Role::Finance, Role::Partner, Role::Claimant].into_iter().find(|r| r.as_str() == text)
    }
}

/// An authenticated caller, from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub sub: String,
    pub role: Role,
    /// The partner organisation, for partners.
    pub org: Option<String>,
    /// A status token reads one claim only: its id.
    pub claim_scope: Option<String>,
}

impl Actor {
    /// How the actor is named in audit events: `role:sub`.
    pub fn audit_name(&self) -> String {
        format!("{}:{}", self.role.as_str(), self.sub)
    }

    pub fn is(&self, roles: &[Role]) -> bool {
        roles.contains(&self.role)
    }
}
