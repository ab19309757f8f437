//! Selection: keep only the operations of the chosen tags, then drop every component they do
//! not reach (with one tag, typify sees a few hundred lines, not the whole document).

use std::collections::BTreeSet;

use serde_json::Value;

use super::rewrite::Rewrite;
use crate::openapi::walk;
use crate::openapi::{Document, escape_segment, pointer_segments};

/// The tag names the document declares (in `tags`) or uses (on operations), sorted.
pub fn known_tags(doc: &Value) -> Vec<String> {
    let mut tags = BTreeSet::new();
    if let Some(list) = doc.get("tags").and_then(Value::as_array) {
        tags.extend(list.iter().filter_map(|t| t.get("name")?.as_str().map(str::to_string)));
    }
    for op in walk::operations(doc) {
        if let Some(list) = doc.pointer(&format!("{}/tags", op.pointer)).and_then(Value::as_array) {
            tags.extend(list.iter().filter_map(|t| t.as_str().map(str::to_string)));
        }
    }
    tags.into_iter().collect()
}

/// Keeps the operations tagged with one of `tags` (exact names) and the components they
/// reach. An unknown tag is an error that lists the known ones.
pub fn select_tags(source: &Document, doc: &mut Value, tags: &[String]) -> crate::error::Result<Vec<Rewrite>> {
    let known = known_tags(doc);
    for tag in tags {
        if !known.contains(tag) {
            return Err(source.error(
                if doc.get("tags").is_some() { "/tags" } else { "" },
                format!("no operation has the tag `{tag}`"),
                Some(&format!("known tags: {}", known.join(", "))),
            ));
        }
    }
    let mut changes = Vec::new();
    let mut removed = 0usize;
    for op in walk::operations(doc).into_iter().rev() {
        let op_tags: Vec<String> = doc
            .pointer(&format!("{}/tags", op.pointer))
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(|t| t.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if !op_tags.iter().any(|t| tags.contains(t))
            && let Some(item) =
                doc.pointer_mut(&format!("/paths/{}", escape_segment(&op.path))).and_then(Value::as_object_mut)
        {
            item.remove(op.method);
            removed += 1;
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|_, item| item.as_object().is_some_and(|i| walk::METHODS.iter().any(|m| i.contains_key(*m))));
    }
    if let Some(list) = doc.get_mut("tags").and_then(Value::as_array_mut) {
        list.retain(|t| t.get("name").and_then(Value::as_str).is_some_and(|n| tags.iter().any(|s| s == n)));
    }
    changes.push(Rewrite {
        rule: "select_tags",
        pointer: "/paths".into(),
        detail: format!("kept tags {tags:?}; removed {removed} operation(s) of other tags"),
    });
    changes.extend(prune_components(doc));
    Ok(changes)
}

/// Removes every component that no `$ref` reachable from the paths, the
/// `x-speakeasy-globals` list or the security requirements leads to.
pub fn prune_components(doc: &mut Value) -> Vec<Rewrite> {
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut queue = Vec::new();
    for root in ["/paths", "/x-speakeasy-globals"] {
        if let Some(node) = doc.pointer(root) {
            walk::refs_below(node, root, &mut queue);
        }
    }
    while let Some((_, target)) = queue.pop() {
        let Some(pointer) = target.strip_prefix('#') else {
            continue;
        };
        // The component itself: /components/<kind>/<name>.
        let segments = pointer_segments(pointer);
        if segments.len() < 3 || segments[0] != "components" {
            continue;
        }
        let component = format!("/components/{}/{}", escape_segment(&segments[1]), escape_segment(&segments[2]));
        if reached.insert(component.clone())
            && let Some(node) = doc.pointer(&component)
        {
            walk::refs_below(node, &component, &mut queue);
        }
    }
    let mut changes = Vec::new();
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in components.iter_mut() {
            if kind == "securitySchemes" {
                continue;
            }
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            let before = entries.len();
            entries.retain(|name, _| {
                reached.contains(&format!("/components/{}/{}", escape_segment(kind), escape_segment(name)))
            });
            if before != entries.len() {
                changes.push(Rewrite {
                    rule: "prune_components",
                    pointer: format!("/components/{}", escape_segment(kind)),
                    detail: format!("kept {} of {before}", entries.len()),
                });
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source() -> Document {
        crate::openapi::parse("t.yaml", "openapi: 3.1.0\n".into()).unwrap()
    }

    #[test]
    fn keeps_tagged_operations_and_reached_components() {
        let mut doc = json!({
            "tags": [{ "name": "A" }, { "name": "B" }],
            "paths": {
                "/a": { "get": { "tags": ["A"], "responses": { "200": { "$ref": "#/components/responses/ok" } } } },
                "/b": { "get": { "tags": ["B"], "responses": { "200": { "$ref": "#/components/responses/other" } } } },
            },
            "components": {
                "responses": { "ok": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/X" } } } },
                               "other": { "description": "" } },
                "schemas": { "X": { "properties": { "y": { "$ref": "#/components/schemas/Y" } } }, "Y": {}, "Z": {} },
                "securitySchemes": { "token": {} },
            }
        });
        select_tags(&source(), &mut doc, &["A".to_string()]).unwrap();
        assert!(doc["paths"].get("/b").is_none());
        assert_eq!(doc["tags"], json!([{ "name": "A" }]));
        let schemas: Vec<&String> = doc["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["X", "Y"]);
        assert!(doc["components"]["responses"].get("other").is_none());
        assert!(doc["components"]["securitySchemes"].get("token").is_some());
    }

    #[test]
    fn unknown_tag_lists_known_ones() {
        let mut doc = json!({ "paths": { "/a": { "get": { "tags": ["Butler"] } } } });
        let err = select_tags(&source(), &mut doc, &["Butlr".to_string()]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("no operation has the tag `Butlr`") && text.contains("known tags: Butler"), "{text}");
    }

    #[test]
    fn cyclic_refs_terminate() {
        let mut doc = json!({ "paths": { "/a": { "get": { "responses": { "200": { "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/A" } } } } } } } },
            "components": { "schemas": { "A": { "properties": { "b": { "$ref": "#/components/schemas/B" } } },
                                          "B": { "properties": { "a": { "$ref": "#/components/schemas/A" } } } } } });
        prune_components(&mut doc);
        assert_eq!(doc["components"]["schemas"].as_object().unwrap().len(), 2);
    }
}
