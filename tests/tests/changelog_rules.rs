//! One small pair of documents per changelog rule, in `tests/fixtures/changelog/<case>/`
//! (`old.yaml` → `new.yaml`, differing only in what the case is about). Each case's changelog
//! is snapshotted under both classifications, and its key facts (entries, paths, kinds,
//! Breaking marks) are also asserted outright, so a snapshot accepted by mistake cannot hide a
//! changed rule. Plus one real case from our own spec's history: the Butler path parameter
//! renamed from `task` to `butlerTask`.

use std::path::{Path, PathBuf};

use plex_codegen::diff::FlatEntry;
use plex_codegen::diff::{self, Changelog, Classification};

/// The SDK name the markdown of the fixture changelogs uses.
const PREFIX: &str = "widget_sdk";

fn fixtures_dir() -> PathBuf {
    plex_sdk_tests::workspace_root().join("tests/fixtures/changelog")
}

/// Every case folder, sorted by name.
fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/changelog exists")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

fn load(path: &Path) -> plex_codegen::Document {
    plex_codegen::openapi::load(path).unwrap_or_else(|e| panic!("{} loads: {e}", path.display()))
}

/// The changelog of two documents that must pass the checks.
fn changelog(old: &plex_codegen::Document, new: &plex_codegen::Document, classification: Classification) -> Changelog {
    plex_codegen::changelog(old, new, classification)
        .unwrap_or_else(|e| panic!("the documents pass the checks:\n{}", e.report()))
}

fn entry(operation: &str, path: &str, kind: &str, breaking: bool) -> FlatEntry {
    FlatEntry { operation: operation.into(), path: path.into(), kind: kind.into(), breaking }
}

/// One changed entry of `widgets.get_widgets`.
fn list(path: &str, breaking: bool) -> Vec<FlatEntry> {
    vec![entry("widgets.get_widgets", path, "Changed", breaking)]
}

/// What each case must produce: (upstream entries, Rust entries).
fn expected(case: &str) -> Option<(Vec<FlatEntry>, Vec<FlatEntry>)> {
    let same = |entries: Vec<FlatEntry>| Some((entries.clone(), entries));
    match case {
        // `limit` → `page_size`: one removed and one added parameter, reported at `request`.
        "parameter-renamed" => same(list("request", true)),
        "optional-parameter-added" => same(list("request.sort", false)),
        "required-parameter-added" => same(list("request.owner", true)),
        // integer → a `$ref` to an integer enum: an enum where any value was accepted.
        "parameter-type-narrowed" => same(list("request.type", true)),
        // `{type: object}` → an object schema with properties: upstream only sees fields added;
        // for Rust the argument goes from a free-form map to a struct.
        "untyped-parameter-gained-schema" => Some((list("request.filter", false), list("request.filter", true))),
        // A new variant of a `#[non_exhaustive]` Rust enum: listed, not breaking.
        "enum-value-added" => same(list("request.color", false)),
        // An enum that only responses use: the upstream SDKs' open enums accept the new value,
        // so upstream publishes nothing; for Rust it is a new variant of a non_exhaustive enum
        // (listed: the value no longer decodes as `Unknown`).
        "enum-value-added-response-only" => Some((Vec::new(), list("response.container.items.[].status", false))),
        // One named enum shared by a parameter and a response field: upstream, the response's
        // closed enum rejects the new value (breaking); for Rust neither side breaks.
        "enum-value-added-request-used" => Some((
            vec![
                entry("widgets.get_widgets", "request.color", "Changed", false),
                entry("widgets.get_widgets", "response.container.items.[].color", "Changed", true),
            ],
            vec![
                entry("widgets.get_widgets", "request.color", "Changed", false),
                entry("widgets.get_widgets", "response.container.items.[].color", "Changed", false),
            ],
        )),
        "enum-value-removed" => same(list("request.color", true)),
        "response-field-type-changed" => same(list("response.container.items.[].weight", true)),
        // `id` and `weight` of the same array item: their deepest common path.
        "response-fields-changed-deep" => same(list("response.container.items.[]", true)),
        // Upstream: decoding ignores new fields. Rust: models are plain structs with public
        // fields, and a caller's struct literal misses the new one (cargo-semver-checks'
        // `constructible_struct_adds_field`, docs/semver.md).
        "response-field-added" => {
            Some((list("response.container.items.[].color", false), list("response.container.items.[].color", true)))
        }
        "operation-added" => same(vec![entry("widgets.delete_widget", "", "Added", false)]),
        "operation-removed" => same(vec![entry("widgets.delete_widget", "", "Deleted", true)]),
        // `get-widget-colors`: upstream keeps the dashes, Rust names the SDK's method.
        "dashed-operation-added" => Some((
            vec![entry("widgets.get-widget-colors", "", "Added", false)],
            vec![entry("widgets.get_widget_colors", "", "Added", false)],
        )),
        // For Rust a required parameter is a method argument, an optional one a builder setter.
        "parameter-made-optional" => Some((list("request.limit", false), list("request.limit", true))),
        // `nullable: true` (3.0) and `type: [string, "null"]` (3.1) say the same thing.
        "openapi-3-0-vs-3-1" => same(Vec::new()),
        // A field that may now be null breaks readers: `T` becomes `Option<T>` in Rust.
        "response-field-became-nullable" => same(list("response.container.items.[].color", true)),
        // `Dimensions.height` changes inside `WidgetSummary`, which `WidgetPart` (a summary
        // holding parts of its own) repeats: compared once, at the first expansion's full
        // path, not at the parent of both nesting levels (`response.container.items.[]`).
        // `Widget` holds `Widget` children directly.
        "self-containing-schema-changed" => same(vec![
            entry("widgets.get_widget", "response.dimensions.height", "Changed", true),
            entry("widgets.get_widgets", "response.container.items.[].dimensions.height", "Changed", true),
        ]),
        _ => None,
    }
}

/// The text snapshotted for one pair: both classifications' markdown, labelled.
fn report(title: &str, upstream: &Changelog, rust: &Changelog, prefix: &str) -> String {
    format!(
        "# {title}\n\n### Upstream classification\n\n{}\n### Rust classification\n\n{}",
        diff::markdown(upstream, prefix, "Rust"),
        diff::markdown(rust, prefix, "Rust"),
    )
}

#[test]
fn every_rule_fixture() {
    let cases = cases();
    assert!(cases.len() >= 19, "expected the 19 rule cases, found {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let dir = fixtures_dir().join(case);
        let old = load(&dir.join("old.yaml"));
        let new = load(&dir.join("new.yaml"));
        let upstream = changelog(&old, &new, Classification::Upstream);
        let rust = changelog(&old, &new, Classification::Rust);
        let text = report(&format!("{case}: old.yaml → new.yaml"), &upstream, &rust, PREFIX);
        insta::with_settings!({
            description => format!("tests/fixtures/changelog/{case}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("changelog_{case}"), text);
        });

        // The markdown says what the changelog holds.
        for changelog in [&upstream, &rust] {
            let markdown = diff::markdown(changelog, PREFIX, "Rust");
            if diff::parse_markdown(&markdown) != diff::flatten(changelog) {
                failures.push(format!("{case}: the markdown does not read back as the changelog:\n{markdown}"));
            }
        }
        let Some((want_upstream, want_rust)) = expected(case) else {
            failures.push(format!("{case}: no expectation in `expected`; add one"));
            continue;
        };
        for (label, changelog, want) in [("upstream", &upstream, want_upstream), ("rust", &rust, want_rust)] {
            let got = diff::flatten(changelog);
            if got != want {
                failures.push(format!("{case} ({label}):\n  got:      {got:?}\n  expected: {want:?}"));
            }
        }
    }
    for case in [
        "parameter-renamed",
        "optional-parameter-added",
        "required-parameter-added",
        "parameter-type-narrowed",
        "untyped-parameter-gained-schema",
        "enum-value-added",
        "enum-value-removed",
        "response-field-type-changed",
        "response-fields-changed-deep",
        "response-field-added",
        "operation-added",
        "operation-removed",
        "parameter-made-optional",
        "openapi-3-0-vs-3-1",
        "response-field-became-nullable",
        "enum-value-added-response-only",
        "enum-value-added-request-used",
        "self-containing-schema-changed",
        "dashed-operation-added",
    ] {
        if !cases.iter().any(|c| c == case) {
            failures.push(format!("{case}: no folder tests/fixtures/changelog/{case}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Our spec once named the Butler path parameter `task` (`/butler/{task}`); it is now
/// `butlerTask`. Rebuilding the old document in memory, the upstream rules must report the
/// rename on both operations of that path, at `request`, as breaking, and nothing else.
#[test]
fn butler_rename_from_our_own_spec_history() {
    let spec = plex_sdk_tests::spec_path();
    let current = std::fs::read_to_string(&spec).expect("spec/plex-api-spec.yaml");
    let mut old_text = current.clone();
    for (now, before) in [("/butler/{butlerTask}:", "/butler/{task}:"), ("name: butlerTask", "name: task")] {
        assert!(old_text.contains(now), "the spec no longer holds `{now}`");
        old_text = old_text.replace(now, before);
    }
    assert_ne!(old_text, current, "the replacements changed the spec text");
    let old = plex_codegen::openapi::parse("plex-api-spec.before-rename.yaml", old_text).expect("the old text parses");
    let new = plex_codegen::openapi::parse(spec, current).expect("the spec parses");

    let upstream = changelog(&old, &new, Classification::Upstream);
    assert_eq!(
        diff::flatten(&upstream),
        vec![
            entry("butler.start_task", "request", "Changed", true),
            entry("butler.stop_task", "request", "Changed", true),
        ]
    );
    let rust = changelog(&old, &new, Classification::Rust);
    assert_eq!(diff::flatten(&rust), diff::flatten(&upstream), "a rename breaks Rust callers too");

    let text = report("spec/plex-api-spec.yaml: `task` → `butlerTask`", &upstream, &rust, "plex_api");
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("butler_rename_from_our_own_spec_history", text);
    });
}
