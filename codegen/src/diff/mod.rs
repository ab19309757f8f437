//! Beside the generator, two documents compared: every operation's request and response trees
//! ([`surface`]), their differences with what breaks marked by named rules ([`changelog`]), the
//! changelog written out ([`render`]), and the semver bump a change needs ([`gate`]). It works
//! on any document, unprepared: nothing here knows the model or the emitter.

mod changelog;
mod classification;
mod gate;
mod render;
mod surface;

pub use changelog::{
    Change, ChangeKind, Changelog, Entry, EntryKind, Side, SideEntry, TypeChange, diff, documents, is_breaking,
    rust_breaking,
};
pub use classification::{Classification, method_name_for};
pub use gate::{Bump, Verdict, breaking, bump, judge, required_bump};
pub use render::{Fidelity, FlatEntry, fidelity, flatten, json, markdown, parse_markdown};
pub use surface::{Field, Node, NodeType, OperationSurface, REQUEST_BODY, Surface, field_name, outline, surface};
