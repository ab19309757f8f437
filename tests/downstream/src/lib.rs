//! Code that uses plex-sdk as an application would: which Butler tasks are enabled, and
//! starting them. Its tests (`tests/tasks.rs`) run against plex-sdk-mock only, the way a crate
//! that depends on plex-sdk tests itself.

use plex_sdk::butler::StartTaskStatus;
use plex_sdk::models::ButlerTask;
use plex_sdk::{Error, PlexClient};

/// The names of the server's enabled Butler tasks, sorted.
pub async fn enabled_tasks(client: &PlexClient) -> Result<Vec<String>, Error> {
    let response = client.butler().get_tasks().await?;
    let mut names: Vec<String> = response
        .butler_tasks
        .into_iter()
        .flat_map(|tasks| tasks.butler_task)
        .filter(|task| task.enabled == Some(true))
        .filter_map(|task| task.name)
        .collect();
    names.sort();
    Ok(names)
}

/// What happened to one task [`start_enabled_tasks`] started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// The server launched it.
    Launched(String),
    /// It was running already.
    AlreadyRunning(String),
    /// The server names a task this SDK does not know, so it was left alone.
    Unknown(String),
}

/// Starts every enabled task, one after the other, stopping at the first error.
pub async fn start_enabled_tasks(client: &PlexClient) -> Result<Vec<Started>, Error> {
    let mut out = Vec::new();
    for name in enabled_tasks(client).await? {
        let task = ButlerTask::from(name.as_str());
        if task.is_unknown() {
            out.push(Started::Unknown(name));
            continue;
        }
        match client.butler().start_task(task).await? {
            StartTaskStatus::Accepted => out.push(Started::AlreadyRunning(name)),
            _ => out.push(Started::Launched(name)),
        }
    }
    Ok(out)
}
