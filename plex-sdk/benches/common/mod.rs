//! What the benches compare the SDK with: the structs a hand-written client would decode the
//! Butler task list into, with `plex_sdk::models::GetTasksResponse`'s fields and types, plain
//! serde (no lenient decoders).
#![allow(dead_code)] // decoded, never read: the point is the decoding

use serde::Deserialize;

/// The task list response.
#[derive(Deserialize)]
pub struct StrictTasks {
    #[serde(rename = "ButlerTasks")]
    pub butler_tasks: Option<StrictTaskList>,
}

/// The `ButlerTasks` object.
#[derive(Deserialize)]
pub struct StrictTaskList {
    #[serde(rename = "ButlerTask", default)]
    pub butler_task: Vec<StrictTask>,
}

/// One task.
#[derive(Deserialize)]
pub struct StrictTask {
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub interval: Option<i64>,
    pub name: Option<String>,
    #[serde(rename = "scheduleRandomized")]
    pub schedule_randomized: Option<bool>,
    pub title: Option<String>,
}
