//! The naming rules: inline schemas get names of their own, from where they live in the
//! whole document, so that a type's name never depends on the tags generated.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::rewrite::{Edits, Rewrite, Rule, run};
use crate::names::type_name_at;
use crate::openapi::{Origins, escape_segment, is_json, walk};

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
pub fn name_inline_schemas(doc: &mut Value, origins: &mut Origins) -> Vec<Rewrite> {
    run(NAMING_RULES, doc, origins)
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
fn hoist(
    doc: &mut Value,
    edits: &mut Edits<'_>,
    pointer: &str,
    schema: Value,
    (preferred, fallback): (String, String),
) -> String {
    let empty = Map::new();
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    let (component, exists) = component_name(schemas, &schema, preferred, fallback);
    if !exists {
        insert_component_schema(doc, &component, schema);
        edits.moved(format!("/components/schemas/{}", escape_segment(&component)), pointer.to_string());
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
pub fn hoist_inline_parameter_enums(doc: &mut Value, edits: &mut Edits<'_>) {
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
            let component = hoist(doc, edits, &format!("{ptr}/schema"), schema, (preferred, fallback));
            // The schema's example stays with the parameter (the docs' examples use it).
            if let (Some(example), Some(Value::Object(p))) = (moved_example, doc.pointer_mut(&ptr)) {
                p.insert("example".into(), example);
            }
            edits.add(&format!("{ptr}/schema"), format!("inline enum of `{name}` → #/components/schemas/{component}"));
        }
    }
}

/// An inline object with properties in an operation's parameter (a `deepObject` filter, say)
/// becomes the component `<OperationId><Parameter>`, so its Rust type is named after where it
/// lives. Free-form objects (no properties) stay inline: the SDK takes them as a map.
pub fn hoist_inline_parameter_objects(doc: &mut Value, edits: &mut Edits<'_>) {
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
            let component = hoist(doc, edits, &ptr, schema, (base.clone(), format!("{base}Param")));
            edits.add(&ptr, format!("inline object of `{name}` → #/components/schemas/{component}"));
        }
    }
}

/// The inline JSON schema of a 2xx response becomes the component `<OperationId>Response`,
/// so the Rust type has a name that the emitter (and the user) can rely on; the response's
/// description documents it when the schema has none.
pub fn hoist_inline_response_schemas(doc: &mut Value, edits: &mut Edits<'_>) {
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
            let component = hoist(doc, edits, &ptr, schema, (base.clone(), format!("{base}Body")));
            edits.add(&ptr, format!("inline schema → #/components/schemas/{component}"));
        }
    }
}

/// An inline integer `enum` inside a component schema (a property, an array's items, a
/// member of `allOf`) becomes a component of its own, named after where it lives
/// (`Stream/properties/streamType` → `StreamStreamType`, array items add `Item`), so the
/// generator can define it as an open integer enum and every copy typify makes of the
/// enclosing schema shares the one type. Runs after the response schemas are hoisted, so the
/// names of inline responses' enums start with the operation's.
pub fn hoist_inline_integer_enums(doc: &mut Value, edits: &mut Edits<'_>) {
    let mut found = Vec::new();
    walk::visit_schemas(doc, &mut |pointer, schema| {
        let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
        let nested = pointer.matches('/').count() > 3;
        if integer
            && nested
            && schema.contains_key("enum")
            && let Some(name) = type_name_at(pointer)
        {
            found.push((pointer.to_string(), name, Value::Object(schema.clone())));
        }
    });
    for (pointer, preferred, schema) in found {
        let fallback = format!("{preferred}Enum");
        let component = hoist(doc, edits, &pointer, schema, (preferred, fallback));
        edits.add(&pointer, format!("inline integer enum → #/components/schemas/{component}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::rewrite::edits_of;
    use crate::prepare::rules::tests::butler_like;

    #[test]
    fn shared_inline_enums_become_one_component() {
        let mut doc = butler_like();
        let changes = edits_of(hoist_inline_parameter_enums, &mut doc);
        assert_eq!(changes.len(), 2);
        assert_eq!(doc["components"]["schemas"]["ButlerTask"], json!({ "type": "string", "enum": ["A", "B"] }));
        // Descriptions differ between operations without splitting the type.
        let mut doc = butler_like();
        doc["paths"]["/butler/{butlerTask}"]["post"]["parameters"][1]["description"] = json!("start this one");
        edits_of(hoist_inline_parameter_enums, &mut doc);
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
        edits_of(hoist_inline_parameter_enums, &mut doc);
        assert!(doc["components"]["schemas"].get("StopTaskButlerTask").is_some());
        assert!(doc["components"]["schemas"].get("StartTaskButlerTask").is_some());
        assert!(doc["components"]["schemas"].get("ButlerTask").is_none());
    }

    #[test]
    fn inline_response_schemas_get_operation_names() {
        let mut doc = json!({ "openapi": "3.1.0", "paths": { "/a": { "get": { "operationId": "getThings",
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } },
                           "404": { "content": { "application/json": { "schema": { "type": "object" } } } } } } } } });
        assert_eq!(edits_of(hoist_inline_response_schemas, &mut doc).len(), 1);
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
        let changes = edits_of(hoist_inline_integer_enums, &mut doc);
        let named: Vec<&str> = changes.iter().map(|c| c.detail.rsplit('/').next().unwrap_or_default()).collect();
        assert_eq!(named, ["StreamPartItemKind", "StreamStreamType"]);
        let stream = &doc["components"]["schemas"]["Stream"]["properties"];
        assert_eq!(stream["streamType"]["allOf"][0], json!({ "$ref": "#/components/schemas/StreamStreamType" }));
        assert_eq!(doc["components"]["schemas"]["StreamStreamType"]["enum"], json!([1, 2]));
        // A component that is an enum itself stays where it is.
        assert_eq!(doc["components"]["schemas"]["Level"]["enum"], json!([0, 1]));
    }
}
