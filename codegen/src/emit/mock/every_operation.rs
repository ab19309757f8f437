//! The mock crate's test of every operation (`tests/every_operation/main.rs`): per operation,
//! the mock matches every parameter (and the body) at its example value and answers with the
//! documented success; the SDK's call with the same values must get that answer, and the mock
//! must have seen exactly one call. It proves, operation by operation, that the mock's route,
//! parameter encoding and responders agree with what the SDK sends; a JSON answer is read raw
//! and decoded into its model, which must give back the value answered.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::file::{GeneratedFile, format_file};
use crate::model::{Api, BodyKind, Operation, Param, Shape, Success, Tag};
use crate::names::ident;
use crate::openapi::is_json;
use crate::openapi::walk;

/// The path of the generated test, relative to the mock crate.
pub const PATH: &str = "tests/every_operation/main.rs";

/// The test file. `doc` is the normalised document: a parameter example that does not fit its
/// model's schema is replaced by a value made from the schema.
pub fn emit(api: &Api, doc: &Value, spec_label: &str) -> crate::error::Result<GeneratedFile> {
    let sources = crate::emit::conformance::Sources::new(doc);
    let modules = api.tags.iter().map(|tag| tag_tests(doc, &sources, tag));
    let tokens = quote! {
        //! Every operation of the SDK against its mock: the mock matches each parameter at its
        //! example value and answers with the documented success; the SDK's call with the
        //! same values gets that answer, and the mock saw exactly one call.

        #[rustfmt::skip]
        #[allow(clippy::redundant_clone, clippy::clone_on_copy, unused_imports)]
        mod every_operation {
            use plex_sdk::models;
            use plex_sdk_mock::PlexMock;

            /// The JSON `value` as a `T` (the document's examples, decoded as the SDK would).
            fn arg<T: serde::de::DeserializeOwned>(value: &str) -> T {
                serde_json::from_str(value).unwrap_or_else(|e| panic!("the example {value} does not decode: {e}"))
            }

            #( #modules )*
        }
    };
    format_file(PATH, spec_label, tokens)
}

fn tag_tests(doc: &Value, sources: &crate::emit::conformance::Sources<'_>, tag: &Tag) -> TokenStream {
    let module = ident(&tag.module);
    let tests = tag.operations.iter().map(|op| op_test(doc, sources.of(op), tag, op));
    quote! {
        mod #module {
            use super::*;

            #( #tests )*
        }
    }
}

fn op_test(doc: &Value, source: crate::emit::conformance::OpSource<'_>, tag: &Tag, op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let accessor = ident(&tag.module);
    let lets = op.params.iter().map(|p| {
        let schema = source.param_schema(p);
        let (var, ty, value) = (var(p), p.ty.tokens(), json_tokens(&example_json(doc, schema, p)));
        quote! { let #var: #ty = arg(#value); }
    });
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let v = var(p);
            quote! { #v.clone() }
        })
        .collect();
    let mut sdk_setters: Vec<TokenStream> = optional
        .iter()
        .map(|p| {
            let (setter, v) = (ident(&p.setter_name), var(p));
            quote! { .#setter(#v.clone()) }
        })
        .collect();
    let mut matchers: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let (method, v) = (ident(&p.matcher_name), var(p));
            quote! { .#method(#v.clone()) }
        })
        .collect();
    let mut body_let = quote! {};
    if let Some(body) = &op.body {
        let (ty, value) = match body.kind {
            BodyKind::Json | BodyKind::Form => (body.ty.tokens(), quote! { arg("{}") }),
            BodyKind::Text => (quote! { String }, quote! { "text".to_string() }),
            BodyKind::Bytes => (quote! { Vec<u8> }, quote! { b"data".to_vec() }),
        };
        body_let = quote! { let body: #ty = #value; };
        matchers.push(quote! { .body(body.clone()) });
        if body.required {
            args.push(quote! { body.clone() });
        } else {
            sdk_setters.push(quote! { .body(body.clone()) });
        }
    }
    let method = ident(&op.method_name);
    let call = quote! { plex.client().#accessor().#method(#(#args),*) #(#sdk_setters)* };
    let (answer_let, respond, check) = answer(op, call);
    quote! {
        #[tokio::test]
        async fn #name() {
            let plex = PlexMock::start().await;
            #( #lets )*
            #body_let
            #answer_let
            plex.#accessor().#method() #(#matchers)* #respond .expect(1).mount().await;
            #check
            plex.verify();
        }
    }
}

/// The answer of the first documented success: the value it needs, the responder call, and
/// the check of the SDK's result.
fn answer(op: &Operation, call: TokenStream) -> (TokenStream, TokenStream, TokenStream) {
    let first = op.responses.iter().find_map(|r| {
        let code: u16 = r.status.parse().ok()?;
        (200..300).contains(&code).then_some((code, r))
    });
    let Some((code, response)) = first else {
        return (quote! {}, quote! { .respond_status(200) }, quote! { #call.await.expect("the call succeeds"); });
    };
    let responder = format_ident!("respond_{}", super::status_name(code));
    let has = |pred: &dyn Fn(&str) -> bool| response.content_types.iter().any(|m| pred(m));
    match &op.success {
        Success::Json { ty } if has(&|m| is_json(m)) => {
            let ty = ty.tokens();
            let parsed: Value = op
                .example_body
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok())
                .unwrap_or(Value::Object(Default::default()));
            let body = json_tokens(&parsed);
            // Read raw and decoded here, with the decoder `arg` already instantiates: decoding
            // through the SDK would compile its decoder once more per model (a minute here).
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            (
                quote! { let answer: #ty = arg(#body); },
                quote! { .#responder(answer.clone()) },
                quote! {
                    let raw = #call.send_raw().await.expect("the call succeeds");
                    assert_eq!(raw.status, #code);
                    let decoded: #ty = arg(std::str::from_utf8(&raw.body).expect("a UTF-8 body"));
                    assert_eq!(decoded, answer);
                },
            )
        }
        Success::Text if has(&|m| m.starts_with("text/") && !m.starts_with("text/html")) => (
            quote! {},
            quote! { .#responder("text") },
            quote! { assert_eq!(#call.await.expect("the call succeeds"), "text"); },
        ),
        Success::Binary => (
            quote! {},
            quote! { .#responder(b"data".to_vec()) },
            quote! {
                let body = #call.await.expect("the call succeeds").bytes().await.expect("the body is read");
                assert_eq!(&body[..], b"data");
            },
        ),
        Success::Status { .. } => (quote! {}, quote! { .#responder() }, {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote! { assert_eq!(#call.await.expect("the call succeeds").status(), #code); }
        }),
        _ => (quote! {}, quote! { .#responder() }, quote! { #call.await.expect("the call succeeds"); }),
    }
}

fn var(p: &Param) -> proc_macro2::Ident {
    format_ident!("p_{}", p.rust_name.trim_start_matches("r#"))
}

/// A value's JSON, as a raw string literal.
fn json_tokens(value: &Value) -> TokenStream {
    crate::emit::file::raw_literal(&value.to_string())
}

/// A parameter's example as the JSON of its Rust type (a `BoolInt`'s `1` as `true`, a list's
/// single value as a list, a free-form object's values as text).
fn example_json(doc: &Value, schema: Option<&Value>, p: &Param) -> Value {
    let example = p.example.clone().unwrap_or(Value::Null);
    let schema = schema.filter(|_| p.ty.model.is_some()).map(|s| walk::deref(doc, s));
    let item_schema = |s: &'_ Value| -> Value { s.get("items").cloned().unwrap_or(Value::Null) };
    match (shaped(&p.shape, &example), schema) {
        (Value::Object(map), None) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, Value::String(v.as_str().map_or_else(|| v.to_string(), str::to_string))))
                .collect(),
        ),
        (Value::Array(items), Some(schema)) => {
            let item = item_schema(schema);
            Value::Array(items.into_iter().map(|value| fitting(doc, &item, value)).collect())
        }
        (value, Some(schema)) => fitting(doc, schema, value),
        (value, None) => value,
    }
}

/// `value` when it fits `schema` (documents' examples do not always), else one made from it.
fn fitting(doc: &Value, schema: &Value, value: Value) -> Value {
    if super::examples::conforms(doc, schema, &value, "").is_ok() {
        value
    } else {
        crate::model::sample(doc, schema, 0)
    }
}

fn shaped(shape: &Shape, example: &Value) -> Value {
    let text = match example {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match shape {
        Shape::Bool => Value::Bool(matches!(text.as_str(), "1" | "true")),
        Shape::Integer => Value::from(text.parse::<i64>().unwrap_or(1)),
        Shape::Number => {
            text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::from(1.5), Value::Number)
        }
        Shape::String if example.is_null() => Value::from("value"),
        Shape::String => Value::String(text),
        Shape::Enum => example.clone(),
        Shape::List(inner) => match example {
            Value::Array(items) => Value::Array(items.iter().map(|v| shaped(inner, v)).collect()),
            Value::Null => Value::Array(vec![shaped(inner, &Value::Null)]),
            other => Value::Array(vec![shaped(inner, other)]),
        },
        Shape::Object => match example {
            Value::Object(map) => Value::Object(map.clone()),
            _ => Value::Object(Default::default()),
        },
    }
}
