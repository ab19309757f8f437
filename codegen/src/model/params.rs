//! An operation's parameters in the model: path-level ones first, overridden by the
//! operation's own (OpenAPI's rule), each with its Rust name, type (from the type space),
//! serialisation style and example.

use serde_json::Value;

use super::api::{Location, Param, Shape, Style};
use super::text::text;
use super::types::{TypeRef, Types};
use crate::names::{self, Case};
use crate::openapi::walk;
use crate::openapi::{Located, escape_segment};

/// The parameters of operation `op` (globals already removed by the normaliser).
pub fn build(
    source: &Located<'_>,
    doc: &Value,
    op: &walk::OperationRef,
    builder_name: &str,
    types: &mut Types,
) -> crate::error::Result<Vec<Param>> {
    let mut params: Vec<Param> = Vec::new();
    for (pointer, raw) in declared(doc, op) {
        let p = walk::deref(doc, raw);
        let mut param = build_one(source, doc, &pointer, p, builder_name, types)?;
        // The same name in the path and the query (`ids`): the path's keeps it, the other
        // is named after its location (`ids_query`).
        if param.location != Location::Path
            && params.iter().any(|q| q.rust_name == param.rust_name && q.location != param.location)
        {
            param.rust_name = format!("{}_{}", param.rust_name, param.location.as_str());
        }
        if params.iter().any(|q| q.rust_name == param.rust_name) {
            return Err(source.error(
                &pointer,
                format!("two parameters of `{}` map to the Rust name `{}`", op_id(doc, op), param.rust_name),
                Some("rename one of them"),
            ));
        }
        let setters: Vec<&str> = params.iter().filter(|q| !q.required).map(|q| q.setter_name.as_str()).collect();
        let matchers: Vec<&str> = params.iter().map(|q| q.matcher_name.as_str()).collect();
        let step_aside = |runtime: &[&str], taken: &[&str], what: &str| {
            names::beside(&param.rust_name, &[runtime, taken]).ok_or_else(|| {
                source.error(
                    &pointer,
                    format!(
                        "the {what} of parameter `{}` of `{}` needs a name, and `{2}`, `{2}_param` and `{2}_value` are the runtime's or another parameter's",
                        param.name,
                        op_id(doc, op),
                        param.rust_name
                    ),
                    Some("rename the parameter"),
                )
            })
        };
        if !param.required {
            param.setter_name = step_aside(names::reserved::REQUEST, &setters, "setter")?;
        }
        param.matcher_name = step_aside(names::reserved::MOCK, &matchers, "mock matcher")?;
        params.push(param);
    }
    Ok(params)
}

fn op_id<'a>(doc: &'a Value, op: &walk::OperationRef) -> &'a str {
    doc.pointer(&format!("{}/operationId", op.pointer)).and_then(Value::as_str).unwrap_or_default()
}

/// Path-level parameters, then the operation's; one with the same name and location as an
/// earlier one replaces it. Each keeps its pointer for errors.
fn declared<'a>(doc: &'a Value, op: &walk::OperationRef) -> Vec<(String, &'a Value)> {
    let item_ptr = format!("/paths/{}", escape_segment(&op.path));
    let mut declared: Vec<(String, &Value)> = Vec::new();
    for owner in [item_ptr.as_str(), op.pointer.as_str()] {
        let list = doc.pointer(&format!("{owner}/parameters")).and_then(Value::as_array);
        for (i, raw) in list.into_iter().flatten().enumerate() {
            let key = |v: &Value| {
                let p = walk::deref(doc, v);
                (p.get("name").cloned(), p.get("in").cloned())
            };
            declared.retain(|(_, earlier)| key(earlier) != key(raw));
            declared.push((format!("{owner}/parameters/{i}"), raw));
        }
    }
    declared
}

fn build_one(
    source: &Located<'_>,
    doc: &Value,
    pointer: &str,
    p: &Value,
    builder_name: &str,
    types: &mut Types,
) -> crate::error::Result<Param> {
    let name = super::text::name(p.get("name"));
    let location = match p.get("in").and_then(Value::as_str) {
        Some("path") => Location::Path,
        Some("query") => Location::Query,
        Some("header") => Location::Header,
        other => return Err(source.error(pointer, format!("parameter `{name}` in {other:?} is not supported"), None)),
    };
    let rust_name = names::derive(source, pointer, &name, Case::Snake)?;
    // A parameter without a type is sent as text.
    let untyped = serde_json::json!({ "type": "string" });
    let schema = p.get("schema").filter(|s| !is_untyped(s)).unwrap_or(&untyped);
    let schema_pointer = format!("{pointer}/schema");
    let shape = shape(doc, schema);
    let ty = if shape == Shape::Object && is_free_form(doc, schema) {
        // A free-form object in the query string: its keys and values as text.
        TypeRef::plain("::std::collections::BTreeMap<String, String>")
    } else {
        types.type_of(source, &schema_pointer, schema, &format!("{builder_name}{}", heck::AsUpperCamelCase(&name)))?
    };
    let style = style(source, pointer, p, location, &shape)?;
    let target = walk::deref(doc, schema);
    Ok(Param {
        example: p
            .get("example")
            .or_else(|| schema.get("example"))
            .or_else(|| target.get("example"))
            .or_else(|| target.pointer("/enum/0"))
            .cloned(),
        required: location == Location::Path || p.get("required").and_then(Value::as_bool).unwrap_or(false),
        description: text(p.get("description")),
        bool_int: is_bool_int(doc, schema),
        name,
        setter_name: rust_name.clone(),
        matcher_name: rust_name.clone(),
        rust_name,
        location,
        style,
        ty,
        shape,
    })
}

/// A schema that says nothing of its type (`{}`, or only a description or example).
fn is_untyped(schema: &Value) -> bool {
    schema.as_object().is_some_and(|m| {
        m.keys().all(|k| matches!(k.as_str(), "description" | "example" | "examples" | "default" | "title"))
    })
}

/// Whether `schema` (or what it refers to, or the one schema of its `allOf`) is a `BoolInt`.
fn is_bool_int(doc: &Value, schema: &Value) -> bool {
    let target = walk::deref(doc, schema);
    if super::types::is_bool_int(target) {
        return true;
    }
    let members = target.get("allOf").and_then(Value::as_array);
    members.is_some_and(|m| m.iter().any(|s| s.get("$ref").is_some() && super::types::is_bool_int(walk::deref(doc, s))))
}

fn is_free_form(doc: &Value, schema: &Value) -> bool {
    let target = walk::deref(doc, schema);
    target.get("properties").is_none() && target.get("allOf").is_none()
}

/// The shape of a parameter's value.
pub fn shape(doc: &Value, schema: &Value) -> Shape {
    let target = walk::deref(doc, schema);
    if is_bool_int(doc, schema) {
        return Shape::Bool;
    }
    if target.get("enum").is_some() {
        return Shape::Enum;
    }
    if let Some(Value::Array(members)) = target.get("allOf")
        && let [one] = members.as_slice()
    {
        return shape(doc, one);
    }
    match target.get("type").and_then(Value::as_str) {
        Some("integer") => Shape::Integer,
        Some("number") => Shape::Number,
        Some("boolean") => Shape::Bool,
        Some("array") => Shape::List(Box::new(shape(doc, target.get("items").unwrap_or(&Value::Null)))),
        Some("object") => Shape::Object,
        None if target.get("properties").is_some() => Shape::Object,
        _ => Shape::String,
    }
}

/// The serialisation style: OpenAPI's defaults (`simple` in path and header, exploded `form`
/// in the query), `explode` and `deepObject` as written.
fn style(
    source: &Located<'_>,
    pointer: &str,
    p: &Value,
    location: Location,
    shape: &Shape,
) -> crate::error::Result<Style> {
    let explode = p.get("explode").and_then(Value::as_bool);
    let style = match (location, p.get("style").and_then(Value::as_str)) {
        (Location::Path | Location::Header, None | Some("simple")) => Style::Simple,
        (Location::Query, None | Some("form")) if explode == Some(false) => Style::FormFlat,
        (Location::Query, None | Some("form")) => Style::Form,
        (Location::Query, Some("deepObject")) => Style::DeepObject,
        (_, Some(other)) => {
            return Err(source.error(
                &format!("{pointer}/style"),
                format!("the `{other}` style is not supported for a {} parameter", location.as_str()),
                Some("use `form` or `deepObject` in the query, `simple` in the path and headers"),
            ));
        }
    };
    if matches!(shape, Shape::Object) && location != Location::Query {
        return Err(source.error(
            pointer,
            format!("an object in a {} parameter is not supported", location.as_str()),
            Some("send it in the query string"),
        ));
    }
    Ok(style)
}
