//! Beside the generator, two documents compared: every operation's request and response trees
//! ([`surface`]), their differences with what breaks marked by named rules ([`changelog`]), the
//! changelog written out ([`render`]), and the semver bump a change needs ([`gate`]). It works
//! on any document, unprepared: nothing here knows the model or the emitter.

mod changelog;
mod classification;
mod gate;
mod render;
mod surface;

pub(crate) use changelog::documents;
pub use changelog::{
    Change, ChangeKind, Changelog, Entry, EntryKind, Side, SideEntry, TypeChange, diff, is_breaking, rust_breaking,
};
pub use classification::Classification;
pub use gate::{Bump, Verdict, breaking, judge};
pub use render::{Fidelity, FlatEntry, fidelity, flatten, json, markdown, parse_markdown};
// The types a `Surface` is made of, so that its fields can be named.
pub use surface::{Field, Node, NodeType, OperationSurface, REQUEST_BODY, Surface, outline, surface};
