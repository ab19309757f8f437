//! A binary answer (an image, audio, video, a playlist), streamed: the body is not read
//! until the caller reads it, chunk by chunk, so it is never held whole unless asked for.

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use crate::error::{Error, Result};

/// The body of a binary answer, still arriving. Read it with [`Binary::chunk`] (nothing is
/// held but the chunk), copy it with [`Binary::write_to`], or collect it with
/// [`Binary::bytes`] (up to the client's `max_response_bytes`).
#[derive(Debug)]
pub struct Binary {
    operation: &'static str,
    status: u16,
    headers: HeaderMap,
    body: Source,
    limit: usize,
}

/// Where the body comes from.
#[derive(Debug)]
enum Source {
    /// Still arriving.
    Live(reqwest::Response),
    /// Already read (what is left of it).
    Read(Option<Bytes>),
}

impl Binary {
    pub(crate) fn new(operation: &'static str, headers: HeaderMap, response: reqwest::Response, limit: usize) -> Self {
        Binary { operation, status: response.status().as_u16(), headers, body: Source::Live(response), limit }
    }

    pub(crate) fn from_bytes(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Binary { operation: "", status, headers, body: Source::Read(Some(body)), limit: usize::MAX }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type` the server gave, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(http::header::CONTENT_TYPE)?.to_str().ok()
    }

    /// The body's length, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        match &self.body {
            Source::Live(response) => response.content_length(),
            Source::Read(rest) => Some(rest.as_ref().map_or(0, |b| b.len() as u64)),
        }
    }

    /// The next chunk of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        match &mut self.body {
            Source::Live(response) => {
                response.chunk().await.map_err(|e| Error::from_body_read(self.operation, None, e))
            }
            Source::Read(rest) => Ok(rest.take().filter(|b| !b.is_empty())),
        }
    }

    /// Copies the whole body into `out`, chunk by chunk; returns the number of bytes.
    pub async fn write_to<W: tokio::io::AsyncWrite + Unpin>(mut self, out: &mut W) -> Result<u64> {
        use tokio::io::AsyncWriteExt;
        let mut written = 0u64;
        while let Some(chunk) = self.chunk().await? {
            out.write_all(&chunk).await.map_err(|e| Error::Config(format!("cannot write the body: {e}")))?;
            written += chunk.len() as u64;
        }
        Ok(written)
    }

    /// Reads the whole body, failing with [`Error::BodyTooLarge`] past the client's
    /// `max_response_bytes`.
    pub async fn bytes(mut self) -> Result<Bytes> {
        let too_large = Error::BodyTooLarge { operation: self.operation, status: self.status, limit: self.limit };
        if self.content_length().is_some_and(|n| n > self.limit as u64) {
            return Err(too_large);
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if chunk.len() > self.limit - body.len() {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}
