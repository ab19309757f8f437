//! The plumbing the generated request builders call: one place that sends a request with the
//! client's headers, per-call options, retries and tracing, and decodes what comes back.

use std::sync::atomic::{AtomicU16, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use backon::Retryable;
use bytes::{Bytes, BytesMut};
use http::Method;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::binary::{Binary, Reading};
use crate::error::{EXCERPT_WINDOW, Error, Result, redacted_excerpt};
use crate::generated::TOKEN_HEADER;
use crate::response::{RawResponse, Response};
use crate::{PlexClient, RetryConfig};

/// What the generated code knows about one operation.
#[derive(Debug)]
#[doc(hidden)]
pub struct OperationInfo {
    /// The OpenAPI `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, as documented (`/butler/{butlerTask}`).
    pub path: &'static str,
    /// The `Accept` header: JSON first, then the other documented media types.
    pub accept: &'static str,
    /// The operation's own server (plex.tv), when the document gives it one.
    pub server: Option<&'static str>,
    /// Whether the call carries the token.
    pub sends_token: bool,
}

/// Per-call options every request builder carries.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub retries: Option<RetryConfig>,
    pub timeout: Option<Duration>,
    pub deadline: Option<Duration>,
}

/// The parts of a request that depend on the call's arguments.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct PreparedRequest {
    /// The path, parameters filled in and encoded.
    pub(crate) path: String,
    /// Query parameters (name, value).
    pub(crate) query: Vec<(String, String)>,
    /// Per-call header parameters (name, value).
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The body and its content type.
    pub(crate) body: Option<(&'static str, Bytes)>,
    /// Headers added to this one call with `.header(..)`: each replaces a client-wide header
    /// of its name for the call.
    pub(crate) extra_headers: http::HeaderMap,
    /// A body, header or query parameter that could not be encoded: the call fails with it
    /// ([`Error::Encode`]) before sending.
    pub(crate) invalid: Option<String>,
}

pub(crate) use crate::encode::{Style, path_value};

// The fillers the generated code calls: a document may use only some of them (no bodies, say).
#[allow(dead_code)]
impl PreparedRequest {
    /// Adds query parameter `name` written in `style` (`bool_int`: booleans as `1`/`0`).
    pub(crate) fn query<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, bool_int: bool) {
        if let Err(e) = crate::encode::try_query(&mut self.query, name, value, style, bool_int) {
            self.invalid.get_or_insert(format!("query parameter `{name}` cannot be written: {e}"));
        }
    }

    /// Adds header parameter `name`.
    pub(crate) fn header<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T, bool_int: bool) {
        match crate::encode::try_simple(value, bool_int) {
            Ok(text) => self.headers.push((name, text)),
            Err(e) => {
                self.invalid.get_or_insert(format!("header parameter `{name}` cannot be written: {e}"));
            }
        }
    }

    /// Sets a JSON body.
    pub(crate) fn json_body<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = Some(("application/json", Bytes::from(bytes))),
            Err(e) => self.invalid = Some(format!("the body cannot be written as JSON: {e}")),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub(crate) fn form_body<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        let mut pairs = Vec::new();
        crate::encode::query(&mut pairs, "", value, Style::Form, false);
        let text = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        self.body = Some(("application/x-www-form-urlencoded", Bytes::from(text)));
    }

    /// Sets a text body of media type `media`.
    pub(crate) fn text_body(&mut self, media: &'static str, value: String) {
        self.body = Some((media, Bytes::from(value)));
    }

    /// Sets a body of bytes of media type `media` (none in the current document).
    #[allow(dead_code)]
    pub(crate) fn bytes_body(&mut self, media: &'static str, value: Bytes) {
        self.body = Some((media, value));
    }

    /// Adds a header to this call (`Request::header`, `RawRequest::header`). A name or value
    /// HTTP cannot carry, or the token header's name, makes the call fail with
    /// [`Error::Encode`] before sending; the message never repeats the value.
    pub(crate) fn extra_header(&mut self, name: &str, value: &str) {
        let Ok(name) = http::HeaderName::from_bytes(name.as_bytes()) else {
            return self.refuse(format!("`{name}` is not a valid HTTP header name"));
        };
        if TOKEN_HEADER.is_some_and(|token| name == token) {
            return self.refuse(format!("the per-call header `{name}` is refused: the token is the client's"));
        }
        match http::HeaderValue::from_str(value) {
            Ok(value) => {
                self.extra_headers.append(name, value);
            }
            Err(_) => self.refuse(format!("the value of header `{name}` holds characters HTTP headers cannot carry")),
        }
    }

    /// Adds a query parameter to this call (`Request::query`, `RawRequest::query`); the
    /// token's name is refused as in [`extra_header`](Self::extra_header).
    pub(crate) fn extra_query(&mut self, name: String, value: String) {
        if TOKEN_HEADER.is_some_and(|token| name.eq_ignore_ascii_case(token)) {
            return self.refuse(format!("the per-call query parameter `{name}` is refused: the token is the client's"));
        }
        self.query.push((name, value));
    }

    /// Keeps the first reason the call cannot be sent.
    fn refuse(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }
}

/// A successful answer: read whole, or (for a binary body) still streaming.
#[doc(hidden)]
pub enum Answer {
    /// The body was read.
    Read(RawResponse),
    /// The body is for the caller to read.
    Streaming(Box<Response<Binary>>),
}

impl Answer {
    pub(crate) fn into_raw(self) -> RawResponse {
        match self {
            Answer::Read(raw) => raw,
            Answer::Streaming(r) => {
                let r = *r;
                RawResponse { status: r.status, headers: r.headers, body: Bytes::new() }
            }
        }
    }

    pub(crate) fn into_stream(self) -> Response<Binary> {
        match self {
            Answer::Streaming(r) => *r,
            // Only `send_raw` reads a streamed operation's body; it does not come here.
            Answer::Read(raw) => Response::new(raw.clone(), Binary::from_bytes(raw.status, raw.headers, raw.body)),
        }
    }
}

impl PlexClient {
    /// Decodes a JSON body into `T`, naming the path of the first mismatch. The excerpt in
    /// the error has the token blanked out, should the server echo it.
    pub(crate) fn decode_json<T: DeserializeOwned>(&self, op: &OperationInfo, raw: RawResponse) -> Result<Response<T>> {
        // The plain decoder first: tracking the path costs as much again as decoding, and is
        // only needed to say where a body that does not fit went wrong.
        if let Ok(value) = serde_json::from_slice::<T>(&raw.body) {
            return Ok(Response::new(raw, value));
        }
        let mut de = serde_json::Deserializer::from_slice(&raw.body);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(value) => Ok(Response::new(raw, value)),
            Err(err) => {
                let token = self.token_bytes();
                let content_type = raw.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
                Err(Error::from_decode(op.id, raw.status, &raw.body, content_type, err, token))
            }
        }
    }
}

/// The wait before the next attempt: the server's `Retry-After` if it gave one, else backon's
/// `computed` delay (`None`: backon has given up) within `max_interval` (backon adds its
/// jitter after its cap). `None` when the next attempt would start later than
/// `max_elapsed_time` after the first one started.
fn retry_delay(config: &RetryConfig, started: Instant, error: &Error, computed: Option<Duration>) -> Option<Duration> {
    let delay = match (computed?, error.retry_after()) {
        (_, Some(asked)) => asked,
        (computed, None) => computed.min(config.max_interval),
    };
    (started.elapsed().saturating_add(delay) <= config.max_elapsed_time).then_some(delay)
}

/// Parses `Retry-After` given in seconds (the HTTP-date form is ignored: the backoff applies).
fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The fields of a call's span that are only known at its end, recorded when the call ends
/// however it ends: success, error, or its future dropped (a caller's own timeout).
struct CallRecord {
    span: tracing::Span,
    started: Instant,
    /// Attempts started so far.
    attempts: AtomicU32,
    /// The status of the latest attempt's response; 0 while it has none.
    status: AtomicU16,
}

impl Drop for CallRecord {
    fn drop(&mut self) {
        self.span.record("attempt", self.attempts.load(Ordering::Relaxed));
        self.span.record("elapsed_ms", u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX));
        let status = self.status.load(Ordering::Relaxed);
        if status != 0 {
            self.span.record("status", status);
        }
    }
}

impl PlexClient {
    /// The token this client sends, as bytes (for redaction), when it has one.
    fn token_bytes(&self) -> Option<&[u8]> {
        TOKEN_HEADER.and_then(|header| self.inner.headers.get(header)).map(http::HeaderValue::as_bytes)
    }
}

impl PlexClient {
    /// Sends one call: the client's headers and the call's, the call's timeout, retries as
    /// configured, all within the call's deadline. A non-2XX status is an [`Error::Api`]; a
    /// 2XX body over the client's `max_response_bytes` is an [`Error::BodyTooLarge`].
    ///
    /// The call's span (`plex_sdk.call`) carries the operation, method and path template from
    /// the start and, when the call ends, the number of attempts, the elapsed time and the
    /// status of the last response (when one arrived).
    ///
    /// The call's state is boxed: what the runtime holds across an attempt (the HTTP client's
    /// future, timers, the connection slot) lives on the heap, so a caller's future, and the
    /// stack that polls it in an unoptimised build, stay small however many calls it awaits.
    pub(crate) fn execute<'a>(
        &'a self,
        op: &'a OperationInfo,
        request: PreparedRequest,
        options: &'a CallOptions,
        stream: bool,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Answer>> + Send + 'a>> {
        Box::pin(self.execute_unboxed(op, request, options, stream))
    }

    async fn execute_unboxed(
        &self,
        op: &OperationInfo,
        request: PreparedRequest,
        options: &CallOptions,
        stream: bool,
    ) -> Result<Answer> {
        if let Some(message) = request.invalid.clone() {
            return Err(Error::Encode { operation: op.id, message });
        }
        let url = self.url_for(op.server, &request.path)?;
        let timeout = options.timeout.or(self.inner.timeout);
        let deadline = options.deadline.unwrap_or(self.inner.deadline);
        // A method that is not idempotent is sent once unless the call opted in.
        let retries = options.retries.or(self.inner.retries).filter(|config| config.allows(&op.method));
        // A raw call (`PlexClient::raw`) has no path template: its span names the path called.
        let path = if op.path.is_empty() { request.path.split('?').next().unwrap_or_default() } else { op.path };
        let record = CallRecord {
            span: tracing::info_span!(
                "plex_sdk.call",
                operation = op.id,
                method = %op.method,
                path,
                status = tracing::field::Empty,
                attempt = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
            ),
            started: Instant::now(),
            attempts: AtomicU32::new(0),
            status: AtomicU16::new(0),
        };
        let span = record.span.clone();
        let once = || async {
            let attempt = record.attempts.fetch_add(1, Ordering::Relaxed) + 1;
            record.status.store(0, Ordering::Relaxed);
            let attempt = Attempt { number: attempt, timeout, stream, status_seen: &record.status };
            self.send_once(op, url.clone(), &request, attempt).await
        };
        let call = async {
            match retries {
                None => once().await,
                Some(config) => {
                    once.retry(config.backoff())
                        .sleep(tokio::time::sleep)
                        .when(|e: &Error| e.is_retryable(config.retry_connection_errors))
                        .adjust(|e: &Error, delay| retry_delay(&config, record.started, e, delay))
                        .notify(|e: &Error, delay| tracing::debug!(error = %e, ?delay, "retrying"))
                        .await
                }
            }
        };
        match tokio::time::timeout(deadline, call).instrument(span).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::Timeout { operation: op.id, timeout: Some(deadline) }),
        }
    }

    /// One attempt, within its timeout: waits for a connection slot for the URL's host, then
    /// sends. For a streamed answer the timeout covers the wait for the head only.
    async fn send_once(
        &self,
        op: &OperationInfo,
        url: reqwest::Url,
        request: &PreparedRequest,
        attempt: Attempt<'_>,
    ) -> Result<Answer> {
        let send = async {
            let permit = self.inner.slots.acquire(&url).await;
            self.send_with(op, url, request, &attempt, permit).await
        };
        match attempt.timeout {
            None => send.await,
            Some(timeout) => tokio::time::timeout(timeout, send)
                .await
                .unwrap_or(Err(Error::Timeout { operation: op.id, timeout: Some(timeout) })),
        }
    }

    /// Builds and sends one attempt's request and reads its answer, or hands the answer over
    /// with its connection slot (`permit`) when it is streamed.
    async fn send_with(
        &self,
        op: &OperationInfo,
        url: reqwest::Url,
        request: &PreparedRequest,
        attempt: &Attempt<'_>,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> Result<Answer> {
        let &Attempt { number: attempt, timeout, stream, status_seen } = attempt;
        let mut builder = self.inner.http.request(op.method.clone(), url).headers(self.headers_for(op, request));
        if let Some((_, body)) = &request.body {
            builder = builder.body(body.clone());
        }
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        tracing::debug!(attempt, "sending");
        let mut response = builder.send().await.map_err(|e| Error::from_reqwest(op.id, timeout, e))?;
        let status = response.status().as_u16();
        status_seen.store(status, Ordering::Relaxed);
        let headers = std::mem::take(response.headers_mut());
        if (200..300).contains(&status) && stream {
            tracing::debug!(attempt, status, "streaming");
            let reading = Reading {
                operation: op.id,
                limit: self.inner.max_response_bytes,
                idle: self.inner.idle_timeout,
                permit: Some(permit),
            };
            let binary = Binary::new(headers.clone(), response, reading);
            let raw = RawResponse { status, headers, body: Bytes::new() };
            Ok(Answer::Streaming(Box::new(Response::new(raw, binary))))
        } else if (200..300).contains(&status) {
            let body = read_body(op, &mut response, status, self.inner.max_response_bytes, timeout).await?;
            tracing::debug!(attempt, status, bytes = body.len(), "received");
            Ok(Answer::Read(RawResponse { status, headers, body }))
        } else {
            let (start, complete) = read_body_start(&mut response, self.inner.max_error_body_bytes).await;
            tracing::debug!(attempt, status, complete, "received");
            Err(self.api_error(op, status, headers, &start, complete))
        }
    }

    /// The headers of one attempt but the operation's header parameters: the client-wide ones
    /// (the token only when the operation sends it), `Accept`, the body's `Content-Type`, and
    /// last the call's own headers, each replacing any header of its name.
    fn headers_for(&self, op: &OperationInfo, request: &PreparedRequest) -> http::HeaderMap {
        let mut headers = self.inner.headers.clone();
        if let (false, Some(header)) = (op.sends_token, TOKEN_HEADER) {
            headers.remove(header);
        }
        if let Ok(accept) = http::HeaderValue::from_str(op.accept) {
            headers.append(http::header::ACCEPT, accept);
        }
        if let Some(Ok(content_type)) = request.body.as_ref().map(|(media, _)| http::HeaderValue::from_str(media)) {
            headers.insert(http::header::CONTENT_TYPE, content_type);
        }
        for name in request.extra_headers.keys() {
            headers.remove(name);
        }
        for (name, value) in &request.extra_headers {
            headers.append(name, value.clone());
        }
        headers
    }

    /// The [`Error::Api`] for a status that is not a success: the token blanked out of the
    /// excerpt, and any header that echoes it marked sensitive (so `Debug` hides it).
    fn api_error(
        &self,
        op: &OperationInfo,
        status: u16,
        mut headers: http::HeaderMap,
        start: &[u8],
        complete: bool,
    ) -> Error {
        let token = self.token_bytes();
        if let Some(token) = token.filter(|t| !t.is_empty()) {
            for value in headers.values_mut() {
                if value.as_bytes().windows(token.len()).any(|w| w == token) {
                    value.set_sensitive(true);
                }
            }
        }
        Error::Api {
            operation: op.id,
            status,
            retry_after: retry_after(&headers),
            headers: Box::new(headers),
            body_excerpt: redacted_excerpt(start, complete, token),
        }
    }
}

/// One attempt of a call: its number (from 1), timeout, whether the body is streamed, and
/// where the status it got is recorded for the call's span.
struct Attempt<'a> {
    number: u32,
    timeout: Option<Duration>,
    stream: bool,
    status_seen: &'a AtomicU16,
}

/// How much of a success body is set aside before it arrives, at most: a `Content-Length`
/// is the server's word, not yet memory worth reserving.
const PREALLOCATE_MAX: usize = 1024 * 1024;

/// Reads a success body, failing as soon as it is known to exceed `limit` bytes: from its
/// `Content-Length`, or while reading, chunk by chunk. A body cut short is a
/// [`Error::Transport`] (or [`Error::Timeout`]), never a decoding problem.
async fn read_body(
    op: &OperationInfo,
    response: &mut reqwest::Response,
    status: u16,
    limit: usize,
    timeout: Option<Duration>,
) -> Result<Bytes> {
    let too_large = || Error::BodyTooLarge { operation: op.id, status, limit };
    let expected = response.content_length();
    if expected.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let capacity = expected.map_or(0, |length| (length as usize).min(PREALLOCATE_MAX));
    let mut body = BytesMut::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(|e| Error::from_body_read(op.id, timeout, e))? {
        if chunk.len() > limit - body.len() {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Reads at most about `limit` bytes of an error body (reading stops at the first chunk that
/// reaches it) and keeps the start of it an excerpt needs, within `limit`. Returns that start
/// and whether it is the whole body. A failure to read only ends the reading: the status is
/// the answer.
async fn read_body_start(response: &mut reqwest::Response, limit: usize) -> (Vec<u8>, bool) {
    let expected = response.content_length();
    let keep = limit.min(EXCERPT_WINDOW);
    let mut start = Vec::new();
    let mut read = 0usize;
    while read < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                read = read.saturating_add(chunk.len());
                let room = keep - start.len();
                start.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) => {
                let complete = start.len() == read;
                return (start, complete);
            }
            Err(_) => return (start, false),
        }
    }
    let complete = start.len() == read && expected == Some(read as u64);
    (start, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds() {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(http::header::RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
