//! The mock server: a wiremock server on 127.0.0.1 per [`PlexMock`], the expectations of the
//! mocks mounted on it (counted, and their requests recorded, by their responders; a
//! [`Mounted`] handle per mock reads them), and a last-resort mock that records the requests
//! no other mock matched, for the failure message (and, in strict mode, to fail the test).

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use plex_sdk::{PlexClient, PlexClientBuilder};
use serde::de::DeserializeOwned;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use crate::Times;
use crate::route::Route;

/// A mock Plex server for one test: start it, mount the mocks the test needs (one per
/// operation and answer), point a [`PlexClient`] at it with [`client`](PlexMock::client).
///
/// Every test starts its own (on `127.0.0.1`, a free port), so tests run in parallel. When it
/// is dropped it checks the mocks' expectations ([`Then::expect`](crate::Then::expect)) and
/// panics with a message naming each unmet one and every request that no mock matched;
/// [`verify`](PlexMock::verify) does the same on demand, [`check`](PlexMock::check) returns
/// it instead. A request no mock matches gets a `404` whose body says so; started with
/// [`strict`](PlexMock::strict), such a request alone fails the checks too.
pub struct PlexMock {
    server: MockServer,
    state: Arc<State>,
    disarmed: AtomicBool,
    /// Strict mode ([`PlexMock::strict`]): a request no mock matched fails the checks.
    strict: bool,
}

#[derive(Default)]
struct State {
    expectations: Mutex<Vec<Arc<Expectation>>>,
    unmatched: Mutex<Vec<Request>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One mounted mock's expectation and the calls it answered.
pub(crate) struct Expectation {
    description: String,
    route: &'static Route,
    times: Option<Times>,
    pub(crate) hits: Arc<AtomicU64>,
    /// The requests it answered, in order.
    pub(crate) received: Arc<Mutex<Vec<Received>>>,
    /// A scoped mock that was dropped (and checked then); shared with its matcher, which then
    /// matches nothing.
    retired: Arc<AtomicBool>,
}

impl Expectation {
    pub(crate) fn new(
        description: String,
        route: &'static Route,
        times: Option<Times>,
        retired: Arc<AtomicBool>,
    ) -> Self {
        let (hits, received) = (Arc::new(AtomicU64::new(0)), Arc::default());
        Expectation { description, route, times, hits, received, retired }
    }

    /// The failure line when the expectation is not met.
    fn failure(&self) -> Option<String> {
        let times = self.times?;
        let hits = self.hits.load(Ordering::SeqCst);
        (!times.contains(hits)).then(|| {
            let got = if hits == 1 { "1 call".to_string() } else { format!("{hits} calls") };
            format!("{}: expected {times}, got {got}", self.description)
        })
    }
}

/// The responder of a mounted mock: counts and records the calls it answers, then answers
/// with its responder's template, the mock's response headers added and its delay set.
pub(crate) struct Counting {
    pub(crate) responder: Box<dyn Respond>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) delay: Option<std::time::Duration>,
    pub(crate) hits: Arc<AtomicU64>,
    pub(crate) received: Arc<Mutex<Vec<Received>>>,
}

impl Respond for Counting {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.hits.fetch_add(1, Ordering::SeqCst);
        lock(&self.received).push(Received::from(request));
        let mut response = self.responder.respond(request);
        for (name, value) in &self.headers {
            response = response.append_header(name.as_str(), value.as_str());
        }
        match self.delay {
            Some(delay) => response.set_delay(delay),
            None => response,
        }
    }
}

/// A request as a mock received it: method, path, query pairs, headers and body, decoded
/// from the wire (what [`Mounted::received`] and [`When::respond_fn`](crate::When::respond_fn)
/// give).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The method (`GET`).
    pub method: String,
    /// The path, percent-encoded as sent (`/butler/BackupDatabase`).
    pub path: String,
    /// The query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers (names in lower case) whose values are text, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body decoded from JSON as a `T` (`serde_json::Value` for any).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl From<&Request> for Received {
    fn from(request: &Request) -> Self {
        let headers = request
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string())))
            .collect();
        Received {
            method: request.method.to_string(),
            path: request.url.path().to_string(),
            query: request.url.query_pairs().into_owned().collect(),
            headers,
            body: request.body.clone(),
        }
    }
}

/// The handle of one mounted mock ([`Then::mount`](crate::Then::mount)): how many calls it
/// answered and the requests themselves. Dropping it changes nothing (the mock answers until
/// the [`PlexMock`] is dropped or reset), so `mount().await;` needs no binding.
#[derive(Clone)]
pub struct Mounted {
    expectation: Arc<Expectation>,
}

impl Mounted {
    /// How many calls it answered so far.
    pub fn hits(&self) -> u64 {
        self.expectation.hits.load(Ordering::SeqCst)
    }

    /// The requests it answered so far, in order.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.expectation.received).clone()
    }

    /// The last request it answered.
    pub fn last(&self) -> Option<Received> {
        lock(&self.expectation.received).last().cloned()
    }
}

impl fmt::Debug for Mounted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mounted").field("mock", &self.expectation.description).field("hits", &self.hits()).finish()
    }
}

/// The last-resort mock's responder: records the request and answers `404`.
struct Unmatched(Arc<State>);

impl Respond for Unmatched {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let line = request_line(request);
        lock(&self.0.unmatched).push(request.clone());
        ResponseTemplate::new(404).set_body_raw(format!("plex-sdk-mock: no mock matches {line}"), "text/plain")
    }
}

/// `GET /path?query` of a request.
fn request_line(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{} {}?{query}", request.method, request.url.path()),
        None => format!("{} {}", request.method, request.url.path()),
    }
}

/// What a check found wrong: the unmet expectations and the requests no mock matched. Its
/// `Display` is the failure message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    /// One line per unmet expectation: the mock, what was expected, what happened.
    pub expectations: Vec<String>,
    /// One line per request no mock matched: method, path and query, and the operation
    /// whose route it has.
    pub unmatched: Vec<String>,
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.expectations.len();
        if n == 0 {
            writeln!(f, "plex-sdk-mock (strict): every request must match a mock")?;
        } else {
            writeln!(f, "plex-sdk-mock: {n} expectation{} not met", if n == 1 { "" } else { "s" })?;
        }
        for line in &self.expectations {
            writeln!(f, "  - {line}")?;
        }
        if self.unmatched.is_empty() {
            write!(f, "every request matched a mock")
        } else {
            write!(f, "requests that matched no mock ({}):", self.unmatched.len())?;
            self.unmatched.iter().try_for_each(|line| write!(f, "\n  - {line}"))
        }
    }
}

impl std::error::Error for Unmet {}

impl PlexMock {
    /// The token [`client`](PlexMock::client) sends.
    pub const TOKEN: &'static str = "plex-sdk-mock-token";

    /// The client identifier [`client`](PlexMock::client) sends.
    pub const CLIENT_IDENTIFIER: &'static str = "plex-sdk-mock";

    /// Starts a mock server on `127.0.0.1` with no mocks: every request gets a `404` until a
    /// mock matches it.
    pub async fn start() -> Self {
        Self::start_with(false).await
    }

    /// Starts a mock server in strict mode: besides unmet expectations, any request that no
    /// mock matched fails the checks (when dropped, [`verify`](PlexMock::verify),
    /// [`check`](PlexMock::check), [`finish`](PlexMock::finish)), listed in the message. It is
    /// still answered `404` first, so the code under test sees what a real server would say.
    pub async fn strict() -> Self {
        Self::start_with(true).await
    }

    async fn start_with(strict: bool) -> Self {
        let server = MockServer::start().await;
        let mock = PlexMock { server, state: Arc::default(), disarmed: AtomicBool::new(false), strict };
        mock.mount_fallback().await;
        mock
    }

    /// Whether it was started in strict mode ([`PlexMock::strict`]).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    async fn mount_fallback(&self) {
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Unmatched(self.state.clone()))
            .with_priority(u8::MAX)
            .mount(&self.server)
            .await;
    }

    /// The server's base URL (`http://127.0.0.1:PORT`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client of this server: every operation, those of plex.tv too, goes to it; it sends
    /// [`TOKEN`](Self::TOKEN) and [`CLIENT_IDENTIFIER`](Self::CLIENT_IDENTIFIER).
    pub fn client(&self) -> PlexClient {
        match self.client_builder().build() {
            Ok(client) => client,
            // The builder only fails for a URL that is not http(s), or header values HTTP
            // cannot carry: neither happens with the server's own address and the constants.
            Err(e) => unreachable!("a client of the mock server always builds: {e}"),
        }
    }

    /// The builder [`client`](PlexMock::client) uses, for a client with other settings
    /// (retries, a timeout, other client-wide headers). It uses no proxy (the server is
    /// local), whatever the environment's proxy variables say.
    pub fn client_builder(&self) -> PlexClientBuilder {
        let builder = PlexClient::builder().no_proxy().server_url(self.uri()).operation_server_origin(self.uri());
        crate::generated::with_identity(builder, Self::TOKEN, Self::CLIENT_IDENTIFIER)
    }

    /// The wiremock server underneath, to mount raw wiremock mocks (they are not counted in
    /// this mock's expectations).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Every request received so far, matched or not.
    pub async fn received_requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The requests no mock matched so far.
    pub fn unmatched_requests(&self) -> Vec<Request> {
        lock(&self.state.unmatched).clone()
    }

    /// Checks every expectation now: `Err` lists the unmet ones and the requests no mock
    /// matched (its `Display` is the message [`verify`](PlexMock::verify) panics with).
    pub fn check(&self) -> Result<(), Unmet> {
        let expectations: Vec<String> = lock(&self.state.expectations)
            .iter()
            .filter(|e| !e.retired.load(Ordering::SeqCst))
            .filter_map(|e| e.failure())
            .collect();
        let unmatched = self.unmatched_lines();
        if expectations.is_empty() && (!self.strict || unmatched.is_empty()) {
            return Ok(());
        }
        Err(Unmet { expectations, unmatched })
    }

    /// Checks every expectation now and panics with the failure message when one is unmet.
    #[track_caller]
    pub fn verify(&self) {
        if let Err(unmet) = self.check() {
            panic!("{unmet}");
        }
    }

    /// Checks every expectation and shuts the server down without panicking: the check's
    /// result is returned instead (for tests of what fails).
    pub fn finish(self) -> Result<(), Unmet> {
        self.disarmed.store(true, Ordering::SeqCst);
        self.check()
    }

    /// Removes every mock and forgets every request, as if just started.
    pub async fn reset(&self) {
        self.server.reset().await;
        lock(&self.state.expectations).clear();
        lock(&self.state.unmatched).clear();
        self.mount_fallback().await;
    }

    fn unmatched_lines(&self) -> Vec<String> {
        let expectations = lock(&self.state.expectations).clone();
        lock(&self.state.unmatched).iter().map(|request| unmatched_line(request, &expectations)).collect()
    }

    pub(crate) async fn register(&self, mock: wiremock::Mock, expectation: Expectation) -> Mounted {
        let expectation = Arc::new(expectation);
        lock(&self.state.expectations).push(expectation.clone());
        mock.mount(&self.server).await;
        Mounted { expectation }
    }

    pub(crate) async fn register_scoped(&self, mock: wiremock::Mock, expectation: Expectation) -> ScopedMock<'_> {
        // Not wiremock's `mount_as_scoped`: wiremock 0.6 sorts its mocks by priority in place
        // and then removes a scoped mock by its old position, which with the fallback mock's
        // priority would remove another mock. The matcher checks the expectation's flag instead.
        let expectation = Arc::new(expectation);
        lock(&self.state.expectations).push(expectation.clone());
        mock.mount(&self.server).await;
        ScopedMock { expectation, mock: self }
    }
}

/// A request no mock matched, with the operation whose route it has (the most specific).
fn unmatched_line(request: &Request, expectations: &[Arc<Expectation>]) -> String {
    let line = request_line(request);
    let route = crate::generated::ROUTES.iter().filter(|r| r.matches(request)).max_by_key(|r| r.specificity()).copied();
    let Some(route) = route else { return format!("{line} (no operation of the SDK has this route)") };
    let mocks: Vec<&str> = expectations
        .iter()
        .filter(|e| e.route.id == route.id && !e.retired.load(Ordering::SeqCst))
        .map(|e| e.description.as_str())
        .collect();
    if mocks.is_empty() {
        format!("{line} ({}, which has no mock)", route.label())
    } else {
        format!("{line} ({}, whose mocks want: {})", route.label(), mocks.join("; "))
    }
}

impl fmt::Debug for PlexMock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlexMock")
            .field("uri", &self.uri())
            .field("mocks", &lock(&self.state.expectations).len())
            .field("unmatched_requests", &lock(&self.state.unmatched).len())
            .field("strict", &self.strict)
            .finish()
    }
}

impl Drop for PlexMock {
    fn drop(&mut self) {
        if self.disarmed.load(Ordering::SeqCst) {
            return;
        }
        if let Err(unmet) = self.check() {
            if std::thread::panicking() {
                eprintln!("{unmet}");
            } else {
                panic!("{unmet}");
            }
        }
    }
}

/// A mock mounted with [`Then::mount_scoped`](crate::Then::mount_scoped): it answers until
/// this guard is dropped, which checks its expectation (panicking when it is unmet).
#[must_use = "the mock is removed as soon as this guard is dropped"]
pub struct ScopedMock<'m> {
    expectation: Arc<Expectation>,
    mock: &'m PlexMock,
}

impl ScopedMock<'_> {
    /// How many calls it answered so far.
    pub fn hits(&self) -> u64 {
        self.expectation.hits.load(Ordering::SeqCst)
    }

    /// The requests it answered so far, in order.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.expectation.received).clone()
    }
}

impl fmt::Debug for ScopedMock<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedMock").field("mock", &self.expectation.description).field("hits", &self.hits()).finish()
    }
}

impl Drop for ScopedMock<'_> {
    fn drop(&mut self) {
        self.expectation.retired.store(true, Ordering::SeqCst);
        let Some(failure) = self.expectation.failure() else { return };
        let unmet = Unmet { expectations: vec![failure], unmatched: self.mock.unmatched_lines() };
        if std::thread::panicking() {
            eprintln!("{unmet}");
        } else {
            panic!("{unmet}");
        }
    }
}
