//! Stage 4, Rust out: the model ([`crate::model::Api`]) and its type space become the files of
//! plex-sdk's `src/generated/`, its reference pages and test suites, and the mock crate.
//!
//! - `models`: typify's output, edited on the syntax tree (docs, lenient decoders, open enums,
//!   a `cfg` per group);
//! - `globals`: the client-wide headers and their builder methods;
//! - `operations`: one module per tag with its request builders;
//! - `docs`: the reference pages;
//! - `conformance` and `prism`: the crate's generated test suites;
//! - `mock`: the typed mock server crate `plex-sdk-mock`, from the same model;
//! - `file`: the one way a file is formatted; `features`, `sync` and `describe`: the manifest's
//!   group features, the committed files against a fresh generation, an outline for snapshots.

mod conformance;
mod describe;
mod docs;
mod features;
mod file;
mod globals;
mod mock;
mod models;
mod operations;
mod prism;
mod sync;

pub(crate) use describe::describe;
pub use describe::model_type_names;
pub use features::manifest;
pub use file::GeneratedFile;
pub use mock::{CRATE_DIR as MOCK_CRATE_DIR, GENERATED_DIRS as MOCK_GENERATED_DIRS};
pub use sync::{Drift, GENERATED_DIR, GENERATED_DIRS, compare, compare_in, write, write_in};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{Api, Types};
use file::{doc_lines, format_file};

/// Every generated file of plex-sdk (`src/generated/`, `docs/` and the test suites, in a fixed
/// order) and of the mock crate. `doc` is the normalised document the model was built from (the
/// suites sample the schemas of bodies and of object parameters without an example), `types`
/// the type space the models come from.
///
/// The files are independent of each other, so they are built on several threads: the mock
/// crate, the operation modules, and the pages and suites (which wait for the models' index),
/// while this thread renders, post-processes and formats the models (their tokens cannot leave
/// it).
pub fn emit(
    api: &Api,
    doc: &Value,
    types: &Types,
    spec_label: &str,
) -> Result<(Vec<GeneratedFile>, Vec<GeneratedFile>)> {
    let names = types.names();
    std::thread::scope(|scope| {
        let mock = scope.spawn(|| mock::emit(api, doc, &names, spec_label));
        let modules = scope.spawn(|| operation_files(api, spec_label));
        let mut models: syn::File = syn::parse2(types.tokens()).map_err(|e| Error::Emit {
            file: "src/generated/models.rs".into(),
            message: format!("its Rust does not parse: {e}"),
        })?;
        models::local_model_paths(&mut models);
        let index = models::document_and_index(&mut models, &crate::model::open_objects(doc));
        let suites = scope.spawn(move || suite_files(api, &index, doc, spec_label));
        models::open_enums(&mut models);
        models::gate_by_group(&mut models, &model_roots(api));
        let models = models::format_models("src/generated/models.rs", spec_label, models)?;
        let (root, globals, tags) = joined(modules)?;
        let mut files = vec![root, globals, models];
        files.extend(tags);
        files.extend(joined(suites)?);
        Ok((files, joined(mock)?))
    })
}

/// What a generating thread returned (its panic, if it panicked, goes on here).
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `src/generated/mod.rs`, `globals.rs` and one module per tag.
fn operation_files(api: &Api, spec_label: &str) -> Result<(GeneratedFile, GeneratedFile, Vec<GeneratedFile>)> {
    let root = format_file("src/generated/mod.rs", spec_label, root_module(api))?;
    let globals = format_file("src/generated/globals.rs", spec_label, globals::emit(api))?;
    let tags = api
        .tags
        .iter()
        .map(|tag| format_file(&format!("src/generated/{}.rs", tag.module), spec_label, operations::emit(tag)?));
    Ok((root, globals, tags.collect::<Result<_>>()?))
}

/// The reference pages, the conformance suite and the prism suite.
fn suite_files(api: &Api, index: &models::ModelIndex, doc: &Value, spec_label: &str) -> Result<Vec<GeneratedFile>> {
    let mut files = docs::emit(api, index, spec_label);
    files.push(conformance::emit(api, index, doc, spec_label)?);
    files.push(prism::emit(api, index, doc, spec_label)?);
    Ok(files)
}

/// `src/generated/mod.rs`: the models, the globals and one module per tag, each behind its
/// feature, and the reference pages as doctests.
fn root_module(api: &Api) -> TokenStream {
    let modules: Vec<_> = api.tags.iter().map(|t| format_ident!("{}", t.module)).collect();
    let features: Vec<&str> = api.tags.iter().map(|t| t.module.as_str()).collect();
    let docs: Vec<TokenStream> =
        api.tags.iter().map(|t| doc_lines(&format!("The `{}` operations.\n\n{}", t.name, t.description))).collect();
    let page_paths: Vec<String> = api.tags.iter().map(|t| format!("../../docs/{}.md", t.module)).collect();
    let page_types: Vec<_> = api.tags.iter().map(|t| format_ident!("{}Page", t.type_name)).collect();
    quote! {
        //! Code generated from the OpenAPI document: models, client-wide headers and one module
        //! per tag. The hand-written rest of the crate (client, errors, retries) is beside it.

        /// The data types of requests and responses, generated by typify from the document's
        /// schemas.
        // typify's `FromStr` for an untagged enum tries each variant in turn: after a variant
        // that parses from any string, the next try cannot fail (irrefutable_let_patterns).
        #[allow(clippy::all, unused_imports, irrefutable_let_patterns, rustdoc::bare_urls)]
        pub mod models;
        mod globals;
        pub(crate) use globals::{Globals, TOKEN_HEADER};
        #(
            #docs
            #[cfg(feature = #features)]
            // The operations' docs are the document's Markdown, as written.
            #[allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, rustdoc::bare_urls)]
            pub mod #modules;
        )*

        /// The reference pages (`docs/*.md`), included so `cargo test` compiles and runs
        /// their examples.
        #[cfg(doctest)]
        pub mod pages {
            #(
                #[cfg(feature = #features)]
                #[doc = include_str!(#page_paths)]
                pub struct #page_types;
            )*
        }
    }
}

/// Per group, the models its operations name (parameters, bodies, success types).
fn model_roots(api: &Api) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    api.tags
        .iter()
        .map(|tag| {
            let mut names = std::collections::BTreeSet::new();
            for ty in tag.operations.iter().flat_map(|op| op.types()) {
                names.extend(ty.models.iter().cloned());
            }
            (tag.module.clone(), names)
        })
        .collect()
}
