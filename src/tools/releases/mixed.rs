//! A listing for clusters at different PVE releases: every tool and parameter any of them has,
//! each saying on which clusters it does not exist ([`Listed::Mixed`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::{Fragment, ParamRow, Release, as_in, patch_schema, patch_signature, rows, tool_releases};
use crate::tools::generated::{PARAM_RELEASES, RELEASE_FRAGMENTS};
use crate::tools::registry::{self, ToolDef};

/// The PVE releases a listing shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Listed {
    /// Every cluster runs this one.
    One(Release),
    /// The clusters run different ones: each cluster's name and release, in configured order.
    Mixed(Arc<[(String, Release)]>),
}

impl Listed {
    /// What clusters at these releases are listed as: `None` while any is not known (the primary
    /// schema's listing, as before anything is known), one release when they agree.
    pub fn of(clusters: &[(String, Option<Release>)]) -> Option<Listed> {
        let known: Option<Vec<(String, Release)>> = clusters.iter().map(|(n, r)| r.map(|r| (n.clone(), r))).collect();
        let known = known?;
        let first = known.first()?.1;
        if known.iter().all(|(_, r)| *r == first) {
            return Some(Listed::One(first));
        }
        Some(Listed::Mixed(known.into()))
    }

    /// The one release every cluster runs, if they agree.
    pub fn single(&self) -> Option<Release> {
        match self {
            Listed::One(r) => Some(*r),
            Listed::Mixed(_) => None,
        }
    }

    fn mask(&self) -> u8 {
        match self {
            Listed::One(r) => r.bit(),
            Listed::Mixed(all) => all.iter().fold(0, |m, (_, r)| m | r.bit()),
        }
    }

    /// Whether any of the releases has the tool.
    pub fn has(&self, tool: &ToolDef) -> bool {
        tool_releases(tool.name) & self.mask() != 0
    }

    /// The tool as these releases list it.
    pub fn entry(&self, tool: &'static ToolDef) -> &'static ToolDef {
        match self {
            Listed::One(r) => as_in(tool, *r),
            Listed::Mixed(clusters) => across(tool, clusters),
        }
    }

    /// Every tool any of the releases has, as they list it, sorted by name.
    pub fn tools(&self) -> Vec<&'static ToolDef> {
        if let Listed::One(r) = self {
            return super::tools_of(*r);
        }
        let mut all: Vec<&'static ToolDef> =
            registry::all().iter().chain(registry::older()).filter(|t| self.has(t)).map(|t| self.entry(t)).collect();
        all.sort_by(|a, b| a.name.cmp(b.name));
        all
    }
}

/// The newest release of a mask.
fn newest(mask: u8) -> Option<Release> {
    Release::all().filter(|r| mask & r.bit() != 0).last()
}

/// The clusters of `clusters` whose release lacks what `mask` says has it, as the listing names
/// them: "cluster `old` (PVE 8.x)".
fn lacking(clusters: &[(String, Release)], mask: u8) -> Option<String> {
    let without: Vec<String> = clusters
        .iter()
        .filter(|(_, r)| mask & r.bit() == 0)
        .map(|(n, r)| format!("`{n}` (PVE {})", r.label()))
        .collect();
    match without.len() {
        0 => None,
        1 => Some(format!("Not on cluster {}.", without[0])),
        _ => Some(format!("Not on clusters {}.", without.join(", "))),
    }
}

/// The tool as clusters at different releases list it: each parameter as the newest release that
/// has it lists it, and a note on the tool and on each parameter some cluster lacks. Made once
/// per tool and set of clusters and kept (the set changes only when a cluster is upgraded).
fn across(tool: &'static ToolDef, clusters: &Arc<[(String, Release)]>) -> &'static ToolDef {
    let union = clusters.iter().fold(0, |m, (_, r)| m | r.bit());
    let tool_note = lacking(clusters, tool_releases(tool.name));
    let params = rows(PARAM_RELEASES, tool.name, ParamRow::tool);
    let notes: Vec<(&str, String)> = params
        .iter()
        .filter(|r| r.releases & union != 0)
        .filter_map(|r| Some((r.param(), lacking(clusters, r.releases)?)))
        .collect();
    let dropped: Vec<&str> = params.iter().filter(|r| r.releases & union == 0).map(ParamRow::param).collect();
    // Each parameter as the newest of these releases that has it: that release's fragment, or the
    // table entry's when it has none.
    let fragments: Vec<&Fragment> = rows(RELEASE_FRAGMENTS, tool.name, Fragment::tool)
        .iter()
        .filter(|f| {
            let have = super::param_releases(tool.name, f.param()) & union;
            newest(have).is_some_and(|r| f.releases & r.bit() != 0)
        })
        .collect();
    if tool_note.is_none() && notes.is_empty() && fragments.is_empty() && dropped.is_empty() {
        return newest(union & tool_releases(tool.name)).map_or(tool, |r| as_in(tool, r));
    }
    type Made = HashMap<(&'static str, Arc<[(String, Release)]>), &'static ToolDef>;
    static MADE: OnceLock<Mutex<Made>> = OnceLock::new();
    let mut made = MADE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    made.entry((tool.name, clusters.clone())).or_insert_with(|| {
        let text = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let schema = |s: &str, f: fn(&Fragment) -> &'static str| {
            text(annotate(&patch_schema(tool, s, &fragments, &dropped, f), &notes))
        };
        let noted = |s: &str| match &tool_note {
            Some(n) => text(format!("{} {n}", s.trim_end_matches('.').to_owned() + ".")),
            None => text(s.to_owned()),
        };
        Box::leak(Box::new(ToolDef {
            description: noted(tool.description),
            summary: noted(tool.summary),
            input_schema: schema(tool.input_schema, Fragment::full),
            compact_schema: schema(tool.compact_schema, Fragment::compact),
            signature: text(patch_signature(tool, &fragments, &dropped)),
            ..*tool
        }))
    })
}

/// The schema with each noted parameter's description ending in its note.
fn annotate(schema: &str, notes: &[(&str, String)]) -> String {
    if notes.is_empty() {
        return schema.to_owned();
    }
    let Ok(mut top) = serde_json::from_str::<Value>(schema) else { return schema.to_owned() };
    let stem = |key: &str| key.trim_start_matches('^').trim_end_matches("[0-9]+$").replace('\\', "");
    for (param, note) in notes {
        let plain = top.get_mut("properties").and_then(|p| p.get_mut(*param));
        let entry = match plain {
            Some(e) => Some(e),
            None => top
                .get_mut("patternProperties")
                .and_then(Value::as_object_mut)
                .and_then(|p| p.iter_mut().find(|(k, _)| stem(k) == *param).map(|(_, v)| v)),
        };
        let Some(Value::Object(entry)) = entry else { continue };
        let described = match entry.get("description").and_then(Value::as_str) {
            Some(d) if !d.is_empty() => format!("{} {note}", d.trim_end_matches('.').to_owned() + "."),
            _ => note.clone(),
        };
        entry.insert("description".into(), Value::String(described));
    }
    serde_json::to_string(&top).unwrap_or_else(|_| schema.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::registry;

    fn clusters(list: &[(&str, &str)]) -> Listed {
        let all: Vec<(String, Option<Release>)> =
            list.iter().map(|(n, r)| (n.to_string(), Release::named(r))).collect();
        Listed::of(&all).unwrap()
    }

    fn property<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
        schema["properties"].get(name)
    }

    #[test]
    fn clusters_at_one_release_are_listed_as_it() {
        assert_eq!(clusters(&[("a", "8"), ("b", "8")]), Listed::One(Release::named("8").unwrap()));
    }

    #[test]
    fn a_cluster_whose_release_is_not_known_lists_the_primary_schema() {
        let all = vec![("a".to_string(), Release::named("8")), ("b".to_string(), None)];
        assert_eq!(Listed::of(&all), None);
    }

    #[test]
    fn a_tool_only_the_newer_cluster_has_is_listed_and_names_the_cluster_without_it() {
        let listed = clusters(&[("old", "8"), ("new", "9.2")]);
        let tool = registry::find("qemu_vm_dbus_vmstate").expect("a 9.1 tool");
        assert!(listed.has(tool));
        let entry = listed.entry(tool);
        assert!(entry.summary.ends_with("Not on cluster `old` (PVE 8.x)."), "{}", entry.summary);
        assert!(entry.description.contains("Not on cluster `old` (PVE 8.x)."));
    }

    #[test]
    fn a_tool_every_cluster_has_keeps_its_text() {
        let listed = clusters(&[("old", "8"), ("new", "9.2")]);
        let tool = registry::find("access_acl_list").unwrap();
        assert_eq!(listed.entry(tool).summary, tool.summary);
    }

    #[test]
    fn an_older_only_tool_is_listed_for_the_older_cluster() {
        let listed = clusters(&[("old", "8"), ("new", "9.2")]);
        let older = registry::older()
            .iter()
            .find(|t| super::super::has(t, Release::named("8").unwrap()))
            .expect("an 8.x-only tool");
        let names: Vec<&str> = listed.tools().iter().map(|t| t.name).collect();
        assert!(names.contains(&older.name));
        assert!(listed.entry(older).summary.contains("Not on cluster `new` (PVE 9.2)."));
    }

    #[test]
    fn a_parameter_one_cluster_lacks_says_so_and_one_only_the_older_has_is_listed() {
        let listed = clusters(&[("old", "8"), ("new", "9.2")]);
        let eight = Release::named("8").unwrap().bit();
        let primary = Release::primary().bit();
        let newer = PARAM_RELEASES
            .iter()
            .find(|r| r.releases & eight == 0 && r.releases & primary != 0 && tool_releases(r.tool()) & eight != 0);
        let (tool, param) = newer.map(|r| (r.tool(), r.param())).expect("a parameter 9.2 added to a tool 8.x has");
        let entry = listed.entry(registry::find(tool).unwrap());
        let schema: Value = serde_json::from_str(entry.input_schema).unwrap();
        let text = schema["properties"][param]["description"].as_str().or(None).unwrap_or_default().to_owned();
        let indexed = property(&schema, param).is_none();
        assert!(indexed || text.ends_with("Not on cluster `old` (PVE 8.x)."), "{tool} {param}: {text}");
        let removed = PARAM_RELEASES
            .iter()
            .find(|r| r.releases & eight != 0 && r.releases & primary == 0 && registry::find(r.tool()).is_some());
        let (tool, param) = removed.map(|r| (r.tool(), r.param())).expect("a parameter 9.2 dropped");
        let schema: Value = serde_json::from_str(listed.entry(registry::find(tool).unwrap()).compact_schema).unwrap();
        let listed_param = property(&schema, param).is_some()
            || schema["patternProperties"].as_object().is_some_and(|p| p.keys().any(|k| k.contains(param)));
        assert!(listed_param, "{tool}: 8.x's `{param}` is listed");
    }
}
