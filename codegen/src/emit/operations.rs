//! One module per tag: an accessor on `PlexClient`, a struct of methods, and per operation a
//! request builder that carries per-call options and implements `IntoFuture`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_lines;
use crate::error::Result;
use crate::model::{Location, Operation, Param, RustType, Success, Tag};

fn ident(name: &str) -> proc_macro2::Ident {
    if crate::model::is_keyword(name) { format_ident!("r#{}", name) } else { format_ident!("{}", name) }
}

fn rust_type(ty: &RustType) -> TokenStream {
    match ty {
        RustType::Model(name) => {
            let name = format_ident!("{}", name);
            quote! { models::#name }
        }
        RustType::String => quote! { String },
        RustType::Integer => quote! { i64 },
        RustType::Number => quote! { f64 },
        RustType::Bool => quote! { bool },
    }
}

/// The Rust type a successful call returns.
fn success_type(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Json { model } => {
            let name = format_ident!("{}", model);
            quote! { models::#name }
        }
        Success::Unit => quote! { () },
        Success::Status { type_name, .. } => {
            let name = format_ident!("{}", type_name);
            quote! { #name }
        }
    }
}

/// Variant name for a success status.
pub(crate) fn status_variant(code: u16) -> String {
    match code {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        203 => "NonAuthoritativeInformation".into(),
        204 => "NoContent".into(),
        205 => "ResetContent".into(),
        206 => "PartialContent".into(),
        other => format!("Status{other}"),
    }
}

/// The rustdoc of an operation's method: the spec's text, the HTTP route, and what each
/// documented response becomes.
pub fn method_doc(op: &Operation) -> String {
    let mut text = String::new();
    if !op.summary.is_empty() {
        text.push_str(&op.summary);
        text.push_str("\n\n");
    }
    if !op.description.is_empty() {
        text.push_str(&op.description);
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}` (operation `{}`).\n\n", op.http_method, op.path, op.operation_id));
    text.push_str("Returns a request builder: `.await` it to send the request. Per call, `.retries(..)` and\n`.timeout(..)` override the client's settings; `send_with_response()` and `send_raw()`\ngive the status, headers and body too.\n\n");
    text.push_str("# Responses\n\n| Status | Meaning | Result |\n| --- | --- | --- |\n");
    for r in &op.responses {
        let result = if r.status.starts_with('2') {
            match &op.success {
                Success::Json { model } => format!("`Ok(models::{model})`"),
                Success::Unit => "`Ok(())`".to_string(),
                Success::Status { type_name, .. } => {
                    let variant = r.status.parse().map(status_variant).unwrap_or_else(|_| "Other".into());
                    format!("`Ok({type_name}::{variant})`")
                }
            }
        } else {
            format!("`Err(Error::Api {{ status: {}, .. }})`", r.status)
        };
        text.push_str(&format!("| {} | {} | {} |\n", r.status, r.description.replace('\n', " "), result));
    }
    text.push_str("\n# Errors\n\n[`Error::Api`](crate::Error::Api) for any other status that is not a success, [`Error::Timeout`](crate::Error::Timeout),\n[`Error::Connect`](crate::Error::Connect) or [`Error::Transport`](crate::Error::Transport) when no response arrives, [`Error::BodyTooLarge`](crate::Error::BodyTooLarge) when the body exceeds the client's limit");
    if matches!(op.success, Success::Json { .. }) {
        text.push_str(", [`Error::Decode`](crate::Error::Decode) when the body does not match the model");
    }
    text.push('.');
    text
}

fn param_doc(p: &Param) -> String {
    let place = match p.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    format!("{} (`{}`, {place} parameter)", if p.description.is_empty() { "Parameter" } else { &p.description }, p.name)
}

fn emit_operation(tag: &Tag, op: &Operation) -> (TokenStream, TokenStream) {
    let method = ident(&op.method_name);
    let builder = format_ident!("{}", op.builder_name);
    let info = format_ident!("{}", op.method_name.to_uppercase());
    let op_id = &op.operation_id;
    let http_method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let accept = &op.accept;
    let output = success_type(op);
    let mut doc_text = method_doc(op);
    let required_params: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    if !required_params.is_empty() {
        doc_text.push_str("\n\n# Arguments\n");
        for p in &required_params {
            doc_text.push_str(&format!("\n- `{}`: {}", p.rust_name, param_doc(p)));
        }
    }
    let method_doc = doc_lines(&doc_text);
    let builder_doc = format!(
        "A `{}` request (see [`{}::{}`]). `.await` it to send it.",
        op.operation_id, tag.type_name, op.method_name
    );

    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let req_names: Vec<_> = required.iter().map(|p| ident(&p.rust_name)).collect();
    let req_types: Vec<_> = required.iter().map(|p| rust_type(&p.ty)).collect();
    let opt_names: Vec<_> = optional.iter().map(|p| ident(&p.rust_name)).collect();
    let opt_types: Vec<_> = optional.iter().map(|p| rust_type(&p.ty)).collect();
    let opt_docs: Vec<_> = optional.iter().map(|p| param_doc(p)).collect();

    // The path: `{name}` placeholders replaced by encoded values.
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        fmt.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        fmt.push_str("{}");
        let wire = &rest[start + 1..end];
        let field =
            op.params.iter().find(|p| p.location == Location::Path && p.name == wire).map(|p| ident(&p.rust_name));
        fmt_args.push(match field {
            Some(f) => quote! { encode_path(&self.#f.to_string()) },
            None => quote! { encode_path(#wire) },
        });
        rest = &rest[(end + 1).min(rest.len())..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path_expr = if fmt_args.is_empty() {
        quote! { #fmt.to_string() }
    } else {
        quote! { format!(#fmt, #(#fmt_args),*) }
    };

    let mut fill = Vec::new();
    for p in &op.params {
        let field = ident(&p.rust_name);
        let wire = &p.name;
        let list = match p.location {
            Location::Path => continue,
            Location::Query => quote! { query },
            Location::Header => quote! { headers },
        };
        fill.push(if p.required {
            quote! { request.#list.push((#wire, self.#field.to_string())); }
        } else {
            quote! { if let Some(value) = &self.#field { request.#list.push((#wire, value.to_string())); } }
        });
    }

    let decode = match &op.success {
        Success::Json { .. } => quote! { client.decode_json(&#info, raw) },
        Success::Unit => quote! { Ok(Response::new(raw, ())) },
        Success::Status { type_name, .. } => {
            let name = format_ident!("{}", type_name);
            quote! {
                let value = #name::from_status(raw.status);
                Ok(Response::new(raw, value))
            }
        }
    };

    let keep_client = match &op.success {
        Success::Json { .. } => quote! { let client = self.client; },
        _ => quote! {},
    };

    let status_enum = match &op.success {
        Success::Status { type_name, variants } => {
            let name = format_ident!("{}", type_name);
            let doc = format!("Which success status `{}` answered with.", op.operation_id);
            let codes: Vec<u16> = variants.iter().map(|(c, _)| *c).collect();
            let idents: Vec<_> = codes.iter().map(|c| format_ident!("{}", status_variant(*c))).collect();
            let docs: Vec<String> = variants.iter().map(|(c, d)| format!("{c}: {d}")).collect();
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                pub enum #name {
                    #( #[doc = #docs] #idents, )*
                    /// Another 2XX status, which the document does not list.
                    Other(u16),
                }

                impl #name {
                    /// The variant for a 2XX `status`.
                    pub fn from_status(status: u16) -> Self {
                        match status {
                            #( #codes => Self::#idents, )*
                            other => Self::Other(other),
                        }
                    }

                    /// The HTTP status code.
                    pub fn status(&self) -> u16 {
                        match self {
                            #( Self::#idents => #codes, )*
                            Self::Other(status) => *status,
                        }
                    }
                }
            }
        }
        _ => quote! {},
    };

    let method_fn = quote! {
        #method_doc
        pub fn #method(&self #(, #req_names: #req_types)*) -> #builder<'a> {
            #builder {
                client: self.client,
                options: CallOptions::default(),
                #( #req_names, )*
                #( #opt_names: None, )*
            }
        }
    };

    let items = quote! {
        static #info: OperationInfo = OperationInfo {
            id: #op_id,
            method: http::Method::#http_method,
            path: #path,
            accept: #accept,
        };

        #status_enum

        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder<'a> {
            client: &'a PlexClient,
            options: CallOptions,
            #( #req_names: #req_types, )*
            #( #opt_names: Option<#opt_types>, )*
        }

        impl<'a> #builder<'a> {
            #(
                #[doc = #opt_docs]
                pub fn #opt_names(mut self, value: #opt_types) -> Self {
                    self.#opt_names = Some(value);
                    self
                }
            )*

            /// Retries this call as `retries` says, whatever the client's setting.
            pub fn retries(mut self, retries: RetryConfig) -> Self {
                self.options.retries = Some(retries);
                self
            }

            /// Gives up on this call with [`Error::Timeout`](crate::Error::Timeout) when no complete response has
            /// arrived after `timeout`, whatever the client's setting.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            fn prepare(&self) -> PreparedRequest {
                #[allow(unused_mut)]
                let mut request = PreparedRequest { path: #path_expr, ..PreparedRequest::default() };
                #( #fill )*
                request
            }

            /// Sends the request and returns the response undecoded (any 2XX status).
            pub async fn send_raw(self) -> Result<RawResponse> {
                self.client.execute(&#info, self.prepare(), &self.options).await
            }

            /// Sends the request and returns the decoded value with the status, headers and body.
            pub async fn send_with_response(self) -> Result<Response<#output>> {
                #keep_client
                let raw = self.send_raw().await?;
                #decode
            }

            /// Sends the request and returns the decoded value (what `.await` does).
            pub async fn send(self) -> Result<#output> {
                self.send_with_response().await.map(Response::into_value)
            }
        }

        impl<'a> IntoFuture for #builder<'a> {
            type Output = Result<#output>;
            type IntoFuture = Pin<Box<dyn Future<Output = Result<#output>> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
    (method_fn, items)
}

/// The module of one tag.
pub fn emit(tag: &Tag) -> Result<TokenStream> {
    let accessor = ident(&tag.module);
    let type_name = format_ident!("{}", tag.type_name);
    let tag_doc = doc_lines(if tag.description.is_empty() { &tag.name } else { &tag.description });
    let accessor_doc = format!("The `{}` operations of this server.", tag.name);
    let needs_models = tag.operations.iter().any(|op| {
        matches!(op.success, Success::Json { .. }) || op.params.iter().any(|p| matches!(p.ty, RustType::Model(_)))
    });
    let uses_models = if needs_models {
        quote! { use super::models; }
    } else {
        quote! {}
    };
    let mut methods = Vec::new();
    let mut items = Vec::new();
    for op in &tag.operations {
        let (method, op_items) = emit_operation(tag, op);
        methods.push(method);
        items.push(op_items);
    }
    Ok(quote! {
        use std::future::{Future, IntoFuture};
        use std::pin::Pin;
        use std::time::Duration;

        #uses_models
        use crate::runtime::{CallOptions, OperationInfo, PreparedRequest, encode_path};
        use crate::{PlexClient, RawResponse, Response, Result, RetryConfig};

        impl PlexClient {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #type_name<'_> {
                #type_name { client: self }
            }
        }

        #tag_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #type_name<'a> {
            client: &'a PlexClient,
        }

        impl<'a> #type_name<'a> {
            #( #methods )*
        }

        #( #items )*
    })
}
