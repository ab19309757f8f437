//! A typed, async client for the Plex Media Server API, generated from the project's
//! OpenAPI document (`spec/plex-api-spec.yaml`).
//!
//! ```no_run
//! use plex_sdk::{PlexClient, models::ButlerTask};
//!
//! # async fn run() -> plex_sdk::Result<()> {
//! let client = PlexClient::builder()
//!     .server_url("http://127.0.0.1:32400")
//!     .token("my-plex-token")
//!     .client_identifier("my-app-1")
//!     .product("My App")
//!     .build()?;
//!
//! let tasks = client.butler().get_tasks().await?;
//! for task in tasks.butler_tasks.iter().flat_map(|t| &t.butler_task) {
//!     println!("{:?}: {:?}", task.name, task.title);
//! }
//! client.butler().start_task(ButlerTask::RefreshLocalMedia).await?;
//! # Ok(()) }
//! ```
//!
//! Every operation returns a request builder: `.await` it to send the request, or set
//! per-call options first (`.retries(RetryConfig::default())`, `.timeout(..)`, `.deadline(..)`).
//! `send_with_response()` returns the decoded value with the status, headers and body, and
//! `send_raw()` the undecoded response.
//!
//! Failures are one [`Error`]: [`Error::Api`] for a status that is not a success (with the
//! operation, `status()`, headers and a body excerpt), [`Error::Decode`] for a body that does
//! not match its model (with the path of the mismatch), [`Error::BodyTooLarge`] for a body
//! over the client's limit, [`Error::Timeout`], [`Error::Connect`] and [`Error::Transport`]
//! when no complete response arrives, [`Error::Io`] when writing a streamed body out fails
//! and [`Error::Encode`] when a request body cannot be encoded. The token never
//! appears in any `Debug` or `Display` output.
//!
//! Each group of operations has a reference page in the crate's `docs/` folder (generated
//! with the code; every example on it is compiled and run by `cargo test`).

//!
//! # Groups, features and reference pages
//!
//! The rest of this page is the index of the reference pages in the crate's `docs/` folder.
#![doc = include_str!("../docs/README.md")]
#![deny(missing_docs)]
// docs.rs (`--cfg docsrs`, see Cargo.toml): a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
// With only some groups enabled, parts of the runtime serve no operation.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

mod binary;
mod client;
mod contract;
#[doc(hidden)]
pub mod encode;
mod error;
#[rustfmt::skip]
mod generated;
mod lenient;
mod open_enum;
mod raw;
pub mod request;
mod response;
mod retry;
#[doc(hidden)]
pub mod runtime;

pub use binary::Binary;
pub use client::{PlexClient, PlexClientBuilder, Server, redirect_policy};
pub use error::{BODY_EXCERPT_LIMIT, Error, Result};
pub use generated::*;
/// The HTTP method of a [`PlexClient::raw`] call (`http::Method`, which reqwest uses too).
pub use http::Method;
pub use raw::{RAW_OPERATION, RawRequest};
pub use response::{RawResponse, Response};

/// A `bool` that the document writes as `0`/`1` (its `BoolInt`): the models read any boolean
/// spelling (see the lenient rules) and write it back as `1` or `0`.
pub type BoolInt = bool;
pub use retry::RetryConfig;

/// The crate's README, included so that `cargo test` compiles its example.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;
