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
/// Prints why a test is skipping when it is absent.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared");
    if dir.join("plex-api-spec").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED {test}: ../shared/plex-api-spec is not beside the checkout (it holds the upstream documents)"
        );
        None
    }
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
    let manifest = plex_codegen::features::manifest(&workspace_root().join("plex-sdk"), &generation.api)
        .unwrap_or_else(|e| panic!("plex-sdk's manifest: {e}"));
    generation.files.push(manifest);
    generation
}

/// The workspace README's examples, compiled as doc tests against plex-sdk.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
