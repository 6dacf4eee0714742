//! Step 1: read PVE's apidoc tree into a small typed model.
//!
//! Reading is strict about structure (a method without `parameters`, a parameter without a usable
//! `type`, a malformed path are errors naming the endpoint) and records keys this model does not
//! know, so a new PVE release that adds schema features is noticed instead of silently mis-read.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use crate::error::Error;

/// The whole schema: every endpoint, sorted by (path, method).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiDoc {
    pub endpoints: Vec<Endpoint>,
    /// Schema keys this model does not interpret, with one place each was seen (for warnings).
    pub unknown_keys: BTreeMap<String, String>,
    /// Upstream schema bugs repaired while reading, one line each (listed in `docs/TOOLS.md`).
    pub fixups: Vec<String>,
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            _ => return None,
        })
    }
}

/// One (method, path) of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub path: String,
    pub method: Method,
    /// PVE's own handler name (`vm_start`), informative only: not unique.
    pub pve_name: String,
    pub description: String,
    /// Permission text, rendered from the schema's `permissions` object.
    pub permissions: Option<String>,
    /// The schema's `permissions` object as it is (its `check` rule or `user` value), for the
    /// server to tell which tools a login may pass.
    pub permissions_rule: Option<Value>,
    pub protected: bool,
    /// Whether PVE lets an API token call this method (`allowtoken`, 1 unless the schema says 0).
    pub allowtoken: bool,
    /// Path placeholders in path order, then the other parameters sorted by name.
    pub params: Vec<Param>,
    /// The literal or placeholder names of this path's direct children (`{vmid}`, `config`, ...).
    pub children: Vec<String>,
    /// Other methods defined on the same path.
    pub sibling_methods: Vec<Method>,
    pub returns: Returns,
}

impl Endpoint {
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.path.trim_start_matches('/').split('/').filter(|s| !s.is_empty())
    }

    /// Names of the `{placeholders}` in the path, in order.
    pub fn path_params(&self) -> Vec<&str> {
        self.segments().filter_map(placeholder).collect()
    }

    pub fn id(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

/// `{vmid}` → `Some("vmid")`.
pub fn placeholder(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// What an endpoint returns, as far as a client needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Returns {
    pub kind: Option<String>,
    pub description: Option<String>,
    /// The schema's `returns` as written (for the output schema).
    pub schema: Option<Value>,
    /// The returned object's properties (of each item, for a list), nested ones included: name and
    /// description (empty if none). Only the search index reads them.
    pub properties: Vec<(String, String)>,
}

/// The properties a `returns` schema describes, two levels deep, for the search index.
fn returned_properties(schema: Option<&Value>) -> Vec<(String, String)> {
    fn walk(schema: &Value, depth: usize, out: &mut Vec<(String, String)>) {
        let schema = schema.get("items").unwrap_or(schema);
        let Some(props) = schema.get("properties").and_then(Value::as_object) else { return };
        for (name, p) in props {
            let description = p.get("description").and_then(Value::as_str).unwrap_or_default();
            out.push((name.clone(), description.to_owned()));
            if depth > 0 {
                walk(p, depth - 1, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(schema) = schema {
        walk(schema, 1, &mut out);
    }
    out
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Part of the URL path.
    Path,
    /// Query string (GET/DELETE) or form body (POST/PUT).
    Arg,
}

/// One parameter of an endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The wire name; for indexed parameters the stem (`net` for `net[n]`).
    pub name: String,
    pub location: Location,
    pub optional: bool,
    pub description: Option<String>,
    pub typetext: Option<String>,
    pub default: Option<Value>,
    pub kind: Kind,
    /// `Some` for `name[n]` parameters: the highest index (from the schema's text, else from the
    /// reviewed table in [`crate::indexes`]), `None` inside if neither knows.
    pub indexed: Option<Option<u32>>,
    /// The named PVE format of the value (of each item, for arrays): `pve-vmid`, `pve-node-list`...
    /// Property-string keys keep theirs in their [`Kind`].
    pub format: Option<String>,
}

/// The value type of a parameter (or of a property-string key, or array item).
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
    },
    Number {
        minimum: Option<f64>,
        maximum: Option<f64>,
    },
    Boolean,
    String(StringRules),
    Enum(Vec<String>),
    /// A PVE property string (`key=value,...`), with its keys.
    PropertyString(Vec<SubProperty>),
    Array(Box<Kind>),
    /// Declared without a usable type (`oneOf` unions, `any`): passed through as a string.
    Any,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StringRules {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// The schema's pattern, verbatim (Perl syntax).
    pub pattern: Option<String>,
    /// A named PVE format (`pve-node`, `pve-vmid-list`, ...).
    pub format: Option<String>,
}

/// One key of a property string.
#[derive(Debug, Clone, PartialEq)]
pub struct SubProperty {
    pub key: String,
    pub optional: bool,
    /// The key that may be left out (`[model=]<enum>`).
    pub default_key: bool,
    pub description: Option<String>,
    pub kind: Kind,
    /// `alias` keys name another key (`e1000` is an alias of `macaddr` with `keyAlias: model`).
    pub alias_of: Option<String>,
}

// ---- raw serde model -------------------------------------------------------------------------

#[derive(Deserialize)]
struct RawNode {
    path: String,
    #[serde(default)]
    info: BTreeMap<String, RawMethod>,
    #[serde(default)]
    children: Vec<RawNode>,
    #[serde(flatten)]
    _rest: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct RawMethod {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<RawParams>,
    #[serde(default)]
    returns: Option<Value>,
    #[serde(default)]
    permissions: Option<Value>,
    #[serde(default)]
    protected: Option<Value>,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct RawParams {
    #[serde(default)]
    properties: Option<BTreeMap<String, Value>>,
    #[serde(flatten)]
    _rest: BTreeMap<String, Value>,
}

const KNOWN_METHOD_KEYS: &[&str] = &["method", "allowtoken", "proxyto", "download", "upload", "unstable"];

const KNOWN_PARAM_KEYS: &[&str] = &[
    "type",
    "description",
    "typetext",
    "optional",
    "format",
    "default",
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "enum",
    "pattern",
    "format_description",
    "items",
    "verbose_description",
    "requires",
    "type-property",
    "instance-types",
    "title",
    "oneOf",
    "alias",
    "keyAlias",
    "default_key",
    "min",
    "max",
    "completion",
    "renderer",
    "disallow",
    "additionalProperties",
    "properties",
    "print_width",
    "maxItems",
    "minItems",
];

/// Parses apidoc JSON (the array a PVE node serves in `apidoc.js`).
pub fn parse(json: &str) -> Result<ApiDoc, Error> {
    let roots: Vec<RawNode> = serde_json::from_str(json)
        .map_err(|e| Error::Schema { at: "apidoc".into(), message: format!("not a PVE apidoc tree: {e}") })?;
    let mut doc = ApiDoc { endpoints: Vec::new(), unknown_keys: BTreeMap::new(), fixups: Vec::new() };
    for root in &roots {
        walk(root, &mut doc)?;
    }
    doc.endpoints.sort_by(|a, b| (a.path.as_str(), a.method).cmp(&(b.path.as_str(), b.method)));
    let mut seen = BTreeSet::new();
    for ep in &doc.endpoints {
        if !seen.insert((ep.path.clone(), ep.method)) {
            return Err(Error::Schema { at: ep.id(), message: "defined twice".into() });
        }
    }
    Ok(doc)
}

fn walk(node: &RawNode, doc: &mut ApiDoc) -> Result<(), Error> {
    if !node.path.starts_with('/') || node.path.contains("//") {
        return Err(Error::Schema { at: node.path.clone(), message: "malformed path".into() });
    }
    let children: Vec<String> =
        node.children.iter().filter_map(|c| c.path.rsplit('/').next().map(str::to_owned)).collect();
    let mut methods = Vec::new();
    for key in node.info.keys() {
        let method = Method::parse(key)
            .ok_or_else(|| Error::Schema { at: node.path.clone(), message: format!("unknown HTTP method `{key}`") })?;
        methods.push(method);
    }
    for (key, raw) in &node.info {
        let method = Method::parse(key).expect("checked above");
        let at = format!("{key} {}", node.path);
        for k in raw.rest.keys() {
            if !KNOWN_METHOD_KEYS.contains(&k.as_str()) {
                doc.unknown_keys.entry(k.clone()).or_insert_with(|| at.clone());
            }
        }
        let endpoint = read_method(node, method, raw, &children, &methods, &at, doc)?;
        doc.endpoints.push(endpoint);
    }
    for child in &node.children {
        walk(child, doc)?;
    }
    Ok(())
}

fn read_method(
    node: &RawNode,
    method: Method,
    raw: &RawMethod,
    children: &[String],
    methods: &[Method],
    at: &str,
    doc: &mut ApiDoc,
) -> Result<Endpoint, Error> {
    let props = raw.parameters.as_ref().and_then(|p| p.properties.clone()).unwrap_or_default();
    let path_names: Vec<String> = node.path.split('/').filter_map(placeholder).map(str::to_owned).collect();
    let mut params = Vec::new();
    for name in &path_names {
        // Fixup `undeclared_path_parameter`: PVE 9.2 forgets `{url_seq}` (and `{id}` on PUT) under
        // /cluster/sdn/prefix-lists. A path placeholder is always a required string segment.
        let undeclared;
        let schema = match props.get(name) {
            Some(schema) => schema,
            None => {
                doc.fixups.push(format!("{at}: path parameter `{name}` is not declared; added as a string"));
                undeclared = serde_json::json!({
                    "type": "string",
                    "description": format!("The `{name}` path segment (not declared by the PVE schema)."),
                });
                &undeclared
            }
        };
        let mut p = read_param(name, schema, at, doc)?;
        p.location = Location::Path;
        p.optional = false;
        params.push(p);
    }
    for (name, schema) in &props {
        if path_names.iter().any(|n| n == name) {
            continue;
        }
        params.push(read_param(name, schema, at, doc)?);
    }
    let returns = raw.returns.as_ref();
    let mut description = raw.description.clone().unwrap_or_default().trim().to_owned();
    if let Some((_, _, right)) = COPIED_SUMMARIES.iter().find(|(a, wrong, _)| *a == at && *wrong == description) {
        doc.fixups.push(format!("{at}: summary {description:?} (a sibling's) read as {right:?}"));
        description = (*right).to_owned();
    }
    Ok(Endpoint {
        path: node.path.clone(),
        method,
        pve_name: raw.name.clone().unwrap_or_default(),
        description,
        permissions: raw.permissions.as_ref().and_then(render_permissions),
        permissions_rule: raw.permissions.as_ref().map(|p| {
            let keep = |k: &str| p.get(k).map(|v| (k.to_owned(), v.clone()));
            Value::Object(["check", "user"].into_iter().filter_map(keep).collect())
        }),
        protected: raw.protected.as_ref().is_some_and(truthy),
        allowtoken: raw.rest.get("allowtoken").is_none_or(truthy),
        params,
        children: children.to_vec(),
        sibling_methods: methods.iter().copied().filter(|m| *m != method).collect(),
        returns: Returns {
            kind: returns.and_then(|r| r.get("type")).and_then(Value::as_str).map(str::to_owned),
            description: returns.and_then(|r| r.get("description")).and_then(Value::as_str).map(str::to_owned),
            schema: returns.cloned(),
            properties: returned_properties(returns),
        },
    })
}

/// Fixup `copied_summary`: PVE 9.2 gives some endpoints a sibling's summary (the fabric's delete
/// says "Add a fabric", its read "Update a fabric"), which tool descriptions, docs/TOOLS.md and
/// search would repeat. Reviewed entries: the endpoint, the summary as PVE writes it, and the one
/// its handler's name (`delete_fabric`, `get_fabric`, `update_tfa_entry`, `delete_node`) says. An
/// entry applies only while the schema still says exactly the wrong text, so a release that fixes
/// it wins.
const COPIED_SUMMARIES: &[(&str, &str, &str)] = &[
    ("PUT /access/tfa/{userid}/{id}", "Add a TFA entry for a user.", "Update a user's TFA entry."),
    ("DELETE /cluster/sdn/fabrics/fabric/{id}", "Add a fabric", "Delete a fabric"),
    ("GET /cluster/sdn/fabrics/fabric/{id}", "Update a fabric", "Get a fabric"),
    ("DELETE /cluster/sdn/fabrics/node/{fabric_id}/{node_id}", "Add a node", "Delete a node from a fabric"),
];

fn read_param(name: &str, schema: &Value, at: &str, doc: &mut ApiDoc) -> Result<Param, Error> {
    let obj = schema
        .as_object()
        .ok_or_else(|| Error::Schema { at: at.into(), message: format!("parameter `{name}` is not an object") })?;
    for k in obj.keys() {
        if !KNOWN_PARAM_KEYS.contains(&k.as_str()) {
            doc.unknown_keys.entry(k.clone()).or_insert_with(|| format!("{at} ({name})"));
        }
    }
    let (stem, indexed) = match name.strip_suffix("[n]") {
        Some(stem) => (stem.to_owned(), Some(max_index(obj).or_else(|| crate::indexes::highest(stem)))),
        None => (name.to_owned(), None),
    };
    if stem.is_empty() || !stem.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(Error::Schema { at: at.into(), message: format!("odd parameter name `{name}`") });
    }
    Ok(Param {
        name: stem,
        location: Location::Arg,
        optional: obj.get("optional").is_some_and(truthy),
        description: text(obj, "description"),
        typetext: text(obj, "typetext"),
        default: obj.get("default").cloned(),
        kind: read_kind(obj, &format!("{at} ({name})"))?,
        indexed,
        format: text(obj, "format")
            .or_else(|| obj.get("items").and_then(Value::as_object).and_then(|items| text(items, "format"))),
    })
}

fn read_kind(obj: &serde_json::Map<String, Value>, at: &str) -> Result<Kind, Error> {
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or("string");
    if obj.contains_key("oneOf") {
        return Ok(Kind::Any);
    }
    Ok(match ty {
        "integer" => Kind::Integer {
            minimum: num(obj, "minimum").map(|v| v as i64),
            maximum: num(obj, "maximum").map(|v| v as i64),
        },
        "number" => Kind::Number { minimum: num(obj, "minimum"), maximum: num(obj, "maximum") },
        "boolean" => Kind::Boolean,
        "array" => match obj.get("items").and_then(Value::as_object) {
            Some(items) => Kind::Array(Box::new(read_kind(items, at)?)),
            None => Kind::Array(Box::new(Kind::String(StringRules::default()))),
        },
        "string" => {
            if let Some(values) = obj.get("enum").and_then(Value::as_array) {
                let mut out = Vec::new();
                for v in values {
                    match v {
                        Value::String(s) => out.push(s.clone()),
                        other => out.push(other.to_string()),
                    }
                }
                Kind::Enum(out)
            } else if let Some(format) = obj.get("format").and_then(Value::as_object) {
                Kind::PropertyString(read_sub_properties(format, at)?)
            } else {
                Kind::String(StringRules {
                    min_length: num(obj, "minLength").map(|v| v as u64),
                    max_length: num(obj, "maxLength").map(|v| v as u64),
                    pattern: text(obj, "pattern"),
                    format: text(obj, "format"),
                })
            }
        }
        "any" | "object" | "null" => Kind::Any,
        other => {
            return Err(Error::Schema { at: at.into(), message: format!("unknown type `{other}`") });
        }
    })
}

fn read_sub_properties(format: &serde_json::Map<String, Value>, at: &str) -> Result<Vec<SubProperty>, Error> {
    let mut out = Vec::new();
    for (key, schema) in format {
        let obj = schema.as_object().ok_or_else(|| Error::Schema {
            at: at.into(),
            message: format!("property-string key `{key}` is not an object"),
        })?;
        let alias_of = text(obj, "alias");
        out.push(SubProperty {
            key: key.clone(),
            optional: alias_of.is_some() || obj.get("optional").is_some_and(truthy),
            default_key: obj.get("default_key").is_some_and(truthy),
            description: text(obj, "description"),
            kind: if alias_of.is_some() {
                Kind::String(StringRules::default())
            } else {
                read_kind(obj, &format!("{at}.{key}"))?
            },
            alias_of,
        });
    }
    Ok(out)
}

/// `(n is 0 to 30)` or `link0..link7` in the description gives the highest index. Prose that
/// gives two answers (`usb`: "n is 0 to 4, ... n can be up to 14") gives none: the reviewed table
/// in [`crate::indexes`] decides.
fn max_index(obj: &serde_json::Map<String, Value>) -> Option<u32> {
    let desc = obj.get("description").and_then(Value::as_str)?;
    if desc.contains("up to") && desc.contains("n is 0 to ") {
        return None;
    }
    if let Some(pos) = desc.find("n is 0 to ") {
        let digits: String = desc[pos + 10..].chars().take_while(char::is_ascii_digit).collect();
        return digits.parse().ok();
    }
    let pos = desc.find("..")?;
    let digits: String =
        desc[pos..].chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !matches!(s.as_str(), "" | "0" | "false"),
        _ => false,
    }
}

fn num(obj: &serde_json::Map<String, Value>, key: &str) -> Option<f64> {
    match obj.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text(obj: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Renders PVE's permission object as one readable line.
fn render_permissions(p: &Value) -> Option<String> {
    let obj = p.as_object()?;
    let mut parts = Vec::new();
    if let Some(d) = obj.get("description").and_then(Value::as_str) {
        parts.push(d.trim().to_owned());
    }
    if let Some(check) = obj.get("check") {
        parts.push(format!("check: {}", check));
    }
    if let Some(user) = obj.get("user").and_then(Value::as_str) {
        parts.push(format!("user: {user}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const FIXTURE: &str = r#"[{"path":"/nodes","text":"nodes","leaf":0,
      "info":{"GET":{"name":"index","method":"GET","description":"Cluster node index.","parameters":{"additionalProperties":0},"returns":{"type":"array"}}},
      "children":[{"path":"/nodes/{node}","text":"{node}","leaf":0,
        "info":{"GET":{"name":"index","method":"GET","description":"Node index.","parameters":{"properties":{"node":{"type":"string","format":"pve-node","description":"The cluster node name."}}},"returns":{"type":"array"}}},
        "children":[{"path":"/nodes/{node}/qemu/{vmid}/config","text":"config","leaf":1,
          "info":{"POST":{"name":"update_vm_async","method":"POST","description":"Set options.","protected":1,
            "parameters":{"properties":{
              "node":{"type":"string"},"vmid":{"type":"integer","minimum":100,"maximum":999999999},
              "net[n]":{"type":"string","optional":1,"description":"Network (n is 0 to 31).","format":{"bridge":{"type":"string","optional":1},"model":{"type":"string","enum":["virtio","e1000"],"default_key":1},"e1000":{"alias":"macaddr","keyAlias":"model"}}},
              "onboot":{"type":"boolean","optional":1,"default":0},
              "ostype":{"type":"string","enum":["l26","other"],"optional":1}}},"returns":{"type":"string"}}}}]}]}]"#;

    #[test]
    fn endpoints_are_sorted_by_path_then_method() {
        let doc = parse(FIXTURE).unwrap();
        let ids: Vec<_> = doc.endpoints.iter().map(Endpoint::id).collect();
        assert_eq!(ids, ["GET /nodes", "GET /nodes/{node}", "POST /nodes/{node}/qemu/{vmid}/config"]);
    }

    #[test]
    fn path_parameters_come_first_and_are_required() {
        let doc = parse(FIXTURE).unwrap();
        let ep = &doc.endpoints[2];
        let names: Vec<_> = ep.params.iter().map(|p| (p.name.as_str(), p.location, p.optional)).collect();
        assert_eq!(names[0], ("node", Location::Path, false));
        assert_eq!(names[1], ("vmid", Location::Path, false));
        assert!(names[2..].iter().all(|(_, loc, opt)| *loc == Location::Arg && *opt));
    }

    #[test]
    fn indexed_parameters_keep_their_stem_and_range() {
        let doc = parse(FIXTURE).unwrap();
        let net = doc.endpoints[2].params.iter().find(|p| p.name == "net").unwrap();
        assert_eq!(net.indexed, Some(Some(31)));
        let Kind::PropertyString(keys) = &net.kind else { panic!("not a property string") };
        assert!(keys.iter().any(|k| k.key == "model" && k.default_key));
        assert!(keys.iter().any(|k| k.key == "e1000" && k.alias_of.as_deref() == Some("macaddr")));
    }

    #[test]
    fn enums_and_integer_ranges_are_read() {
        let doc = parse(FIXTURE).unwrap();
        let ep = &doc.endpoints[2];
        let vmid = ep.params.iter().find(|p| p.name == "vmid").unwrap();
        assert_eq!(vmid.kind, Kind::Integer { minimum: Some(100), maximum: Some(999999999) });
        let ostype = ep.params.iter().find(|p| p.name == "ostype").unwrap();
        assert_eq!(ostype.kind, Kind::Enum(vec!["l26".into(), "other".into()]));
    }

    #[test]
    fn undeclared_path_parameter_is_added_as_a_string_and_recorded() {
        let bad = r#"[{"path":"/x/{id}","info":{"GET":{"description":"d","parameters":{}}}}]"#;
        let doc = parse(bad).unwrap();
        let id = &doc.endpoints[0].params[0];
        assert_eq!((id.name.as_str(), id.location, id.optional), ("id", Location::Path, false));
        assert!(doc.fixups[0].contains("GET /x/{id}") && doc.fixups[0].contains("`id`"), "{:?}", doc.fixups);
    }

    #[test]
    fn a_summary_copied_from_a_sibling_is_corrected_and_recorded() {
        let copied = r#"[{"path":"/cluster/sdn/fabrics/fabric/{id}","info":{"DELETE":{"description":"Add a fabric","parameters":{"properties":{"id":{"type":"string"}}}}}}]"#;
        let doc = parse(copied).unwrap();
        assert_eq!(doc.endpoints[0].description, "Delete a fabric");
        assert!(doc.fixups[0].contains("DELETE /cluster/sdn/fabrics/fabric/{id}"), "{:?}", doc.fixups);
    }

    #[test]
    fn a_summary_upstream_has_fixed_is_kept() {
        let fixed = r#"[{"path":"/cluster/sdn/fabrics/fabric/{id}","info":{"DELETE":{"description":"Remove a fabric","parameters":{"properties":{"id":{"type":"string"}}}}}}]"#;
        let doc = parse(fixed).unwrap();
        assert_eq!(doc.endpoints[0].description, "Remove a fabric");
        assert!(doc.fixups.is_empty(), "{:?}", doc.fixups);
    }

    #[test]
    fn html_is_refused_as_not_apidoc() {
        let err = parse("<html>login</html>").unwrap_err().to_string();
        assert!(err.contains("not a PVE apidoc tree"), "{err}");
    }
}
