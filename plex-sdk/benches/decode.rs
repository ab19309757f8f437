//! Decoding large Plex-shaped responses: 10,000 Butler tasks (`decode/*`), and a library
//! listing of 10,000 films, each with one media version, one file and three streams
//! (`decode_listing/*`, into `plex_sdk::models::MediaContainerWithMetadata`, what
//! `list_content` returns, against `common::StrictListing`).
//!
//! - `typed/*`: well-typed JSON (`true`, `7`) into `plex_sdk::models::GetTasksResponse`
//!   against `serde_json::from_slice` into a strict struct with the same field names and
//!   types (plain serde, no lenient decoders).
//! - `plex_style/sdk`: the same container as Plex sends it (booleans as `0`/`1`, integers as
//!   strings like `"7"`) into the SDK's models, whose lenient decoders accept both; its
//!   baseline is the strict struct decoding the equivalent well-typed JSON (`typed/strict`).
//! - `*/sdk_path`: the SDK's models through `serde_path_to_error`, as the SDK runtime decodes
//!   a response body (it names the path of a mismatch in `Error::Decode`).
//!
//! `cargo xtask bench` runs this and reports the ratios in BENCHMARKS.md.

use std::time::Duration;

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use plex_sdk::models::{GetTasksResponse, MediaContainerWithMetadata};
use serde_json::{Value, json};

mod common;
use common::{StrictListing, StrictTasks};

const TASKS: usize = 10_000;

/// 10,000 tasks; `plex_style` writes booleans as `0`/`1` and integers as strings.
fn body(plex_style: bool) -> Vec<u8> {
    let tasks: Vec<Value> = (0..TASKS)
        .map(|i| {
            let enabled = i % 5 != 0;
            let randomized = i % 3 == 0;
            let interval = [1, 3, 7][i % 3];
            let flag = |b: bool| if plex_style { json!(u8::from(b)) } else { json!(b) };
            json!({
                "name": format!("ButlerTask{i}"),
                "interval": if plex_style { json!(interval.to_string()) } else { json!(interval) },
                "scheduleRandomized": flag(randomized),
                "enabled": flag(enabled),
                "title": format!("Butler task number {i}"),
                "description": format!("Housekeeping job {i}: runs inside the maintenance window every {interval} days"),
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "ButlerTasks": { "ButlerTask": tasks } })).unwrap()
}

fn sdk(bytes: &[u8]) -> GetTasksResponse {
    serde_json::from_slice(bytes).unwrap()
}

/// As `runtime::decode_json` does it.
fn sdk_path(bytes: &[u8]) -> GetTasksResponse {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes)).unwrap()
}

fn strict(bytes: &[u8]) -> StrictTasks {
    serde_json::from_slice(bytes).unwrap()
}

fn decode(c: &mut Criterion) {
    let typed = body(false);
    let plex = body(true);
    // Every variant decodes everything, to the same values.
    let count = |r: &GetTasksResponse| r.butler_tasks.as_ref().map_or(0, |t| t.butler_task.len());
    // (With the `strict` feature the SDK accepts only the documented types.)
    let lenient = !cfg!(feature = "strict");
    if lenient {
        assert_eq!(sdk(&typed), sdk(&plex), "lenient decoding gives the well-typed values");
        assert_eq!(sdk(&typed), sdk_path(&plex));
    }
    assert_eq!(count(&sdk(&typed)), TASKS);
    assert_eq!(strict(&typed).butler_tasks.map_or(0, |t| t.butler_task.len()), TASKS);
    assert!(serde_json::from_slice::<StrictTasks>(&plex).is_err(), "the strict struct rejects Plex's values");

    let mut group = c.benchmark_group("decode");
    group.sample_size(40).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(TASKS as u64));
    group.bench_function("typed/strict", |b| b.iter(|| black_box(strict(black_box(&typed)))));
    group.bench_function("typed/sdk", |b| b.iter(|| black_box(sdk(black_box(&typed)))));
    group.bench_function("typed/sdk_path", |b| b.iter(|| black_box(sdk_path(black_box(&typed)))));
    if lenient {
        group.bench_function("plex_style/sdk", |b| b.iter(|| black_box(sdk(black_box(&plex)))));
        group.bench_function("plex_style/sdk_path", |b| b.iter(|| black_box(sdk_path(black_box(&plex)))));
    }
    group.finish();
}

const ITEMS: usize = 10_000;

/// One stream of a film (`kind` 1 video, 2 audio, 3 subtitles).
fn stream(i: usize, kind: i64, plex_style: bool) -> Value {
    let id = (i * 3) as i64 + kind;
    let flag = |b: bool| if plex_style { json!(u8::from(b)) } else { json!(b) };
    let at = kind as usize - 1;
    let (codec, bitrate) = (["hevc", "eac3", "srt"][at], [18_000, 640, 0][at]);
    let title = ["4K (HEVC Main 10 HDR)", "English (EAC3 5.1)", "English (SRT)"][at];
    json!({
        "id": if plex_style { json!(id.to_string()) } else { json!(id) },
        "streamType": kind,
        "codec": codec,
        "index": kind - 1,
        "bitrate": bitrate,
        "language": "English",
        "languageCode": "eng",
        "default": flag(kind != 3),
        "selected": flag(kind == 2),
        "displayTitle": title,
        "key": format!("/library/streams/{id}"),
    })
}

/// A film's one media version, with one file of three streams.
fn media(i: usize, year: i64, plex_style: bool) -> Value {
    let duration = 5_400_000 + (i % 90) as i64 * 60_000;
    let size = 12_000_000_000u64 + i as u64;
    let part = json!({
        "id": 60_000 + i as i64,
        "key": format!("/library/parts/{}/1733000000/file.mkv", 60_000 + i),
        "duration": duration,
        "file": format!("/data/films/Film number {i} ({year})/Film number {i}.mkv"),
        "size": if plex_style { json!(size.to_string()) } else { json!(size) },
        "container": "mkv",
        "Stream": [stream(i, 1, plex_style), stream(i, 2, plex_style), stream(i, 3, plex_style)],
    });
    json!({
        "id": 50_000 + i as i64,
        "duration": duration,
        "bitrate": 18_640,
        "width": 3840,
        "height": 2160,
        "aspectRatio": 1.78,
        "audioChannels": 6,
        "audioCodec": "eac3",
        "videoCodec": "hevc",
        "videoResolution": "4k",
        "container": "mkv",
        "videoFrameRate": "24p",
        "Part": [part],
    })
}

/// 10,000 films as a section listing; `plex_style` sends ids as strings, booleans as `0`/`1`
/// and whole numbers as floats, as real servers do.
fn listing(plex_style: bool) -> Vec<u8> {
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let rating_key = 1000 + i as i64;
            let year = 1970 + (i % 55) as i64;
            json!({
                "ratingKey": if plex_style { json!(rating_key) } else { json!(rating_key.to_string()) },
                "key": format!("/library/metadata/{rating_key}"),
                "guid": format!("plex://movie/5d7768{i:06x}"),
                "type": "movie",
                "title": format!("Film number {i}"),
                "summary": format!("A story told in {} acts about the {i}th lighthouse keeper.", 2 + i % 4),
                "year": if plex_style { json!(year.to_string()) } else { json!(year) },
                "duration": 5_400_000 + (i % 90) as i64 * 60_000,
                "addedAt": if plex_style { json!(1_700_000_000.0 + i as f64) } else { json!(1_700_000_000 + i as i64) },
                "updatedAt": 1_710_000_000 + i as i64,
                "audienceRating": if plex_style { json!("7.5") } else { json!(7.5) },
                "contentRating": "PG-13",
                "studio": "Harbour Light Pictures",
                "thumb": format!("/library/metadata/{rating_key}/thumb/1733000000"),
                "art": format!("/library/metadata/{rating_key}/art/1733000000"),
                "viewCount": i % 4,
                "Media": [media(i, year, plex_style)],
            })
        })
        .collect();
    let container = json!({ "MediaContainer": {
        "identifier": "com.plexapp.plugins.library", "offset": 0, "size": ITEMS, "totalSize": ITEMS, "Metadata": items } });
    serde_json::to_vec(&container).unwrap()
}

fn decode_listing(c: &mut Criterion) {
    let typed = listing(false);
    let plex = listing(true);
    let sdk = |bytes: &[u8]| serde_json::from_slice::<MediaContainerWithMetadata>(bytes).unwrap();
    let strict = |bytes: &[u8]| serde_json::from_slice::<StrictListing>(bytes).unwrap();
    let items = |r: &MediaContainerWithMetadata| r.media_container.as_ref().map_or(0, |m| m.metadata.len());
    assert_eq!(items(&sdk(&typed)), ITEMS);
    assert_eq!(strict(&typed).media_container.map_or(0, |m| m.metadata.len()), ITEMS);
    assert!(serde_json::from_slice::<StrictListing>(&plex).is_err(), "the strict struct rejects Plex's values");
    let lenient = !cfg!(feature = "strict");
    if lenient {
        assert_eq!(sdk(&typed), sdk(&plex), "lenient decoding gives the well-typed values");
    }

    let mut group = c.benchmark_group("decode_listing");
    group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(ITEMS as u64));
    group.bench_function("typed/strict", |b| b.iter(|| black_box(strict(black_box(&typed)))));
    group.bench_function("typed/sdk", |b| b.iter(|| black_box(sdk(black_box(&typed)))));
    if lenient {
        group.bench_function("plex_style/sdk", |b| b.iter(|| black_box(sdk(black_box(&plex)))));
    }
    group.finish();
}

criterion_group!(benches, decode, decode_listing);
criterion_main!(benches);
