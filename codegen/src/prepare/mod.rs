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
use crate::openapi::{self, Document};

pub use rewrite::Rewrite;
pub use select::known_tags;

/// The steps before the model: `source` checked, its inline schemas named, `tags` selected,
/// the selection validated for Rust and the rules run. Returns the document typify reads and
/// every edit, in order.
pub fn prepare(source: &Document, tags: &[String]) -> Result<(Value, Vec<Rewrite>)> {
    openapi::check(source)?;
    let mut doc = source.value.clone();
    // Inline schemas are named on the whole document, before selection, so that a type's name
    // never depends on which tags are generated.
    let mut changes = naming::name_inline_schemas(&mut doc);
    changes.extend(select::select_tags(source, &mut doc, tags)?);
    validate::validate(source, &doc)?;
    changes.extend(rules::normalise(&mut doc));
    Ok((doc, changes))
}
