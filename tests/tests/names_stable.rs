//! Type names do not depend on which tags are generated: generating one group alone and the
//! whole document give every operation of that group the same Rust types, and every model the
//! group uses the same definition (names come from where a schema lives, never from the order
//! operations or tags are seen in).

use std::collections::BTreeMap;

use plex_sdk_tests::{SPEC_LABEL, spec_path};

/// Per operation of `tag`, the Rust types of its parameters, body and success.
fn signatures(generation: &plex_codegen::Generation, tag: &str) -> BTreeMap<String, Vec<String>> {
    let tag = generation.api.tags.iter().find(|t| t.name == tag).expect("the tag is generated");
    tag.operations
        .iter()
        .map(|op| {
            let mut types: Vec<String> = op.params.iter().map(|p| format!("{}: {}", p.name, p.ty.rust)).collect();
            types.extend(op.body.iter().map(|b| format!("body: {}", b.ty.rust)));
            if let plex_codegen::model::Success::Json { ty } = &op.success {
                types.push(format!("-> {}", ty.rust));
            }
            (op.operation_id.clone(), types)
        })
        .collect()
}

/// The outline of each model, by name.
fn models(generation: &plex_codegen::Generation) -> BTreeMap<String, String> {
    let outline = generation.describe();
    let section = outline.split("\nmodels:\n").nth(1).unwrap_or_default().to_string();
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in section.lines() {
        if let Some(name) = line.strip_prefix("  struct ").or_else(|| line.strip_prefix("  enum ")) {
            out.extend(current.take());
            current = Some((name.to_string(), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out.extend(current);
    out
}

#[test]
fn one_group_alone_and_the_whole_document_name_their_types_alike() {
    let doc = plex_codegen::openapi::load(&spec_path()).expect("spec/ loads");
    let whole = plex_codegen::generate(&doc, &[], SPEC_LABEL).expect("the whole document generates");
    let whole_models = models(&whole);
    for tag in ["Butler", "Library", "Hubs", "Authentication"] {
        let alone = plex_codegen::generate(&doc, &[tag.to_string()], SPEC_LABEL).expect("one tag generates");
        assert_eq!(signatures(&alone, tag), signatures(&whole, tag), "{tag}: the operations' types differ");
        let alone_models = models(&alone);
        assert!(!alone_models.is_empty(), "{tag}: no models");
        for (name, definition) in &alone_models {
            assert_eq!(Some(definition), whole_models.get(name), "{tag}: model `{name}` differs or is missing");
        }
        eprintln!("{tag}: {} models named and defined as in the whole document", alone_models.len());
    }
}
