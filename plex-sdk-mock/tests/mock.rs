//! The mock's runtime through the SDK, as a user's test would use it: typed matching on path,
//! query, header parameters and bodies (and what it refuses), plex.tv operations, answers
//! (models, statuses, JSON and bytes, delays), expectations and their failure message, scoped
//! mocks, `up_to_n_times`, `reset`, and the examples.

use std::time::Duration;

use plex_sdk::models::{
    ButlerTask, GetTasksResponse, GetTasksResponseButlerTasks, GetTasksResponseButlerTasksButlerTaskItem,
    MediaContainerWithMetadata, PostUsersSignInDataBody, PostUsersSignInDataResponse, State, UserPlexAccount,
};
use plex_sdk::{Error, RetryConfig};
use plex_sdk_mock::{Example, PlexMock};

fn tasks(names: &[(&str, bool)]) -> GetTasksResponse {
    GetTasksResponse {
        butler_tasks: Some(GetTasksResponseButlerTasks {
            butler_task: names
                .iter()
                .map(|(name, enabled)| GetTasksResponseButlerTasksButlerTaskItem {
                    name: Some(name.to_string()),
                    enabled: Some(*enabled),
                    ..Default::default()
                })
                .collect(),
        }),
    }
}

// ---------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_typed_answer_reaches_the_sdk() {
    let plex = PlexMock::start().await;
    let answer = tasks(&[("BackupDatabase", true), ("CleanOldBundles", false)]);
    plex.butler().get_tasks().respond_ok(answer.clone()).expect(1).mount().await;

    assert_eq!(plex.client().butler().get_tasks().await.unwrap(), answer);
}

#[tokio::test]
async fn a_path_parameter_narrows_the_mock() {
    let plex = PlexMock::start().await;
    plex.butler().start_task().butler_task(ButlerTask::BackupDatabase).respond_accepted().expect(1).mount().await;
    let client = plex.client();

    let started = client.butler().start_task(ButlerTask::BackupDatabase).await.unwrap();
    assert_eq!(started.status(), 202);
    let other = client.butler().start_task(ButlerTask::CleanOldBundles).await.unwrap_err();
    assert_eq!(other.status(), Some(404));
    assert!(other.to_string().contains("no mock matches POST /butler/CleanOldBundles"), "{other}");
}

#[tokio::test]
async fn a_path_parameter_left_open_matches_any_value() {
    let plex = PlexMock::start().await;
    plex.butler().stop_task().respond_ok().expect(2).mount().await;
    let client = plex.client();

    client.butler().stop_task(ButlerTask::BackupDatabase).await.unwrap();
    client.butler().stop_task(ButlerTask::RefreshLocalMedia).await.unwrap();
}

#[tokio::test]
async fn query_and_header_parameters_match_as_the_sdk_writes_them() {
    let plex = PlexMock::start().await;
    plex.timeline()
        .report()
        .key("/library/metadata/1")
        .state(State::Playing)
        .time(5000)
        .offline(true) // a `BoolInt`: `offline=1` on the wire
        .x_plex_session_identifier("session-1")
        .respond_ok(Default::default())
        .expect(1)
        .mount()
        .await;
    let client = plex.client();
    let report = || client.timeline().report().key("/library/metadata/1".into()).state(State::Playing).time(5000);

    report().offline(true).x_plex_session_identifier("session-1".into()).await.unwrap();
    assert_eq!(
        report().offline(false).x_plex_session_identifier("session-1".into()).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(report().offline(true).x_plex_session_identifier("other".into()).await.unwrap_err().status(), Some(404));
    assert_eq!(report().offline(true).await.unwrap_err().status(), Some(404), "the header is required by the mock");

    let query = plex.received_requests().await[0].url.query().unwrap_or_default().to_string();
    assert!(query.contains("offline=1"), "{query}");
}

#[tokio::test]
async fn list_parameters_match_whole() {
    let plex = PlexMock::start().await;
    let keys = vec!["/library/metadata/1".to_string(), "/library/metadata/2".to_string()];
    plex.download_queue()
        .add_download_queue_items()
        .queue_id(7)
        .keys(keys.clone())
        .respond_ok(Default::default())
        .expect(1)
        .mount()
        .await;
    let client = plex.client();

    client.download_queue().add_download_queue_items(7, keys.clone()).await.unwrap();
    let fewer = client.download_queue().add_download_queue_items(7, keys[..1].to_vec()).await.unwrap_err();
    assert_eq!(fewer.status(), Some(404));
}

#[tokio::test]
async fn bodies_match_typed() {
    let plex = PlexMock::start().await;
    let body = PostUsersSignInDataBody {
        login: "user@example.com".into(),
        password: "hunter2".into(),
        remember_me: true,
        verification_code: None,
    };
    plex.authentication()
        .post_users_sign_in_data()
        .body(body.clone())
        .respond_created(PostUsersSignInDataResponse::example())
        .expect(1)
        .mount()
        .await;
    plex.log().write_log().body("line 1\nline 2").respond_ok().expect(1).mount().await;
    let client = plex.client();

    client.authentication().post_users_sign_in_data().body(body.clone()).await.unwrap();
    let wrong = PostUsersSignInDataBody { password: "wrong".into(), ..body };
    assert_eq!(client.authentication().post_users_sign_in_data().body(wrong).await.unwrap_err().status(), Some(404));
    client.log().write_log("line 1\nline 2".into()).await.unwrap();
    assert_eq!(client.log().write_log("other".into()).await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn plex_tv_operations_come_to_the_mock_under_their_path() {
    let plex = PlexMock::start().await;
    let account = UserPlexAccount { username: "someone".into(), ..UserPlexAccount::example() };
    plex.authentication().get_token_details().respond_ok(account.clone()).expect(1).mount().await;

    assert_eq!(plex.client().authentication().get_token_details().await.unwrap(), account);
    assert_eq!(plex.received_requests().await[0].url.path(), "/api/v2/user");
}

#[tokio::test]
async fn any_header_and_any_wiremock_matcher_narrow_too() {
    let plex = PlexMock::start().await;
    plex.butler()
        .get_tasks()
        .header("X-Plex-Client-Identifier", "app-1")
        .and(wiremock::matchers::header("x-plex-token", PlexMock::TOKEN))
        .respond_ok(Default::default())
        .expect(1)
        .mount()
        .await;

    let app = plex.client_builder().client_identifier("app-1").build().unwrap();
    app.butler().get_tasks().await.unwrap();
    assert_eq!(plex.client().butler().get_tasks().await.unwrap_err().status(), Some(404));
}

// ---------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn documented_error_statuses_and_raw_answers() {
    let plex = PlexMock::start().await;
    plex.butler().start_task().butler_task(ButlerTask::BackupDatabase).respond_not_found().mount().await;
    plex.butler().stop_task().respond_json(500, &serde_json::json!({"errors": [{"message": "boom"}]})).mount().await;
    plex.butler().get_tasks().respond_bytes(200, "application/json", b"{not json".to_vec()).mount().await;
    let client = plex.client();

    assert_eq!(client.butler().start_task(ButlerTask::BackupDatabase).await.unwrap_err().status(), Some(404));
    let api = client.butler().stop_task(ButlerTask::BackupDatabase).await.unwrap_err();
    assert!(matches!(&api, Error::Api { status: 500, body_excerpt, .. } if body_excerpt.contains("boom")), "{api:?}");
    assert!(matches!(client.butler().get_tasks().await.unwrap_err(), Error::Decode { .. }));
}

#[tokio::test]
async fn a_delay_makes_the_sdk_time_out() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(Default::default()).delay(Duration::from_millis(500)).mount().await;

    let err = plex.client().butler().get_tasks().timeout(Duration::from_millis(50)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn up_to_n_times_then_the_next_mock_answers() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_status(503).header("Retry-After", "0").up_to_n_times(1).expect(1).mount().await;
    plex.butler().get_tasks().respond_ok(tasks(&[("BackupDatabase", true)])).expect(1).mount().await;
    let retries = RetryConfig { initial_interval: Duration::from_millis(1), ..RetryConfig::default() };

    let answer = plex.client().butler().get_tasks().retries(retries).await.unwrap();
    assert_eq!(answer, tasks(&[("BackupDatabase", true)]));
}

// ---------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_failure_message_names_each_unmet_expectation_and_every_unmatched_request() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(GetTasksResponse::example()).expect(1).mount().await;
    plex.butler().start_task().butler_task(ButlerTask::BackupDatabase).respond_ok().expect(1..).mount().await;
    plex.butler().stop_tasks().respond_ok().expect(0).mount().await;
    let client = plex.client();
    let _ = client.butler().start_task(ButlerTask::CleanOldBundles).await;
    let _ = client.log().write_message().message("hello".into()).await;
    client.butler().stop_tasks().await.unwrap();

    let unmet = plex.finish().unwrap_err();
    assert_eq!(
        unmet.to_string(),
        "plex-sdk-mock: 3 expectations not met\n\
         \x20 - butler().get_tasks() GET /butler: expected exactly 1 call, got 0 calls\n\
         \x20 - butler().start_task() POST /butler/BackupDatabase: expected at least 1 call, got 0 calls\n\
         \x20 - butler().stop_tasks() DELETE /butler: expected exactly 0 calls, got 1 call\n\
         requests that matched no mock (2):\n\
         \x20 - POST /butler/CleanOldBundles (butler().start_task(), whose mocks want: butler().start_task() POST /butler/BackupDatabase)\n\
         \x20 - PUT /log?message=hello (log().write_message(), which has no mock)"
    );
}

#[tokio::test]
#[should_panic(expected = "butler().get_tasks() GET /butler: expected exactly 1 call, got 0 calls")]
async fn an_unmet_expectation_fails_the_test_when_the_mock_is_dropped() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(Default::default()).expect(1).mount().await;
}

#[tokio::test]
#[should_panic(expected = "expected exactly 2 calls, got 1 call")]
async fn verify_checks_on_demand() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(Default::default()).expect(2).mount().await;
    plex.client().butler().get_tasks().await.unwrap();
    plex.verify();
}

#[tokio::test]
async fn met_expectations_and_unmatched_requests_alone_pass() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(Default::default()).expect(1).mount().await;
    let client = plex.client();
    client.butler().get_tasks().await.unwrap();
    let _ = client.butler().stop_tasks().await;

    assert_eq!(plex.unmatched_requests().len(), 1);
    assert_eq!(plex.check(), Ok(()));
}

#[tokio::test]
async fn a_scoped_mock_answers_until_dropped_and_checks_itself_then() {
    let plex = PlexMock::start().await;
    let client = plex.client();
    {
        let scoped = plex.butler().get_tasks().respond_ok(Default::default()).expect(1).mount_scoped().await;
        client.butler().get_tasks().await.unwrap();
        assert_eq!(scoped.hits(), 1);
    }
    assert_eq!(client.butler().get_tasks().await.unwrap_err().status(), Some(404));
}

#[tokio::test]
#[should_panic(expected = "expected exactly 1 call, got 0 calls")]
async fn a_scoped_mock_fails_when_dropped_unmet() {
    let plex = PlexMock::start().await;
    let scoped = plex.butler().get_tasks().respond_ok(Default::default()).expect(1).mount_scoped().await;
    drop(scoped);
    plex.finish().unwrap();
}

#[tokio::test]
async fn reset_forgets_mocks_expectations_and_requests() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(Default::default()).expect(1).mount().await;
    let _ = plex.client().butler().stop_tasks().await;
    plex.reset().await;

    assert_eq!(plex.check(), Ok(()));
    assert!(plex.unmatched_requests().is_empty());
    assert_eq!(plex.client().butler().get_tasks().await.unwrap_err().status(), Some(404));
}

// ---------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn examples_answer_in_one_line() {
    let plex = PlexMock::start().await;
    let albums = MediaContainerWithMetadata::example();
    plex.content().get_albums().respond_ok(albums.clone()).expect(1).mount().await;

    assert_eq!(plex.client().content().get_albums(1).await.unwrap(), albums);
}

#[test]
fn a_whole_response_example_of_the_document_is_used_as_it_is() {
    // `getAlbums`'s 200 response example in spec/plex-api-spec.yaml.
    let albums = MediaContainerWithMetadata::example();
    let container = albums.media_container.expect("the example has a MediaContainer");
    assert_eq!(container.identifier.as_deref(), Some("com.plexapp.plugins.library"));
    assert!(!container.metadata.is_empty());
}
