//! HTTP callers (`PVE_MCP_HTTP_TOKENS=<file>`): who may call the Streamable HTTP endpoint, with
//! which bearer token, and with what access. Each caller's access is capped by the server's own
//! settings: a token never gets a higher tier, another category, or a node or guest the server's
//! allowlists leave out.
//!
//! The file is TOML (or JSON when its name ends in `.json`):
//!
//! ```toml
//! [[token]]
//! name = "alice"                        # shown in the audit log
//! token = "sha256:9f86d08..."           # SHA-256 of the token, hex; or the token itself
//! tier = "read-execute"                 # default: the server's PVE_ACCESS_TIER
//! categories = ["qemu", "nodes"]        # default: the server's PVE_CATEGORIES
//! node_allowlist = ["pve1"]             # default: the server's PVE_NODE_ALLOWLIST
//! vmid_allowlist = ["100-199", 300]     # default: the server's PVE_VMID_ALLOWLIST
//! max_concurrent = 4                    # default: PVE_MCP_HTTP_MAX_CONCURRENT
//! clusters = ["home"]                   # default: every cluster of the configuration file
//! ```
//!
//! With several clusters, a caller's access on each is its own within the cluster's.
//!
//! Presented tokens are hashed and compared with every entry's digest in constant time.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::policy::allowlist::Allowlist;
use crate::policy::{Policy, Source as PolicySource};
use crate::tools::generated::Category;
use crate::tools::registry::Tier;

/// Shortest plain token accepted (a hashed one cannot be checked).
pub const MIN_TOKEN_LEN: usize = 16;

/// One caller: its name, its token's digest, and its capped access.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    digest: [u8; 32],
    pub policy: Policy,
    pub allowlist: Allowlist,
    pub max_concurrent: usize,
    /// The configured clusters this caller may call (`clusters = [...]`); `None`: all of them.
    pub clusters: Option<BTreeSet<String>>,
}

/// Every caller of the token file.
#[derive(Debug, Clone)]
pub struct Callers {
    pub list: Vec<Caller>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    #[serde(alias = "tokens", default)]
    token: Vec<TokenEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    name: String,
    token: String,
    tier: Option<String>,
    categories: Option<List>,
    node_allowlist: Option<List>,
    vmid_allowlist: Option<List>,
    max_concurrent: Option<usize>,
    clusters: Option<List>,
}

/// A comma string or a list of strings and numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum List {
    One(String),
    Many(Vec<Item>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Item {
    Text(String),
    Number(u64),
}

impl List {
    pub fn joined(&self) -> String {
        match self {
            List::One(s) => s.clone(),
            List::Many(items) => items
                .iter()
                .map(|i| match i {
                    Item::Text(s) => s.clone(),
                    Item::Number(n) => n.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// The SHA-256 of a token.
pub fn digest(token: &str) -> [u8; 32] {
    crate::pve::tls::sha256(token.as_bytes())
}

fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// What a caller may do, as a token file entry or an OAuth mapping writes it.
#[derive(Default)]
pub struct Grant<'a> {
    pub tier: Option<&'a str>,
    pub categories: Option<&'a List>,
    pub node_allowlist: Option<&'a List>,
    pub vmid_allowlist: Option<&'a List>,
    pub max_concurrent: Option<usize>,
    pub clusters: Option<&'a List>,
    /// An `[[oauth.map]]` entry (else a token file's): what its refusals name.
    pub oauth: bool,
}

impl Grant<'_> {
    /// Where this grant's limits come from, for the refusals' words.
    fn source(&self, name: &str) -> PolicySource {
        if self.oauth { PolicySource::OAuthMap(name.to_owned()) } else { PolicySource::Token(name.to_owned()) }
    }
}

/// A caller named `name` with this access, capped by the server's: never a higher tier, another
/// category, or a node or guest the server's allowlists leave out. (Its token digest is unset.)
pub fn grant(name: &str, g: Grant<'_>, config: &Config, default_max_concurrent: usize) -> Result<Caller, String> {
    let tier = match g.tier.map(str::trim) {
        None | Some("") => config.access_tier,
        Some(t) => {
            let tier = Tier::parse(t).ok_or_else(|| {
                format!("token `{name}`: `{t}` is not a tier; expected read-only, read-execute or full")
            })?;
            if tier > config.access_tier {
                tracing::warn!(token = %name, asked = tier.as_str(), server = config.access_tier.as_str(), "token asks for a higher tier than PVE_ACCESS_TIER; capped");
            }
            tier.min(config.access_tier)
        }
    };
    let categories: BTreeSet<Category> = match &g.categories {
        None => config.categories.clone(),
        Some(list) => {
            let mut out = BTreeSet::new();
            for c in list.joined().split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if c == "all" {
                    out.extend(Category::ALL.iter().copied());
                    continue;
                }
                let cat = Category::parse(c).ok_or_else(|| format!("token `{name}`: unknown category `{c}`"))?;
                out.insert(cat);
            }
            let capped: BTreeSet<Category> = out.intersection(&config.categories).copied().collect();
            if capped.len() < out.len() {
                tracing::warn!(token = %name, "token names categories PVE_CATEGORIES does not offer; left out");
            }
            capped
        }
    };
    let own = Allowlist::parse(
        g.node_allowlist.map(|l| l.joined()).as_deref(),
        g.vmid_allowlist.map(|l| l.joined()).as_deref(),
    )
    .map_err(|e| format!("token `{name}`: {}: {}", e.setting.key(), e.message))?;
    let max_concurrent = match g.max_concurrent {
        None => default_max_concurrent,
        Some(0) => return Err(format!("token `{name}`: max_concurrent must be at least 1")),
        Some(n) => n,
    };
    let clusters = match &g.clusters {
        None => None,
        Some(l) => {
            let known: Vec<&str> = if config.clusters.is_empty() {
                vec!["default"]
            } else {
                config.clusters.iter().map(|c| c.name.as_str()).collect()
            };
            let mut out = BTreeSet::new();
            for c in l.joined().split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if !known.contains(&c) {
                    return Err(format!(
                        "token `{name}`: `clusters` names `{c}`, which is not a configured cluster; known clusters: {}",
                        known.join(", ")
                    ));
                }
                out.insert(c.to_owned());
            }
            if out.is_empty() {
                return Err(format!("token `{name}`: `clusters` is empty; name at least one cluster"));
            }
            Some(out)
        }
    };
    Ok(Caller {
        name: name.to_owned(),
        digest: [0; 32],
        policy: Policy::new(tier, categories, config.policy().token_login).set_by(g.source(name), &config.policy()),
        allowlist: config.allowlist.intersect(&own.set_by(g.source(name))),
        max_concurrent,
        clusters,
    })
}

impl Callers {
    /// Reads and checks the token file. Errors name the file and the entry, never a token.
    pub fn load(path: &Path, config: &Config, default_max_concurrent: usize) -> Result<Callers, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let file: TokenFile = if json {
            serde_json::from_str(&text)
                .map_err(|e| format!("`{}` is not a valid token file (JSON): {e}", path.display()))?
        } else {
            toml::from_str(&text)
                .map_err(|e| format!("`{}` is not a valid token file (TOML): {}", path.display(), e.message()))?
        };
        Self::from_entries(file.token, config, default_max_concurrent).map_err(|e| format!("`{}`: {e}", path.display()))
    }

    fn from_entries(
        entries: Vec<TokenEntry>,
        config: &Config,
        default_max_concurrent: usize,
    ) -> Result<Callers, String> {
        if entries.is_empty() {
            return Err("has no [[token]] entry".into());
        }
        let mut list: Vec<Caller> = Vec::new();
        for e in entries {
            let name = e.name.trim().to_owned();
            if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
                return Err("a token's `name` must be 1 to 64 printable characters".into());
            }
            if list.iter().any(|c| c.name == name) {
                return Err(format!("token name `{name}` appears twice"));
            }
            let digest = match e.token.strip_prefix("sha256:") {
                Some(hex) => parse_digest(hex)
                    .ok_or_else(|| format!("token `{name}`: `sha256:` must be followed by 64 hex digits"))?,
                None => {
                    let t = e.token.trim();
                    if t.len() < MIN_TOKEN_LEN || t.chars().any(|c| c.is_control() || c.is_whitespace()) {
                        return Err(format!(
                            "token `{name}`: a plain token needs at least {MIN_TOKEN_LEN} characters without spaces (e.g. `openssl rand -hex 32`)"
                        ));
                    }
                    digest(t)
                }
            };
            if list.iter().any(|c| c.digest == digest) {
                return Err(format!(
                    "token `{name}` has the same token as `{}`",
                    list.iter().find(|c| c.digest == digest).map_or("", |c| &c.name)
                ));
            }
            let granted = grant(
                &name,
                Grant {
                    tier: e.tier.as_deref(),
                    categories: e.categories.as_ref(),
                    node_allowlist: e.node_allowlist.as_ref(),
                    vmid_allowlist: e.vmid_allowlist.as_ref(),
                    max_concurrent: e.max_concurrent,
                    clusters: e.clusters.as_ref(),
                    oauth: false,
                },
                config,
                default_max_concurrent,
            )?;
            list.push(Caller { name, digest, ..granted });
        }
        Ok(Callers { list })
    }

    /// The caller whose token this is. Every entry is compared, in constant time.
    pub fn authenticate(&self, presented: &str) -> Option<usize> {
        let seen = digest(presented);
        let mut found: Option<usize> = None;
        for (i, c) in self.list.iter().enumerate() {
            if bool::from(c.digest.ct_eq(&seen)) {
                found = Some(i);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Cli;
    use clap::Parser;

    fn config(tier: &str) -> Config {
        let cli = Cli::parse_from([
            "pve-mcp",
            "--base-url=https://pve:8006",
            "--token-id=root@pam!mcp",
            "--token-secret=s3cret",
            &format!("--access-tier={tier}"),
            "--node-allowlist=pve1,pve2",
        ]);
        Config::from_cli(cli).unwrap()
    }

    fn load(text: &str, tier: &str) -> Result<Callers, String> {
        let file: TokenFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Callers::from_entries(file.token, &config(tier), 8)
    }

    #[test]
    fn tokens_are_capped_by_the_server() {
        let hashed = digest("bob-token-0123456789");
        let hex: String = hashed.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!(
            "[[token]]\nname='alice'\ntoken='alice-token-0123456789'\ntier='full'\ncategories=['qemu','lxc']\nnode_allowlist=['pve2','pve9']\n\
             [[token]]\nname='bob'\ntoken='sha256:{hex}'\nmax_concurrent=2\n"
        );
        let callers = load(&text, "read-execute").unwrap();
        let alice = &callers.list[callers.authenticate("alice-token-0123456789").unwrap()];
        assert_eq!(alice.name, "alice");
        assert_eq!(alice.policy.tier, Tier::ReadExecute);
        assert!(
            alice.allowlist.node_allowed("pve2")
                && !alice.allowlist.node_allowed("pve9")
                && !alice.allowlist.node_allowed("pve1")
        );
        let bob = &callers.list[callers.authenticate("bob-token-0123456789").unwrap()];
        assert_eq!((bob.name.as_str(), bob.max_concurrent), ("bob", 2));
        assert!(bob.allowlist.node_allowed("pve1"));
        assert!(callers.authenticate("wrong").is_none());
        assert!(callers.authenticate("").is_none());
    }

    #[test]
    fn bad_files_are_refused_without_showing_tokens() {
        let e = load("[[token]]\nname='a'\ntoken='short'\n", "full").unwrap_err();
        assert!(e.contains("at least") && !e.contains("short'"), "{e}");
        let e = load(
            "[[token]]\nname='a'\ntoken='aaaaaaaaaaaaaaaaaaaa'\n[[token]]\nname='a'\ntoken='bbbbbbbbbbbbbbbbbbbbbb'\n",
            "full",
        )
        .unwrap_err();
        assert!(e.contains("twice"), "{e}");
        assert!(load("[[token]]\nname='a'\ntoken='aaaaaaaaaaaaaaaaaaaa'\ntier='admin'\n", "full").is_err());
        assert!(load("[[token]]\nname='a'\ntoken='aaaaaaaaaaaaaaaaaaaa'\nextra=1\n", "full").is_err());
        assert!(load("", "full").is_err());
    }

    #[test]
    fn a_token_may_be_limited_to_configured_clusters_only() {
        let t = "[[token]]\nname = \"a\"\ntoken = \"0123456789abcdef0\"\nclusters = [\"default\"]\n";
        assert_eq!(load(t, "full").unwrap().list[0].clusters.as_ref().unwrap().len(), 1);
        let e = load(&t.replace("default", "lab"), "full").unwrap_err();
        assert!(e.contains("`lab`") && e.contains("known clusters: default"), "{e}");
    }
}
