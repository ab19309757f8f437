//! Every document of the handled corpus (`tests/fixtures/bad/handled/`: constructs that look
//! suspicious but must work) generates Rust that compiles: `cargo xtask codegen --all-tags
//! --out` writes a standalone crate and its mock crate for each, and `cargo build` builds both
//! with warnings denied. One target folder
//! serves them all, so the dependencies build once.

use std::path::Path;
use std::process::Command;

use plex_sdk_tests::workspace_root;

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
    Err(format!("{command:?} failed ({}):\n{}", output.status, tail.into_iter().rev().collect::<Vec<_>>().join("\n")))
}

fn generate_and_build(cargo: &str, root: &Path, doc: &Path, out: &Path) -> Result<(), String> {
    let dir = out.join(doc.file_stem().unwrap_or_default());
    run(Command::new(cargo)
        .current_dir(root)
        .args(["run", "--quiet", "-p", "xtask", "--", "codegen", "--spec"])
        .arg(doc)
        .args(["--all-tags", "--out"])
        .arg(&dir))?;
    for manifest in [dir.join("Cargo.toml"), dir.join("mock/Cargo.toml")] {
        run(Command::new(cargo)
            .env("RUSTFLAGS", "-D warnings")
            .args(["build", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(out.join("target")))?;
    }
    Ok(())
}

#[test]
fn handled_documents_generate_rust_that_compiles() {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = root.join("target/handled-crates");
    let mut docs: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/bad/handled"))
        .expect("the handled corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    docs.sort();
    assert!(!docs.is_empty(), "the handled corpus is empty");
    let failures: Vec<String> =
        docs.iter().filter_map(|doc| generate_and_build(&cargo, &root, doc, &out).err()).collect();
    assert!(failures.is_empty(), "{} of {} documents:\n{}", failures.len(), docs.len(), failures.join("\n\n"));
    println!("handled corpus: {} documents generate crates that compile", docs.len());
}
