//! How the generator scales, each task against a baseline measured in the same run:
//!
//! - `codegen_spec`, `codegen_all_tags`: the whole codegen of every tag (`generate_from_path`,
//!   which loads the document too) of `spec/plex-api-spec.yaml` and of the upstream 2026-01-10
//!   document, against parsing the same document alone (`load::load`); beside the upstream
//!   row, formatting alone (`format_only`), typify's part of the work (`typify_floor`) and
//!   progenitor's own generation (`progenitor`).
//! - `changelog_upstream`: the full changelog of the upstream 2025-11-12 → 2025-11-30 pair
//!   (load both, diff, render markdown) against loading both.
//! - `scale_surface/N`, `scale_diff/N`: `diff::surface` and `changelog::diff` over
//!   synthetic Plex-like documents of N = 100, 1,000 and 10,000 operations built here, to
//!   show the time per operation stays flat.
//!
//! The upstream documents are read from `../shared/plex-api-spec/` beside the checkout; without
//! it those groups print SKIPPED. `cargo xtask bench` runs this and writes BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, black_box, criterion_group, criterion_main};
use plex_codegen::diff::{self, Classification};
use plex_codegen::openapi as load;
use serde_json::{Map, Value, json};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen lives in the workspace").to_path_buf()
}

fn upstream(date: &str) -> Option<PathBuf> {
    let path = workspace().join(format!("../shared/plex-api-spec/plex-api-spec.{date}.yaml"));
    path.is_file().then_some(path)
}

/// Every tag (what `cargo xtask codegen` generates).
fn tags() -> Vec<String> {
    Vec::new()
}

/// Codegen of `spec` against parsing it, in one group.
fn codegen_group(c: &mut Criterion, group: &str, spec: &Path) {
    let tags = tags();
    plex_codegen::generate_from_path(spec, &tags, "bench").expect("the document generates");
    let mut g = c.benchmark_group(group);
    g.sampling_mode(SamplingMode::Flat).sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("parse", |b| b.iter(|| black_box(load::load(black_box(spec)).unwrap())));
    g.bench_function("codegen", |b| {
        b.iter(|| black_box(plex_codegen::generate_from_path(black_box(spec), &tags, "bench").unwrap()))
    });
    g.finish();
    let (load, codegen) = fastest_in_turns(
        10,
        || drop(black_box(load::load(spec).unwrap())),
        || drop(black_box(plex_codegen::generate_from_path(spec, &tags, "bench").unwrap())),
    );
    in_turns(&format!("{group}/codegen"), 10, load, codegen);
}

/// `a` and `b` run in turns, `rounds` times each: the fastest of each, in milliseconds. The
/// host's speed drifts between criterion's blocks of samples; a ratio of two runs taken in
/// turns is not skewed by it.
fn fastest_in_turns(rounds: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let time = |f: &mut dyn FnMut()| {
        let started = std::time::Instant::now();
        f();
        started.elapsed().as_secs_f64() * 1e3
    };
    (0..rounds).fold((f64::MAX, f64::MAX), |(best_a, best_b), _| (best_a.min(time(&mut a)), best_b.min(time(&mut b))))
}

/// Prints a measurement taken in turns with loading and adds it to
/// `$CRITERION_HOME/in_turns.tsv`, which `cargo xtask bench` puts in BENCHMARKS.md.
fn in_turns(id: &str, rounds: usize, load_ms: f64, measured_ms: f64) {
    println!(
        "{id}: taken in turns with loading, fastest of {rounds}: loading {load_ms:.1} ms, {measured_ms:.1} ms, {:.2}× loading",
        measured_ms / load_ms
    );
    let home =
        std::env::var_os("CRITERION_HOME").map(PathBuf::from).unwrap_or_else(|| workspace().join("target/criterion"));
    let line = format!("{id}\t{rounds}\t{load_ms}\t{measured_ms}\n");
    let written = std::fs::create_dir_all(&home).and_then(|()| {
        use std::io::Write;
        std::fs::OpenOptions::new().create(true).append(true).open(home.join(IN_TURNS))?.write_all(line.as_bytes())
    });
    if let Err(e) = written {
        println!("{id}: not recorded in {}: {e}", home.display());
    }
}

/// The file (under criterion's home) of the measurements taken in turns.
const IN_TURNS: &str = "in_turns.tsv";

fn codegen(c: &mut Criterion) {
    codegen_group(c, "codegen_spec", &workspace().join("spec/plex-api-spec.yaml"));
    match upstream("2026-01-10") {
        Some(spec) => {
            codegen_group(c, "codegen_all_tags", &spec);
            format_only(c, &spec);
            typify_floor(c, &spec);
            progenitor_context(c, &spec);
        }
        None => println!("codegen_all_tags: SKIPPED (no ../shared/plex-api-spec beside the checkout)"),
    }
}

/// The part of codegen no generator that formats its output with prettyplease avoids: parsing
/// every generated Rust file with syn and printing it, one file after another. Shown beside the
/// codegen row because it alone exceeds the codegen goal.
fn format_only(c: &mut Criterion, spec: &Path) {
    let generation = plex_codegen::generate_from_path(spec, &tags(), "bench").expect("the document generates");
    let rust: Vec<String> = generation
        .files
        .into_iter()
        .chain(generation.mock_files)
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.contents)
        .collect();
    let bytes: usize = rust.iter().map(String::len).sum();
    println!("codegen_all_tags/format_only: {} Rust files, {bytes} bytes", rust.len());
    let mut g = c.benchmark_group("codegen_all_tags");
    g.sampling_mode(SamplingMode::Flat).sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("format_only", |b| {
        b.iter(|| {
            for text in &rust {
                let file = syn::parse_file(text).expect("generated files parse");
                black_box(prettyplease::unparse(&file));
            }
        })
    });
    g.finish();
}

/// The models' chain, which every run of the generator goes through after loading the
/// document and which no step of ours is in: typify builds the type space of the normalised
/// document's component schemas (`Types::new`), writes its tokens (`to_stream`), and the
/// tokens are formatted (syn, prettyplease). The steps run one after another, so codegen can
/// never take less than parsing plus this row.
fn typify_floor(c: &mut Criterion, spec: &Path) {
    let source = load::load(spec).unwrap();
    let prepared = plex_codegen::prepare(&source, &plex_codegen::all_tags(&source)).expect("the document prepares");
    let (doc, located) = (&prepared.doc, plex_codegen::Located { source: &source, origins: &prepared.origins });
    let models = || {
        let types = plex_codegen::model::Types::new(&located, doc).expect("typify takes the document");
        let file: syn::File = syn::parse2(types.tokens()).expect("typify's output parses");
        prettyplease::unparse(&file)
    };
    println!("codegen_all_tags/typify_floor: {} bytes of models", models().len());
    let mut g = c.benchmark_group("codegen_all_tags");
    g.sampling_mode(SamplingMode::Flat).sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("typify_floor", |b| b.iter(|| black_box(models())));
    g.finish();
    let (load, chain) =
        fastest_in_turns(15, || drop(black_box(load::load(spec).unwrap())), || drop(black_box(models())));
    in_turns("codegen_all_tags/typify_floor", 15, load, chain);
}

/// progenitor's whole client generation on the document as our pipeline normalises it (every
/// tag), for context: the time a progenitor-based generator would spend where ours spends its
/// own. progenitor has no `deepObject` query parameters, no request bodies without a schema
/// and one type per response class, and loses a path parameter when another parameter has its
/// name, so those are left out of its copy (the counts are printed). Printed as SKIPPED when progenitor refuses the document.
fn progenitor_context(c: &mut Criterion, spec: &Path) {
    let source = load::load(spec).unwrap();
    let mut doc = plex_codegen::prepare(&source, &plex_codegen::all_tags(&source)).expect("the document prepares").doc;
    let (params, bodies, answers) = without_unsupported(&mut doc);
    println!(
        "codegen_all_tags/progenitor: left out of progenitor's copy: {params} parameters (deepObject, or named like a path parameter), {bodies} bodies without a schema, {answers} responses (all but each operation's first success)"
    );
    let Ok(openapi) = serde_json::from_value::<openapiv3::OpenAPI>(doc) else {
        println!("codegen_all_tags/progenitor: SKIPPED (openapiv3 cannot read the normalised document)");
        return;
    };
    let run =
        || progenitor_impl::Generator::new(&progenitor_impl::GenerationSettings::default()).generate_tokens(&openapi);
    // progenitor may panic on what it cannot handle: the reason is printed below, once.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
    std::panic::set_hook(hook);
    let why = match outcome {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(panic) => Some(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into())
        )),
    };
    if let Some(why) = why {
        let why: String = why.chars().take(200).collect();
        println!("codegen_all_tags/progenitor: SKIPPED (progenitor refuses the normalised document: {why})");
        return;
    }
    let mut g = c.benchmark_group("codegen_all_tags");
    g.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("progenitor", |b| b.iter(|| black_box(run().unwrap())));
    g.finish();
}

/// Removes what progenitor cannot take from every operation: `deepObject` parameters, query
/// or header parameters named like one of the operation's path parameters (progenitor keys an
/// operation's parameters by name, and the path one goes missing: `/library/metadata/{ids}/merge`
/// has `ids` in both), request bodies without a schema, and every response but the first
/// success (progenitor takes one type for the successes and one for the errors, and Plex
/// answers errors in several). Returns how many parameters, bodies and responses.
fn without_unsupported(doc: &mut Value) -> (usize, usize, usize) {
    let resolved = |doc: &Value, p: &Value| -> (String, String, String) {
        let p = p.get("$ref").and_then(Value::as_str).and_then(|r| doc.pointer(&r[1..])).unwrap_or(p);
        let text = |key: &str| p.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        (text("name"), text("in"), text("style"))
    };
    let mut dropped: Vec<(String, Vec<usize>)> = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(list) = op.get("parameters").and_then(Value::as_array) else { continue };
            let params: Vec<_> = list.iter().map(|p| resolved(doc, p)).collect();
            let in_path = |name: &str| params.iter().any(|(n, location, _)| n == name && location == "path");
            let drop = params
                .iter()
                .enumerate()
                .filter(|(_, (name, location, style))| style == "deepObject" || (location != "path" && in_path(name)))
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            let pointer = format!("/paths/{}/{method}/parameters", load::escape_segment(path));
            dropped.push((pointer, drop));
        }
    }
    let mut params = 0;
    for (pointer, drop) in dropped {
        let Some(Value::Array(list)) = doc.pointer_mut(&pointer) else { continue };
        params += drop.len();
        for i in drop.into_iter().rev() {
            list.remove(i);
        }
    }
    let (mut bodies, mut answers) = (0, 0);
    for item in doc.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|p| p.values_mut()) {
        for op in item.as_object_mut().into_iter().flat_map(|i| i.values_mut()).filter_map(Value::as_object_mut) {
            let content = op.get("requestBody").and_then(|b| b.get("content")).and_then(Value::as_object);
            if content.is_some_and(|c| c.values().any(|m| m.get("schema").is_none())) {
                op.remove("requestBody");
                bodies += 1;
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                let first = responses.keys().find(|code| code.starts_with('2')).cloned();
                let before = responses.len();
                responses.retain(|code, _| Some(code) == first.as_ref());
                answers += before - responses.len();
            }
        }
    }
    (params, bodies, answers)
}

fn changelog_upstream(c: &mut Criterion) {
    let (Some(old), Some(new)) = (upstream("2025-11-12"), upstream("2025-11-30")) else {
        println!("changelog_upstream: SKIPPED (no ../shared/plex-api-spec beside the checkout)");
        return;
    };
    let load_both = || (load::load(&old).unwrap(), load::load(&new).unwrap());
    let full = || {
        let (a, b) = load_both();
        diff::markdown(
            &plex_codegen::changelog(&a, &b, Classification::Upstream).expect("the upstream documents pass the checks"),
            "plex_api",
            "Rust",
        )
    };
    assert!(!full().is_empty());
    let mut g = c.benchmark_group("changelog_upstream");
    g.sampling_mode(SamplingMode::Flat).sample_size(20).measurement_time(Duration::from_secs(4));
    g.bench_function("parse", |b| b.iter(|| black_box(load_both())));
    g.bench_function("changelog", |b| b.iter(|| black_box(full())));
    g.finish();
}

/// A Plex-like document of `ops` operations: shared component schemas nested
/// (`Metadata` → `Media` → `Part` → `Stream`), a schema per group of ten operations that
/// extends `Metadata` with `allOf`, shared and own parameters, request bodies on every other
/// operation. `changed` makes the "after" document: ~10% of operations gain a query parameter,
/// 4% change a path parameter's type, every fifth group schema changes a field's type, and 1%
/// of operations move to a new path (one deleted, one added).
fn synthetic(ops: usize, changed: bool) -> Value {
    let int = || json!({ "type": "integer" });
    let string = || json!({ "type": "string" });
    let array_of = |name: &str| json!({ "type": "array", "items": { "$ref": format!("#/components/schemas/{name}") } });
    let mut schemas = Map::new();
    schemas.insert(
        "Tag".into(),
        json!({ "type": "object", "properties": { "id": int(), "tag": string(), "filter": string() } }),
    );
    schemas.insert(
        "Stream".into(),
        json!({ "type": "object", "required": ["id"], "properties": {
            "id": int(), "streamType": { "type": "integer", "enum": [1, 2, 3] }, "codec": string(),
            "default": { "type": "boolean" }, "selected": { "type": "boolean" },
            "language": { "type": ["string", "null"] } } }),
    );
    schemas.insert(
        "Part".into(),
        json!({ "type": "object", "properties": {
            "id": int(), "key": string(), "file": string(), "size": { "type": "integer", "format": "int64" },
            "Stream": array_of("Stream") } }),
    );
    schemas.insert(
        "Media".into(),
        json!({ "type": "object", "properties": {
            "id": int(), "duration": int(), "bitrate": int(), "videoCodec": string(),
            "Part": array_of("Part") } }),
    );
    schemas.insert(
        "Metadata".into(),
        json!({ "type": "object", "required": ["ratingKey", "type"], "properties": {
            "ratingKey": string(), "key": string(), "title": string(), "summary": string(),
            "type": { "type": "string", "enum": ["movie", "show", "season", "episode", "artist", "album", "track"] },
            "year": int(), "addedAt": int(), "Media": array_of("Media"), "Genre": array_of("Tag"),
            "Director": array_of("Tag"), "Role": array_of("Tag") } }),
    );
    schemas.insert(
        "MediaContainer".into(),
        json!({ "type": "object", "properties": {
            "size": int(), "offset": int(), "totalSize": int(), "identifier": string() } }),
    );
    let groups = ops.div_ceil(10);
    for g in 0..groups {
        let field_type = if changed && g % 5 == 0 { "integer" } else { "string" };
        schemas.insert(
            format!("Group{g}Item"),
            json!({ "allOf": [
                { "$ref": "#/components/schemas/Metadata" },
                { "type": "object", "properties": {
                    format!("group{g}Field"): { "type": field_type },
                    "extra": { "$ref": "#/components/schemas/Tag" } } } ] }),
        );
    }
    let parameters = json!({
        "X-Plex-Client-Identifier": { "name": "X-Plex-Client-Identifier", "in": "header", "required": true,
            "schema": string() },
        "includeGuids": { "name": "includeGuids", "in": "query",
            "schema": { "type": "integer", "enum": [0, 1], "default": 0 } },
        "X-Plex-Container-Start": { "name": "X-Plex-Container-Start", "in": "query", "schema": int() },
        "X-Plex-Container-Size": { "name": "X-Plex-Container-Size", "in": "query", "schema": int() },
    });
    let mut paths = Map::new();
    for i in 0..ops {
        let g = i / 10;
        let moved = changed && i % 100 == 99;
        let path = if moved { format!("/group{g}/op{i}/v2/{{id}}") } else { format!("/group{g}/op{i}/{{id}}") };
        let id_type = if changed && i % 25 == 0 { "string" } else { "integer" };
        let mut params = vec![
            json!({ "name": "id", "in": "path", "required": true, "schema": { "type": id_type } }),
            json!({ "$ref": "#/components/parameters/includeGuids" }),
            json!({ "$ref": "#/components/parameters/X-Plex-Client-Identifier" }),
            json!({ "name": format!("filter{}", i % 5), "in": "query", "schema": string() }),
        ];
        if i % 3 == 0 {
            params.push(json!({ "$ref": "#/components/parameters/X-Plex-Container-Start" }));
            params.push(json!({ "$ref": "#/components/parameters/X-Plex-Container-Size" }));
        }
        if changed && i % 10 == 3 {
            params.push(json!({ "name": "newParam", "in": "query", "schema": { "type": "boolean" } }));
        }
        let method = if i % 2 == 0 { "get" } else { "put" };
        let mut operation = json!({
            "operationId": format!("{method}Group{g}Op{i}"),
            "tags": [format!("Group{g}")],
            "summary": format!("Operation {i}"),
            "parameters": params,
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "schema": {
                    "type": "object", "properties": { "MediaContainer": { "allOf": [
                        { "$ref": "#/components/schemas/MediaContainer" },
                        { "type": "object", "properties": { "Metadata": array_of(&format!("Group{g}Item")) } }
                    ] } } } } } },
                "400": { "description": "Bad Request" },
                "401": { "description": "Unauthorized" },
            },
        });
        if method == "put" {
            operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": {
                "type": "object", "properties": { "title": string(), "Genre": array_of("Tag") } } } } });
        }
        paths.insert(path, json!({ method: operation }));
    }
    json!({
        "openapi": "3.1.1",
        "info": { "title": "Synthetic Plex-like API", "version": "1.0.0" },
        "paths": paths,
        "components": { "schemas": schemas, "parameters": parameters },
    })
}

fn scale(c: &mut Criterion) {
    const SIZES: [usize; 3] = [100, 1_000, 10_000];
    let docs: Vec<(usize, Value, Value)> =
        SIZES.iter().map(|&n| (n, synthetic(n, false), synthetic(n, true))).collect();

    let mut g = c.benchmark_group("scale_surface");
    g.sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(3));
    for (n, _, new) in &docs {
        assert_eq!(diff::surface(new).operations.len(), *n);
        g.sample_size(if *n >= 10_000 { 10 } else { 20 });
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), new, |b, doc| b.iter(|| black_box(diff::surface(doc))));
    }
    g.finish();

    let mut g = c.benchmark_group("scale_diff");
    g.sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(3));
    for (n, old, new) in &docs {
        let (old, new) = (diff::surface(old), diff::surface(new));
        let log = plex_codegen::diff::diff(&old, &new, Classification::Upstream);
        // ~10% + 4% + 20% (overlapping) changed, 1% moved: a changelog with hundreds of entries at 10,000.
        assert!(log.entries.len() >= n / 5, "{} entries for {n} operations", log.entries.len());
        g.sample_size(if *n >= 10_000 { 10 } else { 20 });
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &(old, new), |b, (old, new)| {
            b.iter(|| black_box(plex_codegen::diff::diff(old, new, Classification::Upstream)))
        });
    }
    g.finish();
}

criterion_group!(benches, codegen, changelog_upstream, scale);
criterion_main!(benches);
