//! A request as it goes to PVE: method, path with its segments percent-encoded, and parameters
//! in PVE's wire form (booleans as `1`/`0`, indexed parameters as `net0`, arrays as repeated keys).

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded in a path segment, so UPIDs (`:`),
/// user ids (`@`, `!`) and hostile input (`/`, `..`) stay inside their segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// HTTP method of a PVE endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// A value in PVE's wire form.
pub trait ToWire {
    fn to_wire(&self) -> String;
}

impl ToWire for String {
    fn to_wire(&self) -> String {
        self.clone()
    }
}

impl ToWire for i64 {
    fn to_wire(&self) -> String {
        self.to_string()
    }
}

impl ToWire for f64 {
    fn to_wire(&self) -> String {
        self.to_string()
    }
}

impl ToWire for bool {
    fn to_wire(&self) -> String {
        if *self { "1" } else { "0" }.to_owned()
    }
}

/// A path parameter, percent-encoded as one segment. `.` and `..` alone are encoded too, so they
/// can never act as relative path steps.
pub fn path_segment(v: &impl ToWire) -> String {
    let raw = v.to_wire();
    match raw.as_str() {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => utf8_percent_encode(&raw, SEGMENT).to_string(),
    }
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct PveRequest {
    pub method: HttpMethod,
    /// The path below `/api2/json`, segments already encoded.
    pub path: String,
    /// Parameters in order; GET/DELETE send them in the query, POST/PUT in the form body.
    pub params: Vec<(String, String)>,
}

impl PveRequest {
    pub fn new(method: HttpMethod, path: String) -> Self {
        Self { method, path, params: Vec::new() }
    }

    pub fn one(&mut self, name: &str, v: &impl ToWire) {
        self.params.push((name.to_owned(), v.to_wire()));
    }

    pub fn opt(&mut self, name: &str, v: Option<&impl ToWire>) {
        if let Some(v) = v {
            self.one(name, v);
        }
    }

    pub fn indexed(&mut self, stem: &str, values: &BTreeMap<u32, impl ToWire>) {
        for (i, v) in values {
            self.params.push((format!("{stem}{i}"), v.to_wire()));
        }
    }

    pub fn list(&mut self, name: &str, values: Option<&[String]>) {
        for v in values.unwrap_or_default() {
            self.params.push((name.to_owned(), v.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upids_and_user_ids_stay_one_segment() {
        let upid = "UPID:pve1:0000ABCD:01234567:65A0B1C2:qmstart:100:root@pam:".to_string();
        assert_eq!(path_segment(&upid), "UPID%3Apve1%3A0000ABCD%3A01234567%3A65A0B1C2%3Aqmstart%3A100%3Aroot%40pam%3A");
        assert_eq!(path_segment(&"root@pam!mcp".to_string()), "root%40pam%21mcp");
    }

    #[test]
    fn traversal_cannot_leave_the_segment() {
        assert_eq!(path_segment(&"../../access".to_string()), "..%2F..%2Faccess");
        assert_eq!(path_segment(&"..".to_string()), "%2E%2E");
        assert_eq!(path_segment(&"a\r\nb".to_string()), "a%0D%0Ab");
    }

    #[test]
    fn booleans_go_as_one_and_zero() {
        let mut r = PveRequest::new(HttpMethod::Post, "/x".into());
        r.one("a", &true);
        r.opt("b", Some(&false));
        r.opt("c", None::<&bool>);
        assert_eq!(r.params, [("a".into(), "1".into()), ("b".into(), "0".into())]);
    }
}
