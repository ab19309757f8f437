//! Checks that run on the selected part of a document before normalisation, so that what the
//! generator cannot use is reported at its place (file, line, column, JSON pointer) with a
//! reason and a fix, instead of failing (or panicking) deep inside progenitor or typify.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::Result;
use crate::load::{Document, escape_segment};
use crate::walk;

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
    operations(source, doc)
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
        if walk::resolve(doc, target).is_none() {
            return Err(source.error(
                &at,
                format!("`$ref` target `{target}` does not exist"),
                suggestion(&source.value, local).as_deref(),
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

/// "did you mean" for a missing `#/components/<kind>/<name>`.
fn suggestion(doc: &Value, local: &str) -> Option<String> {
    let (parent, name) = local.rsplit_once('/')?;
    let siblings = doc.pointer(parent)?.as_object()?;
    let lower = name.to_ascii_lowercase();
    let best = siblings.keys().min_by_key(|k| distance(&k.to_ascii_lowercase(), &lower))?;
    (distance(&best.to_ascii_lowercase(), &lower) <= name.len().max(3) / 3 + 1)
        .then(|| format!("did you mean `#{parent}/{}`?", escape_segment(best)))
        .or_else(|| Some(format!("`#{parent}` has no entry `{name}`")))
}

/// Levenshtein distance (names are short).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
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
        return Err(source.error(pointer, "an operation must be a mapping", None));
    }
    let id = match op.get("operationId") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
        Some(_) => {
            return Err(source.error(
                &format!("{pointer}/operationId"),
                "`operationId` must be a non-empty string",
                None,
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
    if op.get("requestBody").is_some() {
        return Err(source.error(
            &format!("{pointer}/requestBody"),
            format!("`{id}` has a request body, which the generator does not send yet"),
            Some("leave this operation's tag out of the generated tags for now"),
        ));
    }
    let mut path_params = BTreeSet::new();
    let owners = [
        (format!("/paths/{}", escape_segment(path)), doc.pointer(&format!("/paths/{}", escape_segment(path)))),
        (pointer.to_string(), Some(op)),
    ];
    for (owner, node) in owners {
        let Some(params) = node.and_then(|n| n.get("parameters")) else { continue };
        let Some(params) = params.as_array() else {
            return Err(source.error(&format!("{owner}/parameters"), "`parameters` must be a list", None));
        };
        for (i, raw) in params.iter().enumerate() {
            let at = format!("{owner}/parameters/{i}");
            let p = walk::deref(doc, raw);
            let Some(name) = p.get("name").and_then(Value::as_str) else {
                return Err(source.error(&at, "the parameter has no `name`", Some("add `name:`")));
            };
            let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
            if !LOCATIONS.contains(&location) {
                return Err(source.error(
                    &at,
                    format!("parameter `{name}` has `in: {location}`"),
                    Some("`in` is one of path, query, header (cookie is not supported)"),
                ));
            }
            if location == "cookie" {
                return Err(source.error(
                    &at,
                    format!("cookie parameter `{name}` is not supported"),
                    Some("send it as a header parameter"),
                ));
            }
            if p.get("schema").is_none() {
                return Err(source.error(
                    &at,
                    format!("parameter `{name}` has no `schema`"),
                    Some(if p.get("content").is_some() {
                        "parameters described with `content` are not supported; use `schema`"
                    } else {
                        "add a `schema` (for example `{type: string}`)"
                    }),
                ));
            }
            if location == "path" {
                path_params.insert(name.to_string());
                if !path.contains(&format!("{{{name}}}")) {
                    return Err(source.error(
                        &at,
                        format!("path parameter `{name}` does not appear in the path `{path}`"),
                        Some(&format!("add `{{{name}}}` to the path, or make it a query parameter")),
                    ));
                }
            }
        }
    }
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(source.error(pointer, format!("the path `{path}` has an unclosed `{{`"), None));
        };
        let name = &rest[start + 1..start + len];
        if !path_params.contains(name) {
            return Err(source.error(
                pointer,
                format!("the path `{path}` has `{{{name}}}` but `{id}` declares no path parameter `{name}`"),
                Some(&format!("add a parameter with `name: {name}` and `in: path`")),
            ));
        }
        rest = &rest[start + len + 1..];
    }
    Ok(())
}
