//! Values made up from schemas, for the generated suites and examples.

use serde_json::Value;

use crate::openapi::walk;

/// A value that fits `schema`: its example where that has the schema's type, else made up
/// from its type (objects with every property, arrays of one item); past a depth of 6, lists
/// are empty and objects hold only their required properties, so recursive schemas end.
/// Deterministic.
pub fn sample(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = walk::deref(doc, schema);
    let ty = schema_type(schema);
    if let Some(example) = schema.get("example").filter(|e| fits(e, ty)) {
        return example.clone();
    }
    if let Some(first) = schema.pointer("/enum/0") {
        return first.clone();
    }
    if depth > 24 {
        return Value::Null;
    }
    if let Some(Value::Array(members)) = schema.get("allOf") {
        let mut merged = serde_json::Map::new();
        for m in members {
            match sample(doc, m, depth + 1) {
                Value::Object(o) => merged.extend(o),
                Value::Null => {}
                other if merged.is_empty() => return other,
                _ => {}
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|m| m.iter().find(|s| schema_type(walk::deref(doc, s)) != "null"))
        {
            return sample(doc, first, depth + 1);
        }
    }
    match ty {
        "object" => sample_object(doc, schema, depth),
        "array" if depth > 6 => Value::Array(Vec::new()),
        "array" => Value::Array(vec![sample(doc, schema.get("items").unwrap_or(&Value::Null), depth + 1)]),
        "string" => Value::String("text".into()),
        "integer" => Value::from(1),
        "number" => Value::from(1.5),
        "boolean" => Value::Bool(true),
        _ => Value::Null,
    }
}

fn sample_object(doc: &Value, schema: &Value, depth: usize) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = schema.get("properties").and_then(Value::as_object);
    Value::Object(
        props
            .into_iter()
            .flatten()
            .filter(|(k, _)| depth <= 6 || required.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), sample(doc, v, depth + 1)))
            .filter(|(k, v)| !v.is_null() || required.contains(&k.as_str()))
            .collect(),
    )
}

/// The JSON type a schema describes (`object` for one with properties or free-form ones).
fn schema_type(schema: &Value) -> &str {
    match schema.get("type") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        Some(Value::String(t)) => t.as_str(),
        _ if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => "object",
        _ => "",
    }
}

/// Whether an example has the JSON type the schema says (documents' examples sometimes do not).
fn fits(example: &Value, ty: &str) -> bool {
    match ty {
        "object" => example.is_object(),
        "array" => example.is_array(),
        "string" => example.is_string(),
        "integer" => example.is_i64() || example.is_u64(),
        "number" => example.is_number(),
        "boolean" => example.is_boolean(),
        _ => true,
    }
}
