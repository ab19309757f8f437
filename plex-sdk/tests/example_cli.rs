//! Runs the built `butler` example (`examples/butler.rs`) against a wiremock server and checks
//! what it prints and its exit status.
//!
//! The binary is looked for next to this test's (`target/<profile>/examples/butler`). `cargo
//! test` builds the examples first; `cargo test --test example_cli` alone does not, so each test
//! prints `SKIPPED` and passes when the binary is missing: build it with
//! `cargo build -p plex-sdk --example butler`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "example-cli-secret-token";

const TWO_TASKS_BODY: &str = r#"{"ButlerTasks":{"ButlerTask":[
  {"name":"BackupDatabase","title":"Backup Database","description":"Create a backup copy of the server's database","enabled":true,"interval":3,"scheduleRandomized":false},
  {"name":"RefreshLocalMedia","title":"Refresh Local Metadata","enabled":false,"scheduleRandomized":true}
]}}"#;

/// The example's binary, or `None` (after saying so) when it has not been built.
fn example_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    // The test binary is `target/<profile>/deps/example_cli-<hash>`.
    let profile_dir = exe.parent()?.parent()?;
    let binary = profile_dir.join("examples").join(format!("butler{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        Some(binary)
    } else {
        println!(
            "SKIPPED: the butler example is not built at {} (build it with cargo build -p plex-sdk --example butler)",
            binary.display()
        );
        None
    }
}

/// What one run of the example gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!("exit status {:?}\n--- stdout ---\n{}--- stderr ---\n{}", self.code, self.stdout, self.stderr)
    }

    /// No panic message or backtrace, no `Debug` dump of an error.
    fn assert_clean_stderr(&self) {
        for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace", "Api {", "Connect {", "source:"] {
            assert!(!self.stderr.contains(bad), "stderr contains `{bad}`:\n{}", self.describe());
        }
    }
}

/// Runs the example with `args` (off the async runtime, which keeps serving the mock server).
async fn run(binary: PathBuf, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let output: Output = tokio::task::spawn_blocking(move || Command::new(&binary).args(&args).output())
        .await
        .expect("the blocking task ran")
        .expect("the example binary starts");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the example against `server` with the token and `command`.
async fn run_against(binary: PathBuf, server: &MockServer, command: &[&str]) -> Run {
    let uri = server.uri();
    let mut args = vec!["--server-url", uri.as_str(), "--token", TOKEN, "--timeout", "5"];
    args.extend_from_slice(command);
    run(binary, &args).await
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

#[tokio::test(flavor = "multi_thread")]
async fn list_prints_an_aligned_table() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(TWO_TASKS_BODY, "application/json"))
        .mount(&server)
        .await;

    let run = run_against(binary, &server, &["list"]).await;

    assert_eq!(run.code, Some(0), "{}", run.describe());
    run.assert_clean_stderr();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "header, two rows, count:\n{}", run.describe());
    let header = lines[0];
    for column in ["NAME", "ENABLED", "INTERVAL (days)", "RANDOMIZED", "TITLE"] {
        assert!(header.contains(column), "header lacks {column}: {header}");
    }
    let backup = lines[1];
    let refresh = lines[2];
    assert!(backup.starts_with("BackupDatabase ") && backup.ends_with("Backup Database"), "{backup}");
    assert!(refresh.starts_with("RefreshLocalMedia ") && refresh.ends_with("Refresh Local Metadata"), "{refresh}");
    let cells = |line: &str| line.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(cells(backup)[..4], ["BackupDatabase", "yes", "3", "no"]);
    // The missing interval shows as `-`.
    assert_eq!(cells(refresh)[..4], ["RefreshLocalMedia", "no", "-", "yes"]);
    // Columns are aligned: every column starts at the same offset on each line.
    for column in ["ENABLED", "INTERVAL (days)", "RANDOMIZED", "TITLE"] {
        let offset = header.find(column).unwrap();
        for row in [backup, refresh] {
            assert_ne!(row.as_bytes()[offset], b' ', "column {column} misaligned in `{row}`");
            assert_eq!(row.as_bytes()[offset - 1], b' ', "column {column} misaligned in `{row}`");
        }
    }
    assert_eq!(lines[3], "2 tasks");

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    let token = received[0].headers.get("x-plex-token").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(token.as_deref(), Some(TOKEN), "the request carried X-Plex-Token");
}

#[tokio::test(flavor = "multi_thread")]
async fn start_reports_started_and_already_running() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/butler/RefreshLocalMedia"))
        .respond_with(ResponseTemplate::new(200))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/butler/RefreshLocalMedia"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;

    let first = run_against(binary.clone(), &server, &["start", "RefreshLocalMedia"]).await;
    assert_eq!(first.code, Some(0), "{}", first.describe());
    assert_eq!(first.stdout.trim(), "started RefreshLocalMedia", "{}", first.describe());
    first.assert_clean_stderr();

    let second = run_against(binary, &server, &["start", "RefreshLocalMedia"]).await;
    assert_eq!(second.code, Some(0), "{}", second.describe());
    assert!(second.stdout.contains("already running"), "{}", second.describe());
    second.assert_clean_stderr();

    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_task_name_lists_the_valid_ones_and_sends_nothing() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;

    let run = run_against(binary, &server, &["start", "NotATask"]).await;

    assert_eq!(run.code, Some(2), "{}", run.describe());
    assert!(run.stderr.contains("unknown task `NotATask`"), "{}", run.describe());
    assert!(run.stderr.contains("valid task names:"), "{}", run.describe());
    for name in ["AutomaticUpdates", "RefreshLocalMedia", "UpgradeMediaAnalysis", "ButlerTaskGenerateAdMarkers"] {
        assert!(run.stderr.contains(name), "{name} is not listed:\n{}", run.describe());
    }
    run.assert_clean_stderr();
    assert!(run.stdout.is_empty(), "{}", run.describe());
    assert!(requests(&server).await.is_empty(), "no request may be sent for an unknown task");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_is_explained_without_showing_it() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .mount(&server)
        .await;

    let run = run_against(binary, &server, &["list"]).await;

    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(
        run.stderr.contains("error: the server refused the token (401 Unauthorized); check --token"),
        "{}",
        run.describe()
    );
    assert!(!run.stderr.contains(TOKEN) && !run.stdout.contains(TOKEN), "the token leaked:\n{}", run.describe());
    run.assert_clean_stderr();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_is_explained() {
    let Some(binary) = example_binary() else { return };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}");

    let run = run(binary, &["--server-url", &url, "--token", TOKEN, "list"]).await;

    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(run.stderr.contains(&format!("error: cannot reach the Plex server at {url}: ")), "{}", run.describe());
    assert!(!run.stderr.contains(TOKEN), "the token leaked:\n{}", run.describe());
    run.assert_clean_stderr();
}

#[tokio::test(flavor = "multi_thread")]
async fn stopping_a_task_that_is_not_running_fails_clearly() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/butler/CleanOldBundles"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;

    let run = run_against(binary, &server, &["stop", "CleanOldBundles"]).await;

    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(run.stderr.contains("no task named `CleanOldBundles` is running"), "{}", run.describe());
    assert!(run.stdout.is_empty(), "{}", run.describe());
    run.assert_clean_stderr();
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn starting_a_task_the_server_does_not_have_fails_clearly() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/butler/MusicAnalysis"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;

    let run = run_against(binary, &server, &["start", "MusicAnalysis"]).await;

    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(run.stderr.contains("the server has no task named `MusicAnalysis`"), "{}", run.describe());
    run.assert_clean_stderr();
}

#[tokio::test(flavor = "multi_thread")]
async fn start_all_and_stop_all_confirm() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/butler")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    Mock::given(method("DELETE")).and(path("/butler")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let start = run_against(binary.clone(), &server, &["start-all"]).await;
    assert_eq!(start.code, Some(0), "{}", start.describe());
    assert!(start.stdout.contains("start every enabled Butler task"), "{}", start.describe());

    let stop = run_against(binary, &server, &["stop-all"]).await;
    assert_eq!(stop.code, Some(0), "{}", stop.describe());
    assert!(stop.stdout.contains("stop every running Butler task"), "{}", stop.describe());

    let methods: Vec<String> = requests(&server).await.iter().map(|r| r.method.to_string()).collect();
    assert_eq!(methods, ["POST", "DELETE"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_server_times_out_with_a_clear_message() {
    let Some(binary) = example_binary() else { return };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(TWO_TASKS_BODY, "application/json")
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;

    let uri = server.uri();
    let run = run(binary, &["--server-url", &uri, "--token", TOKEN, "--timeout", "1", "list"]).await;

    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(run.stderr.contains("did not answer within 1s"), "{}", run.describe());
    run.assert_clean_stderr();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_server_url_is_a_usage_error() {
    let Some(binary) = example_binary() else { return };

    let run = run(binary, &["--server-url", "not a url", "list"]).await;

    assert_eq!(run.code, Some(2), "{}", run.describe());
    assert!(run.stderr.starts_with("error: invalid configuration: server URL `not a url`"), "{}", run.describe());
    run.assert_clean_stderr();
}
