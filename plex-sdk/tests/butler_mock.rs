//! End-to-end tests of the generated Butler operations against a wiremock server: what goes
//! on the wire (method, path, headers), how each answer is mapped to a result, retries,
//! timeouts, connection failures, configuration, and that the token never leaks. How the
//! Butler statuses map to results, with plex-sdk-mock's typed mock, is in
//! plex-sdk-mock/tests/sdk_answers.rs.

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use plex_sdk::butler::StartTaskStatus;
use plex_sdk::models::{ButlerTask, GetTasksResponse};
use plex_sdk::{BODY_EXCERPT_LIMIT, Error, PlexClient, RetryConfig, Server};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod common;
use common::{Recorder, closed_port};

const TOKEN: &str = "secret-token";
const CLIENT_ID: &str = "abc123";
const ACCEPT_JSON: &str = "application/json";
const ACCEPT_JSON_OR_HTML: &str = "application/json, text/html;q=0.9";

/// The client-wide headers other than the token and the client identifier, with the values
/// the `all_globals_client` sets (the document's examples).
const GLOBALS: [(&str, &str); 9] = [
    ("x-plex-product", "Plex for Roku"),
    ("x-plex-version", "2.4.1"),
    ("x-plex-platform", "Roku"),
    ("x-plex-platform-version", "4.3 build 1057"),
    ("x-plex-device", "Roku 3"),
    ("x-plex-model", "4200X"),
    ("x-plex-device-vendor", "Roku"),
    ("x-plex-device-name", "Living Room TV"),
    ("x-plex-marketplace", "googlePlay"),
];

const TASKS_BODY: &str = r#"{"ButlerTasks":{"ButlerTask":[{"name":"BackupDatabase","title":"Backup Database","description":"Create a backup copy of the server's database in the configured backup directory","enabled":true,"interval":3,"scheduleRandomized":false}]}}"#;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A client with a token and a fixed client identifier, no retries, no timeout.
fn client_for(server: &MockServer) -> PlexClient {
    PlexClient::builder()
        .server_url(server.uri())
        .token(TOKEN)
        .client_identifier(CLIENT_ID)
        .build()
        .expect("the client builds")
}

/// A client with every client-wide header set.
fn all_globals_client(server: &MockServer) -> PlexClient {
    PlexClient::builder()
        .server_url(server.uri())
        .token(TOKEN)
        .client_identifier(CLIENT_ID)
        .product("Plex for Roku")
        .version("2.4.1")
        .platform("Roku")
        .platform_version("4.3 build 1057")
        .device("Roku 3")
        .model("4200X")
        .device_vendor("Roku")
        .device_name("Living Room TV")
        .marketplace("googlePlay")
        .build()
        .expect("the client builds")
}

/// Retries with tiny delays, so that tests stay fast.
fn fast_retries() -> RetryConfig {
    RetryConfig {
        initial_interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(50),
        exponent: 2.0,
        max_elapsed_time: Duration::from_secs(2),
        retry_connection_errors: false,
        ..RetryConfig::default()
    }
}

/// A server that answers `verb at` with `answer` and expects exactly one such call (checked
/// when it drops).
async fn serving_once(verb: &str, at: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb)).and(path(at)).respond_with(answer).expect(1).mount(&server).await;
    server
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {}", all.len());
    all.remove(0)
}

/// Every value of header `name` in `request`, as text.
fn header_values<'a>(request: &'a Request, name: &str) -> Vec<&'a str> {
    request.headers.get_all(name).iter().map(|v| v.to_str().expect("header value is text")).collect()
}

/// The single value of header `name` (panics when it is missing or repeated).
fn single_header<'a>(request: &'a Request, name: &str) -> &'a str {
    let values = header_values(request, name);
    assert_eq!(values.len(), 1, "header `{name}`: expected one value, got {values:?}");
    values[0]
}

/// Checks what every Butler request must look like.
fn assert_request(request: &Request, expected_method: &str, expected_path: &str, accept: &str) {
    assert_eq!(request.method.as_str(), expected_method);
    assert_eq!(request.url.path(), expected_path);
    assert_eq!(request.url.query(), None, "no query string expected");
    assert_eq!(single_header(request, "accept"), accept);
    assert!(request.headers.get("accepts").is_none(), "the `accepts` pseudo-header must not be sent");
    assert!(
        request.headers.get("api-version").is_none(),
        "no `api-version` header (progenitor's client would send one)"
    );
    assert_eq!(single_header(request, "x-plex-token"), TOKEN);
    assert_eq!(single_header(request, "x-plex-client-identifier"), CLIENT_ID);
    assert!(request.body.is_empty(), "no request body expected");
}

fn assert_no_token(text: &str) {
    assert!(!text.contains(TOKEN), "the token leaked into: {text}");
}

// ---------------------------------------------------------------------------------------
// 1. Method, path and headers of each operation
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn get_tasks_sends_get_butler_with_json_accept() {
    let server =
        serving_once("GET", "/butler", ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json")).await;

    client_for(&server).butler().get_tasks().await.unwrap();

    assert_request(&only_request(&server).await, "GET", "/butler", ACCEPT_JSON);
}

#[tokio::test]
async fn start_tasks_sends_post_butler_with_json_or_html_accept() {
    let server = serving_once("POST", "/butler", ResponseTemplate::new(200)).await;

    client_for(&server).butler().start_tasks().await.unwrap();

    assert_request(&only_request(&server).await, "POST", "/butler", ACCEPT_JSON_OR_HTML);
}

#[tokio::test]
async fn stop_tasks_sends_delete_butler_with_json_or_html_accept() {
    let server = serving_once("DELETE", "/butler", ResponseTemplate::new(200)).await;

    client_for(&server).butler().stop_tasks().await.unwrap();

    assert_request(&only_request(&server).await, "DELETE", "/butler", ACCEPT_JSON_OR_HTML);
}

#[tokio::test]
async fn start_task_sends_post_butler_task_with_json_or_html_accept() {
    let server = serving_once("POST", "/butler/RefreshLocalMedia", ResponseTemplate::new(200)).await;

    let status = client_for(&server).butler().start_task(ButlerTask::RefreshLocalMedia).await.unwrap();

    assert_eq!(status, StartTaskStatus::Ok);
    assert_request(&only_request(&server).await, "POST", "/butler/RefreshLocalMedia", ACCEPT_JSON_OR_HTML);
}

#[tokio::test]
async fn stop_task_sends_delete_butler_task_with_json_or_html_accept() {
    let server = serving_once("DELETE", "/butler/CleanOldBundles", ResponseTemplate::new(200)).await;

    client_for(&server).butler().stop_task(ButlerTask::CleanOldBundles).await.unwrap();

    assert_request(&only_request(&server).await, "DELETE", "/butler/CleanOldBundles", ACCEPT_JSON_OR_HTML);
}

#[tokio::test]
async fn every_global_header_is_sent_on_every_operation() {
    let server =
        serving_once("GET", "/butler", ResponseTemplate::new(200).set_body_raw("{}", "application/json")).await;
    for (verb, route) in [
        ("POST", "/butler"),
        ("DELETE", "/butler"),
        ("POST", "/butler/BackupDatabase"),
        ("DELETE", "/butler/BackupDatabase"),
    ] {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&server)
            .await;
    }

    let client = all_globals_client(&server);
    let butler = client.butler();
    butler.get_tasks().await.unwrap();
    butler.start_tasks().await.unwrap();
    butler.stop_tasks().await.unwrap();
    assert_eq!(butler.start_task(ButlerTask::BackupDatabase).await.unwrap(), StartTaskStatus::Ok);
    butler.stop_task(ButlerTask::BackupDatabase).await.unwrap();

    let received = requests(&server).await;
    let expected = [
        ("GET", "/butler", ACCEPT_JSON),
        ("POST", "/butler", ACCEPT_JSON_OR_HTML),
        ("DELETE", "/butler", ACCEPT_JSON_OR_HTML),
        ("POST", "/butler/BackupDatabase", ACCEPT_JSON_OR_HTML),
        ("DELETE", "/butler/BackupDatabase", ACCEPT_JSON_OR_HTML),
    ];
    assert_eq!(received.len(), expected.len());
    for (request, (verb, route, accept)) in received.iter().zip(expected) {
        assert_request(request, verb, route, accept);
        for (name, value) in GLOBALS {
            assert_eq!(single_header(request, name), value, "{verb} {route}: header {name}");
        }
    }
}

#[tokio::test]
async fn get_tasks_without_declared_parameters_still_sends_token_and_client_identifier() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .and(header("x-plex-token", TOKEN))
        .and(header("x-plex-client-identifier", CLIENT_ID))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    client_for(&server).butler().get_tasks().await.unwrap();
}

#[tokio::test]
async fn unset_globals_and_missing_token_are_not_sent() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = PlexClient::builder()
        .server_url(server.uri())
        .client_identifier(CLIENT_ID)
        .product("Only Product")
        .build()
        .unwrap();

    client.butler().stop_tasks().await.unwrap();

    let request = only_request(&server).await;
    assert!(request.headers.get("x-plex-token").is_none());
    assert_eq!(single_header(&request, "x-plex-client-identifier"), CLIENT_ID);
    assert_eq!(single_header(&request, "x-plex-product"), "Only Product");
    for (name, _) in &GLOBALS[1..] {
        assert!(request.headers.get(*name).is_none(), "{name} was sent though not set");
    }
    assert!(single_header(&request, "user-agent").starts_with("plex-sdk-rust/"), "user agent names the SDK");
}

#[tokio::test]
async fn server_url_with_path_prefix_and_trailing_slash_is_honoured() {
    let server = serving_once("DELETE", "/plex/butler/OptimizeDatabase", ResponseTemplate::new(200)).await;
    let client = PlexClient::builder().server_url(format!("{}/plex/", server.uri())).token(TOKEN).build().unwrap();
    assert_eq!(client.base_url(), format!("{}/plex", server.uri()));

    client.butler().stop_task(ButlerTask::OptimizeDatabase).await.unwrap();
}

// ---------------------------------------------------------------------------------------
// 2. Random client identifier
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn missing_client_identifier_is_generated_sent_and_distinct_per_client() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let build = || PlexClient::builder().server_url(server.uri()).token(TOKEN).build().unwrap();
    let first = build();
    let second = build();

    assert!(!first.client_identifier().is_empty());
    assert!(!second.client_identifier().is_empty());
    assert_ne!(first.client_identifier(), second.client_identifier());

    first.butler().stop_tasks().await.unwrap();
    first.clone().butler().start_tasks().await.unwrap();
    second.butler().stop_tasks().await.unwrap();

    let received = requests(&server).await;
    assert_eq!(received.len(), 3);
    assert_eq!(single_header(&received[0], "x-plex-client-identifier"), first.client_identifier());
    assert_eq!(
        single_header(&received[1], "x-plex-client-identifier"),
        first.client_identifier(),
        "a clone and later calls reuse the same identifier"
    );
    assert_eq!(single_header(&received[2], "x-plex-client-identifier"), second.client_identifier());
}

// ---------------------------------------------------------------------------------------
// 3. Decoding getTasks
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn get_tasks_decodes_a_realistic_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json"))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let tasks: GetTasksResponse = client.butler().get_tasks().await.unwrap();

    let list = &tasks.butler_tasks.as_ref().expect("ButlerTasks present").butler_task;
    assert_eq!(list.len(), 1);
    let task = &list[0];
    assert_eq!(task.name.as_deref(), Some("BackupDatabase"));
    assert_eq!(task.title.as_deref(), Some("Backup Database"));
    assert_eq!(
        task.description.as_deref(),
        Some("Create a backup copy of the server's database in the configured backup directory")
    );
    assert_eq!(task.enabled, Some(true));
    assert_eq!(task.interval, Some(3));
    assert_eq!(task.schedule_randomized, Some(false));

    let response = client.butler().get_tasks().send_with_response().await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(&response.body[..], TASKS_BODY.as_bytes());
    assert_eq!(response.headers.get("content-type").unwrap(), "application/json");
    assert_eq!(response.value, tasks);

    let raw = client.butler().get_tasks().send_raw().await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(&raw.body[..], TASKS_BODY.as_bytes());
}

// The `strict` feature makes unknown fields an error on purpose.
#[cfg(not(feature = "strict"))]
#[tokio::test]
async fn get_tasks_tolerates_unknown_and_missing_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"ButlerTasks":{"size":1,"ButlerTask":[{"name":"OptimizeDatabase","extra":[1,2]}]},"other":null}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let tasks = client.butler().get_tasks().await.unwrap();
    let task = &tasks.butler_tasks.unwrap().butler_task[0];
    assert_eq!(task.name.as_deref(), Some("OptimizeDatabase"));
    assert_eq!(task.enabled, None);
    assert_eq!(task.interval, None);

    let empty = client.butler().get_tasks().await.unwrap();
    assert_eq!(empty, GetTasksResponse::default());
}

// ---------------------------------------------------------------------------------------
// 4, 5. startTask / stopTask statuses and 2XX without a schema: plex-sdk-mock/tests/sdk_answers.rs
// (plex-sdk-mock depends on plex-sdk; as a dev-dependency here it would not survive packaging)
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// 6. Retries on server errors
// ---------------------------------------------------------------------------------------

/// Mounts a GET /butler that answers 500 `failures` times, then 200 with TASKS_BODY.
async fn mount_flaky_get_tasks(server: &MockServer, failures: u64) {
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(500).set_body_string("transient failure"))
        .up_to_n_times(failures)
        .with_priority(1)
        .expect(failures)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json"))
        .with_priority(2)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn server_error_without_retries_is_sent_once() {
    let server = serving_once("POST", "/butler", ResponseTemplate::new(500).set_body_string("boom")).await;

    let err = client_for(&server).butler().start_tasks().await.unwrap_err();

    assert!(matches!(err, Error::Api { status: 500, operation: "startTasks", .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn per_call_retries_recover_after_two_server_errors() {
    let server = MockServer::start().await;
    mount_flaky_get_tasks(&server, 2).await;

    let tasks = client_for(&server).butler().get_tasks().retries(fast_retries()).await.unwrap();

    assert_eq!(tasks.butler_tasks.unwrap().butler_task[0].name.as_deref(), Some("BackupDatabase"));
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn client_level_retries_recover_after_two_server_errors() {
    let server = MockServer::start().await;
    mount_flaky_get_tasks(&server, 2).await;
    let client = PlexClient::builder()
        .server_url(server.uri())
        .token(TOKEN)
        .client_identifier(CLIENT_ID)
        .retries(fast_retries())
        .build()
        .unwrap();

    let response = client.butler().get_tasks().send_with_response().await.unwrap();

    assert_eq!(response.status, 200);
    let received = requests(&server).await;
    assert_eq!(received.len(), 3);
    for request in &received {
        assert_request(request, "GET", "/butler", ACCEPT_JSON);
    }
}

#[tokio::test]
async fn per_call_retries_take_precedence_over_client_retries() {
    let server = serving_once("DELETE", "/butler", ResponseTemplate::new(503)).await;
    let client = PlexClient::builder().server_url(server.uri()).token(TOKEN).retries(fast_retries()).build().unwrap();
    // A budget of zero allows no retry at all.
    let no_retry = fast_retries().max_elapsed_time(Duration::ZERO);

    let err = client.butler().stop_tasks().retries(no_retry).await.unwrap_err();

    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn exhausted_retries_return_the_last_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/butler/RefreshLibraries"))
        .respond_with(ResponseTemplate::new(500).set_body_string("still failing"))
        .mount(&server)
        .await;
    // A POST: retried only because the call opts in.
    let retries = fast_retries().max_elapsed_time(Duration::from_millis(100)).retry_non_idempotent(true);

    let err = client_for(&server).butler().start_task(ButlerTask::RefreshLibraries).retries(retries).await.unwrap_err();

    assert!(matches!(err, Error::Api { status: 500, operation: "startTask", .. }), "{err:?}");
    assert!(err.body_excerpt().unwrap().contains("still failing"));
    let count = requests(&server).await.len();
    assert!(count > 1, "expected retries, got {count} request(s)");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = serving_once("DELETE", "/butler/LoudnessAnalysis", ResponseTemplate::new(404)).await;

    let err =
        client_for(&server).butler().stop_task(ButlerTask::LoudnessAnalysis).retries(fast_retries()).await.unwrap_err();

    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn decode_errors_are_not_retried() {
    let server =
        serving_once("GET", "/butler", ResponseTemplate::new(200).set_body_raw("[]", "application/json")).await;

    let err = client_for(&server).butler().get_tasks().retries(fast_retries()).await.unwrap_err();

    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// 7. Retry-After
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn retry_after_on_429_replaces_the_computed_backoff() {
    let server = MockServer::start().await;
    let recorder =
        Recorder::new(vec![ResponseTemplate::new(429).insert_header("retry-after", "1"), ResponseTemplate::new(200)]);
    Mock::given(method("POST")).and(path("/butler")).respond_with(recorder.clone()).expect(2).mount(&server).await;
    let retries = RetryConfig {
        initial_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(1),
        exponent: 2.0,
        max_elapsed_time: Duration::from_secs(10),
        retry_connection_errors: false,
        ..RetryConfig::default()
    };

    client_for(&server).butler().start_tasks().retries(retries.retry_non_idempotent(true)).await.unwrap();

    let times = recorder.times();
    assert_eq!(times.len(), 2);
    let waited = times[1] - times[0];
    assert!(waited >= Duration::from_millis(900), "waited only {waited:?} despite Retry-After: 1");
}

#[tokio::test]
async fn retry_after_is_exposed_on_the_api_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client_for(&server).butler().stop_tasks().await.unwrap_err();

    match &err {
        Error::Api { status: 429, retry_after, headers, .. } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(7)));
            assert_eq!(headers.get("retry-after").unwrap(), "7");
        }
        other => panic!("expected a 429 Error::Api, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// 8. Bodies that do not decode
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn mistyped_field_is_a_decode_error_naming_its_path() {
    let server = MockServer::start().await;
    let body = r#"{"ButlerTasks":{"ButlerTask":[{"enabled":"yes"}]}}"#;
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
            assert!(path.contains("enabled"), "path: {path}");
            assert_eq!(path, "ButlerTasks.ButlerTask[0].enabled");
            assert!(!message.is_empty());
            assert_eq!(body_excerpt, body);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.operation(), Some("getTasks"));
    assert!(err.to_string().contains("enabled"), "{err}");
}

#[tokio::test]
async fn xml_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<MediaContainer/>", "application/xml"))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let err = client.butler().get_tasks().await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, operation: "getTasks", .. }), "{err:?}");
    assert_eq!(err.body_excerpt(), Some("<MediaContainer/>"));

    // The undecoded response stays reachable.
    let raw = client.butler().get_tasks().send_raw().await.unwrap();
    assert_eq!(&raw.body[..], b"<MediaContainer/>");
}

// ---------------------------------------------------------------------------------------
// 9. Timeouts and connection failures
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn per_call_timeout_is_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;

    let err = client_for(&server).butler().stop_tasks().timeout(Duration::from_millis(100)).await.unwrap_err();

    match &err {
        Error::Timeout { operation, timeout } => {
            assert_eq!(*operation, "stopTasks");
            assert_eq!(*timeout, Some(Duration::from_millis(100)));
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn client_timeout_applies_and_per_call_timeout_overrides_it() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client =
        PlexClient::builder().server_url(server.uri()).token(TOKEN).timeout(Duration::from_millis(50)).build().unwrap();

    let err = client.butler().start_tasks().await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { operation: "startTasks", timeout: Some(t) } if t == Duration::from_millis(50)),
        "{err:?}"
    );

    client.butler().start_tasks().timeout(Duration::from_secs(10)).await.unwrap();
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let port = closed_port();
    let client = PlexClient::builder().server_url(format!("http://127.0.0.1:{port}")).token(TOKEN).build().unwrap();

    let err = client.butler().get_tasks().await.unwrap_err();

    assert!(matches!(err, Error::Connect { operation: "getTasks", .. }), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(err.body_excerpt(), None);
    assert_no_token(&format!("{err:?}"));
    assert_no_token(&err.to_string());
}

// ---------------------------------------------------------------------------------------
// 10. The token never shows
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn token_is_redacted_from_client_builder_and_errors() {
    let builder = PlexClient::builder().server_url("http://127.0.0.1:32400").token(TOKEN);
    assert_no_token(&format!("{builder:?}"));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(500).set_body_string("internal error"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<MediaContainer/>", "application/xml"))
        .mount(&server)
        .await;
    let client = all_globals_client(&server);
    assert_no_token(&format!("{client:?}"));
    assert_no_token(&format!("{client:#?}"));

    let api = client.butler().start_tasks().await.unwrap_err();
    assert_eq!(api.status(), Some(500));
    let decode = client.butler().get_tasks().await.unwrap_err();
    assert!(matches!(decode, Error::Decode { .. }), "{decode:?}");
    for err in [&api, &decode] {
        assert_no_token(&format!("{err:?}"));
        assert_no_token(&format!("{err:#?}"));
        assert_no_token(&format!("{err}"));
    }
    // The token was sent nonetheless.
    for request in requests(&server).await {
        assert_eq!(single_header(&request, "x-plex-token"), TOKEN);
    }
}

#[test]
fn invalid_token_is_a_config_error_that_does_not_show_it() {
    let bad = "secret-token\nInjected: yes";
    let err = PlexClient::builder().server_url("http://127.0.0.1:32400").token(bad).build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_no_token(&format!("{err:?}"));
    assert_no_token(&err.to_string());
}

// ---------------------------------------------------------------------------------------
// 11. Configuration
// ---------------------------------------------------------------------------------------

#[test]
fn build_without_server_is_a_config_error() {
    let err = PlexClient::builder().token(TOKEN).build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(err.operation(), None);
    assert_eq!(err.status(), None);
}

#[test]
fn non_http_or_invalid_server_url_is_a_config_error() {
    for url in ["ftp://x", "file:///tmp/plex", "not a url", "http://", "127.0.0.1:32400"] {
        let err = PlexClient::builder().server_url(url).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
    }
    for url in ["http://127.0.0.1:32400", "https://plex.example.com"] {
        PlexClient::builder().server_url(url).build().unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[test]
fn invalid_global_header_value_is_a_config_error() {
    let err =
        PlexClient::builder().server_url("http://127.0.0.1:32400").device_name("Living\r\nRoom").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[test]
fn server_templates_produce_the_expected_urls() {
    let direct = Server::PlexDirect {
        ip_description: "192-168-1-10".into(),
        identifier: "0123456789abcdef0123456789abcdef".into(),
        port: 32400,
    };
    assert_eq!(direct.url(), "https://192-168-1-10.0123456789abcdef0123456789abcdef.plex.direct:32400");
    let client = PlexClient::builder().server(direct.clone()).build().unwrap();
    assert_eq!(client.base_url(), direct.url());

    let host_port = Server::HostPort { protocol: "http".into(), host: "127.0.0.1".into(), port: 32400 };
    assert_eq!(host_port.url(), "http://127.0.0.1:32400");

    let url = Server::Url("http://localhost:32400".into());
    assert_eq!(url.url(), "http://localhost:32400");
}

#[tokio::test]
async fn host_port_server_template_reaches_the_server() {
    let server =
        serving_once("GET", "/butler", ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json")).await;
    let port = server.address().port();
    let client = PlexClient::builder()
        .server(Server::HostPort { protocol: "http".into(), host: "127.0.0.1".into(), port })
        .token(TOKEN)
        .client_identifier(CLIENT_ID)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("http://127.0.0.1:{port}"));

    client.butler().get_tasks().await.unwrap();

    assert_request(&only_request(&server).await, "GET", "/butler", ACCEPT_JSON);
}

// ---------------------------------------------------------------------------------------
// 12. from_env (the only test that touches the environment)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn from_env_reads_server_url_token_and_client_identifier() {
    const VARS: [&str; 3] = ["PLEX_SERVER_URL", "PLEX_TOKEN", "PLEX_CLIENT_IDENTIFIER"];
    let server =
        serving_once("GET", "/butler", ResponseTemplate::new(200).set_body_raw("{}", "application/json")).await;

    // SAFETY: no other test in this binary reads or writes these variables.
    unsafe {
        for var in VARS {
            std::env::remove_var(var);
        }
    }
    let missing = PlexClient::from_env();
    // SAFETY: as above.
    unsafe {
        std::env::set_var("PLEX_SERVER_URL", server.uri());
        std::env::set_var("PLEX_TOKEN", TOKEN);
        std::env::set_var("PLEX_CLIENT_IDENTIFIER", "env-client-7");
    }
    let client = PlexClient::from_env();
    // SAFETY: as above.
    unsafe {
        for var in VARS {
            std::env::remove_var(var);
        }
    }

    assert!(matches!(missing, Err(Error::Config(_))), "{missing:?}");
    let client = client.unwrap();
    assert_eq!(client.client_identifier(), "env-client-7");
    assert_eq!(client.base_url(), server.uri());
    assert_no_token(&format!("{client:?}"));

    client.butler().get_tasks().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(single_header(&request, "x-plex-token"), TOKEN);
    assert_eq!(single_header(&request, "x-plex-client-identifier"), "env-client-7");
    assert_eq!(single_header(&request, "accept"), ACCEPT_JSON);
}

// ---------------------------------------------------------------------------------------
// Bugs found (ignored until fixed)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn token_is_not_forwarded_to_another_origin_on_redirect() {
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/collect", elsewhere.uri())))
        .mount(&server)
        .await;

    // Whether the call fails or succeeds, the other origin must never see the token.
    let _ = client_for(&server).butler().stop_tasks().await;

    for request in requests(&elsewhere).await {
        assert!(
            request.headers.get("x-plex-token").is_none(),
            "the token was sent to another origin ({} {})",
            request.method,
            request.url
        );
    }
}

#[tokio::test]
async fn body_excerpt_is_at_most_the_limit() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("x".repeat(4 * BODY_EXCERPT_LIMIT)))
        .mount(&server)
        .await;

    let err = client_for(&server).butler().stop_tasks().await.unwrap_err();

    let excerpt = err.body_excerpt().unwrap();
    assert!(excerpt.starts_with(&"x".repeat(BODY_EXCERPT_LIMIT - 3)));
    assert!(excerpt.len() <= BODY_EXCERPT_LIMIT, "excerpt is {} bytes, limit {BODY_EXCERPT_LIMIT}", excerpt.len());
}

#[tokio::test]
async fn body_excerpt_does_not_split_a_character() {
    let server = MockServer::start().await;
    // 511 ASCII bytes, then two-byte characters: byte 512 falls inside the first 'é'.
    let body = format!("{}{}", "a".repeat(BODY_EXCERPT_LIMIT - 1), "é".repeat(10));
    Mock::given(any()).respond_with(ResponseTemplate::new(404).set_body_string(body)).mount(&server).await;

    let err = client_for(&server).butler().stop_tasks().await.unwrap_err();

    let excerpt = err.body_excerpt().unwrap();
    assert!(!excerpt.contains('\u{FFFD}'), "excerpt ends with a replacement character: {:?}", &excerpt[500..]);
}

#[tokio::test]
async fn retry_delays_never_exceed_max_interval() {
    let server = MockServer::start().await;
    let recorder = Recorder::new(vec![ResponseTemplate::new(503)]);
    Mock::given(any()).respond_with(recorder.clone()).mount(&server).await;
    let max_interval = Duration::from_millis(100);
    let retries = RetryConfig {
        initial_interval: max_interval,
        max_interval,
        exponent: 2.0,
        max_elapsed_time: Duration::from_millis(1200),
        retry_connection_errors: false,
        ..RetryConfig::default()
    };

    let err = client_for(&server).butler().stop_tasks().retries(retries).await.unwrap_err();
    assert_eq!(err.status(), Some(503));

    let times = recorder.times();
    assert!(times.len() >= 3, "expected several attempts, got {}", times.len());
    let slack = Duration::from_millis(40);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap <= max_interval + slack, "waited {gap:?} between attempts, max_interval is {max_interval:?}");
    }
}

#[tokio::test]
async fn retry_after_does_not_exceed_max_elapsed_time() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1")).mount(&server).await;
    let retries = RetryConfig {
        initial_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(10),
        exponent: 2.0,
        max_elapsed_time: Duration::from_millis(200),
        retry_connection_errors: false,
        ..RetryConfig::default()
    };

    let started = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(3),
        client_for(&server).butler().stop_tasks().retries(retries).into_future(),
    )
    .await;
    let elapsed = started.elapsed();

    let result = outcome.expect("the call must end within its retry budget, not keep sleeping");
    assert_eq!(result.unwrap_err().status(), Some(429));
    assert!(elapsed < Duration::from_millis(900), "waited {elapsed:?} with a 200 ms retry budget");
}

#[test]
fn host_port_accepts_an_ipv6_address() {
    let server = Server::HostPort { protocol: "http".into(), host: "::1".into(), port: 32400 };
    let client = PlexClient::builder().server(server).build().expect("an IPv6 host builds");
    assert_eq!(client.base_url(), "http://[::1]:32400");
}
