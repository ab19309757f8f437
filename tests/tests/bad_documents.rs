//! The bad-document corpus: `tests/fixtures/bad/` holds small OpenAPI documents of a tiny
//! imaginary API (the `Things` tag), each broken in ONE way: malformed YAML or JSON, a wrong
//! version, unresolved or cyclic `$ref`s, malformed operations, parameters and paths, and
//! constructs the generator does not support. Every one must be rejected, never panic nor
//! hang, and its report (`Error::report()`) is snapshotted: it must name the file, and the line
//! of the node whenever it names a JSON pointer.
//!
//! The tag generated is `Things`, unless the document's first line says otherwise
//! (`# tag: Nope`). Documents the generator handles although they look suspicious (a
//! `type: 'null'` schema) live in `tests/fixtures/bad/handled/` and must generate.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long one document may take (the progenitor culprit search runs progenitor repeatedly).
const TIMEOUT: Duration = Duration::from_secs(120);

/// The tag generated unless the document's first line is `# tag: <name>`.
const DEFAULT_TAG: &str = "Things";

/// Documents of the corpus left out of the asserted set, each with why: the generator does not
/// reject them (or not with a useful report) yet. They stay in the corpus as findings; when the
/// generator is fixed, remove the entry and accept the new snapshot.
const KNOWN_GAPS: &[(&str, &str)] = &[];

fn corpus_dir() -> PathBuf {
    plex_sdk_tests::workspace_root().join("tests/fixtures/bad")
}

/// The file names (not folders) in `dir`, sorted.
fn documents(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} is readable: {e}", dir.display()))
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

fn tag_of(text: &str) -> String {
    text.lines()
        .next()
        .and_then(|line| line.strip_prefix("# tag:"))
        .map(|tag| tag.trim().to_string())
        .unwrap_or_else(|| DEFAULT_TAG.to_string())
}

fn stem(file: &str) -> String {
    Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| file.to_string())
}

/// What the generator made of one document.
enum Outcome {
    Generated,
    Rejected(plex_codegen::Error),
    Panicked(String),
    TimedOut,
}

/// Loads `text` as `label` and generates its tag, on a thread of its own so that a panic is
/// caught and a hang is noticed.
fn run(label: String, text: String) -> Outcome {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let result = catch_unwind(AssertUnwindSafe(|| {
            let tag = tag_of(&text);
            let doc = plex_codegen::load::parse(label, text)?;
            plex_codegen::generate(&doc, &[tag], "bad").map(|_| ())
        }));
        let _ = sender.send(result);
    });
    match receiver.recv_timeout(TIMEOUT) {
        Ok(Ok(Ok(()))) => Outcome::Generated,
        Ok(Ok(Err(err))) => Outcome::Rejected(err),
        Ok(Err(panic)) => Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into()),
        ),
        Err(_) => Outcome::TimedOut,
    }
}

#[test]
fn every_bad_document_is_rejected_with_a_report() {
    let dir = corpus_dir();
    let files = documents(&dir);
    assert!(files.len() >= 34, "expected at least 34 bad documents in {}, found {}", dir.display(), files.len());
    let mut failures = Vec::new();
    for (gap, _) in KNOWN_GAPS {
        if !files.iter().any(|f| f == gap) {
            failures.push(format!("{gap}: listed in KNOWN_GAPS but not in the corpus"));
        }
    }
    let mut reports = Vec::new();
    for file in &files {
        if KNOWN_GAPS.iter().any(|(gap, _)| gap == file) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
        let label = format!("bad/{file}");
        match run(label.clone(), text) {
            Outcome::Rejected(err) => {
                let report = err.report();
                if !report.starts_with("error: ") {
                    failures.push(format!("{file}: the report does not start with `error: `:\n{report}"));
                }
                if !report.contains(&label) {
                    failures.push(format!("{file}: the report does not name `{label}`:\n{report}"));
                }
                if let Some(location) = err.location()
                    && !location.pointer.is_empty()
                    && location.line.is_none()
                {
                    failures.push(format!("{file}: {} has no line number:\n{report}", location.pointer));
                }
                reports.push((file, report));
            }
            Outcome::Generated => failures.push(format!("{file}: generated without an error")),
            Outcome::Panicked(message) => failures.push(format!("{file}: the generator panicked: {message}")),
            Outcome::TimedOut => failures.push(format!("{file}: no answer within {TIMEOUT:?}")),
        }
    }
    if !failures.is_empty() {
        eprintln!("bad-document corpus failures:\n{}", failures.join("\n"));
    }
    for (file, report) in &reports {
        insta::with_settings!({
            description => format!("tests/fixtures/bad/{file}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("bad_{}", stem(file)), report);
        });
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    println!("bad-document corpus: {} documents, all rejected with a report", reports.len());
    for (gap, why) in KNOWN_GAPS {
        println!("  left out (known gap): {gap}: {why}");
    }
}

/// Documents that look bad but that the generator handles (the normaliser rewrites them):
/// they must generate.
#[test]
fn handled_documents_generate() {
    let dir = corpus_dir().join("handled");
    let files = documents(&dir);
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
        match run(format!("bad/handled/{file}"), text) {
            Outcome::Generated => {}
            Outcome::Rejected(err) => failures.push(format!("{file}: rejected:\n{}", err.report())),
            Outcome::Panicked(message) => failures.push(format!("{file}: the generator panicked: {message}")),
            Outcome::TimedOut => failures.push(format!("{file}: no answer within {TIMEOUT:?}")),
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    println!("handled corpus: {} documents, all generated", files.len());
}
