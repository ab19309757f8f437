//! How the SDK maps the Butler operations' answers to results, with the typed mock as the
//! server (moved from plex-sdk/tests/butler_mock.rs, since plex-sdk's packaged tests cannot
//! depend on this crate): documented and undocumented statuses, error bodies, and 2XX answers
//! without a schema.

use plex_sdk::Error;
use plex_sdk::butler::StartTaskStatus;
use plex_sdk::models::ButlerTask;
use plex_sdk_mock::PlexMock;

// ---------------------------------------------------------------------------------------
// 4. startTask / stopTask statuses (mocked with plex-sdk-mock: typed, one line per answer)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn start_task_200_is_ok() {
    let plex = PlexMock::start().await;
    let task = plex.butler().start_task().butler_task(ButlerTask::BackupDatabase);
    task.respond_bytes(200, "text/html", "<html>ok</html>").expect(1).mount().await;

    let status = plex.client().butler().start_task(ButlerTask::BackupDatabase).await.unwrap();

    assert_eq!(status, StartTaskStatus::Ok);
    assert_eq!(status.status(), 200);
}

#[tokio::test]
async fn start_task_202_is_accepted() {
    let plex = PlexMock::start().await;
    plex.butler().start_task().butler_task(ButlerTask::BackupDatabase).respond_accepted().expect(2).mount().await;
    let client = plex.client();

    let status = client.butler().start_task(ButlerTask::BackupDatabase).await.unwrap();
    assert_eq!(status, StartTaskStatus::Accepted);

    let response = client.butler().start_task(ButlerTask::BackupDatabase).send_with_response().await.unwrap();
    assert_eq!(response.status, 202);
    assert_eq!(response.value, StartTaskStatus::Accepted);
}

#[tokio::test]
async fn start_task_404_is_api_error_with_body_excerpt() {
    let plex = PlexMock::start().await;
    let task = plex.butler().start_task().butler_task(ButlerTask::MusicAnalysis);
    task.respond_bytes(404, "text/html", "<html><body>No such butler task</body></html>").expect(1).mount().await;

    let err = plex.client().butler().start_task(ButlerTask::MusicAnalysis).await.unwrap_err();

    assert_eq!(err.status(), Some(404));
    assert_eq!(err.operation(), Some("startTask"));
    assert!(err.body_excerpt().unwrap().contains("No such butler task"));
    assert_eq!(err.headers().unwrap().get("content-type").unwrap(), "text/html");
    match &err {
        Error::Api { status, operation, body_excerpt, retry_after, .. } => {
            assert_eq!(*status, 404);
            assert_eq!(*operation, "startTask");
            assert!(body_excerpt.contains("No such butler task"));
            assert_eq!(*retry_after, None);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(shown.contains("startTask") && shown.contains("404"), "{shown}");
}

#[tokio::test]
async fn stop_task_200_is_ok_and_404_is_api_error() {
    let plex = PlexMock::start().await;
    plex.butler().stop_task().butler_task(ButlerTask::CleanOldBundles).respond_ok().expect(1).mount().await;
    let missing = plex.butler().stop_task().butler_task(ButlerTask::GenerateBlurHashes);
    missing.respond_bytes(404, "text/plain", "task not running").expect(1).mount().await;
    let client = plex.client();

    client.butler().stop_task(ButlerTask::CleanOldBundles).await.unwrap();

    let err = client.butler().stop_task(ButlerTask::GenerateBlurHashes).await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 404, operation: "stopTask", .. }), "{err:?}");
    assert_eq!(err.status(), Some(404));
    assert!(err.body_excerpt().unwrap().contains("task not running"));
}

// ---------------------------------------------------------------------------------------
// 5. A 2XX without a schema is a success whatever its content
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn stop_tasks_200_is_ok_whatever_the_content_type() {
    let plex = PlexMock::start().await;
    let stop = || plex.butler().stop_tasks();
    stop().respond_bytes(200, "application/json", "{}").up_to_n_times(1).expect(1).mount().await;
    stop().respond_bytes(200, "application/xml", "<MediaContainer/>").up_to_n_times(1).expect(1).mount().await;
    stop().respond_bytes(200, "text/plain", "not json at all {").expect(1).mount().await;
    let client = plex.client();

    client.butler().stop_tasks().await.unwrap();
    client.butler().stop_tasks().await.unwrap();
    let response = client.butler().stop_tasks().send_with_response().await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers.get("content-type").unwrap(), "text/plain");
    assert_eq!(&response.body[..], b"not json at all {");
}

#[tokio::test]
async fn start_tasks_200_with_html_body_is_ok() {
    let plex = PlexMock::start().await;
    plex.butler().start_tasks().respond_bytes(200, "text/html", "<html>started</html>").expect(1).mount().await;

    plex.client().butler().start_tasks().await.unwrap();
}

#[tokio::test]
async fn start_task_undocumented_204_is_other() {
    let plex = PlexMock::start().await;
    plex.butler().start_task().butler_task(ButlerTask::DeepMediaAnalysis).respond_status(204).expect(1).mount().await;

    let status = plex.client().butler().start_task(ButlerTask::DeepMediaAnalysis).await.unwrap();

    assert_eq!(status, StartTaskStatus::Other(204));
    assert_eq!(status.status(), 204);
}
