//! load → select → validate → normalise → model → generate, and the whole-document checks,
//! the surface and changelog, on arbitrary input. Any panic that escapes is a bug (typify's
//! own panics are contained by the generator and must come out as located errors).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plex_codegen::diff::{Classification, diff};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let doc = match plex_codegen::openapi::parse("fuzz.yaml", text.to_string()) {
        Ok(doc) => doc,
        Err(e) => {
            let _ = e.report();
            return;
        }
    };
    if let Err(e) = plex_codegen::openapi::check(&doc) {
        let _ = e.report();
    }
    let surface = plex_codegen::diff::surface(&doc.value);
    let _ = diff(&surface, &plex_codegen::diff::Surface::default(), Classification::Rust);
    let _ = diff(&surface, &surface, Classification::Upstream);
    let tag = plex_codegen::all_tags(&doc).into_iter().next().unwrap_or_else(|| "Butler".into());
    if let Err(e) = plex_codegen::generate(&doc, &[tag], "fuzz") {
        let _ = e.report();
    }
});
