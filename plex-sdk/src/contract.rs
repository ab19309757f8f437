//! The contract between the generator and this runtime: every runtime item that the generated
//! code (`src/generated/`) names, and nothing else. The emitter writes paths into this module
//! only (`crate::contract::…`), so this file is the whole surface the generator relies on; a
//! runtime change that keeps it keeps every generated file valid. ARCHITECTURE.md lists it.
//!
//! The generated code also defines items that the runtime reads (`generated::Globals`, the
//! header that carries the token): those are the other half of the contract, written by the
//! emitter's `globals` module.

// With only some groups enabled, or for a document that needs only some of it (no enums, no
// client-wide headers), parts of the contract serve nothing.
#![allow(unused_imports, dead_code)]

pub(crate) use crate::BoolInt;
pub(crate) use crate::client::{PlexClient, PlexClientBuilder};
/// The serde decoders and encoders the models name in `deserialize_with`/`serialize_with`.
pub(crate) use crate::lenient;
pub(crate) use crate::open_enum::open_enum;
pub(crate) use crate::request::{FromStatus, Json, Operation, Request, Status, Stream, Text, Unit};
pub(crate) use crate::runtime::{OperationInfo, Style, path_value};

/// Where the client-wide headers are kept while the client is built: the generated builder
/// methods (one per header of the document's `x-speakeasy-globals`) write into it.
pub(crate) fn globals(builder: &mut PlexClientBuilder) -> &mut crate::generated::Globals {
    &mut builder.globals
}
