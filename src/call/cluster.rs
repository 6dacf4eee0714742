//! Several clusters from one server: the [`Backend`]s a call may run against, one per
//! configured cluster (`[[cluster]]` tables of the configuration file), chosen by the call's
//! `cluster` argument. With one cluster the argument is optional; with several it is required.
//!
//! Each cluster has its own client (connection pool, login ticket, known release), policy and
//! allowlists; what a server lists is the union of its clusters' policies, and every call is
//! checked against the chosen cluster's own ([`super::prepare`]). An unknown cluster is refused
//! (and audited there) before anything is sent.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::Backend;
use crate::policy::Policy;
use crate::pve::product::Product;
use crate::tools::registry;
use crate::tools::releases::{Listed, Release};

/// The argument that names the cluster of a call.
pub const ARG: &str = "cluster";

/// Whether a tool has an argument named [`ARG`] of its own (PDM's `/ceph/clusters/{cluster}/…`):
/// its schema then keeps that argument, and the cluster to call is the one of its product.
pub fn owns_cluster_argument(tool: &registry::ToolDef) -> bool {
    tool.path.contains("{cluster}")
        || tool.compact_schema.contains(r#""cluster":{"#)
            && serde_json::from_str::<Value>(tool.compact_schema)
                .is_ok_and(|s| s.get("properties").is_some_and(|p| p.get(ARG).is_some()))
}

/// The clusters one server (or one HTTP caller) may call, in configured order.
#[derive(Debug, Clone)]
pub struct Clusters {
    list: Vec<Arc<Backend>>,
    ceiling: Policy,
}

impl Clusters {
    /// The one cluster of an environment-only set-up.
    pub fn single(backend: Backend) -> Clusters {
        let ceiling = backend.policy.clone();
        Clusters { list: vec![Arc::new(backend)], ceiling }
    }

    /// Several named clusters (at least one), each with its own policy; the listing ceiling is
    /// their union.
    pub fn new(list: Vec<Backend>) -> Option<Clusters> {
        let mut ceiling = list.first()?.policy.clone();
        for b in &list[1..] {
            ceiling = ceiling.union(&b.policy);
        }
        Some(Clusters { list: list.into_iter().map(Arc::new).collect(), ceiling })
    }

    /// What any of the clusters allows: what the server lists and searches.
    pub fn ceiling(&self) -> &Policy {
        &self.ceiling
    }

    /// The first cluster (the only one, with one).
    pub fn first(&self) -> &Arc<Backend> {
        &self.list[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Backend>> {
        self.list.iter()
    }

    /// The configured names (empty for the unnamed cluster of the environment).
    pub fn names(&self) -> Vec<&str> {
        self.list.iter().filter_map(|b| b.cluster.as_deref()).collect()
    }

    /// The names of the clusters whose policy allows this tool and whose release (once known) has it.
    pub fn allowing(&self, tool: &registry::ToolDef) -> Vec<&str> {
        self.list
            .iter()
            .zip(self.releases())
            .filter(|(b, r)| b.policy.check(tool).is_ok() && r.is_none_or(|r| crate::tools::releases::has(tool, r)))
            .filter_map(|(b, _)| b.cluster.as_deref())
            .collect()
    }

    /// The PVE release each cluster is served as now (`None` while not known), in configured order.
    pub fn releases(&self) -> Vec<Option<Release>> {
        self.list.iter().map(|b| b.client.release().running().and_then(|r| Release::serving(&r.version))).collect()
    }

    /// The release listings show: that of every cluster when they all run the same known one;
    /// `None` (the primary schema's, as before anything is known) while any is unknown or they
    /// differ (each call is still checked against its own cluster's).
    pub fn listed_release(&self) -> Option<Release> {
        self.listed()?.single()
    }

    /// Whether a PVE cluster's release is being read now (its answer may change the listing).
    pub fn reading_release(&self) -> bool {
        self.list.iter().any(|b| b.client.product() == Product::Pve && b.client.release().in_flight())
    }

    /// The releases listings show: every PVE cluster's, once all are known (the other products'
    /// clusters have none); `None` until then (the primary schema's, as before anything is known).
    pub fn listed(&self) -> Option<Listed> {
        let pve: Vec<(String, Option<Release>)> = self
            .list
            .iter()
            .zip(self.releases())
            .filter(|(b, _)| b.client.product() == Product::Pve)
            .map(|(b, r)| (b.cluster.clone().unwrap_or_default(), r))
            .collect();
        Listed::of(&pve)
    }

    /// [`Clusters::choose`] for a call of `tool`: without a `cluster` argument, the one cluster of
    /// the tool's product is chosen when there is exactly one (a PVE beside a PBS needs no
    /// `cluster` on either's calls); otherwise as [`Clusters::choose`].
    pub fn choose_for(&self, args: &mut Map<String, Value>, tool: &str) -> Result<Arc<Backend>, NoCluster> {
        let named = args.get(ARG).is_some_and(|v| !v.is_null());
        let product =
            Product::ALL.iter().copied().rev().find(|p| tool.starts_with(p.tool_prefix())).unwrap_or_default();
        let mut of_product = self.list.iter().filter(|b| b.client.product() == product);
        // A tool with a `cluster` argument of its own (a Manager's Ceph cluster) keeps it, whatever
        // it names: it runs on the one cluster of its product. (Only another product's tools have
        // one, so PVE's calls are not looked up twice.)
        if named && product != Product::Pve && registry::find_any(tool).is_some_and(owns_cluster_argument) {
            return match (of_product.next(), of_product.next()) {
                (Some(only), None) => Ok(only.clone()),
                (None, _) => Ok(self.list[0].clone()),
                (Some(_), Some(_)) => Err(NoCluster(
                    format!(
                        "`{tool}` has an argument `{ARG}` of its own, so it cannot name which of the configured {} \
                         clusters to call: it runs only where one is configured",
                        product.short()
                    ),
                    product,
                )),
            };
        }
        if let (false, true, Some(only), None) = (named, self.list.len() > 1, of_product.next(), of_product.next()) {
            args.remove(ARG);
            return Ok(only.clone());
        }
        self.choose(args).map_err(|e| NoCluster(e.0, product))
    }

    /// Takes the `cluster` argument out of `args` and finds its backend. An unknown name (or a
    /// missing one with several clusters) is refused naming the known ones.
    pub fn choose(&self, args: &mut Map<String, Value>) -> Result<Arc<Backend>, NoCluster> {
        let given = args.remove(ARG).filter(|v| !v.is_null());
        let known = || {
            let names = self.names();
            if names.is_empty() { "the environment's one cluster (`default`)".to_owned() } else { names.join(", ") }
        };
        let message = match &given {
            None if self.list.len() == 1 => return Ok(self.list[0].clone()),
            None => format!("`{ARG}`: is required: one of {}", known()),
            Some(Value::String(name)) => {
                let name = name.trim();
                match self.list.iter().find(|b| b.cluster.as_deref().unwrap_or("default") == name) {
                    Some(b) => return Ok(b.clone()),
                    None => format!("`{ARG}`: unknown cluster `{name}`; known clusters: {}", known()),
                }
            }
            Some(_) => format!("`{ARG}`: expected a cluster name, one of {}", known()),
        };
        Err(NoCluster(message, Product::Pve))
    }
}

/// A call that names no configured cluster (or none with several). Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}; nothing was sent to {product}", product = .1.short())]
pub struct NoCluster(pub String, pub Product);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::allowlist::Allowlist;
    use crate::pve::client::PveClient;
    use crate::pve::connection::{Connection, PveAuth, Secret};
    use crate::tools::generated::Category;
    use crate::tools::registry::Tier;
    use serde_json::json;
    use std::time::Duration;

    fn backend(name: Option<&str>, tier: Tier) -> Backend {
        let connection = Connection {
            base_url: "https://pve.invalid:8006".parse().unwrap(),
            product: Default::default(),
            auth: PveAuth::Token { id: "root@pam!mcp".into(), secret: Secret::new("s") },
            verify_tls: true,
            ca_file: None,
            tls_fingerprint: None,
            request_timeout: Duration::from_secs(1),
            release: None,
        };
        Backend {
            policy: Policy::new(tier, Category::ALL.iter().copied().collect(), false),
            client: Arc::new(PveClient::new(&connection).unwrap()),
            allowlist: Allowlist::default(),
            audit: None,
            task_timeout: Duration::from_secs(1),
            caller: None,
            cluster: name.map(str::to_owned),
            consent: Default::default(),
        }
    }

    fn two() -> Clusters {
        Clusters::new(vec![backend(Some("home"), Tier::Full), backend(Some("lab"), Tier::ReadOnly)]).unwrap()
    }

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn the_cluster_argument_chooses_and_is_taken_out() {
        let mut a = args(json!({"node": "pve1", "cluster": "lab"}));
        assert_eq!(two().choose(&mut a).unwrap().cluster.as_deref(), Some("lab"));
        assert_eq!(a, args(json!({"node": "pve1"})));
    }

    #[test]
    fn an_unknown_cluster_is_refused_naming_the_known_ones() {
        let e = two().choose(&mut args(json!({"cluster": "work"}))).unwrap_err().to_string();
        assert!(e.contains("`work`") && e.contains("home, lab") && e.contains("nothing was sent"), "{e}");
    }

    #[test]
    fn several_clusters_need_the_argument_and_one_does_not() {
        let e = two().choose(&mut Map::new()).unwrap_err().to_string();
        assert!(e.contains("is required") && e.contains("home, lab"), "{e}");
        let one = Clusters::single(backend(None, Tier::ReadOnly));
        assert!(one.choose(&mut Map::new()).is_ok());
        assert!(one.choose(&mut args(json!({"cluster": "default"}))).is_ok());
        assert!(one.choose(&mut args(json!({"cluster": "home"}))).is_err());
    }

    #[test]
    fn the_listing_ceiling_is_the_union_and_each_tool_says_where_it_may_run() {
        let c = two();
        assert_eq!(c.ceiling().tier, Tier::Full);
        let stop = registry::find("qemu_vm_stop").unwrap();
        assert_eq!(c.allowing(stop), ["home"]);
        assert_eq!(c.allowing(registry::find("nodes_list").unwrap()), ["home", "lab"]);
    }
}
