//! An operation's responses in the model: what a success gives back (a JSON type, text, a
//! binary stream, or only its status), the `Accept` header, and every documented response
//! with its media types and headers.

use serde_json::Value;

use super::api::{ResponseDoc, Success};
use super::sample::sample;
use super::text::text;
use super::types::{TypeRef, Types};
use crate::openapi::walk;
use crate::openapi::{Located, escape_segment};
use crate::openapi::{is_json, is_page};

/// What [`build`] finds.
pub struct Responses {
    /// The success type.
    pub success: Success,
    /// Every documented response.
    pub docs: Vec<ResponseDoc>,
    /// The `Accept` header.
    pub accept: String,
    /// An example JSON success body.
    pub example_body: Option<String>,
    /// The first (lowest) success status the document lists.
    pub first_success: u16,
}

/// What one success response holds.
enum Kind {
    Json,
    JsonUntyped,
    Text,
    Binary,
    Nothing,
}

fn kind_of(content: Option<&serde_json::Map<String, Value>>) -> (Kind, Option<String>) {
    let Some(content) = content else { return (Kind::Nothing, None) };
    if let Some((media, body)) = content.iter().find(|(m, _)| is_json(m)) {
        return match body.pointer("/schema") {
            Some(_) => (Kind::Json, Some(media.clone())),
            None => (Kind::JsonUntyped, Some(media.clone())),
        };
    }
    if content.keys().any(|m| !m.starts_with("text/")) {
        return (Kind::Binary, None);
    }
    if content.keys().any(|m| !is_page(m)) || content.values().any(|b| b.get("schema").is_some()) {
        return (Kind::Text, None);
    }
    (Kind::Nothing, None)
}

/// The responses of the operation at `op_pointer`.
pub fn build(
    source: &Located<'_>,
    doc: &Value,
    op_pointer: &str,
    node: &Value,
    builder_name: &str,
    types: &mut Types,
) -> crate::error::Result<Responses> {
    let mut docs = Vec::new();
    let mut successes: Vec<(u16, String, Kind, Option<String>)> = Vec::new();
    let mut other_media: Vec<String> = Vec::new();
    for (status, raw) in node.get("responses").and_then(Value::as_object).into_iter().flatten() {
        let r = walk::deref(doc, raw);
        let content = r.get("content").and_then(Value::as_object);
        let media: Vec<String> = content.map(|c| c.keys().cloned().collect()).unwrap_or_default();
        for m in media.iter().filter(|m| !is_json(m)) {
            if !other_media.contains(m) {
                other_media.push(m.clone());
            }
        }
        if status.starts_with('2') {
            let Ok(code) = status.parse::<u16>() else {
                return Err(source.error(
                    &format!("{op_pointer}/responses/{}", escape_segment(status)),
                    format!(
                        "the status range `{status}` is not supported: the SDK decodes each success status it knows"
                    ),
                    Some("list the success statuses the operation answers with, e.g. `'200'`"),
                ));
            };
            let (kind, json_media) = kind_of(content);
            successes.push((code, status.clone(), kind, json_media));
        }
        let headers = r.get("headers").and_then(Value::as_object);
        docs.push(ResponseDoc {
            status: status.clone(),
            description: text(r.get("description")),
            content_types: media,
            headers: headers
                .map(|h| h.iter().map(|(k, v)| (k.clone(), text(walk::deref(doc, v).get("description")))).collect())
                .unwrap_or_default(),
        });
    }
    let Some(first_success) = successes.iter().map(|(code, ..)| *code).min() else {
        return Err(source.error(
            &format!("{op_pointer}/responses"),
            "the operation documents no success (2XX) status",
            Some("add the status a successful call answers with, e.g. `'200': {description: OK}`"),
        ));
    };
    let (success, example_body) = success(source, doc, op_pointer, builder_name, &successes, types)?;
    let mut accept = vec!["application/json".to_string()];
    accept.extend(other_media.iter().map(|m| format!("{m};q=0.9")));
    Ok(Responses { success, docs, accept: accept.join(", "), example_body, first_success })
}

fn success(
    source: &Located<'_>,
    doc: &Value,
    op_pointer: &str,
    builder_name: &str,
    successes: &[(u16, String, Kind, Option<String>)],
    types: &mut Types,
) -> crate::error::Result<(Success, Option<String>)> {
    let json: Vec<_> = successes
        .iter()
        .filter_map(|(_, status, k, media)| matches!(k, Kind::Json).then_some((status, media.clone()?)))
        .collect();
    if let Some((status, media)) = json.first() {
        if json.len() > 1 {
            let pointer = format!("{op_pointer}/responses/{}", json[1].0);
            let first = response_schema(doc, op_pointer, status, media);
            let second = response_schema(doc, op_pointer, json[1].0, &json[1].1);
            if first != second {
                return Err(source.error(
                    &pointer,
                    "two success statuses answer with different JSON schemas, which one Rust type cannot hold",
                    Some("give both the same schema (a `oneOf` of the two, say)"),
                ));
            }
        }
        let schema = response_schema(doc, op_pointer, status, media).cloned().unwrap_or(Value::Null);
        let pointer =
            format!("{op_pointer}/responses/{}/content/{}/schema", escape_segment(status), escape_segment(media));
        let ty = types.type_of(source, &pointer, &schema, &format!("{builder_name}Response"))?;
        // Made from the schema: documents' examples do not always fit their own schemas.
        let example = sample(doc, &schema, 0);
        return Ok((Success::Json { ty }, serde_json::to_string(&example).ok()));
    }
    if successes.iter().any(|(_, _, k, _)| matches!(k, Kind::JsonUntyped)) {
        return Ok((Success::Json { ty: TypeRef::plain("::serde_json::Value") }, None));
    }
    if successes.iter().any(|(_, _, k, _)| matches!(k, Kind::Binary)) {
        return Ok((Success::Binary, None));
    }
    if successes.iter().any(|(_, _, k, _)| matches!(k, Kind::Text)) {
        return Ok((Success::Text, None));
    }
    let statuses: Vec<(u16, String)> = successes
        .iter()
        .map(|(code, status, _, _)| {
            let r = doc.pointer(&format!("{op_pointer}/responses/{}", escape_segment(status)));
            (*code, text(r.map(|r| walk::deref(doc, r)).and_then(|r| r.get("description"))))
        })
        .collect();
    if statuses.len() > 1 {
        return Ok((Success::Status { type_name: format!("{builder_name}Status"), variants: statuses }, None));
    }
    Ok((Success::Unit, None))
}

/// The media type object of response `status` (its schema and example).
fn media_object<'a>(doc: &'a Value, op_pointer: &str, status: &str, media: &str) -> Option<&'a Value> {
    let r = walk::deref(doc, doc.pointer(&format!("{op_pointer}/responses/{}", escape_segment(status)))?);
    r.pointer(&format!("/content/{}", escape_segment(media)))
}

fn response_schema<'a>(doc: &'a Value, op_pointer: &str, status: &str, media: &str) -> Option<&'a Value> {
    media_object(doc, op_pointer, status, media)?.get("schema")
}
