//! The few git queries `cargo xtask release` needs, each one `git` invocation.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// Runs `git args…` in `root` and returns its standard output.
fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .context("running git (is it installed and on PATH?)")?;
    if !out.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    String::from_utf8(out.stdout).with_context(|| format!("git {} printed non-UTF-8 output", args.join(" ")))
}

/// Fails with a clear message unless `root` is inside a git work tree.
pub fn check_work_tree(root: &Path) -> anyhow::Result<()> {
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"])
        .with_context(|| format!("{} is not a git checkout", root.display()))?;
    if inside.trim() != "true" {
        bail!("{} is not a git work tree", root.display());
    }
    Ok(())
}

/// A file's text at `rev`, or `None` when the file does not exist there.
pub fn show(root: &Path, rev: &str, path: &str) -> anyhow::Result<Option<String>> {
    let exists = Command::new("git")
        .current_dir(root)
        .args(["cat-file", "-e", &format!("{rev}:{path}")])
        .output()
        .context("running git")?;
    if !exists.status.success() {
        return Ok(None);
    }
    git(root, &["show", &format!("{rev}:{path}")]).map(Some)
}

/// The commits that touched `path`, newest first (full hashes).
pub fn commits_touching(root: &Path, path: &str) -> anyhow::Result<Vec<String>> {
    Ok(git(root, &["log", "--format=%H", "--", path])?.lines().map(str::to_string).collect())
}

/// The first parent of `commit`, or `None` for a root commit.
pub fn parent(root: &Path, commit: &str) -> anyhow::Result<Option<String>> {
    let line = git(root, &["rev-list", "--parents", "-n", "1", commit])?;
    Ok(line.split_whitespace().nth(1).map(str::to_string))
}

/// The short hash and subject of `rev` (`7b70624 Workspace, codegen…`).
pub fn describe(root: &Path, rev: &str) -> anyhow::Result<String> {
    Ok(git(root, &["log", "-1", "--format=%h %s", rev])?.trim().to_string())
}

/// Whether the tag `name` exists.
pub fn tag_exists(root: &Path, name: &str) -> anyhow::Result<bool> {
    Ok(!git(root, &["tag", "--list", name])?.trim().is_empty())
}

/// The paths that differ from `HEAD` in the index or the work tree, untracked files included
/// (ignored ones not), sorted. A rename lists both paths.
pub fn dirty_paths(root: &Path) -> anyhow::Result<Vec<String>> {
    let out = git(root, &["status", "--porcelain=v1", "-z", "--untracked-files=all"])?;
    let mut paths = Vec::new();
    let mut records = out.split('\0').filter(|r| !r.is_empty());
    while let Some(record) = records.next() {
        let (status, path) = record.split_at(3.min(record.len()));
        paths.push(path.to_string());
        // `R`/`C` records are followed by the original path.
        if (status.starts_with('R') || status.starts_with('C'))
            && let Some(from) = records.next()
        {
            paths.push(from.to_string());
        }
    }
    paths.sort();
    paths.dedup();
    Ok(paths)
}
