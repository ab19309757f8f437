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
    /// The response was a success but its body is larger than the client accepts
    /// ([`crate::PlexClientBuilder::max_response_bytes`]). The body was not read past the limit
    /// (or at all, when its `Content-Length` already exceeded it).
    #[error("{operation}: the {status} response body exceeds the {limit}-byte limit")]
    BodyTooLarge {
        /// The operation.
        operation: &'static str,
        /// The HTTP status code of the response.
        status: u16,
        /// The limit that was exceeded, in bytes.
        limit: usize,
    },
    /// No complete response arrived in time: the attempt's timeout, the call's deadline or, while
    /// a streamed body arrives, the idle timeout between two chunks expired.
    #[error("{operation}: no response within {}", timeout.map(|t| format!("{t:?}")).unwrap_or_else(|| "the timeout".into()))]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// The timeout that expired, when the SDK set it.
        timeout: Option<Duration>,
    },
    /// The server could not be reached (DNS, refused connection, TLS handshake, connect
    /// timeout). The message ends with the whole chain of causes ("Too many open files").
    #[error("{operation}: cannot connect to the server: {}", causes(source))]
    Connect {
        /// The operation.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed after it was made (reset, truncated body, protocol error). The
    /// message ends with the whole chain of causes ("connection reset", "end of file before
    /// message length reached").
    #[error("{operation}: transport error: {}", causes(source))]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// Writing a streamed body out failed ([`crate::Binary::write_to`]): the writer's error.
    #[error("{operation}: cannot write the body: {source}")]
    Io {
        /// The operation.
        operation: &'static str,
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// A request body could not be encoded (a value JSON cannot represent); nothing was sent.
    #[error("{operation}: cannot encode the request body: {message}")]
    Encode {
        /// The operation.
        operation: &'static str,
        /// What the encoder said.
        message: String,
    },
    /// The client is misconfigured (a bad server URL, a header value that is not valid).
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// `error` and each of its sources, `: `-separated, skipping a source whose text its parent
/// already ends with (reqwest and hyper often repeat it).
pub(crate) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let line = cause.to_string();
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        next = cause.source();
    }
    text
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.trim().is_empty() { String::new() } else { format!(": {}", excerpt.trim()) }
}

impl Error {
    /// The HTTP status of the response, for [`Error::Api`], [`Error::Decode`] and
    /// [`Error::BodyTooLarge`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } | Error::BodyTooLarge { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The operation (OpenAPI `operationId`) that failed, when the error concerns a call.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api { operation, .. }
            | Error::Decode { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Connect { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Io { operation, .. }
            | Error::Encode { operation, .. } => Some(operation),
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
    /// failures to connect and broken connections. A body that does not decode or is too large
    /// would be the same again: not retried.
    pub(crate) fn is_retryable(&self, connection_errors: bool) -> bool {
        match self {
            Error::Api { status, .. } => *status == 429 || (500..600).contains(status),
            Error::Timeout { .. } => true,
            Error::Connect { .. } | Error::Transport { .. } => connection_errors,
            Error::Decode { .. }
            | Error::BodyTooLarge { .. }
            | Error::Io { .. }
            | Error::Encode { .. }
            | Error::Config(_) => false,
        }
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The error for a request that got no response. A connect timeout is a
    /// [`Error::Connect`] (its causes say "timed out"): `timeout` is the attempt's, not that one.
    pub(crate) fn from_reqwest(operation: &'static str, timeout: Option<Duration>, source: reqwest::Error) -> Self {
        let source = source.without_url();
        if source.is_connect() {
            Error::Connect { operation, source }
        } else if source.is_timeout() {
            Error::Timeout { operation, timeout }
        } else {
            Error::Transport { operation, source }
        }
    }

    /// A failure while reading a response body: the connection broke or the server stopped
    /// sending (reqwest calls this a decoding error, but nothing was decoded yet).
    pub(crate) fn from_body_read(operation: &'static str, timeout: Option<Duration>, source: reqwest::Error) -> Self {
        let source = source.without_url();
        if source.is_timeout() { Error::Timeout { operation, timeout } } else { Error::Transport { operation, source } }
    }
}

impl Error {
    /// The [`Error::Decode`] for a success body that `error` says does not fit the operation's
    /// JSON type. When the body is XML (it starts with `<`, or `content_type` names XML and the
    /// body is not a JSON object or array), the message says so in words and what to do; else it
    /// is serde's message with its path. The token (`token`, as sent) is blanked out of the
    /// message and the excerpt, should the server echo it.
    // Called by `PlexClient::decode_json` (runtime.rs).
    pub(crate) fn from_decode<E: std::fmt::Display>(
        operation: &'static str,
        status: u16,
        body: &[u8],
        content_type: Option<&str>,
        error: serde_path_to_error::Error<E>,
        token: Option<&[u8]>,
    ) -> Self {
        let window = &body[..body.len().min(EXCERPT_WINDOW)];
        let body_excerpt = redacted_excerpt(window, window.len() == body.len(), token);
        let path = error.path().to_string();
        let message = if looks_like_xml(body, content_type) {
            xml_message(operation)
        } else {
            // serde quotes the offending value, which may be the echoed token.
            let message = error.into_inner().to_string();
            match token {
                Some(t) => String::from_utf8_lossy(&redact(message.as_bytes(), t)).into_owned(),
                None => message,
            }
        };
        Error::Decode { operation, status, path, message, body_excerpt }
    }
}

/// Whether a body that did not decode as JSON is XML: its first character (after a byte-order
/// mark and whitespace) is `<`, or its `Content-Type` names XML (`application/xml`,
/// `text/xml`, `…+xml`) and it does not start like a JSON object or array.
fn looks_like_xml(body: &[u8], content_type: Option<&str>) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let xml_type = content_type.is_some_and(|t| {
        let essence = t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        essence.ends_with("/xml") || essence.ends_with("+xml")
    });
    first == Some(&b'<') || (xml_type && !matches!(first, Some(b'{' | b'[')))
}

/// The message of an [`Error::Decode`] for an XML body.
fn xml_message(operation: &str) -> String {
    format!(
        "the server answered XML; `{operation}` decodes JSON, and the SDK asks for it first \
         (`Accept: application/json`). Check that the server URL points at Plex Media Server \
         itself (not a proxy, a sign-in page or another service) and that the server is recent \
         enough to answer JSON; `send_raw()` returns the body as it came, to parse yourself"
    )
}

/// How many bytes of a body [`excerpt`] looks at: 4 bytes of body can never make more than
/// 4 replacement characters (12 bytes), so this many bytes hold at least the limit's worth of
/// text.
pub(crate) const EXCERPT_WINDOW: usize = BODY_EXCERPT_LIMIT * 4;

/// The start of `body` as text: at most [`BODY_EXCERPT_LIMIT`] bytes of UTF-8, cut at a
/// character boundary, ending in `…` when something was cut. Bytes that are not UTF-8 show
/// as U+FFFD.
#[cfg(test)]
pub(crate) fn excerpt(body: &[u8]) -> String {
    excerpt_of(body, true)
}

/// [`excerpt`] of a body of which only `start` was read: `complete` tells whether `start` is
/// the whole body (when not, the excerpt ends in `…` and a character cut by the end of
/// `start` is dropped rather than shown as U+FFFD).
pub(crate) fn excerpt_of(start: &[u8], complete: bool) -> String {
    if start.is_empty() {
        return String::new();
    }
    let window = &start[..start.len().min(EXCERPT_WINDOW)];
    let complete = complete && window.len() == start.len();
    let window = if complete { window } else { without_partial_char(window) };
    let text = String::from_utf8_lossy(window);
    if complete && text.len() <= BODY_EXCERPT_LIMIT {
        return text.into_owned();
    }
    let mut end = text.len().min(BODY_EXCERPT_LIMIT - '…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = text[..end].to_string();
    cut.push('…');
    cut
}

/// A token at least this long (in bytes) is blanked out wherever it occurs in what a server
/// sent; a shorter one only where it stands as a word of its own (see [`redact`]). Plex
/// tokens are 20 characters long.
pub(crate) const REDACT_ANYWHERE_MIN: usize = 8;

/// `text` (what a server sent: a body, a decoder's message quoting it) with the token
/// `secret` replaced by `<redacted>`. The rule: only the token's own occurrences are replaced,
/// never other text; a token of [`REDACT_ANYWHERE_MIN`] bytes or more wherever it occurs (a
/// random string that long is never there by chance), a shorter one only when the bytes on
/// both sides of it are not token characters (ASCII letters, digits, `-`, `_`), so
/// that a test token such as `a` blanks `token=a` but leaves `operation failed` alone. The
/// SDK's own text (operation names, its messages) is never passed through this: the token can
/// only have leaked into what came back from the server.
pub(crate) fn redact(text: &[u8], secret: &[u8]) -> Vec<u8> {
    if secret.is_empty() {
        return text.to_vec();
    }
    let mut clean = Vec::with_capacity(text.len());
    let mut from = 0;
    let mut at = 0;
    while at + secret.len() <= text.len() {
        let end = at + secret.len();
        let glued_before = at > 0 && is_token_byte(text[at - 1]);
        let standalone = || !glued_before && !text.get(end).copied().is_some_and(is_token_byte);
        if &text[at..end] == secret && (secret.len() >= REDACT_ANYWHERE_MIN || standalone()) {
            clean.extend_from_slice(&text[from..at]);
            clean.extend_from_slice(b"<redacted>");
            (from, at) = (end, end);
        } else {
            at += 1;
        }
    }
    clean.extend_from_slice(&text[from..]);
    clean
}

/// Whether `byte` can be part of a token (a word character: Plex tokens are made of these).
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_')
}

/// [`excerpt_of`], with the token (`secret`, which a server may echo back) blanked out as
/// [`redact`] says, and a start of it that the excerpt's end would cut dropped.
pub(crate) fn redacted_excerpt(start: &[u8], complete: bool, secret: Option<&[u8]>) -> String {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return excerpt_of(start, complete);
    };
    let clean = redact(start, secret);
    let mut text = excerpt_of(&clean, complete);
    if let Some(kept) = text.strip_suffix('…') {
        let kept = kept.as_bytes();
        let partial = (1..secret.len().min(kept.len() + 1)).rev().find(|&n| {
            let at = kept.len() - n;
            let starts_word = at == 0 || !is_token_byte(kept[at - 1]);
            kept.ends_with(&secret[..n]) && starts_word && text.is_char_boundary(at)
        });
        if let Some(n) = partial {
            text.replace_range(kept.len() - n..kept.len(), "");
        }
    }
    text
}

/// `bytes` without a UTF-8 sequence that its end cuts short.
fn without_partial_char(bytes: &[u8]) -> &[u8] {
    for back in 1..=bytes.len().min(3) {
        let byte = bytes[bytes.len() - back];
        if byte & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back for the sequence's start
        }
        let needed = match byte {
            0xF0.. => 4,
            0xE0.. => 3,
            0xC0.. => 2,
            _ => 1,
        };
        return if needed > back { &bytes[..bytes.len() - back] } else { bytes };
    }
    bytes
}

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// What `from_decode` makes of `body` decoded as a `{"a": {"n": integer}}`.
    fn decode(body: &str, content_type: Option<&str>, token: Option<&str>) -> (String, String, String) {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            n: u8,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            a: Inner,
        }
        let mut de = serde_json::Deserializer::from_slice(body.as_bytes());
        let err = serde_path_to_error::deserialize::<_, Outer>(&mut de).unwrap_err();
        let error = Error::from_decode("getTasks", 200, body.as_bytes(), content_type, err, token.map(str::as_bytes));
        let display = error.to_string();
        match error {
            Error::Decode { operation: "getTasks", status: 200, path, message, body_excerpt } => {
                assert_eq!(display, format!("getTasks: cannot decode the 200 response at `{path}`: {message}"));
                (path, message, body_excerpt)
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }
    }

    #[test]
    fn xml_bodies_are_named_in_words() {
        for (body, content_type) in [
            ("<?xml version=\"1.0\"?><MediaContainer size=\"0\"/>", Some("text/xml;charset=utf-8")),
            ("<MediaContainer/>", None),
            ("\u{FEFF}\r\n  <MediaContainer/>", Some("application/json")),
            ("<!DOCTYPE html><html></html>", Some("text/html")),
            ("", Some("application/xml")),
            ("MediaContainer", Some("Application/Atom+XML")),
        ] {
            let (_, message, excerpt) = decode(body, content_type, None);
            assert!(message.starts_with("the server answered XML; `getTasks` decodes JSON"), "{body:?}: {message}");
            assert!(message.contains("Accept: application/json") && message.contains("send_raw()"), "{message}");
            assert_eq!(excerpt, body, "the excerpt shows what came");
        }
    }

    #[test]
    fn other_bodies_keep_serdes_message_and_path() {
        for (body, content_type) in [
            (r#"{"a": {"n": 300}}"#, Some("application/xml")),
            (r#"[1]"#, Some("text/xml")),
            ("not json", Some("text/plain")),
            (r#"{"a": {"n": "x"}}"#, None),
            ("", None),
        ] {
            let (_, message, _) = decode(body, content_type, None);
            assert!(!message.contains("XML"), "{body:?}: {message}");
            assert!(!message.is_empty());
        }
        let (path, message, _) = decode(r#"{"a": {"n": 300}}"#, None, None);
        assert_eq!(path, "a.n");
        assert!(message.contains("300"), "{message}");
    }

    #[test]
    fn decode_errors_never_show_the_token() {
        let body = r#"{"a": {"n": "s3cret-token"}}"#;
        let (_, message, excerpt) = decode(body, None, Some("s3cret-token"));
        assert!(message.contains("<redacted>") && !message.contains("s3cret"), "{message}");
        assert_eq!(excerpt, r#"{"a": {"n": "<redacted>"}}"#);
        let (_, message, excerpt) = decode("<token>s3cret-token</token>", None, Some("s3cret-token"));
        assert!(!message.contains("s3cret"), "{message}");
        assert_eq!(excerpt, "<token><redacted></token>");
    }

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

    #[test]
    fn excerpts_of_a_partly_read_body_say_so() {
        assert_eq!(excerpt_of(b"short", true), "short");
        assert_eq!(excerpt_of(b"short", false), "short…");
        // "é" is 0xC3 0xA9: a read that stopped between the two bytes drops the half character.
        assert_eq!(excerpt_of(b"ab\xC3", false), "ab…");
        assert_eq!(excerpt_of("abé".as_bytes(), false), "abé…");
        assert_eq!(excerpt_of(&"a€".as_bytes()[..3], false), "a…");
        let long = "x".repeat(EXCERPT_WINDOW + 10);
        assert_eq!(excerpt_of(long.as_bytes(), true), excerpt(long.as_bytes()));
        assert!(excerpt_of(long.as_bytes(), false).len() <= BODY_EXCERPT_LIMIT);
        assert!(excerpt_of(&long.as_bytes()[..EXCERPT_WINDOW], true).ends_with('…'));
        assert_eq!(excerpt_of(b"", false), "");
    }

    #[test]
    fn short_tokens_are_redacted_only_as_words() {
        let a = &b"a"[..];
        assert_eq!(
            redact(b"operation failed: a is not a list", a),
            b"operation failed: <redacted> is not <redacted> list"
        );
        assert_eq!(redact(b"token=a&b=c", a), b"token=<redacted>&b=c");
        assert_eq!(redact(b"banana a-b a_b ba.", a), b"banana a-b a_b ba.");
        assert_eq!(redacted_excerpt(b"operation failed", true, Some(a)), "operation failed");
        let tok = &b"tok"[..];
        assert_eq!(redact(b"X-Plex-Token: tok</pre>", tok), b"X-Plex-Token: <redacted></pre>");
        assert_eq!(redact(b"tokens stock tok-1 tok", tok), b"tokens stock tok-1 <redacted>");
        let secret = &b"secret-token"[..];
        // The end of a cut excerpt drops a start of the token only where a word starts.
        assert_eq!(redacted_excerpt(b"the classes", false, Some(secret)), "the classes…");
        assert_eq!(redacted_excerpt(b"the sec", false, Some(secret)), "the …");
    }

    #[test]
    fn long_tokens_are_redacted_wherever_they_occur() {
        let token = &b"AbCdEfGhIjKlMnOpQrSt"[..];
        assert_eq!(redact(b"xAbCdEfGhIjKlMnOpQrStx", token), b"x<redacted>x");
        assert_eq!(redact(b"mysecret-tokens", b"secret-token"), b"my<redacted>s");
        assert_eq!(redact(b"AbCdEfGhIjKlMnOpQrStAbCdEfGhIjKlMnOpQrSt", token), b"<redacted><redacted>");
        assert_eq!(redact(b"AbCdEfGhIj", token), b"AbCdEfGhIj");
        assert_eq!(redact(b"anything", b""), b"anything");
    }

    #[test]
    fn causes_are_joined_without_repeats() {
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset by peer");
        #[derive(Debug, thiserror::Error)]
        #[error("error sending request")]
        struct Outer(#[source] std::io::Error);
        assert_eq!(causes(&Outer(inner)), "error sending request: connection reset by peer");
        #[derive(Debug, thiserror::Error)]
        #[error("error sending request: connection reset by peer")]
        struct Repeats(#[source] std::io::Error);
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset by peer");
        assert_eq!(causes(&Repeats(inner)), "error sending request: connection reset by peer");
    }

    #[test]
    fn excerpts_never_show_the_secret() {
        let secret = Some(&b"s3cret-token"[..]);
        assert_eq!(
            redacted_excerpt(b"token=s3cret-token; again s3cret-token.", true, secret),
            "token=<redacted>; again <redacted>."
        );
        assert_eq!(redacted_excerpt(b"no secret", true, secret), "no secret");
        assert_eq!(redacted_excerpt(b"no secret", true, None), "no secret");
        // A read that stopped inside the token shows none of it.
        assert_eq!(redacted_excerpt(b"token=s3cret-to", false, secret), "token=…");
        // Nor does an excerpt whose cut falls where the token was.
        let body = format!("{}s3cret-token", "x".repeat(BODY_EXCERPT_LIMIT - 8));
        let cut = redacted_excerpt(body.as_bytes(), true, secret);
        assert_eq!(cut, format!("{}<reda…", "x".repeat(BODY_EXCERPT_LIMIT - 8)));
    }
}
