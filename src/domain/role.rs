//! Who is acting: roles of docs/contract.md §1 and the authenticated actor.

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

    /// Whether this actor is the person an audit name (`role:sub`) names: see [`same_person`].
    pub fn is_named(&self, audit_name: &str) -> bool {
        same_person(&self.audit_name(), audit_name)
    }
}

/// Whether two audit names (`role:sub`) are the same person, for every four-eyes decision.
/// Case-insensitive: identity providers disagree on the case of a login (`fin-a`, `Fin-A`), and
/// one person must never pass for two. Tokens with control characters or surrounding white
/// space never verify (see `auth`), so case is the only disguise left to undo here.
pub fn same_person(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finance(sub: &str) -> Actor {
        Actor { sub: sub.into(), role: Role::Finance, org: None, claim_scope: None }
    }

    #[test]
    fn names_that_differ_only_in_case_are_one_person() {
        assert!(finance("Fin-A").is_named("finance:fin-a"));
        assert!(finance("ÉVA").is_named("finance:éva"));
        assert!(same_person("finance:fred", "FINANCE:FRED"));
    }

    #[test]
    fn different_names_are_different_people() {
        assert!(!finance("fin-a").is_named("finance:fin-b"));
        assert!(!finance("fin-a").is_named("admin:fin-a"));
    }
}
