//! One module per tag: an accessor on `PlexClient`, a struct of methods, and per operation a
//! marker type (its route, server, security and decoding, for the runtime's generic
//! `Request`), a type alias naming its request, and the setters of its optional parameters.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::file::doc_lines;
use crate::error::{Error, Result};
use crate::model::{Body, BodyKind, Location, Operation, Param, Style, Success, Tag};
use crate::names::ident;

/// The Rust type a successful call returns, as written in the docs.
pub fn success_text(op: &Operation) -> String {
    match &op.success {
        Success::Json { ty } => ty.display(),
        Success::Text => "String".into(),
        Success::Binary => "Binary".into(),
        Success::Unit => "()".into(),
        Success::Status { type_name, .. } => type_name.clone(),
    }
}

/// The runtime decoder of an operation's success.
fn decoder(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Json { ty } => {
            let ty = ty.tokens();
            quote! { crate::contract::Json<#ty> }
        }
        Success::Text => quote! { crate::contract::Text },
        Success::Binary => quote! { crate::contract::Stream },
        Success::Unit => quote! { crate::contract::Unit },
        Success::Status { type_name, .. } => {
            let name = format_ident!("{}", type_name);
            quote! { crate::contract::Status<#name> }
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
    for part in [&op.summary, &op.description] {
        if !part.is_empty() {
            text.push_str(part);
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!("`{} {}` (operation `{}`)", op.http_method, op.path.raw, op.operation_id));
    if let Some(server) = &op.server {
        text.push_str(&format!(", served by `{server}`"));
    }
    if !op.sends_token {
        text.push_str(", sent without the token");
    }
    text.push_str(".\nReturns a [`Request`](crate::request::Request): `.await` it to send it; its page has the\nper-call options and the errors every call can return.\n\n");
    text.push_str("# Responses\n\n| Status | Meaning | Result |\n| --- | --- | --- |\n");
    for r in &op.responses {
        let result = if r.status.starts_with('2') {
            match &op.success {
                Success::Status { type_name, .. } => {
                    let variant = r.status.parse().map(status_variant).unwrap_or_else(|_| "Other".into());
                    format!("`Ok({type_name}::{variant})`")
                }
                _ => format!("`Ok({})`", success_text(op)),
            }
        } else {
            format!("`Err(Error::Api {{ status: {}, .. }})`", r.status)
        };
        text.push_str(&format!("| {} | {} | {} |\n", r.status, r.description.replace('\n', " "), result));
    }
    let headers: Vec<&(String, String)> =
        op.responses.iter().filter(|r| r.status.starts_with('2')).flat_map(|r| &r.headers).collect();
    if !headers.is_empty() {
        text.push_str("\nDocumented response headers (read them from `send_with_response()`):\n\n");
        for (name, description) in headers {
            text.push_str(&format!("- `{name}`: {}\n", description.replace('\n', " ")));
        }
    }
    text.truncate(text.trim_end().len());
    text
}

fn param_doc(p: &Param) -> String {
    let about = if p.description.is_empty() { "Parameter" } else { &p.description };
    format!("{about} (`{}`, {} parameter)", p.name, p.location.as_str())
}

/// The statement that writes parameter `value` (an expression) into the request `r`.
fn fill(p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.name;
    let bool_int = p.bool_int;
    match p.location {
        Location::Path => quote! {},
        Location::Header => quote! { r.header(#wire, &#value, #bool_int); },
        Location::Query => {
            let style = match p.style {
                Style::FormFlat => quote! { FormFlat },
                Style::DeepObject => quote! { DeepObject },
                Style::Form | Style::Simple => quote! { Form },
            };
            quote! { r.query(#wire, &#value, crate::contract::Style::#style, #bool_int); }
        }
    }
}

/// The statement that sets the body from `value`.
fn fill_body(body: &Body, value: TokenStream) -> TokenStream {
    let media = &body.media_type;
    match body.kind {
        BodyKind::Json => quote! { r.json_body(&#value); },
        BodyKind::Form => quote! { r.form_body(&#value); },
        BodyKind::Text => quote! { r.text_body(#media, #value); },
        BodyKind::Bytes => quote! { r.bytes_body(#media, #value); },
    }
}

/// The request path: a `let` per path parameter that encodes its value (bound before `format!`,
/// whose arguments prettyplease would print token by token), then the path expression.
fn path_expr(op: &Operation) -> Result<(TokenStream, TokenStream)> {
    let format = op.path.format_string();
    let mut names = Vec::new();
    for wire in op.path.params() {
        let Some(p) = op.params.iter().find(|p| p.location == Location::Path && p.name == wire) else {
            return Err(Error::Emit {
                file: format!("the module of `{}`", op.operation_id),
                message: format!("path parameter `{wire}` has no argument in the model"),
            });
        };
        names.push(ident(&p.rust_name));
    }
    if names.is_empty() {
        return Ok((quote! {}, quote! { #format.to_string() }));
    }
    let lets = quote! { #( let #names = crate::contract::path_value(&#names); )* };
    Ok((lets, quote! { format!(#format, #(#names),*) }))
}

/// The method on the tag's struct.
fn method(op: &Operation) -> Result<TokenStream> {
    let method = ident(&op.method_name);
    let alias = format_ident!("{}", op.builder_name);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut doc_text = method_doc(op);
    let body = op.body.as_ref().filter(|b| b.required);
    if !required.is_empty() || body.is_some() {
        doc_text.push_str("\n\n# Arguments\n");
        for p in &required {
            doc_text.push_str(&format!("\n- `{}`: {}", p.rust_name, param_doc(p)));
        }
        if let Some(b) = body {
            doc_text.push_str(&format!("\n- `body`: the request body, sent as `{}`. {}", b.media_type, b.description));
        }
    }
    let docs = doc_lines(&doc_text);
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let (name, ty) = (ident(&p.rust_name), p.ty.tokens());
            quote! { #name: #ty }
        })
        .collect();
    let mut fills: Vec<TokenStream> =
        required.iter().map(|p| fill(p, ident(&p.rust_name).into_token_stream())).collect();
    if let Some(b) = body {
        let ty = b.ty.tokens();
        args.push(quote! { body: #ty });
        fills.push(fill_body(b, quote! { body }));
    }
    let (lets, path) = path_expr(op)?;
    let with = if fills.iter().all(TokenStream::is_empty) {
        quote! {}
    } else {
        quote! { .with(|r| { #(#fills)* }) }
    };
    Ok(quote! {
        #docs
        pub fn #method(&self #(, #args)*) -> #alias<'a> {
            #lets
            crate::contract::Request::new(self.client, #path) #with
        }
    })
}

/// The setters of an operation's optional parameters (and optional body).
fn setters(op: &Operation) -> TokenStream {
    let mut out: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| {
            let (name, ty) = (ident(&p.setter_name), p.ty.tokens());
            let doc = param_doc(p);
            let fill = fill(p, quote! { value });
            quote! {
                #[doc = #doc]
                pub fn #name(self, value: #ty) -> Self {
                    self.with(|r| { #fill })
                }
            }
        })
        .collect();
    if let Some(b) = op.body.as_ref().filter(|b| !b.required) {
        let ty = b.ty.tokens();
        let doc = format!("The request body, sent as `{}`. {}", b.media_type, b.description);
        let fill = fill_body(b, quote! { value });
        out.push(quote! {
            #[doc = #doc]
            pub fn body(self, value: #ty) -> Self {
                self.with(|r| { #fill })
            }
        });
    }
    if out.is_empty() {
        return quote! {};
    }
    let alias = format_ident!("{}", op.builder_name);
    quote! {
        impl #alias<'_> {
            #(#out)*
        }
    }
}

/// The `…Status` enum of an operation with several success statuses and no body.
fn status_enum(op: &Operation) -> TokenStream {
    let Success::Status { type_name, variants } = &op.success else { return quote! {} };
    let name = format_ident!("{}", type_name);
    let doc = format!("Which success status `{}` answered with.", op.operation_id);
    let idents: Vec<_> = variants.iter().map(|(c, _)| format_ident!("{}", status_variant(*c))).collect();
    let codes: Vec<proc_macro2::Literal> =
        variants.iter().map(|(c, _)| proc_macro2::Literal::u16_unsuffixed(*c)).collect();
    let docs: Vec<String> = variants.iter().map(|(c, d)| format!("{c}: {d}")).collect();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #[doc = #docs] #idents, )*
            /// Another 2XX status, which the document does not list.
            Other(u16),
        }

        impl crate::contract::FromStatus for #name {
            fn from_status(status: u16) -> Self {
                match status {
                    #( #codes => Self::#idents, )*
                    other => Self::Other(other),
                }
            }
        }

        impl #name {
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

/// The marker type, the request alias and the setters of one operation.
fn items(tag: &Tag, op: &Operation) -> TokenStream {
    let alias = format_ident!("{}", op.builder_name);
    let marker = format_ident!("{}Op", op.builder_name);
    let decode = decoder(op);
    let (id, path, accept) = (&op.operation_id, &op.path.raw, &op.accept);
    let method = format_ident!("{}", op.http_method);
    let server = match &op.server {
        Some(url) => quote! { Some(#url) },
        None => quote! { None },
    };
    let sends_token = op.sends_token;
    let marker_doc = format!("The `{id}` operation (see [`{}::{}`]).", tag.type_name, op.method_name);
    let alias_doc =
        format!("A `{id}` request (see [`{}::{}`]). `.await` it to send it.", tag.type_name, op.method_name);
    let status = status_enum(op);
    let setters = setters(op);
    quote! {
        #status

        #[doc = #marker_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #marker;

        impl crate::contract::Operation for #marker {
            type Decode = #decode;
            const INFO: &'static crate::contract::OperationInfo = &crate::contract::OperationInfo {
                id: #id,
                method: http::Method::#method,
                path: #path,
                accept: #accept,
                server: #server,
                sends_token: #sends_token,
            };
        }

        #[doc = #alias_doc]
        pub type #alias<'a> = crate::contract::Request<'a, #marker>;

        #setters
    }
}

/// The module of one tag.
pub fn emit(tag: &Tag) -> Result<TokenStream> {
    let accessor = ident(&tag.module);
    let type_name = format_ident!("{}", tag.type_name);
    let tag_doc = doc_lines(if tag.description.is_empty() { &tag.name } else { &tag.description });
    let accessor_doc = format!("The `{}` operations of this server.", tag.name);
    let uses_models = tag.operations.iter().any(Operation::uses_models);
    let models = if uses_models {
        quote! { use super::models; }
    } else {
        quote! {}
    };
    let methods: Vec<TokenStream> = tag.operations.iter().map(method).collect::<Result<_>>()?;
    let items: Vec<TokenStream> = tag.operations.iter().map(|op| items(tag, op)).collect();
    Ok(quote! {
        #models
        use crate::contract::PlexClient;

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
