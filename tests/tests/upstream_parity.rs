//! The pipeline accepts each upstream document in `../shared/plex-api-spec/` for the Butler
//! tag and gives the same SDK surface as our own `spec/` (the facts are equal; only the prose
//! differs, and the outline compared holds no prose). Skips, saying so, without `../shared`.

use plex_sdk_tests::{SPEC_LABEL, generate_project_sdk, shared_dir, upstream_documents};

fn outline_of(path: &std::path::Path, rename_task: bool) -> String {
    let mut text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    if rename_task {
        // Before 2025-11-30 the path parameter was `task` (see shared/README.md). Renaming it
        // as 2025-11-30 did must leave nothing else to tell the documents' Butler APIs apart.
        let renamed =
            text.replace("/butler/{task}:", "/butler/{butlerTask}:").replace("- name: task\n", "- name: butlerTask\n");
        assert_ne!(renamed, text, "{}: the `task` parameter was expected", path.display());
        text = renamed;
    }
    let tags = vec!["Butler".to_string()];
    let doc =
        plex_codegen::load::parse(path, text).unwrap_or_else(|e| panic!("the loader rejects {}: {e}", path.display()));
    let generation = plex_codegen::generate(&doc, &tags, SPEC_LABEL)
        .unwrap_or_else(|e| panic!("the pipeline rejects {}: {e}", path.display()));
    plex_codegen::describe::describe(&generation)
}

#[test]
fn upstream_documents_give_the_same_butler_api() {
    let Some(shared) = shared_dir("upstream_documents_give_the_same_butler_api") else {
        return;
    };
    let ours = plex_codegen::describe::describe(&generate_project_sdk());
    let docs = upstream_documents(&shared);
    assert_eq!(docs.len(), 3, "expected three upstream documents in {}", shared.display());
    for doc in docs {
        let name = doc.file_name().unwrap().to_string_lossy().into_owned();
        let theirs = outline_of(&doc, name.contains("2025-11-12"));
        assert_eq!(ours, theirs, "{name}: the Butler API differs from spec/'s");
        eprintln!("{name}: same Butler API as spec/");
    }
}
