//! Stage 3, policy: what a caller may do. Owns which tools a server offers (tier ceiling and
//! categories, here), the node and guest allowlists ([`allowlist`]) and the confirmation gates of
//! destructive tools ([`gate`]). Pure decisions: nothing here sends, asks or logs.
//!
//! Which tools this server offers (tier ceiling and categories) and whether a call
//! may go ahead. Checked again at call time, whatever the client saw in `tools/list`.

use std::collections::BTreeSet;

pub mod allowlist;
pub mod gate;
pub mod permissions;

use crate::tools::generated::Category;
use crate::tools::registry::{self, Tier, ToolDef};

/// The access policy of one server (one caller).
#[derive(Debug, Clone)]
pub struct Policy {
    pub tier: Tier,
    pub categories: BTreeSet<Category>,
    /// pve-mcp logs in to PVE with an API token: methods PVE refuses to tokens are not offered.
    pub token_login: bool,
}

/// Why a call is refused. Nothing is sent to PVE for a refused call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("tool `{tool}` needs access tier `{needs}`; this server offers `{has}` (PVE_ACCESS_TIER)")]
    Tier { tool: &'static str, needs: &'static str, has: &'static str },
    #[error("tool `{tool}` is in category `{category}`, which this server does not offer (PVE_CATEGORIES)")]
    Category { tool: &'static str, category: &'static str },
    #[error(
        "tool `{tool}` is not offered: PVE does not let API tokens call it (`allowtoken: 0` in its schema), and \
         pve-mcp logs in with an API token (PVE_TOKEN_ID); log in with PVE_USER and PVE_PASSWORD to use it"
    )]
    TokenLogin { tool: &'static str },
}

impl Policy {
    /// Whether this policy lets a tool be seen and called.
    pub fn check(&self, tool: &ToolDef) -> Result<(), Refusal> {
        if tool.tier > self.tier {
            return Err(Refusal::Tier { tool: tool.name, needs: tool.tier.as_str(), has: self.tier.as_str() });
        }
        if !self.categories.contains(&tool.category) {
            return Err(Refusal::Category { tool: tool.name, category: tool.category.as_str() });
        }
        if self.token_login && !tool.allow_token {
            return Err(Refusal::TokenLogin { tool: tool.name });
        }
        Ok(())
    }

    /// What both policies allow: the lower tier, the common categories (a cluster's access within
    /// an HTTP caller's, say).
    pub fn within(&self, other: &Policy) -> Policy {
        Policy {
            tier: self.tier.min(other.tier),
            categories: self.categories.intersection(&other.categories).copied().collect(),
            token_login: self.token_login || other.token_login,
        }
    }

    /// What either policy allows: the higher tier, all their categories (what a server with
    /// several clusters lists; each call is still checked against its cluster's own policy).
    pub fn union(&self, other: &Policy) -> Policy {
        Policy {
            tier: self.tier.max(other.tier),
            categories: self.categories.union(&other.categories).copied().collect(),
            token_login: self.token_login && other.token_login,
        }
    }

    /// The tools offered, sorted by name.
    pub fn visible_tools(&self) -> impl Iterator<Item = &'static ToolDef> + '_ {
        registry::all().iter().filter(|t| self.check(t).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(tier: Tier, cats: &[Category]) -> Policy {
        Policy { tier, categories: cats.iter().copied().collect(), token_login: false }
    }

    #[test]
    fn read_only_sees_only_gets() {
        let p = policy(Tier::ReadOnly, Category::ALL);
        assert!(p.visible_tools().all(|t| t.method == crate::pve::request::HttpMethod::Get));
    }

    #[test]
    fn tiers_nest() {
        let count = |t| policy(t, Category::ALL).visible_tools().count();
        assert!(count(Tier::ReadOnly) < count(Tier::ReadExecute));
        assert!(count(Tier::ReadExecute) < count(Tier::Full));
        assert_eq!(count(Tier::Full), registry::all().len());
    }

    #[test]
    fn a_write_is_refused_below_full() {
        let p = policy(Tier::ReadExecute, Category::ALL);
        let t = registry::find("qemu_vm_config_update").unwrap();
        assert!(matches!(p.check(t), Err(Refusal::Tier { needs: "full", .. })));
    }

    #[test]
    fn categories_filter() {
        let p = policy(Tier::Full, &[Category::Qemu]);
        assert!(p.visible_tools().all(|t| t.category == Category::Qemu));
        assert!(p.check(registry::find("lxc_ct_list").unwrap()).is_err());
    }

    #[test]
    fn a_token_login_hides_methods_pve_refuses_to_tokens() {
        let closed = registry::all().iter().find(|t| !t.allow_token).expect("the schema has allowtoken: 0 methods");
        let user = policy(Tier::Full, Category::ALL);
        assert!(user.check(closed).is_ok());
        let token = Policy { token_login: true, ..user };
        assert!(matches!(token.check(closed), Err(Refusal::TokenLogin { .. })));
        assert!(token.visible_tools().all(|t| t.allow_token));
    }
}
