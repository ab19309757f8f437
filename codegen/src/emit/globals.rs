//! The client-wide headers (`x-speakeasy-globals`): a `Globals` struct the client turns into
//! headers on every request, and one builder method per header.

use proc_macro2::TokenStream;
use quote::quote;

use super::file::doc_lines;
use crate::model::Api;

/// The client-wide header that identifies the client (a random one is made when unset).
pub(crate) const CLIENT_IDENTIFIER_HEADER: &str = "X-Plex-Client-Identifier";

/// The `globals.rs` module.
pub fn emit(api: &Api) -> TokenStream {
    let fields: Vec<_> = api.globals.iter().map(|g| crate::names::ident(&g.rust_name)).collect();
    let headers: Vec<String> = api.globals.iter().map(|g| g.header.to_ascii_lowercase()).collect();
    let field_docs: Vec<String> = api.globals.iter().map(|g| format!("`{}`", g.header)).collect();
    let method_docs: Vec<TokenStream> = api
        .globals
        .iter()
        .map(|g| {
            let mut text = format!("{}\n\nSent as `{}` on every request.", g.description, g.header);
            if g.required {
                text.push_str(" The server requires it.");
            }
            if let Some(example) = &g.example {
                text.push_str(&format!(" Example: `{example}`."));
            }
            doc_lines(&text)
        })
        .collect();
    let token_header = match api.token_header.as_deref().map(str::to_ascii_lowercase) {
        Some(header) => quote! { Some(#header) },
        None => quote! { None },
    };
    // Plex keys devices by this header; the runtime fills it in when the caller did not.
    let identifier_slot = match api.globals.iter().find(|g| g.header.eq_ignore_ascii_case(CLIENT_IDENTIFIER_HEADER)) {
        Some(g) => {
            let field = crate::names::ident(&g.rust_name);
            quote! { Some(&mut self.#field) }
        }
        None => quote! { None },
    };
    quote! {
        //! Headers the client sends on every request, set once on the builder.

        /// Values of the client-wide headers; `None` is not sent.
        #[derive(Debug, Clone, Default)]
        pub(crate) struct Globals {
            #(
                #[doc = #field_docs]
                pub(crate) #fields: Option<String>,
            )*
        }

        /// The header that carries the token (the document's `apiKey` scheme), in lower case;
        /// `None` when the document has no such scheme.
        pub(crate) const TOKEN_HEADER: Option<&str> = #token_header;

        impl Globals {
            /// The value of the header that identifies this client to the server, when the
            /// document has one (a random one is made when it is not set).
            pub(crate) fn client_identifier_slot(&mut self) -> Option<&mut Option<String>> {
                #identifier_slot
            }

            /// The headers to send: (lower-case name, value) for each value that is set.
            #[allow(unused_mut)]
            pub(crate) fn headers(&self) -> Vec<(&'static str, &str)> {
                let mut headers = Vec::new();
                #(
                    if let Some(value) = &self.#fields {
                        headers.push((#headers, value.as_str()));
                    }
                )*
                headers
            }
        }

        impl crate::contract::PlexClientBuilder {
            #(
                #method_docs
                pub fn #fields(mut self, value: impl Into<String>) -> Self {
                    crate::contract::globals(&mut self).#fields = Some(value.into());
                    self
                }
            )*
        }
    }
}
