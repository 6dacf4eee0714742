//! Search across products: every product's tools a session may use, each product's ranked by the
//! same machinery ([`super::rank`]: BM25, name coverage, curated phrasings, whole-phrasing matches
//! and query rules) over its own generated index ([`super::index`]), so their scores are on one
//! scale; then the rule that tells products apart: a query that names a product, or what only one
//! product has, favours that product's tools. A session that may use no other product's tool
//! searches exactly as PVE's search does.

use super::Hit;
use super::index::{self, Index};
use super::query::plain_words;
use super::rank::{Asked, best, score};
use crate::pve::product::Product;
use crate::tools::registry::ToolDef;

/// Bonus for a tool of the product the query names (when more than one product is searched);
/// with `OTHER_PRODUCT`, chosen on `pbs-tune` and `pdm-tune` (flat from 3.0/0.6 to 4.0/0.5).
pub(super) const PRODUCT_SAID: f32 = 3.0;
/// What a tool of another product keeps when the query names a product.
pub(super) const OTHER_PRODUCT: f32 = 0.6;

/// The words (as written, lower case) and word pairs that name a product or what only it has,
/// the Datacenter Manager's first: it reaches the other products' remotes, so "the datastores of
/// remote pbs1" is its.
const PRODUCT_WORDS: &[(Product, &[&str])] = &[
    (
        Product::Pdm,
        &[
            "pdm",
            "datacenter manager",
            "data center manager",
            "remote",
            "remotes",
            "across clusters",
            "all clusters",
            "every cluster",
            "each cluster",
            "other cluster",
            "another cluster",
            "both clusters",
        ],
    ),
    (
        Product::Pbs,
        &[
            "pbs",
            "backup server",
            "forget",
            "datastore",
            "datastores",
            "namespace",
            "namespaces",
            "prune job",
            "prune jobs",
            "gc",
            "garbage collection",
            "verify job",
            "verify jobs",
            "verification job",
            "verification jobs",
        ],
    ),
];

/// The product a query names, by the words of [`PRODUCT_WORDS`] (single words or adjacent pairs).
pub(super) fn products_said(query: &str) -> Option<Product> {
    let lower = query.to_ascii_lowercase();
    let words = plain_words(&lower);
    let pairs: Vec<String> = words.windows(2).map(|w| w.join(" ")).collect();
    let said = |phrase: &&str| {
        if phrase.contains(' ') { pairs.iter().any(|p| p == phrase) } else { words.contains(phrase) }
    };
    PRODUCT_WORDS.iter().find(|(_, phrases)| phrases.iter().any(said)).map(|(product, _)| *product)
}

/// The best `limit` tools for a query among those `visible` allows, of every product.
pub fn search(query: &str, limit: usize, visible: impl Fn(&ToolDef) -> bool) -> Vec<Hit> {
    let asked = Asked::of(query);
    let said = products_said(query);
    let searched = index::searched(&visible);
    let several = searched.len() > 1;
    let mut hits = Vec::new();
    for index in searched {
        let mut found = score(index, &asked, &visible);
        if let Some(said) = said.filter(|_| several) {
            favour(index, said, &mut found);
        }
        hits.extend(found);
    }
    best(hits, limit)
}

/// The product rule on one product's hits.
fn favour(index: &Index, said: Product, hits: &mut [Hit]) {
    for hit in hits {
        if index.product == said {
            hit.score += PRODUCT_SAID;
        } else {
            hit.score *= OTHER_PRODUCT;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::registry;

    fn pbs_visible(t: &ToolDef) -> bool {
        registry::product_of(t) == Product::Pbs
    }

    #[test]
    fn a_session_with_a_backup_server_finds_its_tools() {
        let hits = search("list the backup snapshots of a datastore", 5, pbs_visible);
        assert!(hits.iter().any(|h| h.tool.name == "pbs_datastore_snapshots_list"), "{:?}", names(&hits));
    }

    #[test]
    fn a_backup_server_tool_named_exactly_is_found_first() {
        let hits = search("pbs_datastore_prune", 5, pbs_visible);
        assert_eq!(hits[0].tool.name, "pbs_datastore_prune");
    }

    #[test]
    fn a_session_with_a_datacenter_manager_finds_its_remote_tools() {
        let pdm = |t: &ToolDef| registry::product_of(t) == Product::Pdm;
        let hits = search("migrate a vm to another remote", 5, pdm);
        assert!(hits.iter().any(|h| h.tool.name == "pdm_pve_qemu_vm_remote_migrate"), "{:?}", names(&hits));
    }

    #[test]
    fn a_query_naming_a_product_or_what_only_it_has_says_which() {
        assert_eq!(products_said("how full is the datastore store1"), Some(Product::Pbs));
        assert_eq!(products_said("run garbage collection now"), Some(Product::Pbs));
        assert_eq!(products_said("list the guests across clusters"), Some(Product::Pdm));
        assert_eq!(products_said("which remotes does the datacenter manager know"), Some(Product::Pdm));
        assert_eq!(products_said("start VM 100"), None);
        assert_eq!(products_said("verify the backup"), None, "a word PVE's tools share is no product's");
    }

    #[test]
    fn a_query_naming_the_backup_server_ranks_its_tool_above_pves_near_namesake() {
        let hits = search("list backup snapshots on the backup server", 3, |_| true);
        assert_eq!(registry::product_of(hits[0].tool), Product::Pbs, "{:?}", names(&hits));
    }

    #[test]
    fn a_session_without_another_product_searches_as_before() {
        let pve = |t: &ToolDef| registry::product_of(t) == Product::Pve;
        let before: Vec<&str> =
            super::super::rank::search("start vm 100", 5, pve).iter().map(|h| h.tool.name).collect();
        assert_eq!(names(&search("start vm 100", 5, pve)), before);
    }

    #[test]
    fn a_cluster_on_the_oldest_release_finds_each_tool_only_older_releases_have_by_its_summary_or_name() {
        use crate::tools::releases::{Release, has};
        let oldest = Release::all().next().unwrap();
        let in_release = |t: &ToolDef| registry::product_of(t) == Product::Pve && has(t, oldest);
        let older: Vec<&ToolDef> = registry::older().iter().filter(|t| in_release(t)).collect();
        assert!(older.len() > 10, "{}", older.len());
        for tool in older {
            let found = [tool.summary.to_owned(), tool.name.replace('_', " ")]
                .iter()
                .any(|query| search(query, 5, in_release).iter().any(|h| h.tool.name == tool.name));
            assert!(found, "{}", tool.name);
        }
    }

    #[test]
    fn the_tools_only_older_releases_have_change_no_score_of_the_primary_tables() {
        let primary = |t: &ToolDef| registry::all().as_ptr_range().contains(&std::ptr::from_ref(t));
        let every = |t: &ToolDef| registry::product_of(t) == Product::Pve;
        let query = "list the ceph pools and their settings";
        let of_primary: Vec<(&str, f32)> =
            search(query, 40, every).iter().filter(|h| primary(h.tool)).map(|h| (h.tool.name, h.score)).collect();
        let alone: Vec<(&str, f32)> = search(query, 40, primary).iter().map(|h| (h.tool.name, h.score)).collect();
        assert!(search(query, 40, every).iter().any(|h| !primary(h.tool)), "an older-only tool matches");
        assert_eq!(of_primary, alone[..of_primary.len()]);
    }

    fn names(hits: &[Hit]) -> Vec<&'static str> {
        hits.iter().map(|h| h.tool.name).collect()
    }
}
