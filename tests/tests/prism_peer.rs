//! Against a peer that validates requests: Stoplight Prism mocking spec/ checks the token and
//! the parameters. Every operation is
//! called by plex-sdk's generated suite (`plex-sdk/tests/prism`); these are the controls
//! that show Prism really validates, so that suite passing means something. `.ci/run` starts
//! Prism and sets `PLEX_PRISM_URL`; without it these tests say they skipped (and fail when
//! `CI` is set).

use plex_sdk::PlexClient;
use plex_sdk::butler::StartTaskStatus;
use plex_sdk::models::ButlerTask;
use plex_sdk_tests::service_url;

fn prism_url(test: &str) -> Option<String> {
    service_url("PLEX_PRISM_URL", test)
}

#[tokio::test]
async fn prism_accepts_the_butler_calls() {
    let Some(url) = prism_url("prism_accepts_the_butler_calls") else { return };
    let client = PlexClient::builder()
        .server_url(&url)
        .token("prism-token")
        .client_identifier("plex-sdk-tests")
        .build()
        .unwrap();
    let butler = client.butler();
    let tasks = butler.get_tasks().send_with_response().await.expect("getTasks");
    assert_eq!(tasks.status, 200);
    assert!(
        tasks
            .headers
            .get("content-type")
            .is_some_and(|c| c.to_str().unwrap_or_default().starts_with("application/json"))
    );
    let started = butler.start_task(ButlerTask::RefreshLocalMedia).await.expect("startTask");
    assert!(matches!(started, StartTaskStatus::Ok | StartTaskStatus::Accepted), "{started:?}");
}

#[tokio::test]
async fn prism_rejects_a_call_without_token() {
    let Some(url) = prism_url("prism_rejects_a_call_without_token") else { return };
    let client = PlexClient::builder().server_url(&url).client_identifier("plex-sdk-tests").build().unwrap();
    let err = client.butler().start_tasks().await.expect_err("no token must be refused");
    assert_eq!(err.status(), Some(401), "{err}");
}
