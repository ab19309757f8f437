//! Finding things in an OpenAPI document held as a `serde_json::Value`: operations,
//! parameters, schemas (at any depth) and `$ref` targets. Shared by normalise, select and model.

use serde_json::{Map, Value};

use crate::load::escape_segment;

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

/// Every operation, in document order of paths and [`METHODS`] order within a path.
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

/// Follows a local `$ref` (`#/components/...`) to its target, once.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
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
    let obj = |v: &Value| v.as_object().cloned().unwrap_or_default();
    let components = doc.get("components").map(obj).unwrap_or_default();
    for name in components.get("schemas").map(obj).unwrap_or_default().keys() {
        roots.push(format!("/components/schemas/{}", escape_segment(name)));
    }
    let mut holders: Vec<String> = Vec::new();
    for kind in ["parameters", "headers"] {
        for name in components.get(kind).map(obj).unwrap_or_default().keys() {
            holders.push(format!("/components/{kind}/{}", escape_segment(name)));
        }
    }
    for kind in ["responses", "requestBodies"] {
        for name in components.get(kind).map(obj).unwrap_or_default().keys() {
            media_schemas(doc, &format!("/components/{kind}/{}", escape_segment(name)), &mut roots);
        }
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for path in paths.keys() {
            let item_ptr = format!("/paths/{}", escape_segment(path));
            parameter_holders(doc, &item_ptr, &mut holders);
            for method in METHODS {
                let op_ptr = format!("{item_ptr}/{method}");
                if doc.pointer(&op_ptr).is_none() {
                    continue;
                }
                parameter_holders(doc, &op_ptr, &mut holders);
                media_schemas(doc, &format!("{op_ptr}/requestBody"), &mut roots);
                if let Some(responses) = doc.pointer(&format!("{op_ptr}/responses")).and_then(Value::as_object) {
                    for code in responses.keys() {
                        media_schemas(doc, &format!("{op_ptr}/responses/{}", escape_segment(code)), &mut roots);
                    }
                }
            }
        }
    }
    for holder in holders {
        if doc.pointer(&format!("{holder}/schema")).is_some() {
            roots.push(format!("{holder}/schema"));
        }
    }
    roots
}

fn parameter_holders(doc: &Value, owner: &str, out: &mut Vec<String>) {
    if let Some(params) = doc.pointer(&format!("{owner}/parameters")).and_then(Value::as_array) {
        out.extend((0..params.len()).map(|i| format!("{owner}/parameters/{i}")));
    }
}

fn media_schemas(doc: &Value, owner: &str, out: &mut Vec<String>) {
    if let Some(content) = doc.pointer(&format!("{owner}/content")).and_then(Value::as_object) {
        for (media, body) in content {
            if body.get("schema").is_some() {
                out.push(format!("{owner}/content/{}/schema", escape_segment(media)));
            }
        }
    }
    if let Some(headers) = doc.pointer(&format!("{owner}/headers")).and_then(Value::as_object) {
        for name in headers.keys() {
            let ptr = format!("{owner}/headers/{}/schema", escape_segment(name));
            if doc.pointer(&ptr).is_some() {
                out.push(ptr);
            }
        }
    }
}

/// Calls `f` on every schema object of the document, parents before children, with its
/// pointer. Children are looked up after `f` returns, so `f` may restructure a schema and
/// its new sub-schemas are visited too.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    for root in schema_roots(doc) {
        if let Some(node) = doc.pointer_mut(&root) {
            walk_schema(node, &root, f);
        }
    }
}

/// Keys whose value is a map of sub-schemas.
const SCHEMA_MAPS: [&str; 4] = ["properties", "patternProperties", "$defs", "definitions"];
/// Keys whose value is a list of sub-schemas.
const SCHEMA_LISTS: [&str; 4] = ["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keys whose value is one sub-schema.
const SCHEMA_SINGLES: [&str; 4] = ["items", "additionalProperties", "not", "contains"];

fn walk_schema(node: &mut Value, pointer: &str, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Some(map) = node.as_object_mut() else { return };
    f(pointer, map);
    for key in SCHEMA_MAPS {
        if let Some(children) = map.get_mut(key).and_then(Value::as_object_mut) {
            for (name, child) in children.iter_mut() {
                walk_schema(child, &format!("{pointer}/{key}/{}", escape_segment(name)), f);
            }
        }
    }
    for key in SCHEMA_LISTS {
        if let Some(children) = map.get_mut(key).and_then(Value::as_array_mut) {
            for (i, child) in children.iter_mut().enumerate() {
                walk_schema(child, &format!("{pointer}/{key}/{i}"), f);
            }
        }
    }
    for key in SCHEMA_SINGLES {
        match map.get_mut(key) {
            Some(Value::Array(items)) => {
                for (i, child) in items.iter_mut().enumerate() {
                    walk_schema(child, &format!("{pointer}/{key}/{i}"), f);
                }
            }
            Some(child @ Value::Object(_)) => walk_schema(child, &format!("{pointer}/{key}"), f),
            _ => {}
        }
    }
}

/// Every `$ref` string anywhere below `node`, with the pointer of the object holding it.
pub fn refs_below(node: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push((pointer.to_string(), r.to_string()));
            }
            for (k, v) in map {
                refs_below(v, &format!("{pointer}/{}", escape_segment(k)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs_below(v, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}
