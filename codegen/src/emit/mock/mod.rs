//! The mock crate `plex-sdk-mock` (its `src/generated/` and its test of every operation): per tag a module with an accessor on `PlexMock` and per
//! operation a marker type (its route), the typed matchers of its parameters and body, and one
//! responder per documented status. The generic matching and answering lives in the crate's
//! hand-written runtime (`When`, `Then`); a few lines are generated per operation.

mod every_operation;
mod examples;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::file::{GeneratedFile, doc_lines, format_file};
use crate::error::Result;
use crate::model::{Api, BodyKind, Location, Operation, Param, ResponseDoc, Style, Success, Tag};
use crate::names::ident;
use crate::openapi::is_json;

/// The crate the mock files belong to (relative to the workspace).
pub const CRATE_DIR: &str = "plex-sdk-mock";

/// The folders of the mock crate that hold only generated files.
pub const GENERATED_DIRS: &[&str] = &["src/generated", "tests/every_operation"];

/// Every file of the mock crate (paths relative to it), from the model and the normalised
/// document `doc` (for the examples), `models` being the names of the generated models.
pub(crate) fn emit(api: &Api, doc: &Value, models: &BTreeSet<String>, spec_label: &str) -> Result<Vec<GeneratedFile>> {
    let examples = examples::build(doc, models);
    let mut files = vec![format_file("src/generated/mod.rs", spec_label, root(api))?];
    for tag in &api.tags {
        files.push(format_file(&format!("src/generated/{}.rs", tag.module), spec_label, tag_module(tag))?);
    }
    files.push(format_file("src/generated/examples.rs", spec_label, examples.tokens())?);
    files.push(every_operation::emit(api, doc, spec_label)?);
    Ok(files)
}

fn root(api: &Api) -> TokenStream {
    let modules: Vec<_> = api.tags.iter().map(|t| ident(&t.module)).collect();
    let docs: Vec<TokenStream> = api
        .tags
        .iter()
        .map(|t| doc_lines(&format!("Mocks of the `{}` operations: `plex.{}()`.", t.name, t.module)))
        .collect();
    let routes: Vec<TokenStream> = api
        .tags
        .iter()
        .flat_map(|t| {
            let module = ident(&t.module);
            t.operations.iter().map(move |op| {
                let marker = format_ident!("{}", op.builder_name);
                quote! { <#module::#marker as crate::Operation>::ROUTE }
            })
        })
        .collect();
    let identifier =
        api.globals.iter().find(|g| g.header.eq_ignore_ascii_case(super::globals::CLIENT_IDENTIFIER_HEADER));
    let set_identifier = identifier.map(|g| {
        let setter = ident(&g.rust_name);
        quote! { let builder = builder.#setter(identifier); }
    });
    let set_token = api.token_header.as_ref().map(|_| quote! { let builder = builder.token(token); });
    quote! {
        //! Generated from the OpenAPI document: one module per tag, and the example values of
        //! the models. The hand-written runtime (server, matching, expectations) is beside it.

        /// `builder` with the mock's token and client identifier, where the document has a
        /// token scheme and a client-identifier header to carry them.
        #[allow(unused_variables)]
        pub(crate) fn with_identity(
            builder: plex_sdk::PlexClientBuilder,
            token: &str,
            identifier: &str,
        ) -> plex_sdk::PlexClientBuilder {
            #set_token
            #set_identifier
            builder
        }

        #(
            #docs
            pub mod #modules;
        )*
        pub(crate) mod examples;

        /// The route of every operation, for the messages about requests no mock matched.
        pub(crate) const ROUTES: &[&crate::Route] = &[#(#routes),*];
    }
}

fn tag_module(tag: &Tag) -> TokenStream {
    let accessor = ident(&tag.module);
    let type_name = format_ident!("{}", tag.type_name);
    let accessor_doc =
        format!("Mocks of the `{}` operations, as the SDK's `client.{}()` calls them.", tag.name, tag.module);
    let type_doc = format!(
        "The `{}` operations to mock: one method per operation of `plex_sdk::{}::{}`.",
        tag.name, tag.module, tag.type_name
    );
    let methods: Vec<TokenStream> = tag.operations.iter().map(|op| accessor_method(tag, op)).collect();
    let items: Vec<TokenStream> = tag.operations.iter().map(|op| op_items(tag, op)).collect();
    let models = if tag.operations.iter().any(Operation::uses_models) {
        quote! { use plex_sdk::models; }
    } else {
        quote! {}
    };
    quote! {
        #models
        use crate::{PlexMock, Then, When};

        impl PlexMock {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #type_name<'_> {
                #type_name(self)
            }
        }

        #[doc = #type_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #type_name<'m>(&'m PlexMock);

        impl<'m> #type_name<'m> {
            #( #methods )*
        }

        #( #items )*
    }
}

fn accessor_method(tag: &Tag, op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let marker = format_ident!("{}", op.builder_name);
    let mut text = String::new();
    if !op.summary.is_empty() {
        text.push_str(&format!("{}\n\n", prose(op.summary.trim_end_matches('.'))));
    }
    text.push_str(&format!(
        "Mocks `{}` (`{} {}{}`), which `client.{}().{}(..)` sends. Narrow it with the parameters' \
         methods of [`When`](crate::When)`<{}>`, then answer with one of its `respond_*` methods.",
        op.operation_id,
        op.http_method,
        server_path(op),
        op.path.raw,
        tag.module,
        op.method_name,
        op.builder_name,
    ));
    let docs = doc_lines(&text);
    quote! {
        #docs
        pub fn #method(&self) -> When<'m, #marker> {
            When::new(self.0)
        }
    }
}

/// The path part of an operation's own server (`https://plex.tv/api/v2` → `/api/v2`).
fn server_path(op: &Operation) -> String {
    let Some(url) = op.server.as_deref() else { return String::new() };
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map(|i| url[after_scheme + i..].trim_end_matches('/').to_string()).unwrap_or_default()
}

fn op_items(tag: &Tag, op: &Operation) -> TokenStream {
    let marker = format_ident!("{}", op.builder_name);
    let (group, name, id, method, path) =
        (&tag.module, &op.method_name, &op.operation_id, &op.http_method, &op.path.raw);
    let prefix = server_path(op);
    let marker_doc = format!(
        "The `{id}` operation (`{method} {prefix}{path}`): the type of its mocks, [`When<{}>`](crate::When).",
        op.builder_name
    );
    let params: Vec<TokenStream> = op.params.iter().map(param_method).collect();
    let body = op.body.as_ref().map(body_method);
    let responders: Vec<TokenStream> = op.responses.iter().filter_map(|r| responder(op, r)).collect();
    quote! {
        #[doc = #marker_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #marker;

        impl crate::Operation for #marker {
            const ROUTE: &'static crate::Route = &crate::Route {
                group: #group,
                name: #name,
                id: #id,
                method: #method,
                prefix: #prefix,
                path: #path,
            };
        }

        impl<'m> When<'m, #marker> {
            #( #params )*
            #body
            #( #responders )*
        }
    }
}

fn is_string(p: &Param) -> bool {
    p.ty.display() == "String"
}

fn param_method(p: &Param) -> TokenStream {
    let name = ident(&p.matcher_name);
    let wire = &p.name;
    let bool_int = p.bool_int;
    let about = if p.description.is_empty() { String::new() } else { format!(": {}", prose(&p.description)) };
    let doc = doc_lines(&format!(
        "Matches only requests whose `{wire}` ({} parameter) is `value`{about}",
        p.location.as_str()
    ));
    let (arg, value) = if is_string(p) {
        (quote! { impl Into<String> }, quote! { &value.into() })
    } else {
        (p.ty.tokens(), quote! { &value })
    };
    let call = match p.location {
        Location::Path => quote! { self.path_param(#wire, #value) },
        Location::Header => quote! { self.header_param(#wire, #value, #bool_int) },
        Location::Query => {
            let style = match p.style {
                Style::FormFlat => quote! { FormFlat },
                Style::DeepObject => quote! { DeepObject },
                Style::Form | Style::Simple => quote! { Form },
            };
            quote! { self.query_param(#wire, #value, crate::Style::#style, #bool_int) }
        }
    };
    quote! {
        #doc
        pub fn #name(self, value: #arg) -> Self {
            #call
        }
    }
}

fn body_method(body: &crate::model::Body) -> TokenStream {
    let doc = format!("Matches only requests whose body (`{}`) is `value`.", body.media_type);
    let ty = body.ty.tokens();
    let media = &body.media_type;
    let (arg, call) = match body.kind {
        BodyKind::Json => (ty, quote! { self.json_body(&value) }),
        BodyKind::Form => (ty, quote! { self.form_body(&value) }),
        BodyKind::Text => (quote! { impl Into<String> }, quote! { self.text_body(#media, value.into()) }),
        BodyKind::Bytes => (quote! { impl Into<Vec<u8>> }, quote! { self.bytes_body(#media, value.into()) }),
    };
    quote! {
        #[doc = #doc]
        pub fn body(self, value: #arg) -> Self {
            #call
        }
    }
}

/// The responder method of one documented response (none for ranges such as `4XX`).
fn responder(op: &Operation, r: &ResponseDoc) -> Option<TokenStream> {
    let code: u16 = r.status.parse().ok()?;
    let name = format_ident!("respond_{}", status_name(code));
    let about = if r.description.is_empty() { String::new() } else { format!(": {}", prose(r.description.trim_end())) };
    let success = (200..300).contains(&code);
    let code_lit = proc_macro2::Literal::u16_unsuffixed(code);
    let json = r.content_types.iter().any(|m| is_json(m));
    let media = |pred: &dyn Fn(&str) -> bool| r.content_types.iter().find(|m| pred(m)).cloned();
    let body_kind = match &op.success {
        Success::Json { ty } if success && json => Some((ty.tokens(), quote! { self.respond_json(#code_lit, &body) })),
        Success::Text if success => media(&|m| m.starts_with("text/") && !m.starts_with("text/html")).map(|m| {
            (quote! { impl Into<String> }, quote! { self.respond_bytes(#code_lit, #m, body.into().into_bytes()) })
        }),
        Success::Binary if success => media(&|m| !m.starts_with("text/") && !is_json(m))
            .or_else(|| media(&|_| true))
            .map(|m| (quote! { impl Into<Vec<u8>> }, quote! { self.respond_bytes(#code_lit, #m, body) })),
        _ => None,
    };
    let tokens = match body_kind {
        Some((arg, call)) => {
            let doc = doc_lines(&format!("Answers `{code}` with `body`{about}"));
            quote! {
                #doc
                pub fn #name(self, body: #arg) -> Then<'m> {
                    #call
                }
            }
        }
        None => {
            let doc = doc_lines(&format!("Answers `{code}` without a body{about}"));
            quote! {
                #doc
                pub fn #name(self) -> Then<'m> {
                    self.respond_status(#code_lit)
                }
            }
        }
    };
    Some(tokens)
}

/// Document prose for rustdoc: a `[..]` that is not a markdown link (`[text](url)`) is
/// escaped, so rustdoc does not take it for an intra-doc link (`Item[type]=42`).
pub(crate) fn prose(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut open: Vec<usize> = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '[' => {
                open.push(out.len());
                out.push('[');
            }
            ']' => {
                let link = chars.get(i + 1) == Some(&'(');
                match open.pop() {
                    Some(at) if !link => {
                        out.insert(at, '\\');
                        out.push_str("\\]");
                    }
                    Some(_) => out.push(']'),
                    None => out.push_str("\\]"),
                }
            }
            other => out.push(*other),
        }
    }
    for at in open.into_iter().rev() {
        out.insert(at, '\\');
    }
    out
}

/// A status's name in responder methods (`404` → `not_found`).
pub fn status_name(code: u16) -> String {
    let name = match code {
        200 => "ok",
        201 => "created",
        202 => "accepted",
        203 => "non_authoritative_information",
        204 => "no_content",
        205 => "reset_content",
        206 => "partial_content",
        301 => "moved_permanently",
        302 => "found",
        303 => "see_other",
        304 => "not_modified",
        307 => "temporary_redirect",
        308 => "permanent_redirect",
        400 => "bad_request",
        401 => "unauthorized",
        402 => "payment_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        410 => "gone",
        412 => "precondition_failed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        416 => "range_not_satisfiable",
        422 => "unprocessable_entity",
        423 => "locked",
        429 => "too_many_requests",
        500 => "internal_server_error",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        other => return format!("status_{other}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(prose("Item[type]=42"), "Item\\[type\\]=42");
        assert_eq!(prose("[see](https://x) and [HH:MM]"), "[see](https://x) and \\[HH:MM\\]");
        assert_eq!(prose("a ] b [ c"), "a \\] b \\[ c");
    }

    #[test]
    fn statuses_are_named() {
        assert_eq!(status_name(200), "ok");
        assert_eq!(status_name(404), "not_found");
        assert_eq!(status_name(509), "status_509");
    }
}
