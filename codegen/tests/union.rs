//! The generator over several releases at once (`releases`): masks record which releases have each
//! endpoint, parameter and enum value, only where they differ; requests accept the union; the
//! primary schema's listing is untouched; older-only endpoints become tools of their own table.

use std::path::PathBuf;

use pve_mcp_codegen::releases::{self, Release};
use pve_mcp_codegen::{SearchCheck, generate_for, generate_releases, model};

/// A one-endpoint schema: `PUT /nodes/{node}/config` with these extra parameters.
fn schema(params: &str, extra_endpoint: bool) -> String {
    let extra = if extra_endpoint {
        r#",{"path": "/nodes/{node}/old", "text": "old", "leaf": 1, "info": {"GET": {"name": "old", "method": "GET",
            "description": "An old read.", "parameters": {"properties": {"node": {"type": "string", "format": "pve-node"}}},
            "returns": {"type": "null"}}}}"#
    } else {
        ""
    };
    format!(
        r#"[{{"path": "/nodes", "text": "nodes", "leaf": 0, "info": {{}}, "children": [
        {{"path": "/nodes/{{node}}/config", "text": "config", "leaf": 1, "info": {{"PUT": {{"name": "set", "method": "PUT",
            "description": "Set node options.", "parameters": {{"properties": {{
              "node": {{"type": "string", "format": "pve-node", "description": "The node."}}{params}}}}},
            "returns": {{"type": "null"}}}}}}}}{extra}]}}]"#
    )
}

const OLD: &str = r#", "wol": {"type": "string", "optional": 1, "description": "Wake on LAN."},
    "mode": {"type": "string", "optional": 1, "enum": ["a", "b"], "description": "Mode."}"#;
const NEW: &str = r#", "mode": {"type": "string", "optional": 1, "enum": ["a", "c"], "description": "Mode."},
    "zone": {"type": "string", "optional": 1, "description": "Zone."}"#;

fn release(name: &str, json: &str) -> Release {
    Release { name: name.into(), doc: model::parse(json).unwrap() }
}

fn union() -> releases::Union {
    releases::union(&[release("8", &schema(OLD, true)), release("9.2", &schema(NEW, false))])
}

#[test]
fn an_endpoint_in_every_release_has_no_exception() {
    let u = union();
    let p = &u.presence["PUT /nodes/{}/config"];
    assert_eq!(p.mask, 0b11);
    assert!(!p.params.contains_key("node"));
}

#[test]
fn a_parameter_records_the_releases_that_have_it() {
    let u = union();
    let p = &u.presence["PUT /nodes/{}/config"];
    assert_eq!(p.params.get("wol"), Some(&0b01));
    assert_eq!(p.params.get("zone"), Some(&0b10));
}

#[test]
fn an_enum_value_records_the_releases_that_have_it() {
    let u = union();
    let p = &u.presence["PUT /nodes/{}/config"];
    assert_eq!(p.values.get(&("mode".into(), "b".into())), Some(&0b01));
    assert_eq!(p.values.get(&("mode".into(), "c".into())), Some(&0b10));
    assert!(!p.values.contains_key(&("mode".into(), "a".into())));
}

#[test]
fn an_endpoint_only_older_releases_have_is_a_tool_of_its_own_table() {
    let u = union();
    let older = releases::older_only(&u, 1);
    assert_eq!(older.iter().map(|e| e.id()).collect::<Vec<_>>(), ["GET /nodes/{node}/old"]);
    assert_eq!(u.presence["GET /nodes/{}/old"].mask, 0b01);
}

#[test]
fn the_request_accepts_every_releases_parameters_and_values() {
    let u = union();
    let accepts = releases::accepted(&u.by_release["PUT /nodes/{}/config"]);
    let names: Vec<&str> = accepts.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["node", "mode", "wol", "zone"]);
    assert_eq!(accepts.params[1].kind, model::Kind::Enum(vec!["a".into(), "c".into(), "b".into()]));
}

#[test]
fn the_primary_listing_is_what_the_primary_alone_generates() {
    let alone = generate_for(&schema(NEW, false), Some("9.2"), SearchCheck::Lenient).unwrap();
    let both = generate_releases(
        &schema(NEW, false),
        Some("9.2"),
        SearchCheck::Lenient,
        vec![release("8", &schema(OLD, true))],
    )
    .unwrap();
    let primary = |g: &pve_mcp_codegen::Generated, name: &str| {
        let t = g.tools.iter().find(|t| t.name == name).unwrap();
        (t.input_schema.clone(), t.compact_schema.clone(), t.signature.clone(), t.description.clone())
    };
    assert_eq!(primary(&alone, "node_config_update"), primary(&both, "node_config_update"));
    assert!(both.code.contains("pub static RELEASES: &[&str] = &[\"8\", \"9.2\"]"), "{}", both.code);
    assert!(syn::parse_file(&both.code).is_ok());
}

#[test]
fn a_release_whose_parameters_differ_gets_its_own_listing() {
    let g = generate_releases(
        &schema(NEW, false),
        Some("9.2"),
        SearchCheck::Lenient,
        vec![release("8", &schema(OLD, true))],
    )
    .unwrap();
    let params = fragment_params(&g.code);
    assert!(params.contains(&"wol".to_owned()) && params.contains(&"mode".to_owned()), "{params:?}");
    assert!(!params.contains(&"zone".to_owned()), "{params:?}");
}

/// The parameters of the generated `RELEASE_FRAGMENTS`, read through their spans of `RELEASE_TEXT`.
fn fragment_params(code: &str) -> Vec<String> {
    let file = syn::parse_file(code).unwrap();
    let value = |name: &str| {
        file.items.iter().find_map(|i| match i {
            syn::Item::Static(s) if s.ident == name => Some(s.expr.clone()),
            _ => None,
        })
    };
    let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. })) = value("RELEASE_TEXT").map(|e| *e) else {
        panic!("RELEASE_TEXT is a string")
    };
    let text = text.value();
    let rows = quote::ToTokens::to_token_stream(&value("RELEASE_FRAGMENTS").unwrap()).to_string();
    rows.split("param : crate :: tools :: strings :: Span :: new (")
        .skip(1)
        .map(|rest| {
            let args: Vec<usize> =
                rest.split(')').next().unwrap().split(',').map(|n| n.trim().parse().unwrap()).collect();
            text[args[0]..args[0] + args[1]].to_owned()
        })
        .collect()
}

#[test]
fn releases_sort_oldest_first_and_8_means_any_8_y() {
    let r = releases::sorted(vec![release("9.1", "[]"), release("8", "[]"), release("7.4", "[]")]).unwrap();
    assert_eq!(r.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["7.4", "8", "9.1"]);
    assert!(releases::sorted(vec![release("9.1", "[]"), release("9.1", "[]")]).is_err());
    assert!(releases::sorted(vec![release("latest", "[]")]).is_err());
}

#[test]
fn docs_say_since_and_until() {
    let u = union();
    let ep = |id: &str| u.by_release[id][0].1.clone();
    assert_eq!(releases::span(&u, &ep("GET /nodes/{}/old")), "– 8.x");
    assert_eq!(releases::span(&u, &ep("PUT /nodes/{}/config")), "");
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The vendored releases: every primary tool keeps its listing, older-only names do not collide.
#[test]
fn the_vendored_releases_generate_with_the_primary_listing_unchanged() {
    let schema = root().join("apidoc/apidoc.json");
    let json = std::fs::read_to_string(&schema).unwrap();
    let alone = generate_for(&json, Some("9.2"), SearchCheck::Strict).unwrap();
    let older = pve_mcp_codegen::vendored_releases(&schema).unwrap();
    assert_eq!(older.len(), 4);
    let all = generate_releases(&json, Some("9.2"), SearchCheck::Strict, older).unwrap();
    for t in &alone.tools {
        let u = all.tools.iter().find(|u| u.name == t.name).unwrap();
        assert_eq!(
            (&t.input_schema, &t.compact_schema, &t.signature),
            (&u.input_schema, &u.compact_schema, &u.signature)
        );
    }
    // The endpoints 6.4, 7.4 and 8.x have and 9.2 dropped, each a tool of its own.
    assert_eq!(all.tools.len() - alone.tools.len(), 18);
    assert!(all.code.contains("pub static RELEASES: &[&str] = &[\"6.4\", \"7.4\", \"8\", \"9.1\", \"9.2\"]"));
}

/// `agent` as a plain value in the oldest release, then a property string whose keys change.
fn keyed() -> releases::Union {
    let plain = r#", "agent": {"type": "string", "optional": 1, "description": "Agent."}"#;
    let old = r#", "agent": {"type": "string", "optional": 1, "description": "Agent.", "format": {
        "enabled": {"type": "boolean", "description": "On."},
        "cyls": {"type": "integer", "optional": 1, "default_key": 1, "description": "Cylinders."},
        "kind": {"type": "string", "optional": 1, "enum": ["virtio", "isa"], "description": "Kind."}}}"#;
    let new = r#", "agent": {"type": "string", "optional": 1, "description": "Agent.", "format": {
        "enabled": {"type": "boolean", "default_key": 1, "description": "On."},
        "freeze": {"type": "boolean", "optional": 1, "description": "Freeze."},
        "kind": {"type": "string", "optional": 1, "enum": ["virtio", "pci"], "description": "Kind."}}}"#;
    releases::union(&[
        release("7.4", &schema(plain, false)),
        release("8", &schema(old, false)),
        release("9.2", &schema(new, false)),
    ])
}

fn key_mask(u: &releases::Union, key: &str, value: &str) -> Option<u8> {
    u.presence["PUT /nodes/{}/config"].keys.get(&("agent".into(), key.into(), value.into())).copied()
}

#[test]
fn a_property_string_key_records_the_releases_that_have_it() {
    let u = keyed();
    assert_eq!(key_mask(&u, "cyls", ""), Some(0b010));
    assert_eq!(key_mask(&u, "freeze", ""), Some(0b100));
}

#[test]
fn a_plain_value_release_has_the_default_key_only() {
    let u = keyed();
    assert_eq!(key_mask(&u, "enabled", ""), None, "every release takes the bare value");
    assert_eq!(key_mask(&u, "kind", ""), Some(0b110));
}

#[test]
fn a_property_string_keys_enum_value_records_the_releases_of_the_key_that_have_it() {
    let u = keyed();
    assert_eq!(key_mask(&u, "kind", "isa"), Some(0b010));
    assert_eq!(key_mask(&u, "kind", "pci"), Some(0b100));
    assert_eq!(key_mask(&u, "kind", "virtio"), None);
}

#[test]
fn the_request_accepts_every_releases_property_string_keys_and_values() {
    let u = keyed();
    let accepts = releases::accepted(&u.by_release["PUT /nodes/{}/config"]);
    let agent = accepts.params.iter().find(|p| p.name == "agent").unwrap();
    let model::Kind::PropertyString(keys) = &agent.kind else { panic!("a property string") };
    let names: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(names, ["enabled", "freeze", "kind", "cyls"]);
    let kind = keys.iter().find(|k| k.key == "kind").unwrap();
    assert_eq!(kind.kind, model::Kind::Enum(vec!["virtio".into(), "pci".into(), "isa".into()]));
    let defaults: Vec<&str> = keys.iter().filter(|k| k.default_key).map(|k| k.key.as_str()).collect();
    assert_eq!(defaults, ["enabled"], "the newest release's default key");
}

#[test]
fn a_flag_and_an_indexed_property_string_of_one_name_stay_apart() {
    let params = r#", "numa": {"type": "boolean", "optional": 1, "description": "NUMA."},
        "numa[n]": {"type": "string", "optional": 1, "description": "A NUMA node.", "format": {
          "cpus": {"type": "string", "description": "CPUs."}}}"#;
    let u = releases::union(&[release("8", &schema(params, false)), release("9.2", &schema(params, false))]);
    assert!(u.presence["PUT /nodes/{}/config"].keys.is_empty(), "{:?}", u.presence["PUT /nodes/{}/config"].keys);
    let accepts = releases::accepted(&u.by_release["PUT /nodes/{}/config"]);
    let kinds: Vec<(&str, bool)> = accepts
        .params
        .iter()
        .filter(|p| p.name == "numa")
        .map(|p| (p.name.as_str(), matches!(p.kind, model::Kind::PropertyString(_))))
        .collect();
    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds.iter().filter(|(_, ps)| *ps).count(), 1, "the flag stays a flag");
}

#[test]
fn a_format_named_in_newer_releases_keeps_the_keys_older_ones_give() {
    let given = r#", "rng": {"type": "string", "optional": 1, "description": "RNG.", "format": {
        "source": {"type": "string", "default_key": 1, "description": "Source."},
        "period": {"type": "integer", "optional": 1, "description": "Period."}}}"#;
    let named = r#", "rng": {"type": "string", "optional": 1, "description": "RNG.", "format": "pve-qm-rng"}"#;
    let u = releases::union(&[release("8", &schema(given, false)), release("9.2", &schema(named, false))]);
    let accepts = releases::accepted(&u.by_release["PUT /nodes/{}/config"]);
    let rng = accepts.params.iter().find(|p| p.name == "rng").unwrap();
    assert!(matches!(rng.kind, model::Kind::PropertyString(_)), "{:?}", rng.kind);
    assert!(u.presence["PUT /nodes/{}/config"].keys.is_empty(), "the named format takes the keys");
}

#[test]
fn a_format_named_before_the_keys_were_given_takes_the_default_key_only() {
    let named = r#", "wol": {"type": "string", "optional": 1, "description": "MAC.", "format": "mac-addr"}"#;
    let given = r#", "wol": {"type": "string", "optional": 1, "description": "WoL.", "format": {
        "mac": {"type": "string", "default_key": 1, "description": "MAC."},
        "iface": {"type": "string", "optional": 1, "description": "Interface."}}}"#;
    let u = releases::union(&[release("7.4", &schema(named, false)), release("9.2", &schema(given, false))]);
    let keys = &u.presence["PUT /nodes/{}/config"].keys;
    assert_eq!(keys.get(&("wol".into(), "iface".into(), String::new())), Some(&0b10));
    assert!(!keys.contains_key(&("wol".into(), "mac".into(), String::new())));
}
