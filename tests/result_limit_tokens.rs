//! The result limit (`PVE_RESULT_LIMIT`) counts honestly: a result cut to N tokens costs at most N
//! cl100k tokens, on answers shaped like PVE's (numbers, identifiers, UPIDs, JSON punctuation),
//! cut as a list or as text.

use pve_mcp::mcp::result::bounded;
use serde_json::{Value, json};

/// A deterministic stand-in for randomness (a linear congruential generator).
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 17
    }
}

fn resources(n: u64) -> Value {
    let mut r = Numbers(7);
    let guests: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("qemu/{}", 100 + i), "type": "qemu", "node": format!("pve{}", i % 3 + 1),
                "vmid": 100 + i, "name": format!("web-{i:02}"), "status": if r.next().is_multiple_of(2) { "running" } else { "stopped" },
                "maxmem": (r.next() % 32 + 1) << 30, "mem": r.next() % (1 << 33), "cpu": (r.next() % 1_000_000) as f64 / 1e6,
                "maxcpu": 4, "uptime": r.next() % 10_000_000, "maxdisk": 34359738368u64, "netin": r.next() % 10_000_000_000,
                "tags": "prod;web", "hastate": "started",
            })
        })
        .collect();
    Value::Array(guests)
}

fn tasks(n: u64) -> Value {
    let mut r = Numbers(11);
    let list: Vec<Value> = (0..n)
        .map(|i| {
            let upid = format!(
                "UPID:pve1:{:08X}:{:08X}:{:08X}:qmstart:{}:root@pam!mcp:",
                r.next() as u32,
                r.next() as u32,
                r.next() as u32,
                100 + i
            );
            json!({"upid": upid, "node": "pve1", "pid": r.next() % 100_000, "starttime": 1_760_000_000 + i,
                   "type": "qmstart", "id": (100 + i).to_string(), "user": "root@pam", "status": "OK"})
        })
        .collect();
    Value::Array(list)
}

fn cl100k(text: &str) -> usize {
    tiktoken_rs::cl100k_base().unwrap().encode_with_special_tokens(text).len()
}

fn shown_text(data: Value, limit: usize) -> (String, bool) {
    let result = bounded(json!({ "data": data }), None, limit);
    let text = result.content[0].as_text().unwrap().text.clone();
    let structured = result.structured_content.unwrap_or_default();
    (text, structured.get("truncated").is_some() || structured.is_null())
}

#[test]
fn a_list_cut_to_the_limit_costs_at_most_that_many_cl100k_tokens() {
    for (data, limit) in [(resources(300), 2000), (tasks(300), 2000), (resources(300), 20_000)] {
        let whole = cl100k(&serde_json::to_string(&data).unwrap());
        let (text, cut) = shown_text(data, limit);
        let data_part = text.split("\nResult cut").next().unwrap();
        let tokens = cl100k(data_part);
        assert!(cut && whole > limit, "the answer ({whole} tokens) was not cut at {limit}");
        assert!(tokens <= limit, "cut to {limit} tokens, the data shown costs {tokens} cl100k tokens");
        assert!(tokens * 2 >= limit, "cut to {limit} tokens, only {tokens} shown: far too cautious");
    }
}

#[test]
fn a_text_cut_to_the_limit_costs_at_most_that_many_cl100k_tokens() {
    let data = json!({ "guests": resources(300), "tasks": tasks(100) });
    let limit = 3000;
    let (text, _) = shown_text(data, limit);
    let shown = text.split("\nResult cut").next().unwrap();
    let tokens = cl100k(shown);
    assert!(tokens <= limit, "cut to {limit} tokens, the text shown costs {tokens} cl100k tokens");
    assert!(tokens * 2 >= limit, "cut to {limit} tokens, only {tokens} shown: far too cautious");
}
