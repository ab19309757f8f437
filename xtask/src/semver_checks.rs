//! `cargo xtask semver-crosscheck`: our Rust classification predicts from two documents
//! whether Rust callers break; cargo-semver-checks measures it on the compiled crates. For
//! each pair in `tests/fixtures/changelog/` and the Butler path-parameter rename of our own
//! history, this generates the SDK before and after (standalone copies of plex-sdk in a
//! temporary folder), runs `cargo semver-checks` on the two, and writes the comparison to
//! `docs/semver.md`. Every disagreement needs an explanation in `explain`; `--check` fails
//! on one without it and when the committed table is stale.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, bail};
use plex_codegen::Document;
use plex_codegen::diff::{self, Classification};
use serde_json::Value;

use crate::cases::{Case, cases};
use crate::notes;

mod report;
mod sdk_crate;

pub use report::{Agreement, Outcome, Row};

/// Options of the command.
#[derive(clap::Args)]
pub struct Args {
    /// Where to write the table (default: docs/semver.md at the workspace root).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Write nothing; fail when a disagreement is unexplained or the committed table differs.
    #[arg(long)]
    check: bool,
    /// Only this case (repeatable; a fixture folder name or `butler-rename`); implies not
    /// writing the table.
    #[arg(long = "case")]
    cases: Vec<String>,
    /// Keep the temporary crates and print where they are.
    #[arg(long)]
    keep: bool,
}

/// The top-level parts of spec/ that make a document Plex-shaped for the hand-written
/// runtime (client-wide headers, the token scheme, servers); the fixtures are otherwise
/// plain documents.
fn plex_shaped(fixture: &Value, spec: &Value) -> Value {
    let mut doc = fixture.clone();
    for key in ["servers", "security", "x-speakeasy-globals"] {
        if let (Some(value), None) = (spec.get(key), doc.get(key)) {
            doc[key] = value.clone();
        }
    }
    for section in ["securitySchemes", "parameters"] {
        let Some(from) = spec.pointer(&format!("/components/{section}")).and_then(Value::as_object) else { continue };
        if doc.get("components").is_none() {
            doc["components"] = Value::Object(Default::default());
        }
        let into = doc["components"].as_object_mut().expect("components is an object").entry(section);
        let into = into.or_insert_with(|| Value::Object(Default::default()));
        if let Some(into) = into.as_object_mut() {
            // The client-wide headers' parameters only: the rest of spec/'s would bring
            // references to schemas the fixture does not have.
            let globals: Vec<&str> = spec
                .pointer("/x-speakeasy-globals/parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("$ref")?.as_str()?.rsplit('/').next())
                .collect();
            for (name, value) in from.iter().filter(|(n, _)| section != "parameters" || globals.contains(&n.as_str())) {
                into.entry(name.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    doc
}

fn reparse(label: String, value: &Value) -> anyhow::Result<Document> {
    Ok(plex_codegen::openapi::parse(label, serde_json::to_string_pretty(value)?)?)
}

/// The version of the installed cargo-semver-checks, or `None` when it is not installed.
fn tool_version() -> Option<String> {
    let out = Command::new("cargo").args(["semver-checks", "--version"]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The operation (`/paths/<path>/<method>`) a generator error points into, if any.
fn failing_operation(error: &plex_codegen::Error) -> Option<(String, String)> {
    let segments = plex_codegen::openapi::pointer_segments(&error.location()?.pointer);
    match segments.as_slice() {
        [paths, path, method, ..] if paths == "paths" => Some((path.clone(), method.clone())),
        _ => None,
    }
}

/// One side of a case, generated.
type Files = Vec<plex_codegen::GeneratedFile>;

/// What one case generates: both sides' files, the operations left out of both
/// (`GET /widgets: reason`), and whether the pair still carries the whole change.
struct Generated {
    old: Files,
    new: Files,
    left_out: Vec<String>,
    complete: bool,
}

/// A path relative to the workspace, for generated headers and messages.
fn label(root: &Path, doc: &Document) -> String {
    doc.file.strip_prefix(root).unwrap_or(&doc.file).to_string_lossy().replace('\\', "/")
}

/// Both sides of a case in the Plex shape the runtime needs, without the operations the
/// generator cannot make yet (request bodies, at the time of writing): generation is tried,
/// and an operation an error points into is left out of both sides, until both generate.
/// When that drops part of what the pair changes, the pair is incomplete.
fn generate(root: &Path, case: &Case, spec: &Value) -> anyhow::Result<Generated> {
    let mut sides = [plex_shaped(&case.old.value, spec), plex_shaped(&case.new.value, spec)];
    let labels = [label(root, &case.old), label(root, &case.new)];
    let mut left_out = Vec::new();
    loop {
        let mut files = Vec::new();
        let mut failure = None;
        for (doc, label) in sides.iter().zip(&labels) {
            match plex_codegen::generate(&reparse(label.clone(), doc)?, &case.tags, label) {
                Ok(generation) => files.push(generation.files),
                Err(e) => {
                    failure = Some((failing_operation(&e), e.reason(), e.report()));
                    break;
                }
            }
        }
        let Some((operation, reason, report)) = failure else {
            let pruned = |i: usize| reparse(labels[i].clone(), &sides[i]);
            let before = diff::flatten(&plex_codegen::changelog(&case.old, &case.new, Classification::Rust)?);
            let after = diff::flatten(&plex_codegen::changelog(&pruned(0)?, &pruned(1)?, Classification::Rust)?);
            let new = files.pop().expect("two sides");
            return Ok(Generated { old: files.pop().expect("two sides"), new, left_out, complete: before == after });
        };
        let Some((path, method)) = operation.filter(|_| left_out.len() < 20) else {
            bail!("generating {}: {report}", case.name);
        };
        for doc in &mut sides {
            if let Some(item) = doc.pointer_mut(&format!("/paths/{}", plex_codegen::openapi::escape_segment(&path))) {
                item.as_object_mut().map(|o| o.remove(&method));
            }
        }
        left_out.push(format!("`{} {path}`: {reason}", method.to_uppercase()));
    }
}

/// What measuring one case gives: the tool's outcome, the operations left out, and the
/// release-note lines for model types renamed, removed or added.
type Measured = (Outcome, Vec<String>, Vec<notes::Line>);

/// Runs cargo-semver-checks on the two copies of one case.
fn measure(root: &Path, case: &Case, spec: &Value, work: &Path, manifest: &str) -> anyhow::Result<Measured> {
    let generated = generate(root, case, spec)?;
    let types = notes::type_lines(&generated.old, &generated.new);
    if !generated.complete {
        return Ok((Outcome::NotMeasured, generated.left_out, types));
    }
    let dir = work.join(&case.name);
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
    sdk_crate::write(root, &old_dir, manifest, &generated.old)?;
    sdk_crate::write(root, &new_dir, manifest, &generated.new)?;
    let out = Command::new("cargo")
        .args(["semver-checks", "check-release", "--color", "never", "--release-type", "minor", "--default-features"])
        .arg("--manifest-path")
        .arg(new_dir.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(&old_dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", root.join("target/semver-crosscheck"))
        .output()
        .context("running cargo semver-checks")?;
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    std::fs::write(dir.join("semver-checks.txt"), &text)?;
    Ok((report::outcome(out.status.success(), &text)?, generated.left_out, types))
}

/// Runs the command.
pub fn run(root: &Path, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(version) = tool_version() else {
        bail!("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked`");
    };
    let started = Instant::now();
    let spec = plex_codegen::openapi::load(&root.join(crate::release::SPEC))?.value;
    let manifest = sdk_crate::manifest(root)?;
    let work = tempfile::Builder::new().prefix("plex-sdk-semver-").tempdir().context("making a temporary folder")?;
    let mut rows = Vec::new();
    for case in cases(root)? {
        if !args.cases.is_empty() && !args.cases.contains(&case.name) {
            continue;
        }
        let case_start = Instant::now();
        let changelog = plex_codegen::changelog(&case.old, &case.new, Classification::Rust)?;
        let (tool, left_out, types) = measure(root, &case, &spec, work.path(), &manifest)?;
        let mut lines = notes::lines(&changelog);
        lines.extend(types);
        println!(
            "{:<34} ours: {:<12} cargo-semver-checks: {:<12} ({:.0?})",
            case.name,
            if changelog.breaking() { "breaking" } else { "compatible" },
            tool.verdict(),
            case_start.elapsed()
        );
        for operation in &left_out {
            println!("    left out of both SDKs: {operation}");
        }
        rows.push(Row { case: case.name.clone(), notes: lines, ours: changelog.breaking(), tool, left_out });
    }
    println!("{} cases in {:.0?}", rows.len(), started.elapsed());
    if args.keep {
        println!("temporary crates kept in {}", work.keep().display());
    }
    let unexplained: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            !matches!(r.agreement(), Agreement::Both | Agreement::NotMeasured) && report::explain(&r.case).is_none()
        })
        .collect();
    for row in &unexplained {
        eprintln!(
            "error: {}: {} with no explanation in xtask/src/semver_checks/report.rs `explain`",
            row.case,
            row.agreement().label()
        );
    }
    if !args.cases.is_empty() {
        return Ok(if unexplained.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let text = report::markdown(&rows, &version);
    let output = args.output.clone().unwrap_or_else(|| root.join("docs/semver.md"));
    if args.check {
        let committed = std::fs::read_to_string(&output).unwrap_or_default();
        if report::without_version(&committed) != report::without_version(&text) {
            eprintln!("error: {} is stale: run `cargo xtask semver-crosscheck` and commit it", output.display());
            return Ok(ExitCode::from(1));
        }
        println!("{} is up to date", output.display());
    } else {
        if let Some(parent) = output.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&output, text)?;
        println!("wrote {}", output.display());
    }
    Ok(if unexplained.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
