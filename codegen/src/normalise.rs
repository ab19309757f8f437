//! Normalisation: named rules that rewrite a loaded document into the OpenAPI 3.0 spellings
//! the type step converts for typify, and into the shape our emitter wants. The naming rules
//! run on the whole document before selection; the others after it.
//!
//! Each rule is a named function over the document that returns what it changed, so a
//! maintainer can see (`cargo xtask codegen --explain`) exactly what the generator did to the
//! document and why. Rules run in the order of [`RULES`].

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use crate::load::escape_segment;
use crate::walk::{self, for_each_schema};

/// One edit a rule made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rewrite {
    /// The rule's name.
    pub rule: &'static str,
    /// JSON pointer of the node it changed (before the change).
    pub pointer: String,
    /// What it did.
    pub detail: String,
}

/// A normalisation rule: edits the document in place, returns its edits.
pub type Rule = fn(&mut Value) -> Vec<Rewrite>;

/// All rules, in the order they run.
pub const RULES: &[(&str, Rule)] = &[
    ("nullable_type_arrays", nullable_type_arrays),
    ("null_variants_in_compositions", null_variants_in_compositions),
    ("const_to_single_value_enum", const_to_single_value_enum),
    ("numeric_exclusive_bounds", numeric_exclusive_bounds),
    ("examples_to_example", examples_to_example),
    ("schema_ref_siblings_to_all_of", schema_ref_siblings_to_all_of),
    ("reference_object_siblings", reference_object_siblings),
    ("remove_global_parameters", remove_global_parameters),
    ("declare_openapi_3_0", declare_openapi_3_0),
];

/// The rules that give inline schemas names of their own, run on the whole document before
/// selection (see [`name_inline_schemas`]).
pub const NAMING_RULES: &[(&str, Rule)] = &[
    ("hoist_inline_parameter_enums", hoist_inline_parameter_enums),
    ("hoist_inline_parameter_objects", hoist_inline_parameter_objects),
    ("hoist_inline_response_schemas", hoist_inline_response_schemas),
    ("hoist_inline_integer_enums", hoist_inline_integer_enums),
];

/// Runs the naming rules over the whole document: a hoisted type's name then depends on the
/// document alone, never on which tags are generated.
pub fn name_inline_schemas(doc: &mut Value) -> Vec<Rewrite> {
    NAMING_RULES.iter().flat_map(|(_, rule)| rule(doc)).collect()
}

/// Runs every rule over `doc`, returning all changes in order.
pub fn normalise(doc: &mut Value) -> Vec<Rewrite> {
    RULES.iter().flat_map(|(_, rule)| rule(doc)).collect()
}

fn change(rule: &'static str, pointer: &str, detail: impl Into<String>) -> Rewrite {
    Rewrite { rule, pointer: pointer.to_string(), detail: detail.into() }
}

/// 3.1 `type: [T, "null"]` becomes 3.0 `type: T` + `nullable: true`; a list of several
/// non-null types becomes a `oneOf` of one schema per type (openapiv3 only reads a single
/// string in `type`).
pub fn nullable_type_arrays(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
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
        changes.push(change(
            "nullable_type_arrays",
            ptr,
            format!("type list {rest:?}{} → 3.0 form", if nullable { " + null" } else { "" }),
        ));
    });
    changes
}

/// A `{type: 'null'}` member of `oneOf`/`anyOf` (3.1's way to say "or null") is removed and
/// the schema marked `nullable: true`; progenitor panics on `type: 'null'`. A composition
/// left with one `$ref` member becomes an `allOf` of it, which typify reads as that member;
/// one inline member is merged into the schema.
pub fn null_variants_in_compositions(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
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
            changes.push(change(
                "null_variants_in_compositions",
                ptr,
                format!("removed the null member of {key}; schema is nullable"),
            ));
        }
        if schema.get("type").is_some_and(|t| t == "null") {
            schema.remove("type");
            schema.insert("nullable".into(), Value::Bool(true));
            schema.insert("enum".into(), json!([null]));
            changes.push(change("null_variants_in_compositions", ptr, "type null → enum [null]"));
        }
    });
    changes
}

/// 3.1 `const: X` becomes `enum: [X]`; openapiv3 would drop `const` silently.
pub fn const_to_single_value_enum(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
    for_each_schema(doc, &mut |ptr, schema| {
        if let Some(value) = schema.remove("const") {
            changes.push(change("const_to_single_value_enum", ptr, format!("const {value} → enum")));
            schema.insert("enum".into(), Value::Array(vec![value]));
        }
    });
    changes
}

/// 3.1 numeric `exclusiveMinimum: N` becomes 3.0 `minimum: N, exclusiveMinimum: true`
/// (and the same for maximum).
pub fn numeric_exclusive_bounds(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
    for_each_schema(doc, &mut |ptr, schema| {
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(n @ Value::Number(_)) = schema.get(exclusive).cloned() {
                schema.insert(bound.into(), n.clone());
                schema.insert(exclusive.into(), Value::Bool(true));
                changes.push(change("numeric_exclusive_bounds", ptr, format!("{exclusive}: {n} → 3.0 form")));
            }
        }
    });
    changes
}

/// 3.1 schema `examples: [..]` becomes 3.0 `example` (the first one) when none is set.
pub fn examples_to_example(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
    for_each_schema(doc, &mut |ptr, schema| {
        if let Some(Value::Array(examples)) = schema.get("examples").cloned() {
            schema.remove("examples");
            if !schema.contains_key("example")
                && let Some(first) = examples.into_iter().next()
            {
                schema.insert("example".into(), first);
            }
            changes.push(change("examples_to_example", ptr, "examples list → example"));
        }
    });
    changes
}

/// 3.1 lets a schema `$ref` have siblings (a description, `nullable`...); 3.0 and openapiv3
/// ignore them. `{$ref, ...}` becomes `{allOf: [{$ref}], ...}`, which keeps both.
/// Siblings that only document (`description`, `summary`, `example`) are dropped instead,
/// so the referenced type is used as is rather than wrapped in a new one.
pub fn schema_ref_siblings_to_all_of(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
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
            changes.push(change("schema_ref_siblings_to_all_of", ptr, format!("dropped {dropped:?} beside $ref")));
        } else {
            schema.remove("$ref");
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
            changes.push(change("schema_ref_siblings_to_all_of", ptr, "$ref with siblings → allOf"));
        }
    });
    changes
}

/// A Reference Object outside schemas (a parameter, response...) may carry `summary` and
/// `description` in 3.1; openapiv3 then fails to read it. The siblings are dropped (the
/// referenced object has its own).
pub fn reference_object_siblings(doc: &mut Value) -> Vec<Rewrite> {
    let schemas: BTreeSet<String> = walk::schema_roots(doc).into_iter().collect();
    let mut refs = Vec::new();
    walk::refs_below(doc, "", &mut refs);
    let mut changes = Vec::new();
    for (ptr, _) in refs {
        // Inside a schema: the pointer or one of its ancestors is a schema root.
        let mut ancestors = ptr.match_indices('/').map(|(i, _)| &ptr[..i]).chain([ptr.as_str()]);
        if ancestors.any(|a| schemas.contains(a)) {
            continue;
        }
        if let Some(map) = doc.pointer_mut(&ptr).and_then(Value::as_object_mut)
            && map.len() > 1
        {
            map.retain(|k, _| k == "$ref");
            changes.push(change("reference_object_siblings", &ptr, "dropped siblings of $ref"));
        }
    }
    changes
}

/// The `(name, in)` pairs of the parameters listed in `x-speakeasy-globals`: the SDK client
/// sets these once (as headers on every request), not per call.
pub fn global_parameters(doc: &Value) -> Vec<(String, String)> {
    walk::global_parameters(doc)
        .filter_map(|(_, p)| Some((p.get("name")?.as_str()?.to_string(), p.get("in")?.as_str()?.to_string())))
        .collect()
}

/// Operations list the `x-speakeasy-globals` parameters again (or not at all: `GET /butler`
/// lists none). progenitor would make each one a method argument; the SDK sends them from
/// the client's configuration instead, so they are removed from every operation.
pub fn remove_global_parameters(doc: &mut Value) -> Vec<Rewrite> {
    let globals = global_parameters(doc);
    if globals.is_empty() {
        return Vec::new();
    }
    let mut changes = Vec::new();
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
        changes.push(change(
            "remove_global_parameters",
            &format!("{owner}/parameters"),
            format!("removed {removed} global parameter(s); the client sends them"),
        ));
    }
    changes
}

fn operation_id(doc: &Value, op_ptr: &str) -> String {
    doc.pointer(&format!("{op_ptr}/operationId")).and_then(Value::as_str).unwrap_or("operation").to_string()
}

/// Finds a free component schema name for `schema`: `preferred` when free or already holding
/// an equal schema, else `fallback`, else `fallback` with a number.
/// Descriptions do not count: two operations may describe the same enum differently.
fn component_name(schemas: &Map<String, Value>, schema: &Value, preferred: String, fallback: String) -> (String, bool) {
    let same = |existing: &Value| without_description(existing) == without_description(schema);
    let candidates = [preferred, fallback.clone()].into_iter().chain((2..).map(|n| format!("{fallback}{n}")));
    for name in candidates {
        match schemas.get(&name) {
            None => return (name, false),
            Some(existing) if same(existing) => return (name, true),
            _ => {}
        }
    }
    unreachable!("the candidate names are endless")
}

fn without_description(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(map) = schema.as_object_mut() {
        map.remove("description");
    }
    schema
}

fn insert_component_schema(doc: &mut Value, name: &str, schema: Value) {
    let components = doc.as_object_mut().map(|d| d.entry("components").or_insert_with(|| json!({})));
    if let Some(Value::Object(c)) = components
        && let Value::Object(s) = c.entry("schemas").or_insert_with(|| json!({}))
    {
        s.insert(name.to_string(), schema);
    }
}

/// Moves `schema` (found at `pointer`) into the component `preferred`, or `fallback` when that
/// name holds a different schema (see [`component_name`]; an equal one is shared), and puts a
/// `$ref` to it at `pointer`. Returns the component's name.
fn hoist(doc: &mut Value, pointer: &str, schema: Value, preferred: String, fallback: String) -> String {
    let empty = Map::new();
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    let (component, exists) = component_name(schemas, &schema, preferred, fallback);
    if !exists {
        insert_component_schema(doc, &component, schema);
    }
    if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = json!({ "$ref": format!("#/components/schemas/{}", escape_segment(&component)) });
    }
    component
}

/// Parameter names that carry two different inline enums somewhere in the document.
fn ambiguous_enum_names(doc: &Value) -> BTreeSet<String> {
    let mut seen: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
    let mut ambiguous = BTreeSet::new();
    for op in walk::operations(doc) {
        let list = doc.pointer(&format!("{}/parameters", op.pointer)).and_then(Value::as_array);
        for p in list.into_iter().flatten() {
            let (Some(name), Some(schema)) = (p.get("name").and_then(Value::as_str), p.get("schema")) else { continue };
            if schema.get("enum").is_none() || schema.get("$ref").is_some() {
                continue;
            }
            let bare = without_description(schema);
            if seen.entry(name.to_string()).or_insert_with(|| bare.clone()) != &bare {
                ambiguous.insert(name.to_string());
            }
        }
    }
    ambiguous
}

/// An inline `enum` in an operation's parameter becomes a component schema named after the
/// parameter (`butlerTask` → `ButlerTask`) and the parameter refers to it. Operations that
/// repeat the same enum (startTask and stopTask) then share one Rust type, instead of
/// progenitor's one type per operation (`StartTaskButlerTask`, `StopTaskButlerTask`).
/// When the document holds different enums under one parameter name, each gets the
/// operation's name in front, so no name depends on which operation comes first; so does a
/// name that a different component schema already has.
pub fn hoist_inline_parameter_enums(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
    let ambiguous = ambiguous_enum_names(doc);
    for op in walk::operations(doc) {
        let op_id = operation_id(doc, &op.pointer);
        let count = doc.pointer(&format!("{}/parameters", op.pointer)).and_then(Value::as_array).map_or(0, Vec::len);
        for i in 0..count {
            let ptr = format!("{}/parameters/{i}", op.pointer);
            let Some(param) = doc.pointer(&ptr) else { continue };
            let (Some(name), Some(schema)) =
                (param.get("name").and_then(Value::as_str).map(str::to_string), param.get("schema"))
            else {
                continue;
            };
            if schema.get("enum").is_none() || schema.get("$ref").is_some() {
                continue;
            }
            let description = param.get("description").cloned();
            let keeps_example = param.get("example").is_some();
            let mut schema = schema.clone();
            let mut moved_example = None;
            if let Some(map) = schema.as_object_mut() {
                moved_example = map.remove("example").filter(|_| !keeps_example);
                if !map.contains_key("type") {
                    map.insert("type".into(), json!("string"));
                }
                if let (false, Some(d)) = (map.contains_key("description"), description) {
                    map.insert("description".into(), d);
                }
            }
            let fallback = format!("{}{}", op_id.to_upper_camel_case(), name.to_upper_camel_case());
            let preferred = if ambiguous.contains(&name) { fallback.clone() } else { name.to_upper_camel_case() };
            let name = name.as_str();
            let component = hoist(doc, &format!("{ptr}/schema"), schema, preferred, fallback);
            // The schema's example stays with the parameter (the docs' examples use it).
            if let (Some(example), Some(Value::Object(p))) = (moved_example, doc.pointer_mut(&ptr)) {
                p.insert("example".into(), example);
            }
            changes.push(change(
                "hoist_inline_parameter_enums",
                &format!("{ptr}/schema"),
                format!("inline enum of `{name}` → #/components/schemas/{component}"),
            ));
        }
    }
    changes
}

/// An inline object with properties in an operation's parameter (a `deepObject` filter, say)
/// becomes the component `<OperationId><Parameter>`, so its Rust type is named after where it
/// lives. Free-form objects (no properties) stay inline: the SDK takes them as a map.
pub fn hoist_inline_parameter_objects(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
    for op in walk::operations(doc) {
        let op_id = operation_id(doc, &op.pointer);
        let count = doc.pointer(&format!("{}/parameters", op.pointer)).and_then(Value::as_array).map_or(0, Vec::len);
        for i in 0..count {
            let ptr = format!("{}/parameters/{i}/schema", op.pointer);
            let Some(schema) = doc.pointer(&ptr).cloned() else { continue };
            let name = doc.pointer(&format!("{}/parameters/{i}/name", op.pointer)).and_then(Value::as_str);
            let Some(name) = name.map(str::to_string) else { continue };
            if schema.get("properties").is_none() || schema.get("$ref").is_some() {
                continue;
            }
            let base = format!("{}{}", op_id.to_upper_camel_case(), name.to_upper_camel_case());
            let component = hoist(doc, &ptr, schema, base.clone(), format!("{base}Param"));
            changes.push(change(
                "hoist_inline_parameter_objects",
                &ptr,
                format!("inline object of `{name}` → #/components/schemas/{component}"),
            ));
        }
    }
    changes
}

/// The inline JSON schema of a 2xx response becomes the component `<OperationId>Response`,
/// so the Rust type has a name that the emitter (and the user) can rely on; the response's
/// description documents it when the schema has none.
pub fn hoist_inline_response_schemas(doc: &mut Value) -> Vec<Rewrite> {
    let mut changes = Vec::new();
    for op in walk::operations(doc) {
        let op_id = operation_id(doc, &op.pointer);
        let Some(responses) = doc.pointer(&format!("{}/responses", op.pointer)).and_then(Value::as_object) else {
            continue;
        };
        let codes: Vec<String> = responses.keys().filter(|c| c.starts_with('2')).cloned().collect();
        let multiple = codes.len() > 1;
        for code in codes {
            let Some(content) =
                doc.pointer(&format!("{}/responses/{code}/content", op.pointer)).and_then(Value::as_object)
            else {
                continue;
            };
            let Some(media) = content.keys().find(|m| is_json(m)).cloned() else {
                continue;
            };
            let ptr = format!("{}/responses/{code}/content/{}/schema", op.pointer, escape_segment(&media));
            let Some(schema) = doc.pointer(&ptr) else { continue };
            if schema.get("$ref").is_some() {
                continue;
            }
            let base = format!(
                "{}Response{}",
                op_id.to_upper_camel_case(),
                if multiple { code.clone() } else { String::new() }
            );
            let mut schema = schema.clone();
            let description =
                doc.pointer(&format!("{}/responses/{code}/description", op.pointer)).and_then(Value::as_str);
            if let (Some(map), Some(d)) = (schema.as_object_mut(), description) {
                // Names compare schemas without their descriptions, so this cannot change the name.
                map.entry("description").or_insert_with(|| json!(d));
            }
            let component = hoist(doc, &ptr, schema, base.clone(), format!("{base}Body"));
            changes.push(change(
                "hoist_inline_response_schemas",
                &ptr,
                format!("inline schema → #/components/schemas/{component}"),
            ));
        }
    }
    changes
}

/// An inline integer `enum` inside a component schema (a property, an array's items, a
/// member of `allOf`) becomes a component of its own, named after where it lives
/// (`Stream/properties/streamType` → `StreamStreamType`, array items add `Item`), so the
/// generator can define it as an open integer enum and every copy typify makes of the
/// enclosing schema shares the one type. Runs after the response schemas are hoisted, so the
/// names of inline responses' enums start with the operation's.
pub fn hoist_inline_integer_enums(doc: &mut Value) -> Vec<Rewrite> {
    let mut found = Vec::new();
    walk::visit_schemas(doc, &mut |pointer, schema| {
        let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
        let nested = pointer.matches('/').count() > 3;
        if integer
            && nested
            && schema.contains_key("enum")
            && let Some(name) = crate::types::type_name_at(pointer)
        {
            found.push((pointer.to_string(), name, Value::Object(schema.clone())));
        }
    });
    let mut changes = Vec::new();
    for (pointer, preferred, schema) in found {
        let fallback = format!("{preferred}Enum");
        let component = hoist(doc, &pointer, schema, preferred, fallback);
        changes.push(change(
            "hoist_inline_integer_enums",
            &pointer,
            format!("inline integer enum → #/components/schemas/{component}"),
        ));
    }
    changes
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, ...).
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Last: once the 3.1 constructs are gone, the document is declared 3.0.3 (progenitor
/// refuses any other version).
pub fn declare_openapi_3_0(doc: &mut Value) -> Vec<Rewrite> {
    let Some(version) = doc.get("openapi").and_then(Value::as_str).map(str::to_string) else {
        return Vec::new();
    };
    if version.starts_with("3.0.") {
        return Vec::new();
    }
    doc["openapi"] = json!("3.0.3");
    vec![change("declare_openapi_3_0", "/openapi", format!("{version} → 3.0.3"))]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_with_schema(schema: Value) -> Value {
        json!({ "openapi": "3.1.1", "paths": {}, "components": { "schemas": { "S": schema } } })
    }

    #[test]
    fn nullable_type_arrays_becomes_nullable() {
        let mut doc =
            doc_with_schema(json!({ "type": "object", "properties": { "a": { "type": ["string", "null"] } } }));
        let changes = nullable_type_arrays(&mut doc);
        assert_eq!(doc["components"]["schemas"]["S"]["properties"]["a"], json!({ "type": "string", "nullable": true }));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].pointer, "/components/schemas/S/properties/a");
        let mut doc = doc_with_schema(json!({ "type": ["string", "integer"] }));
        nullable_type_arrays(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }] })
        );
    }

    #[test]
    fn null_members_are_removed_from_one_of() {
        let mut doc = doc_with_schema(json!({ "oneOf": [{ "$ref": "#/components/schemas/T" }, { "type": "null" }] }));
        let changes = null_variants_in_compositions(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({ "allOf": [{ "$ref": "#/components/schemas/T" }], "nullable": true })
        );
        assert_eq!(changes.len(), 1);
        let mut untouched = doc_with_schema(json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }] }));
        assert!(null_variants_in_compositions(&mut untouched).is_empty());
    }

    #[test]
    fn const_becomes_enum() {
        let mut doc = doc_with_schema(json!({ "const": "x" }));
        assert_eq!(const_to_single_value_enum(&mut doc).len(), 1);
        assert_eq!(doc["components"]["schemas"]["S"], json!({ "enum": ["x"] }));
    }

    #[test]
    fn exclusive_bounds_become_booleans() {
        let mut doc = doc_with_schema(json!({ "type": "integer", "exclusiveMinimum": 0 }));
        assert_eq!(numeric_exclusive_bounds(&mut doc).len(), 1);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({ "type": "integer", "minimum": 0, "exclusiveMinimum": true })
        );
        let mut three_oh = doc_with_schema(json!({ "type": "integer", "minimum": 0, "exclusiveMinimum": true }));
        assert!(numeric_exclusive_bounds(&mut three_oh).is_empty());
    }

    #[test]
    fn examples_list_becomes_example() {
        let mut doc = doc_with_schema(json!({ "type": "string", "examples": ["a", "b"] }));
        assert_eq!(examples_to_example(&mut doc).len(), 1);
        assert_eq!(doc["components"]["schemas"]["S"], json!({ "type": "string", "example": "a" }));
    }

    #[test]
    fn ref_siblings() {
        let mut doc = doc_with_schema(json!({ "properties": {
            "documented": { "$ref": "#/components/schemas/T", "description": "d" },
            "nullable": { "$ref": "#/components/schemas/T", "nullable": true },
        }}));
        assert_eq!(schema_ref_siblings_to_all_of(&mut doc).len(), 2);
        let props = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(props["documented"], json!({ "$ref": "#/components/schemas/T" }));
        assert_eq!(props["nullable"], json!({ "allOf": [{ "$ref": "#/components/schemas/T" }], "nullable": true }));
    }

    #[test]
    fn reference_objects_lose_siblings_outside_schemas() {
        let mut doc = json!({ "openapi": "3.1.0", "paths": { "/a": { "get": {
            "parameters": [{ "$ref": "#/components/parameters/p", "description": "mine" }],
            "responses": { "200": { "$ref": "#/components/responses/ok", "summary": "s" } } } } } });
        assert_eq!(reference_object_siblings(&mut doc).len(), 2);
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0], json!({ "$ref": "#/components/parameters/p" }));
    }

    fn butler_like() -> Value {
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
        let changes = remove_global_parameters(&mut doc);
        assert_eq!(changes.len(), 2, "{changes:?}");
        for method in ["post", "delete"] {
            let params = doc["paths"]["/butler/{butlerTask}"][method]["parameters"].as_array().unwrap();
            assert_eq!(params.len(), 1);
            assert_eq!(params[0]["name"], "butlerTask");
        }
    }

    #[test]
    fn shared_inline_enums_become_one_component() {
        let mut doc = butler_like();
        let changes = hoist_inline_parameter_enums(&mut doc);
        assert_eq!(changes.len(), 2);
        assert_eq!(doc["components"]["schemas"]["ButlerTask"], json!({ "type": "string", "enum": ["A", "B"] }));
        // Descriptions differ between operations without splitting the type.
        let mut doc = butler_like();
        doc["paths"]["/butler/{butlerTask}"]["post"]["parameters"][1]["description"] = json!("start this one");
        hoist_inline_parameter_enums(&mut doc);
        assert_eq!(doc["components"]["schemas"]["ButlerTask"]["description"], "start this one");
        assert!(doc["components"]["schemas"].get("StopTaskButlerTask").is_none());
        for method in ["post", "delete"] {
            assert_eq!(
                doc["paths"]["/butler/{butlerTask}"][method]["parameters"][1]["schema"],
                json!({ "$ref": "#/components/schemas/ButlerTask" })
            );
        }
        // Different enums under one parameter name each get their operation's name, whatever
        // the order of the operations.
        let mut doc = butler_like();
        doc["paths"]["/butler/{butlerTask}"]["delete"]["parameters"][1]["schema"]["enum"] = json!(["C"]);
        hoist_inline_parameter_enums(&mut doc);
        assert!(doc["components"]["schemas"].get("StopTaskButlerTask").is_some());
        assert!(doc["components"]["schemas"].get("StartTaskButlerTask").is_some());
        assert!(doc["components"]["schemas"].get("ButlerTask").is_none());
    }

    #[test]
    fn inline_response_schemas_get_operation_names() {
        let mut doc = json!({ "openapi": "3.1.0", "paths": { "/a": { "get": { "operationId": "getThings",
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } },
                           "404": { "content": { "application/json": { "schema": { "type": "object" } } } } } } } } });
        assert_eq!(hoist_inline_response_schemas(&mut doc).len(), 1);
        assert_eq!(doc["components"]["schemas"]["GetThingsResponse"], json!({ "type": "object" }));
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["404"]["content"]["application/json"]["schema"],
            json!({ "type": "object" })
        );
    }

    #[test]
    fn inline_integer_enums_are_named_after_where_they_live() {
        let enumeration = json!({ "type": "integer", "enum": [1, 2], "x-speakeasy-enums": ["VIDEO", "AUDIO"] });
        let mut doc = json!({ "openapi": "3.1.0", "components": { "schemas": {
            "Stream": { "type": "object", "properties": {
                "streamType": { "allOf": [enumeration.clone(), { "description": "Kind." }] },
                "Part": { "type": "array", "items": { "type": "object", "properties": { "kind": enumeration } } },
                "plain": { "type": "integer" } } },
            "Level": { "type": "integer", "enum": [0, 1] } } } });
        let changes = hoist_inline_integer_enums(&mut doc);
        let named: Vec<&str> = changes.iter().map(|c| c.detail.rsplit('/').next().unwrap_or_default()).collect();
        assert_eq!(named, ["StreamPartItemKind", "StreamStreamType"]);
        let stream = &doc["components"]["schemas"]["Stream"]["properties"];
        assert_eq!(stream["streamType"]["allOf"][0], json!({ "$ref": "#/components/schemas/StreamStreamType" }));
        assert_eq!(doc["components"]["schemas"]["StreamStreamType"]["enum"], json!([1, 2]));
        // A component that is an enum itself stays where it is.
        assert_eq!(doc["components"]["schemas"]["Level"]["enum"], json!([0, 1]));
    }

    #[test]
    fn version_is_declared_last() {
        let mut doc = json!({ "openapi": "3.1.1" });
        assert_eq!(declare_openapi_3_0(&mut doc).len(), 1);
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(declare_openapi_3_0(&mut doc).is_empty());
    }
}
