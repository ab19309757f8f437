//! Stage 3, the model: the prepared document becomes the SDK's surface ([`Api`]: client-wide
//! headers, tags, operations with their parameters, bodies and answers), every type taken from
//! typify's type space ([`Types`]).

mod api;
mod operation;
mod params;
mod responses;
mod sample;
mod text;
mod types;

pub use api::{Api, Body, BodyKind, Global, Location, Operation, Param, ResponseDoc, Shape, Style, Success, Tag};
pub use types::Types;

pub(crate) use operation::build;
pub(crate) use sample::sample;
pub(crate) use types::{TypeRef, display_type, is_bool_int, open_objects};
