//! Helpers shared by the workspace-level tests in `tests/tests/`.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

/// The project's own OpenAPI document.
pub fn spec_path() -> PathBuf {
    workspace_root().join("spec/plex-api-spec.yaml")
}

/// The label generated files give their source (as `cargo xtask codegen` does).
pub const SPEC_LABEL: &str = "spec/plex-api-spec.yaml";

/// `../shared` beside the checkout, when it is there (CI has it; a fresh clone may not).
/// Prints why a test is skipping when it is absent; panics instead when the environment
/// variable `CI` is set, so that CI cannot pass by skipping.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared");
    if dir.join("plex-api-spec").is_dir() {
        return Some(dir);
    }
    let why = "../shared/plex-api-spec is not beside the checkout (it holds the upstream documents)";
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {why}, and CI is set: CI must run this test");
    }
    eprintln!("SKIPPED {test}: {why}");
    None
}

/// The URL of a service a test needs, from the environment variable `var` (Prism, which
/// `.ci/run` starts). Prints why the test is skipping when it is not set; panics instead when
/// `CI` is set.
pub fn service_url(var: &str, test: &str) -> Option<String> {
    let url = std::env::var(var).ok().filter(|u| !u.is_empty());
    if url.is_none() {
        let why = format!("{var} is not set (.ci/run starts Prism when npm and ../shared are there)");
        if std::env::var_os("CI").is_some() {
            panic!("{test}: {why}, and CI is set: CI must run this test");
        }
        eprintln!("SKIPPED {test}: {why}");
    }
    url
}

/// The upstream documents in `../shared/plex-api-spec/`, sorted by name (oldest first).
pub fn upstream_documents(shared: &Path) -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(shared.join("plex-api-spec"))
        .map(|entries| {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect()
        })
        .unwrap_or_default();
    docs.sort();
    docs
}

/// Generates every tag of the project's spec, in memory (what `cargo xtask codegen` does).
pub fn generate_project_sdk() -> plex_codegen::Generation {
    let mut generation = plex_codegen::generate_from_path(&spec_path(), &[], SPEC_LABEL)
        .unwrap_or_else(|e| panic!("generating from spec/: {e}"));
    let manifest = plex_codegen::emit::manifest(&workspace_root().join("plex-sdk"), &generation.api)
        .unwrap_or_else(|e| panic!("plex-sdk's manifest: {e}"));
    generation.files.push(manifest);
    generation
}

/// The workspace README's examples, compiled as doc tests against plex-sdk.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The guide to testing with plex-sdk-mock (`plex-sdk/docs/testing.md`), included so that
/// `cargo test -p plex-sdk-tests --doc` runs its examples. It lives with the SDK's reference
/// pages, outside plex-sdk-mock's package, so the mock's own doc tests cannot include it.
#[cfg(doctest)]
#[doc = include_str!("../../plex-sdk/docs/testing.md")]
pub struct TestingGuide;
