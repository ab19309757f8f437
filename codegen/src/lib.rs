//! plex-codegen: turns the Plex Media Server OpenAPI document into the `plex-sdk` crate.
//!
//! The pipeline, one module per step:
//!
//! 1. [`load`]: read YAML or JSON (OpenAPI 3.0.x or 3.1.x) into a `serde_json::Value`, and
//!    [`mod@check`] that it is well formed;
//! 2. [`normalise::name_inline_schemas`]: give inline schemas names of their own, from where
//!    they live in the whole document;
//! 3. [`select`]: keep the operations of the chosen tags and the components they reach, and
//!    [`validate`] what the generator adds for Rust;
//! 4. [`normalise`]: named, tested rules that rewrite 3.1 spellings and reshape what the
//!    emitter would get wrong for Plex;
//! 5. [`types`] (typify's type space) and [`model`] (the SDK surface: tags, operations,
//!    parameters, bodies, success types, servers, security, globals);
//! 6. [`emit`]: Rust source and reference pages, formatted with prettyplease (the files on
//!    several threads, put together in a fixed order).
//!
//! [`generate`] runs them all; `cargo xtask codegen` is a thin CLI over it.
//!
//! Beside it, the changelog path: [`surface`] (every operation's request and response
//! trees, from any document) → [`mod@changelog`] (diff two surfaces, mark what breaks) →
//! [`changelog::render`] (markdown or JSON). `cargo xtask changelog` and
//! `cargo xtask breaking` use it, after [`check()`] has refused a broken document.

pub mod changelog;
pub mod check;
pub mod describe;
pub mod emit;
pub mod error;
pub mod features;
pub mod gate;
pub mod load;
pub mod model;
pub mod names;
pub mod normalise;
pub mod params;
pub mod responses;
pub mod select;
pub mod surface;
pub mod sync;
pub mod template;
pub mod types;
pub mod validate;
pub mod walk;

use std::path::Path;

pub use emit::GeneratedFile;
pub use error::{Error, Result, SourceLocation};
pub use load::Document;
pub use normalise::Rewrite;

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

/// Runs the whole pipeline on a loaded document, for `tags` (every tag when empty). `spec_label` is how generated
/// files name their source (a path relative to the workspace, so output does not depend on
/// where the checkout is).
pub fn generate(source: &Document, tags: &[String], spec_label: &str) -> Result<Generation> {
    let all = all_tags(source);
    let tags = if tags.is_empty() { all.as_slice() } else { tags };
    let (doc, changes) = normalised(source, tags)?;
    let mut types = types::Types::new(source, &doc)?;
    let api = model::build(source, &doc, tags, &mut types)?;
    let (files, mock_files) = emit::emit(&api, &doc, &types, spec_label)?;
    Ok(Generation { files, mock_files, api, changes })
}

/// The steps before the model: `source` checked, its inline schemas named, `tags` selected,
/// the selection validated for Rust and normalised. Returns the document typify reads and
/// what the rules changed.
pub fn normalised(source: &Document, tags: &[String]) -> Result<(serde_json::Value, Vec<Rewrite>)> {
    check::document(source)?;
    let mut doc = source.value.clone();
    // Inline schemas are named on the whole document, before selection, so that a type's name
    // never depends on which tags are generated.
    let mut changes = normalise::name_inline_schemas(&mut doc);
    changes.extend(select::select_tags(source, &mut doc, tags)?);
    validate::validate(source, &doc)?;
    changes.extend(normalise::normalise(&mut doc));
    Ok((doc, changes))
}

/// Every tag of `source` that has an operation, in the order the document declares them
/// (then in the order operations use them).
pub fn all_tags(source: &Document) -> Vec<String> {
    select::known_tags(&source.value)
}

/// The line every codegen run ends with.
pub fn summary(api: &model::Api) -> String {
    let operations: usize = api.tags.iter().map(|t| t.operations.len()).sum();
    format!("generated {operations} operations in {} groups", api.tags.len())
}

/// Refuses a broken document: the checks of [`mod@check`], which apply to the whole document
/// whatever is generated from it (`$ref`s, their cycles, operationIds, path parameters, ...).
pub fn check(doc: &Document) -> Result<()> {
    check::document(doc)
}

/// The changelog from document `old` to document `new`, after [`check()`] on both.
pub fn changelog(
    old: &Document,
    new: &Document,
    classification: changelog::Classification,
) -> Result<changelog::Changelog> {
    check(old)?;
    check(new)?;
    Ok(changelog::diff(&surface::surface(&old.value), &surface::surface(&new.value), classification))
}

/// Loads `path` and runs [`generate`].
pub fn generate_from_path(path: &Path, tags: &[String], spec_label: &str) -> Result<Generation> {
    generate(&load::load(path)?, tags, spec_label)
}
