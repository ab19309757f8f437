//! The escape hatches, against wiremock: proxies (the system's by default, `.proxy(..)`,
//! `.no_proxy()`), per-call `.header(..)`/`.query(..)`, and `client.raw(..)` for an endpoint
//! the document lacks, with the client's headers, token, retries and limits.

use std::process::Command;
use std::time::Duration;

use plex_sdk::models::ButlerTask;
use plex_sdk::{Error, Method, PlexClient, RetryConfig};
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "escape-hatch-token";
const CLIENT_ID: &str = "escape-hatch-client";

/// A client of `server`, straight to it (no proxy, whatever the environment says).
fn client(server: &MockServer) -> PlexClient {
    builder(&server.uri()).no_proxy().build().unwrap()
}

fn builder(url: &str) -> plex_sdk::PlexClientBuilder {
    PlexClient::builder().server_url(url).token(TOKEN).client_identifier(CLIENT_ID).product("Escape Tests")
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

// ---------------------------------------------------------------------------------------
// Proxies
// ---------------------------------------------------------------------------------------

/// The variable that makes the test below run its client (in a child process, so that the
/// proxy variables reach no other test).
const CHILD: &str = "PLEX_SDK_ESCAPE_PROXY_CHILD";

#[tokio::test]
async fn the_system_proxy_is_used_by_default() {
    let proxy = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&proxy)
        .await;
    let exe = std::env::current_exe().unwrap();
    let output = Command::new(exe)
        .args(["--exact", "system_proxy_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("HTTP_PROXY", proxy.uri())
        .env("http_proxy", proxy.uri())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    let shown = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("1 passed"), "{shown}");
    // A proxied http:// request is in absolute form: the proxy sees the server's host.
    let request = only_request(&proxy).await;
    assert_eq!(request.url.host_str(), Some("plex.invalid"));
    assert_eq!(request.url.port(), Some(32400));
    assert_eq!(request.headers.get("x-plex-token").unwrap(), TOKEN);
}

/// Run by the test above with `HTTP_PROXY` set: a default client reaches a host that does not
/// exist (`plex.invalid`) through the proxy.
#[tokio::test]
#[ignore = "run by the_system_proxy_is_used_by_default, in a child process with HTTP_PROXY set"]
async fn system_proxy_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let client = builder("http://plex.invalid:32400").build().unwrap();
    client.raw(Method::GET, "/butler").send().await.unwrap();
}

#[tokio::test]
async fn an_explicit_proxy_carries_every_request() {
    let proxy = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(1).mount(&proxy).await;
    let via = reqwest::Proxy::http(proxy.uri()).unwrap();
    let client = builder("http://plex.invalid:32400").proxy(via).build().unwrap();

    client.butler().start_task(ButlerTask::BackupDatabase).await.unwrap();

    let request = only_request(&proxy).await;
    assert_eq!(request.url.as_str(), "http://plex.invalid:32400/butler/BackupDatabase");
}

#[tokio::test]
async fn no_proxy_goes_straight_to_the_server() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    let unused = reqwest::Proxy::all("http://127.0.0.1:9").unwrap();
    let client = builder(&server.uri()).proxy(unused).no_proxy().build().unwrap();

    client.butler().start_tasks().await.unwrap();
}

#[tokio::test]
async fn the_redirect_policy_keeps_the_token_on_its_origin() {
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&elsewhere).await;
    let server = MockServer::start().await;
    let moved = ResponseTemplate::new(302).insert_header("location", format!("{}/butler", elsewhere.uri()));
    Mock::given(any()).respond_with(moved).mount(&server).await;
    let http = reqwest::Client::builder().no_proxy().redirect(plex_sdk::redirect_policy()).build().unwrap();
    let client = builder(&server.uri()).http_client(http).build().unwrap();

    let err = client.butler().start_tasks().await.unwrap_err();

    assert_eq!(err.status(), Some(302));
}

// ---------------------------------------------------------------------------------------
// Per-call headers and query parameters
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn per_call_headers_and_query_arrive_with_the_client_wide_ones() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/butler/BackupDatabase"))
        .and(query_param("async", "1"))
        .and(header("x-custom", "one"))
        .and(header("x-plex-product", "Per Call"))
        .and(header("x-plex-token", TOKEN))
        .and(header("x-plex-client-identifier", CLIENT_ID))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    client
        .butler()
        .start_task(ButlerTask::BackupDatabase)
        .header("X-Custom", "one")
        .header("X-Plex-Product", "Per Call")
        .query("async", "1")
        .await
        .unwrap();

    let request = only_request(&server).await;
    // The per-call value replaced the client-wide one: one value only.
    assert_eq!(request.headers.get_all("x-plex-product").iter().count(), 1);
}

#[tokio::test]
async fn a_per_call_token_header_or_query_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = client(&server);

    let err = client.butler().start_tasks().header("X-Plex-Token", "other-secret").await.unwrap_err();
    assert!(matches!(err, Error::Encode { operation: "startTasks", .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("other-secret"), "{err:?}");

    let err = client.butler().start_tasks().query("x-plex-token", "other-secret").await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("other-secret"), "{err:?}");
}

#[tokio::test]
async fn a_header_http_cannot_carry_fails_the_call_without_panicking() {
    let server = MockServer::start().await;
    let client = client(&server);

    let err = client.butler().start_tasks().header("bad name", "x").await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    let err = client.butler().start_tasks().header("x-ok", "line\nbreak").await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// Raw calls
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_raw_call_sends_the_token_and_the_client_headers() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"MediaContainer": {"size": 1}});
    Mock::given(method("GET"))
        .and(path("/library/metadata/1/children"))
        .and(query_param("excludeAllLeaves", "1"))
        .and(header("x-plex-token", TOKEN))
        .and(header("x-plex-client-identifier", CLIENT_ID))
        .and(header("x-plex-product", "Escape Tests"))
        .and(header("accept", "application/json"))
        .and(header("x-extra", "yes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let call = || client.raw(Method::GET, "/library/metadata/1/children").query("excludeAllLeaves", "1");

    let value: serde_json::Value = call().header("X-Extra", "yes").json().await.unwrap();
    assert_eq!(value, body);
    let raw = call().header("X-Extra", "yes").send().await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&raw.body).unwrap(), body);
}

#[tokio::test]
async fn a_raw_call_sends_a_json_body_and_decodes_into_a_type() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Answer {
        ok: bool,
    }
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/undocumented"))
        .and(header("content-type", "application/json"))
        .and(wiremock::matchers::body_json(serde_json::json!({"a": 1})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;

    let answer: Answer =
        client(&server).raw(Method::PUT, "/undocumented").json_body(&serde_json::json!({"a": 1})).json().await.unwrap();

    assert_eq!(answer, Answer { ok: true });
}

#[tokio::test]
async fn a_raw_body_that_does_not_fit_is_a_decode_error_naming_the_call() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Answer {
        ok: bool,
    }
    let server = MockServer::start().await;
    let body = ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": "maybe"}));
    Mock::given(any()).respond_with(body).mount(&server).await;

    let err = client(&server).raw(Method::GET, "/x").name("getX").json::<Answer>().await.unwrap_err();

    assert!(matches!(err, Error::Decode { operation: "getX", .. }), "{err:?}");
}

#[tokio::test]
async fn a_raw_call_is_retried_as_the_client_says() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).expect(2).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("done")).expect(1).mount(&server).await;
    let retries = RetryConfig::default().initial_interval(Duration::from_millis(1)).max_attempts(5);
    let client = builder(&server.uri()).no_proxy().retries(retries).build().unwrap();

    let raw = client.raw(Method::GET, "/status/sessions").send().await.unwrap();

    assert_eq!(&raw.body[..], b"done");
}

#[tokio::test]
async fn a_raw_post_is_not_retried_unless_asked() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let retries = RetryConfig::default().initial_interval(Duration::from_millis(1)).max_attempts(5);
    let client = builder(&server.uri()).no_proxy().retries(retries).build().unwrap();

    let err = client.raw(Method::POST, "/do/something").send().await.unwrap_err();

    assert!(matches!(err, Error::Api { status: 503, operation: "raw", .. }), "{err:?}");
}

#[tokio::test]
async fn a_raw_call_keeps_the_client_limits() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2048]))
        .mount(&server)
        .await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(5));
    Mock::given(path("/slow")).respond_with(slow).mount(&server).await;
    let client = builder(&server.uri()).no_proxy().max_response_bytes(1024).build().unwrap();

    let err = client.raw(Method::GET, "/big").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");

    let err = client.raw(Method::GET, "/slow").timeout(Duration::from_millis(100)).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_raw_path_must_stay_on_the_server() {
    let server = MockServer::start().await;
    let client = client(&server);

    let err = client.raw(Method::GET, "http://elsewhere.invalid/steal").send().await.unwrap_err();

    assert!(matches!(err, Error::Encode { operation: "raw", .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_raw_stream_reads_an_image() {
    let server = MockServer::start().await;
    let image = ResponseTemplate::new(200).set_body_raw(vec![0xFF, 0xD8, 0xFF], "image/jpeg");
    Mock::given(path("/library/metadata/1/thumb/2"))
        .and(header("accept", "image/*"))
        .respond_with(image)
        .mount(&server)
        .await;

    let client = client(&server);
    let binary = client.raw(Method::GET, "/library/metadata/1/thumb/2").header("Accept", "image/*").stream();
    let bytes = binary.await.unwrap().bytes().await.unwrap();

    assert_eq!(&bytes[..], [0xFF, 0xD8, 0xFF]);
}

#[test]
fn the_token_stays_out_of_a_raw_request_debug() {
    let client = builder("http://127.0.0.1:1").no_proxy().build().unwrap();
    let request = client.raw(Method::GET, "/x").header("X-Other", "v");
    let shown = format!("{request:?} {client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}
