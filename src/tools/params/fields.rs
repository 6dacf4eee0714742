//! How each of the server tools' arguments is read from what a client sent, and the bounds it is
//! read within: as lenient as it has always been (`null` as if left out, a flag or a number as
//! text, a list as comma-separated text, an object as JSON text), and every error in the
//! `` `field`: … `` form, naming the field and what was expected. A required argument that is
//! missing or blank is serde's missing field, which [`super::read`] words.

use std::ops::RangeInclusive;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{Deserializer, Error as _};
use serde_json::{Map, Value};

use crate::tools::arguments::as_boolean;
use crate::tools::generated::Category;

/// How many hits `pve_search` gives: 8 unless asked, at most 25.
pub(super) const LIMIT: RangeInclusive<usize> = 1..=25;

pub(super) fn default_limit() -> usize {
    8
}

/// How many tools one `pve_describe` describes.
pub(super) const NAMES: RangeInclusive<usize> = 1..=10;

/// Longest program text accepted, in bytes.
pub const MAX_CODE: usize = 100_000;

// What the person answered in the confirmation view. Not a doc comment: schemars would list it as
// the `answer` argument's description, which the view does not need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Approve,
    #[default]
    Deny,
}

type Read<T, E> = Result<T, E>;

pub(super) fn query<'de, D: Deserializer<'de>>(d: D) -> Read<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(D::Error::missing_field("query")),
    }
}

pub(super) fn limit<'de, D: Deserializer<'de>>(d: D) -> Read<usize, D::Error> {
    let v = Value::deserialize(d)?;
    if v.is_null() {
        return Ok(default_limit());
    }
    let n = v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
    match n.and_then(|n| usize::try_from(n).ok()) {
        Some(n) if LIMIT.contains(&n) => Ok(n),
        _ => Err(D::Error::custom(format!("`limit`: expected an integer from {} to {}", LIMIT.start(), LIMIT.end()))),
    }
}

/// A category's name; anything but text reads as no category.
pub(super) fn category<'de, D: Deserializer<'de>>(d: D) -> Read<Option<Category>, D::Error> {
    match Value::deserialize(d)? {
        Value::String(c) => match Category::parse(&c) {
            Some(c) => Ok(Some(c)),
            None => Err(D::Error::custom(format!("`category`: unknown category `{c}`"))),
        },
        _ => Ok(None),
    }
}

/// Names as an array (its text items) or as comma-separated text.
fn names_of(v: Value) -> Option<Vec<String>> {
    match v {
        Value::Array(a) => Some(a.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()),
        Value::String(s) => Some(s.split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect()),
        _ => None,
    }
}

pub(super) fn tool_names<'de, D: Deserializer<'de>>(d: D) -> Read<Vec<String>, D::Error> {
    let names = names_of(Value::deserialize(d)?).ok_or_else(|| D::Error::missing_field("names"))?;
    if !NAMES.contains(&names.len()) {
        return Err(D::Error::custom(format!("`names`: expected {} to {} tool names", NAMES.start(), NAMES.end())));
    }
    Ok(names)
}

pub(super) fn tool_name<'de, D: Deserializer<'de>>(d: D) -> Read<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        _ => Err(D::Error::missing_field("name")),
    }
}

pub(super) fn object_or_json_text<'de, D: Deserializer<'de>>(d: D) -> Read<Map<String, Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Map::new()),
        Value::Object(o) => Ok(o),
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Object(o)) => Ok(o),
            _ => Err(D::Error::custom("`arguments`: expected an object (or JSON text of one)")),
        },
        _ => Err(D::Error::custom("`arguments`: expected an object")),
    }
}

/// Any value but `null`.
pub(super) fn present<'de, D: Deserializer<'de>>(d: D) -> Read<Option<Value>, D::Error> {
    Ok(Some(Value::deserialize(d)?).filter(|v| !v.is_null()))
}

fn categories<E: serde::de::Error>(v: Value, field: &str) -> Read<Vec<Category>, E> {
    if v.is_null() {
        return Ok(Vec::new());
    }
    let names = names_of(v).ok_or_else(|| E::custom(format!("`{field}`: expected an array of category names")))?;
    names
        .iter()
        .map(|n| Category::parse(n).ok_or_else(|| E::custom(format!("`{field}`: unknown category `{n}`"))))
        .collect()
}

pub(super) fn enable<'de, D: Deserializer<'de>>(d: D) -> Read<Vec<Category>, D::Error> {
    categories(Value::deserialize(d)?, "enable")
}

pub(super) fn disable<'de, D: Deserializer<'de>>(d: D) -> Read<Vec<Category>, D::Error> {
    categories(Value::deserialize(d)?, "disable")
}

/// Text, or empty for anything else.
pub(super) fn text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Read<String, D::Error> {
    Ok(Value::deserialize(d)?.as_str().unwrap_or_default().to_owned())
}

/// `approve` approves; anything else denies.
pub(super) fn answer<'de, D: Deserializer<'de>>(d: D) -> Read<Answer, D::Error> {
    Ok(if Value::deserialize(d)?.as_str() == Some("approve") { Answer::Approve } else { Answer::Deny })
}

pub(super) fn code<'de, D: Deserializer<'de>>(d: D) -> Read<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if s.len() > MAX_CODE => {
            Err(D::Error::custom(format!("`code`: {} bytes, over the limit of {MAX_CODE}", s.len())))
        }
        Value::String(s) if !s.trim().is_empty() => Ok(s),
        Value::String(_) | Value::Null => Err(D::Error::missing_field("code")),
        _ => Err(D::Error::custom("`code`: expected JavaScript text")),
    }
}

/// `dry_run`: true or false, also as text (`"true"`, `"yes"`) or 1/0.
pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Read<bool, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(false),
        v => as_boolean(&v).ok_or_else(|| D::Error::custom("`dry_run`: expected true or false")),
    }
}

pub(super) fn plan_id<'de, D: Deserializer<'de>>(d: D) -> Read<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
        _ => Err(D::Error::custom("`approve`: expected the `plan_id` of a dry run")),
    }
}
