//! What a call returns besides (or instead of) its decoded value.

use bytes::Bytes;
use http::HeaderMap;

/// The undecoded response of a successful call: status, headers and body bytes. Every
/// request builder has `send_raw()`, so a model that does not fit what a server sends never
/// blocks a caller.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status code (always 2XX: other statuses are an [`crate::Error::Api`]).
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The response body, read to its end (at most the client's
    /// [`max_response_bytes`](crate::PlexClientBuilder::max_response_bytes): a larger one is an
    /// [`crate::Error::BodyTooLarge`]).
    pub body: Bytes,
}

/// A decoded value together with the response it came from (`send_with_response()`).
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The response body, as received.
    pub body: Bytes,
    /// The decoded value.
    pub value: T,
}

impl<T> Response<T> {
    /// The value of response header `name` (any case), when it is present and text. The
    /// reference pages list each operation's documented headers, such as
    /// `X-Plex-Container-Total-Size` on listings.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Response header `name` parsed as `V` (a number, say), when present and valid.
    pub fn header_as<V: std::str::FromStr>(&self, name: &str) -> Option<V> {
        self.header(name)?.trim().parse().ok()
    }

    /// The decoded value, dropping the rest.
    pub fn into_value(self) -> T {
        self.value
    }

    pub(crate) fn new(raw: RawResponse, value: T) -> Self {
        Response { status: raw.status, headers: raw.headers, body: raw.body, value }
    }
}
