//! Our `spec/` against the upstream documents in `../shared/plex-api-spec/` (skips, saying so,
//! without `../shared`; fails under `CI`):
//! - the newest upstream document and `spec/` differ by exactly the deviations listed in
//!   `spec/DEVIATIONS.md`, by our own diff engine, and give the same SDK outline for every
//!   operation no deviation names (the same outline throughout when there are none);
//! - every upstream document generates every one of its operations, with all its tags;
//! - the documents older than the one `spec/` follows give the same Butler API as `spec/` (after the documented
//!   `task` → `butlerTask` rename of 2025-11-30).

use plex_codegen::diff::Classification;
use plex_sdk_tests::{SPEC_LABEL, generate_project_sdk, shared_dir, spec_path, upstream_documents, workspace_root};

const NEWEST: &str = "plex-api-spec.2026-01-10.yaml";

fn load(path: &std::path::Path, rename_task: bool) -> plex_codegen::Document {
    let mut text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    if rename_task {
        let renamed =
            text.replace("/butler/{task}:", "/butler/{butlerTask}:").replace("- name: task\n", "- name: butlerTask\n");
        assert_ne!(renamed, text, "{}: the `task` parameter was expected", path.display());
        text = renamed;
    }
    plex_codegen::openapi::parse(path, text).unwrap_or_else(|e| panic!("the loader rejects {}: {e}", path.display()))
}

fn outline(doc: &plex_codegen::Document, tags: &[String]) -> (String, String) {
    let generation = plex_codegen::generate(doc, tags, SPEC_LABEL)
        .unwrap_or_else(|e| panic!("the pipeline rejects {}: {}", doc.file.display(), e.report()));
    (generation.describe(), plex_codegen::summary(&generation.api))
}

/// The `(method, path)` rows of the table in `spec/DEVIATIONS.md`.
fn listed_deviations() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(workspace_root().join("spec/DEVIATIONS.md")).expect("spec/DEVIATIONS.md");
    text.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(|c| c.trim().trim_matches('`')).collect();
            (cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

#[test]
fn spec_differs_from_the_newest_upstream_document_by_the_listed_deviations_only() {
    let Some(shared) = shared_dir("spec_differs_from_the_newest_upstream_document_by_the_listed_deviations_only")
    else {
        return;
    };
    let upstream = load(&shared.join("plex-api-spec").join(NEWEST), false);
    let ours = plex_codegen::openapi::load(&spec_path()).expect("spec/ loads");
    let changelog =
        plex_codegen::changelog(&upstream, &ours, Classification::Rust).expect("both documents pass the checks");
    let found: Vec<(String, String)> = changelog
        .entries
        .iter()
        .flat_map(|e| {
            let whole = (e.sides.is_empty()).then(|| (e.operation.clone(), format!("{:?}", e.kind).to_lowercase()));
            e.sides.iter().map(|s| (e.operation.clone(), s.path.clone())).chain(whole).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        found,
        listed_deviations(),
        "the changelog from upstream {NEWEST} to spec/ must list exactly spec/DEVIATIONS.md"
    );
    eprintln!("upstream {NEWEST} → spec/: {} deviations, as listed", found.len());
    let (theirs, summary) = outline(&upstream, &[]);
    let ours = generate_project_sdk().describe();
    if found.is_empty() {
        assert_eq!(ours, theirs, "the SDK outlines differ");
        eprintln!("{NEWEST}: {summary}, the same SDK as spec/");
        return;
    }
    // With deviations, every operation they do not name has the same outline on both sides.
    let deviating: std::collections::BTreeSet<&str> = found.iter().map(|(op, _)| op.as_str()).collect();
    let (ours, theirs) = (operation_outlines(&ours), operation_outlines(&theirs));
    let mut same = 0;
    for (op, outline) in &theirs {
        if deviating.contains(op.as_str()) {
            continue;
        }
        assert_eq!(ours.get(op), Some(outline), "the SDK outline of `{op}` differs, and no deviation names it");
        same += 1;
    }
    let added = ours.keys().filter(|op| !theirs.contains_key(*op) && !deviating.contains(op.as_str())).count();
    assert_eq!(added, 0, "spec/ has operations neither upstream nor the deviations have");
    eprintln!("{NEWEST}: {summary}; {same} operations outlined as in spec/, the others listed as deviations");
}

/// An SDK outline (`Generation::describe`) cut into its operations, by the changelog's name
/// for them (`content.list_content`): each operation's lines, from its `name(..) -> ..` line
/// to the next operation, tag, or the models section (which is not compared: the types the
/// deviations change are there, and the catch-alls of the correction that has no changelog
/// row: DEVIATIONS.md, M).
fn operation_outlines(outline: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let (mut module, mut current): (String, Option<String>) = (String::new(), None);
    for line in outline.lines() {
        if !line.starts_with(' ') {
            // A tag, or the models that follow the operations.
            current = None;
            module.clear();
        }
        if let Some(rest) = line.strip_prefix("tag ") {
            module = rest.split("client.").nth(1).and_then(|m| m.split('(').next()).unwrap_or_default().to_string();
            continue;
        }
        let header = line.strip_prefix("  ").filter(|l| !l.starts_with(' ') && l.contains("(") && l.contains(" -> "));
        if let Some(header) = header.filter(|_| !module.is_empty()) {
            let name = format!("{module}.{}", header.split('(').next().unwrap_or_default());
            current = Some(name.clone());
            out.insert(name, String::new());
        }
        if let Some(op) = &current {
            let text: &mut String = out.get_mut(op).expect("an operation started");
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

#[test]
fn every_upstream_document_generates_with_all_tags() {
    let Some(shared) = shared_dir("every_upstream_document_generates_with_all_tags") else {
        return;
    };
    let docs = upstream_documents(&shared);
    assert!(docs.len() >= 7, "expected the seven upstream documents in {}", shared.display());
    for path in docs {
        let doc = load(&path, false);
        let generation = plex_codegen::generate(&doc, &[], SPEC_LABEL)
            .unwrap_or_else(|e| panic!("the pipeline rejects {}: {}", doc.file.display(), e.report()));
        let generated: usize = generation.api.tags.iter().map(|t| t.operations.len()).sum();
        // Every operation of the document, counted by the changelog's own walk.
        let declared = plex_codegen::diff::surface(&doc.value).operations.len();
        assert_eq!(generated, declared, "{}: an operation was left out", path.display());
        eprintln!("{}: {}", path.file_name().unwrap().to_string_lossy(), plex_codegen::summary(&generation.api));
    }
}

#[test]
fn older_upstream_documents_give_the_same_butler_api() {
    let Some(shared) = shared_dir("older_upstream_documents_give_the_same_butler_api") else {
        return;
    };
    let butler = vec!["Butler".to_string()];
    let ours = outline(&plex_codegen::openapi::load(&spec_path()).expect("spec/ loads"), &butler).0;
    // The versions before the one spec/ follows (later ones may change Butler: spec/ follows
    // them when it moves to them).
    let older = |p: &&std::path::PathBuf| p.file_name().is_some_and(|n| n.to_string_lossy().as_ref() < NEWEST);
    for path in upstream_documents(&shared).iter().filter(older) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (theirs, _) = outline(&load(path, name.contains("2025-11-12")), &butler);
        assert_eq!(ours, theirs, "{name}: the Butler API differs from spec/'s");
        eprintln!("{name}: same Butler API as spec/");
    }
}
