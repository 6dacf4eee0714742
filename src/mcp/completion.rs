//! Argument completion (`completion/complete`) for prompts and resource templates: `node`,
//! `vmid`, `storage`, `upid` and `cluster` from live data, read through the call path (so the
//! caller's allowlists filter them), cached briefly for readers of the same access only (a value
//! read by a session that may read it is never offered to one that may not), and answered within
//! a short deadline: a slow PVE gives an empty list, never an error. A Backup Server's or Datacenter
//! Manager's template's arguments are theirs ([`family`]).

mod family;

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::resources::Reader;
use crate::pve::product::Product;

/// How long live values are reused.
const FRESH: Duration = Duration::from_secs(10);
/// How long a completion may wait for PVE.
const DEADLINE: Duration = Duration::from_secs(2);
/// Most values offered (the protocol's limit).
const MOST: usize = 100;

/// Values read at an instant.
type Read = (Instant, Vec<String>);

/// Recently read values, per (reader's access, cluster, argument).
#[derive(Default)]
pub struct Cache(Mutex<HashMap<(String, String, String), Read>>);

/// The values offered for `argument` of a prompt or template of `product` (PVE's for prompts)
/// starting with `typed`, and the total of matching ones.
pub async fn complete(
    argument: &str,
    typed: &str,
    context: &Map<String, Value>,
    clusters: &[&str],
    product: Product,
    reader: &dyn Reader,
    cache: &Cache,
) -> (Vec<String>, usize) {
    let cluster = context.get("cluster").and_then(Value::as_str).unwrap_or("").to_owned();
    let all: Vec<String> = match argument {
        "cluster" => clusters.iter().map(|c| (*c).to_owned()).collect(),
        "tier" => ["read-only", "read-execute", "full"].map(str::to_owned).to_vec(),
        _ if family::knows(product, argument) => {
            let key = (reader.access(), cluster.clone(), family::context_key(product, argument, context));
            cached(cache, key, family::live(product, argument, &cluster, context, reader)).await
        }
        "node" | "vmid" | "storage" | "upid" if product == Product::Pve => {
            let node = context.get("node").and_then(Value::as_str).map(str::to_owned);
            let key = (reader.access(), cluster.clone(), format!("{argument}:{}", node.as_deref().unwrap_or("")));
            cached(cache, key, live(argument, &cluster, node.as_deref(), reader)).await
        }
        _ => Vec::new(),
    };
    let matching: Vec<String> = all.into_iter().filter(|v| v.starts_with(typed)).collect();
    let total = matching.len();
    (matching.into_iter().take(MOST).collect(), total)
}

/// The values under `key` read within [`FRESH`], else those `read` gives within [`DEADLINE`]
/// (none if it is slower), kept under `key`.
async fn cached(
    cache: &Cache,
    key: (String, String, String),
    read: impl std::future::Future<Output = Vec<String>>,
) -> Vec<String> {
    let found = cache.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key).cloned();
    if let Some((at, values)) = found
        && at.elapsed() < FRESH
    {
        return values;
    }
    let values = tokio::time::timeout(DEADLINE, read).await.unwrap_or_default();
    cache.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key, (Instant::now(), values.clone()));
    values
}

/// Reads the current values of an argument from PVE (empty when the read fails).
async fn live(argument: &str, cluster: &str, node: Option<&str>, reader: &dyn Reader) -> Vec<String> {
    let mut args = Map::new();
    if !cluster.is_empty() {
        args.insert("cluster".into(), json!(cluster));
    }
    let field = |rows: &Value, kind: &[&str], key: &str| -> Vec<String> {
        let set: BTreeSet<String> = rows
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|r| r.get("type").and_then(Value::as_str).is_some_and(|t| kind.contains(&t)))
            .filter(|r| node.is_none_or(|n| r.get("node").and_then(Value::as_str) == Some(n)))
            .filter_map(|r| r.get(key))
            .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
            .collect();
        set.into_iter().collect()
    };
    if argument == "upid" {
        let nodes = match node {
            Some(n) => vec![n.to_owned()],
            None => match reader.read("cluster_resources_list", args.clone()).await {
                Ok(rows) => field(&rows, &["node"], "node"),
                Err(_) => return Vec::new(),
            },
        };
        let mut upids = Vec::new();
        for n in nodes.iter().take(8) {
            let mut a = args.clone();
            a.insert("node".into(), json!(n));
            a.insert("limit".into(), json!(50));
            if let Ok(Value::Array(tasks)) = reader.read("node_tasks_list", a).await {
                upids.extend(tasks.iter().filter_map(|t| t.get("upid").and_then(Value::as_str)).map(str::to_owned));
            }
        }
        return upids;
    }
    let Ok(rows) = reader.read("cluster_resources_list", args).await else { return Vec::new() };
    match argument {
        "node" => field(&rows, &["node"], "node"),
        "vmid" => {
            let mut ids: Vec<String> = field(&rows, &["qemu", "lxc"], "vmid");
            ids.sort_by_key(|v| v.parse::<u64>().unwrap_or(u64::MAX));
            ids
        }
        "storage" => field(&rows, &["storage"], "storage"),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoxFuture;

    /// A reader of one access that answers `/cluster/resources` with one guest, or refuses.
    struct Session {
        access: &'static str,
        may_read: bool,
    }

    impl Reader for Session {
        fn read<'a>(&'a self, tool: &'a str, _args: Map<String, Value>) -> BoxFuture<'a, Result<Value, String>> {
            let answer = if self.may_read {
                Ok(json!([{"type": "qemu", "vmid": 100, "node": "pve1"}]))
            } else {
                Err(format!("{tool}: category off for this session"))
            };
            Box::pin(async move { answer })
        }

        fn admits(&self, _tool: &str, _args: Map<String, Value>) -> Result<(), String> {
            Ok(())
        }

        fn allows(&self, _tool: &str, _args: Map<String, Value>) -> Result<(), String> {
            Ok(())
        }

        fn access(&self) -> String {
            self.access.to_owned()
        }
    }

    async fn vmids(reader: &Session, cache: &Cache) -> Vec<String> {
        complete("vmid", "", &Map::new(), &[], Product::Pve, reader, cache).await.0
    }

    #[tokio::test]
    async fn a_value_cached_for_one_access_is_not_offered_to_a_session_with_less() {
        let cache = Cache::default();
        let wide = Session { access: "full/system,vm", may_read: true };
        let narrow = Session { access: "full/system", may_read: false };
        assert_eq!(vmids(&wide, &cache).await, ["100"]);
        assert!(vmids(&narrow, &cache).await.is_empty(), "judged by its own access, not the cache");
    }

    #[tokio::test]
    async fn a_value_cached_for_one_access_is_reused_for_the_same_access() {
        let cache = Cache::default();
        assert_eq!(vmids(&Session { access: "a", may_read: true }, &cache).await, ["100"]);
        assert_eq!(vmids(&Session { access: "a", may_read: false }, &cache).await, ["100"], "read once");
    }
}
