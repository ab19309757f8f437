//! What the SDK costs per call: `client.butler().get_tasks().await` and `start_task(..)` against
//! the same requests made with a bare `reqwest::Client` and `serde_json::from_slice` into a
//! plain struct, in the same criterion group, against the same in-process HTTP/1.1 server on
//! 127.0.0.1 (hyper, on its own thread and runtime). Both sides run on one current-thread
//! tokio runtime through criterion's `to_async`, over kept-alive connections.
//!
//! `cargo xtask bench` runs this and reports the SDK/raw ratios in BENCHMARKS.md.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use plex_sdk::PlexClient;
use plex_sdk::models::{ButlerTask, GetTasksResponse};

mod common;
use common::{StrictTaskList as RawTaskList, StrictTasks as RawTasks};

const TOKEN: &str = "bench-token-0123456789";
const CLIENT_ID: &str = "plex-sdk-bench";
const PRODUCT: &str = "plex-sdk bench";
/// What the SDK sends as `Accept` for these operations (see `generated/butler.rs`).
const ACCEPT: &str = "application/json, text/html;q=0.9";

/// The 22 tasks of a Plex Media Server's `GET /butler`: (name, title, description, enabled,
/// interval in days, randomized).
#[rustfmt::skip]
const TASKS: [(&str, &str, &str, bool, u32, bool); 22] = [
    ("AutomaticUpdates", "Automatic Updates", "Check for and download server updates", true, 1, true),
    ("BackupDatabase", "Backup Database", "Create a backup copy of the server's database in the configured backup directory", true, 3, false),
    ("ButlerTaskGenerateAdMarkers", "Generate Ad Markers", "Detect commercials in recorded TV and mark them for skipping", false, 1, true),
    ("ButlerTaskGenerateCreditsMarkers", "Generate Credits Markers", "Detect end credits in movies and episodes so clients can offer to skip them", true, 1, true),
    ("ButlerTaskGenerateIntroMarkers", "Generate Intro Markers", "Detect intros of TV episodes so clients can offer to skip them", true, 1, true),
    ("ButlerTaskGenerateVoiceActivity", "Generate Voice Activity", "Analyse audio tracks for voice activity, used to match subtitles", false, 1, true),
    ("CleanOldBundles", "Clean Old Bundles", "Remove old metadata bundles that are no longer referenced", true, 7, false),
    ("CleanOldCacheFiles", "Clean Old Cache Files", "Delete cache files older than the configured age", true, 7, false),
    ("DeepMediaAnalysis", "Perform extensive media analysis", "Analyse bitrates of media files in depth, for better streaming decisions", true, 1, true),
    ("GarbageCollectBlobs", "Garbage Collect Blobs", "Remove unreferenced blobs from the blobs database", true, 7, false),
    ("GarbageCollectLibraryMedia", "Garbage Collect Library Media", "Remove media items of deleted files from the libraries", true, 7, false),
    ("GenerateBlurHashes", "Generate Blur Hashes", "Compute blur hashes of artwork, used as placeholders while images load", true, 1, true),
    ("GenerateChapterThumbs", "Extract chapter thumbnails", "Extract a thumbnail for each chapter of a video", true, 1, true),
    ("GenerateMediaIndexFiles", "Generate video preview thumbnails", "Create the index files clients show while seeking", true, 1, true),
    ("LoudnessAnalysis", "Perform audio analysis", "Measure the loudness of music tracks for volume levelling", true, 1, true),
    ("MusicAnalysis", "Perform sonic analysis", "Analyse music for sonically similar tracks and artists", true, 1, true),
    ("OptimizeDatabase", "Optimize Database", "Rebuild the database's indexes and reclaim unused space", true, 7, false),
    ("RefreshEpgGuides", "Refresh EPG Guides", "Download the programme guide for the configured tuners", true, 1, true),
    ("RefreshLibraries", "Scan libraries", "Scan every library for new, changed and removed files", true, 1, true),
    ("RefreshLocalMedia", "Refresh Local Metadata", "Refresh metadata read from local media assets", true, 3, true),
    ("RefreshPeriodicMetadata", "Refresh Metadata Periodically", "Refresh metadata of items whose agent asks for periodic updates", true, 1, true),
    ("UpgradeMediaAnalysis", "Upgrade Media Analysis", "Re-analyse media analysed by older versions of the server", true, 1, true),
];

/// The `GET /butler` body, as a server sends it (well-typed JSON).
fn tasks_body() -> Bytes {
    let tasks: Vec<serde_json::Value> = TASKS
        .iter()
        .map(|(name, title, description, enabled, interval, randomized)| {
            serde_json::json!({
                "name": name,
                "interval": interval,
                "scheduleRandomized": randomized,
                "enabled": enabled,
                "title": title,
                "description": description,
            })
        })
        .collect();
    Bytes::from(serde_json::to_vec(&serde_json::json!({ "ButlerTasks": { "ButlerTask": tasks } })).unwrap())
}

/// Starts the server on its own thread and current-thread runtime, once; returns its address.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let body = tasks_body();
        std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    loop {
                        let (stream, _) = listener.accept().await.unwrap();
                        stream.set_nodelay(true).unwrap();
                        let body = body.clone();
                        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                            let body = body.clone();
                            async move { Ok::<_, Infallible>(respond(&req, body)) }
                        });
                        tokio::spawn(async move {
                            let io = hyper_util::rt::TokioIo::new(stream);
                            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                        });
                    }
                });
            })
            .unwrap();
        addr
    })
}

/// `GET /butler` → the task list; `POST /butler/{task}` → 200, no body. The token is checked
/// so both sides must send it.
fn respond(req: &Request<Incoming>, tasks: Bytes) -> Response<Full<Bytes>> {
    let reply = |status: StatusCode, body: Bytes, json: bool| {
        let mut builder = Response::builder().status(status);
        if json {
            builder = builder.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        builder.body(Full::new(body)).unwrap()
    };
    if req.headers().get("x-plex-token").is_none_or(|t| t != TOKEN) {
        return reply(StatusCode::UNAUTHORIZED, Bytes::new(), false);
    }
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/butler") => reply(StatusCode::OK, tasks, true),
        (&Method::POST, path) if path.starts_with("/butler/") => reply(StatusCode::OK, Bytes::new(), false),
        _ => reply(StatusCode::NOT_FOUND, Bytes::new(), false),
    }
}

fn sdk_overhead(c: &mut Criterion) {
    let addr = server();
    let base = format!("http://{addr}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    let client = PlexClient::builder()
        .server_url(&base)
        .token(TOKEN)
        .client_identifier(CLIENT_ID)
        .product(PRODUCT)
        .build()
        .unwrap();
    // The bare client: the transport settings the SDK's default client has (no proxy lookup,
    // a User-Agent); the same headers, set per request as a hand-written call would.
    let raw = reqwest::Client::builder().no_proxy().user_agent("plex-sdk-bench/raw").build().unwrap();
    let tasks_url = format!("{base}/butler");
    let start_url = format!("{base}/butler/{}", ButlerTask::RefreshLocalMedia);

    // The bare client sends what the SDK sends: the token, the globals set, `Accept`.
    let raw_request = |method: reqwest::Method, url: &str| {
        raw.request(method, url)
            .header("X-Plex-Token", TOKEN)
            .header("X-Plex-Client-Identifier", CLIENT_ID)
            .header("X-Plex-Product", PRODUCT)
            .header("Accept", ACCEPT)
    };
    let raw_get = || async {
        let response = raw_request(reqwest::Method::GET, &tasks_url).send().await.unwrap();
        assert!(response.status().is_success());
        let body = response.bytes().await.unwrap();
        serde_json::from_slice::<RawTasks>(&body).unwrap()
    };
    let raw_start = || async {
        let response = raw_request(reqwest::Method::POST, &start_url).send().await.unwrap();
        let status = response.status();
        assert!(status.is_success());
        response.bytes().await.unwrap();
        status
    };

    // Both sides work and see the same data before anything is timed.
    rt.block_on(async {
        let sdk = client.butler().get_tasks().await.unwrap();
        let plain = raw_get().await;
        let n = |t: &Option<RawTaskList>| t.as_ref().map_or(0, |t| t.butler_task.len());
        assert_eq!(sdk.butler_tasks.map_or(0, |t| t.butler_task.len()), TASKS.len());
        assert_eq!(n(&plain.butler_tasks), TASKS.len());
        client.butler().start_task(ButlerTask::RefreshLocalMedia).await.unwrap();
        raw_start().await;
    });

    let mut group = c.benchmark_group("sdk_overhead");
    group.sample_size(60).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    group.bench_function("get_tasks/raw", |b| b.to_async(&rt).iter(|| async { black_box(raw_get().await) }));
    group.bench_function("get_tasks/sdk", |b| {
        b.to_async(&rt).iter(|| async { black_box(client.butler().get_tasks().await.unwrap()) })
    });
    // Where a difference would come from: the bare client decoding with the path tracked
    // (`serde_path_to_error`, which the SDK uses only to explain a body that failed to decode),
    // and the SDK's transport (`send_raw`) with plain decoding.
    group.bench_function("get_tasks/raw_path_to_error", |b| {
        b.to_async(&rt).iter(|| async {
            let response = raw_request(reqwest::Method::GET, &tasks_url).send().await.unwrap();
            assert!(response.status().is_success());
            let body = response.bytes().await.unwrap();
            let mut de = serde_json::Deserializer::from_slice(&body);
            black_box(serde_path_to_error::deserialize::<_, RawTasks>(&mut de).unwrap())
        })
    });
    group.bench_function("get_tasks/sdk_send_raw", |b| {
        b.to_async(&rt).iter(|| async {
            let raw = client.butler().get_tasks().send_raw().await.unwrap();
            black_box(serde_json::from_slice::<GetTasksResponse>(&raw.body).unwrap())
        })
    });
    group.bench_function("start_task/raw", |b| b.to_async(&rt).iter(|| async { black_box(raw_start().await) }));
    group.bench_function("start_task/sdk", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(client.butler().start_task(ButlerTask::RefreshLocalMedia).await.unwrap()) })
    });
    group.finish();
}

criterion_group!(benches, sdk_overhead);
criterion_main!(benches);
