//! The server's own tools' arguments (`pve_search`, `pve_describe`, `pve_call`, `pve_run`,
//! `pve_toolsets`, `pve_whoami`, `pve_approve`) as typed structs: each argument's name, type and
//! description are written once, on its field, and its bounds once, as a constant of [`fields`]
//! that both the field's schema attribute and its reader take. The listings' input schemas are
//! derived from these structs ([`schema`], schemars, shaped to stay as small as the tools' budgets
//! need), and a call's arguments are read into them ([`read`]) with errors naming the field.
//!
//! Reading is as lenient as it has always been: a flag may come as text (`"true"`), a list as
//! comma-separated text, `pve_call`'s `arguments` as JSON text, a `null` as if the field were left
//! out; only `pve_run` refuses arguments it does not know.

use rmcp::model::JsonObject;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::tools::generated::Category;

mod fields;

pub use fields::{Answer, MAX_CODE};

/// A server tool's arguments.
pub trait Params: DeserializeOwned + JsonSchema {
    /// The tool's name.
    const TOOL: &'static str;
    /// What each required argument is, for the error when it is missing or blank:
    /// `` `query`: is required: <this> ``.
    const REQUIRED: &'static [(&'static str, &'static str)];

    /// Checks between arguments, once each is read.
    fn check(self) -> Result<Self, String> {
        Ok(self)
    }
}

/// Reads a call's arguments; an error names the field and says what was expected.
pub fn read<T: Params>(args: &Map<String, Value>) -> Result<T, String> {
    T::deserialize(Value::Object(args.clone())).map_err(|e| field_error::<T>(&e.to_string()))?.check()
}

/// A serde error in this module's `` `field`: … `` form. The field readers write theirs so; the
/// two serde writes itself (a missing field, an unknown one) are reworded here.
fn field_error<T: Params>(message: &str) -> String {
    let named = |prefix: &str| message.strip_prefix(prefix).and_then(|r| r.split('`').next()).map(str::to_owned);
    if let Some(field) = named("missing field `") {
        return match T::REQUIRED.iter().find(|(f, _)| *f == field) {
            Some((_, what)) => format!("`{field}`: is required: {what}"),
            None => format!("`{field}`: is required"),
        };
    }
    if let Some(field) = named("unknown field `") {
        let schema = schema::<T>();
        let names: Vec<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(|k| format!("`{k}`")).collect())
            .unwrap_or_default();
        let takes = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => "no arguments".to_owned(),
        };
        return format!("`{field}`: unknown argument; {} takes {takes}", T::TOOL);
    }
    message.to_owned()
}

/// The schemas the listings show, derived from the structs by [`schema`] and kept as text
/// (`params/listed.json`), so a start-up does not run the derivation: running schemars touched
/// about 0.8 MB more of the binary's pages at every start. `listed_schemas_are_the_derived_ones`
/// fails when a struct changes and the file does not (`PVE_MCP_BLESS=1` rewrites it).
const LISTED: &str = include_str!("params/listed.json");

/// The listed input schema of the server's own tool `tool` (see [`LISTED`]).
pub fn listed(tool: &str) -> JsonObject {
    // Read once: each listing of the server's own tools asks for several.
    static ALL: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    let all = ALL.get_or_init(|| serde_json::from_str(LISTED).unwrap_or_default());
    match all.get(tool) {
        Some(Value::Object(o)) => o.clone(),
        _ => JsonObject::new(),
    }
}

/// A tool's input schema, derived from its arguments' struct. Shaped for the listing, where every
/// byte is paid for in tokens: no `$schema`, no title, no Rust integer formats (`uint8`), subtypes
/// inline, the struct's doc comment left to Rust (the tool's description says what it does), a
/// default that is null, false or empty left out (it says nothing), and the members in the order a
/// reader expects (`type`, `properties`, `required`, `additionalProperties`).
pub fn schema<T: JsonSchema>() -> JsonObject {
    let mut settings = SchemaSettings::draft2020_12();
    settings.meta_schema = None;
    settings.inline_subschemas = true;
    let root = SchemaGenerator::new(settings).into_root_schema_for::<T>();
    let Value::Object(mut root) = root.to_value() else { return JsonObject::new() };
    root.remove("title");
    root.remove("description");
    let mut properties = match root.remove("properties") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };
    for property in properties.values_mut() {
        if let Value::Object(p) = property {
            p.remove("format");
            p.remove("title");
            if p.get("default").is_some_and(says_nothing) {
                p.remove("default");
            }
            *p = in_order(std::mem::take(p), PROPERTY_ORDER);
        }
    }
    root.insert("type".into(), root.get("type").cloned().unwrap_or_else(|| "object".into()));
    root.insert("properties".into(), Value::Object(properties));
    in_order(root, &["type", "properties", "required", "additionalProperties"])
}

/// An argument's members in reading order: what it is, its bounds, its default, what it means.
const PROPERTY_ORDER: &[&str] =
    &["type", "items", "enum", "minimum", "maximum", "minItems", "maxItems", "default", "description"];

/// The object with these members first, in this order, then the others as they were.
fn in_order(mut object: JsonObject, order: &[&str]) -> JsonObject {
    let mut ordered = JsonObject::new();
    for key in order {
        if let Some(v) = object.remove(*key) {
            ordered.insert((*key).to_owned(), v);
        }
    }
    ordered.extend(object);
    ordered
}

fn says_nothing(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) | Value::Bool(true) => false,
    }
}

/// `pve_search`'s arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Search {
    /// What you want to do, in plain words (e.g. "take a snapshot of a VM").
    #[serde(deserialize_with = "fields::query")]
    pub query: String,
    #[serde(default = "fields::default_limit", deserialize_with = "fields::limit")]
    #[schemars(range(min = *fields::LIMIT.start(), max = *fields::LIMIT.end()))]
    pub limit: usize,
    /// Only tools of this category.
    #[serde(default, deserialize_with = "fields::category")]
    #[schemars(schema_with = "category_name")]
    pub category: Option<Category>,
}

impl Params for Search {
    const TOOL: &'static str = super::discovery::SEARCH;
    const REQUIRED: &'static [(&'static str, &'static str)] = &[("query", "what you want to do, in plain words")];
}

/// `pve_describe`'s arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Describe {
    /// Tool names from pve_search.
    #[serde(deserialize_with = "fields::tool_names")]
    #[schemars(length(min = *fields::NAMES.start(), max = *fields::NAMES.end()))]
    pub names: Vec<String>,
}

impl Params for Describe {
    const TOOL: &'static str = super::discovery::DESCRIBE;
    const REQUIRED: &'static [(&'static str, &'static str)] = &[("names", "an array of tool names from pve_search")];
}

/// `pve_call`'s arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Call {
    /// Tool name from pve_search.
    #[serde(deserialize_with = "fields::tool_name")]
    pub name: String,
    /// The tool's arguments, as pve_describe shows them.
    #[serde(default, deserialize_with = "fields::object_or_json_text")]
    #[schemars(schema_with = "any_object")]
    pub arguments: Map<String, Value>,
    /// The cluster to call, next to `name` (or inside `arguments`). Listed only where a
    /// configuration file names clusters, with their names (`catalog::add_cluster_argument`).
    #[serde(default, deserialize_with = "fields::present")]
    #[schemars(skip)]
    pub cluster: Option<Value>,
}

impl Params for Call {
    const TOOL: &'static str = super::discovery::CALL;
    const REQUIRED: &'static [(&'static str, &'static str)] = &[("name", "a tool name from pve_search")];
}

/// `pve_toolsets`'s arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Toolsets {
    /// Categories to add to this session's tools.
    #[serde(default, deserialize_with = "fields::enable")]
    #[schemars(schema_with = "category_names")]
    pub enable: Vec<Category>,
    /// Categories to remove.
    #[serde(default, deserialize_with = "fields::disable")]
    #[schemars(schema_with = "category_names")]
    pub disable: Vec<Category>,
}

impl Params for Toolsets {
    const TOOL: &'static str = super::discovery::TOOLSETS;
    const REQUIRED: &'static [(&'static str, &'static str)] = &[];
}

/// `pve_whoami` takes no arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Whoami {}

/// `pve_approve`'s arguments: the MCP Apps confirmation view's answer. The view always sends
/// both; anything else reads as an unknown approval, or a denial.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(transform = every_property_required)]
pub struct Approve {
    /// The approval id the confirmation view was given.
    #[serde(default, deserialize_with = "fields::text_or_empty")]
    pub approval: String,
    #[serde(default, deserialize_with = "fields::answer")]
    pub answer: Answer,
}

impl Params for Approve {
    const TOOL: &'static str = "pve_approve";
    const REQUIRED: &'static [(&'static str, &'static str)] = &[];
}

/// `pve_run`'s arguments.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// JavaScript: the body of an async function; `return` the result.
    #[serde(deserialize_with = "fields::code")]
    pub code: String,
    /// Send reads only; list the writes as a plan.
    #[serde(default, deserialize_with = "fields::flag")]
    pub dry_run: bool,
    /// plan_id of a dry run the user approved.
    #[serde(default, deserialize_with = "fields::plan_id")]
    #[schemars(with = "String")]
    pub approve: Option<String>,
}

impl Params for Run {
    const TOOL: &'static str = "pve_run";
    const REQUIRED: &'static [(&'static str, &'static str)] = &[("code", "JavaScript, the body of an async function")];

    fn check(self) -> Result<Self, String> {
        if self.dry_run && self.approve.is_some() {
            return Err("`dry_run` and `approve` exclude each other: dry-run first, then approve its plan_id".into());
        }
        Ok(self)
    }
}

// Schemas the derive cannot know: the generated categories, and an object of anything.

fn category_name(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    json_schema!({ "type": "string", "enum": names })
}

fn category_names(generator: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "array", "items": category_name(generator) })
}

fn any_object(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "object" })
}

fn every_property_required(schema: &mut Schema) {
    let names: Vec<Value> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(|k| Value::String(k.clone())).collect())
        .unwrap_or_default();
    schema.insert("required".into(), Value::Array(names));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    /// Every listed tool's schema as [`schema`] derives it, keyed by tool name.
    fn derived() -> Map<String, Value> {
        [
            (Search::TOOL, schema::<Search>()),
            (Describe::TOOL, schema::<Describe>()),
            (Call::TOOL, schema::<Call>()),
            (Toolsets::TOOL, schema::<Toolsets>()),
            ("pve_whoami", schema::<Whoami>()),
            (Approve::TOOL, schema::<Approve>()),
            (Run::TOOL, schema::<Run>()),
        ]
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), Value::Object(schema)))
        .collect()
    }

    #[test]
    fn listed_schemas_are_the_derived_ones() {
        let text = serde_json::to_string_pretty(&Value::Object(derived())).unwrap() + "\n";
        if std::env::var_os("PVE_MCP_BLESS").is_some() {
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/tools/params/listed.json"), &text).unwrap();
            return;
        }
        assert!(
            LISTED == text,
            "src/tools/params/listed.json is not what the argument structs derive; update it with \
             PVE_MCP_BLESS=1 cargo test --lib listed_schemas_are_the_derived_ones"
        );
        for (name, schema) in derived() {
            assert_eq!(Value::Object(listed(&name)), schema, "{name}");
        }
    }

    fn required_of<T: JsonSchema>() -> Vec<String> {
        let schema = schema::<T>();
        let required = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        required.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }

    fn said_required<T: Params>() -> Vec<String> {
        T::REQUIRED.iter().map(|(f, _)| (*f).to_owned()).collect()
    }

    #[test]
    fn every_argument_a_tool_requires_is_required_in_its_schema_and_said_when_missing() {
        assert_eq!(required_of::<Search>(), said_required::<Search>());
        assert_eq!(required_of::<Describe>(), said_required::<Describe>());
        assert_eq!(required_of::<Call>(), said_required::<Call>());
        assert_eq!(required_of::<Run>(), said_required::<Run>());
        assert_eq!(required_of::<Toolsets>(), said_required::<Toolsets>());
    }

    /// Bytes of each input schema when it was written by hand: derived ones may not be larger.
    #[test]
    fn no_schema_is_larger_than_its_hand_written_one_was() {
        let bytes = |s: JsonObject| Value::Object(s).to_string().len();
        assert!(bytes(schema::<Search>()) <= 487);
        assert!(bytes(schema::<Describe>()) <= 204);
        assert!(bytes(schema::<Call>()) <= 245);
        assert!(bytes(schema::<Toolsets>()) <= 569);
        assert!(bytes(schema::<Whoami>()) <= 62);
        assert!(bytes(schema::<Approve>()) <= 212);
        assert!(bytes(schema::<Run>()) <= 359);
    }

    #[test]
    fn a_schema_has_no_meta_schema_title_or_rust_formats() {
        let s = Value::Object(schema::<Search>()).to_string();
        for word in ["$schema", "title", "format", "uint", "$defs"] {
            assert!(!s.contains(word), "{word} in {s}");
        }
    }

    #[test]
    fn search_s_limit_is_bounded_and_defaults_to_8() {
        let s = schema::<Search>();
        assert_eq!(s["properties"]["limit"], json!({"type": "integer", "minimum": 1, "maximum": 25, "default": 8}));
        assert_eq!(read::<Search>(&args(json!({"query": "x"}))).unwrap().limit, 8);
        assert_eq!(read::<Search>(&args(json!({"query": "x", "limit": null}))).unwrap().limit, 8);
    }

    #[test]
    fn a_limit_may_be_given_as_text() {
        assert_eq!(read::<Search>(&args(json!({"query": "x", "limit": " 12 "}))).unwrap().limit, 12);
    }

    #[test]
    fn a_limit_out_of_bounds_says_the_bounds() {
        let e = read::<Search>(&args(json!({"query": "x", "limit": 26}))).unwrap_err();
        assert_eq!(e, "`limit`: expected an integer from 1 to 25");
    }

    #[test]
    fn a_missing_or_blank_query_is_required_in_plain_words() {
        for given in [json!({}), json!({"query": "  "}), json!({"query": null})] {
            let e = read::<Search>(&args(given)).unwrap_err();
            assert_eq!(e, "`query`: is required: what you want to do, in plain words");
        }
    }

    #[test]
    fn an_unknown_category_is_named() {
        let e = read::<Search>(&args(json!({"query": "x", "category": "vms"}))).unwrap_err();
        assert_eq!(e, "`category`: unknown category `vms`");
    }

    #[test]
    fn search_ignores_arguments_it_does_not_know() {
        assert!(read::<Search>(&args(json!({"query": "x", "verbose": true}))).is_ok());
    }

    #[test]
    fn names_may_be_comma_separated_text() {
        let d = read::<Describe>(&args(json!({"names": "a, b,,c"}))).unwrap();
        assert_eq!(d.names, ["a", "b", "c"]);
    }

    #[test]
    fn eleven_names_are_too_many() {
        let names: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        let e = read::<Describe>(&args(json!({ "names": names }))).unwrap_err();
        assert_eq!(e, "`names`: expected 1 to 10 tool names");
    }

    #[test]
    fn describe_without_names_says_what_names_are() {
        let e = read::<Describe>(&args(json!({"names": 3}))).unwrap_err();
        assert_eq!(e, "`names`: is required: an array of tool names from pve_search");
    }

    #[test]
    fn call_arguments_may_be_json_text() {
        let c = read::<Call>(&args(json!({"name": "nodes_list", "arguments": "{\"node\": \"pve1\"}"}))).unwrap();
        assert_eq!(c.arguments["node"], "pve1");
    }

    #[test]
    fn call_arguments_that_are_no_object_are_refused() {
        let e = read::<Call>(&args(json!({"name": "nodes_list", "arguments": "[1]"}))).unwrap_err();
        assert_eq!(e, "`arguments`: expected an object (or JSON text of one)");
        let e = read::<Call>(&args(json!({"name": "nodes_list", "arguments": 5}))).unwrap_err();
        assert_eq!(e, "`arguments`: expected an object");
    }

    #[test]
    fn call_without_a_name_says_where_names_come_from() {
        let e = read::<Call>(&args(json!({"arguments": {}}))).unwrap_err();
        assert_eq!(e, "`name`: is required: a tool name from pve_search");
    }

    #[test]
    fn call_s_cluster_is_read_but_not_listed() {
        let c = read::<Call>(&args(json!({"name": "nodes_list", "cluster": "lab"}))).unwrap();
        assert_eq!(c.cluster, Some(json!("lab")));
        assert!(schema::<Call>()["properties"].get("cluster").is_none());
    }

    #[test]
    fn toolsets_take_arrays_or_comma_separated_text() {
        let t = read::<Toolsets>(&args(json!({"enable": "qemu, lxc", "disable": ["ceph"]}))).unwrap();
        assert_eq!(t.enable, [Category::Qemu, Category::Lxc]);
        assert_eq!(t.disable, [Category::Ceph]);
    }

    #[test]
    fn an_unknown_toolset_category_is_named_with_its_field() {
        let e = read::<Toolsets>(&args(json!({"disable": ["vms"]}))).unwrap_err();
        assert_eq!(e, "`disable`: unknown category `vms`");
        let e = read::<Toolsets>(&args(json!({"enable": 3}))).unwrap_err();
        assert_eq!(e, "`enable`: expected an array of category names");
    }

    #[test]
    fn an_approval_requires_both_fields_in_its_schema_but_reads_anything() {
        assert_eq!(required_of::<Approve>(), ["approval", "answer"]);
        let a = read::<Approve>(&args(json!({"answer": 1}))).unwrap();
        assert_eq!((a.approval.as_str(), a.answer), ("", Answer::Deny));
        let a = read::<Approve>(&args(json!({"approval": "x", "answer": "approve"}))).unwrap();
        assert_eq!(a.answer, Answer::Approve);
    }

    #[test]
    fn whoami_lists_no_arguments() {
        assert_eq!(
            Value::Object(schema::<Whoami>()),
            json!({"type": "object", "properties": {}, "additionalProperties": false})
        );
    }

    #[test]
    fn a_run_needs_code() {
        let e = read::<Run>(&args(json!({}))).unwrap_err();
        assert_eq!(e, "`code`: is required: JavaScript, the body of an async function");
        let e = read::<Run>(&args(json!({"code": 1}))).unwrap_err();
        assert_eq!(e, "`code`: expected JavaScript text");
    }

    #[test]
    fn a_program_over_the_limit_is_refused_with_its_size() {
        let e = read::<Run>(&args(json!({"code": "x".repeat(MAX_CODE + 1)}))).unwrap_err();
        assert_eq!(e, format!("`code`: {} bytes, over the limit of {MAX_CODE}", MAX_CODE + 1));
    }

    #[test]
    fn dry_run_and_approve_exclude_each_other() {
        let e = read::<Run>(&args(json!({"code": "return 1", "dry_run": true, "approve": "plan1.x"}))).unwrap_err();
        assert!(e.contains("exclude each other"), "{e}");
    }

    #[test]
    fn an_unknown_run_argument_is_named_with_the_ones_it_takes() {
        let e = read::<Run>(&args(json!({"code": "return 1", "timeout": 5}))).unwrap_err();
        assert_eq!(e, "`timeout`: unknown argument; pve_run takes `code`, `dry_run` and `approve`");
    }

    #[test]
    fn dry_run_may_be_given_as_text() {
        let r = read::<Run>(&args(json!({"code": "return 1", "dry_run": "true"}))).unwrap();
        assert!(r.dry_run && r.approve.is_none());
        let e = read::<Run>(&args(json!({"code": "return 1", "dry_run": "maybe"}))).unwrap_err();
        assert_eq!(e, "`dry_run`: expected true or false");
    }

    #[test]
    fn a_blank_plan_id_is_refused() {
        let e = read::<Run>(&args(json!({"code": "return 1", "approve": " "}))).unwrap_err();
        assert_eq!(e, "`approve`: expected the `plan_id` of a dry run");
    }
}
