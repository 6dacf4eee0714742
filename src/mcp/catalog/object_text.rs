//! The members of a JSON object written without whitespace (the generated schemas), found by
//! scanning its text, so a listing entry can be written into without parsing the schema.

use std::ops::Range;

/// Each member of the object `text` as (key, byte range of its value), in order; `None` when the
/// text is not such an object.
pub(super) fn members(text: &str) -> Option<Vec<(String, Range<usize>)>> {
    let b = text.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    if b.get(i) == Some(&b'}') {
        return (i + 1 == b.len()).then_some(out);
    }
    loop {
        let key_end = string_end(b, i)?;
        let key: String = serde_json::from_str(&text[i..key_end]).ok()?;
        if b.get(key_end) != Some(&b':') {
            return None;
        }
        let start = key_end + 1;
        let end = value_end(b, start)?;
        out.push((key, start..end));
        match b.get(end) {
            Some(b',') => i = end + 1,
            Some(b'}') if end + 1 == b.len() => return Some(out),
            _ => return None,
        }
    }
}

/// Where the string starting at `i` (its opening quote) ends: the index after its closing quote.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// Where the value starting at `i` ends: the index after it.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let rest = &b[i..];
            Some(i + rest.iter().position(|c| matches!(c, b',' | b'}' | b']')).unwrap_or(rest.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_the_top_level_keys_with_their_value_ranges() {
        let text = r#"{"type":"object","properties":{"a":{"enum":["}",","]}},"required":["a"],"n":1.5}"#;
        let m = members(text).unwrap();
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["type", "properties", "required", "n"]);
        assert_eq!(&text[m[1].1.clone()], r#"{"a":{"enum":["}",","]}}"#);
        assert_eq!(&text[m[2].1.clone()], r#"["a"]"#);
        assert_eq!(&text[m[3].1.clone()], "1.5");
    }

    #[test]
    fn an_escaped_quote_does_not_end_a_string() {
        let m = members(r#"{"d":"say \"hi\"","x":{}}"#).unwrap();
        assert_eq!(m[1].0, "x");
    }

    #[test]
    fn text_that_is_not_one_object_has_no_members() {
        assert!(members("[1]").is_none());
        assert!(members(r#"{"a":1"#).is_none());
        assert!(members(r#"{"a":1}x"#).is_none());
        assert_eq!(members("{}").unwrap().len(), 0);
    }
}
