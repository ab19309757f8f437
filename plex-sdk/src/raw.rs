//! The escape hatch for an endpoint the document lacks: [`PlexClient::raw`] gives a
//! [`RawRequest`], sent through the same path as every generated operation (the client's
//! headers and token, retries, timeouts, deadline, body limits, connection cap and tracing).

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::runtime::{CallOptions, OperationInfo, PreparedRequest};
use crate::{Binary, PlexClient, RawResponse, Result, RetryConfig};

/// The operation name a raw call has in errors ([`crate::Error::operation`]) and in its
/// tracing span, unless [`RawRequest::name`] sets another.
pub const RAW_OPERATION: &str = "raw";

/// A request to a path of the client's server that no generated operation covers, such as a
/// `key` from an answer or an endpoint the document lacks. Made by [`PlexClient::raw`]; set
/// its query, headers and body, then [`send`](Self::send) it (or [`json`](Self::json),
/// [`stream`](Self::stream)).
///
/// ```no_run
/// # async fn run(client: &plex_sdk::PlexClient) -> plex_sdk::Result<()> {
/// use plex_sdk::Method;
///
/// let children: serde_json::Value = client
///     .raw(Method::GET, "/library/metadata/58683/children")
///     .query("excludeAllLeaves", "1")
///     .json()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    client: &'a PlexClient,
    info: OperationInfo,
    request: PreparedRequest,
    options: CallOptions,
}

impl std::fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawRequest")
            .field("operation", &self.info.id)
            .field("method", &self.info.method)
            .field("request", &self.request)
            .field("options", &self.options)
            .finish()
    }
}

impl PlexClient {
    /// A request of `method` to `path` on the client's server (`/library/metadata/1`, a path
    /// with its query, or a `key` an answer gave), for what the generated operations do not
    /// cover. It carries everything a generated call does: the client-wide headers and the
    /// token, `Accept: application/json` (replace it with `.header("Accept", ..)`), the
    /// client's retries (idempotent methods only, unless the call's own `.retries(..)`),
    /// timeout, deadline, body limits, connection cap and a `plex_sdk.call` span (operation
    /// `raw`, the path as called).
    ///
    /// `path` must start with `/`: a raw call never leaves the client's server, so the token
    /// goes nowhere else. Any other path makes the call fail with
    /// [`Error::Encode`](crate::Error::Encode) before anything is sent.
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RawRequest<'_> {
        let path = path.into();
        let mut request = PreparedRequest { path: String::new(), ..PreparedRequest::default() };
        if path.starts_with('/') {
            request.path = path;
        } else {
            request.invalid = Some(format!("the raw path `{path}` does not start with `/`"));
        }
        let info = OperationInfo {
            id: RAW_OPERATION,
            method,
            path: "",
            accept: "application/json",
            server: None,
            sends_token: true,
        };
        RawRequest { client: self, info, request, options: CallOptions::default() }
    }
}

impl<'a> RawRequest<'a> {
    /// Names the call in errors and in its span (default [`RAW_OPERATION`], `raw`).
    pub fn name(mut self, name: &'static str) -> Self {
        self.info.id = name;
        self
    }

    /// Adds query parameter `name=value` (percent-encoded). The token's name is refused, as
    /// by [`Request::query`](crate::request::Request::query).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.request.extra_query(name.into(), value.into());
        self
    }

    /// Adds header `name: value`, replacing a client-wide header of that name for this call.
    /// The token header is refused, as by
    /// [`Request::header`](crate::request::Request::header).
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.request.extra_header(name.as_ref(), value.as_ref());
        self
    }

    /// Sends `value` as a JSON body (`Content-Type: application/json`). A value that cannot
    /// be written as JSON makes the call fail with [`Error::Encode`](crate::Error::Encode).
    pub fn json_body<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.request.json_body(value);
        self
    }

    /// Sends `body` as it is, of media type `content_type`.
    pub fn body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.request.bytes_body("application/octet-stream", body.into());
        self.request.extra_header("content-type", content_type);
        self
    }

    /// Retries this call as `retries` says, whatever the client's setting (see
    /// [`RetryConfig`] for which methods are retried).
    pub fn retries(mut self, retries: RetryConfig) -> Self {
        self.options.retries = Some(retries);
        self
    }

    /// The timeout of each attempt, as [`Request::timeout`](crate::request::Request::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The deadline of the call, as [`Request::deadline`](crate::request::Request::deadline).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// Sends the request and returns the response (any 2XX status; the body read to its end,
    /// within the client's limit). Another status is an [`Error::Api`](crate::Error::Api).
    pub async fn send(self) -> Result<RawResponse> {
        let answer = self.client.execute(&self.info, self.request, &self.options, false).await?;
        Ok(answer.into_raw())
    }

    /// Sends the request and decodes its JSON body into `T` (`serde_json::Value` for any);
    /// a body that does not fit is an [`Error::Decode`](crate::Error::Decode) with its path.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let (client, info) = (self.client, &self.info);
        let answer = client.execute(info, self.request, &self.options, false).await?;
        client.decode_json(info, answer.into_raw()).map(crate::Response::into_value)
    }

    /// Sends the request and returns its body as a stream (an image, a media part), read
    /// chunk by chunk within the client's idle timeout and body limit.
    pub async fn stream(self) -> Result<Binary> {
        let answer = self.client.execute(&self.info, self.request, &self.options, true).await?;
        Ok(answer.into_stream().into_value())
    }
}
