//! Our changelog for the upstream pair 2025-11-12 → 2025-11-30 must hold exactly the entries
//! of the changelog the upstream generator published for it (operations, paths, kinds and
//! Breaking marks). Needs `../shared`; says it skipped without it.

use plex_codegen::diff::{self, Classification};

#[test]
fn reproduces_the_published_changelog() {
    let Some(shared) = plex_sdk_tests::shared_dir("reproduces_the_published_changelog") else {
        return;
    };
    let load = |name: &str| {
        plex_codegen::openapi::load(&shared.join("plex-api-spec").join(name)).expect("upstream document loads")
    };
    let old = load("plex-api-spec.2025-11-12.yaml");
    let new = load("plex-api-spec.2025-11-30.yaml");
    let changelog = plex_codegen::changelog(&old, &new, Classification::Upstream)
        .unwrap_or_else(|e| panic!("the upstream documents pass the checks:\n{}", e.report()));
    let markdown = diff::markdown(&changelog, "plex_api", "Rust");
    let published =
        std::fs::read_to_string(shared.join("changelogs/python-sdk.2025-12-01.md")).expect("published changelog");
    let reference = diff::parse_markdown(&published);
    // Ours goes through the same reader as the published one: the markdown is what is compared.
    let ours = diff::parse_markdown(&markdown);
    assert_eq!(ours, diff::flatten(&changelog), "the markdown renders every entry");
    let fidelity = diff::fidelity(&ours, &reference);
    println!("{fidelity}");
    eprintln!("{fidelity}");
    for e in &fidelity.missing {
        eprintln!("  missing: {e}");
    }
    for e in &fidelity.extra {
        eprintln!("  extra:   {e}");
    }
    assert!(reference.len() > 100, "the published changelog parsed to {} entries", reference.len());
    assert!(fidelity.missing.is_empty() && fidelity.extra.is_empty(), "{fidelity}");
}
