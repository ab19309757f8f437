//! A reviewed outline of plex-sdk's generated surface: any change to operations, parameters,
//! headers or models shows up as a snapshot diff in review.

use plex_sdk_tests::generate_project_sdk;

#[test]
fn sdk_surface() {
    let generation = generate_project_sdk();
    insta::assert_snapshot!("sdk_surface", generation.describe());
}

#[test]
fn one_butler_task_enum_with_22_wire_names() {
    let generation = generate_project_sdk();
    let outline = generation.describe();
    let enums: Vec<&str> = outline.lines().filter(|l| l.trim_start().starts_with("enum ButlerTask")).collect();
    assert_eq!(enums, ["  enum ButlerTask"], "exactly one task enum, shared by start_task and stop_task");
    let butler = generation.api.tags.iter().find(|t| t.name == "Butler").expect("Butler tag");
    for op in ["start_task", "stop_task"] {
        let op = butler.operations.iter().find(|o| o.method_name == op).expect("operation");
        assert_eq!(op.params.len(), 1, "globals are not method arguments");
        assert_eq!(op.params[0].ty.model.as_deref(), Some("ButlerTask"));
        assert_eq!(op.params[0].ty.display(), "models::ButlerTask");
    }
    let section = outline.split("  enum ButlerTask\n").nth(1).expect("enum section");
    let variants = section.lines().take_while(|l| l.starts_with("    ")).count();
    assert_eq!(variants, 22);
}

/// The changelog surface of `spec/` (what `cargo xtask changelog` and the breaking gate
/// compare): every request and response tree of plex-sdk's document.
#[test]
fn spec_changelog_surface() {
    let doc = plex_codegen::openapi::load(&plex_sdk_tests::spec_path()).expect("spec/ loads");
    insta::assert_snapshot!(
        "spec_changelog_surface",
        plex_codegen::diff::outline(&plex_codegen::diff::surface(&doc.value))
    );
}
