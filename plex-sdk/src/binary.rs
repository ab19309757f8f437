//! A binary answer (an image, audio, video, a playlist), streamed: the body is not read
//! until the caller reads it, chunk by chunk, so it is never held whole unless asked for.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http_body::Body as _;
use tokio::sync::OwnedSemaphorePermit;

use crate::error::{Error, Result};

/// The body of a binary answer, still arriving. Read it with [`Binary::chunk`] (nothing is
/// held but the chunk), as a [`futures_core::Stream`] of `Result<Bytes>`, copy it with
/// [`Binary::write_to`], or collect it with [`Binary::bytes`] (up to the client's
/// `max_response_bytes`).
///
/// No timeout covers the whole body, so a long download is never cut while it progresses;
/// instead, waiting longer than the client's
/// [`idle_timeout`](crate::PlexClientBuilder::idle_timeout) for the next chunk ends it with
/// [`Error::Timeout`] (change it for this body with [`Binary::set_idle_timeout`]). Until its
/// end is read or it is dropped, a `Binary` holds one of the client's connections to its host
/// ([`max_connections_per_host`](crate::PlexClientBuilder::max_connections_per_host)).
pub struct Binary {
    operation: &'static str,
    status: u16,
    headers: HeaderMap,
    body: Source,
    limit: usize,
}

/// Where the body comes from.
enum Source {
    /// Still arriving.
    Live(Box<Live>),
    /// Already read (what is left of it).
    Read(Option<Bytes>),
}

/// A body still arriving, with what bounds the wait for its next chunk.
struct Live {
    body: reqwest::Body,
    length: Option<u64>,
    idle: Option<Duration>,
    /// When the wait for the current chunk ends; set when the wait starts.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The connection slot this body holds, released at its end.
    _permit: Option<OwnedSemaphorePermit>,
}

impl std::fmt::Debug for Binary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binary")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("content_length", &self.content_length())
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

/// How a live body is read: the operation's limits and timeouts, and its connection slot.
pub(crate) struct Reading {
    pub(crate) operation: &'static str,
    pub(crate) limit: usize,
    pub(crate) idle: Option<Duration>,
    pub(crate) permit: Option<OwnedSemaphorePermit>,
}

impl Binary {
    pub(crate) fn new(headers: HeaderMap, response: reqwest::Response, reading: Reading) -> Self {
        let status = response.status().as_u16();
        let live = Live {
            length: response.content_length(),
            idle: reading.idle,
            timer: None,
            _permit: reading.permit,
            body: reqwest::Body::from(response),
        };
        Binary {
            operation: reading.operation,
            status,
            headers,
            body: Source::Live(Box::new(live)),
            limit: reading.limit,
        }
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
            Source::Live(live) => live.length,
            Source::Read(rest) => Some(rest.as_ref().map_or(0, |b| b.len() as u64)),
        }
    }

    /// The longest wait for the next chunk of this body (`None`: no limit), in place of the
    /// client's [`idle_timeout`](crate::PlexClientBuilder::idle_timeout). For a stream of events
    /// that may be quiet for long, say.
    pub fn set_idle_timeout(&mut self, idle: Option<Duration>) {
        if let Source::Live(live) = &mut self.body {
            live.idle = idle;
            live.timer = None;
        }
    }

    /// The next chunk of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        std::future::poll_fn(|cx| self.poll_chunk(cx)).await.transpose()
    }

    /// Polls for the next chunk: data frames are returned, other frames (trailers) skipped,
    /// and the idle timer runs while nothing arrives. The body (and its connection slot) is
    /// let go at its end or at the first error.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        let Source::Live(live) = &mut self.body else {
            let Source::Read(rest) = &mut self.body else { unreachable!() };
            return Poll::Ready(rest.take().filter(|b| !b.is_empty()).map(Ok));
        };
        let outcome = loop {
            match Pin::new(&mut live.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => break Some(Ok(data)),
                    Err(_) => continue, // trailers
                },
                Poll::Ready(Some(Err(e))) => break Some(Err(Error::from_body_read(self.operation, None, e))),
                Poll::Ready(None) => break None,
                Poll::Pending => {
                    let Some(idle) = live.idle else { return Poll::Pending };
                    let timer = live.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                    ready!(timer.as_mut().poll(cx));
                    break Some(Err(Error::Timeout { operation: self.operation, timeout: Some(idle) }));
                }
            }
        };
        live.timer = None;
        if !matches!(outcome, Some(Ok(_))) {
            self.body = Source::Read(None);
        }
        Poll::Ready(outcome)
    }

    /// Copies the whole body into `out`, chunk by chunk; returns the number of bytes. A
    /// failure to write is an [`Error::Io`].
    pub async fn write_to<W: tokio::io::AsyncWrite + Unpin>(mut self, out: &mut W) -> Result<u64> {
        use tokio::io::AsyncWriteExt;
        let mut written = 0u64;
        let operation = self.operation;
        let io = |source| Error::Io { operation, source };
        while let Some(chunk) = self.chunk().await? {
            out.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(io)?;
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

impl futures_core::Stream for Binary {
    type Item = Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_chunk(cx)
    }
}
