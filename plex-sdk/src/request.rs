//! The one request builder every operation returns: [`Request`], generic over the operation.
//! The generated code adds, per operation, a marker type that implements [`Operation`] (its
//! route, `Accept` header, server, security and how its answer is decoded) and the setters of
//! its optional parameters; everything else (per-call options, sending, decoding,
//! `IntoFuture`) is here, once.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::binary::Binary;
use crate::runtime::{Answer, CallOptions, OperationInfo, PreparedRequest};
use crate::{PlexClient, RawResponse, Response, Result, RetryConfig};

/// An operation of the API, as the generated code describes it. Implemented by the marker
/// types in each group's module (`butler::StartTaskOp`); not meant to be implemented elsewhere.
pub trait Operation {
    /// How a successful answer is decoded.
    type Decode: Decode;
    /// What the generated code knows of the operation.
    #[doc(hidden)]
    const INFO: &'static OperationInfo;
}

/// How a successful answer becomes the value a call returns.
pub trait Decode {
    /// The value.
    type Output: Send;
    /// Whether the body is streamed to the caller rather than read first.
    #[doc(hidden)]
    const STREAM: bool = false;
    /// Decodes a read answer.
    #[doc(hidden)]
    fn decode(client: &PlexClient, op: &'static OperationInfo, answer: Answer) -> Result<Response<Self::Output>>;
}

/// A JSON body decoded into `T`.
#[derive(Debug)]
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned + Send> Decode for Json<T> {
    type Output = T;
    fn decode(client: &PlexClient, op: &'static OperationInfo, answer: Answer) -> Result<Response<T>> {
        client.decode_json(op, answer.into_raw())
    }
}

/// A text body, as a `String`.
#[derive(Debug)]
pub struct Text;

impl Decode for Text {
    type Output = String;
    fn decode(_: &PlexClient, op: &'static OperationInfo, answer: Answer) -> Result<Response<String>> {
        let raw = answer.into_raw();
        match std::str::from_utf8(&raw.body) {
            Ok(text) => {
                let text = text.to_string();
                Ok(Response::new(raw, text))
            }
            Err(e) => Err(crate::Error::Decode {
                operation: op.id,
                status: raw.status,
                path: String::new(),
                message: format!("the text body is not UTF-8: {e}"),
                body_excerpt: String::new(),
            }),
        }
    }
}

/// No body of interest: any success is `()`.
#[derive(Debug)]
pub struct Unit;

impl Decode for Unit {
    type Output = ();
    fn decode(_: &PlexClient, _: &'static OperationInfo, answer: Answer) -> Result<Response<()>> {
        Ok(Response::new(answer.into_raw(), ()))
    }
}

/// Which documented success status answered (a generated `…Status` enum).
#[derive(Debug)]
pub struct Status<E>(PhantomData<fn() -> E>);

/// Implemented by the generated `…Status` enums.
pub trait FromStatus {
    /// The variant for a 2XX `status`.
    fn from_status(status: u16) -> Self;
}

impl<E: FromStatus + Send> Decode for Status<E> {
    type Output = E;
    fn decode(_: &PlexClient, _: &'static OperationInfo, answer: Answer) -> Result<Response<E>> {
        let raw = answer.into_raw();
        let value = E::from_status(raw.status);
        Ok(Response::new(raw, value))
    }
}

/// A binary body, streamed: see [`Binary`].
#[derive(Debug)]
pub struct Stream;

impl Decode for Stream {
    type Output = Binary;
    const STREAM: bool = true;
    fn decode(_: &PlexClient, _: &'static OperationInfo, answer: Answer) -> Result<Response<Binary>> {
        Ok(answer.into_stream())
    }
}

/// A request of operation `O`, ready to send: `.await` it, or set options first. Every
/// operation method of the client returns one (under the operation's own name, a type alias
/// such as `butler::StartTask`), with a setter per optional parameter.
///
/// # Sending
///
/// `.await` sends it and decodes the answer. Per call, [`retries`](Self::retries),
/// [`timeout`](Self::timeout) and [`deadline`](Self::deadline) override the client's settings;
/// [`send_with_response`](Self::send_with_response) also gives the status, headers and body, and
/// [`send_raw`](Self::send_raw) skips decoding.
///
/// # Errors
///
/// Every call fails with one [`Error`](crate::Error):
/// - [`Error::Api`](crate::Error::Api) for a status that is not a success (each operation's
///   page lists the statuses its document gives, in its Responses table);
/// - [`Error::Decode`](crate::Error::Decode) when a body does not match its model;
/// - [`Error::BodyTooLarge`](crate::Error::BodyTooLarge) when a body exceeds the client's limit;
/// - [`Error::Timeout`](crate::Error::Timeout), [`Error::Connect`](crate::Error::Connect) or
///   [`Error::Transport`](crate::Error::Transport) when no complete response arrives;
/// - [`Error::Encode`](crate::Error::Encode) when the request body cannot be written.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<'a, O: Operation> {
    client: &'a PlexClient,
    pub(crate) request: PreparedRequest,
    options: CallOptions,
    operation: PhantomData<fn() -> O>,
}

impl<O: Operation> std::fmt::Debug for Request<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &O::INFO.id)
            .field("request", &self.request)
            .field("options", &self.options)
            .finish()
    }
}

impl<'a, O: Operation> Request<'a, O> {
    /// A request to `path` (parameters filled in).
    pub(crate) fn new(client: &'a PlexClient, path: String) -> Self {
        Request {
            client,
            request: PreparedRequest { path, ..PreparedRequest::default() },
            options: CallOptions::default(),
            operation: PhantomData,
        }
    }

    /// Sets what the generated code fills in: query, header and body values. (A document
    /// whose operations take no parameters never calls it.)
    #[allow(dead_code)]
    pub(crate) fn with(mut self, fill: impl FnOnce(&mut PreparedRequest)) -> Self {
        fill(&mut self.request);
        self
    }

    /// Retries this call as `retries` says, whatever the client's setting.
    pub fn retries(mut self, retries: RetryConfig) -> Self {
        self.options.retries = Some(retries);
        self
    }

    /// Gives up on an attempt of this call with [`Error::Timeout`](crate::Error::Timeout) when
    /// no complete response (for a streamed answer, no response head) has arrived after
    /// `timeout`, whatever the client's setting; see
    /// [`PlexClientBuilder::timeout`](crate::PlexClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Gives up on this call with [`Error::Timeout`](crate::Error::Timeout) once `deadline` has
    /// passed since it started, every attempt and retry included, whatever the client's
    /// setting; see [`PlexClientBuilder::deadline`](crate::PlexClientBuilder::deadline).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// Adds header `name: value` to this one call: for a header the document does not list.
    /// The client-wide headers are still sent, except one of the same name (any case), which
    /// this replaces for the call; calling it twice with one name sends both values.
    ///
    /// The token header (`X-Plex-Token`) is refused: the token is the client's alone, so a call
    /// with it fails with [`Error::Encode`](crate::Error::Encode) before anything is sent (and
    /// the error does not repeat the value). So does a name or value HTTP headers cannot carry.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.request.extra_header(name.as_ref(), value.as_ref());
        self
    }

    /// Adds query parameter `name=value` to this one call (after the operation's own; the
    /// value is percent-encoded): for a parameter the document does not list. A parameter
    /// named like the token (`X-Plex-Token`, any case) is refused as in
    /// [`header`](Self::header).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.request.extra_query(name.into(), value.into());
        self
    }

    /// Sends the request and returns the response undecoded (any 2XX status; the body read
    /// to its end, within the client's limit).
    pub async fn send_raw(self) -> Result<RawResponse> {
        let answer = self.client.execute(O::INFO, self.request, &self.options, false).await?;
        Ok(answer.into_raw())
    }

    /// Sends the request and returns the decoded value with the status, headers and body.
    pub async fn send_with_response(self) -> Result<Response<<O::Decode as Decode>::Output>> {
        let stream = <O::Decode as Decode>::STREAM;
        let answer = self.client.execute(O::INFO, self.request, &self.options, stream).await?;
        <O::Decode as Decode>::decode(self.client, O::INFO, answer)
    }

    /// Sends the request and returns the decoded value (what `.await` does).
    pub async fn send(self) -> Result<<O::Decode as Decode>::Output> {
        self.send_with_response().await.map(Response::into_value)
    }
}

impl<'a, O: Operation + 'a> IntoFuture for Request<'a, O> {
    type Output = Result<<O::Decode as Decode>::Output>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
