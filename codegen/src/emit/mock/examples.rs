//! The example values of the mock crate: `models::X::example()` for every model (a component
//! schema). A whole-model example of the document (a response's, or the schema's own) is used
//! as it is; otherwise the value is built from the schema ([`crate::model::sample`]): the
//! document's examples of its properties where it gives them, made-up values (`"text"`, `1`)
//! elsewhere. Documents' examples do not always fit their schemas: each candidate is checked
//! against the schema first ([`conforms`]), and one that does not fit is skipped and listed
//! with the reason, never emitted.

use std::collections::BTreeSet;

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::super::file::raw_literal;
use crate::model::sample;
use crate::openapi::escape_segment;
use crate::openapi::is_json;
use crate::openapi::walk;

/// One model's example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The model's Rust name (`GetTasksResponse`).
    pub model: String,
    /// The example, as compact JSON.
    pub json: String,
    /// Where it comes from, for its doc.
    pub source: String,
}

/// The examples, and the document's examples that were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Examples {
    /// One per model that has one, by model name.
    pub entries: Vec<Entry>,
    /// (model, why its document example is not used).
    pub skipped: Vec<(String, String)>,
}

/// The examples of the normalised document `doc`, for the models named in `models`.
pub fn build(doc: &Value, models: &BTreeSet<String>) -> Examples {
    let mut out = Examples::default();
    let empty = serde_json::Map::new();
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    let by_reference = response_examples(doc);
    for (name, schema) in schemas {
        let model = crate::names::component_type_name(name);
        if !models.contains(&model) {
            continue;
        }
        let reference = format!("#/components/schemas/{}", escape_segment(name));
        let mut candidates = by_reference.get(reference.as_str()).cloned().unwrap_or_default();
        if let Some(own) = schema.get("example") {
            candidates.push(("its `example`".to_string(), own));
        }
        let mut chosen = None;
        for (source, value) in candidates {
            match conforms(doc, schema, value, "") {
                Ok(()) => {
                    chosen = Some((format!("the document's example ({source})"), value.clone()));
                    break;
                }
                Err(why) => out.skipped.push((model.clone(), format!("{source} does not fit the schema: {why}"))),
            }
        }
        if chosen.is_none() {
            // Without its own example, which `sample` would otherwise give back.
            let mut bare = schema.clone();
            if let Some(map) = bare.as_object_mut() {
                map.remove("example");
            }
            let built = sample(doc, &bare, 0);
            let source = if has_example(doc, schema, &mut BTreeSet::new()) {
                "built from its schema and the document's examples of its properties"
            } else {
                "made from its schema (the document gives no example of it)"
            };
            match conforms(doc, schema, &built, "") {
                Ok(()) => chosen = Some((source.to_string(), built)),
                Err(why) => out
                    .skipped
                    .push((model.clone(), format!("the value built from its properties does not fit: {why}"))),
            }
        }
        if let Some((source, value)) = chosen {
            out.entries.push(Entry { model, json: value.to_string(), source });
        }
    }
    out
}

/// The examples that responses give for a JSON body whose schema is a `$ref`, by that
/// reference, in [`walk::operations`] order (one walk for every model).
fn response_examples(doc: &Value) -> std::collections::BTreeMap<&str, Vec<(String, &Value)>> {
    let mut out: std::collections::BTreeMap<&str, Vec<(String, &Value)>> = std::collections::BTreeMap::new();
    for op in walk::operations(doc) {
        let node = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let id = node.get("operationId").and_then(Value::as_str).unwrap_or_default();
        for (status, response) in node.get("responses").and_then(Value::as_object).into_iter().flatten() {
            let response = walk::deref(doc, response);
            for (media, content) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
                let reference = content.pointer("/schema/$ref").and_then(Value::as_str);
                if let (true, Some(reference), Some(example)) = (is_json(media), reference, content.get("example")) {
                    out.entry(reference).or_default().push((format!("`{id}`'s {status} response example"), example));
                }
            }
        }
    }
    out
}

/// Whether a schema, or a schema inside it, carries an `example` (`$ref`s followed once each).
fn has_example(doc: &Value, schema: &Value, seen: &mut BTreeSet<String>) -> bool {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if !seen.insert(reference.to_string()) {
            return false;
        }
        return walk::resolve(doc, reference).is_some_and(|s| has_example(doc, s, seen));
    }
    if schema.get("example").is_some() {
        return true;
    }
    let children = ["items", "additionalProperties"]
        .iter()
        .filter_map(|k| schema.get(*k))
        .chain(["allOf", "oneOf", "anyOf"].iter().filter_map(|k| schema.get(*k)).filter_map(Value::as_array).flatten());
    let properties = schema.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.values());
    let all: Vec<&Value> = children.chain(properties).collect();
    all.into_iter().any(|s| s.is_object() && has_example(doc, s, seen))
}

/// Whether `value` decodes into the model of `schema` as plex-sdk decodes (leniently:
/// `0`/`1` for booleans, numbers in strings): the reason when it does not, at its JSON path.
pub fn conforms(doc: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let schema = walk::deref(doc, schema);
    let at = if path.is_empty() { "/" } else { path };
    if value.is_null() {
        let nullable = schema.get("nullable") == Some(&Value::Bool(true)) || schema_type(schema).is_none();
        return if nullable { Ok(()) } else { Err(format!("{at}: null where the schema does not allow it")) };
    }
    if let Some(Value::Array(members)) = schema.get("allOf") {
        return members.iter().try_for_each(|m| conforms(doc, m, value, path));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = schema.get(key) {
            let errors: Vec<String> = members.iter().filter_map(|m| conforms(doc, m, value, path).err()).collect();
            return if errors.len() < members.len() { Ok(()) } else { Err(errors.join("; ")) };
        }
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} is not one of the schema's values"));
    }
    match schema_type(schema) {
        Some("object") => object_conforms(doc, schema, value, path),
        Some("array") => match value {
            Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
                conforms(doc, schema.get("items").unwrap_or(&Value::Null), item, &format!("{path}/{i}"))
            }),
            _ => Err(format!("{at}: {} where the schema has a list", kind(value))),
        },
        Some(ty) => scalar_conforms(schema, ty, value).map_err(|why| format!("{at}: {why}")),
        None => Ok(()),
    }
}

fn object_conforms(doc: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let at = if path.is_empty() { "/" } else { path };
    let Value::Object(map) = value else { return Err(format!("{at}: {} where the schema has an object", kind(value))) };
    let required: Vec<&str> =
        schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if let Some(missing) = required.iter().find(|r| !map.contains_key(**r)) {
        return Err(format!("{at}: the required `{missing}` is missing"));
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, item) in map {
        let item_path = format!("{path}/{}", escape_segment(key));
        match (properties.and_then(|p| p.get(key)), schema.get("additionalProperties")) {
            (Some(_), _) if item.is_null() && !required.contains(&key.as_str()) => {}
            (Some(property), _) => conforms(doc, property, item, &item_path)?,
            (None, Some(Value::Bool(false))) => return Err(format!("{item_path}: not a property of the schema")),
            (None, Some(extra)) if extra.is_object() => conforms(doc, extra, item, &item_path)?,
            (None, _) => {}
        }
    }
    Ok(())
}

/// A scalar against its schema's type and format, with plex-sdk's lenient rules.
fn scalar_conforms(schema: &Value, ty: &str, value: &Value) -> Result<(), String> {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or_default();
    let text = value.as_str().map(str::trim);
    let ok = match ty {
        "string" if format == "date-time" => text.is_some_and(is_date_time),
        "string" if format == "date" => text.is_some_and(is_date),
        "string" => value.is_string() || value.is_number(),
        "integer" => {
            let n = value.as_i64().or_else(|| text.and_then(|t| t.parse().ok()));
            let n = n.or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64));
            n.is_some_and(|n| format != "int32" || i32::try_from(n).is_ok())
        }
        "number" => value.is_number() || text.is_some_and(|t| t.parse::<f64>().is_ok_and(f64::is_finite)),
        "boolean" => {
            value.is_boolean()
                || value.is_i64()
                || value.is_u64()
                || text.is_some_and(|t| matches!(t, "true" | "false"))
        }
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{value} where the schema has {ty}{}",
            if format.is_empty() { String::new() } else { format!(" ({format})") }
        ))
    }
}

/// `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or `±HH:MM`.
fn is_date_time(text: &str) -> bool {
    let (Some(date), Some(rest)) = (text.get(..10), text.get(10..)) else { return false };
    let Some(rest) = rest.strip_prefix(['T', 't']) else { return false };
    let time_ok = rest.len() >= 8
        && rest.as_bytes()[..8]
            .iter()
            .enumerate()
            .all(|(i, c)| if i == 2 || i == 5 { *c == b':' } else { c.is_ascii_digit() });
    let mut zone = &rest[8.min(rest.len())..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.len() - fraction.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        zone = &fraction[digits..];
    }
    let zone_ok =
        matches!(zone, "Z" | "z") || (zone.len() == 6 && zone.starts_with(['+', '-']) && zone.as_bytes()[3] == b':');
    is_date(date) && time_ok && zone_ok
}

fn schema_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        _ if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => Some("object"),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl Examples {
    /// The name of each entry's constant (`GET_TASKS_RESPONSE`; two models whose names differ
    /// only in case get a suffix).
    fn constants(&self) -> Vec<proc_macro2::Ident> {
        let mut taken = BTreeSet::new();
        self.entries
            .iter()
            .map(|e| {
                let base = e.model.to_shouty_snake_case();
                let mut name = base.clone();
                let mut n = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                format_ident!("{}", name)
            })
            .collect()
    }

    /// `src/generated/examples.rs`: the `Example` impls, the list the crate's test checks,
    /// and the skipped ones.
    pub fn tokens(&self) -> TokenStream {
        let constants = self.constants();
        let impls = self.entries.iter().zip(&constants).map(|(e, constant)| {
            let model = format_ident!("{}", e.model);
            let json = raw_literal(&e.json);
            let name = &e.model;
            let doc = format!("The example of [`models::{name}`]: {}.", e.source);
            quote! {
                #[doc = #doc]
                const #constant: &str = #json;

                impl crate::Example for models::#model {
                    fn example() -> Self {
                        crate::example::decode(#name, #constant)
                    }
                }
            }
        });
        let checks = self.entries.iter().zip(&constants).map(|(e, constant)| {
            let model = format_ident!("{}", e.model);
            let name = &e.model;
            quote! { (#name, #constant, crate::example::check::<models::#model>) }
        });
        let skipped = self.skipped.iter().map(|(model, why)| quote! { (#model, #why) });
        let models = (!self.entries.is_empty()).then(|| quote! { use plex_sdk::models; });
        quote! {
            //! `Example` for every model the document gives an example for.

            #models

            #( #impls )*

            /// Every example: the model's name, its JSON, and a decoding check.
            #[cfg(test)]
            pub(crate) const ALL: &[(&str, &str, fn(&str) -> Result<(), String>)] = &[#(#checks),*];

            /// The document's examples that do not fit their schemas: the model and why.
            pub(crate) const SKIPPED: &[(&str, &str)] = &[#(#skipped),*];
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn lenient_scalars_conform() {
        let doc = json!({});
        assert!(conforms(&doc, &json!({"type": "boolean"}), &json!(1), "").is_ok());
        assert!(conforms(&doc, &json!({"type": "integer"}), &json!("42"), "").is_ok());
        assert!(conforms(&doc, &json!({"type": "integer"}), &json!(1.5), "").is_err());
        assert!(conforms(&doc, &json!({"type": "integer", "format": "int32"}), &json!(1_u64 << 40), "").is_err());
        assert!(
            conforms(&doc, &json!({"type": "string", "format": "date-time"}), &json!("2019-06-24T11:38:02Z"), "")
                .is_ok()
        );
        assert!(conforms(&doc, &json!({"type": "string", "format": "date-time"}), &json!("2019-06-24"), "").is_err());
    }

    #[test]
    fn objects_enums_and_refs() {
        let doc = json!({"components": {"schemas": {"E": {"type": "string", "enum": ["a", "b"]}}}});
        let schema =
            json!({"type": "object", "required": ["e"], "properties": {"e": {"$ref": "#/components/schemas/E"}}});
        assert!(conforms(&doc, &schema, &json!({"e": "a"}), "").is_ok());
        assert_eq!(
            conforms(&doc, &schema, &json!({"e": "c"}), ""),
            Err("/e: \"c\" is not one of the schema's values".into())
        );
        assert_eq!(conforms(&doc, &schema, &json!({}), ""), Err("/: the required `e` is missing".into()));
        let closed = json!({"type": "object", "additionalProperties": false, "properties": {}});
        assert!(conforms(&doc, &closed, &json!({"x": 1}), "").is_err());
    }

    #[test]
    fn an_example_that_does_not_fit_is_skipped_listed_and_replaced() {
        let doc = json!({
            "paths": {},
            "components": {"schemas": {
                "Task": {"type": "object", "example": {"enabled": "often"}, "properties": {
                    "enabled": {"type": "boolean"},
                    "name": {"type": "string", "example": "BackupDatabase"},
                }},
                "Plain": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "NoModel": {"type": "string"},
            }},
        });
        let models: BTreeSet<String> = ["Task", "Plain"].map(String::from).into();
        let examples = build(&doc, &models);
        assert_eq!(
            examples.skipped,
            [(
                "Task".to_string(),
                "its `example` does not fit the schema: /enabled: \"often\" where the schema has boolean".to_string()
            )]
        );
        let task = examples.entries.iter().find(|e| e.model == "Task").expect("Task still has an example");
        assert_eq!(task.json, r#"{"enabled":true,"name":"BackupDatabase"}"#);
        assert!(task.source.contains("examples of its properties"), "{}", task.source);
        let plain = examples.entries.iter().find(|e| e.model == "Plain").expect("Plain has one made up");
        assert!(plain.source.contains("gives no example"), "{}", plain.source);
        assert!(examples.entries.iter().all(|e| e.model != "NoModel"));
    }

    #[test]
    fn raw_literals_get_enough_hashes() {
        assert_eq!(raw_literal(r#"{"a":"b"}"#).to_string(), r###"r#"{"a":"b"}"#"###);
        assert_eq!(raw_literal(r##"x"#y"##).to_string(), r###"r##"x"#y"##"###);
    }
}
