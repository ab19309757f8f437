//! Decoding a large Plex-shaped response: 10,000 Butler tasks.
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
use plex_sdk::models::GetTasksResponse;
use serde_json::{Value, json};

mod common;
use common::StrictTasks;

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

criterion_group!(benches, decode);
criterion_main!(benches);
