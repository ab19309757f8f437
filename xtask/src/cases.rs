//! The document pairs the changelog rules are checked on: every folder of
//! `tests/fixtures/changelog/` (`old.yaml` → `new.yaml`) and the Butler path-parameter rename
//! of our own history (spec/ with `butlerTask` named `task` again → spec/). The notes
//! snapshot and `cargo xtask semver-crosscheck` use them.

use std::path::Path;

use anyhow::{Context, bail};
use plex_codegen::Document;
use serde_json::Value;

/// One pair of documents.
pub struct Case {
    /// The fixture folder's name, or `butler-rename`.
    pub name: String,
    /// The document before.
    pub old: Document,
    /// The document after.
    pub new: Document,
    /// The tags to generate (a fixture's declared tags; spec/'s default ones).
    pub tags: Vec<String>,
}

/// The tags a document declares (fixtures generate all of theirs).
fn declared_tags(doc: &Value) -> Vec<String> {
    doc.get("tags")
        .and_then(Value::as_array)
        .map(|tags| tags.iter().filter_map(|t| t.get("name")?.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The Butler rename of our history: spec/ with `butlerTask` named `task` again.
fn butler_rename(root: &Path) -> anyhow::Result<Case> {
    let spec = root.join(crate::release::SPEC);
    let current = std::fs::read_to_string(&spec).with_context(|| format!("reading {}", spec.display()))?;
    let mut old = current.clone();
    for (now, before) in [("/butler/{butlerTask}:", "/butler/{task}:"), ("name: butlerTask", "name: task")] {
        if !old.contains(now) {
            bail!("spec/ no longer holds `{now}`: update the butler-rename case");
        }
        old = old.replace(now, before);
    }
    Ok(Case {
        name: "butler-rename".into(),
        old: plex_codegen::openapi::parse("spec/plex-api-spec.before-rename.yaml", old)?,
        new: plex_codegen::openapi::parse(crate::release::SPEC, current)?,
        tags: vec!["Butler".to_string()],
    })
}

/// Every fixture pair, sorted, then the Butler rename.
pub fn cases(root: &Path) -> anyhow::Result<Vec<Case>> {
    let dir = root.join("tests/fixtures/changelog");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut cases = Vec::new();
    for name in names {
        let load = |side: &str| -> anyhow::Result<Document> {
            let doc = plex_codegen::openapi::load(&dir.join(&name).join(format!("{side}.yaml")))?;
            Ok(doc)
        };
        let (old, new) = (load("old")?, load("new")?);
        let tags = declared_tags(&new.value);
        cases.push(Case { name, old, new, tags });
    }
    cases.push(butler_rename(root)?);
    Ok(cases)
}
