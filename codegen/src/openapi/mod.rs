//! Stage 1, any document: what is true of every OpenAPI document, with no Rust and no tags in
//! it. Loading (YAML or JSON, every node's line), the traversals the other stages share, JSON
//! pointers, media types, path templates, and the checks that refuse a broken document.

mod check;
mod load;
mod media;
mod origins;
mod pointer;
mod template;
pub(crate) mod walk;

pub use check::document as check;
pub use load::{Document, MAX_FLOW_DEPTH, load, parse};
pub use origins::{Located, Origins};
pub use pointer::{escape_segment, pointer_segments};

pub(crate) use media::{is_json, is_page};
pub(crate) use pointer::{last_segment, unescape};
pub(crate) use template::PathTemplate;
