//! A typed mock Plex server for testing code that uses [`plex_sdk`], generated from the same
//! OpenAPI document as the SDK: every operation of the SDK has a mock here, with a method per
//! parameter to match on and a `respond_*` method per documented status.
//!
//! ```
//! use plex_sdk::models::{ButlerTask, GetTasksResponse};
//! use plex_sdk_mock::{Example, PlexMock};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), plex_sdk::Error> {
//! let plex = PlexMock::start().await;
//! plex.butler().get_tasks().respond_ok(GetTasksResponse::example()).expect(1).mount().await;
//! plex.butler()
//!     .start_task()
//!     .butler_task(ButlerTask::BackupDatabase)
//!     .respond_accepted()
//!     .expect(1)
//!     .mount()
//!     .await;
//!
//! let client = plex.client();
//! let tasks = client.butler().get_tasks().await?;
//! assert!(tasks.butler_tasks.is_some());
//! let started = client.butler().start_task(ButlerTask::BackupDatabase).await?;
//! assert_eq!(started.status(), 202);
//! plex.verify(); // also checked when `plex` is dropped
//! # Ok(()) }
//! ```
//!
//! - [`PlexMock::start`] starts a server on `127.0.0.1` for one test (tests run in
//!   parallel); [`PlexMock::client`] is a [`plex_sdk::PlexClient`] of it, plex.tv operations
//!   included.
//! - `plex.<group>().<operation>()` is a [`When`]: the requests of that operation, narrowed by
//!   its parameters' methods (path, query and header parameters, typed as in the SDK) and
//!   `.body(..)`; [`When::and`] adds any wiremock matcher.
//! - Its `respond_<status>` methods answer each documented status: the success with its model
//!   (or text, or bytes), the others without a body; [`When::respond_json`],
//!   [`When::respond_bytes`], [`When::respond_status`] and [`When::respond_with`] answer
//!   anything else, and [`When::respond_fn`] computes the answer from the request.
//!   [`When::body_partial`] matches a JSON body that includes a value. The [`Then`] they give
//!   sets [`expect`](Then::expect)ed calls, [`delay`](Then::delay),
//!   [`up_to_n_times`](Then::up_to_n_times), and mounts the mock, returning a [`Mounted`]
//!   handle: its hits and the requests it received ([`Received`]).
//! - [`PlexMock::strict`] starts a mock where a request no mock matched fails the test.
//! - [`Example`]: `models::X::example()` for every model the document gives an example for.
//!
//! The guide is `plex-sdk/docs/testing.md` ("Testing code that uses plex-sdk").

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod example;
// The document's prose names URLs bare.
#[rustfmt::skip]
#[allow(clippy::all, rustdoc::bare_urls)]
mod generated;
mod route;
mod server;
mod when;

pub use example::{Example, skipped_examples};
pub use generated::*;
#[doc(hidden)]
pub use plex_sdk::encode::Style;
pub use route::{Operation, Route};
pub use server::{Mounted, PlexMock, Received, ScopedMock, Unmet};
pub use when::{Then, Times, When};
/// The wiremock crate the mock is built on, for [`When::and`] and [`When::respond_with`].
pub use wiremock;

// The guide (`plex-sdk/docs/testing.md`) is outside this package: its examples run as the
// doc tests of the workspace's `plex-sdk-tests` crate (tests/src/lib.rs).

/// The crate's README, included so that `cargo test` compiles its example.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;
