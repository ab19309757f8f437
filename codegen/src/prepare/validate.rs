//! The generator's own checks: what a document may well say but the generator cannot turn
//! into Rust, reported at its place (file, line, column, JSON pointer) with a reason and a fix
//! instead of failing (or panicking) deep inside typify. They run on the selected part of a
//! document, after [`openapi::check`](crate::openapi::check) has passed on the whole of it, and hold only what
//! matters for Rust: each rule of a well-formed document is in `check`, once.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Result;
use crate::openapi::walk;
use crate::openapi::{Located, escape_segment};

/// Runs every generator check on `doc` (the selected document; `source` locates pointers in the
/// file): it has `paths` to generate, its schema `$ref`s name components, its operations can be
/// sent, and no two names make one Rust name.
pub fn validate(source: &Located<'_>, doc: &Value) -> Result<()> {
    // `paths`, when present, is a mapping (`openapi::check`); a 3.1 document may leave it out,
    // but there is nothing to generate then.
    if doc.get("paths").is_none() {
        return Err(source.error("", "the document has no `paths`", Some("add `paths:` with at least one operation")));
    }
    schema_references(source, doc)?;
    operations(source, doc)?;
    schema_names(source, doc)
}

/// Two component schemas whose names make the same Rust type name, or two properties of one
/// schema whose names make the same field name, would be duplicate definitions in Rust.
fn schema_names(source: &Located<'_>, doc: &Value) -> Result<()> {
    use heck::{ToSnakeCase, ToUpperCamelCase};
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        let mut seen: BTreeMap<String, &String> = BTreeMap::new();
        for name in schemas.keys() {
            let rust = name.to_upper_camel_case();
            if let Some(other) = seen.insert(rust.clone(), name) {
                return Err(source.error(
                    &format!("/components/schemas/{}", escape_segment(name)),
                    format!("schemas `{other}` and `{name}` both become the Rust type `{rust}`"),
                    Some("rename one of them"),
                ));
            }
        }
    }
    let mut found = None;
    walk::visit_schemas(doc, &mut |pointer, schema| {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else { return };
        let mut seen: BTreeMap<String, &String> = BTreeMap::new();
        for name in props.keys() {
            let rust = name.to_snake_case();
            if let Some(other) = seen.insert(rust.clone(), name) {
                // `Guid` and `guid`: the emitter names the capitalised one `guid_list`.
                let capitalised = |n: &str| n.starts_with(|c: char| c.is_ascii_uppercase());
                if capitalised(other) != capitalised(name) && !props.contains_key(&format!("{rust}_list")) {
                    continue;
                }
                found.get_or_insert((
                    format!("{pointer}/properties/{}", escape_segment(name)),
                    format!("properties `{other}` and `{name}` both become the Rust field `{rust}`"),
                ));
            }
        }
    });
    match found {
        Some((pointer, message)) => Err(source.error(&pointer, message, Some("rename one of them"))),
        None => Ok(()),
    }
}

/// A `$ref` in place of a schema points into `#/components/schemas` (typify names a type after
/// the component it refers to). That every `$ref` is local, resolves and does not loop is
/// [`openapi::check`](crate::openapi::check)'s, which has run on the whole document.
fn schema_references(source: &Located<'_>, doc: &Value) -> Result<()> {
    let mut refs = Vec::new();
    walk::refs_below(doc, "", &mut refs);
    const IN_SCHEMA: [&str; 8] =
        ["/schema", "/schemas/", "/properties/", "/items", "/allOf/", "/oneOf/", "/anyOf/", "/additionalProperties"];
    match refs.iter().find(|(pointer, target)| {
        IN_SCHEMA.iter().any(|k| pointer.contains(k)) && !target.starts_with("#/components/schemas/")
    }) {
        Some((pointer, target)) => Err(source.error(
            &format!("{pointer}/$ref"),
            format!("`{target}` is used as a schema but does not point into `#/components/schemas`"),
            Some("refer to a schema, e.g. `#/components/schemas/Thing`"),
        )),
        None => Ok(()),
    }
}

/// What the generator needs of each operation beyond [`openapi::check`](crate::openapi::check)'s rules (a
/// unique `operationId`, well-formed parameters, the path template): `responses`, which
/// OpenAPI 3.1 makes optional but the generator types the answer from, and parameters it can
/// send.
fn operations(source: &Located<'_>, doc: &Value) -> Result<()> {
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let item_ptr = format!("/paths/{}", escape_segment(path));
        for method in walk::METHODS {
            let Some(op) = item.get(method) else { continue };
            let pointer = format!("{item_ptr}/{method}");
            if !op.get("responses").is_some_and(Value::is_object) {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
                return Err(source.error(
                    &pointer,
                    format!("`{id}` has no `responses` mapping"),
                    Some("add `responses:` with at least one status, e.g. `'200': {description: OK}`"),
                ));
            }
            for (owner, node) in [(&item_ptr, item), (&pointer, op)] {
                let params = node.get("parameters").and_then(Value::as_array).into_iter().flatten();
                for (i, raw) in params.enumerate() {
                    sendable(source, &format!("{owner}/parameters/{i}"), walk::deref(doc, raw))?;
                }
            }
        }
    }
    Ok(())
}

/// A parameter (`p`, at `at`, resolved) the generator can send: not a cookie, and typed by a
/// `schema` rather than `content`.
fn sendable(source: &Located<'_>, at: &str, p: &Value) -> Result<()> {
    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
    if p.get("in").and_then(Value::as_str) == Some("cookie") {
        return Err(source.error(
            at,
            format!("cookie parameter `{name}` is not supported"),
            Some("send it as a header parameter"),
        ));
    }
    if p.get("schema").is_none() {
        return Err(source.error(
            at,
            format!("parameter `{name}` has no `schema`"),
            Some("parameters described with `content` are not supported; use `schema`"),
        ));
    }
    Ok(())
}
