//! plex-codegen: turns an OpenAPI document (the Plex Media Server's first) into a typed Rust
//! SDK, and tells what changed between two documents.
//!
//! The folders are the pipeline, and imports run one way (ARCHITECTURE.md lists the rules; a
//! test enforces them):
//!
//! 1. [`openapi`]: any document: load it, walk it, refuse a broken one;
//! 2. `prepare`: the document made ready for Rust: inline schemas named, tags selected, the
//!    Rust-only checks, the named rewrite rules ([`prepare()`], [`Rewrite`]);
//! 3. [`model`]: typify's type space and the SDK surface ([`model::Api`]);
//! 4. [`emit`]: Rust source, reference pages, test suites and the mock crate, formatted;
//!
//! and beside them [`diff`]: two documents' surfaces compared, breaking changes marked, the
//! semver gate. `error` and `names` are leaves every stage may use.
//!
//! [`generate`] runs the generator; `cargo xtask codegen` is a thin CLI over it.
//! [`changelog()`] runs the diff after [`openapi::check`] has refused a broken document.

// The modules behind the façades are documented for maintainers, who read them with
// `cargo doc --document-private-items`; links into them are fine, broken links are not.
#![allow(rustdoc::private_intra_doc_links)]

mod error;
mod names;

pub mod diff;
pub mod emit;
pub mod model;
pub mod openapi;
mod prepare;

use std::path::Path;

pub use emit::GeneratedFile;
pub use error::{Error, Result, SourceLocation};
pub use openapi::{Document, Located};
pub use prepare::{Prepared, Rewrite, prepare};

/// What one run of the generator produced.
#[derive(Debug)]
pub struct Generation {
    /// The files of plex-sdk's `src/generated/`, paths relative to the crate.
    pub files: Vec<GeneratedFile>,
    /// The generated files of the mock crate (`plex-sdk-mock`), paths relative to it.
    pub mock_files: Vec<GeneratedFile>,
    /// The surface they implement.
    pub api: model::Api,
    /// Every edit selection and normalisation made to the document, in order.
    pub changes: Vec<Rewrite>,
}

impl Generation {
    /// The prose-free outline of the generated SDK ([`emit::describe`]).
    pub fn describe(&self) -> String {
        emit::describe(&self.api, &self.files)
    }
}

/// Runs the whole pipeline on a loaded document, for `tags` (every tag when empty). `spec_label` is how generated
/// files name their source (a path relative to the workspace, so output does not depend on
/// where the checkout is).
pub fn generate(source: &Document, tags: &[String], spec_label: &str) -> Result<Generation> {
    let all = all_tags(source);
    let tags = if tags.is_empty() { all.as_slice() } else { tags };
    let Prepared { doc, changes, origins } = prepare(source, tags)?;
    let located = Located { source, origins: &origins };
    let mut types = model::Types::new(&located, &doc)?;
    let api = model::build(&located, &doc, tags, &mut types)?;
    let (files, mock_files) = emit::emit(&api, &doc, &types, spec_label)?;
    Ok(Generation { files, mock_files, api, changes })
}

/// Every tag of `source` that an operation uses or the document declares, sorted.
pub fn all_tags(source: &Document) -> Vec<String> {
    prepare::known_tags(&source.value)
}

/// The line every codegen run ends with.
pub fn summary(api: &model::Api) -> String {
    let operations: usize = api.tags.iter().map(|t| t.operations.len()).sum();
    format!("generated {operations} operations in {} groups", api.tags.len())
}

/// The changelog from document `old` to document `new`, after [`openapi::check`] on both.
pub fn changelog(old: &Document, new: &Document, classification: diff::Classification) -> Result<diff::Changelog> {
    diff::documents(old, new, classification)
}

/// Loads `path` and runs [`generate`].
pub fn generate_from_path(path: &Path, tags: &[String], spec_label: &str) -> Result<Generation> {
    generate(&openapi::load(path)?, tags, spec_label)
}
