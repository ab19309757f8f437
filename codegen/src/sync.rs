//! Comparing generated files with the ones committed in the SDK crate, and writing them.
//! `cargo xtask codegen --check` and the freshness test both use [`compare`].

use std::path::Path;

use crate::emit::GeneratedFile;

/// The folder of the crate that generated Rust belongs to (relative to it).
pub const GENERATED_DIR: &str = "src/generated";
/// The folders of the crate that hold only generated files: the code, the reference pages and
/// the test suites (cargo runs `tests/<name>/main.rs` as the test `<name>`).
pub const GENERATED_DIRS: &[&str] = &[GENERATED_DIR, "docs", "tests/conformance", "tests/prism"];

/// How a committed file differs from what the generator makes now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file exists but its text differs; `diff` is a unified diff (committed → fresh).
    Changed {
        /// Path relative to the crate.
        path: String,
        /// Unified diff.
        diff: String,
    },
    /// The generator makes the file but it is not committed.
    Missing {
        /// Path relative to the crate.
        path: String,
    },
    /// A file in the generated folder that the generator no longer makes.
    Extra {
        /// Path relative to the crate.
        path: String,
    },
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Changed { path, diff } => write!(f, "{path} is stale:\n{diff}"),
            Drift::Missing { path } => write!(f, "{path} is missing"),
            Drift::Extra { path } => write!(f, "{path} is no longer generated; delete it"),
        }
    }
}

/// Compares `files` with what is on disk under `crate_dir`.
pub fn compare(crate_dir: &Path, files: &[GeneratedFile]) -> Vec<Drift> {
    let mut drift = Vec::new();
    for file in files {
        match std::fs::read_to_string(crate_dir.join(&file.path)) {
            Ok(on_disk) if on_disk == file.contents => {}
            Ok(on_disk) => drift.push(Drift::Changed {
                path: file.path.clone(),
                diff: similar::TextDiff::from_lines(&on_disk, &file.contents)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{} (committed)", file.path), &format!("b/{} (generated)", file.path))
                    .to_string(),
            }),
            Err(_) => drift.push(Drift::Missing { path: file.path.clone() }),
        }
    }
    for path in generated_on_disk(crate_dir) {
        if !files.iter().any(|f| f.path == path) {
            drift.push(Drift::Extra { path });
        }
    }
    drift
}

/// The files under the crate's generated folders now (sorted, relative paths).
fn generated_on_disk(crate_dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in GENERATED_DIRS {
        if let Ok(entries) = std::fs::read_dir(crate_dir.join(dir)) {
            for entry in entries.flatten() {
                if entry.path().is_file() {
                    out.push(format!("{dir}/{}", entry.file_name().to_string_lossy()));
                }
            }
        }
    }
    out.sort();
    out
}

/// Writes `files` under `crate_dir` and removes generated files no longer made. Returns the
/// paths whose content changed.
pub fn write(crate_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<String>> {
    let mut changed = Vec::new();
    for drift in compare(crate_dir, files) {
        match drift {
            Drift::Changed { path, .. } | Drift::Missing { path } => {
                let file = files.iter().find(|f| f.path == path).expect("drift names a generated file");
                let target = crate_dir.join(&path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(target, &file.contents)?;
                changed.push(path);
            }
            Drift::Extra { path } => {
                std::fs::remove_file(crate_dir.join(&path))?;
                changed.push(path);
            }
        }
    }
    Ok(changed)
}
