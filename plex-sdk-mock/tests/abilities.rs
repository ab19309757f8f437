//! The mock's abilities beyond matching and answering: a handle per mounted mock (its hits
//! and the requests it received), answers computed from the request, partial JSON body
//! matching, and strict mode (an unmatched request fails the test).

use plex_sdk::Method;
use plex_sdk::models::{ButlerTask, GetTasksResponse};
use plex_sdk_mock::wiremock::ResponseTemplate;
use plex_sdk_mock::{PlexMock, Received};
use serde_json::json;

// ---------------------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_mounted_mock_counts_its_calls_and_keeps_their_requests() {
    let plex = PlexMock::start().await;
    let tasks = plex.butler().get_tasks().respond_ok(GetTasksResponse::default()).mount().await;
    let started = plex.butler().start_task().respond_ok().mount().await;
    let client = plex.client();

    client.butler().get_tasks().header("X-Trace", "t-1").await.unwrap();
    client.butler().start_task(ButlerTask::BackupDatabase).query("extra", "a b").await.unwrap();
    client.butler().start_task(ButlerTask::CleanOldBundles).await.unwrap();

    assert_eq!(tasks.hits(), 1);
    assert_eq!(started.hits(), 2);
    let first = &tasks.received()[0];
    assert_eq!((first.method.as_str(), first.path.as_str()), ("GET", "/butler"));
    assert_eq!(first.header("x-trace"), Some("t-1"));
    assert_eq!(first.header("X-Plex-Token"), Some(PlexMock::TOKEN));
    let paths: Vec<String> = started.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/butler/BackupDatabase", "/butler/CleanOldBundles"]);
    assert_eq!(started.received()[0].query_value("extra"), Some("a b"));
    assert_eq!(started.last().unwrap().query, []);
}

#[tokio::test]
async fn a_handle_decodes_a_json_body() {
    let plex = PlexMock::start().await;
    let mock = plex.butler().start_tasks().respond_ok().mount().await;

    plex.client()
        .raw(Method::POST, "/butler")
        .json_body(&json!({"title": "Hello", "year": 2024}))
        .send()
        .await
        .unwrap();

    let received = mock.last().unwrap();
    let body: serde_json::Value = received.json().unwrap();
    assert_eq!(body["title"], "Hello");
    assert_eq!(received.body, br#"{"title":"Hello","year":2024}"#);
}

#[tokio::test]
async fn a_scoped_mock_keeps_its_requests_too() {
    let plex = PlexMock::start().await;
    let scoped = plex.butler().stop_tasks().respond_ok().expect(1).mount_scoped().await;

    plex.client().butler().stop_tasks().await.unwrap();

    assert_eq!(scoped.received().len(), 1);
    assert_eq!(scoped.received()[0].method, "DELETE");
}

// ---------------------------------------------------------------------------------------
// Computed answers
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_answer_is_computed_from_the_request() {
    let plex = PlexMock::start().await;
    let echo = |req: &Received| {
        let page = req.header("x-page").unwrap_or("0").to_string();
        ResponseTemplate::new(200).set_body_json(json!({"MediaContainer": {"offset": page.parse::<i64>().unwrap()}}))
    };
    plex.content().get_albums().respond_fn(echo).header("X-Plex-Container-Total-Size", "3").expect(2).mount().await;
    let client = plex.client();

    for start in [0, 2] {
        let page = client.content().get_albums(1).header("X-Page", start.to_string()).send_with_response();
        let page = page.await.unwrap();
        assert_eq!(page.header("X-Plex-Container-Total-Size"), Some("3"));
        assert_eq!(page.value.media_container.unwrap().offset, Some(i64::from(start)));
    }
}

#[tokio::test]
async fn respond_with_takes_a_wiremock_closure() {
    let plex = PlexMock::start().await;
    let answer = |req: &plex_sdk_mock::wiremock::Request| {
        let status = if req.url.path().ends_with("BackupDatabase") { 200 } else { 202 };
        ResponseTemplate::new(status)
    };
    plex.butler().start_task().respond_with(answer).mount().await;
    let client = plex.client();

    assert_eq!(client.butler().start_task(ButlerTask::BackupDatabase).await.unwrap().status(), 200);
    assert_eq!(client.butler().start_task(ButlerTask::CleanOldBundles).await.unwrap().status(), 202);
}

// ---------------------------------------------------------------------------------------
// Partial body matching
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_body_matches_partially() {
    let plex = PlexMock::start().await;
    let wanted = json!({"title": "Hello", "tags": [{"id": 1}]});
    let mock = plex.butler().start_tasks().body_partial(&wanted).respond_ok().mount().await;
    let client = plex.client();
    let send = |body: serde_json::Value| client.raw(Method::POST, "/butler").json_body(&body).send();

    send(json!({"title": "Hello", "year": 2024, "tags": [{"id": 1, "tag": "x"}]})).await.unwrap();
    let other = send(json!({"title": "Bye", "tags": [{"id": 1}]})).await.unwrap_err();
    let short = send(json!({"title": "Hello"})).await.unwrap_err();

    assert_eq!(mock.hits(), 1);
    assert_eq!((other.status(), short.status()), (Some(404), Some(404)));
    assert_eq!(plex.unmatched_requests().len(), 2);
}

// ---------------------------------------------------------------------------------------
// Strict mode
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn strict_mode_fails_on_an_unmatched_request_listing_it() {
    let plex = PlexMock::strict().await;
    assert!(plex.is_strict());
    plex.butler().get_tasks().respond_ok(GetTasksResponse::default()).expect(1).mount().await;
    let client = plex.client();
    client.butler().get_tasks().await.unwrap();
    let err = client.butler().stop_task(ButlerTask::BackupDatabase).await.unwrap_err();
    assert_eq!(err.status(), Some(404));

    let unmet = plex.finish().unwrap_err();

    assert!(unmet.expectations.is_empty(), "{unmet}");
    assert_eq!(
        unmet.to_string(),
        "plex-sdk-mock (strict): every request must match a mock\n\
         requests that matched no mock (1):\n  \
         - DELETE /butler/BackupDatabase (butler().stop_task(), which has no mock)"
    );
}

#[tokio::test]
#[should_panic(expected = "requests that matched no mock (1):\n  - PUT /log")]
async fn a_strict_mock_fails_the_test_when_dropped() {
    let plex = PlexMock::strict().await;
    let _ = plex.client().log().write_message().await;
}

#[tokio::test]
async fn a_strict_mock_whose_requests_all_match_passes() {
    let plex = PlexMock::strict().await;
    plex.butler().get_tasks().respond_ok(GetTasksResponse::default()).mount().await;
    plex.client().butler().get_tasks().await.unwrap();

    assert_eq!(plex.check(), Ok(()));
}

#[tokio::test]
async fn without_strict_mode_an_unmatched_request_alone_passes() {
    let plex = PlexMock::start().await;
    let _ = plex.client().log().write_message().await;

    assert_eq!(plex.check(), Ok(()));
}
