//! How `pve_search` ranks the tools of one product's index ([`super::index`]): BM25 over the index
//! generated at build time, how much of a tool's name the query covers, the closest operator
//! phrasing, then the query-shape rules (see [`super::query`]) with their reviewed weights, chosen
//! on the `tune` split of `tests/search_tasks.json`. Every product's tools are ranked by this one
//! machinery, with their own data ([`super::products`] joins them).

use std::sync::OnceLock;

use crate::pve::product::Product;
use crate::tools::generated::Category;
use crate::tools::registry::ToolDef;

use super::text;

use super::Hit;
use super::ids::ids_as_kinds;
use super::index::Index;
use super::query::*;

pub(super) const K1: f32 = 1.2;
pub(super) const B: f32 = 0.6;
/// Weight of how much of a tool's name the query covers.
pub(super) const COVERAGE: f32 = 3.0;
/// A "Directory index" GET (the list of a path's children) scores this much of what it would: the
/// canonical read (`qemu_vm_status_get`) is what a person means, rarely `qemu_vm_get`.
pub(super) const DIRECTORY_INDEX: f32 = 0.6;
/// Bonus for the cluster-wide form when the query says all/datacenter/cluster, and for the node
/// form when it names a node.
pub(super) const SCOPE: f32 = 2.0;
/// What a tool whose method does not fit the query's intent keeps of its score: a question
/// ("which realms exist") wants a read, not the realm's create, update or delete.
pub(super) const OFF_INTENT: f32 = 0.55;
/// What a tool that fits the intent only the unusual way keeps (a PUT for "create", a PUT for
/// "delete"): "delete replication job 100-0" is the job's DELETE, not its update.
pub(super) const SECOND_FIT: f32 = 0.8;
/// Bonus for a tool about one named thing (its path has a placeholder past `{node}`/`{vmid}`, like
/// `/access/groups/{groupid}`) when the query carries a name the index does not know ("pool prod",
/// "interface eno1", "user bob@pve"): such a word names something, it does not describe it.
pub(super) const NAMED: f32 = 1.5;
/// Bonus for a collection (a path ending in a plain segment) when a read asks for many: "list the
/// HA groups" is `ha_groups_list`, not one group's read. When the read names a thing, only a
/// collection under a named thing gets it: "the subnets of vnet1" is the vnet's subnet list.
pub(super) const COLLECTION: f32 = 2.0;
/// Bonus for a create in a collection (`POST /cluster/firewall/ipset`) when the query asks to
/// create and names nothing: "create an IP set" makes a new set, it does not add to a named one.
pub(super) const NEW_IN_COLLECTION: f32 = 1.0;
/// What a guest tool not about one guest (create, list) keeps when the query names a guest: "add
/// a second network card to VM 100" changes VM 100, it does not create a VM.
pub(super) const OTHER_GUESTS: f32 = 0.7;
/// What a tool about one guest keeps of its score when the query adds a guest to (or removes it
/// from) something else: "add VM 100 to pool dev" changes the pool, not the VM.
pub(super) const MEMBER: f32 = 0.6;
/// Bonus for the tools that change a membership when the query adds something to (or removes it
/// from) a group or pool: membership is an update of the group, user or pool, never a create.
pub(super) const MEMBERSHIP_UPDATE: f32 = 5.0;
/// What a tool about one guest keeps when the query says nothing of guests: "define a firewall
/// alias for the monitoring server" is the datacenter's alias, not a VM's.
pub(super) const NO_GUEST: f32 = 0.7;
/// Search words that speak of guests (after synonyms: `container` is `ct`, `qemu` is `vm`).
pub(super) const GUEST_WORDS: &[&str] =
    &["vm", "ct", "guest", "template", "vmid", "agent", "cloudinit", "snapshot", "console"];

/// What a tool of such a category keeps when the query names it by none of its words.
pub(super) const UNSAID_NICHE: f32 = 0.7;

/// What a VM's tool keeps when the query speaks only of containers, and a container's when it
/// speaks only of VMs: "snapshot CT 200" is never `qemu_vm_snapshot`.
pub(super) const OTHER_KIND: f32 = 0.5;

/// What a word of a query's context (not its request) counts for, from 0 to 1.
pub(super) const CONTEXT: f32 = 0.5;

/// Weight of how close the query is to one of the tool's operator phrasings (0 to 1).
pub(super) const PHRASING_MATCH: f32 = 5.0;

/// Bonus for the create of a guest when the query restores one from a backup (see `restore_tools`).
pub(super) const RESTORE: f32 = 5.0;

/// What a tool about one guest keeps when the query asks about all or every guest ("shut down all
/// guests in the cluster" is the bulk action or the node's stop-all, not one guest's shutdown).
pub(super) const ALL_GUESTS: f32 = 0.7;

/// What a datacenter or node tool keeps when the query names a guest and the guest has the same
/// tool: "switch the firewall on for VM 4410" is the VM's firewall options, not the datacenter's.
pub(super) const TWIN: f32 = 0.7;

/// Bonus for a tool about one guest when the query names one ("VM 100", "container 200").
pub(super) const ONE_GUEST: f32 = 1.5;

/// What a query asks, read once before any product's tools are scored.
pub(super) struct Asked {
    words: Vec<String>,
    context: Vec<String>,
    scope: Scope,
    intent: Intent,
    membership: bool,
    one_guest: bool,
    member_tools: &'static [&'static str],
    named: bool,
    guest_words: bool,
    kind: GuestKind,
    restore_tools: &'static [&'static str],
    niche_said: Vec<bool>,
    many: bool,
    all_guests: bool,
    exact: String,
}

impl Asked {
    pub(super) fn of(query: &str) -> Asked {
        let mut words = text::words(&ids_as_kinds(query));
        let several = names_several_guests(query);
        if several {
            // "Move VMs 301, 302 and 303 to hv5": several guests at once is a bulk action.
            words.push("bulk".to_owned());
        }
        // What the query says not to do is not looked for: "back up VM 120 without shutting it down".
        let negated = negated_words(query);
        words.retain(|w| !negated.contains(w));
        words.sort();
        words.dedup();
        let clauses = Clauses::of(query);
        let membership = is_membership(query);
        let one_guest = names_a_guest(query) && !membership && !several;
        let guest_words = words.iter().any(|w| GUEST_WORDS.contains(&w.as_str()));
        let kind = GuestKind::of(&words);
        Asked {
            context: clauses.context_words(),
            scope: Scope::of(query),
            intent: Intent::of_request(clauses.request()),
            membership,
            one_guest,
            member_tools: membership_tools(query),
            named: names_something(query),
            guest_words,
            kind,
            restore_tools: restore_tools(query, &words, kind),
            niche_said: niches_said(query),
            many: asks_for_many(query),
            all_guests: !one_guest && (says_all(query) || several),
            exact: query.trim().to_owned(),
            words,
        }
    }
}

/// The best `limit` of PVE's tools for a query among those `visible` says the caller may use.
pub fn search(query: &str, limit: usize, visible: impl Fn(&ToolDef) -> bool) -> Vec<Hit> {
    best(score(Index::of(Product::Pve), &Asked::of(query), &visible), limit)
}

/// The best `limit` hits, best first (ties by name).
pub(super) fn best(mut hits: Vec<Hit>, limit: usize) -> Vec<Hit> {
    let order = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.tool.name.cmp(b.tool.name));
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_by(order);
    hits.truncate(limit);
    hits
}

/// Every tool of one product's index that `visible` allows and the query matches, scored: BM25,
/// name coverage, the closest phrasing, then the query rules.
pub(super) fn score(index: &'static Index, asked: &Asked, visible: &dyn Fn(&ToolDef) -> bool) -> Vec<Hit> {
    let extra = index.extra_visible(visible);
    let count = if extra { index.len() } else { index.table_len() };
    let avg = index.average_length();
    let mut scores = vec![0f32; count];
    for word in &asked.words {
        let Some(term) = index.term(word, extra) else { continue };
        let weight = if asked.context.contains(word) { CONTEXT } else { 1.0 };
        for (doc, tf) in term.all(index.table_len()) {
            let len = index.length(doc);
            scores[doc] += weight * term.idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
        }
    }
    // Prefer the tool whose name the query covers best: "list VMs" is `qemu_vm_list`, not
    // `qemu_vm_snapshot_list`.
    let names = name_words(index);
    for (i, score) in scores.iter_mut().enumerate() {
        if *score > 0.0 {
            let name_words = &names[i];
            let covered = name_words.iter().filter(|w| asked.words.binary_search(w).is_ok()).count();
            let coverage = covered as f32 / name_words.len().max(1) as f32;
            *score += COVERAGE * coverage * coverage;
        }
    }
    for (i, closeness) in closest_phrasings(index, &asked.words).into_iter().enumerate() {
        scores[i] += PHRASING_MATCH * closeness;
    }
    let shapes = shapes(index);
    for (i, score) in scores.iter_mut().enumerate() {
        if *score > 0.0 {
            *score = by_rules(index.tool(i), &shapes[i], asked, *score);
        }
    }
    // A query naming a tool exactly finds it first.
    scores
        .into_iter()
        .enumerate()
        .map(|(i, s)| (index.tool(i), s))
        .filter(|(t, s)| (*s > 0.0 || t.name == asked.exact) && visible(t))
        .map(|(t, s)| Hit { tool: t, score: if t.name == asked.exact { s + 1000.0 } else { s } })
        .collect()
}

/// A matching tool's score after the query-shape rules.
fn by_rules(t: &ToolDef, shape: &Shape, asked: &Asked, mut score: f32) -> f32 {
    let intent = asked.intent;
    if !intent.fits(t.method, shape.creates) {
        score *= OFF_INTENT;
    } else if !asked.membership && !intent.first_fit(t.method) {
        score *= SECOND_FIT;
    }
    if shape.niche.is_some_and(|n| !asked.niche_said[n]) {
        score *= UNSAID_NICHE;
    }
    if !asked.kind.fits(t.category) {
        score *= OTHER_KIND;
    }
    if asked.one_guest && shape.guest_twin {
        score *= TWIN;
    }
    if asked.one_guest && shape.one_guest {
        score += ONE_GUEST;
    }
    if !asked.guest_words && shape.guest {
        score *= NO_GUEST;
    }
    if asked.one_guest && !shape.one_guest && shape.guest {
        score *= OTHER_GUESTS;
    }
    if asked.named && shape.about_one {
        score += NAMED;
    }
    if asked.all_guests && shape.one_guest {
        score *= ALL_GUESTS;
    }
    if asked.membership && shape.one_guest {
        score *= MEMBER;
    }
    if asked.member_tools.contains(&t.name) {
        score += MEMBERSHIP_UPDATE;
    }
    if asked.restore_tools.contains(&t.name) {
        score += RESTORE;
    }
    if asked.many && intent == Intent::Read && shape.collection && (!asked.named || shape.about_one) {
        score += COLLECTION;
    }
    if !asked.named && intent == Intent::Create && t.method == crate::pve::request::HttpMethod::Post && shape.collection
    {
        score += NEW_IN_COLLECTION;
    }
    if shape.directory_index {
        score *= DIRECTORY_INDEX;
    }
    match asked.scope {
        Scope::Cluster if !shape.per_node => score += SCOPE,
        Scope::Node if shape.per_node => score += SCOPE,
        _ => {}
    }
    score
}

/// The operator phrasings by word (the index's position of the word), and each phrasing's words'
/// total rarity (made on the product's first search).
pub(super) struct Phrasings {
    by_word: Vec<Vec<u32>>,
    weight: Vec<f32>,
}

pub(super) fn phrasings(index: &'static Index) -> &'static Phrasings {
    static PHRASINGS: [OnceLock<Phrasings>; 3] = [const { OnceLock::new() }; 3];
    index.derived(&PHRASINGS, |index| {
        let mut by_word: Vec<Vec<u32>> = vec![Vec::new(); index.words()];
        let mut weight = Vec::with_capacity(index.phrasing_count());
        for p in 0..index.phrasing_count() {
            let (_, said) = index.phrasing(p);
            for &word in said {
                by_word[word as usize].push(p as u32);
            }
            weight.push(said.iter().map(|&w| index.idf_at(w as usize)).sum());
        }
        Phrasings { by_word, weight }
    })
}

/// How close each tool's closest operator phrasing is to the query, from 0 to 1: the Dice
/// overlap of their words, each word weighted by its rarity. A query that says what a phrasing
/// says ("pull the plug on VM 100" and "pull the power on a VM") finds its tool even when the
/// schema's words are elsewhere. Only the table's tools have phrasings.
pub(super) fn closest_phrasings(index: &'static Index, words: &[String]) -> Vec<f32> {
    let phrasings = phrasings(index);
    let mut shared = vec![0f32; index.phrasing_count()];
    let mut query = 0.0;
    for word in words {
        let Some(position) = index.position(word) else { continue };
        let idf = index.idf_at(position);
        query += idf;
        for &p in &phrasings.by_word[position] {
            shared[p as usize] += idf;
        }
    }
    let mut best = vec![0f32; index.table_len()];
    for (p, &s) in shared.iter().enumerate() {
        if s > 0.0 {
            let tool = index.phrasing(p).0;
            best[tool] = best[tool].max(2.0 * s / (query + phrasings.weight[p]));
        }
    }
    best
}

/// What the ranking rules ask of a tool's path, name and summary, worked out once per tool.
pub(super) struct Shape {
    /// About one guest: the path has `{vmid}`.
    pub(super) one_guest: bool,
    /// A guest's tool: about one guest, or of the qemu/lxc categories (create, list).
    pub(super) guest: bool,
    /// About one named thing: a placeholder past `{node}`/`{vmid}` (`/access/groups/{groupid}`).
    pub(super) about_one: bool,
    /// A collection: the path ends in a plain segment.
    pub(super) collection: bool,
    /// The node's own form: under `/nodes/{node}`, not a guest's.
    pub(super) per_node: bool,
    /// A "Directory index" GET.
    pub(super) directory_index: bool,
    /// Makes a new thing (`_create`, `_add`).
    pub(super) creates: bool,
    /// The `NICHE` part of PVE it belongs to, if any.
    pub(super) niche: Option<usize>,
    /// A datacenter or node tool with a guest's twin (`/cluster/firewall/options` and
    /// `/nodes/{node}/qemu/{vmid}/firewall/options`; a node's `rrddata` and a guest's).
    pub(super) guest_twin: bool,
}

/// Each tool's [`Shape`], in the index's order (made on the product's first search).
pub(super) fn shapes(index: &'static Index) -> &'static [Shape] {
    static SHAPES: [OnceLock<Vec<Shape>>; 3] = [const { OnceLock::new() }; 3];
    let shapes: &'static Vec<Shape> = index.derived(&SHAPES, |index| {
        // A twin is looked for among the table's own paths.
        let paths: std::collections::HashSet<&str> = index.tools.iter().map(|t| t.path).collect();
        (0..index.len())
            .map(|i| {
                let t = index.tool(i);
                let one_guest = t.path.contains("{vmid}");
                let suffix = t.path.strip_prefix("/cluster").or_else(|| t.path.strip_prefix("/nodes/{node}"));
                let guest_twin = !one_guest
                    && suffix.is_some_and(|rest| {
                        !rest.is_empty()
                            && ["/nodes/{node}/qemu/{vmid}", "/nodes/{node}/lxc/{vmid}"]
                                .iter()
                                .any(|guest| paths.contains(format!("{guest}{rest}").as_str()))
                    });
                Shape {
                    one_guest,
                    guest: one_guest || matches!(t.category, Category::Qemu | Category::Lxc),
                    about_one: t.path.split('/').any(|s| s.starts_with('{') && s != "{node}" && s != "{vmid}"),
                    collection: !t.path.ends_with('}'),
                    // The node form of an endpoint is the node's own (not a guest's, which also sits under a node).
                    per_node: t.path.starts_with("/nodes/{node}") && !one_guest,
                    directory_index: t.summary.starts_with("Directory index"),
                    creates: t.name.ends_with("_create") || t.name.ends_with("_add"),
                    niche: NICHE.iter().position(|(part, _)| t.path.contains(part)),
                    guest_twin,
                }
            })
            .collect()
    });
    shapes
}

/// Each tool's name as search words, in the index's order (made on the product's first search).
pub(super) fn name_words(index: &'static Index) -> &'static [Vec<String>] {
    static WORDS: [OnceLock<Vec<Vec<String>>>; 3] = [const { OnceLock::new() }; 3];
    let words: &'static Vec<Vec<String>> = index.derived(&WORDS, |index| {
        (0..index.len()).map(|i| text::words(&index.tool(i).name.replace('_', " "))).collect()
    });
    words
}
