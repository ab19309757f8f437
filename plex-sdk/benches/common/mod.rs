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

/// A library listing (`listContent`): `plex_sdk::models::MediaContainerWithMetadata`'s shape
/// for the fields the bench sends, with the document's types.
#[derive(Deserialize)]
pub struct StrictListing {
    #[serde(rename = "MediaContainer")]
    pub media_container: Option<StrictContainer>,
}

/// The listing's container.
#[derive(Deserialize)]
pub struct StrictContainer {
    pub identifier: Option<String>,
    pub offset: Option<i64>,
    pub size: Option<i64>,
    #[serde(rename = "totalSize")]
    pub total_size: Option<i64>,
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<StrictMetadata>,
}

/// One item.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrictMetadata {
    pub rating_key: Option<String>,
    pub key: String,
    pub guid: Option<String>,
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub summary: Option<String>,
    pub year: Option<i32>,
    pub duration: Option<i32>,
    pub added_at: i64,
    pub updated_at: Option<i64>,
    pub audience_rating: Option<f32>,
    pub content_rating: Option<String>,
    pub studio: Option<String>,
    pub thumb: Option<String>,
    pub art: Option<String>,
    pub view_count: Option<i32>,
    #[serde(rename = "Media", default)]
    pub media: Vec<StrictMedia>,
}

/// One media version of an item.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrictMedia {
    pub id: i64,
    pub duration: Option<i32>,
    pub bitrate: Option<i32>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub aspect_ratio: Option<f32>,
    pub audio_channels: Option<i32>,
    pub audio_codec: Option<String>,
    pub video_codec: Option<String>,
    pub video_resolution: Option<String>,
    pub container: Option<String>,
    pub video_frame_rate: Option<String>,
    #[serde(rename = "Part", default)]
    pub part: Vec<StrictPart>,
}

/// One file of a media version.
#[derive(Deserialize)]
pub struct StrictPart {
    pub id: i64,
    pub key: String,
    pub duration: Option<i32>,
    pub file: Option<String>,
    pub size: Option<i64>,
    pub container: Option<String>,
    #[serde(rename = "Stream", default)]
    pub stream: Vec<StrictStream>,
}

/// One stream of a file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrictStream {
    pub id: i32,
    pub stream_type: i32,
    pub codec: String,
    pub index: Option<i32>,
    pub bitrate: Option<i32>,
    pub language: Option<String>,
    pub language_code: Option<String>,
    pub default: Option<bool>,
    pub selected: Option<bool>,
    pub display_title: String,
    pub key: String,
}
