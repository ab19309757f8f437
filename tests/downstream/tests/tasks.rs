//! `plex-tasks` tested the way a crate that depends on plex-sdk tests itself: each test starts
//! its own mock Plex server, mounts typed mocks, and points a client at it.

use plex_sdk::models::{
    ButlerTask, GetTasksResponse, GetTasksResponseButlerTasks, GetTasksResponseButlerTasksButlerTaskItem,
};
use plex_sdk_mock::PlexMock;
use plex_tasks::{Started, enabled_tasks, start_enabled_tasks};

/// A task list: (name, enabled).
fn tasks(list: &[(&str, bool)]) -> GetTasksResponse {
    let butler_task = list
        .iter()
        .map(|(name, enabled)| GetTasksResponseButlerTasksButlerTaskItem {
            name: Some(name.to_string()),
            enabled: Some(*enabled),
            ..Default::default()
        })
        .collect();
    GetTasksResponse { butler_tasks: Some(GetTasksResponseButlerTasks { butler_task }) }
}

/// A mock server whose Butler lists these tasks (a fixture several tests share).
async fn server_with(list: &[(&str, bool)]) -> PlexMock {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(tasks(list)).expect(1).mount().await;
    plex
}

#[tokio::test]
async fn lists_only_the_enabled_tasks_sorted() {
    let plex = server_with(&[("RefreshLocalMedia", true), ("CleanOldBundles", false), ("BackupDatabase", true)]).await;

    let names = enabled_tasks(&plex.client()).await.unwrap();

    assert_eq!(names, ["BackupDatabase", "RefreshLocalMedia"]);
}

#[tokio::test]
async fn a_server_without_tasks_has_none_enabled() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_ok(GetTasksResponse { butler_tasks: None }).expect(1).mount().await;

    assert!(enabled_tasks(&plex.client()).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unauthorised_token_is_an_error() {
    let plex = PlexMock::start().await;
    plex.butler().get_tasks().respond_status(401).expect(1).mount().await;

    let err = enabled_tasks(&plex.client()).await.unwrap_err();

    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn starts_each_enabled_task_and_tells_the_running_ones() {
    let plex = server_with(&[("BackupDatabase", true), ("CleanOldBundles", false), ("RefreshLocalMedia", true)]).await;
    plex.butler().start_task().butler_task(ButlerTask::BackupDatabase).respond_ok().expect(1).mount().await;
    plex.butler().start_task().butler_task(ButlerTask::RefreshLocalMedia).respond_accepted().expect(1).mount().await;
    plex.butler().start_task().butler_task(ButlerTask::CleanOldBundles).respond_ok().expect(0).mount().await;

    let started = start_enabled_tasks(&plex.client()).await.unwrap();

    assert_eq!(
        started,
        [Started::Launched("BackupDatabase".into()), Started::AlreadyRunning("RefreshLocalMedia".into())]
    );
}

#[tokio::test]
async fn a_task_the_sdk_does_not_know_is_left_alone() {
    let plex = server_with(&[("SomeFutureTask", true)]).await;
    plex.butler().start_task().respond_ok().expect(0).mount().await;

    let started = start_enabled_tasks(&plex.client()).await.unwrap();

    assert_eq!(started, [Started::Unknown("SomeFutureTask".into())]);
}

#[tokio::test]
async fn stops_at_the_first_error_and_the_mock_says_which_task_was_never_started() {
    let plex = server_with(&[("BackupDatabase", true), ("RefreshLocalMedia", true)]).await;
    plex.butler().start_task().butler_task(ButlerTask::BackupDatabase).respond_not_found().expect(1).mount().await;
    plex.butler().start_task().butler_task(ButlerTask::RefreshLocalMedia).respond_ok().expect(1).mount().await;

    let err = start_enabled_tasks(&plex.client()).await.unwrap_err();
    assert_eq!(err.status(), Some(404));

    // The second task was never started: the mock's check says so (`finish` returns what a
    // dropped mock would panic with).
    let unmet = plex.finish().unwrap_err();
    println!("{unmet}");
    assert_eq!(unmet.expectations.len(), 1);
    assert!(
        unmet.expectations[0]
            .starts_with("butler().start_task() POST /butler/RefreshLocalMedia: expected exactly 1 call, got 0 calls"),
        "{unmet}"
    );
}
