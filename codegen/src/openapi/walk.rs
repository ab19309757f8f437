//! Finding things in an OpenAPI document held as a `serde_json::Value`: operations,
//! parameters, schemas (at any depth) and `$ref` targets. Shared by normalise, select and model.

use serde_json::{Map, Value};

use super::pointer::{escape_segment, unescape};

/// The HTTP methods an OpenAPI path item can hold, in a fixed order.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of the document: where it is and its method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    /// The path template, e.g. `/butler/{butlerTask}`.
    pub path: String,
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

/// Every operation, by path (in the order `serde_json` keeps keys: sorted, not as written) and
/// in [`METHODS`] order within a path.
pub fn operations(doc: &Value) -> Vec<OperationRef> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some_and(Value::is_object) {
                    out.push(OperationRef {
                        path: path.clone(),
                        method,
                        pointer: format!("/paths/{}/{method}", escape_segment(path)),
                    });
                }
            }
        }
    }
    out
}

/// Where the client-wide parameters are listed (a Speakeasy extension).
pub const GLOBALS: &str = "/x-speakeasy-globals/parameters";

/// The parameters listed in `x-speakeasy-globals` (the client sets them once, for every
/// request), each resolved, with its index in the list.
pub fn global_parameters(doc: &Value) -> impl Iterator<Item = (usize, &Value)> {
    at(doc, GLOBALS).and_then(Value::as_array).into_iter().flatten().map(|p| deref(doc, p)).enumerate()
}

/// Follows a local `$ref` (`#/components/...`) to its target, once.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    at(doc, reference.strip_prefix('#')?)
}

/// The node at JSON pointer `pointer` below `node`: [`Value::pointer`], which allocates two
/// strings per segment, without allocating (the walks look up every schema root this way).
pub fn at<'a>(node: &'a Value, pointer: &str) -> Option<&'a Value> {
    segments(pointer)?.try_fold(node, |node, segment| match node {
        Value::Object(map) => map.get(segment.as_ref()),
        Value::Array(list) => index(&segment).and_then(|i| list.get(i)),
        _ => None,
    })
}

/// [`at`] for changing the node: [`Value::pointer_mut`] without allocating.
pub fn at_mut<'a>(node: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    segments(pointer)?.try_fold(node, |node, segment| match node {
        Value::Object(map) => map.get_mut(segment.as_ref()),
        Value::Array(list) => index(&segment).and_then(|i| list.get_mut(i)),
        _ => None,
    })
}

/// The unescaped segments of a JSON pointer (`""` has none), or `None` when it does not start
/// with `/`.
fn segments(pointer: &str) -> Option<impl Iterator<Item = std::borrow::Cow<'_, str>>> {
    let rest = match pointer {
        "" => None,
        _ => Some(pointer.strip_prefix('/')?),
    };
    Some(rest.into_iter().flat_map(|rest| rest.split('/')).map(unescape))
}

/// A list index as JSON pointers write it (no sign, no leading zero).
fn index(segment: &str) -> Option<usize> {
    match segment.as_bytes() {
        [b'0'] => Some(0),
        [b'1'..=b'9', ..] => segment.parse().ok(),
        _ => None,
    }
}

/// Follows `$ref`s until a node without one (at most 32 hops, so a cycle cannot hang).
pub fn deref<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str).and_then(|r| resolve(doc, r)) {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

/// Pointers of every schema that is a root (not nested in another schema): component
/// schemas, parameter and header schemas, and media-type schemas of bodies and responses.
pub fn schema_roots(doc: &Value) -> Vec<String> {
    let mut roots = Vec::new();
    // The entries of `components/<kind>`, with their pointers.
    let entries = |kind: &'static str| {
        doc.get("components")
            .and_then(|c| c.get(kind))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(name, value)| (format!("/components/{kind}/{}", escape_segment(name)), value))
    };
    for (pointer, _) in entries("schemas") {
        roots.push(pointer);
    }
    let mut holders: Vec<(String, &Value)> = entries("parameters").chain(entries("headers")).collect();
    for (pointer, value) in entries("responses").chain(entries("requestBodies")) {
        media_schemas(value, &pointer, &mut roots);
    }
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let item_ptr = format!("/paths/{}", escape_segment(path));
        parameter_holders(item, &item_ptr, &mut holders);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_ptr = format!("{item_ptr}/{method}");
            parameter_holders(op, &op_ptr, &mut holders);
            if let Some(body) = op.get("requestBody") {
                media_schemas(body, &format!("{op_ptr}/requestBody"), &mut roots);
            }
            for (code, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                media_schemas(response, &format!("{op_ptr}/responses/{}", escape_segment(code)), &mut roots);
            }
        }
    }
    for (holder, value) in holders {
        if value.get("schema").is_some() {
            roots.push(format!("{holder}/schema"));
        }
    }
    roots
}

/// The parameters of `node` (a path item or an operation at `owner`).
fn parameter_holders<'a>(node: &'a Value, owner: &str, out: &mut Vec<(String, &'a Value)>) {
    for (i, param) in node.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
        out.push((format!("{owner}/parameters/{i}"), param));
    }
}

/// The schemas of the media types and headers of `node` (a body or a response at `owner`).
fn media_schemas(node: &Value, owner: &str, out: &mut Vec<String>) {
    for (media, body) in node.get("content").and_then(Value::as_object).into_iter().flatten() {
        if body.get("schema").is_some() {
            out.push(format!("{owner}/content/{}/schema", escape_segment(media)));
        }
    }
    for (name, header) in node.get("headers").and_then(Value::as_object).into_iter().flatten() {
        if header.get("schema").is_some() {
            out.push(format!("{owner}/headers/{}/schema", escape_segment(name)));
        }
    }
}

/// Calls `f` on every schema object of the document, parents before children, with its
/// pointer. Children are looked up after `f` returns, so `f` may restructure a schema and
/// its new sub-schemas are visited too.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    for mut root in schema_roots(doc) {
        if let Some(node) = at_mut(doc, &root) {
            walk_schema(node, &mut root, f);
        }
    }
}

/// Calls `f` on every schema object of the document, parents before children, with its
/// pointer: [`for_each_schema`] without changing anything.
pub fn visit_schemas(doc: &Value, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
    for mut root in schema_roots(doc) {
        if let Some(node) = at(doc, &root) {
            visit_schema(node, &mut root, f);
        }
    }
}

/// Appends `/segment`, escaped, to `pointer`.
fn push_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Keys whose value is a map of sub-schemas.
const SCHEMA_MAPS: [&str; 4] = ["properties", "patternProperties", "$defs", "definitions"];
/// Keys whose value is a list of sub-schemas.
const SCHEMA_LISTS: [&str; 4] = ["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keys whose value is one sub-schema.
const SCHEMA_SINGLES: [&str; 4] = ["items", "additionalProperties", "not", "contains"];

/// The walk below one schema, written once for shared and for mutable access: `$name(node,
/// pointer, f)` calls `f` on `node` and then on its sub-schemas (the keys below, in their
/// order), with one pointer buffer for the whole walk.
macro_rules! schema_walk {
    ($name:ident, $value:ty, $map:ty, $as_object:ident, $as_array:ident, $get:ident, $iter:ident) => {
        fn $name(node: $value, pointer: &mut String, f: &mut dyn FnMut(&str, $map)) {
            let Some(map) = node.$as_object() else { return };
            f(pointer, map);
            let length = pointer.len();
            let mut down = |child: $value, key: &str, name: Sub<'_>, pointer: &mut String| {
                push_segment(pointer, key);
                name.push_to(pointer);
                $name(child, pointer, f);
                pointer.truncate(length);
            };
            for key in SCHEMA_MAPS {
                for (name, child) in map.$get(key).and_then(Value::$as_object).into_iter().flatten() {
                    down(child, key, Sub::Name(name), pointer);
                }
            }
            for key in SCHEMA_LISTS {
                for (i, child) in map.$get(key).and_then(Value::$as_array).into_iter().flatten().enumerate() {
                    down(child, key, Sub::Index(i), pointer);
                }
            }
            for key in SCHEMA_SINGLES {
                match map.$get(key) {
                    Some(Value::Array(items)) => {
                        for (i, child) in items.$iter().enumerate() {
                            down(child, key, Sub::Index(i), pointer);
                        }
                    }
                    Some(child @ Value::Object(_)) => down(child, key, Sub::None, pointer),
                    _ => {}
                }
            }
        }
    };
}

schema_walk!(visit_schema, &Value, &Map<String, Value>, as_object, as_array, get, iter);
schema_walk!(walk_schema, &mut Value, &mut Map<String, Value>, as_object_mut, as_array_mut, get_mut, iter_mut);

/// What follows a sub-schema's key in its pointer: a property name, a list index, or nothing.
#[derive(Clone, Copy)]
enum Sub<'a> {
    Name(&'a str),
    Index(usize),
    None,
}

impl Sub<'_> {
    fn push_to(self, pointer: &mut String) {
        use std::fmt::Write;
        match self {
            Sub::Name(name) => push_segment(pointer, name),
            Sub::Index(i) => {
                let _ = write!(pointer, "/{i}");
            }
            Sub::None => {}
        }
    }
}

/// Every `$ref` string anywhere below `node`, with the pointer of the object holding it.
pub fn refs_below(node: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    collect_refs(node, &mut pointer.to_string(), out);
}

/// [`refs_below`] with one pointer buffer for the whole walk (the document has far more nodes
/// than `$ref`s).
fn collect_refs(node: &Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    let length = pointer.len();
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push((pointer.clone(), r.to_string()));
            }
            for (k, v) in map {
                push_segment(pointer, k);
                collect_refs(v, pointer, out);
                pointer.truncate(length);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                collect_refs(v, pointer, out);
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}
