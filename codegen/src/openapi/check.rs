//! Checks on a whole document, for every command that reads one (`changelog`, `breaking`):
//! what makes a document broken whatever is generated from it. Each failure is reported at
//! its place (file, line, column, JSON pointer) like the generator's own checks.
//!
//! They are the generator's checks that do not depend on Rust or on the selected tags: the
//! structure (`info`, the keys of path items, `tags`), `paths`, every `$ref` (local, resolving,
//! a schema where a schema is expected), `$ref` cycles that never reach a value, and
//! operations (a unique `operationId`, `parameters`, path templates against the declared path
//! parameters). What only matters for emitting Rust (`responses`, cookie and `content`
//! parameters, names that collide in Rust, ...) is `prepare`'s validation.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::load::Document;
use super::pointer::escape_segment;
use super::template::PathTemplate;
use super::walk;
use crate::error::Result;

/// Every whole-document check on `source`, in order; the first failure is returned.
pub fn document(source: &Document) -> Result<()> {
    structure(source)?;
    paths(source)?;
    let mut refs = Vec::new();
    walk::refs_below(&source.value, "", &mut refs);
    references(source, &source.value, &refs)?;
    cycles(source, &source.value, &refs)?;
    operations(source, &source.value)
}

/// `paths` is a mapping; a 3.0 document must have it, a 3.1 document it or `components` or
/// `webhooks`.
fn paths(source: &Document) -> Result<()> {
    let doc = &source.value;
    match doc.get("paths") {
        Some(paths) if !paths.is_object() => {
            Err(source.error("/paths", "`paths` is not a mapping", Some("`paths` maps path templates to path items")))
        }
        None if source.openapi_version().is_some_and(|v| v.starts_with("3.0."))
            || !["components", "webhooks"].iter().any(|k| doc.get(k).is_some()) =>
        {
            Err(source.error("", "the document has no `paths`", Some("add `paths:` with at least one operation")))
        }
        _ => Ok(()),
    }
}

/// Every `$ref` of `refs` (the holder's pointer and the reference, as
/// [`walk::refs_below`] lists them) is local and resolves; one in place of a schema points at
/// a schema.
pub(crate) fn references(source: &Document, doc: &Value, refs: &[(String, String)]) -> Result<()> {
    let mut schemas = HashSet::new();
    walk::visit_schemas(doc, &mut |pointer, _| {
        schemas.insert(pointer.to_string());
    });
    // Many `$ref`s share a target: resolve each target once.
    let mut resolves: HashMap<&str, bool> = HashMap::new();
    for (holder, target) in refs {
        let at = || format!("{holder}/$ref");
        let Some(local) = target.strip_prefix('#') else {
            return Err(source.error(
                &at(),
                format!("external reference `{target}` is not supported"),
                Some("bundle the document into one file first (for example with `redocly bundle`)"),
            ));
        };
        if !*resolves.entry(local).or_insert_with(|| doc.pointer(local).is_some()) {
            return Err(source.error(
                &at(),
                format!("`$ref` target `{target}` does not exist"),
                suggestion(doc, local).as_deref(),
            ));
        }
        if schemas.contains(holder) && !schemas.contains(local) {
            return Err(source.error(
                &at(),
                format!("`{target}` is used as a schema but does not point at a schema"),
                Some("refer to a schema, e.g. `#/components/schemas/Thing`"),
            ));
        }
    }
    Ok(())
}

/// "did you mean" for a missing `#/components/<kind>/<name>`.
pub(crate) fn suggestion(doc: &Value, local: &str) -> Option<String> {
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

/// Keywords that apply their sub-schemas to the value itself, not to a part of it.
const IN_PLACE_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// One `$ref` that applies to the same value as the node it is reached from: its holder's
/// pointer and its target's (without `#`).
struct Hop {
    holder: String,
    target: String,
}

/// No loop of `$ref`s comes back to where it started without going through a property, an
/// item or anything else that describes a part of the value: such a schema (a bare `$ref`
/// to itself, two schemas each the `allOf` of the other) never describes a value, and
/// validating against it would never end. Recursion through properties and items is fine.
/// Only local references that resolve are followed (run after [`references`], on the same
/// `refs`).
pub(crate) fn cycles(source: &Document, doc: &Value, refs: &[(String, String)]) -> Result<()> {
    let starts: BTreeSet<&str> = refs.iter().filter_map(|(_, t)| t.strip_prefix('#')).collect();
    let mut hops: HashMap<String, Vec<Hop>> = HashMap::new();
    let mut done: HashSet<String> = HashSet::new();
    for start in starts {
        if let Some(cycle) = cycle_from(doc, start, &mut hops, &mut done) {
            let (trail, holder) = cycle;
            return Err(source.error(
                &format!("{holder}/$ref"),
                format!("cyclic `$ref`: {}", trail.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" → ")),
                Some(
                    "no schema of the loop describes a value of its own (each is the next one, or an allOf/anyOf/\
                     oneOf/not of it): describe one, or refer to the next from a property or an item",
                ),
            ));
        }
    }
    Ok(())
}

/// Depth-first search from `start` over [`Hop`]s: the loop found (targets, the first one
/// repeated at the end) and the holder of the `$ref` that closes it.
fn cycle_from(
    doc: &Value,
    start: &str,
    hops: &mut HashMap<String, Vec<Hop>>,
    done: &mut HashSet<String>,
) -> Option<(Vec<String>, String)> {
    if done.contains(start) {
        return None;
    }
    // The path being explored: each target with the index of its next hop to try.
    let mut path: Vec<(String, usize)> = vec![(start.to_string(), 0)];
    while let Some((node, next)) = path.last().cloned() {
        let out = hops.entry(node.clone()).or_insert_with(|| in_place_hops(doc, &node));
        let Some(hop) = out.get(next) else {
            done.insert(node);
            path.pop();
            continue;
        };
        let (holder, target) = (hop.holder.clone(), hop.target.clone());
        path.last_mut().expect("not empty").1 += 1;
        if let Some(i) = path.iter().position(|(n, _)| *n == target) {
            let mut trail: Vec<String> = path[i..].iter().map(|(n, _)| n.clone()).collect();
            trail.push(target);
            return Some((trail, holder));
        }
        if !done.contains(&target) {
            path.push((target, 0));
        }
    }
    None
}

/// The local `$ref`s that apply to the value of the node at `pointer`: its own, and those of
/// its `allOf`/`anyOf`/`oneOf` members and its `not`, at any depth.
fn in_place_hops(doc: &Value, pointer: &str) -> Vec<Hop> {
    let mut out = Vec::new();
    collect_hops(doc, pointer, &mut out);
    out
}

fn collect_hops(doc: &Value, pointer: &str, out: &mut Vec<Hop>) {
    let Some(node) = doc.pointer(pointer).and_then(Value::as_object) else { return };
    if let Some(target) = node.get("$ref").and_then(Value::as_str).and_then(|t| t.strip_prefix('#'))
        && doc.pointer(target).is_some()
    {
        out.push(Hop { holder: pointer.to_string(), target: target.to_string() });
    }
    for key in IN_PLACE_LISTS {
        let members = node.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        for i in 0..members {
            collect_hops(doc, &format!("{pointer}/{key}/{i}"), out);
        }
    }
    if node.get("not").is_some_and(Value::is_object) {
        collect_hops(doc, &format!("{pointer}/not"), out);
    }
}

const LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];

/// Every operation is a mapping with a unique, non-empty `operationId` (the changelog names
/// operations by it), `responses` (required by 3.0) and well-formed parameters that match the
/// path template.
pub(crate) fn operations(source: &Document, doc: &Value) -> Result<()> {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let item_ptr = format!("/paths/{}", escape_segment(path));
        for method in walk::METHODS {
            let Some(op) = item.get(method) else { continue };
            let pointer = format!("{item_ptr}/{method}");
            let id = operation_id(source, &pointer, op, &mut ids)?;
            responses(source, &pointer, op)?;
            let mut declared = BTreeSet::new();
            for (owner, node) in [(&item_ptr, item), (&pointer, op)] {
                parameters(source, doc, path, owner, node, &mut declared)?;
            }
            template(source, path, (&pointer, &id), &declared)?;
        }
    }
    Ok(())
}

/// The operation's `operationId`, after checking it is there and unique.
fn operation_id(source: &Document, pointer: &str, op: &Value, ids: &mut BTreeMap<String, String>) -> Result<String> {
    if !op.is_object() {
        return Err(source.error(
            pointer,
            "an operation must be a mapping",
            Some("give it `operationId`, `parameters` and `responses` keys"),
        ));
    }
    let id = match op.get("operationId") {
        Some(Value::String(id)) if !id.trim().is_empty() => id,
        Some(_) => {
            return Err(source.error(
                &format!("{pointer}/operationId"),
                "`operationId` must be a non-empty string",
                Some("give it a name such as `getThings`: the SDK method and the changelog entry are named after it"),
            ));
        }
        None => {
            return Err(source.error(
                pointer,
                "the operation has no `operationId`",
                Some("add an `operationId` (for example `getThings`): the SDK method and the changelog entry are named after it"),
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
    Ok(id.clone())
}

fn responses(source: &Document, pointer: &str, op: &Value) -> Result<()> {
    let required = source.openapi_version().is_some_and(|v| v.starts_with("3.0."));
    match op.get("responses") {
        Some(responses) if responses.is_object() => Ok(()),
        None if !required => Ok(()),
        Some(_) => Err(source.error(
            &format!("{pointer}/responses"),
            "`responses` must be a mapping",
            Some("map each status to a response, e.g. `'200': {description: OK}`"),
        )),
        None => Err(source.error(
            pointer,
            "the operation has no `responses` mapping (OpenAPI 3.0 requires one)",
            Some("add `responses:` with at least one status, e.g. `'200': {description: OK}`"),
        )),
    }
}

/// The `parameters` of `node` (a path item or an operation, at `owner`): a list of
/// parameters, each with a `name`, a valid `in` and a `schema` or `content`; path parameters
/// appear in the path and are added to `declared`.
fn parameters(
    source: &Document,
    doc: &Value,
    path: &str,
    owner: &str,
    node: &Value,
    declared: &mut BTreeSet<String>,
) -> Result<()> {
    let Some(params) = node.get("parameters") else { return Ok(()) };
    let Some(params) = params.as_array() else {
        return Err(source.error(
            &format!("{owner}/parameters"),
            "`parameters` must be a list",
            Some("write each parameter as a list item (`- name: ...`)"),
        ));
    };
    for (i, raw) in params.iter().enumerate() {
        let at = || format!("{owner}/parameters/{i}");
        let p = walk::deref(doc, raw);
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            return Err(source.error(&at(), "the parameter has no `name`", Some("add `name:`")));
        };
        let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
        if !LOCATIONS.contains(&location) {
            return Err(source.error(
                &at(),
                format!("parameter `{name}` has `in: {location}`"),
                Some("`in` is one of path, query, header, cookie (a body is a `requestBody`)"),
            ));
        }
        if p.get("schema").is_none() && p.get("content").is_none() {
            return Err(source.error(
                &at(),
                format!("parameter `{name}` has no `schema`"),
                Some("add a `schema` (for example `{type: string}`)"),
            ));
        }
        if location == "path" {
            if !path.contains(&format!("{{{name}}}")) {
                return Err(source.error(
                    &at(),
                    format!("path parameter `{name}` does not appear in the path `{path}`"),
                    Some(&format!("add `{{{name}}}` to the path, or make it a query parameter")),
                ));
            }
            declared.insert(name.to_string());
        }
    }
    Ok(())
}

/// The path template parses, and each of its `{name}`s is a declared path parameter of the
/// operation (its pointer and id).
fn template(source: &Document, path: &str, (pointer, id): (&str, &str), declared: &BTreeSet<String>) -> Result<()> {
    let template = PathTemplate::parse(path).map_err(|message| {
        source.error(
            &format!("/paths/{}", escape_segment(path)),
            message,
            Some("write each parameter as `{name}`, a name between `{` and `}`"),
        )
    })?;
    match template.params().find(|name| !declared.contains(*name)) {
        Some(name) => Err(source.error(
            pointer,
            format!("the path `{path}` has `{{{name}}}` but `{id}` declares no path parameter `{name}`"),
            Some(&format!("add a parameter with `name: {name}` and `in: path`")),
        )),
        None => Ok(()),
    }
}

/// Checks on the whole document, before tag selection (which relies on them): `info`, the
/// keys of every path item, and every operation's `tags`.
fn structure(source: &Document) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<()> {
        document(&super::super::load::parse("t.yaml", text.to_string())?)
    }

    const HEAD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n";

    fn with_schemas(schemas: &str) -> String {
        format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A'}}\ncomponents:\n  schemas:\n{schemas}"
        )
    }

    #[test]
    fn recursion_through_properties_and_items_is_fine() {
        let doc = with_schemas(
            "    A:\n      type: object\n      properties:\n        children: {type: array, items: {$ref: '#/components/schemas/A'}}\n        parent: {$ref: '#/components/schemas/A'}\n",
        );
        check(&doc).unwrap();
    }

    #[test]
    fn loops_through_composition_are_refused() {
        for schemas in [
            "    A: {$ref: '#/components/schemas/A'}\n",
            "    A: {oneOf: [{type: string}, {$ref: '#/components/schemas/B'}]}\n    B: {allOf: [{$ref: '#/components/schemas/A'}]}\n",
            "    A: {not: {anyOf: [{$ref: '#/components/schemas/A'}]}}\n",
        ] {
            let err = check(&with_schemas(schemas)).unwrap_err().to_string();
            assert!(err.contains("cyclic `$ref`: #/components/schemas/A → "), "{schemas}: {err}");
        }
    }

    #[test]
    fn the_cycle_is_reported_at_the_ref_that_closes_it() {
        let err = check(&with_schemas(
            "    A: {allOf: [{$ref: '#/components/schemas/B'}]}\n    B: {allOf: [{$ref: '#/components/schemas/A'}]}\n",
        ))
        .unwrap_err();
        assert_eq!(err.location().unwrap().pointer, "/components/schemas/B/allOf/0/$ref");
        assert!(err.to_string().contains("#/components/schemas/A → #/components/schemas/B → #/components/schemas/A"));
    }

    #[test]
    fn schema_refs_may_point_at_any_schema() {
        let doc = with_schemas(
            "    A: {$ref: '#/components/schemas/B/properties/x'}\n    B: {properties: {x: {type: string}}}\n",
        );
        check(&doc).unwrap();
        let doc = with_schemas("    A: {$ref: '#/components/schemas'}\n");
        assert!(check(&doc).unwrap_err().to_string().contains("does not point at a schema"));
    }

    #[test]
    fn a_3_1_document_may_have_no_paths_and_operations_no_responses() {
        check(&format!("{HEAD}components: {{}}\n")).unwrap();
        check(&format!("{HEAD}paths:\n  /a:\n    get: {{operationId: a}}\n")).unwrap();
        let err = check("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get: {operationId: a}\n");
        assert!(err.unwrap_err().to_string().contains("OpenAPI 3.0 requires one"));
        assert!(check(&format!("{HEAD}tags: []\n")).is_err());
    }

    #[test]
    fn path_templates_match_path_level_parameters_too() {
        let doc = format!(
            "{HEAD}paths:\n  /a/{{id}}:\n    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n    get: {{operationId: a}}\n    put: {{operationId: b}}\n"
        );
        check(&doc).unwrap();
    }
}
