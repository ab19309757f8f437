//! Step 4 of the pipeline: the model of the SDK surface that the emitter turns into Rust:
//! the client-wide headers, and per tag the operations with their Rust names, parameters,
//! success types and documented responses. Built from the normalised, selected document.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Serialize;
use serde_json::Value;

use crate::load::Document;
use crate::normalise::is_json;
use crate::walk;

/// The whole generated surface.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The header the `token` security scheme names (`X-Plex-Token`), if any.
    pub token_header: Option<String>,
    /// Client-wide headers, from `x-speakeasy-globals` (without `accepts`, which the SDK
    /// answers with a real `Accept` header).
    pub globals: Vec<Global>,
    /// The generated tags, in the order given.
    pub tags: Vec<Tag>,
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
    /// Module and accessor name (`butler`).
    pub module: String,
    /// Type name of the accessor struct (`Butler`).
    pub type_name: String,
    /// The tag's description.
    pub description: String,
    /// Its operations, in document order.
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
    pub path: String,
    /// Summary line.
    pub summary: String,
    /// Longer description.
    pub description: String,
    /// Parameters (the globals excluded).
    pub params: Vec<Param>,
    /// What a successful call returns.
    pub success: Success,
    /// Every documented response, by status.
    pub responses: Vec<ResponseDoc>,
    /// The `Accept` header to send.
    pub accept: String,
    /// An example success body (JSON), from the document's examples or made from the schema.
    pub example_body: Option<String>,
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

/// One parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// Rust name (snake case).
    pub rust_name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether it must be given (required ones are method arguments, the rest setters).
    pub required: bool,
    /// Its description.
    pub description: String,
    /// Its Rust type.
    pub ty: RustType,
    /// The documented example value (the parameter's, else its schema's, else the first
    /// enum value).
    pub example: Option<Value>,
}

/// The Rust type of a parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum RustType {
    /// A generated model (`models::ButlerTask`).
    Model(String),
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Bool,
}

/// What a successful call gives back.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Success {
    /// A JSON body decoded into a model.
    Json {
        /// The model's type name.
        model: String,
    },
    /// No body schema and one documented success status: `()`.
    Unit,
    /// No body schema and several documented success statuses: an enum of them.
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
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().trim().to_string()
}

/// Builds the model from the normalised document (`doc`), for the tags in `tags`.
pub fn build(source: &Document, doc: &Value, tags: &[String]) -> crate::Result<Api> {
    let token_header = doc.pointer("/components/securitySchemes").and_then(Value::as_object).and_then(|schemes| {
        schemes
            .values()
            .find_map(|s| (s.get("type")? == "apiKey" && s.get("in")? == "header").then(|| text(s.get("name"))))
    });
    let globals = build_globals(doc);
    let mut out_tags = Vec::new();
    for tag in tags {
        let description = doc
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|l| l.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(tag)))
            .map(|t| text(t.get("description")))
            .unwrap_or_default();
        let mut operations = Vec::new();
        for op in walk::operations(doc) {
            let node = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
            let tagged =
                node.get("tags").and_then(Value::as_array).is_some_and(|l| l.iter().any(|t| t == tag.as_str()));
            if tagged {
                let built = build_operation(source, doc, &op, node)?;
                if let Some(other) = operations.iter().find(|o: &&Operation| o.method_name == built.method_name) {
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
        }
        let module = tag.to_snake_case();
        check_identifier(source, &tag_pointer(doc, tag), &module)?;
        if let Some(other) = out_tags.iter().find(|t: &&Tag| t.module == module) {
            return Err(source.error(
                "/tags",
                format!("tags `{}` and `{tag}` both become the Rust module `{module}`", other.name),
                Some("generate one of them, or rename it"),
            ));
        }
        out_tags.push(Tag { name: tag.clone(), type_name: tag.to_upper_camel_case(), module, description, operations });
    }
    Ok(Api {
        title: text(doc.pointer("/info/title")),
        version: text(doc.pointer("/info/version")),
        token_header,
        globals,
        tags: out_tags,
    })
}

fn build_globals(doc: &Value) -> Vec<Global> {
    let Some(list) = doc.pointer("/x-speakeasy-globals/parameters").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .map(|p| walk::deref(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
        .filter(|p| !p.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case("accepts")))
        .map(|p| {
            let header = text(p.get("name"));
            let rust_base = p
                .get("x-speakeasy-name-override")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| header.strip_prefix("X-Plex-").unwrap_or(&header).to_string());
            let example = p.get("example").or_else(|| p.pointer("/schema/example")).and_then(|e| match e {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            });
            Global {
                rust_name: rust_base.to_snake_case(),
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                description: text(p.get("description")),
                example,
                header,
            }
        })
        .collect()
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

/// Rust keywords (strict and reserved) that cannot be identifiers as they are.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// `name` with `r#` in front when it is a Rust keyword (for use with `format_ident!`, the
/// raw form is made by the emitter; here we only check it can be an identifier at all).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

fn check_identifier(source: &Document, pointer: &str, name: &str) -> crate::Result<()> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid && !["self", "Self", "super", "crate", "_"].contains(&name) {
        Ok(())
    } else {
        Err(source.error(
            pointer,
            format!("`{name}` cannot be made a Rust identifier"),
            Some("rename it in the document"),
        ))
    }
}

fn build_operation(source: &Document, doc: &Value, op: &walk::OperationRef, node: &Value) -> crate::Result<Operation> {
    let operation_id = node.get("operationId").and_then(Value::as_str).ok_or_else(|| {
        source.error(
            &op.pointer,
            "operation has no operationId",
            Some("add an `operationId`: it names the Rust method"),
        )
    })?;
    let method_name = operation_id.to_snake_case();
    check_identifier(source, &format!("{}/operationId", op.pointer), &method_name)?;
    let mut params = Vec::new();
    // Path-level parameters first; an operation's parameter with the same name and location
    // overrides one of them (OpenAPI's rule). Each keeps its own pointer for errors.
    let item_ptr = format!("/paths/{}", crate::load::escape_segment(&op.path));
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
    for (pointer, raw) in declared {
        let p = walk::deref(doc, raw);
        let name = text(p.get("name"));
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            other => {
                return Err(source.error(&pointer, format!("parameter `{name}` in {other:?} is not supported"), None));
            }
        };
        let schema = p.get("schema").unwrap_or(&Value::Null);
        let ty = rust_type(doc, schema).ok_or_else(|| {
            source.error(
                &format!("{pointer}/schema"),
                format!("parameter `{name}` has a schema the generator cannot map to a Rust type"),
                Some(
                    "parameters can be strings, integers, numbers, booleans or string enums; objects and \
                     arrays in the query string are not supported yet",
                ),
            )
        })?;
        let rust_name = name.to_snake_case();
        check_identifier(source, &pointer, &rust_name)?;
        if params.iter().any(|q: &Param| q.rust_name == rust_name) {
            return Err(source.error(
                &pointer,
                format!("two parameters of `{operation_id}` map to the Rust name `{rust_name}`"),
                Some("rename one of them"),
            ));
        }
        let example = p
            .get("example")
            .or_else(|| schema.get("example"))
            .or_else(|| walk::deref(doc, schema).get("example"))
            .or_else(|| walk::deref(doc, schema).pointer("/enum/0"))
            .cloned();
        params.push(Param {
            example,
            required: location == Location::Path || p.get("required").and_then(Value::as_bool).unwrap_or(false),
            description: text(p.get("description")),
            name,
            rust_name,
            location,
            ty,
        });
    }
    let mut responses = Vec::new();
    let mut success_codes = Vec::new();
    let mut json_model = None;
    let mut example_body = None;
    let mut non_json = Vec::new();
    if let Some(map) = node.get("responses").and_then(Value::as_object) {
        for (status, raw) in map {
            let r = walk::deref(doc, raw);
            let content: Vec<String> =
                r.get("content").and_then(Value::as_object).map(|c| c.keys().cloned().collect()).unwrap_or_default();
            for media in &content {
                if !is_json(media) && !non_json.contains(media) {
                    non_json.push(media.clone());
                }
            }
            if status.starts_with('2') {
                if let Ok(code) = status.parse::<u16>() {
                    success_codes.push((code, text(r.get("description"))));
                }
                let schema_ref = r
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.iter().find(|(m, _)| is_json(m)))
                    .and_then(|(_, body)| body.pointer("/schema/$ref"))
                    .and_then(Value::as_str);
                if let Some(reference) = schema_ref {
                    json_model.get_or_insert_with(|| model_name(reference));
                    if example_body.is_none() {
                        let media = r
                            .get("content")
                            .and_then(Value::as_object)
                            .and_then(|c| c.iter().find(|(m, _)| is_json(m)));
                        let value = media
                            .and_then(|(_, m)| m.get("example").cloned())
                            .unwrap_or_else(|| sample(doc, &serde_json::json!({ "$ref": reference }), 0));
                        example_body = serde_json::to_string(&value).ok();
                    }
                }
            }
            responses.push(ResponseDoc {
                status: status.clone(),
                description: text(r.get("description")),
                content_types: content,
            });
        }
    }
    let builder_name = operation_id.to_upper_camel_case();
    let success = match json_model {
        Some(model) => Success::Json { model },
        None if success_codes.len() > 1 => {
            Success::Status { type_name: format!("{builder_name}Status"), variants: success_codes }
        }
        None => Success::Unit,
    };
    let mut accept = vec!["application/json".to_string()];
    accept.extend(non_json.iter().map(|m| format!("{m};q=0.9")));
    Ok(Operation {
        operation_id: operation_id.to_string(),
        method_name,
        builder_name,
        http_method: op.method.to_uppercase(),
        path: op.path.clone(),
        summary: text(node.get("summary")),
        description: text(node.get("description")),
        params,
        success,
        responses,
        accept: accept.join(", "),
        example_body,
    })
}

/// The Rust type name typify gives the component a `$ref` points at.
fn model_name(reference: &str) -> String {
    reference.rsplit('/').next().unwrap_or(reference).replace("~1", "/").replace("~0", "~").to_upper_camel_case()
}

fn rust_type(doc: &Value, schema: &Value) -> Option<RustType> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = walk::resolve(doc, reference)?;
        // A component that is only a primitive is used as that primitive; a string enum is its
        // generated enum (which displays as its wire value); nothing else fits a URL or header.
        let is_enum = target.get("enum").and_then(Value::as_array).is_some_and(|l| l.iter().all(Value::is_string));
        if is_enum && target.get("type").is_none_or(|t| t == "string") {
            return Some(RustType::Model(model_name(reference)));
        }
        if target.get("enum").is_none() && target.get("properties").is_none() {
            return primitive(target);
        }
        return None;
    }
    primitive(schema)
}

fn primitive(schema: &Value) -> Option<RustType> {
    match schema.get("type").and_then(Value::as_str)? {
        "string" => Some(RustType::String),
        "integer" => Some(RustType::Integer),
        "number" => Some(RustType::Number),
        "boolean" => Some(RustType::Bool),
        _ => None,
    }
}

/// A value that fits `schema`: its example where it has one, else made up from its type
/// (objects with every property, arrays of one item), to a bounded depth. Deterministic.
pub fn sample(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = walk::deref(doc, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.pointer("/enum/0") {
        return first.clone();
    }
    if depth > 8 {
        return Value::Null;
    }
    if let Some(Value::Array(members)) = schema.get("allOf") {
        let mut merged = serde_json::Map::new();
        for m in members {
            match sample(doc, m, depth + 1) {
                Value::Object(o) => merged.extend(o),
                other if merged.is_empty() => return other,
                _ => {}
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(|m| m.get(0)) {
            return sample(doc, first, depth + 1);
        }
    }
    let ty = match schema.get("type") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        Some(Value::String(t)) => t.as_str(),
        _ if schema.get("properties").is_some() => "object",
        _ => "",
    };
    match ty {
        "object" => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| props.iter().map(|(k, v)| (k.clone(), sample(doc, v, depth + 1))).collect())
                .unwrap_or_default(),
        ),
        "array" => Value::Array(vec![sample(doc, schema.get("items").unwrap_or(&Value::Null), depth + 1)]),
        "string" => Value::String("text".into()),
        "integer" => Value::from(1),
        "number" => Value::from(1.5),
        "boolean" => Value::Bool(true),
        _ => Value::Null,
    }
}
