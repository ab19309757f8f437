//! What identifies an operation's requests (its method and path template, generated per
//! operation) and the matcher a mock is built from: the route, the values of the path, query
//! and header parameters it was narrowed to, the body, and any extra wiremock matcher.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use wiremock::{Match, Request};

/// An operation's route, as the generated code describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The group (tag) module, as in `plex.butler()` (`butler`).
    pub group: &'static str,
    /// The method name, as in `plex.butler().start_task()` (`start_task`).
    pub name: &'static str,
    /// The OpenAPI `operationId` (`startTask`).
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path of the operation's own server (`/api/v2` for plex.tv), else empty.
    pub prefix: &'static str,
    /// The path template (`/butler/{butlerTask}`).
    pub path: &'static str,
}

/// Implemented by the generated marker type of each operation (`butler::StartTask`).
pub trait Operation {
    /// Its route.
    const ROUTE: &'static Route;
}

impl Route {
    /// How failure messages name the operation: `butler().start_task()`.
    pub fn label(&self) -> String {
        format!("{}().{}()", self.group, self.name)
    }

    /// Whether `request` has this route's method and path, whatever its parameters.
    pub(crate) fn matches(&self, request: &Request) -> bool {
        request.method.as_str() == self.method && self.path_matches(request.url.path(), &BTreeMap::new())
    }

    /// Whether `path` fits the template, the parameters in `values` at those (encoded) values
    /// and the others at any non-empty value without a `/`.
    pub(crate) fn path_matches(&self, path: &str, values: &BTreeMap<String, String>) -> bool {
        path.strip_prefix(self.prefix).is_some_and(|rest| fits(self.path, rest, values))
    }

    /// The path with the parameters in `values` filled in (the others as `{name}`).
    pub(crate) fn filled(&self, values: &BTreeMap<String, String>) -> String {
        let mut out = self.prefix.to_string();
        let mut rest = self.path;
        while let Some((before, name, after)) = next_param(rest) {
            out.push_str(before);
            match values.get(name) {
                Some(value) => out.push_str(value),
                None => {
                    let _ = write!(out, "{{{name}}}");
                }
            }
            rest = after;
        }
        out.push_str(rest);
        out
    }

    /// How specific the route is (its literal characters), to pick the best of several.
    pub(crate) fn specificity(&self) -> usize {
        let mut literal = self.prefix.len();
        let mut rest = self.path;
        while let Some((before, _, after)) = next_param(rest) {
            literal += before.len();
            rest = after;
        }
        literal + rest.len()
    }
}

/// The text before the first `{name}` of `template`, the name, and the text after it.
fn next_param(template: &str) -> Option<(&str, &str, &str)> {
    let start = template.find('{')?;
    let len = template[start..].find('}')?;
    Some((&template[..start], &template[start + 1..start + len], &template[start + len + 1..]))
}

/// Whether `path` fits `template` (backtracking over where each free parameter ends).
fn fits(template: &str, path: &str, values: &BTreeMap<String, String>) -> bool {
    let Some((before, name, after)) = next_param(template) else { return template == path };
    let Some(rest) = path.strip_prefix(before) else { return false };
    if let Some(value) = values.get(name) {
        return rest.strip_prefix(value.as_str()).is_some_and(|r| fits(after, r, values));
    }
    let segment = rest.find('/').unwrap_or(rest.len());
    (1..=segment).rev().any(|end| rest.is_char_boundary(end) && fits(after, &rest[end..], values))
}

/// The body a mock expects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BodyMatch {
    /// JSON equal to this value.
    Json(Value),
    /// JSON that includes this value ([`includes`]).
    JsonIncludes(Value),
    /// A form whose pairs are these (in any order).
    Form(Vec<(String, String)>),
    /// Exactly these bytes.
    Bytes(Vec<u8>),
}

/// Everything a mock checks of a request.
pub(crate) struct RequestMatch {
    pub(crate) route: &'static Route,
    /// Path parameter → its encoded value.
    pub(crate) path: BTreeMap<String, String>,
    /// Query key → the values it must have, in order.
    pub(crate) query: Vec<(String, Vec<String>)>,
    /// Header (lower case) → its value.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<BodyMatch>,
    pub(crate) extra: Vec<Box<dyn Match>>,
    /// Set when a scoped mock's guard is dropped: the mock then matches nothing.
    pub(crate) retired: Arc<AtomicBool>,
}

impl RequestMatch {
    pub(crate) fn new(route: &'static Route) -> Self {
        RequestMatch {
            route,
            path: BTreeMap::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            extra: Vec::new(),
            retired: Arc::default(),
        }
    }

    /// Adds query pairs: each key then must have exactly the values given for it.
    pub(crate) fn add_query(&mut self, pairs: Vec<(String, String)>) {
        for (key, value) in pairs {
            match self.query.iter_mut().find(|(k, _)| *k == key) {
                Some((_, values)) => values.push(value),
                None => self.query.push((key, vec![value])),
            }
        }
    }

    /// The mock in failure messages: `butler().start_task() POST /butler/RefreshLocalMedia`,
    /// its query, headers and body.
    pub(crate) fn describe(&self) -> String {
        let mut out = format!("{} {} {}", self.route.label(), self.route.method, self.route.filled(&self.path));
        let query: Vec<String> =
            self.query.iter().flat_map(|(k, values)| values.iter().map(move |v| format!("{k}={v}"))).collect();
        if !query.is_empty() {
            let _ = write!(out, "?{}", query.join("&"));
        }
        for (name, value) in &self.headers {
            let _ = write!(out, " [{name}: {value}]");
        }
        match &self.body {
            Some(BodyMatch::Json(value)) => {
                let _ = write!(out, " [body {value}]");
            }
            Some(BodyMatch::JsonIncludes(value)) => {
                let _ = write!(out, " [body including {value}]");
            }
            Some(BodyMatch::Form(pairs)) => {
                let _ = write!(out, " [form body {pairs:?}]");
            }
            Some(BodyMatch::Bytes(bytes)) => {
                let _ = write!(out, " [body of {} bytes]", bytes.len());
            }
            None => {}
        }
        if !self.extra.is_empty() {
            let _ = write!(out, " [+{} custom matcher(s)]", self.extra.len());
        }
        out
    }

    fn query_matches(&self, request: &Request) -> bool {
        let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        self.query.iter().all(|(key, expected)| {
            let actual: Vec<&str> = pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect();
            actual == expected.iter().map(String::as_str).collect::<Vec<_>>()
        })
    }

    fn headers_match(&self, request: &Request) -> bool {
        self.headers.iter().all(|(name, value)| {
            let actual: Vec<_> =
                request.headers.get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
            actual == [value.as_str()]
        })
    }

    fn body_matches(&self, request: &Request) -> bool {
        match &self.body {
            None => true,
            Some(BodyMatch::Json(expected)) => {
                serde_json::from_slice::<Value>(&request.body).is_ok_and(|v| v == *expected)
            }
            Some(BodyMatch::JsonIncludes(expected)) => {
                serde_json::from_slice::<Value>(&request.body).is_ok_and(|v| includes(&v, expected))
            }
            Some(BodyMatch::Bytes(expected)) => request.body == *expected,
            Some(BodyMatch::Form(expected)) => {
                let text = String::from_utf8_lossy(&request.body);
                let Ok(url) = wiremock::http::Url::parse(&format!("http://form/?{text}")) else { return false };
                let mut actual: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                let mut expected = expected.clone();
                actual.sort();
                expected.sort();
                actual == expected
            }
        }
    }
}

/// Whether `actual` includes `expected`: each member of an object of `expected` is in
/// `actual`'s object and includes its value there, arrays of equal length include element by
/// element, other values are equal.
pub(crate) fn includes(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            expected.iter().all(|(key, value)| actual.get(key).is_some_and(|a| includes(a, value)))
        }
        (Value::Array(actual), Value::Array(expected)) => {
            actual.len() == expected.len() && actual.iter().zip(expected).all(|(a, e)| includes(a, e))
        }
        _ => actual == expected,
    }
}

impl Match for RequestMatch {
    fn matches(&self, request: &Request) -> bool {
        !self.retired.load(Ordering::SeqCst)
            && request.method.as_str() == self.route.method
            && self.route.path_matches(request.url.path(), &self.path)
            && self.query_matches(request)
            && self.headers_match(request)
            && self.body_matches(request)
            && self.extra.iter().all(|m| m.matches(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: Route = Route {
        group: "library",
        name: "get_media_part",
        id: "getMediaPart",
        method: "GET",
        prefix: "",
        path: "/library/parts/{partId}/{changestamp}/{filename}.{ext}",
    };

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn free_parameters_take_one_segment_or_part_of_it() {
        assert!(ROUTE.path_matches("/library/parts/1/2/file.mkv", &values(&[])));
        assert!(ROUTE.path_matches("/library/parts/1/2/my.file.mkv", &values(&[])));
        assert!(!ROUTE.path_matches("/library/parts/1/2/3/file.mkv", &values(&[])));
        assert!(!ROUTE.path_matches("/library/parts//2/file.mkv", &values(&[])));
    }

    #[test]
    fn fixed_parameters_must_equal() {
        assert!(ROUTE.path_matches("/library/parts/1/2/file.mkv", &values(&[("partId", "1")])));
        assert!(!ROUTE.path_matches("/library/parts/11/2/file.mkv", &values(&[("partId", "1")])));
        assert_eq!(ROUTE.filled(&values(&[("ext", "mkv")])), "/library/parts/{partId}/{changestamp}/{filename}.mkv");
    }

    #[test]
    fn a_json_value_includes_its_subsets() {
        let body = serde_json::json!({"title": "Hello", "year": 2024, "tags": [{"id": 1, "n": "a"}]});
        assert!(includes(&body, &serde_json::json!({})));
        assert!(includes(&body, &serde_json::json!({"title": "Hello"})));
        assert!(includes(&body, &serde_json::json!({"tags": [{"id": 1}]})));
        assert!(!includes(&body, &serde_json::json!({"title": "Bye"})));
        assert!(!includes(&body, &serde_json::json!({"missing": null})));
        assert!(!includes(&body, &serde_json::json!({"tags": []})));
        assert!(!includes(&serde_json::json!([1]), &serde_json::json!({})));
    }

    #[test]
    fn prefixes_belong_to_the_route() {
        let route = Route { prefix: "/api/v2", path: "/user", ..ROUTE };
        assert!(route.path_matches("/api/v2/user", &values(&[])));
        assert!(!route.path_matches("/user", &values(&[])));
        assert_eq!(route.specificity(), "/api/v2/user".len());
    }
}
