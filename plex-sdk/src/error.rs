//! The one error type of the SDK.

use std::time::Duration;

use http::HeaderMap;

/// How many bytes of a response body an [`Error`] keeps, at most.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// A failed call: the server refused it, its answer could not be decoded, or it never arrived.
///
/// Every variant that concerns a call names the operation (its OpenAPI `operationId`).
/// Nothing in an error (its `Debug` or `Display`) contains the Plex token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status that is not a success (4XX, 5XX, or an unexpected 1XX/3XX).
    #[error("{operation}: the server answered {status}{}", excerpt_suffix(body_excerpt))]
    Api {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The response headers (boxed: they are large and rarely read).
        headers: Box<HeaderMap>,
        /// The start of the response body (at most [`BODY_EXCERPT_LIMIT`] bytes, lossily UTF-8).
        body_excerpt: String,
        /// The delay the server asked for in `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// The response was a success but its body does not match the documented type.
    #[error("{operation}: cannot decode the {status} response at `{path}`: {message}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// The HTTP status code of the response.
        status: u16,
        /// Where in the body decoding failed (a serde path such as `ButlerTasks.ButlerTask[0].enabled`).
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the response body.
        body_excerpt: String,
    },
    /// No complete response arrived within the timeout.
    #[error("{operation}: no response within {}", timeout.map(|t| format!("{t:?}")).unwrap_or_else(|| "the timeout".into()))]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// The timeout that expired, when the SDK set it.
        timeout: Option<Duration>,
    },
    /// The server could not be reached (DNS, refused connection, TLS handshake).
    #[error("{operation}: cannot connect to the server: {source}")]
    Connect {
        /// The operation.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed after it was made (reset, truncated body, protocol error).
    #[error("{operation}: transport error: {source}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The client is misconfigured (a bad server URL, a header value that is not valid).
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.trim().is_empty() { String::new() } else { format!(": {}", excerpt.trim()) }
}

impl Error {
    /// The HTTP status of the response, for [`Error::Api`] and [`Error::Decode`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The operation (OpenAPI `operationId`) that failed, when the error concerns a call.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Connect { operation, .. }
            | Error::Transport { operation, .. } => Some(operation),
            Error::Config(_) => None,
        }
    }

    /// The response headers, for [`Error::Api`].
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The start of the response body, for [`Error::Api`] and [`Error::Decode`].
    pub fn body_excerpt(&self) -> Option<&str> {
        match self {
            Error::Api { body_excerpt, .. } | Error::Decode { body_excerpt, .. } => Some(body_excerpt),
            _ => None,
        }
    }

    /// Whether a retry may succeed: 429, 5XX, timeouts, and (when `connection_errors`)
    /// failures to connect.
    pub(crate) fn is_retryable(&self, connection_errors: bool) -> bool {
        match self {
            Error::Api { status, .. } => *status == 429 || (500..600).contains(status),
            Error::Timeout { .. } => true,
            Error::Connect { .. } | Error::Transport { .. } => connection_errors,
            Error::Decode { .. } | Error::Config(_) => false,
        }
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(operation: &'static str, timeout: Option<Duration>, source: reqwest::Error) -> Self {
        let source = source.without_url();
        if source.is_timeout() {
            Error::Timeout { operation, timeout }
        } else if source.is_connect() {
            Error::Connect { operation, source }
        } else {
            Error::Transport { operation, source }
        }
    }
}

/// The start of `body` as text: at most [`BODY_EXCERPT_LIMIT`] bytes of UTF-8, cut at a
/// character boundary, ending in `…` when something was cut. Bytes that are not UTF-8 show
/// as U+FFFD.
pub(crate) fn excerpt(body: &[u8]) -> String {
    // 4 bytes of body can never make more than 4 replacement characters (12 bytes), so this
    // slice holds at least the limit's worth of text.
    let window = &body[..body.len().min(BODY_EXCERPT_LIMIT * 4)];
    let text = String::from_utf8_lossy(window);
    if window.len() == body.len() && text.len() <= BODY_EXCERPT_LIMIT {
        return text.into_owned();
    }
    let mut end = BODY_EXCERPT_LIMIT - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = text[..end].to_string();
    cut.push('…');
    cut
}

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_respect_the_limit_and_characters() {
        assert_eq!(excerpt(b"short"), "short");
        let long = "é".repeat(400);
        let cut = excerpt(long.as_bytes());
        assert!(cut.len() <= BODY_EXCERPT_LIMIT && cut.ends_with('…'), "{}", cut.len());
        assert!(!cut.contains('\u{FFFD}'));
        let binary = vec![0xFFu8; 5000];
        assert!(excerpt(&binary).len() <= BODY_EXCERPT_LIMIT);
    }
}
