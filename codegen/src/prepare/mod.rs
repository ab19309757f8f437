//! Stage 2, ready for Rust: the document as typify and the emitter need it. Inline schemas get
//! names of their own (on the whole document), the chosen tags are selected, the selection is
//! checked for what Rust adds, and named rules rewrite what the later stages would get wrong.
//! Every step works on `serde_json::Value` and says what it changed ([`Rewrite`]); nothing
//! here knows typify or tokens.

mod naming;
mod rewrite;
mod rules;
mod select;
mod validate;

use serde_json::Value;

use crate::error::Result;
use crate::openapi::{self, Document, Located, Origins};

pub use rewrite::Rewrite;
pub use select::known_tags;

/// A document made ready for the model.
#[derive(Debug)]
pub struct Prepared {
    /// The document typify and the model read.
    pub doc: Value,
    /// Every edit, in order.
    pub changes: Vec<Rewrite>,
    /// Where its moved nodes came from: with the source, a [`Located`] names the source's
    /// place for a pointer into `doc`.
    pub origins: Origins,
}

/// The steps before the model: `source` checked, its inline schemas named, `tags` selected,
/// the selection validated for Rust and the rules run.
pub fn prepare(source: &Document, tags: &[String]) -> Result<Prepared> {
    openapi::check(source)?;
    let mut doc = source.value.clone();
    let mut origins = Origins::default();
    // Inline schemas are named on the whole document, before selection, so that a type's name
    // never depends on which tags are generated.
    let mut changes = naming::name_inline_schemas(&mut doc, &mut origins);
    changes.extend(select::select_tags(source, &mut doc, tags)?);
    validate::validate(&Located { source, origins: &origins }, &doc)?;
    changes.extend(rules::normalise(&mut doc, &mut origins));
    Ok(Prepared { doc, changes, origins })
}
