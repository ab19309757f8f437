//! Builds the model ([`super::Api`]) from the selected, normalised document; every type
//! comes from the type space ([`super::types`]).

use serde_json::Value;

use super::api::{Api, Body, BodyKind, Global, Operation, Tag};
use super::text::{name, text};

use super::types::{TypeRef, Types};
use crate::names::{self, Case};
use crate::openapi::{Located, escape_segment};
use crate::openapi::{PathTemplate, is_json, walk};

/// Builds the model from the normalised document (`doc`), for the tags in `tags`, asking
/// `types` for every type.
pub fn build(source: &Located<'_>, doc: &Value, tags: &[String], types: &mut Types) -> crate::error::Result<Api> {
    let token_header = token_scheme(doc).map(|(_, header)| header);
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
        tags: out_tags,
    })
}

fn build_tag(source: &Located<'_>, doc: &Value, tag: &str, types: &mut Types) -> crate::error::Result<Tag> {
    let description = doc
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(tag)))
        .map(|t| text(t.get("description")))
        .unwrap_or_default();
    let pointer = tag_pointer(doc, tag);
    let mut module = names::derive(source, &pointer, tag, Case::Snake)?;
    // A tag named like a keyword, one of the client's methods or one of the crate's modules:
    // `…_api` (`type_api`, `raw_api`), so the module, its file and its feature need no raw name.
    let module_taken = |m: &str| names::reserved::CLIENT.contains(&m) || names::reserved::MODULES.contains(&m);
    if names::is_keyword(&module) || module_taken(&module) {
        module.push_str("_api");
    }
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

fn build_globals(source: &Located<'_>, doc: &Value) -> crate::error::Result<Vec<Global>> {
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
        let mut rust_name = names::derive(source, &pointer, &base, Case::Snake)?;
        // A name the builder has already is the header's whole name (`X-Plex-Timeout` →
        // `x_plex_timeout`).
        if names::reserved::BUILDER.contains(&rust_name.as_str()) {
            rust_name = names::derive(source, &pointer, &header, Case::Snake)?;
        }
        if out.iter().any(|g| g.rust_name == rust_name) || names::reserved::BUILDER.contains(&rust_name.as_str()) {
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
    source: &Located<'_>,
    doc: &Value,
    op: &walk::OperationRef,
    node: &Value,
    types: &mut Types,
) -> crate::error::Result<Operation> {
    let operation_id = node.get("operationId").and_then(Value::as_str).unwrap_or_default();
    let id_pointer = format!("{}/operationId", op.pointer);
    let method_name = names::derive(source, &id_pointer, &names::method_name(operation_id), Case::Snake)?;
    let builder_name = names::derive(source, &id_pointer, operation_id, Case::Camel)?;
    let path = PathTemplate::parse(&op.path).map_err(|message| source.error(&op.pointer, message, None))?;
    let params = super::params::build(source, doc, op, &builder_name, types)?;
    let body = build_body(source, doc, &op.pointer, node, &builder_name, types)?;
    if body.is_some() && params.iter().any(|p| p.rust_name == "body") {
        return Err(source.error(&op.pointer, "a parameter named `body` clashes with the request body", None));
    }
    let responses = super::responses::build(source, doc, &op.pointer, node, &builder_name, types)?;
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
        first_success: responses.first_success,
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
    let token = token_scheme(doc).map(|(scheme, _)| scheme);
    // `{}` makes authentication optional: the token goes when the client has one.
    list.iter()
        .filter_map(Value::as_object)
        .any(|req| req.is_empty() || token.as_ref().is_some_and(|t| req.contains_key(t)))
}

/// The `apiKey` header scheme that carries the token (its name and header): the first the
/// document's own `security` names, else the first the document defines (a document may
/// define others, such as one for the client identifier, which the client sends anyway).
fn token_scheme(doc: &Value) -> Option<(String, String)> {
    let schemes = doc.pointer("/components/securitySchemes").and_then(Value::as_object)?;
    let header_of = |scheme: &Value| {
        (scheme.get("type")? == "apiKey" && scheme.get("in")? == "header").then(|| name(scheme.get("name")))
    };
    let named = doc.get("security").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object);
    named
        .flat_map(|req| req.keys())
        .find_map(|key| Some((key.clone(), header_of(schemes.get(key)?)?)))
        .or_else(|| schemes.iter().find_map(|(key, s)| Some((key.clone(), header_of(s)?))))
}

fn build_body(
    source: &Located<'_>,
    doc: &Value,
    op_pointer: &str,
    node: &Value,
    builder_name: &str,
    types: &mut Types,
) -> crate::error::Result<Option<Body>> {
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
