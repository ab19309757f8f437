//! The rewrite rules: named edits that give the later stages one spelling of each construct
//! (the model, the suites' samples and the type step read `type` as one string, `example` as
//! one value, a choice as `enum`) and take the client-wide headers out of operations. The
//! type step converts the result to JSON Schema for typify. The naming rules (`naming.rs`)
//! run on the whole document before selection; these after it.
//!
//! Each rule is a named function over the document that returns what it changed, so a
//! maintainer can see (`cargo xtask codegen --explain`) exactly what the generator did to the
//! document and why. Rules run in the order of [`RULES`].

use serde_json::{Value, json};

use super::rewrite::{Edits, Rewrite, Rule, run};
use crate::openapi::walk::{self, for_each_schema};
use crate::openapi::{Origins, escape_segment};

/// All rules, in the order they run.
pub const RULES: &[(&str, Rule)] = &[
    ("nullable_type_arrays", nullable_type_arrays),
    ("null_variants_in_compositions", null_variants_in_compositions),
    ("const_to_single_value_enum", const_to_single_value_enum),
    ("examples_to_example", examples_to_example),
    ("schema_ref_siblings_to_all_of", schema_ref_siblings_to_all_of),
    ("remove_global_parameters", remove_global_parameters),
];

/// Runs every rule over `doc`, returning all changes in order.
pub fn normalise(doc: &mut Value, origins: &mut Origins) -> Vec<Rewrite> {
    run(RULES, doc, origins)
}

/// 3.1 `type: [T, "null"]` becomes 3.0 `type: T` + `nullable: true`; a list of several
/// non-null types becomes a `oneOf` of one schema per type (the model and the suites read
/// `type` as one string; the type step turns `nullable` back into a `null` member).
pub fn nullable_type_arrays(doc: &mut Value, edits: &mut Edits<'_>) {
    for_each_schema(doc, &mut |ptr, schema| {
        let Some(Value::Array(types)) = schema.get("type").cloned() else {
            return;
        };
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        schema.remove("type");
        match rest.as_slice() {
            [] => {
                schema.insert("nullable".into(), Value::Bool(true));
            }
            [one] => {
                schema.insert("type".into(), one.clone());
            }
            many => {
                let variants = many.iter().map(|t| json!({ "type": t })).collect();
                schema.insert("oneOf".into(), Value::Array(variants));
            }
        }
        if nullable {
            schema.insert("nullable".into(), Value::Bool(true));
        }
        edits.add(ptr, format!("type list {rest:?}{} → 3.0 form", if nullable { " + null" } else { "" }));
    });
}

/// A `{type: 'null'}` member of `oneOf`/`anyOf` (3.1's way to say "or null") is removed and
/// the schema marked `nullable: true`, as a `null` type list is. A composition
/// left with one `$ref` member becomes an `allOf` of it, which typify reads as that member;
/// one inline member is merged into the schema.
pub fn null_variants_in_compositions(doc: &mut Value, edits: &mut Edits<'_>) {
    for_each_schema(doc, &mut |ptr, schema| {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(members)) = schema.get(key) else {
                continue;
            };
            let is_null = |m: &Value| m.get("type").is_some_and(|t| t == "null");
            if !members.iter().any(is_null) {
                continue;
            }
            let kept: Vec<Value> = members.iter().filter(|m| !is_null(m)).cloned().collect();
            schema.remove(key);
            if let [Value::Object(inline)] = kept.as_slice()
                && !inline.contains_key("$ref")
            {
                // An inline member is merged in (wrapping it would make typify name it twice).
                for (k, v) in inline {
                    schema.entry(k.clone()).or_insert_with(|| v.clone());
                }
            } else if kept.len() == 1 {
                schema.insert("allOf".into(), Value::Array(kept));
            } else if !kept.is_empty() {
                schema.insert(key.into(), Value::Array(kept));
            }
            schema.insert("nullable".into(), Value::Bool(true));
            edits.add(ptr, format!("removed the null member of {key}; schema is nullable"));
        }
        if schema.get("type").is_some_and(|t| t == "null") {
            schema.remove("type");
            schema.insert("nullable".into(), Value::Bool(true));
            schema.insert("enum".into(), json!([null]));
            edits.add(ptr, "type null → enum [null]");
        }
    });
}

/// 3.1 `const: X` becomes `enum: [X]`: the one spelling of a fixed choice that the model,
/// the samples and the type step read.
pub fn const_to_single_value_enum(doc: &mut Value, edits: &mut Edits<'_>) {
    for_each_schema(doc, &mut |ptr, schema| {
        if let Some(value) = schema.remove("const") {
            edits.add(ptr, format!("const {value} → enum"));
            schema.insert("enum".into(), Value::Array(vec![value]));
        }
    });
}

/// 3.1 schema `examples: [..]` becomes `example` (the first one) when none is set: the
/// samples, pages and mock read one `example`.
pub fn examples_to_example(doc: &mut Value, edits: &mut Edits<'_>) {
    for_each_schema(doc, &mut |ptr, schema| {
        if let Some(Value::Array(examples)) = schema.get("examples").cloned() {
            schema.remove("examples");
            if !schema.contains_key("example")
                && let Some(first) = examples.into_iter().next()
            {
                schema.insert("example".into(), first);
            }
            edits.add(ptr, "examples list → example");
        }
    });
}

/// 3.1 lets a schema `$ref` have siblings (a description, `nullable`...); typify reads a
/// `$ref` alone. `{$ref, ...}` becomes `{allOf: [{$ref}], ...}`, which keeps both.
/// Siblings that only document (`description`, `summary`, `example`) are dropped instead,
/// so the referenced type is used as is rather than wrapped in a new one.
pub fn schema_ref_siblings_to_all_of(doc: &mut Value, edits: &mut Edits<'_>) {
    for_each_schema(doc, &mut |ptr, schema| {
        let Some(reference) = schema.get("$ref").cloned() else {
            return;
        };
        if schema.len() == 1 {
            return;
        }
        let doc_only =
            schema.keys().all(|k| ["$ref", "description", "summary", "example", "title"].contains(&k.as_str()));
        if doc_only {
            let dropped: Vec<String> = schema.keys().filter(|k| *k != "$ref").cloned().collect();
            schema.retain(|k, _| k == "$ref");
            edits.add(ptr, format!("dropped {dropped:?} beside $ref"));
        } else {
            schema.remove("$ref");
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
            edits.add(ptr, "$ref with siblings → allOf");
        }
    });
}

/// The `(name, in)` pairs of the parameters listed in `x-speakeasy-globals`: the SDK client
/// sets these once (as headers on every request), not per call.
pub fn global_parameters(doc: &Value) -> Vec<(String, String)> {
    walk::global_parameters(doc)
        .filter_map(|(_, p)| Some((p.get("name")?.as_str()?.to_string(), p.get("in")?.as_str()?.to_string())))
        .collect()
}

/// Operations list the `x-speakeasy-globals` parameters again (or not at all: `GET /butler`
/// lists none). The SDK sends them from the client's configuration, never as a method's
/// argument, so they are removed from every operation.
pub fn remove_global_parameters(doc: &mut Value, edits: &mut Edits<'_>) {
    let globals = global_parameters(doc);
    if globals.is_empty() {
        return;
    }
    let mut owners: Vec<String> = walk::operations(doc).into_iter().map(|o| o.pointer).collect();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        owners.extend(paths.keys().map(|p| format!("/paths/{}", escape_segment(p))));
    }
    for owner in owners {
        let Some(params) = doc.pointer(&format!("{owner}/parameters")).and_then(Value::as_array) else {
            continue;
        };
        let keep: Vec<bool> = params
            .iter()
            .map(|p| {
                let p = walk::deref(doc, p);
                let key = (
                    p.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
                    p.get("in").and_then(Value::as_str).unwrap_or_default().to_string(),
                );
                !globals.contains(&key)
            })
            .collect();
        let removed = keep.iter().filter(|k| !**k).count();
        if removed == 0 {
            continue;
        }
        if let Some(Value::Array(params)) = doc.pointer_mut(&format!("{owner}/parameters")) {
            let mut flags = keep.iter();
            params.retain(|_| *flags.next().unwrap_or(&true));
        }
        // The parameters after a removed one move up: errors about them name their place in
        // the source.
        for (now, was) in keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i).enumerate() {
            edits.moved(format!("{owner}/parameters/{now}"), format!("{owner}/parameters/{was}"));
        }
        edits.add(
            &format!("{owner}/parameters"),
            format!("removed {removed} global parameter(s); the client sends them"),
        );
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::prepare::rewrite::edits_of;

    fn doc_with_schema(schema: Value) -> Value {
        json!({ "openapi": "3.1.1", "paths": {}, "components": { "schemas": { "S": schema } } })
    }

    #[test]
    fn nullable_type_arrays_becomes_nullable() {
        let mut doc =
            doc_with_schema(json!({ "type": "object", "properties": { "a": { "type": ["string", "null"] } } }));
        let changes = edits_of(nullable_type_arrays, &mut doc);
        assert_eq!(doc["components"]["schemas"]["S"]["properties"]["a"], json!({ "type": "string", "nullable": true }));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].pointer, "/components/schemas/S/properties/a");
        let mut doc = doc_with_schema(json!({ "type": ["string", "integer"] }));
        edits_of(nullable_type_arrays, &mut doc);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }] })
        );
    }

    #[test]
    fn null_members_are_removed_from_one_of() {
        let mut doc = doc_with_schema(json!({ "oneOf": [{ "$ref": "#/components/schemas/T" }, { "type": "null" }] }));
        let changes = edits_of(null_variants_in_compositions, &mut doc);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({ "allOf": [{ "$ref": "#/components/schemas/T" }], "nullable": true })
        );
        assert_eq!(changes.len(), 1);
        let mut untouched = doc_with_schema(json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }] }));
        assert!(edits_of(null_variants_in_compositions, &mut untouched).is_empty());
    }

    #[test]
    fn const_becomes_enum() {
        let mut doc = doc_with_schema(json!({ "const": "x" }));
        assert_eq!(edits_of(const_to_single_value_enum, &mut doc).len(), 1);
        assert_eq!(doc["components"]["schemas"]["S"], json!({ "enum": ["x"] }));
    }

    #[test]
    fn examples_list_becomes_example() {
        let mut doc = doc_with_schema(json!({ "type": "string", "examples": ["a", "b"] }));
        assert_eq!(edits_of(examples_to_example, &mut doc).len(), 1);
        assert_eq!(doc["components"]["schemas"]["S"], json!({ "type": "string", "example": "a" }));
    }

    #[test]
    fn ref_siblings() {
        let mut doc = doc_with_schema(json!({ "properties": {
            "documented": { "$ref": "#/components/schemas/T", "description": "d" },
            "nullable": { "$ref": "#/components/schemas/T", "nullable": true },
        }}));
        assert_eq!(edits_of(schema_ref_siblings_to_all_of, &mut doc).len(), 2);
        let props = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(props["documented"], json!({ "$ref": "#/components/schemas/T" }));
        assert_eq!(props["nullable"], json!({ "allOf": [{ "$ref": "#/components/schemas/T" }], "nullable": true }));
    }

    pub(in crate::prepare) fn butler_like() -> Value {
        let param = |name: &str| json!({ "name": name, "in": "header", "schema": { "type": "string" } });
        let task = json!({ "name": "butlerTask", "in": "path", "required": true,
            "schema": { "type": "string", "enum": ["A", "B"], "example": "A" } });
        json!({
            "openapi": "3.1.1",
            "x-speakeasy-globals": { "parameters": [{ "$ref": "#/components/parameters/X-Plex-Product" }] },
            "paths": { "/butler/{butlerTask}": {
                "post": { "operationId": "startTask", "parameters": [{ "$ref": "#/components/parameters/X-Plex-Product" }, task.clone()], "responses": {} },
                "delete": { "operationId": "stopTask", "parameters": [param("X-Plex-Product"), task], "responses": {} },
            } },
            "components": { "parameters": { "X-Plex-Product": param("X-Plex-Product") } },
        })
    }

    #[test]
    fn globals_are_removed_from_operations() {
        let mut doc = butler_like();
        let changes = edits_of(remove_global_parameters, &mut doc);
        assert_eq!(changes.len(), 2, "{changes:?}");
        for method in ["post", "delete"] {
            let params = doc["paths"]["/butler/{butlerTask}"][method]["parameters"].as_array().unwrap();
            assert_eq!(params.len(), 1);
            assert_eq!(params[0]["name"], "butlerTask");
        }
    }
}
