//! Stage 3, policy: what a caller may do. Owns which tools a server offers (tier ceiling and
//! categories, here), the node and guest allowlists ([`allowlist`]) and the confirmation gates of
//! destructive tools ([`gate`]). Pure decisions: nothing here sends, asks or logs.
//!
//! Which tools this server offers (tier ceiling and categories) and whether a call
//! may go ahead. Checked again at call time, whatever the client saw in `tools/list`.

use std::collections::{BTreeMap, BTreeSet};

pub mod allowlist;
pub mod gate;
pub mod inert;
pub mod permissions;
#[cfg(test)]
mod recipes;
pub mod source;
pub mod unseen;

use crate::pve::product::Product;
use crate::tools::generated::Category;
use crate::tools::registry::{self, Tier, ToolDef};
pub use source::Source;

/// The access policy of one server (one caller).
#[derive(Debug, Clone)]
pub struct Policy {
    pub tier: Tier,
    pub categories: BTreeSet<Category>,
    /// pve-mcp logs in to PVE with an API token: methods PVE refuses to tokens are not offered.
    pub token_login: bool,
    /// Where the tier and the absent categories were set, for the refusals' words.
    pub origin: Origin,
    /// The products whose tools are offered, when the policy is a cluster's (or a union of
    /// clusters'); `None` for one tied to no cluster (the server's, a caller's): PVE's tools.
    pub products: Option<BTreeSet<Product>>,
}

/// Where a policy's limits were set: its tier, and each category it leaves out (a category not
/// named here was left out by the server's own settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub tier: Source,
    pub absent: BTreeMap<Category, Source>,
}

impl Origin {
    /// Everything set by `source`.
    pub fn all(source: Source) -> Origin {
        let absent = Category::ALL.iter().map(|c| (*c, source.clone())).collect();
        Origin { tier: source, absent }
    }

    fn of(&self, category: Category) -> Source {
        self.absent.get(&category).cloned().unwrap_or_default()
    }
}

/// Why a call is refused. Nothing is sent to PVE for a refused call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("tool `{tool}` needs access tier `{needs}`; {}", tier_limit(.set_by, .has))]
    Tier { tool: &'static str, needs: &'static str, has: &'static str, set_by: Source },
    #[error("tool `{tool}` is in category `{category}`, {}", category_limit(.set_by, .category))]
    Category { tool: &'static str, category: &'static str, set_by: Source },
    #[error(
        "tool `{tool}` is not offered: PVE does not let API tokens call it (`allowtoken: 0` in its schema), and \
         pve-mcp logs in with an API token (PVE_TOKEN_ID); log in with PVE_USER and PVE_PASSWORD to use it"
    )]
    TokenLogin { tool: &'static str },
    #[error("tool `{tool}` is a {product} tool, and no {product} is configured here (PVE_MCP_CONFIG, PBS_URL)")]
    Product { tool: &'static str, product: &'static str },
}

impl Refusal {
    /// The tool refused.
    pub fn tool(&self) -> &'static str {
        match self {
            Refusal::Tier { tool, .. }
            | Refusal::Category { tool, .. }
            | Refusal::TokenLogin { tool }
            | Refusal::Product { tool, .. } => tool,
        }
    }

    /// For a tier refusal, which setting holds the tier and what it allows ("this server offers
    /// `read-only` (PVE_ACCESS_TIER)"), and whether that is the server's own `PVE_ACCESS_TIER`.
    pub fn tier_limit(&self) -> Option<(String, bool)> {
        match self {
            Refusal::Tier { has, set_by, .. } => {
                Some((tier_limit(set_by, has), matches!(set_by, Source::Server | Source::Session)))
            }
            _ => None,
        }
    }
}

fn tier_limit(source: &Source, has: &str) -> String {
    match source {
        Source::Server | Source::Session => format!("this server offers `{has}` (PVE_ACCESS_TIER)"),
        Source::Cluster(_) => {
            format!("{source} allows `{has}` (its `tier`/`read_only` in the configuration file, PVE_MCP_CONFIG)")
        }
        Source::Token(_) | Source::OAuthMap(_) => {
            format!("{source} allows `{has}` ({})", source.setting("tier", "PVE_ACCESS_TIER"))
        }
    }
}

fn category_limit(source: &Source, category: &str) -> String {
    match source {
        Source::Server => "which this server does not offer (PVE_CATEGORIES)".to_owned(),
        Source::Session => {
            format!("which this session turned off with pve_toolsets (`enable: [\"{category}\"]` turns it back on)")
        }
        _ => format!("which {source} does not offer ({})", source.setting("categories", "PVE_CATEGORIES")),
    }
}

impl Policy {
    /// A policy set by the server's own settings.
    pub fn new(tier: Tier, categories: BTreeSet<Category>, token_login: bool) -> Policy {
        Policy { tier, categories, token_login, origin: Origin::default(), products: None }
    }

    /// The same limits, for a cluster of `product`: its tools are the ones offered.
    pub fn for_product(self, product: Product) -> Policy {
        Policy { products: Some([product].into()), ..self }
    }

    /// The same limits, reported as set by `source` where they are narrower than `server`'s
    /// (a caller's entry or a cluster table, already capped by the server's settings).
    pub fn set_by(mut self, source: Source, server: &Policy) -> Policy {
        if self.tier < server.tier {
            self.origin.tier = source.clone();
        }
        for c in server.categories.difference(&self.categories) {
            self.origin.absent.insert(*c, source.clone());
        }
        self
    }

    /// Whether this policy lets a tool be seen and called.
    pub fn check(&self, tool: &ToolDef) -> Result<(), Refusal> {
        #[cfg(test)]
        tests::count_check();
        let product = registry::product_of(tool);
        if !self.products.as_ref().map_or(product == Product::Pve, |p| p.contains(&product)) {
            return Err(Refusal::Product { tool: tool.name, product: product.short() });
        }
        if tool.tier > self.tier {
            return Err(Refusal::Tier {
                tool: tool.name,
                needs: tool.tier.as_str(),
                has: self.tier.as_str(),
                set_by: self.origin.tier.clone(),
            });
        }
        if !self.categories.contains(&tool.category) {
            return Err(Refusal::Category {
                tool: tool.name,
                category: tool.category.as_str(),
                set_by: self.origin.of(tool.category),
            });
        }
        if self.token_login && !tool.allow_token {
            return Err(Refusal::TokenLogin { tool: tool.name });
        }
        Ok(())
    }

    /// What both policies allow: the lower tier, the common categories (a cluster's access within
    /// an HTTP caller's, say). Each limit keeps the source of the policy that set it.
    pub fn within(&self, other: &Policy) -> Policy {
        let categories: BTreeSet<Category> = self.categories.intersection(&other.categories).copied().collect();
        let absent = Category::ALL
            .iter()
            .filter(|c| !categories.contains(c))
            .map(|c| (*c, if self.categories.contains(c) { other.origin.of(*c) } else { self.origin.of(*c) }))
            .collect();
        let tier = if self.tier <= other.tier { self.origin.tier.clone() } else { other.origin.tier.clone() };
        // A cluster's products stay those of the cluster, whichever side it is on.
        let products = match (&self.products, &other.products) {
            (Some(a), Some(b)) => Some(a.intersection(b).copied().collect()),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        };
        Policy {
            tier: self.tier.min(other.tier),
            categories,
            token_login: self.token_login || other.token_login,
            origin: Origin { tier, absent },
            products,
        }
    }

    /// What either policy allows: the higher tier, all their categories (what a server with
    /// several clusters lists; each call is still checked against its cluster's own policy).
    pub fn union(&self, other: &Policy) -> Policy {
        let categories: BTreeSet<Category> = self.categories.union(&other.categories).copied().collect();
        let absent =
            Category::ALL.iter().filter(|c| !categories.contains(c)).map(|c| (*c, self.origin.of(*c))).collect();
        let tier = if self.tier >= other.tier { self.origin.tier.clone() } else { other.origin.tier.clone() };
        let products = match (&self.products, &other.products) {
            (None, None) => None,
            (a, b) => Some(a.iter().chain(b).flatten().copied().chain(a.is_none().then_some(Product::Pve)).collect()),
        };
        Policy {
            tier: self.tier.max(other.tier),
            categories,
            token_login: self.token_login && other.token_login,
            origin: Origin { tier, absent },
            products,
        }
    }

    /// This policy with `categories` turned on and `off` turned off by the session (`pve_toolsets`).
    pub fn toggled(&self, on: &[Category], off: &[Category]) -> Policy {
        let mut p = self.clone();
        for c in on {
            p.categories.insert(*c);
            p.origin.absent.remove(c);
        }
        for c in off {
            if p.categories.remove(c) {
                p.origin.absent.insert(*c, Source::Session);
            }
        }
        p
    }

    /// The tools offered: PVE's, then each other product's its clusters serve, each sorted by name.
    pub fn visible_tools(&self) -> impl Iterator<Item = &'static ToolDef> + '_ {
        let products: Vec<Product> = match &self.products {
            None => vec![Product::Pve],
            Some(set) => set.iter().copied().collect(),
        };
        products.into_iter().flat_map(registry::all_of).filter(|t| self.check(t).is_ok())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    thread_local! {
        static CHECKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Counts policy checks on this thread (read by the call path's tests).
    pub(crate) fn count_check() {
        CHECKS.with(|c| c.set(c.get() + 1));
    }

    /// How many policy checks this thread has made.
    pub(crate) fn checks() -> usize {
        CHECKS.with(|c| c.get())
    }

    fn policy(tier: Tier, cats: &[Category]) -> Policy {
        Policy::new(tier, cats.iter().copied().collect(), false)
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
    fn a_tier_set_by_a_cluster_table_is_refused_naming_the_cluster() {
        let server = policy(Tier::Full, Category::ALL);
        let lab = policy(Tier::ReadOnly, Category::ALL).set_by(Source::Cluster("lab".into()), &server);
        let e = server.within(&lab).check(registry::find("qemu_vm_stop").unwrap()).unwrap_err().to_string();
        assert!(e.contains("cluster `lab` allows `read-only`") && !e.contains("PVE_ACCESS_TIER"), "{e}");
    }

    #[test]
    fn a_category_left_out_by_a_token_entry_names_the_token() {
        let server = policy(Tier::Full, Category::ALL);
        let alice = policy(Tier::Full, &[Category::Qemu]).set_by(Source::Token("alice".into()), &server);
        let e = server.within(&alice).check(registry::find("lxc_ct_list").unwrap()).unwrap_err().to_string();
        assert!(e.contains("token `alice`") && e.contains("PVE_MCP_HTTP_TOKENS"), "{e}");
    }

    #[test]
    fn a_limit_the_server_set_names_the_servers_variable() {
        let server = policy(Tier::ReadOnly, &[Category::Qemu]);
        let caller = policy(Tier::ReadOnly, &[Category::Qemu]).set_by(Source::Token("bob".into()), &server);
        let p = caller.within(&server);
        let tier = p.check(registry::find("qemu_vm_stop").unwrap()).unwrap_err().to_string();
        assert!(tier.contains("PVE_ACCESS_TIER") && !tier.contains("bob"), "{tier}");
        let cat = p.check(registry::find("lxc_ct_list").unwrap()).unwrap_err().to_string();
        assert!(cat.contains("PVE_CATEGORIES") && !cat.contains("bob"), "{cat}");
    }

    #[test]
    fn a_category_the_session_turned_off_says_how_to_turn_it_on() {
        let p = policy(Tier::Full, Category::ALL).toggled(&[], &[Category::Lxc]);
        let e = p.check(registry::find("lxc_ct_list").unwrap()).unwrap_err().to_string();
        assert!(e.contains("pve_toolsets"), "{e}");
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

    #[test]
    fn a_policy_tied_to_no_cluster_offers_pve_s_tools_only() {
        let p = policy(Tier::Full, Category::ALL);
        assert!(p.visible_tools().all(|t| registry::product_of(t) == Product::Pve));
    }

    #[test]
    fn a_pve_and_a_pbs_cluster_together_offer_both_products_tools() {
        let pve = policy(Tier::Full, Category::ALL).for_product(Product::Pve);
        let pbs = policy(Tier::Full, Category::ALL).for_product(Product::Pbs);
        let both = pve.union(&pbs);
        assert!(both.visible_tools().any(|t| t.name == "pbs_datastore_snapshots_list"));
        assert!(both.visible_tools().any(|t| t.name == "qemu_vm_list"));
        assert!(!pve.visible_tools().any(|t| t.name == "pbs_datastore_snapshots_list"));
    }

    #[test]
    fn a_tool_of_a_product_no_cluster_serves_is_refused_naming_the_product() {
        let pbs_tool = registry::find_for(Product::Pbs, "pbs_datastore_list").unwrap();
        let e = policy(Tier::Full, Category::ALL).check(pbs_tool).unwrap_err().to_string();
        assert!(e.contains("is a PBS tool") && e.contains("PBS_URL"), "{e}");
        let pbs = policy(Tier::Full, Category::ALL).for_product(Product::Pbs);
        assert!(pbs.check(registry::find("qemu_vm_list").unwrap()).is_err());
        assert!(pbs.check(pbs_tool).is_ok());
    }

    #[test]
    fn a_caller_s_access_within_a_pbs_cluster_offers_the_cluster_s_tools() {
        let caller = policy(Tier::ReadOnly, Category::ALL);
        let pbs = policy(Tier::Full, Category::ALL).for_product(Product::Pbs).within(&caller);
        assert!(pbs.visible_tools().all(|t| registry::product_of(t) == Product::Pbs && t.tier == Tier::ReadOnly));
        assert!(pbs.visible_tools().count() > 100);
    }
}
