//! Checks that run on the selected part of a document before normalisation, so that what the
//! generator cannot use is reported at its place (file, line, column, JSON pointer) with a
//! reason and a fix, instead of failing (or panicking) deep inside progenitor or typify.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::Result;
use crate::load::{Document, escape_segment};
use crate::walk;

/// Checks on the whole document, before tag selection (which relies on them): `info`, the
/// keys of every path item, and every operation's `tags`.
pub fn document(source: &Document) -> Result<()> {
    let doc = &source.value;
    match doc.get("info") {
        Some(Value::Object(info)) => {
            for field in ["title", "version"] {
                if !info.get(field).is_some_and(Value::is_string) {
                    return Err(source.error(
                        "/info",
                        format!("`info` has no `{field}` string"),
                        Some(&format!("add `{field}:` under `info`")),
                    ));
                }
            }
        }
        _ => {
            return Err(source.error(
                "",
                "the document has no `info` mapping",
                Some("add `info:` with a `title` and a `version`"),
            ));
        }
    }
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return Ok(()) };
    for (path, item) in paths {
        let item_ptr = format!("/paths/{}", escape_segment(path));
        let Some(item) = item.as_object() else {
            return Err(source.error(&item_ptr, "a path item must be a mapping of methods", None));
        };
        for (key, value) in item {
            let at = format!("{item_ptr}/{}", escape_segment(key));
            if key == "$ref" {
                return Err(source.error(
                    &at,
                    "a path item given by `$ref` is not supported",
                    Some("write the path item in place"),
                ));
            }
            if walk::METHODS.contains(&key.as_str()) {
                if let Some(tags) = value.get("tags") {
                    let strings = tags.as_array().is_some_and(|l| l.iter().all(Value::is_string));
                    if !strings {
                        return Err(source.error(
                            &format!("{at}/tags"),
                            "`tags` must be a list of tag names",
                            Some("write it as a list, e.g. `tags: [Things]`"),
                        ));
                    }
                }
                continue;
            }
            if walk::METHODS.contains(&key.to_ascii_lowercase().as_str()) {
                return Err(source.error(
                    &at,
                    format!("`{key}` is not a method key: methods are lower case"),
                    Some(&format!("write `{}:`", key.to_ascii_lowercase())),
                ));
            }
            if !["parameters", "summary", "description", "servers"].contains(&key.as_str()) && !key.starts_with("x-") {
                return Err(source.error(
                    &at,
                    format!("unknown key `{key}` in a path item"),
                    Some("a path item holds methods (get, put, post, delete, ...), `parameters`, `summary`, `description`, `servers` and `x-` extensions"),
                ));
            }
        }
    }
    Ok(())
}

/// Runs every check on `doc` (the selected document; `source` locates pointers in the file).
pub fn validate(source: &Document, doc: &Value) -> Result<()> {
    let Some(paths) = doc.get("paths") else {
        return Err(source.error("", "the document has no `paths`", Some("add `paths:` with at least one operation")));
    };
    if !paths.is_object() {
        return Err(source.error(
            "/paths",
            "`paths` is not a mapping",
            Some("`paths` maps path templates to path items"),
        ));
    }
    references(source, doc)?;
    operations(source, doc)?;
    schema_names(source, doc)?;
    all_of_cycles(source, doc)
}

/// Two component schemas whose names make the same Rust type name, or two properties of one
/// schema whose names make the same field name, would be duplicate definitions in Rust.
fn schema_names(source: &Document, doc: &Value) -> Result<()> {
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
    let mut copy = doc.clone();
    let mut found = None;
    walk::for_each_schema(&mut copy, &mut |pointer, schema| {
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

/// Schemas that contain each other through `allOf` would be types of infinite size.
fn all_of_cycles(source: &Document, doc: &Value) -> Result<()> {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else { return Ok(()) };
    let edges = |name: &str| -> Vec<String> {
        schemas
            .get(name)
            .and_then(|s| s.get("allOf"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/").map(str::to_string))
            .collect()
    };
    for start in schemas.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((name, trail)) = stack.pop() {
            for next in edges(&name) {
                if &next == start {
                    let mut cycle = trail.clone();
                    cycle.push(next);
                    return Err(source.error(
                        &format!("/components/schemas/{}/allOf", escape_segment(start)),
                        format!("schemas include each other through `allOf`: {}", cycle.join(" → ")),
                        Some("a schema cannot contain itself; refer to the other one from a property instead"),
                    ));
                }
                if !trail.contains(&next) && trail.len() < 64 {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next, longer));
                }
            }
        }
    }
    Ok(())
}

/// Every `$ref` must be local and resolve, and no chain of `$ref`s may loop.
fn references(source: &Document, doc: &Value) -> Result<()> {
    let mut refs = Vec::new();
    walk::refs_below(doc, "", &mut refs);
    for (pointer, target) in &refs {
        let at = format!("{pointer}/$ref");
        let Some(local) = target.strip_prefix('#') else {
            return Err(source.error(
                &at,
                format!("external reference `{target}` is not supported"),
                Some("bundle the document into one file first (for example with `redocly bundle`)"),
            ));
        };
        let in_schema = [
            "/schema",
            "/schemas/",
            "/properties/",
            "/items",
            "/allOf/",
            "/oneOf/",
            "/anyOf/",
            "/additionalProperties",
        ]
        .iter()
        .any(|k| pointer.contains(k));
        if in_schema && !target.starts_with("#/components/schemas/") {
            return Err(source.error(
                &at,
                format!("`{target}` is used as a schema but does not point into `#/components/schemas`"),
                Some("refer to a schema, e.g. `#/components/schemas/Thing`"),
            ));
        }
        if walk::resolve(doc, target).is_none() {
            return Err(source.error(
                &at,
                format!("`$ref` target `{target}` does not exist"),
                crate::check::suggestion(&source.value, local).as_deref(),
            ));
        }
        // A chain of bare references that comes back to itself has no schema at all.
        let mut seen = vec![target.clone()];
        let mut current = walk::resolve(doc, target);
        while let Some(next) = current.and_then(|n| n.get("$ref")).and_then(Value::as_str) {
            if seen.iter().any(|s| s == next) {
                seen.push(next.to_string());
                return Err(source.error(
                    &at,
                    format!("cyclic `$ref`: {}", seen.join(" → ")),
                    Some("one of these must be a schema, not only a reference"),
                ));
            }
            seen.push(next.to_string());
            current = walk::resolve(doc, next);
        }
    }
    Ok(())
}

const LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];

fn operations(source: &Document, doc: &Value) -> Result<()> {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_ptr = format!("/paths/{}", escape_segment(path));
            if !item.is_object() {
                return Err(source.error(&item_ptr, "a path item must be a mapping of methods", None));
            }
            if item.get("$ref").is_some() {
                return Err(source.error(
                    &format!("{item_ptr}/$ref"),
                    "a path item given by `$ref` is not supported",
                    Some("write the path item in place"),
                ));
            }
            for method in walk::METHODS {
                if let Some(op) = item.get(method) {
                    operation(source, doc, path, &format!("{item_ptr}/{method}"), op, &mut ids)?;
                }
            }
        }
    }
    Ok(())
}

fn operation(
    source: &Document,
    doc: &Value,
    path: &str,
    pointer: &str,
    op: &Value,
    ids: &mut BTreeMap<String, String>,
) -> Result<()> {
    if !op.is_object() {
        return Err(source.error(
            pointer,
            "an operation must be a mapping",
            Some("give it `operationId`, `parameters` and `responses` keys"),
        ));
    }
    let id = operation_id(source, pointer, op, ids)?;
    if !op.get("responses").is_some_and(Value::is_object) {
        return Err(source.error(
            pointer,
            format!("`{id}` has no `responses` mapping"),
            Some("add `responses:` with at least one status, e.g. `'200': {description: OK}`"),
        ));
    }
    let path_pointer = format!("/paths/{}", escape_segment(path));
    let mut path_params = BTreeSet::new();
    for (owner, node) in [(path_pointer.clone(), doc.pointer(&path_pointer)), (pointer.to_string(), Some(op))] {
        let Some(params) = node.and_then(|n| n.get("parameters")) else { continue };
        let Some(params) = params.as_array() else {
            return Err(source.error(
                &format!("{owner}/parameters"),
                "`parameters` must be a list",
                Some("write each parameter as a list item (`- name: ...`)"),
            ));
        };
        for (i, raw) in params.iter().enumerate() {
            let (name, location) = parameter(source, path, &format!("{owner}/parameters/{i}"), walk::deref(doc, raw))?;
            if location == "path" {
                path_params.insert(name.to_string());
            }
        }
    }
    let template = crate::template::PathTemplate::parse(path)
        .map_err(|message| source.error(&path_pointer, message, Some("write each parameter as `{name}`")))?;
    match template.params().find(|name| !path_params.contains(*name)) {
        Some(name) => Err(source.error(
            pointer,
            format!("the path `{path}` has `{{{name}}}` but `{id}` declares no path parameter `{name}`"),
            Some(&format!("add a parameter with `name: {name}` and `in: path`")),
        )),
        None => Ok(()),
    }
}

/// The operation's `operationId`, a non-empty string no other operation has (`ids` holds
/// those seen so far, with their pointers).
fn operation_id(source: &Document, pointer: &str, op: &Value, ids: &mut BTreeMap<String, String>) -> Result<String> {
    let id = match op.get("operationId") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
        Some(_) => {
            return Err(source.error(
                &format!("{pointer}/operationId"),
                "`operationId` must be a non-empty string",
                Some("give it a name such as `getThings`: it names the Rust method"),
            ));
        }
        None => {
            return Err(source.error(
                pointer,
                "the operation has no `operationId`",
                Some("add an `operationId` (for example `getThings`): it names the Rust method"),
            ));
        }
    };
    if let Some(first) = ids.insert(id.clone(), pointer.to_string()) {
        return Err(source.error(
            &format!("{pointer}/operationId"),
            format!("duplicate operationId `{id}`"),
            Some(&format!("it is also the operationId at {first}; operationIds must be unique")),
        ));
    }
    Ok(id)
}

/// One parameter (`p`, at `at`, resolved) of an operation on `path`: its name and location,
/// once it has both, a supported location and a schema, and a path parameter appears in the
/// path.
fn parameter<'a>(source: &Document, path: &str, at: &str, p: &'a Value) -> Result<(&'a str, &'a str)> {
    let Some(name) = p.get("name").and_then(Value::as_str) else {
        return Err(source.error(at, "the parameter has no `name`", Some("add `name:`")));
    };
    let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
    if !LOCATIONS.contains(&location) {
        return Err(source.error(
            at,
            format!("parameter `{name}` has `in: {location}`"),
            Some("`in` is one of path, query, header (cookie is not supported)"),
        ));
    }
    if location == "cookie" {
        return Err(source.error(
            at,
            format!("cookie parameter `{name}` is not supported"),
            Some("send it as a header parameter"),
        ));
    }
    if p.get("schema").is_none() {
        let fix = if p.get("content").is_some() {
            "parameters described with `content` are not supported; use `schema`"
        } else {
            "add a `schema` (for example `{type: string}`)"
        };
        return Err(source.error(at, format!("parameter `{name}` has no `schema`"), Some(fix)));
    }
    if location == "path" && !path.contains(&format!("{{{name}}}")) {
        return Err(source.error(
            at,
            format!("path parameter `{name}` does not appear in the path `{path}`"),
            Some(&format!("add `{{{name}}}` to the path, or make it a query parameter")),
        ));
    }
    Ok((name, location))
}
