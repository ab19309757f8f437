//! The model of the SDK surface that the emitter turns into Rust: the client-wide headers,
//! and per tag the operations with their Rust names, parameters, body, success type, server
//! and security. Built from the selected, normalised document; every type comes from the
//! type space ([`crate::types`]).

use serde::Serialize;
use serde_json::Value;

use crate::load::{Document, escape_segment};
use crate::names::{self, Case};
use crate::normalise::is_json;
use crate::template::PathTemplate;
use crate::types::{TypeRef, Types};
use crate::walk;

/// The whole generated surface.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The header the `apiKey` security scheme names (`X-Plex-Token`), if any.
    pub token_header: Option<String>,
    /// Client-wide headers, from `x-speakeasy-globals` (without `accepts`, which the SDK
    /// answers with a real `Accept` header).
    pub globals: Vec<Global>,
    /// The document's server templates, in order.
    pub servers: Vec<ServerTemplate>,
    /// The generated tags, in the order given.
    pub tags: Vec<Tag>,
}

/// One of the document's `servers`.
#[derive(Debug, Clone, Serialize)]
pub struct ServerTemplate {
    /// The URL template (`{protocol}://{host}:{port}`).
    pub url: String,
    /// Its variables and their defaults, in order.
    pub variables: Vec<(String, String)>,
}

/// A client-wide header the user sets once on the builder.
#[derive(Debug, Clone, Serialize)]
pub struct Global {
    /// Wire name (`X-Plex-Client-Identifier`).
    pub header: String,
    /// Rust name of the builder method (`client_identifier`, from `x-speakeasy-name-override`).
    pub rust_name: String,
    /// Whether the server requires it.
    pub required: bool,
    /// Its description.
    pub description: String,
    /// The documented example value.
    pub example: Option<String>,
}

/// One tag: a module and an accessor on the client.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    /// The tag's name in the document (`Butler`).
    pub name: String,
    /// Module and accessor name (`butler`), also its cargo feature.
    pub module: String,
    /// Type name of the accessor struct (`Butler`).
    pub type_name: String,
    /// The tag's description.
    pub description: String,
    /// Its operations, in [`walk::operations`] order (by path, then method).
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// The `operationId`.
    pub operation_id: String,
    /// The method name (`start_task`).
    pub method_name: String,
    /// The request builder's type name (`StartTask`).
    pub builder_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// Path template.
    pub path: PathTemplate,
    /// Summary line.
    pub summary: String,
    /// Longer description.
    pub description: String,
    /// Parameters (the globals excluded).
    pub params: Vec<Param>,
    /// The request body, when it has one.
    pub body: Option<Body>,
    /// What a successful call returns.
    pub success: Success,
    /// Every documented response, by status.
    pub responses: Vec<ResponseDoc>,
    /// The `Accept` header to send.
    pub accept: String,
    /// An example success body (JSON), from the document's examples or made from the schema.
    pub example_body: Option<String>,
    /// The operation's own server (`https://plex.tv/api/v2`), when it has one.
    pub server: Option<String>,
    /// Whether the call carries the token (`security: []` or `[{}]` says it does not).
    pub sends_token: bool,
}

impl Operation {
    /// The Rust types it names: its parameters', its body's and its JSON success type.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        let success = match &self.success {
            Success::Json { ty } => Some(ty),
            _ => None,
        };
        self.params.iter().map(|p| &p.ty).chain(self.body.iter().map(|b| &b.ty)).chain(success)
    }

    /// Whether one of [`Operation::types`] is (or holds) a generated model.
    pub fn uses_models(&self) -> bool {
        self.types().any(|t| t.rust.contains("models"))
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
}

impl Location {
    /// The OpenAPI name of the location (`path`, `query`, `header`).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// How a parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// `simple` (path, header): lists comma-separated.
    Simple,
    /// `form`, exploded: a list repeats the name, an object's properties are parameters.
    Form,
    /// `form` with `explode: false`: a list or object comma-separated under the name.
    FormFlat,
    /// `deepObject`: `name[key]=value` per property.
    DeepObject,
}

/// The shape of a parameter's value, for examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean (a `BoolInt` too).
    Bool,
    /// A generated enum.
    Enum,
    /// A list of values.
    List(Box<Shape>),
    /// An object (a model or a map).
    Object,
}

/// One parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// Rust name (snake case).
    pub rust_name: String,
    /// Where it goes.
    pub location: Location,
    /// How it is written.
    pub style: Style,
    /// Whether a `bool` is written as `1`/`0` (a `BoolInt`).
    pub bool_int: bool,
    /// Whether it must be given (required ones are method arguments, the rest setters).
    pub required: bool,
    /// Its description.
    pub description: String,
    /// Its Rust type.
    pub ty: TypeRef,
    /// The shape of its value.
    pub shape: Shape,
    /// The documented example value (the parameter's, else its schema's, else the first
    /// enum value).
    pub example: Option<Value>,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `text/*`: a string.
    Text,
    /// Anything else: bytes.
    Bytes,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    /// Its media type.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// The Rust type of the argument.
    pub ty: TypeRef,
    /// Whether it must be given (a method argument), else a setter `.body(..)`.
    pub required: bool,
    /// Its description.
    pub description: String,
}

/// What a successful call gives back.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Success {
    /// A JSON body decoded into a type.
    Json {
        /// The type.
        ty: TypeRef,
    },
    /// A text body (`text/plain`, subtitles): a `String`.
    Text,
    /// A binary body (images, audio, video, playlists): streamed.
    Binary,
    /// No body of interest and one documented success status: `()`.
    Unit,
    /// No body of interest and several documented success statuses: an enum of them.
    Status {
        /// The enum's name (`StartTaskStatus`).
        type_name: String,
        /// The documented statuses and their descriptions.
        variants: Vec<(u16, String)>,
    },
}

/// A documented response.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseDoc {
    /// Status code or range (`200`, `4XX`, `default`).
    pub status: String,
    /// Its description.
    pub description: String,
    /// Its media types.
    pub content_types: Vec<String>,
    /// Its documented headers (name, description).
    pub headers: Vec<(String, String)>,
}

/// A name or value from the document as it is (trimmed): wire names are never escaped.
pub(crate) fn name(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().trim().to_string()
}

/// Document prose as it goes into rustdoc and the reference pages: trimmed, and a fenced block
/// without a language marked `text` (rustdoc would compile it as Rust).
pub(crate) fn text(v: Option<&Value>) -> String {
    let raw = v.and_then(Value::as_str).unwrap_or_default().trim();
    let mut open = false;
    let lines: Vec<String> = raw
        .lines()
        .map(|line| {
            let fence = line.trim_start().starts_with("```");
            if !fence {
                return line.to_string();
            }
            open = !open;
            if open && line.trim() == "```" { line.replace("```", "```text") } else { line.to_string() }
        })
        .collect();
    escape_brackets(&lines.join("\n"))
}

/// `[` and `]` escaped where they do not make a Markdown link (`[text](url)`): rustdoc would
/// read `[HH:MM:SS]` or `[type]` as a link to a Rust item. Code spans and blocks are left alone.
pub fn escape_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut in_block = false;
    let chars: Vec<char> = text.chars().collect();
    let mut link_close: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        if c == '`' {
            let fence = chars[i..].iter().take(3).all(|&x| x == '`');
            if fence && (i == 0 || chars[i - 1] == '\n') {
                in_block = !in_block;
            } else if !in_block {
                in_code = !in_code;
            }
        }
        let literal = in_code || in_block;
        match c {
            '[' if !literal => match closing_link(&chars, i) {
                Some(close) => {
                    link_close = Some(close);
                    out.push(c);
                }
                None => out.push_str("\\["),
            },
            ']' if !literal && link_close == Some(i) => {
                link_close = None;
                out.push(c);
            }
            ']' if !literal => out.push_str("\\]"),
            _ => out.push(c),
        }
    }
    out
}

/// Where the `]` of a Markdown link that starts at `open` is (`[text](`), if it is one.
fn closing_link(chars: &[char], open: usize) -> Option<usize> {
    let close = open + chars[open..].iter().position(|&c| c == ']' || c == '\n')?;
    (chars[close] == ']' && chars.get(close + 1) == Some(&'(')).then_some(close)
}

/// Builds the model from the normalised document (`doc`), for the tags in `tags`, asking
/// `types` for every type.
pub fn build(source: &Document, doc: &Value, tags: &[String], types: &mut Types) -> crate::Result<Api> {
    let token_header = doc.pointer("/components/securitySchemes").and_then(Value::as_object).and_then(|schemes| {
        schemes
            .values()
            .find_map(|s| (s.get("type")? == "apiKey" && s.get("in")? == "header").then(|| name(s.get("name"))))
    });
    let mut out_tags: Vec<Tag> = Vec::new();
    for tag in tags {
        let built = build_tag(source, doc, tag, types)?;
        if let Some(other) = out_tags.iter().find(|t| t.module == built.module) {
            return Err(source.error(
                "/tags",
                format!("tags `{}` and `{tag}` both become the Rust module `{}`", other.name, built.module),
                Some("generate one of them, or rename it"),
            ));
        }
        out_tags.push(built);
    }
    Ok(Api {
        title: text(doc.pointer("/info/title")),
        version: text(doc.pointer("/info/version")),
        token_header,
        globals: build_globals(source, doc)?,
        servers: servers(doc),
        tags: out_tags,
    })
}

fn servers(doc: &Value) -> Vec<ServerTemplate> {
    let list = doc.get("servers").and_then(Value::as_array).cloned().unwrap_or_default();
    list.iter()
        .map(|s| ServerTemplate {
            url: name(s.get("url")),
            variables: s
                .get("variables")
                .and_then(Value::as_object)
                .map(|vars| vars.iter().map(|(k, v)| (k.clone(), name(v.get("default")))).collect())
                .unwrap_or_default(),
        })
        .collect()
}

fn build_tag(source: &Document, doc: &Value, tag: &str, types: &mut Types) -> crate::Result<Tag> {
    let description = doc
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(tag)))
        .map(|t| text(t.get("description")))
        .unwrap_or_default();
    let pointer = tag_pointer(doc, tag);
    let module = names::derive(source, &pointer, tag, Case::Snake)?;
    let type_name = names::derive(source, &pointer, tag, Case::Camel)?;
    let mut operations: Vec<Operation> = Vec::new();
    for op in walk::operations(doc) {
        let node = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let tagged = node.get("tags").and_then(Value::as_array).is_some_and(|l| l.iter().any(|t| t == tag));
        if !tagged {
            continue;
        }
        let built = build_operation(source, doc, &op, node, types)?;
        if let Some(other) = operations.iter().find(|o| o.method_name == built.method_name) {
            return Err(source.error(
                &format!("{}/operationId", op.pointer),
                format!(
                    "operationIds `{}` and `{}` both become the Rust method `{}`",
                    other.operation_id, built.operation_id, built.method_name
                ),
                Some("rename one of them"),
            ));
        }
        operations.push(built);
    }
    Ok(Tag { name: tag.to_string(), type_name, module, description, operations })
}

fn build_globals(source: &Document, doc: &Value) -> crate::Result<Vec<Global>> {
    let mut out: Vec<Global> = Vec::new();
    for (i, p) in walk::global_parameters(doc) {
        let header = name(p.get("name"));
        if p.get("in").and_then(Value::as_str) != Some("header") || header.eq_ignore_ascii_case("accepts") {
            continue;
        }
        let pointer = format!("{}/{i}", walk::GLOBALS);
        let base = p
            .get("x-speakeasy-name-override")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| header.strip_prefix("X-Plex-").unwrap_or(&header).to_string());
        let rust_name = names::derive(source, &pointer, &base, Case::Snake)?;
        if out.iter().any(|g| g.rust_name == rust_name)
            || ["token", "server_url", "build"].contains(&rust_name.as_str())
        {
            return Err(source.error(
                &pointer,
                format!("the client-wide header `{header}` becomes the builder method `{rust_name}`, which is taken"),
                Some("give it another `x-speakeasy-name-override`"),
            ));
        }
        let example = p.get("example").or_else(|| p.pointer("/schema/example")).and_then(|e| match e {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        });
        out.push(Global {
            rust_name,
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
            description: text(p.get("description")),
            example,
            header,
        });
    }
    Ok(out)
}

/// Where a tag is named: its declaration in `tags`, else the first operation that uses it.
pub fn tag_pointer(doc: &Value, tag: &str) -> String {
    if let Some(i) = doc
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().position(|t| t.get("name").and_then(Value::as_str) == Some(tag)))
    {
        return format!("/tags/{i}");
    }
    for op in walk::operations(doc) {
        let tags = doc.pointer(&format!("{}/tags", op.pointer)).and_then(Value::as_array);
        if let Some(j) = tags.and_then(|l| l.iter().position(|t| t == tag)) {
            return format!("{}/tags/{j}", op.pointer);
        }
    }
    String::new()
}

fn build_operation(
    source: &Document,
    doc: &Value,
    op: &walk::OperationRef,
    node: &Value,
    types: &mut Types,
) -> crate::Result<Operation> {
    let operation_id = node.get("operationId").and_then(Value::as_str).unwrap_or_default();
    let id_pointer = format!("{}/operationId", op.pointer);
    let method_name = names::derive(source, &id_pointer, &names::method_name(operation_id), Case::Snake)?;
    let builder_name = names::derive(source, &id_pointer, operation_id, Case::Camel)?;
    let path = PathTemplate::parse(&op.path).map_err(|message| source.error(&op.pointer, message, None))?;
    let params = crate::params::build(source, doc, op, &builder_name, types)?;
    let body = build_body(source, doc, &op.pointer, node, &builder_name, types)?;
    if body.is_some() && params.iter().any(|p| p.rust_name == "body") {
        return Err(source.error(&op.pointer, "a parameter named `body` clashes with the request body", None));
    }
    let responses = crate::responses::build(source, doc, &op.pointer, node, &builder_name, types)?;
    Ok(Operation {
        operation_id: operation_id.to_string(),
        method_name,
        builder_name,
        http_method: op.method.to_uppercase(),
        path,
        summary: text(node.get("summary")),
        description: text(node.get("description")),
        params,
        body,
        success: responses.success,
        responses: responses.docs,
        accept: responses.accept,
        example_body: responses.example_body,
        server: node.pointer("/servers/0/url").and_then(Value::as_str).map(str::to_string),
        sends_token: sends_token(doc, node),
    })
}

/// An operation's `security` (else the document's): no token when it lists no requirement, or
/// only the empty one (`[]`, `[{}]`).
fn sends_token(doc: &Value, node: &Value) -> bool {
    let Some(list) = node.get("security").or_else(|| doc.get("security")).and_then(Value::as_array) else {
        return true;
    };
    list.iter().any(|req| req.as_object().is_some_and(|m| !m.is_empty()))
}

fn build_body(
    source: &Document,
    doc: &Value,
    op_pointer: &str,
    node: &Value,
    builder_name: &str,
    types: &mut Types,
) -> crate::Result<Option<Body>> {
    let Some(raw) = node.get("requestBody") else { return Ok(None) };
    let body = walk::deref(doc, raw);
    let pointer = format!("{op_pointer}/requestBody");
    let content = body.get("content").and_then(Value::as_object);
    let Some((media, entry)) = content.and_then(|c| c.iter().find(|(m, _)| is_json(m)).or_else(|| c.iter().next()))
    else {
        return Err(source.error(&pointer, "the request body has no `content`", Some("add a media type")));
    };
    let kind = match media.split(';').next().unwrap_or_default().trim() {
        m if is_json(m) => BodyKind::Json,
        "application/x-www-form-urlencoded" => BodyKind::Form,
        m if m.starts_with("text/") => BodyKind::Text,
        _ => BodyKind::Bytes,
    };
    let schema = entry.get("schema");
    let schema_pointer = format!("{pointer}/content/{}/schema", escape_segment(media));
    let ty = match (kind, schema) {
        (BodyKind::Json | BodyKind::Form, Some(schema)) => {
            types.type_of(source, &schema_pointer, schema, &format!("{builder_name}Body"))?
        }
        (BodyKind::Json, None) => TypeRef::plain("::serde_json::Value"),
        (BodyKind::Form, None) => TypeRef::plain("::std::collections::BTreeMap<String, String>"),
        (BodyKind::Text, _) => TypeRef::plain("String"),
        (BodyKind::Bytes, _) => TypeRef::plain("::bytes::Bytes"),
    };
    Ok(Some(Body {
        media_type: media.clone(),
        kind,
        ty,
        required: body.get("required").and_then(Value::as_bool).unwrap_or(false),
        description: text(body.get("description")),
    }))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_are_escaped_except_in_links_and_code() {
        assert_eq!(escape_brackets("YYYY-MM-DD [HH:MM:SS]"), "YYYY-MM-DD \\[HH:MM:SS\\]");
        assert_eq!(escape_brackets("see [the docs](https://x.y)"), "see [the docs](https://x.y)");
        assert_eq!(escape_brackets("`a[0]` and\n```\nb[1]\n```"), "`a[0]` and\n```\nb[1]\n```");
    }

    #[test]
    fn untagged_fences_become_text() {
        let text = super::text(Some(&Value::from("Sample\n```\n<root/>\n```\nand ```rust\nx\n```")));
        assert!(text.starts_with("Sample\n```text\n<root/>\n```"), "{text}");
    }
}
