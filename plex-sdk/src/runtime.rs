//! The plumbing the generated request builders call: one place that sends a request with the
//! client's headers, per-call options, retries and tracing, and decodes what comes back.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use backon::Retryable;
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{Error, Result, excerpt};
use crate::response::{RawResponse, Response};
use crate::{PlexClient, RetryConfig};

/// What the generated code knows about one operation.
#[derive(Debug)]
pub(crate) struct OperationInfo {
    /// The OpenAPI `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, as documented (`/butler/{butlerTask}`).
    pub path: &'static str,
    /// The `Accept` header: JSON first, then the other documented media types.
    pub accept: &'static str,
}

/// Per-call options every request builder carries.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub retries: Option<RetryConfig>,
    pub timeout: Option<Duration>,
}

/// The parts of a request that depend on the call's arguments.
#[derive(Debug, Default)]
pub(crate) struct PreparedRequest {
    /// The path, parameters filled in and encoded.
    pub path: String,
    /// Query parameters (name, value).
    pub query: Vec<(&'static str, String)>,
    /// Per-call header parameters (name, value).
    pub headers: Vec<(&'static str, String)>,
}

/// Characters kept as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path parameter value.
pub(crate) fn encode_path(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// Decodes a JSON body into `T`, naming the path of the first mismatch.
pub(crate) fn decode_json<T: DeserializeOwned>(op: &OperationInfo, raw: RawResponse) -> Result<Response<T>> {
    let mut de = serde_json::Deserializer::from_slice(&raw.body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => Ok(Response::new(raw, value)),
        Err(err) => Err(Error::Decode {
            operation: op.id,
            status: raw.status,
            path: err.path().to_string(),
            message: err.into_inner().to_string(),
            body_excerpt: excerpt(&raw.body),
        }),
    }
}

/// Parses `Retry-After` given in seconds (the HTTP-date form is ignored: the backoff applies).
fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl PlexClient {
    /// Sends one call: the client's headers and the call's, the call's timeout, retries as
    /// configured. A non-2XX status is an [`Error::Api`].
    pub(crate) async fn execute(
        &self,
        op: &'static OperationInfo,
        request: PreparedRequest,
        options: &CallOptions,
    ) -> Result<RawResponse> {
        let url = self.url_for(&request.path)?;
        let timeout = options.timeout.or(self.inner.timeout);
        let retries = options.retries.or(self.inner.retries);
        let attempts = AtomicU32::new(0);
        let span = tracing::info_span!(
            "plex_sdk.call",
            operation = op.id,
            method = %op.method,
            path = op.path,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let once = || async {
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            self.send_once(op, url.clone(), &request, timeout, attempt).await
        };
        let result = match retries {
            None => once().instrument(span.clone()).await,
            Some(config) => {
                let mut waited = Duration::ZERO;
                once.retry(config.backoff())
                    .sleep(tokio::time::sleep)
                    .when(|e: &Error| e.is_retryable(config.retry_connection_errors))
                    .adjust(|e: &Error, delay| {
                        // backon adds jitter after its cap and does not count a Retry-After
                        // against its total: both bounds are kept here.
                        let delay = match (delay, e.retry_after()) {
                            (None, _) => return None,
                            (Some(_), Some(asked)) => asked,
                            (Some(computed), None) => computed.min(config.max_interval),
                        };
                        waited += delay;
                        (waited <= config.max_elapsed_time).then_some(delay)
                    })
                    .notify(|e: &Error, delay| tracing::debug!(error = %e, ?delay, "retrying"))
                    .instrument(span.clone())
                    .await
            }
        };
        span.record("attempt", attempts.load(Ordering::Relaxed));
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        if let Some(status) =
            result.as_ref().ok().map(|r| r.status).or_else(|| result.as_ref().err().and_then(Error::status))
        {
            span.record("status", status);
        }
        result
    }

    async fn send_once(
        &self,
        op: &'static OperationInfo,
        url: reqwest::Url,
        request: &PreparedRequest,
        timeout: Option<Duration>,
        attempt: u32,
    ) -> Result<RawResponse> {
        let mut builder = self
            .inner
            .http
            .request(op.method.clone(), url)
            .headers(self.inner.headers.clone())
            .header(http::header::ACCEPT, op.accept);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        tracing::debug!(attempt, "sending");
        let response = builder.send().await.map_err(|e| Error::from_reqwest(op.id, timeout, e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| Error::from_reqwest(op.id, timeout, e))?;
        tracing::debug!(attempt, status, bytes = body.len(), "received");
        if (200..300).contains(&status) {
            Ok(RawResponse { status, headers, body })
        } else {
            Err(Error::Api {
                operation: op.id,
                status,
                retry_after: retry_after(&headers),
                headers: Box::new(headers),
                body_excerpt: excerpt(&body),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_values_are_encoded() {
        assert_eq!(encode_path("RefreshLocalMedia"), "RefreshLocalMedia");
        assert_eq!(encode_path("a b/c?d"), "a%20b%2Fc%3Fd");
    }

    #[test]
    fn retry_after_seconds() {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(http::header::RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
