//! How the SDK behaves against servers that misbehave: bodies that are malformed, cut short,
//! endless or huge, error pages in HTML, stalls, and connections that break. Each test checks
//! the exact [`Error`] variant (a panic anywhere fails the test).
//!
//! Servers that wiremock cannot imitate (a socket closed mid-body, a body that never ends)
//! are raw TCP listeners on 127.0.0.1 that play a [`Script`] per connection.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

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
