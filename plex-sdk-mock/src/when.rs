//! Building a mock: [`When`] (which requests of an operation it matches; the generated code
//! adds one method per parameter and one `respond_*` per documented status) and [`Then`]
//! (the answer, its delay, and how many calls are expected).

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive};
use std::time::Duration;

use serde::Serialize;
use wiremock::{Match, Respond, ResponseTemplate};

use crate::route::{BodyMatch, Operation, RequestMatch};
use crate::server::{Counting, Mounted, Received};
use crate::{PlexMock, ScopedMock};
use plex_sdk::encode::{self, Style};

/// The requests of operation `O` a mock will answer: all of them at first, narrowed by the
/// generated methods of its parameters (`.butler_task(ButlerTask::BackupDatabase)`) and body.
/// Answer them with one of its `respond_*` methods, which give a [`Then`].
///
/// Made by the operation's method on its group: `plex.butler().start_task()`.
#[must_use = "a mock does nothing until it is answered and mounted"]
pub struct When<'m, O> {
    mock: &'m PlexMock,
    request: RequestMatch,
    operation: PhantomData<fn() -> O>,
}

impl<O: Operation> fmt::Debug for When<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("When").field("mock", &self.request.describe()).finish()
    }
}

impl<'m, O: Operation> When<'m, O> {
    /// Every request of the operation (its method and path template).
    pub fn new(mock: &'m PlexMock) -> Self {
        When { mock, request: RequestMatch::new(O::ROUTE), operation: PhantomData }
    }

    /// Matches only requests that `matcher` (any wiremock matcher) accepts too: the escape
    /// hatch for what the typed methods do not cover.
    pub fn and(mut self, matcher: impl Match + 'static) -> Self {
        self.request.extra.push(Box::new(matcher));
        self
    }

    /// Matches only requests whose header `name` is `value`: one of the client-wide headers,
    /// say (`X-Plex-Client-Identifier`, `X-Plex-Token`).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.request.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// Matches only requests whose JSON body includes `value`: every member of an object in
    /// `value` must be in the body's object at the same place (the body may have more), array
    /// elements are matched in order (the arrays of equal length), and any other value must
    /// be equal. `body_partial(json!({"title": "Hello"}))` matches `{"title": "Hello", "year":
    /// 2024}`. A body that is not JSON matches nothing.
    pub fn body_partial<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.request.body = Some(BodyMatch::JsonIncludes(encode::to_value(value)));
        self
    }

    /// Answers with `status` and no body (any status, documented or not).
    pub fn respond_status(self, status: u16) -> Then<'m> {
        self.respond_with(ResponseTemplate::new(status))
    }

    /// Answers with `status` and `body` as JSON: for bodies the operation's model does not
    /// describe (an error body, a body that should fail to decode).
    pub fn respond_json<T: Serialize + ?Sized>(self, status: u16, body: &T) -> Then<'m> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.respond_with(ResponseTemplate::new(status).set_body_raw(bytes, "application/json"))
    }

    /// Answers with `status` and `body` as it is, of media type `content_type`.
    pub fn respond_bytes(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Then<'m> {
        self.respond_with(ResponseTemplate::new(status).set_body_raw(body.into(), content_type))
    }

    /// Answers with a wiremock response as it is (a `ResponseTemplate`), or with what a
    /// wiremock responder computes from each request (any [`Respond`], such as a closure
    /// `|req: &wiremock::Request| ResponseTemplate::new(200)`): the escape hatch for any other
    /// answer. [`respond_fn`](Self::respond_fn) gives the closure a decoded [`Received`].
    pub fn respond_with(self, responder: impl Respond + 'static) -> Then<'m> {
        Then {
            mock: self.mock,
            request: self.request,
            responder: Box::new(responder),
            headers: Vec::new(),
            delay: None,
            times: None,
            limit: None,
            priority: None,
        }
    }

    /// Answers each request with what `answer` computes from it (its query, headers, JSON
    /// body...): `respond_fn(|req| ResponseTemplate::new(200).set_body_json(json!({"echo":
    /// req.query_value("q")})))`. The [`Then`] options (delay, headers, expectations) apply.
    pub fn respond_fn<F>(self, answer: F) -> Then<'m>
    where
        F: Fn(&Received) -> ResponseTemplate + Send + Sync + 'static,
    {
        self.respond_with(move |request: &wiremock::Request| answer(&Received::from(request)))
    }

    /// Narrows to path parameter `name` at `value` (written as the SDK writes it).
    #[doc(hidden)]
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.request.path.insert(name.to_string(), encode::path_value(value));
        self
    }

    /// Narrows to query parameter `name` at `value`.
    #[doc(hidden)]
    pub fn query_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T, style: Style, bool_int: bool) -> Self {
        let mut pairs = Vec::new();
        encode::query(&mut pairs, name, value, style, bool_int);
        self.request.add_query(pairs);
        self
    }

    /// Narrows to header parameter `name` at `value`.
    #[doc(hidden)]
    pub fn header_param<T: Serialize + ?Sized>(self, name: &str, value: &T, bool_int: bool) -> Self {
        let text = encode::simple(value, bool_int);
        self.header(name, text)
    }

    /// Narrows to a JSON body equal to `value`.
    #[doc(hidden)]
    pub fn json_body<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.request.body = Some(BodyMatch::Json(encode::to_value(value)));
        self
    }

    /// Narrows to a form body with `value`'s pairs.
    #[doc(hidden)]
    pub fn form_body<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        let mut pairs = Vec::new();
        encode::query(&mut pairs, "", value, Style::Form, false);
        self.request.body = Some(BodyMatch::Form(pairs));
        self
    }

    /// Narrows to a text body (of the documented media type) equal to `value`.
    #[doc(hidden)]
    pub fn text_body(mut self, _media: &str, value: String) -> Self {
        self.request.body = Some(BodyMatch::Bytes(value.into_bytes()));
        self
    }

    /// Narrows to a body of exactly these bytes.
    #[doc(hidden)]
    pub fn bytes_body(mut self, _media: &str, value: Vec<u8>) -> Self {
        self.request.body = Some(BodyMatch::Bytes(value));
        self
    }
}

/// A mock with its answer: set how many calls are expected, a delay or response headers, then
/// [`mount`](Then::mount) it.
#[must_use = "a mock does nothing until it is mounted"]
pub struct Then<'m> {
    mock: &'m PlexMock,
    request: RequestMatch,
    responder: Box<dyn Respond>,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
    times: Option<Times>,
    limit: Option<u64>,
    priority: Option<u8>,
}

impl fmt::Debug for Then<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Then").field("mock", &self.request.describe()).field("expect", &self.times).finish()
    }
}

impl<'m> Then<'m> {
    /// Expects this many matching calls (`1`, `0`, `2..`, `..=3`): checked when the
    /// [`PlexMock`] is dropped or verified (or, for a scoped mock, when it is dropped). No
    /// expectation by default.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    /// Answers only the first `n` matching calls; later ones go to the next mock that
    /// matches (mount a second one to answer differently the second time).
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Tried before mocks of a larger `priority` (1 to 254; mocks default to 5 and, among
    /// equals, the first mounted wins).
    pub fn priority(mut self, priority: u8) -> Self {
        self.priority = Some(priority.clamp(1, 254));
        self
    }

    /// Waits this long before answering (for timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Adds a response header (to computed answers too).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Starts answering, until the [`PlexMock`] is dropped or [`reset`](PlexMock::reset).
    /// The returned [`Mounted`] handle reads the calls it answered (`hits()`, `received()`);
    /// it may be dropped at once (`mount().await;`).
    pub async fn mount(self) -> Mounted {
        let mock = self.mock;
        let (wiremock, expectation) = self.build();
        mock.register(wiremock, expectation).await
    }

    /// Starts answering until the returned guard is dropped, which checks this mock's
    /// expectation (for a mock that belongs to one part of a test).
    pub async fn mount_scoped(self) -> ScopedMock<'m> {
        let mock = self.mock;
        let (wiremock, expectation) = self.build();
        mock.register_scoped(wiremock, expectation).await
    }

    fn build(self) -> (wiremock::Mock, crate::server::Expectation) {
        let retired = self.request.retired.clone();
        let expectation =
            crate::server::Expectation::new(self.request.describe(), self.request.route, self.times, retired);
        let responder = Counting {
            responder: self.responder,
            headers: self.headers,
            delay: self.delay,
            hits: expectation.hits.clone(),
            received: expectation.received.clone(),
        };
        let mut mock = wiremock::Mock::given(self.request).respond_with(responder);
        if let Some(n) = self.limit {
            mock = mock.up_to_n_times(n);
        }
        if let Some(p) = self.priority {
            mock = mock.with_priority(p);
        }
        (mock, expectation)
    }
}

/// How many calls a mock expects: from a number (`1`) or a range (`1..=3`, `2..`, `..5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    min: u64,
    max: Option<u64>,
}

impl Times {
    /// Whether `n` calls meet it.
    pub fn contains(&self, n: u64) -> bool {
        n >= self.min && self.max.is_none_or(|max| n <= max)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let calls = |n: u64| if n == 1 { "1 call".to_string() } else { format!("{n} calls") };
        match (self.min, self.max) {
            (min, Some(max)) if min == max => write!(f, "exactly {}", calls(min)),
            (0, Some(max)) => write!(f, "at most {}", calls(max)),
            (min, Some(max)) => write!(f, "between {min} and {}", calls(max)),
            (0, None) => write!(f, "any number of calls"),
            (min, None) => write!(f, "at least {}", calls(min)),
        }
    }
}

impl From<u64> for Times {
    fn from(n: u64) -> Self {
        Times { min: n, max: Some(n) }
    }
}

impl From<Range<u64>> for Times {
    fn from(r: Range<u64>) -> Self {
        Times { min: r.start, max: Some(r.end.saturating_sub(1)) }
    }
}

impl From<RangeInclusive<u64>> for Times {
    fn from(r: RangeInclusive<u64>) -> Self {
        Times { min: *r.start(), max: Some(*r.end()) }
    }
}

impl From<RangeFrom<u64>> for Times {
    fn from(r: RangeFrom<u64>) -> Self {
        Times { min: r.start, max: None }
    }
}

impl From<RangeTo<u64>> for Times {
    fn from(r: RangeTo<u64>) -> Self {
        Times { min: 0, max: Some(r.end.saturating_sub(1)) }
    }
}

impl From<RangeToInclusive<u64>> for Times {
    fn from(r: RangeToInclusive<u64>) -> Self {
        Times { min: 0, max: Some(r.end) }
    }
}

impl From<RangeFull> for Times {
    fn from(_: RangeFull) -> Self {
        Times { min: 0, max: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_english_and_contain_their_counts() {
        assert_eq!(Times::from(1).to_string(), "exactly 1 call");
        assert_eq!(Times::from(2..).to_string(), "at least 2 calls");
        assert_eq!(Times::from(..=3).to_string(), "at most 3 calls");
        assert_eq!(Times::from(1..4).to_string(), "between 1 and 3 calls");
        assert!(Times::from(1..4).contains(3) && !Times::from(1..4).contains(4));
        assert!(Times::from(0).contains(0) && !Times::from(0).contains(1));
    }
}
