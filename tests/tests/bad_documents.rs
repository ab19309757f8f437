//! The bad-document corpus: `tests/fixtures/bad/` holds small OpenAPI documents of a tiny
//! imaginary API (the `Things` tag), each broken in ONE way: malformed YAML or JSON, a wrong
//! version, unresolved or cyclic `$ref`s, malformed operations, parameters and paths, and
//! constructs the generator does not support. Two more are made at run time (one line of
//! 20,000 nested flow mappings, in YAML and in JSON: too big to commit). Every one must be
//! rejected by codegen, never panic nor hang, and its report (`Error::report()`) is
//! snapshotted: it must name the file and a line.
//!
//! Every command reads documents, so every document that is broken whatever is generated
//! from it (syntax, version, structure, `$ref`s, operationIds, path parameters) must also be
//! refused by `changelog` (against itself, and against a good document either way) and by
//! `breaking`'s library path, with a located report; those reports are snapshotted together.
//! The documents only codegen refuses are listed in [`CODEGEN_ONLY`], each with why, and the
//! changelog must accept them.
//!
//! The tag generated is `Things`, unless the document's first line says otherwise
//! (`# tag: Nope`). Documents the generator handles although they look suspicious (a
//! `type: 'null'` schema) live in `tests/fixtures/bad/handled/` and must generate.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use plex_codegen::diff::Classification;
use plex_codegen::{Document, Error};

/// How long one document may take (finding the schema typify fails on runs typify repeatedly).
const TIMEOUT: Duration = Duration::from_secs(120);

/// The tag generated unless the document's first line is `# tag: <name>`.
const DEFAULT_TAG: &str = "Things";

/// Documents of the corpus left out of the asserted set, each with why: the generator does not
/// reject them (or not with a useful report) yet. They stay in the corpus as findings; when the
/// generator is fixed, remove the entry and accept the new snapshot.
const KNOWN_GAPS: &[(&str, &str)] = &[];

/// Documents only codegen refuses: valid OpenAPI that the changelog reads as it is, which the
/// generator cannot turn into Rust (or whose tag it cannot select).
const CODEGEN_ONLY: &[(&str, &str)] = &[
    ("29-responses-missing.yaml", "OpenAPI 3.1 makes `responses` optional"),
    ("33-operation-ids-same-method.yaml", "two operationIds that make one Rust method name"),
    ("34-operation-id-self.yaml", "an operationId that is a Rust keyword"),
    ("40-parameter-cookie.yaml", "cookie parameters are not generated"),
    ("41-parameter-content.yaml", "parameters described by `content` are not generated"),
    ("50-parameters-same-rust-name.yaml", "two parameters that make one Rust argument name"),
    ("51-path-level-params-same-rust-name.yaml", "two parameters that make one Rust argument name"),
    ("52-tag-unknown.yaml", "the tag to generate is not in the document"),
    ("53-tag-not-an-identifier.yaml", "the tag to generate makes no Rust module name"),
    ("54-schema-not.yaml", "typify cannot make a type of `not`"),
    ("55-schema-enum-mixed-types.yaml", "an enum of strings and numbers makes no Rust enum"),
    ("56-schema-enum-values-same-rust-name.yaml", "two enum values that make one Rust variant"),
    ("59-schema-names-same-rust-name.yaml", "two schemas that make one Rust type name"),
    ("60-schema-properties-same-rust-name.yaml", "two properties that make one Rust field name"),
    ("61-parameters-same-rust-name-after-globals.yaml", "two parameters that make one Rust argument name"),
];

/// The good document the bad ones are compared with.
fn good_document() -> Document {
    plex_codegen::openapi::load(&plex_sdk_tests::spec_path()).expect("spec/ loads")
}

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

/// How many nested flow mappings the generated one-line documents hold.
const NESTING: usize = 20_000;

/// The documents made at run time: (file name, text).
fn generated_documents() -> Vec<(String, String)> {
    let head = "openapi: 3.1.0\ninfo:\n  title: Things API\n  version: 1.0.0\npaths: {}\n";
    let yaml = format!("{head}x-deep: {}1{}\n", "{a: ".repeat(NESTING), "}".repeat(NESTING));
    let json = format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "Things API", "version": "1.0.0"}}, "paths": {{}}, "x-deep": {}1{}}}"#,
        r#"{"a": "#.repeat(NESTING),
        "}".repeat(NESTING)
    );
    vec![("61-yaml-one-line-nested-mappings.yaml".into(), yaml), ("62-json-one-line-nested-mappings.json".into(), json)]
}

/// The corpus: the committed documents then the generated ones, as (file name, text).
fn corpus() -> Vec<(String, String)> {
    let dir = corpus_dir();
    let mut docs: Vec<(String, String)> = documents(&dir)
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(dir.join(&file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
            (file, text)
        })
        .collect();
    docs.extend(generated_documents());
    docs
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

/// What a command made of one document.
enum Outcome {
    Accepted,
    Rejected(Error),
    Panicked(String),
    TimedOut,
}

/// Runs `command` on a thread of its own, so that a panic is caught and a hang is noticed.
fn guarded(command: impl FnOnce() -> plex_codegen::Result<()> + Send + 'static) -> Outcome {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(catch_unwind(AssertUnwindSafe(command)));
    });
    match receiver.recv_timeout(TIMEOUT) {
        Ok(Ok(Ok(()))) => Outcome::Accepted,
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

/// Loads `text` as `label` and generates its tag.
fn codegen(label: String, text: String) -> Outcome {
    guarded(move || {
        let tag = tag_of(&text);
        let doc = plex_codegen::openapi::parse(label, text)?;
        plex_codegen::generate(&doc, &[tag], "bad").map(|_| ())
    })
}

/// The ways the changelog commands read a document: each loads it, then compares.
const CHANGELOG_RUNS: [&str; 5] = [
    "changelog bad → bad",
    "changelog bad → good",
    "changelog good → bad",
    "breaking bad → good",
    "breaking good → bad",
];

/// Loads `text` as `label` and runs one of [`CHANGELOG_RUNS`] with it.
fn changelog(run: &'static str, label: String, text: String, good: Arc<Document>) -> Outcome {
    guarded(move || {
        let bad = plex_codegen::openapi::parse(label, text)?;
        let version = semver::Version::new(0, 1, 0);
        let (old, new) = match run.split_once(' ').map_or("", |(_, sides)| sides) {
            "bad → bad" => (&bad, &bad),
            "bad → good" => (&bad, &*good),
            _ => (&*good, &bad),
        };
        if run.starts_with("breaking") {
            plex_codegen::diff::breaking(old, new, &version, &version).map(|_| ())
        } else {
            plex_codegen::changelog(old, new, Classification::Upstream).map(|_| ())
        }
    })
}

/// What is wrong with a rejection's report: it must start with `error: `, name the file and
/// a line, and show the pointer when it has one.
fn report_problems(file: &str, label: &str, err: &Error) -> Vec<String> {
    let report = err.report();
    let mut problems = Vec::new();
    if !report.starts_with("error: ") {
        problems.push(format!("{file}: the report does not start with `error: `:\n{report}"));
    }
    match err.location() {
        Some(location) => match location.line {
            Some(line) if report.contains(&format!("{label}:{line}")) => {}
            _ => problems.push(format!("{file}: the report names no line of `{label}`:\n{report}")),
        },
        None => problems.push(format!("{file}: the error has no location:\n{report}")),
    }
    if let Some(location) = err.location()
        && !location.pointer.is_empty()
        && !report.contains(&format!("(at {})", location.pointer))
    {
        problems.push(format!("{file}: the report does not show {}:\n{report}", location.pointer));
    }
    problems
}

fn describe(file: &str, run: &str, outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Accepted => Some(format!("{file}: {run}: accepted")),
        Outcome::Rejected(_) => None,
        Outcome::Panicked(message) => Some(format!("{file}: {run}: panicked: {message}")),
        Outcome::TimedOut => Some(format!("{file}: {run}: no answer within {TIMEOUT:?}")),
    }
}

#[test]
fn every_bad_document_is_rejected_with_a_report() {
    let docs = corpus();
    assert!(docs.len() >= 36, "expected at least 36 bad documents in {}, found {}", corpus_dir().display(), docs.len());
    let mut failures = Vec::new();
    for (gap, _) in KNOWN_GAPS {
        if !docs.iter().any(|(f, _)| f == gap) {
            failures.push(format!("{gap}: listed in KNOWN_GAPS but not in the corpus"));
        }
    }
    let mut reports = Vec::new();
    for (file, text) in docs {
        if KNOWN_GAPS.iter().any(|(gap, _)| *gap == file) {
            continue;
        }
        let label = format!("bad/{file}");
        match codegen(label.clone(), text) {
            Outcome::Rejected(err) => {
                failures.extend(report_problems(&file, &label, &err));
                reports.push((file, err.report()));
            }
            other => failures.extend(describe(&file, "codegen", &other)),
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

/// The changelog commands refuse every document broken whatever is generated from it, with
/// the same located report whichever side it is on, and accept the [`CODEGEN_ONLY`] ones.
#[test]
fn changelog_and_breaking_refuse_broken_documents() {
    let docs = corpus();
    let good = Arc::new(good_document());
    let mut failures = Vec::new();
    for (only, _) in CODEGEN_ONLY {
        if !docs.iter().any(|(f, _)| f == only) {
            failures.push(format!("{only}: listed in CODEGEN_ONLY but not in the corpus"));
        }
    }
    let mut reports = String::new();
    let mut refused = 0;
    for (file, text) in docs {
        let label = format!("bad/{file}");
        let codegen_only = CODEGEN_ONLY.iter().any(|(f, _)| *f == file);
        let mut seen: Option<String> = None;
        for run in CHANGELOG_RUNS {
            let outcome = changelog(run, label.clone(), text.clone(), Arc::clone(&good));
            match (&outcome, codegen_only) {
                (Outcome::Accepted, true) => {}
                (Outcome::Rejected(err), true) => {
                    failures.push(format!("{file}: {run}: refused, but it is in CODEGEN_ONLY:\n{}", err.report()));
                }
                (Outcome::Rejected(err), false) => {
                    failures.extend(report_problems(&file, &label, err).into_iter().map(|p| format!("{run}: {p}")));
                    let report = err.report();
                    match &seen {
                        Some(first) if *first != report => {
                            failures.push(format!("{file}: {run} reports differently:\n{report}\nthan:\n{first}"))
                        }
                        Some(_) => {}
                        None => seen = Some(report),
                    }
                }
                (other, _) => failures.extend(describe(&file, run, other)),
            }
        }
        if let Some(report) = seen {
            refused += 1;
            reports.push_str(&format!("── {file}\n{report}\n"));
        }
    }
    insta::with_settings!({
        description => "the report of every corpus document that changelog and breaking refuse",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("refused_by_changelog", reports);
    });
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    println!("changelog and breaking: {refused} documents refused, {} accepted (codegen only)", CODEGEN_ONLY.len());
}

/// The snippet of a report is a window around the caret, whatever the length of the line.
#[test]
fn reports_of_one_line_documents_stay_short() {
    for (file, text) in generated_documents() {
        assert!(text.len() > 100_000, "{file} holds one long line ({} bytes)", text.len());
        let Outcome::Rejected(err) = codegen(format!("bad/{file}"), text) else { panic!("{file} is rejected") };
        let report = err.report();
        assert!(report.len() < 1_000, "{file}: a {} byte report:\n{report}", report.len());
        assert!(report.lines().any(|l| l.ends_with('…')), "{file}: the cut is marked:\n{report}");
    }
}

/// Documents that look bad but that the generator handles (the normaliser rewrites them):
/// they must generate, and the changelog reads them too.
#[test]
fn handled_documents_generate() {
    let dir = corpus_dir().join("handled");
    let files = documents(&dir);
    let good = Arc::new(good_document());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
        let label = format!("bad/handled/{file}");
        match codegen(label.clone(), text.clone()) {
            Outcome::Accepted => {}
            Outcome::Rejected(err) => failures.push(format!("{file}: rejected:\n{}", err.report())),
            other => failures.extend(describe(file, "codegen", &other)),
        }
        for run in CHANGELOG_RUNS {
            match changelog(run, label.clone(), text.clone(), Arc::clone(&good)) {
                Outcome::Accepted => {}
                Outcome::Rejected(err) => failures.push(format!("{file}: {run}: rejected:\n{}", err.report())),
                other => failures.extend(describe(file, run, &other)),
            }
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    println!("handled corpus: {} documents, all generated", files.len());
}

/// The documents the changelog is made for pass the checks: spec/, every changelog fixture,
/// and the upstream documents (when `../shared` is there).
#[test]
fn good_documents_pass_the_checks() {
    let root = plex_sdk_tests::workspace_root();
    let mut paths = vec![plex_sdk_tests::spec_path()];
    let fixtures = root.join("tests/fixtures/changelog");
    for case in std::fs::read_dir(&fixtures).expect("tests/fixtures/changelog exists").flatten() {
        paths.extend(["old.yaml", "new.yaml"].map(|f| case.path().join(f)));
    }
    if let Some(shared) = plex_sdk_tests::shared_dir("good_documents_pass_the_checks") {
        paths.extend(plex_sdk_tests::upstream_documents(&shared));
    }
    let mut failures = Vec::new();
    for path in &paths {
        let checked = plex_codegen::openapi::load(path).and_then(|doc| plex_codegen::openapi::check(&doc));
        if let Err(err) = checked {
            failures.push(err.report());
        }
    }
    assert!(paths.len() > 20, "{} documents", paths.len());
    assert!(failures.is_empty(), "{} refused:\n{}", failures.len(), failures.join("\n"));
}
