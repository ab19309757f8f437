//! Writing a [`Changelog`] as markdown (the upstream generator's layout) or JSON, and reading
//! a markdown changelog back into flat entries, so two changelogs can be compared entry by
//! entry.

use std::fmt::Write;

use serde::Serialize;

use super::changelog::{Changelog, EntryKind, SideEntry};

const BREAKING: &str = " **Breaking** :warning:";

/// Markdown in the upstream layout: `## <word> SDK Changes:`, one bullet per operation
/// (`* \`prefix.group.method()\`: …`), a side's line inline when it is the only one and as
/// sub-items otherwise; breaking operations first.
pub fn markdown(changelog: &Changelog, prefix: &str, word: &str) -> String {
    let mut out = format!("## {word} SDK Changes:\n");
    for entry in &changelog.entries {
        let name = if prefix.is_empty() {
            format!("{}()", entry.operation)
        } else {
            format!("{prefix}.{}()", entry.operation)
        };
        match entry.kind {
            EntryKind::Added => {
                let _ = writeln!(out, "* `{name}`: **Added**");
            }
            EntryKind::Deleted => {
                let _ = writeln!(out, "* `{name}`: **Deleted**{BREAKING}");
            }
            EntryKind::Changed => {
                let line =
                    |s: &SideEntry| format!("`{}` **Changed**{}", s.path, if s.breaking { BREAKING } else { "" });
                if let [only] = entry.sides.as_slice() {
                    let _ = writeln!(out, "* `{name}`:  {}", line(only));
                } else {
                    let _ = writeln!(out, "* `{name}`: ");
                    for side in &entry.sides {
                        let _ = writeln!(out, "  *  {}", line(side));
                    }
                }
            }
        }
    }
    out
}

/// JSON for machines: the classification and every entry with its individual changes.
pub fn json(changelog: &Changelog) -> String {
    serde_json::to_string_pretty(changelog).unwrap_or_default() + "\n"
}

/// One line of a changelog, flattened: an operation, the path of a side (empty for an added
/// or deleted operation), the kind and the breaking mark.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FlatEntry {
    /// `group.method`, without the SDK name.
    pub operation: String,
    /// `request...` / `response...`, or empty.
    pub path: String,
    /// `Added`, `Changed` or `Deleted`.
    pub kind: String,
    /// Marked **Breaking**.
    pub breaking: bool,
}

impl std::fmt::Display for FlatEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} {}{}", self.operation, self.path, self.kind, if self.breaking { " Breaking" } else { "" })
    }
}

/// The flat entries of a changelog, sorted.
pub fn flatten(changelog: &Changelog) -> Vec<FlatEntry> {
    let mut flat = Vec::new();
    for entry in &changelog.entries {
        let kind = format!("{:?}", entry.kind);
        if entry.sides.is_empty() {
            flat.push(FlatEntry {
                operation: entry.operation.clone(),
                path: String::new(),
                kind: kind.clone(),
                breaking: entry.breaking(),
            });
        }
        for side in &entry.sides {
            flat.push(FlatEntry {
                operation: entry.operation.clone(),
                path: side.path.clone(),
                kind: kind.clone(),
                breaking: side.breaking,
            });
        }
    }
    flat.sort();
    flat
}

/// Reads a markdown changelog in the upstream layout (ours or the published one). The SDK
/// name (the first dotted part of `prefix.group.method()`) is dropped; the breaking mark is
/// recognised as `:warning:` or the emoji.
pub fn parse_markdown(text: &str) -> Vec<FlatEntry> {
    let mut flat = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let Some(item) = trimmed.strip_prefix("* ") else {
            continue;
        };
        let item = item.trim_start();
        let top_level = !line.starts_with(' ');
        let (head, rest) = if top_level {
            let Some(name) = item.strip_prefix('`').and_then(|r| r.split_once("()`:")) else {
                continue;
            };
            let operation = name.0.split_once('.').map_or(name.0, |(_, op)| op).to_string();
            current = Some(operation);
            (current.clone(), name.1.trim())
        } else {
            (current.clone(), item)
        };
        let Some(operation) = head else { continue };
        if rest.is_empty() {
            continue;
        }
        let breaking = rest.contains("**Breaking**");
        let kind = ["Added", "Changed", "Deleted"]
            .into_iter()
            .find(|k| rest.contains(&format!("**{k}**")))
            .unwrap_or("Changed");
        let path =
            rest.strip_prefix('`').and_then(|r| r.split_once('`')).map(|(p, _)| p.to_string()).unwrap_or_default();
        flat.push(FlatEntry { operation, path, kind: kind.to_string(), breaking });
    }
    flat.sort();
    flat
}

/// How well `ours` reproduces `reference`: entries of the reference found in ours, and ours
/// not in the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fidelity {
    /// Reference entries matched exactly.
    pub matched: usize,
    /// Reference entries in all.
    pub total: usize,
    /// Our entries not in the reference.
    pub extra: Vec<FlatEntry>,
    /// Reference entries not in ours.
    pub missing: Vec<FlatEntry>,
}

impl std::fmt::Display for Fidelity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "matched {} of {} entries, {} extra", self.matched, self.total, self.extra.len())
    }
}

/// Compares flat entries.
pub fn fidelity(ours: &[FlatEntry], reference: &[FlatEntry]) -> Fidelity {
    let missing: Vec<FlatEntry> = reference.iter().filter(|e| !ours.contains(e)).cloned().collect();
    let extra: Vec<FlatEntry> = ours.iter().filter(|e| !reference.contains(e)).cloned().collect();
    Fidelity { matched: reference.len() - missing.len(), total: reference.len(), extra, missing }
}
