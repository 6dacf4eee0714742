//! Results as MCP clients get them. PVE's data as `structuredContent` with a compact text
//! copy, bounded in size: an answer over the limit is cut with a notice that says what was left
//! out and how to narrow the call, never silently. Errors are one readable message, `isError`, and
//! never carry `structuredContent`.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use crate::call::Outcome;
use crate::tools::registry::ToolDef;

/// Bytes per token, for the limit.
const BYTES_PER_TOKEN: usize = 4;

/// Argument names that narrow a listing, in the order they are suggested.
const NARROWING: &[&str] = &[
    "type",
    "limit",
    "start",
    "since",
    "until",
    "lastentries",
    "vmid",
    "node",
    "content",
    "storage",
    "typefilter",
    "statusfilter",
    "source",
    "errors",
    "userfilter",
    "timeframe",
    "cf",
];

/// A failed result: one readable message, `isError`, no `structuredContent`.
pub fn error(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// A successful result, bounded to `limit_tokens`.
pub fn success(outcome: Outcome, tool: Option<&ToolDef>, limit_tokens: usize) -> CallToolResult {
    let structured = match outcome {
        Outcome::Data(data) | Outcome::Planned(data) => json!({ "data": data }),
        Outcome::Task(report) => json!({ "task": report.to_json() }),
        Outcome::Shaped(shaped) => shaped.to_json(),
        Outcome::Started(upid) => {
            json!({ "data": upid.text, "task": {"upid": upid.text, "node": upid.node, "type": upid.kind, "status": "running"} })
        }
    };
    bounded(structured, tool, limit_tokens * BYTES_PER_TOKEN)
}

/// A result that names the cluster it came from, when several are configured: `cluster` next to
/// `data` (or `task`) in the structured content, and in the text copy.
pub fn on_cluster(mut result: CallToolResult, cluster: Option<&str>) -> CallToolResult {
    let Some(cluster) = cluster else { return result };
    match result.structured_content.as_mut() {
        Some(Value::Object(o)) => {
            o.insert("cluster".into(), json!(cluster));
            let text = serde_json::to_string(&result.structured_content).unwrap_or_default();
            result.content = vec![ContentBlock::text(text)];
        }
        _ => {
            for block in result.content.iter_mut() {
                if let Some(t) = block.as_text() {
                    *block = ContentBlock::text(format!("[cluster {cluster}] {}", t.text));
                    break;
                }
            }
        }
    }
    result
}

/// A structured result as is, or cut to `limit` bytes with a notice.
pub fn bounded(mut structured: Value, tool: Option<&ToolDef>, limit: usize) -> CallToolResult {
    let text = text_of(&structured);
    if text.len() <= limit {
        return with_structure(text, structured);
    }
    let hint = narrowing_hint(tool);
    if let Some(Value::Array(items)) = structured.get_mut("data") {
        let total = items.len();
        let mut size = 2;
        let mut keep = 0;
        for item in items.iter() {
            size += serde_json::to_string(item).map(|s| s.len()).unwrap_or(0) + 1;
            if size > limit {
                break;
            }
            keep += 1;
        }
        items.truncate(keep);
        let notice = format!(
            "Result cut: showing the first {keep} of {total} items (the whole answer is over the limit of about {} tokens, PVE_RESULT_LIMIT).{hint}",
            limit / BYTES_PER_TOKEN
        );
        structured["truncated"] = json!({ "shown": keep, "total": total, "notice": notice });
        let text = format!("{}\n{notice}", text_of(&json!({"data": structured["data"]})));
        return with_structure(text, structured);
    }
    let mut cut = limit.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let notice = format!(
        "\nResult cut: the answer is {} bytes, over the limit of about {} tokens (PVE_RESULT_LIMIT); only its beginning is shown, and no structured copy.{hint}",
        text.len(),
        limit / BYTES_PER_TOKEN
    );
    let mut result = CallToolResult::success(vec![ContentBlock::text(format!("{}{notice}", &text[..cut]))]);
    // A tool that declares an output schema always gives a structure (clients check for one).
    if tool.is_some_and(|t| t.output_schema.is_some()) {
        result.structured_content = Some(json!({ "truncated": { "notice": notice.trim() } }));
    }
    result
}

/// A listing's result with a note on what PVE may have left out for want of a privilege
/// (`unseen.notice`), in the structure and in its text copy.
pub fn with_unseen(mut result: CallToolResult, notice: String) -> CallToolResult {
    let Some(Value::Object(o)) = result.structured_content.as_mut() else { return result };
    let cut = o.contains_key("truncated");
    o.insert("unseen".into(), json!({ "notice": notice }));
    if cut {
        // The text copy already ends with the cut's notice: this one follows it.
        result.content.push(ContentBlock::text(notice));
    } else {
        let text = result.structured_content.as_ref().map(text_of).unwrap_or_default();
        result.content = vec![ContentBlock::text(text)];
    }
    result
}

fn with_structure(text: String, structured: Value) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(structured);
    result
}

/// The text copy: the data alone when that is all there is.
fn text_of(structured: &Value) -> String {
    match structured {
        Value::Object(o) if o.len() == 1 && o.contains_key("data") => serde_json::to_string(&o["data"]),
        other => serde_json::to_string(other),
    }
    .unwrap_or_default()
}

/// " Narrow the call with: `type`, `limit`" from the tool's optional arguments.
fn narrowing_hint(tool: Option<&ToolDef>) -> String {
    let Some(tool) = tool else { return String::new() };
    let schema: Value = serde_json::from_str(tool.input_schema).unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return String::new() };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let filters: Vec<String> = NARROWING
        .iter()
        .filter(|n| props.contains_key(**n) && !required.contains(n))
        .map(|n| format!("`{n}`"))
        .collect();
    if filters.is_empty() {
        format!(
            " `{}` has no filter arguments: ask for a smaller part of the data with a more specific tool.",
            tool.name
        )
    } else {
        format!(" Narrow the call with {}.", filters.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::registry;

    #[test]
    fn small_answers_pass_whole() {
        let r = success(Outcome::Data(json!([1, 2, 3])), None, 1000);
        assert_eq!(r.structured_content, Some(json!({"data": [1, 2, 3]})));
    }

    #[test]
    fn big_lists_are_cut_with_a_notice_and_a_hint() {
        let items: Vec<Value> = (0..1000).map(|i| json!({"n": i, "t": "a log line of some length"})).collect();
        let tool = registry::find("node_syslog_list").unwrap();
        let r = bounded(json!({"data": items}), Some(tool), 2000);
        let s = r.structured_content.unwrap();
        let shown = s["truncated"]["shown"].as_u64().unwrap();
        assert!(shown > 0 && shown < 1000);
        let notice = s["truncated"]["notice"].as_str().unwrap();
        assert!(notice.contains("of 1000 items") && notice.contains("`limit`"), "{notice}");
    }

    #[test]
    fn a_note_on_what_pve_left_out_joins_the_structure_and_its_text_copy() {
        let r = with_unseen(success(Outcome::Data(json!([])), None, 1000), "PVE lists only guests".into());
        let s = r.structured_content.clone().unwrap();
        assert_eq!(s, json!({"data": [], "unseen": {"notice": "PVE lists only guests"}}));
        assert_eq!(r.content[0].as_text().unwrap().text, serde_json::to_string(&s).unwrap());
    }

    #[test]
    fn big_objects_become_cut_text_without_structure() {
        let r = bounded(json!({"data": {"blob": "x".repeat(10_000)}}), None, 1000);
        assert!(r.structured_content.is_none());
        assert_eq!(r.is_error, Some(false));
    }
}
