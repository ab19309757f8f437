//! How the SDK behaves against servers that misbehave: bodies that are malformed, cut short,
//! endless or huge, error pages in HTML, stalls, and connections that break. Each test checks
//! the exact [`Error`] variant (a panic anywhere fails the test).
//!
//! Servers that wiremock cannot imitate (a socket closed mid-body, a body that never ends)
//! are raw TCP listeners on 127.0.0.1 that play a [`Script`] per connection.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use plex_sdk::butler::StartTaskStatus;
use plex_sdk::models::ButlerTask;
use plex_sdk::{BODY_EXCERPT_LIMIT, Error, PlexClient, PlexClientBuilder, RetryConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::Recorder;

const TOKEN: &str = "secret-token";

const TASKS_BODY: &str = r#"{"ButlerTasks":{"ButlerTask":[{"name":"BackupDatabase","title":"Backup Database","description":"Create a backup copy of the server's database in the configured backup directory","enabled":true,"interval":3,"scheduleRandomized":false}]}}"#;

/// How long any one test may wait for a call that must end promptly.
const PROMPTLY: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn builder_for(url: impl Into<String>) -> PlexClientBuilder {
    PlexClient::builder().server_url(url).token(TOKEN).client_identifier("faults")
}

fn client_for(server: &MockServer) -> PlexClient {
    builder_for(server.uri()).build().expect("the client builds")
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.expect("request recording is on").len()
}

/// Awaits a call, failing the test (instead of hanging) when it does not end within
/// [`PROMPTLY`].
async fn promptly<F: IntoFuture>(call: F) -> F::Output {
    tokio::time::timeout(PROMPTLY, call.into_future()).await.expect("the call must end promptly")
}

/// What a raw server does on one connection, once it has read the request head.
enum Script {
    /// Writes these bytes, then closes the socket.
    WriteAndClose(Vec<u8>),
    /// Writes these bytes, then keeps the socket open (sending nothing) for a while.
    WriteAndStall(Vec<u8>, Duration),
    /// Writes `head`, then `chunk` every `every` until the client goes away.
    Endless { head: Vec<u8>, chunk: Vec<u8>, every: Duration },
    /// Writes `head`, then `total` bytes `#` one at a time, one every `every`; then, when
    /// `stall`, holds the socket open for [`HOLD`].
    Drip { head: Vec<u8>, total: usize, every: Duration, stall: bool },
    /// Writes `head`, then `chunk` as fast as the client reads, until the client goes away or
    /// `total` bytes are written, then the last chunk.
    Bounded { head: Vec<u8>, chunk: Vec<u8>, total: u64 },
}

/// Starts a server on 127.0.0.1 that plays `scripts[i]` on its i-th connection and then
/// stops accepting. The handle yields how many bytes each connection wrote.
async fn raw_server(scripts: Vec<Script>) -> (SocketAddr, JoinHandle<Vec<u64>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind an ephemeral port");
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let mut written = Vec::new();
        for script in scripts {
            let (mut socket, _) = listener.accept().await.expect("accept a connection");
            read_request_head(&mut socket).await;
            written.push(play(&mut socket, script).await);
        }
        written
    });
    (addr, handle)
}

/// Reads up to the blank line that ends the request head (the SDK's requests have no body).
async fn read_request_head(socket: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut buf).await.expect("read the request");
        assert!(n > 0, "the client closed before sending a whole request");
        head.extend_from_slice(&buf[..n]);
    }
}

async fn play(socket: &mut TcpStream, script: Script) -> u64 {
    match script {
        Script::WriteAndClose(bytes) => {
            socket.write_all(&bytes).await.expect("write the response");
            socket.shutdown().await.ok();
            bytes.len() as u64
        }
        Script::WriteAndStall(bytes, hold) => {
            socket.write_all(&bytes).await.expect("write the response");
            tokio::time::sleep(hold).await;
            bytes.len() as u64
        }
        Script::Endless { head, chunk, every } => {
            socket.write_all(&head).await.expect("write the response head");
            let mut written = head.len() as u64;
            // Writes fail once the client has closed its end (the kernel answers with a reset).
            while socket.write_all(&chunk).await.is_ok() {
                written += chunk.len() as u64;
                tokio::time::sleep(every).await;
            }
            written
        }
        Script::Drip { head, total, every, stall } => {
            socket.write_all(&head).await.expect("write the response head");
            for _ in 0..total {
                if socket.write_all(b"#").await.is_err() {
                    break;
                }
                tokio::time::sleep(every).await;
            }
            if stall {
                tokio::time::sleep(HOLD).await;
            }
            head.len() as u64 + total as u64
        }
        Script::Bounded { head, chunk, total } => {
            socket.write_all(&head).await.expect("write the response head");
            let mut written = 0u64;
            while written < total && socket.write_all(&chunk).await.is_ok() {
                written += chunk.len() as u64;
            }
            socket.write_all(b"0\r\n\r\n").await.ok();
            written
        }
    }
}

/// One HTTP/1.1 chunk (chunked transfer coding) carrying `data`.
fn http_chunk(data: &[u8]) -> Vec<u8> {
    let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(b"\r\n");
    chunk
}

/// A 200 response whose body is `body`, complete and well formed.
fn ok_response(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

/// A response announcing 1000 bytes of JSON and sending only its first 15.
const CUT_SHORT: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ButlerTasks\":";

fn assert_transport(err: &Error, operation: &str) {
    assert!(matches!(err, Error::Transport { operation: op, .. } if *op == operation), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(err.body_excerpt(), None);
    assert!(!format!("{err:?}").contains(TOKEN) && !err.to_string().contains(TOKEN), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// Bodies that are not what they claim
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_path_and_message() {
    let server = MockServer::start().await;
    let body = r#"{"ButlerTasks": ["#;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;

    let err = client_for(&server).butler().get_tasks().await.unwrap_err();

    match &err {
        Error::Decode { operation, status, path, message, body_excerpt } => {
            assert_eq!(*operation, "getTasks");
            assert_eq!(*status, 200);
            assert_eq!(path, "ButlerTasks");
            assert!(message.contains("EOF"), "message: {message}");
            assert_eq!(body_excerpt, body);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(err.to_string().contains("ButlerTasks"), "{err}");
}

#[tokio::test]
async fn html_error_page_is_an_api_error_whose_excerpt_is_the_page() {
    let server = MockServer::start().await;
    let page = "<html><head><title>500 Internal Server Error</title></head>\
                <body><h1>500 Internal Server Error</h1><p>nginx</p></body></html>";
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(page, "text/html"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client_for(&server).butler().get_tasks().await.unwrap_err();

    match &err {
        Error::Api { operation: "getTasks", status: 500, body_excerpt, headers, .. } => {
            assert!(body_excerpt.contains("Internal Server Error"), "excerpt: {body_excerpt}");
            assert_eq!(body_excerpt, page);
            assert_eq!(headers.get("content-type").unwrap(), "text/html");
        }
        other => panic!("expected a 500 Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_closed_mid_body_is_a_transport_error() {
    let (addr, server) = raw_server(vec![Script::WriteAndClose(CUT_SHORT.to_vec())]).await;
    let client = builder_for(format!("http://{addr}")).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert_transport(&err, "getTasks");
    // send_raw reads the body the same way: no partial body is ever returned as a success.
    server.await.unwrap();
    let (addr, _server) = raw_server(vec![Script::WriteAndClose(CUT_SHORT.to_vec())]).await;
    let client = builder_for(format!("http://{addr}")).build().unwrap();
    assert_transport(&promptly(client.butler().get_tasks().send_raw()).await.unwrap_err(), "getTasks");
}

#[tokio::test]
async fn connection_closed_before_any_answer_is_a_transport_error() {
    let (addr, _server) = raw_server(vec![Script::WriteAndClose(Vec::new())]).await;
    let client = builder_for(format!("http://{addr}")).build().unwrap();

    let err = promptly(client.butler().stop_tasks()).await.unwrap_err();

    assert_transport(&err, "stopTasks");
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let (addr, _server) = raw_server(vec![Script::WriteAndClose(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())]).await;
    let client = builder_for(format!("http://{addr}")).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert_transport(&err, "getTasks");
}

#[tokio::test]
async fn body_cut_short_is_retried_as_a_connection_error_when_asked() {
    let (addr, server) =
        raw_server(vec![Script::WriteAndClose(CUT_SHORT.to_vec()), Script::WriteAndClose(ok_response(TASKS_BODY))])
            .await;
    let client = builder_for(format!("http://{addr}")).build().unwrap();
    let retries = RetryConfig::default()
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(10))
        .retry_connection_errors(true);

    let tasks = promptly(client.butler().get_tasks().retries(retries)).await.unwrap();

    assert_eq!(tasks.butler_tasks.unwrap().butler_task[0].name.as_deref(), Some("BackupDatabase"));
    assert_eq!(server.await.unwrap().len(), 2, "one connection per attempt");
}

#[tokio::test]
async fn body_that_stalls_after_the_headers_is_a_timeout() {
    let (addr, _server) = raw_server(vec![Script::WriteAndStall(CUT_SHORT.to_vec(), Duration::from_secs(5))]).await;
    let client = builder_for(format!("http://{addr}")).build().unwrap();
    let started = Instant::now();

    let err = promptly(client.butler().get_tasks().timeout(Duration::from_millis(200))).await.unwrap_err();

    assert!(
        matches!(err, Error::Timeout { operation: "getTasks", timeout: Some(t) } if t == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn service_unavailable_then_ok_waits_one_backoff_interval() {
    let server = MockServer::start().await;
    let recorder = Recorder::new(vec![
        ResponseTemplate::new(503).set_body_string("warming up"),
        ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json"),
    ]);
    Mock::given(method("GET")).and(path("/butler")).respond_with(recorder.clone()).mount(&server).await;
    let initial = Duration::from_millis(50);
    let retries = RetryConfig::default()
        .initial_interval(initial)
        .max_interval(Duration::from_millis(200))
        .retry_connection_errors(false);

    let tasks = client_for(&server).butler().get_tasks().retries(retries).await.unwrap();

    assert!(tasks.butler_tasks.is_some());
    let times = recorder.times();
    assert_eq!(times.len(), 2, "one failure, one retry");
    let gap = times[1] - times[0];
    // The first delay is the initial interval plus up to as much again of jitter.
    let slack = Duration::from_millis(80);
    assert!(gap >= initial, "retried after {gap:?}, before the initial interval {initial:?}");
    assert!(gap <= 2 * initial + slack, "retried after {gap:?}, more than twice the initial interval {initial:?}");
}

// ---------------------------------------------------------------------------------------
// Body size limits
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn success_body_over_the_limit_is_body_too_large_and_not_retried() {
    let server = MockServer::start().await;
    let body = format!(r#"{{"ButlerTasks":{{"padding":"{}"}}}}"#, "x".repeat(2048));
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let client = builder_for(server.uri()).max_response_bytes(1024).build().unwrap();
    let retries = RetryConfig::default().initial_interval(Duration::from_millis(1));

    let err = client.butler().get_tasks().retries(retries).await.unwrap_err();

    assert!(matches!(err, Error::BodyTooLarge { operation: "getTasks", status: 200, limit: 1024 }), "{err:?}");
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.operation(), Some("getTasks"));
    assert_eq!(err.body_excerpt(), None);
    assert_eq!(err.to_string(), "getTasks: the 200 response body exceeds the 1024-byte limit");
    assert_eq!(request_count(&server).await, 1, "a body that is too large is not retried");
    // send_raw is held to the same limit.
    let raw = client.butler().get_tasks().send_raw().await.unwrap_err();
    assert!(matches!(raw, Error::BodyTooLarge { limit: 1024, .. }), "{raw:?}");
}

#[tokio::test]
async fn success_body_of_exactly_the_limit_is_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_string("y".repeat(1024)))
        .mount(&server)
        .await;
    let client = builder_for(server.uri()).max_response_bytes(1024).build().unwrap();

    let raw = client.butler().start_tasks().send_raw().await.unwrap();

    assert_eq!(raw.body.len(), 1024);
}

#[tokio::test]
async fn endless_success_body_is_abandoned_at_the_limit() {
    // No Content-Length: the limit can only be found while reading.
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let script = Script::Endless { head, chunk: http_chunk(&[b' '; 256]), every: Duration::from_millis(5) };
    let (addr, server) = raw_server(vec![script]).await;
    let client = builder_for(format!("http://{addr}")).max_response_bytes(1024).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert!(matches!(err, Error::BodyTooLarge { operation: "getTasks", status: 200, limit: 1024 }), "{err:?}");
    // The client hung up soon after the limit: the server's writes started failing.
    let written = tokio::time::timeout(PROMPTLY, server).await.expect("the client closes the connection").unwrap();
    assert!(written[0] < 64 * 1024, "the server wrote {} bytes before the client hung up", written[0]);
}

#[tokio::test]
async fn huge_error_body_is_read_only_up_to_the_default_error_limit() {
    let server = MockServer::start().await;
    let body = "E".repeat(10 * 1024 * 1024);
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(body, "text/plain"))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let started = Instant::now();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    match &err {
        Error::Api { operation: "getTasks", status: 500, body_excerpt, .. } => {
            assert!(body_excerpt.len() <= BODY_EXCERPT_LIMIT, "excerpt of {} bytes", body_excerpt.len());
            assert!(body_excerpt.starts_with("EEEE") && body_excerpt.ends_with('…'), "{body_excerpt}");
        }
        other => panic!("expected a 500 Error::Api, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn error_body_past_the_default_error_limit_is_not_waited_for() {
    // 10 MiB announced, 5 MiB sent, then nothing: only a client that stops reading at its
    // 4 MiB default returns before the server gives up.
    let announced = 10 * 1024 * 1024;
    let mut response = format!(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: {announced}\r\n\r\n"
    )
    .into_bytes();
    response.extend(std::iter::repeat_n(b'E', 5 * 1024 * 1024));
    let (addr, _server) = raw_server(vec![Script::WriteAndStall(response, Duration::from_secs(60))]).await;
    let client = builder_for(format!("http://{addr}")).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
    let excerpt = err.body_excerpt().unwrap();
    assert!(excerpt.len() <= BODY_EXCERPT_LIMIT && excerpt.ends_with('…'), "{excerpt}");
}

#[tokio::test]
async fn endless_error_body_is_abandoned_at_the_error_limit() {
    let head = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
    let script =
        Script::Endless { head: head.to_vec(), chunk: http_chunk(b"overloaded "), every: Duration::from_millis(2) };
    let (addr, server) = raw_server(vec![script]).await;
    let client = builder_for(format!("http://{addr}")).max_error_body_bytes(1024).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    match &err {
        Error::Api { status: 503, body_excerpt, .. } => {
            assert!(body_excerpt.starts_with("overloaded overloaded"), "{body_excerpt}");
            assert!(body_excerpt.ends_with('…'), "a partly read body is marked as cut: {body_excerpt}");
        }
        other => panic!("expected a 503 Error::Api, got {other:?}"),
    }
    let written = tokio::time::timeout(PROMPTLY, server).await.expect("the client closes the connection").unwrap();
    assert!(written[0] < 64 * 1024, "the server wrote {} bytes before the client hung up", written[0]);
}

#[tokio::test]
async fn error_excerpt_holds_only_what_was_read() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(502).set_body_string("0123456789".repeat(20)))
        .mount(&server)
        .await;
    let client = builder_for(server.uri()).max_error_body_bytes(16).build().unwrap();

    let err = client.butler().stop_tasks().await.unwrap_err();

    assert!(matches!(err, Error::Api { status: 502, .. }), "{err:?}");
    assert_eq!(err.body_excerpt(), Some("0123456789012345…"));
}

#[tokio::test]
async fn error_body_of_exactly_the_error_limit_is_whole() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(404).set_body_string("not found here"))
        .mount(&server)
        .await;
    let client = builder_for(server.uri()).max_error_body_bytes("not found here".len()).build().unwrap();

    let err = client.butler().stop_tasks().await.unwrap_err();

    assert_eq!(err.body_excerpt(), Some("not found here"));
}

#[tokio::test]
async fn error_body_echoing_the_token_is_redacted() {
    let server = MockServer::start().await;
    let page = format!("<h1>401 Unauthorized</h1><pre>X-Plex-Token: {TOKEN}</pre>");
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;

    let err = client_for(&server).butler().get_tasks().await.unwrap_err();

    assert_eq!(err.body_excerpt(), Some("<h1>401 Unauthorized</h1><pre>X-Plex-Token: <redacted></pre>"));
    assert!(!err.to_string().contains(TOKEN) && !format!("{err:?}").contains(TOKEN), "{err:?}");
}

/// A success body that does not decode and echoes the token: the `Decode` error's excerpt has
/// it blanked out too.
#[tokio::test]
async fn undecodable_body_echoing_the_token_is_redacted() {
    let server = MockServer::start().await;
    let body = format!(r#"{{"ButlerTasks": {{"ButlerTask": "token {TOKEN} is not a list"}}}}"#);
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;

    let err = client_for(&server).butler().get_tasks().await.unwrap_err();

    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.body_excerpt(), Some(r#"{"ButlerTasks": {"ButlerTask": "token <redacted> is not a list"}}"#));
    assert!(!err.to_string().contains(TOKEN) && !format!("{err:?}").contains(TOKEN), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// Servers that accept many connections
// ---------------------------------------------------------------------------------------

/// What a [`counting_server`] does with each connection.
#[derive(Clone, Copy)]
enum Conduct {
    /// Answers every request on the connection with [`TASKS_BODY`] (keep-alive).
    Tasks,
    /// Reads the request and never answers (holds the socket for [`HOLD`]).
    Silent,
    /// Resets the connection once the request has arrived.
    Reset,
}

/// How long a server holds a connection it does not answer, at most: every server task ends.
const HOLD: Duration = Duration::from_secs(30);

/// What a [`counting_server`] counts: the connections it accepted, how many are open, and
/// the most that were open at once.
#[derive(Default)]
struct Counts {
    accepted: AtomicUsize,
    open: AtomicUsize,
    peak: AtomicUsize,
}

/// A server on 127.0.0.1 that accepts any number of connections, handles each on its own task
/// as `conduct` says, and counts them.
async fn counting_server(conduct: Conduct) -> (SocketAddr, Arc<Counts>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind an ephemeral port");
    let addr = listener.local_addr().unwrap();
    let counts = Arc::new(Counts::default());
    let shared = Arc::clone(&counts);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            shared.accepted.fetch_add(1, Ordering::SeqCst);
            let open = shared.open.fetch_add(1, Ordering::SeqCst) + 1;
            shared.peak.fetch_max(open, Ordering::SeqCst);
            let counts = Arc::clone(&shared);
            tokio::spawn(async move {
                let _ = tokio::time::timeout(HOLD, handle(socket, conduct)).await;
                counts.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (addr, counts)
}

async fn handle(mut socket: TcpStream, conduct: Conduct) {
    match conduct {
        Conduct::Tasks => {
            let response = ok_response(TASKS_BODY);
            let mut pending = Vec::new();
            let mut buf = [0u8; 4096];
            // One answer per request head; bounded by the client closing (or HOLD).
            while let Ok(n @ 1..) = socket.read(&mut buf).await {
                pending.extend_from_slice(&buf[..n]);
                while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    pending.drain(..end + 4);
                    if socket.write_all(&response).await.is_err() {
                        return;
                    }
                }
            }
        }
        Conduct::Silent => {
            read_request_head(&mut socket).await;
            tokio::time::sleep(HOLD).await;
        }
        Conduct::Reset => {
            read_request_head(&mut socket).await;
            socket.set_zero_linger().expect("SO_LINGER 0");
            drop(socket); // closing with a zero linger sends RST
        }
    }
}

fn client_at(addr: SocketAddr) -> PlexClientBuilder {
    builder_for(format!("http://{addr}"))
}

// ---------------------------------------------------------------------------------------
// Broken connections: the error says why
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn reset_connection_is_a_transport_error_that_says_reset() {
    let (addr, accepted) = counting_server(Conduct::Reset).await;
    let client = client_at(addr).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert_transport(&err, "getTasks");
    let text = err.to_string().to_lowercase();
    assert!(text.contains("reset"), "the cause is in the message: {err}");
    println!("reset connection: {err}");
    assert_eq!(accepted.accepted.load(Ordering::SeqCst), 1, "not retried without a RetryConfig");
}

#[tokio::test]
async fn truncated_body_error_names_the_cause() {
    let (addr, _server) = raw_server(vec![Script::WriteAndClose(CUT_SHORT.to_vec())]).await;
    let client = client_at(addr).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert_transport(&err, "getTasks");
    // reqwest's own line is "error decoding response body"; hyper's cause says what happened.
    let text = err.to_string();
    assert!(text.contains(": ") && text.len() > "getTasks: transport error: error decoding response body".len());
    assert!(text.to_lowercase().contains("end of file") || text.contains("message"), "{text}");
    println!("truncated body: {err}");
}

#[tokio::test]
async fn refused_connection_error_names_the_cause() {
    let client = builder_for(format!("http://127.0.0.1:{}", common::closed_port())).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert!(matches!(err, Error::Connect { operation: "getTasks", .. }), "{err:?}");
    assert!(err.to_string().to_lowercase().contains("refused"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Time: deadlines, idle timeouts
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn server_that_never_answers_ends_by_the_deadline() {
    let (addr, accepted) = counting_server(Conduct::Silent).await;
    let client = client_at(addr).deadline(Duration::from_millis(300)).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();

    assert!(
        matches!(err, Error::Timeout { operation: "getTasks", timeout: Some(t) } if t == Duration::from_millis(300)),
        "{err:?}"
    );
    assert_eq!(accepted.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_deadline_covers_every_attempt() {
    let (addr, accepted) = counting_server(Conduct::Silent).await;
    let client = client_at(addr).build().unwrap();
    let retries = RetryConfig::default()
        .initial_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(5))
        .max_attempts(1_000);
    let deadline = Duration::from_millis(600);

    let call = client.butler().get_tasks().timeout(Duration::from_millis(100)).retries(retries).deadline(deadline);
    let err = promptly(call).await.unwrap_err();

    assert!(matches!(err, Error::Timeout { timeout: Some(t), .. } if t == deadline), "{err:?}");
    let attempts = accepted.accepted.load(Ordering::SeqCst);
    // Each attempt times out after 100 ms: a few fit in the deadline, never hundreds.
    assert!((2..=7).contains(&attempts), "{attempts} attempts in a {deadline:?} deadline");
}

/// A server that answers a streamed operation with `total` bytes, one every `every`, after
/// the head; then stalls for [`HOLD`] when `stall` is set, else ends the body.
fn drip(total: usize, every: Duration, stall: bool) -> Script {
    let length = if stall { total + 1 } else { total };
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {length}\r\n\r\n");
    Script::Drip { head: head.into_bytes(), total, every, stall }
}

#[tokio::test]
async fn slow_download_survives_the_timeout_and_the_deadline() {
    let every = Duration::from_millis(20);
    let (addr, _server) = raw_server(vec![drip(40, every, false)]).await;
    // Each of these is shorter than the whole download (40 × 20 ms), longer than one gap.
    let client = client_at(addr).idle_timeout(Duration::from_millis(500)).deadline(Duration::from_millis(400)).build();
    let client = client.unwrap();

    let image = promptly(client.ultra_blur().get_image().timeout(Duration::from_millis(300))).await.unwrap();
    let started = Instant::now();
    let mut out = Vec::new();
    let written = promptly(image.write_to(&mut out)).await.unwrap();

    assert_eq!(written, 40);
    assert_eq!(out, vec![b'#'; 40]);
    assert!(started.elapsed() > Duration::from_millis(400), "the download outlived every timeout");
}

/// The next item of `stream`, read through `futures_core::Stream` alone.
async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

#[tokio::test]
async fn slow_download_read_as_a_stream() {
    let (addr, _server) = raw_server(vec![drip(10, Duration::from_millis(5), false)]).await;
    let client = client_at(addr).idle_timeout(Duration::from_millis(500)).build().unwrap();
    let mut image = promptly(client.ultra_blur().get_image()).await.unwrap();

    let mut body = Vec::new();
    for _ in 0..100 {
        match promptly(next(&mut image)).await {
            Some(chunk) => body.extend_from_slice(&chunk.unwrap()),
            None => break,
        }
    }

    assert_eq!(body, vec![b'#'; 10]);
    assert!(promptly(next(&mut image)).await.is_none(), "the stream stays ended");
}

#[tokio::test]
async fn stalled_download_ends_with_the_idle_timeout() {
    let (addr, _server) = raw_server(vec![drip(3, Duration::from_millis(5), true)]).await;
    let idle = Duration::from_millis(200);
    let client = client_at(addr).idle_timeout(idle).build().unwrap();
    let mut image = promptly(client.ultra_blur().get_image()).await.unwrap();
    let started = Instant::now();

    let mut received = 0;
    let err = loop {
        match promptly(image.chunk()).await {
            Ok(Some(chunk)) => received += chunk.len(),
            Ok(None) => panic!("the body cannot end: it is one byte short"),
            Err(e) => break e,
        }
    };

    assert_eq!(received, 3);
    assert!(
        matches!(err, Error::Timeout { operation: "getImage", timeout: Some(t) } if t == idle),
        "the error reports the idle timeout: {err:?}"
    );
    assert!(err.to_string().contains("200ms"), "{err}");
    assert!(started.elapsed() < 10 * idle, "a stalled stream ends: {:?}", started.elapsed());
    // Per body, the idle timeout can be lifted (an event stream) or changed.
    let (addr, _server) = raw_server(vec![drip(1, Duration::from_millis(5), true)]).await;
    let client = client_at(addr).idle_timeout(Duration::from_secs(60)).build().unwrap();
    let mut image = promptly(client.ultra_blur().get_image()).await.unwrap();
    image.set_idle_timeout(Some(Duration::from_millis(50)));
    let err = loop {
        if let Err(e) = promptly(image.chunk()).await {
            break e;
        }
    };
    assert!(matches!(err, Error::Timeout { timeout: Some(t), .. } if t == Duration::from_millis(50)), "{err:?}");
}

/// An `AsyncWrite` that fails every write.
struct BrokenWriter;

impl tokio::io::AsyncWrite for BrokenWriter {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full")))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn a_writer_that_fails_is_an_io_error_with_the_operation() {
    let (addr, _server) = raw_server(vec![drip(4, Duration::from_millis(1), false)]).await;
    let client = client_at(addr).build().unwrap();
    let image = promptly(client.ultra_blur().get_image()).await.unwrap();

    let err = promptly(image.write_to(&mut BrokenWriter)).await.unwrap_err();

    match &err {
        Error::Io { operation: "getImage", source } => assert_eq!(source.kind(), std::io::ErrorKind::StorageFull),
        other => panic!("expected Error::Io, got {other:?}"),
    }
    assert_eq!(err.operation(), Some("getImage"));
    assert_eq!(err.to_string(), "getImage: cannot write the body: disk full");
}

// ---------------------------------------------------------------------------------------
// 200 MB past the limit
// ---------------------------------------------------------------------------------------

const HUGE: u64 = 200 * 1024 * 1024;

/// A chunked 200 OK of up to [`HUGE`] bytes, as fast as the client reads it.
fn huge_body(content_type: &str) -> Script {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n");
    let chunk = http_chunk(&[b' '; 64 * 1024]);
    Script::Bounded { head: head.into_bytes(), chunk, total: HUGE }
}

#[tokio::test]
async fn two_hundred_megabytes_stop_at_the_limit() {
    let limit = 4 * 1024 * 1024;
    let (addr, server) = raw_server(vec![huge_body("application/json"), huge_body("image/jpeg")]).await;
    let client = client_at(addr).max_response_bytes(limit).build().unwrap();

    let err = promptly(client.butler().get_tasks()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { operation: "getTasks", status: 200, limit: l } if l == limit),
        "{err:?}"
    );
    // A streamed body collected with bytes() is held to the same limit.
    let image = promptly(client.ultra_blur().get_image()).await.unwrap();
    let err = promptly(image.bytes()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { operation: "getImage", .. }), "{err:?}");
    drop(client);

    let written = tokio::time::timeout(PROMPTLY, server).await.expect("the client hung up").unwrap();
    for bytes in written {
        println!("200 MB offered, {bytes} bytes written before the client hung up (limit {limit})");
        // What the client read (the limit) plus what the sockets' buffers held: far from 200 MB.
        assert!(bytes < limit as u64 + 32 * 1024 * 1024, "the server wrote {bytes} bytes");
    }
}

// ---------------------------------------------------------------------------------------
// Bodies that do not decode
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn invalid_json_and_xml_are_decode_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"ButlerTasks": nope}"#, "application/json"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"<MediaContainer size="0"/>"#, "text/xml"))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let retries = RetryConfig::default().initial_interval(Duration::from_millis(1));

    let json = client.butler().get_tasks().retries(retries).await.unwrap_err();
    let xml = client.butler().get_tasks().await.unwrap_err();

    assert!(matches!(&json, Error::Decode { operation: "getTasks", status: 200, .. }), "{json:?}");
    assert!(matches!(&json, Error::Decode { path, .. } if path == "ButlerTasks"), "{json:?}");
    assert!(matches!(&xml, Error::Decode { message, .. } if message.contains("XML")), "{xml:?}");
    assert_eq!(request_count(&server).await, 2, "a body that does not decode is not retried");
}

// ---------------------------------------------------------------------------------------
// Retries: which methods, Retry-After
// ---------------------------------------------------------------------------------------

fn fast_retries() -> RetryConfig {
    RetryConfig::default().initial_interval(Duration::from_millis(5)).max_interval(Duration::from_millis(10))
}

#[tokio::test]
async fn too_many_requests_is_retried_after_the_delay_asked() {
    let server = MockServer::start().await;
    let recorder = Recorder::new(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json"),
    ]);
    Mock::given(method("GET")).and(path("/butler")).respond_with(recorder.clone()).mount(&server).await;

    let tasks = promptly(client_for(&server).butler().get_tasks().retries(fast_retries())).await.unwrap();

    assert!(tasks.butler_tasks.is_some());
    let times = recorder.times();
    assert_eq!(times.len(), 2);
    assert!(times[1] - times[0] >= Duration::from_millis(900), "Retry-After: 1 honoured: {:?}", times[1] - times[0]);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_ends_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let retries = fast_retries().max_elapsed_time(Duration::from_secs(2));

    let err = promptly(client_for(&server).butler().get_tasks().retries(retries)).await.unwrap_err();

    assert!(matches!(err, Error::Api { status: 429, retry_after: Some(_), .. }), "{err:?}");
    assert_eq!(request_count(&server).await, 1, "a 30 s Retry-After does not fit a 2 s budget");
}

#[tokio::test]
async fn attempts_are_capped() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/butler")).respond_with(ResponseTemplate::new(503)).mount(&server).await;

    let err = promptly(client_for(&server).butler().get_tasks().retries(fast_retries().max_attempts(3))).await;

    assert_eq!(err.unwrap_err().status(), Some(503));
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn service_unavailable_to_a_post_is_not_retried_unless_opted_in() {
    let server = MockServer::start().await;
    let recorder = Recorder::new(vec![ResponseTemplate::new(503), ResponseTemplate::new(200)]);
    Mock::given(method("POST")).and(path("/butler/BackupDatabase")).respond_with(recorder.clone()).mount(&server).await;
    let client = builder_for(server.uri()).retries(fast_retries()).build().unwrap();

    // Client-wide retries do not resend a POST.
    let err = promptly(client.butler().start_task(ButlerTask::BackupDatabase)).await.unwrap_err();
    assert!(matches!(err, Error::Api { operation: "startTask", status: 503, .. }), "{err:?}");
    assert_eq!(recorder.times().len(), 1, "a POST is sent once");

    // This call opts in: the second attempt (a 200) succeeds.
    let opted_in = fast_retries().retry_non_idempotent(true);
    let server2 = MockServer::start().await;
    let recorder = Recorder::new(vec![ResponseTemplate::new(503), ResponseTemplate::new(200)]);
    Mock::given(method("POST"))
        .and(path("/butler/BackupDatabase"))
        .respond_with(recorder.clone())
        .mount(&server2)
        .await;
    let client = builder_for(server2.uri()).build().unwrap();
    let status = promptly(client.butler().start_task(ButlerTask::BackupDatabase).retries(opted_in)).await.unwrap();
    assert_eq!(status, StartTaskStatus::Ok);
    assert_eq!(recorder.times().len(), 2, "retried once when opted in");
}

// ---------------------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn redirect_to_another_origin_sends_no_token_there() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json"))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/butler", elsewhere.uri())))
        .mount(&server)
        .await;

    let err = promptly(client_for(&server).butler().get_tasks()).await.unwrap_err();

    assert!(matches!(err, Error::Api { status: 302, .. }), "the redirect is returned, not followed: {err:?}");
    let seen = elsewhere.received_requests().await.unwrap();
    assert!(seen.iter().all(|r| !r.headers.contains_key("x-plex-token")), "the token left the origin");
    assert!(seen.is_empty(), "the other origin was not contacted");
}

#[tokio::test]
async fn redirect_to_the_same_origin_is_followed_and_a_loop_ends() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/moved/butler"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/moved/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/butler"))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let tasks = promptly(client.butler().get_tasks()).await.unwrap();
    assert!(tasks.butler_tasks.is_some());
    let moved = server.received_requests().await.unwrap();
    assert_eq!(moved[1].headers.get("x-plex-token").unwrap(), TOKEN, "same origin: the token goes along");

    let err = promptly(client.butler().stop_tasks()).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 307, .. }), "a redirect loop ends: {err:?}");
    let loops = request_count(&server).await - 2;
    assert!((2..=12).contains(&loops), "{loops} requests in the loop");
}

// ---------------------------------------------------------------------------------------
// A burst through one client
// ---------------------------------------------------------------------------------------

/// Lowers this process's soft open-files limit to `limit` (never raises it).
#[cfg(unix)]
fn limit_open_files(limit: u64) {
    let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut current), 0);
        if current.rlim_cur > limit as libc::rlim_t {
            current.rlim_cur = limit as libc::rlim_t;
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &current), 0);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_concurrent_calls_share_a_few_connections() {
    #[cfg(unix)]
    limit_open_files(1024);
    let (addr, accepted) = counting_server(Conduct::Tasks).await;
    let cap = PlexClientBuilder::DEFAULT_MAX_CONNECTIONS_PER_HOST;
    assert_eq!(cap, 64);
    let client = client_at(addr).build().unwrap();
    let started = Instant::now();

    let calls: Vec<_> = (0..2_000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.butler().get_tasks().await })
        })
        .collect();
    let mut failures = Vec::new();
    for call in calls {
        if let Err(e) = tokio::time::timeout(Duration::from_secs(60), call).await.expect("the burst ends").unwrap() {
            failures.push(e.to_string());
        }
    }

    let connections = accepted.accepted.load(Ordering::SeqCst);
    let peak = accepted.peak.load(Ordering::SeqCst);
    println!(
        "2000 calls in {:?} over {connections} connections, at most {peak} open at once (cap {cap})",
        started.elapsed()
    );
    assert!(failures.is_empty(), "{} calls failed, the first: {:?}", failures.len(), failures.first());
    // The cap bounds the calls in flight; hyper hands a connection back to its pool on a task
    // of its own, so a call that starts just as another ends may open one more before it is
    // back: a few over the cap (64 to about 80 seen on 2 busy cores), never one per call
    // (without the cap: about 1,800, and at 1,024 open files many calls fail).
    assert!(connections <= 2 * cap, "{connections} connections for a cap of {cap}");
}

/// A call's future stays small (the runtime's state is boxed): a caller that awaits hundreds
/// of calls in one async fn, in an unoptimised build, keeps to its thread's stack. (The
/// generated Prism suite overflowed a 2 MiB test thread before.)
#[test]
fn a_call_future_keeps_the_runtime_state_off_the_callers_stack() {
    let client = PlexClient::builder().server_url("http://127.0.0.1:9").token("t0ken-for-size").build().unwrap();
    let sizes = [
        std::mem::size_of_val(&client.butler().get_tasks().send_with_response()),
        std::mem::size_of_val(&client.butler().get_tasks().send_raw()),
        std::mem::size_of_val(&client.butler().start_task(ButlerTask::CleanOldBundles).send()),
    ];
    println!("call futures: {sizes:?} bytes");
    for size in sizes {
        assert!(size <= 2048, "a call's future holds {size} bytes");
    }
}
