//! The conformance suite (`tests/conformance/main.rs` of the generated crate): one test per
//! operation, written from the model, that checks what the SDK sends against what the
//! document says and that it decodes what the document answers.
//!
//! Each test calls its operation with every parameter set (its example, else a value of its
//! type) and a mock that matches the method, the path (parameters encoded), the whole query
//! string, the headers (client-wide ones, `Accept`, parameters, the token only where the
//! operation has security, no `Content-Type` without a body) and the body; the mock answers
//! with the documented sample and expects one call. The wire forms the mock expects are
//! worked out here from the document's rules (OpenAPI styles, `BoolInt` as `1`/`0`, RFC 3986
//! path encoding), not by plex-sdk's encoder, so an encoding bug in either shows.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use super::docs;
use super::file::{GeneratedFile, raw_str};
use super::models::ModelIndex;
use crate::error::Result;
use crate::model::TypeRef;
use crate::model::{Api, BodyKind, Location, Operation, Param, Shape, Style, Success, Tag};
use crate::names::ident;
use crate::openapi::escape_segment;
use crate::openapi::walk;

/// Where the suite goes in the generated crate.
pub const PATH: &str = "tests/conformance/main.rs";

/// The suite's fixed part: matchers and answers.
const SUPPORT: &str = include_str!("conformance_support.rs.in");

/// The suite's file.
pub fn emit(api: &Api, index: &ModelIndex, doc: &Value, spec_label: &str) -> Result<GeneratedFile> {
    let sources = Sources::new(doc);
    let total: usize = api.tags.iter().map(|t| t.operations.len()).sum();
    let mut out = format!(
        "//! Conformance of the SDK with {spec_label}: one test per operation ({total}), generated from\n\
         //! the document. Each checks the request the SDK sends (method, path, query string,\n\
         //! headers, token, body) against a mock that expects it as the document says, and that\n\
         //! the SDK decodes the documented answer.\n\n"
    );
    out.push_str(SUPPORT);
    out.push_str(&client_items(api));
    for tag in &api.tags {
        let _ = writeln!(out, "/// The `{}` operations.\nmod {} {{", tag.name, ident(&tag.module));
        for op in &tag.operations {
            out.push_str(&test_fn(tag, op, index, &sources.of(op)));
        }
        out.push_str("}\n\n");
    }
    super::file::format_source(PATH, spec_label, &out)
}

/// The client-wide headers with their examples, and the client every test uses.
pub(crate) fn client_items(api: &Api) -> String {
    let globals: Vec<(String, String)> = api
        .globals
        .iter()
        .map(|g| (g.header.clone(), g.example.clone().unwrap_or_else(|| format!("{}-value", g.rust_name))))
        .collect();
    let mut out = String::from(
        "/// The client-wide headers and the values the client sets.\nconst GLOBALS: &[(&str, &str)] = &[\n",
    );
    for (header, value) in &globals {
        let _ = writeln!(out, "({header:?}, {value:?}),");
    }
    out.push_str("];\n\n/// A client of `server` (which also stands in for plex.tv), with the token and every client-wide header.\n");
    out.push_str("fn client(server: &str) -> plex_sdk::PlexClient {\nplex_sdk::PlexClient::builder()\n");
    out.push_str(".server_url(server)\n.operation_server_origin(server)\n.token(TOKEN)\n");
    for (g, (_, value)) in api.globals.iter().zip(&globals) {
        let _ = writeln!(out, ".{}({value:?})", ident(&g.rust_name));
    }
    out.push_str(".build()\n.expect(\"the client builds\")\n}\n\n");
    out
}

/// The operations of the document by `operationId`, to find a parameter's or a body's schema.
pub(crate) struct Sources<'a> {
    doc: &'a Value,
    operations: BTreeMap<String, walk::OperationRef>,
}

impl<'a> Sources<'a> {
    pub(crate) fn new(doc: &'a Value) -> Self {
        let operations = walk::operations(doc)
            .into_iter()
            .filter_map(|op| {
                let id = doc.pointer(&format!("{}/operationId", op.pointer))?.as_str()?.to_string();
                Some((id, op))
            })
            .collect();
        Sources { doc, operations }
    }

    pub(crate) fn of(&self, op: &Operation) -> OpSource<'a> {
        OpSource { doc: self.doc, op: self.operations.get(&op.operation_id).cloned() }
    }
}

/// One operation in the document.
pub(crate) struct OpSource<'a> {
    doc: &'a Value,
    op: Option<walk::OperationRef>,
}

impl<'a> OpSource<'a> {
    /// The schema of parameter `p` (the operation's own declaration first, then its path's).
    pub(crate) fn param_schema(&self, p: &Param) -> Option<&'a Value> {
        let op = self.op.as_ref()?;
        let owners = [op.pointer.clone(), format!("/paths/{}", escape_segment(&op.path))];
        owners.iter().find_map(|owner| {
            let list = self.doc.pointer(&format!("{owner}/parameters"))?.as_array()?;
            let declared = list.iter().map(|raw| walk::deref(self.doc, raw)).find(|q| {
                q.get("name").and_then(Value::as_str) == Some(&p.name)
                    && q.get("in").and_then(Value::as_str) == Some(p.location.as_str())
            })?;
            declared.get("schema")
        })
    }

    /// The schema of the request body in `media`.
    fn body_schema(&self, media: &str) -> Option<&'a Value> {
        let op = self.op.as_ref()?;
        let body = walk::deref(self.doc, self.doc.pointer(&format!("{}/requestBody", op.pointer))?);
        body.get("content")?.get(media)?.get("schema")
    }

    /// A value that fits `schema` (the document's examples, else made from its types).
    fn sample(&self, schema: Option<&Value>) -> Value {
        schema.map_or(Value::Object(Default::default()), |s| crate::model::sample(self.doc, s, 0))
    }
}

/// One argument of a call: the Rust expression and the value it stands for, as JSON.
pub(crate) struct Arg {
    pub(crate) expr: String,
    pub(crate) value: Value,
}

/// The argument a suite passes for `p`: its example, else (an object model) a sample of its
/// schema, else a value of its shape.
/// Examples that do not fit their schema (a value outside the enum, a string for an integer)
/// are replaced by values that do: the suites test the SDK, not the document's examples.
pub(crate) fn arg(p: &Param, index: &ModelIndex, src: &OpSource) -> Arg {
    let schema = src.param_schema(p);
    let example = match (&p.example, &p.shape, schema) {
        (Some(v), Shape::Object, Some(s)) => fit(src.doc, s, v),
        (Some(v), _, _) => v.clone(),
        (None, Shape::Object, _) if p.ty.model.is_some() => src.sample(schema),
        (None, _, Some(s)) => bounded(src.doc, s, &p.shape).unwrap_or_else(|| docs::example_value(p)),
        _ => docs::example_value(p),
    };
    let example = in_enum(p, index, twice(p, example));
    Arg { expr: docs::rust_expr(&p.ty, &p.shape, &example, index), value: passed(&p.ty, &p.shape, &example) }
}

/// A list parameter without an example gets its made-up item twice, so that the wire shows
/// how the list is written (`a=1&a=1` or `a=1,1`).
fn twice(p: &Param, example: Value) -> Value {
    match (&p.example, example) {
        (None, Value::Array(items)) if items.len() == 1 => Value::Array(vec![items[0].clone(), items[0].clone()]),
        (_, example) => example,
    }
}

/// For a number (or a list of numbers) without an example whose schema has bounds: its
/// `minimum` (plus one when exclusive), else its `maximum` when that is below 1.
fn bounded(doc: &Value, schema: &Value, shape: &Shape) -> Option<Value> {
    let target = walk::deref(doc, schema);
    match shape {
        Shape::List(inner) => Some(Value::Array(vec![bounded(doc, target.get("items")?, inner)?])),
        Shape::Integer | Shape::Number => {
            let exclusive = |key: &str| target.get(key).is_some_and(|v| v == &Value::Bool(true) || v.is_number());
            let step = if *shape == Shape::Integer { 1.0 } else { 0.5 };
            let number = |key: &str| target.get(key).and_then(Value::as_f64);
            let value = match (number("minimum").or(number("exclusiveMinimum")), number("maximum")) {
                (Some(min), _) if exclusive("exclusiveMinimum") => min + step,
                (Some(min), _) => min,
                (None, Some(max)) if max < 1.0 => max - if exclusive("exclusiveMaximum") { step } else { 0.0 },
                _ => return None,
            };
            Some(if *shape == Shape::Integer { Value::from(value as i64) } else { Value::from(value) })
        }
        _ => None,
    }
}

/// An enum parameter's example when it is one of the enum's values, else the first value
/// (items of a list one by one).
fn in_enum(p: &Param, index: &ModelIndex, example: Value) -> Value {
    let Some(values) = p.ty.model.as_ref().and_then(|name| index.enums.get(name)) else { return example };
    let known = |v: &Value| {
        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        values.iter().any(|(_, wire)| *wire == text)
    };
    let first = || values.first().map_or(Value::Null, |(_, wire)| Value::String(wire.clone()));
    match (&p.shape, example) {
        (Shape::Enum, v) if !known(&v) => first(),
        (Shape::List(inner), Value::Array(items)) if **inner == Shape::Enum => {
            Value::Array(items.into_iter().map(|v| if known(&v) { v } else { first() }).collect())
        }
        (_, v) => v,
    }
}

/// `value` with each property that does not have its schema's JSON type replaced by a sample
/// of that schema.
fn fit(doc: &Value, schema: &Value, value: &Value) -> Value {
    let target = walk::deref(doc, schema);
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let fitted = property(doc, target, k).map_or_else(|| v.clone(), |s| fit(doc, s, v));
                    (k.clone(), fitted)
                })
                .collect(),
        ),
        v if fits_type(target, v) => v.clone(),
        _ => crate::model::sample(doc, target, 0),
    }
}

/// Whether `v` has the JSON type `schema` names (any value when it names none).
fn fits_type(schema: &Value, v: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        Some("string") => v.is_string(),
        Some("boolean") => v.is_boolean(),
        Some("array") => v.is_array(),
        Some("object") => v.is_object(),
        _ => true,
    }
}

/// The value [`docs::rust_expr`] writes for `wire` stands for (it mirrors that function):
/// booleans from `1`/`true`, numbers kept, strings as text, lists of items, free-form maps of
/// strings.
fn passed(ty: &TypeRef, shape: &Shape, wire: &Value) -> Value {
    let text = match wire {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match shape {
        Shape::Bool => Value::Bool(text == "1" || text == "true"),
        Shape::Integer | Shape::Number if wire.is_number() => wire.clone(),
        Shape::Integer => Value::from(1),
        Shape::Number => Value::from(1.5),
        Shape::String => Value::String(text),
        Shape::Enum => wire.clone(),
        Shape::List(inner) => {
            let items = match wire {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            Value::Array(items.iter().map(|v| passed(ty, inner, v)).collect())
        }
        Shape::Object if ty.model.is_none() => Value::Object(
            wire.as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), Value::String(v.as_str().map_or_else(|| v.to_string(), str::to_string))))
                .collect(),
        ),
        Shape::Object => wire.clone(),
    }
}

/// The enums the arguments name (imported in the test).
pub(crate) fn enum_uses(params: &[&Param]) -> Vec<String> {
    let mut uses: Vec<String> = params
        .iter()
        .filter(|p| p.shape == Shape::Enum || matches!(&p.shape, Shape::List(i) if **i == Shape::Enum))
        .filter_map(|p| p.ty.model.clone())
        .collect();
    uses.sort();
    uses.dedup();
    uses
}

/// The call expression: `client.<group>().<method>(required…)` then a setter per optional
/// argument given, then `.body(..)` for an optional body.
pub(crate) fn call_expr(tag: &Tag, op: &Operation, args: &[(&Param, Arg)], body: Option<&str>) -> String {
    let mut required: Vec<String> = args.iter().filter(|(p, _)| p.required).map(|(_, a)| a.expr.clone()).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    if let (Some(b), true) = (body, body_required) {
        required.push(b.to_string());
    }
    let mut call = format!("client.{}().{}({})", ident(&tag.module), ident(&op.method_name), required.join(", "));
    for (p, a) in args.iter().filter(|(p, _)| !p.required) {
        let _ = write!(call, ".{}({})", ident(&p.setter_name), a.expr);
    }
    if let (Some(b), false) = (body, body_required) {
        let _ = write!(call, ".body({b})");
    }
    call
}

/// The request body a test sends: the Rust expression and the matcher of what arrives.
struct BodyArg {
    expr: String,
    matcher: String,
}

fn body_arg(op: &Operation, src: &OpSource) -> Option<BodyArg> {
    let body = op.body.as_ref()?;
    let sample = || src.sample(src.body_schema(&body.media_type));
    let model = |v: &Value| format!("serde_json::from_value(serde_json::json!({v}))?");
    Some(match body.kind {
        BodyKind::Json => {
            let v = sample();
            BodyArg { expr: model(&v), matcher: format!("wiremock::matchers::body_json(serde_json::json!({v}))") }
        }
        BodyKind::Form => {
            let v = sample();
            let schema = src.body_schema(&body.media_type);
            let pairs = object_pairs(src.doc, &v, schema, None);
            BodyArg { expr: model(&v), matcher: format!("crate::FormBody(&[{}])", pairs_text(&pairs)) }
        }
        BodyKind::Text => BodyArg {
            expr: "\"conformance body\".to_string()".into(),
            matcher: "wiremock::matchers::body_string(\"conformance body\")".into(),
        },
        BodyKind::Bytes => BodyArg {
            expr: "bytes::Bytes::from_static(b\"conformance body\")".into(),
            matcher: "wiremock::matchers::body_bytes(b\"conformance body\".to_vec())".into(),
        },
    })
}

fn test_fn(tag: &Tag, op: &Operation, index: &ModelIndex, src: &OpSource) -> String {
    let args: Vec<(&Param, Arg)> = op.params.iter().map(|p| (p, arg(p, index, src))).collect();
    let body = body_arg(op, src);
    let mut t = format!("/// `{} {}` (`{}`).\n#[tokio::test]\n", op.http_method, op.path.raw, op.operation_id);
    let _ = writeln!(t, "async fn {}() -> crate::Outcome {{", ident(&op.method_name));
    let uses = enum_uses(&op.params.iter().collect::<Vec<_>>());
    if !uses.is_empty() {
        let _ = writeln!(t, "use plex_sdk::models::{{{}}};", uses.join(", "));
    }
    // The arguments first: one that does not build fails the test before the mock exists.
    let mut bound: Vec<(&Param, Arg)> = Vec::new();
    for (i, (p, a)) in args.iter().enumerate() {
        let _ = writeln!(t, "let arg{i} = {};", a.expr);
        bound.push((p, Arg { expr: format!("arg{i}"), value: a.value.clone() }));
    }
    if let Some(b) = &body {
        let _ = writeln!(t, "let body = {};", b.expr);
    }
    let _ = writeln!(t, "let mock = wiremock::Mock::given(wiremock::matchers::method({:?}))", op.http_method);
    let _ = writeln!(t, ".and(wiremock::matchers::path({:?}))", expected_path(op, &args));
    let query: Vec<(String, String)> = args
        .iter()
        .filter(|(p, _)| p.location == Location::Query)
        .flat_map(|(p, a)| query_pairs(p, &a.value, src.param_schema(p), src.doc))
        .collect();
    let _ = writeln!(t, ".and(crate::Query(&[{}]))", pairs_text(&query));
    let _ = writeln!(t, ".and(crate::headers({:?}, {}, &[{}]))", op.accept, op.sends_token, own_headers(op, &args));
    if let Some(b) = &body {
        let _ = writeln!(t, ".and({})", b.matcher);
    }
    let _ = writeln!(t, ".respond_with({});", answer(op));
    t.push_str("let server = crate::serve(mock).await;\nlet client = crate::client(&server.uri());\n");
    let _ = writeln!(t, "let call = {};", call_expr(tag, op, &bound, body.as_ref().map(|_| "body")));
    t.push_str(&check(op));
    t.push_str("Ok(())\n}\n\n");
    t
}

/// The statements that await the call and check what it gives.
fn check(op: &Operation) -> String {
    match &op.success {
        Success::Json { .. } => "crate::value(&server, call.await).await;\n".into(),
        Success::Unit => "crate::value(&server, call.await).await;\n".into(),
        Success::Text => "assert_eq!(crate::value(&server, call.await).await, crate::TEXT);\n".into(),
        Success::Binary => "let binary = crate::value(&server, call.await).await;\n\
             assert_eq!(&crate::value(&server, binary.bytes().await).await[..], crate::BYTES);\n"
            .into(),
        Success::Status { .. } => {
            format!("assert_eq!(crate::value(&server, call.await).await.status(), {});\n", op.first_success)
        }
    }
}

/// The answer the mock gives: the documented sample, a text or some bytes, or no body.
fn answer(op: &Operation) -> String {
    let status = op.first_success;
    let media = op
        .responses
        .iter()
        .find(|r| r.status == status.to_string())
        .and_then(|r| r.content_types.first())
        .map_or("application/octet-stream", String::as_str);
    match &op.success {
        Success::Json { .. } => {
            format!("crate::json({status}, {})", raw_str(op.example_body.as_deref().unwrap_or("{}")))
        }
        Success::Text => format!("crate::text({status}, {media:?})"),
        Success::Binary => format!("crate::binary({status}, {media:?})"),
        Success::Unit | Success::Status { .. } => format!("crate::empty({status})"),
    }
}

/// The request path the mock expects: the server's path prefix (plex.tv's `/api/v2`) and the
/// template with each path parameter encoded.
fn expected_path(op: &Operation, args: &[(&Param, Arg)]) -> String {
    let prefix = op.server.as_deref().map(docs::server_path).unwrap_or_default();
    let filled = op.path.fill(|name| match args.iter().find(|(p, _)| p.location == Location::Path && p.name == name) {
        Some((p, a)) => path_segment(&a.value, p.bool_int),
        None => encode_segment(name),
    });
    format!("{prefix}{filled}")
}

/// A path parameter in `simple` style: items comma-separated, each percent-encoded.
fn path_segment(v: &Value, bool_int: bool) -> String {
    match v {
        Value::Array(items) => items.iter().map(|i| encode_segment(&scalar(i, bool_int))).collect::<Vec<_>>().join(","),
        other => encode_segment(&scalar(other, bool_int)),
    }
}

/// RFC 3986: everything but the unreserved characters percent-encoded (UTF-8, upper case).
fn encode_segment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A scalar on the wire (`BoolInt` booleans as `1`/`0`, null as nothing).
fn scalar(v: &Value, bool_int: bool) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) if bool_int => if *b { "1" } else { "0" }.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value in `simple` style: lists and objects comma-separated.
fn simple(v: &Value, bool_int: bool) -> String {
    match v {
        Value::Array(items) => items.iter().map(|i| scalar(i, bool_int)).collect::<Vec<_>>().join(","),
        Value::Object(map) => map
            .iter()
            .filter(|(_, x)| !x.is_null())
            .flat_map(|(k, x)| [k.clone(), scalar(x, bool_int)])
            .collect::<Vec<_>>()
            .join(","),
        other => scalar(other, bool_int),
    }
}

/// The query pairs of parameter `p` holding `v`, by its style: `form` repeats the name for a
/// list and makes each property of an object a parameter, `form` without `explode` joins
/// with commas, `deepObject` writes `name[key]=value` (`name[a][b]` for nested objects).
fn query_pairs(p: &Param, v: &Value, schema: Option<&Value>, doc: &Value) -> Vec<(String, String)> {
    match (p.style, v) {
        (_, Value::Null) => Vec::new(),
        (Style::Form | Style::DeepObject, Value::Array(items)) => {
            items.iter().filter(|i| !i.is_null()).map(|i| (p.name.clone(), scalar(i, p.bool_int))).collect()
        }
        (Style::Form, Value::Object(_)) => object_pairs(doc, v, schema, None),
        (Style::DeepObject, Value::Object(_)) => object_pairs(doc, v, schema, Some(&p.name)),
        (_, other) => vec![(p.name.clone(), simple(other, p.bool_int))],
    }
}

/// An object's properties as pairs: each property a parameter (`form`, `prefix` none; a
/// nested object in `simple` style), or `prefix[name]` (`deepObject`; a nested object's under
/// `prefix[name][inner]`). A property whose schema is a `BoolInt` is written `1`/`0`.
fn object_pairs(doc: &Value, v: &Value, schema: Option<&Value>, prefix: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, x) in v.as_object().into_iter().flatten().filter(|(_, x)| !x.is_null()) {
        let prop = schema.and_then(|s| property(doc, s, k));
        let name = prefix.map_or_else(|| k.clone(), |prefix| format!("{prefix}[{k}]"));
        match x {
            Value::Object(_) if prefix.is_some() => out.extend(object_pairs(doc, x, prop, Some(&name))),
            other => out.push((name, simple(other, prop.is_some_and(|s| is_bool_int(doc, s))))),
        }
    }
    out
}

/// The schema of property `key` of `schema` (through `$ref` and `allOf`).
fn property<'a>(doc: &'a Value, schema: &'a Value, key: &str) -> Option<&'a Value> {
    let schema = walk::deref(doc, schema);
    if let Some(found) = schema.get("properties").and_then(|p| p.get(key)) {
        return Some(found);
    }
    let members = schema.get("allOf").and_then(Value::as_array)?;
    members.iter().find_map(|m| property(doc, m, key))
}

/// Whether `schema` (or the one schema of its `allOf`) is a `BoolInt`.
fn is_bool_int(doc: &Value, schema: &Value) -> bool {
    let target = walk::deref(doc, schema);
    crate::model::is_bool_int(target)
        || target.get("allOf").and_then(Value::as_array).is_some_and(|m| m.len() == 1 && is_bool_int(doc, &m[0]))
}

/// Pairs as Rust tuples.
fn pairs_text(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("({k:?}, {v:?})")).collect::<Vec<_>>().join(", ")
}

/// The operation's header parameters with their values, and `Content-Type`: the body's
/// media type, or absent.
fn own_headers(op: &Operation, args: &[(&Param, Arg)]) -> String {
    let mut headers: Vec<String> = args
        .iter()
        .filter(|(p, _)| p.location == Location::Header)
        .map(|(p, a)| format!("({:?}, Some({:?}))", p.name, simple(&a.value, p.bool_int)))
        .collect();
    headers.push(match &op.body {
        Some(b) => format!("(\"content-type\", Some({:?}))", b.media_type),
        None => "(\"content-type\", None)".into(),
    });
    headers.join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn param(name: &str, location: Location, style: Style, shape: Shape, bool_int: bool) -> Param {
        Param {
            name: name.into(),
            rust_name: name.into(),
            setter_name: name.into(),
            matcher_name: name.into(),
            location,
            style,
            bool_int,
            required: true,
            description: String::new(),
            ty: TypeRef::plain("String"),
            shape,
            example: None,
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn path_segments_keep_only_unreserved_characters() {
        assert_eq!(encode_segment("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_segment("a b/c,é"), "a%20b%2Fc%2C%C3%A9");
        assert_eq!(path_segment(&json!([32, "x y"]), false), "32,x%20y");
        assert_eq!(path_segment(&json!(true), true), "1");
    }

    #[test]
    fn query_styles() {
        let doc = json!({});
        let list = Shape::List(Box::new(Shape::Integer));
        let form = param("a", Location::Query, Style::Form, list.clone(), false);
        assert_eq!(query_pairs(&form, &json!([1, 2]), None, &doc), pairs(&[("a", "1"), ("a", "2")]));
        let flat = param("a", Location::Query, Style::FormFlat, list, false);
        assert_eq!(query_pairs(&flat, &json!([1, 2]), None, &doc), pairs(&[("a", "1,2")]));
        let flag = param("f", Location::Query, Style::Form, Shape::Bool, true);
        assert_eq!(query_pairs(&flag, &json!(false), None, &doc), pairs(&[("f", "0")]));
        let object = param("o", Location::Query, Style::Form, Shape::Object, false);
        assert_eq!(query_pairs(&object, &json!({"k": "v", "n": null}), None, &doc), pairs(&[("k", "v")]));
    }

    #[test]
    fn deep_objects_nest_and_bool_ints_follow_their_schema() {
        let doc = json!({ "components": { "schemas": {
            "BoolInt": { "type": "integer", "enum": [0, 1], "x-speakeasy-enums": [false, true] }
        } } });
        let schema = json!({ "type": "object", "properties": {
            "Policy": { "type": "object", "properties": { "unwatched": { "$ref": "#/components/schemas/BoolInt" } } },
            "title": { "type": "string" }
        } });
        let item = param("Item", Location::Query, Style::DeepObject, Shape::Object, false);
        let value = json!({ "Policy": { "unwatched": true }, "title": "T" });
        assert_eq!(
            query_pairs(&item, &value, Some(&schema), &doc),
            pairs(&[("Item[Policy][unwatched]", "1"), ("Item[title]", "T")])
        );
    }

    #[test]
    fn examples_that_do_not_fit_are_replaced() {
        let doc = json!({});
        let schema =
            json!({ "type": "object", "properties": { "value": { "type": "integer" }, "s": { "type": "string" } } });
        assert_eq!(fit(&doc, &schema, &json!({ "value": "", "s": "x" })), json!({ "value": 1, "s": "x" }));
        let bounded_list = json!({ "type": "array", "items": { "type": "integer", "minimum": 50 } });
        let list = Shape::List(Box::new(Shape::Integer));
        assert_eq!(bounded(&doc, &bounded_list, &list), Some(json!([50])));
        assert_eq!(bounded(&doc, &json!({ "type": "integer" }), &Shape::Integer), None);
    }

    #[test]
    fn raw_strings_outlast_their_content() {
        assert_eq!(raw_str("{}"), "r#\"{}\"#");
        assert_eq!(raw_str("a\"#b"), "r##\"a\"#b\"##");
    }
}
