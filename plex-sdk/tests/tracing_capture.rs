//! What the SDK writes to `tracing`, captured from a `tracing_subscriber::fmt` subscriber at
//! TRACE level with span close events: every call's span carries its operation, method, path
//! template, status, attempts and elapsed time, whatever the outcome; the token never shows;
//! plain `http://` to a remote host is warned about once per process.
//!
//! Each test installs its subscriber for its own thread only (`set_default`), and runs on a
//! current-thread runtime, so it sees exactly the events of its own calls. This file is a test
//! binary of its own, which makes the once-per-process warning testable.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plex_sdk::models::ButlerTask;
use plex_sdk::{Error, PlexClient, RetryConfig};
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::closed_port;

const TOKEN: &str = "tok-7f3a9c-secret";

const TASKS_BODY: &str = r#"{"ButlerTasks":{"ButlerTask":[{"name":"BackupDatabase","enabled":true,"interval":3}]}}"#;

/// Everything the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Installs a TRACE-level fmt subscriber writing here, for the current thread, until the
    /// guard is dropped.
    fn install(&self) -> DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::CLOSE)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The close event of the one call span whose line holds every one of `parts`.
fn close_line<'t>(text: &'t str, parts: &[&str]) -> &'t str {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("plex_sdk.call{") && line.contains(" close "))
        .filter(|line| parts.iter().all(|part| line.contains(part)))
        .collect();
    assert_eq!(lines.len(), 1, "expected one span close line with {parts:?}, got {lines:#?}\n--- captured ---\n{text}");
    lines[0]
}

/// The value of `field=` on `line`, as written.
fn field<'l>(line: &'l str, name: &str) -> &'l str {
    let key = format!(" {name}=");
    let start = line.find(&key).map(|i| i + key.len()).unwrap_or_else(|| panic!("no `{name}=` in {line}"));
    line[start..].split([' ', '}']).next().unwrap()
}

fn client_for(url: impl Into<String>) -> PlexClient {
    PlexClient::builder().server_url(url).token(TOKEN).client_identifier("tracing-capture").build().unwrap()
}

fn fast_retries() -> RetryConfig {
    RetryConfig::default()
        .initial_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(10))
        .max_elapsed_time(Duration::from_millis(60))
        .retry_connection_errors(false)
}

#[tokio::test(flavor = "current_thread")]
async fn call_spans_record_their_fields_and_never_the_token() {
    let capture = Capture::default();
    let _guard = capture.install();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(TASKS_BODY, "application/json"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // Then a body that does not decode.
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"ButlerTasks":["#, "application/json"))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!("bad token {TOKEN}")))
        .mount(&server)
        .await;
    // A server error page that echoes the token back: retried (the POST opts in), so logged on
    // each retry.
    Mock::given(method("POST"))
        .and(path("/butler/BackupDatabase"))
        .respond_with(ResponseTemplate::new(500).set_body_string(format!("X-Plex-Token: {TOKEN} rejected upstream")))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = client_for(server.uri());

    client.butler().get_tasks().await.expect("the first call succeeds");
    let decode = client.butler().get_tasks().retries(fast_retries()).await.unwrap_err();
    assert!(matches!(decode, Error::Decode { .. }), "{decode:?}");
    let unauthorized = client.butler().start_tasks().retries(fast_retries()).await.unwrap_err();
    assert_eq!(unauthorized.status(), Some(401));
    let server_error = client
        .butler()
        .start_task(ButlerTask::BackupDatabase)
        .retries(fast_retries().retry_non_idempotent(true))
        .await
        .unwrap_err();
    assert_eq!(server_error.status(), Some(500));
    let refused = client_for(format!("http://127.0.0.1:{}", closed_port())).butler().get_tasks().await.unwrap_err();
    assert!(matches!(refused, Error::Connect { .. }), "{refused:?}");
    // A call its caller gives up on (its future dropped) still ends its span with what it knows.
    let abandoned = tokio::time::timeout(Duration::from_millis(100), client.butler().stop_tasks().send_raw()).await;
    assert!(abandoned.is_err(), "the slow call was abandoned");

    let text = capture.text();
    assert!(!text.contains(TOKEN), "the token leaked into the trace:\n{text}");
    assert!(text.contains("<redacted>"), "the echoed token shows as <redacted> in the retry events:\n{text}");

    let common = [r#"operation="getTasks""#, "method=GET", r#"path="/butler""#];
    // Success, then the decode error: both are 200s after one attempt.
    let successes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" close ") && l.contains("status=") && common.iter().all(|p| l.contains(p)))
        .collect();
    assert_eq!(successes.len(), 2, "{text}");
    for line in successes {
        assert_eq!(field(line, "status"), "200", "{line}");
        assert_eq!(field(line, "attempt"), "1", "{line}");
        field(line, "elapsed_ms").parse::<u64>().expect("elapsed_ms is a number");
    }

    let line = close_line(&text, &[r#"operation="startTasks""#, "method=POST", r#"path="/butler""#]);
    assert_eq!(field(line, "status"), "401", "{line}");
    assert_eq!(field(line, "attempt"), "1", "a 401 is not retried: {line}");

    let line = close_line(&text, &[r#"operation="startTask""#, "method=POST", r#"path="/butler/{butlerTask}""#]);
    assert_eq!(field(line, "status"), "500", "{line}");
    let attempts: u32 = field(line, "attempt").parse().unwrap();
    assert!(attempts > 1, "a 500 is retried: {line}");
    assert!(text.contains("retrying"), "each retry is logged:\n{text}");

    // No response at all: no status, but attempts and time are still recorded.
    let refused_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" close ") && l.contains(r#"operation="getTasks""#) && !l.contains("status="))
        .collect();
    assert_eq!(refused_lines.len(), 1, "{text}");
    assert_eq!(field(refused_lines[0], "attempt"), "1");
    field(refused_lines[0], "elapsed_ms").parse::<u64>().expect("elapsed_ms is a number");

    let line = close_line(&text, &[r#"operation="stopTasks""#, "method=DELETE", r#"path="/butler""#]);
    assert_eq!(field(line, "attempt"), "1", "{line}");
    let elapsed: u64 = field(line, "elapsed_ms").parse().unwrap();
    assert!((90..1000).contains(&elapsed), "abandoned after about 100 ms: {line}");
}

#[test]
fn plain_http_to_a_remote_host_is_warned_about_once_per_process() {
    let capture = Capture::default();
    let _guard = capture.install();
    let warnings =
        |capture: &Capture| capture.text().lines().filter(|l| l.contains("WARN") && l.contains("unencrypted")).count();

    // Loopback and https first: no warning, and the once-per-process warning is not used up.
    for url in
        ["http://127.0.0.1:1", "http://localhost:32400", "http://[::1]:32400", "https://plex.example.invalid:32400"]
    {
        client_for(url);
        assert_eq!(warnings(&capture), 0, "no warning expected for {url}:\n{}", capture.text());
    }

    // Building does not connect, so an unresolvable host is fine.
    client_for("http://plex.example.invalid:32400");
    client_for("http://plex.example.invalid:32400");
    client_for("http://192.0.2.7:32400");

    let text = capture.text();
    assert_eq!(warnings(&capture), 1, "exactly one warning per process:\n{text}");
    assert!(text.contains("plex.example.invalid"), "the warning names the host:\n{text}");
    assert!(!text.contains(TOKEN), "the token leaked into the warning:\n{text}");
}
