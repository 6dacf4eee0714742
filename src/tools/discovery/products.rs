//! Search across products: PVE's ranking ([`super::rank`], with its curated phrasings and query
//! rules), joined by the other products' tools a session may use, ranked on their schema's words
//! alone (BM25 over their generated index, plus how much of the tool's name the query covers), as
//! they have no curated search data yet. A session that may use no other product's tool searches
//! exactly as before.

use super::Hit;
use super::rank::{B, COVERAGE, K1};
use super::text;
use crate::pve::product::Product;
use crate::tools::registry::{self, ToolDef};

/// One product's generated search index: word → (position in its tool table, weight), and each
/// tool's document length.
struct Index {
    tools: &'static [ToolDef],
    terms: &'static [(&'static str, &'static [(u16, f32)])],
    lengths: &'static [f32],
}

fn index(product: Product) -> Option<Index> {
    match product {
        Product::Pve => None,
        Product::Pbs => Some(Index {
            tools: registry::all_of(Product::Pbs),
            terms: crate::tools::generated_pbs::SEARCH_TERMS,
            lengths: &crate::tools::generated_pbs::SEARCH_LENGTHS,
        }),
        Product::Pdm => Some(Index {
            tools: registry::all_of(Product::Pdm),
            terms: crate::tools::generated_pdm::SEARCH_TERMS,
            lengths: &crate::tools::generated_pdm::SEARCH_LENGTHS,
        }),
    }
}

/// The best `limit` tools for a query among those `visible` allows, of every product.
pub fn search(query: &str, limit: usize, visible: impl Fn(&ToolDef) -> bool) -> Vec<Hit> {
    let mut hits = super::rank::search(query, limit, &visible);
    let mut other = false;
    for product in Product::ALL.iter().copied().filter(|p| *p != Product::Pve) {
        let Some(index) = index(product) else { continue };
        if !index.tools.iter().any(&visible) {
            continue;
        }
        other = true;
        hits.extend(search_in(&index, query, &visible));
    }
    if other {
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.tool.name.cmp(b.tool.name)));
        hits.truncate(limit);
    }
    hits
}

/// BM25 over one product's index, with the name-coverage bonus PVE's ranking gives.
fn search_in(index: &Index, query: &str, visible: &impl Fn(&ToolDef) -> bool) -> Vec<Hit> {
    let mut words = text::words(query);
    words.sort();
    words.dedup();
    let n = index.lengths.len() as f32;
    let avg = index.lengths.iter().sum::<f32>() / n.max(1.0);
    let mut scores = vec![0f32; index.tools.len()];
    for word in &words {
        let Ok(at) = index.terms.binary_search_by(|(w, _)| (*w).cmp(word.as_str())) else { continue };
        let postings = index.terms[at].1;
        let df = postings.len() as f32;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        for &(doc, tf) in postings {
            let len = index.lengths[doc as usize];
            scores[doc as usize] += idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
        }
    }
    let exact = query.trim();
    index
        .tools
        .iter()
        .zip(scores)
        .filter_map(|(t, mut s)| {
            if s > 0.0 {
                let name = text::words(&t.name.replace('_', " "));
                let covered = name.iter().filter(|w| words.binary_search(w).is_ok()).count();
                let coverage = covered as f32 / name.len().max(1) as f32;
                s += COVERAGE * coverage * coverage;
            }
            if t.name == exact {
                s += 1000.0;
            }
            (s > 0.0 && visible(t)).then_some(Hit { tool: t, score: s })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_session_without_another_product_searches_as_before() {
        let pve = |t: &ToolDef| registry::product_of(t) == Product::Pve;
        let before: Vec<&str> =
            super::super::rank::search("start vm 100", 5, pve).iter().map(|h| h.tool.name).collect();
        assert_eq!(names(&search("start vm 100", 5, pve)), before);
    }

    fn names(hits: &[Hit]) -> Vec<&'static str> {
        hits.iter().map(|h| h.tool.name).collect()
    }
}
