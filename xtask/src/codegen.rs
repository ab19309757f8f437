//! `cargo xtask codegen`: regenerate plex-sdk (or check it is current), or write a complete
//! crate for any document to a folder of its own (`--out`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use plex_codegen::emit::{self, Drift};

/// What the command was asked.
pub struct Options {
    pub spec: PathBuf,
    pub tags: Vec<String>,
    pub check: bool,
    pub explain: bool,
    pub out: Option<PathBuf>,
}

pub fn run(root: &Path, options: Options) -> anyhow::Result<ExitCode> {
    let spec = &options.spec;
    let spec_path = if spec.is_absolute() { spec.clone() } else { std::env::current_dir()?.join(spec) };
    let label = spec_path
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
    let source = plex_codegen::openapi::load(&spec_path)?;
    let tags = if options.tags.is_empty() { plex_codegen::all_tags(&source) } else { options.tags.clone() };
    let mut generation = plex_codegen::generate(&source, &tags, &label)?;
    let manifest = plex_codegen::emit::manifest(&root.join("plex-sdk"), &generation.api)?;
    generation.files.push(manifest);
    if options.explain {
        for change in &generation.changes {
            println!("{:<32} {:<60} {}", change.rule, change.pointer, change.detail);
        }
    }
    let code = match &options.out {
        Some(out) => {
            let code = write_standalone(root, out, &generation.files)?;
            write_standalone_mock(root, &out.join("mock"), &generation.mock_files)?;
            code
        }
        None if options.check => check(root, &generation),
        None => write(root, &generation)?,
    };
    println!("{}", plex_codegen::summary(&generation.api));
    Ok(code)
}

/// The crates the generator writes into: folder, its generated folders, and its files.
fn targets(
    generation: &plex_codegen::Generation,
) -> [(&'static str, &'static [&'static str], &[plex_codegen::GeneratedFile]); 2] {
    [
        ("plex-sdk", emit::GENERATED_DIRS, &generation.files),
        (emit::MOCK_CRATE_DIR, emit::MOCK_GENERATED_DIRS, &generation.mock_files),
    ]
}

fn check(root: &Path, generation: &plex_codegen::Generation) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    for (krate, dirs, files) in targets(generation) {
        let drift = emit::compare_in(&root.join(krate), dirs, files);
        if drift.is_empty() {
            println!("{krate} generated files are up to date ({} files in {})", files.len(), dirs.join(", "));
            continue;
        }
        for d in &drift {
            println!("{d}");
        }
        let stale = drift
            .iter()
            .map(|d| match d {
                Drift::Changed { path, .. } | Drift::Missing { path } | Drift::Extra { path } => path.as_str(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        eprintln!("stale generated files in {krate}: {stale}\nrun `cargo xtask codegen` and commit the result");
        code = ExitCode::from(1);
    }
    code
}

fn write(root: &Path, generation: &plex_codegen::Generation) -> anyhow::Result<ExitCode> {
    for (krate, dirs, files) in targets(generation) {
        let changed = emit::write_in(&root.join(krate), dirs, files).context("writing generated files")?;
        if changed.is_empty() {
            println!("{krate} generated files were already up to date ({})", dirs.join(", "));
        }
        for path in changed {
            println!("wrote {krate}/{path}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Generates every tag of `spec` and writes it as a crate that builds on its own to `out`.
pub fn write_crate(root: &Path, spec: &Path, out: &Path) -> anyhow::Result<()> {
    let source = plex_codegen::openapi::load(spec)?;
    let mut generation = plex_codegen::generate(&source, &[], "bench")?;
    generation.files.push(plex_codegen::emit::manifest(&root.join("plex-sdk"), &generation.api)?);
    write_standalone(root, out, &generation.files).map(|_| ())
}

/// Writes a crate that builds on its own to `out`: plex-sdk's hand-written runtime, the
/// generated files, and a manifest with the workspace's dependency versions written out.
fn write_standalone(root: &Path, out: &Path, files: &[plex_codegen::GeneratedFile]) -> anyhow::Result<ExitCode> {
    let sdk = root.join("plex-sdk");
    for entry in std::fs::read_dir(sdk.join("src")).context("reading plex-sdk/src")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let target = out.join("src").join(path.file_name().unwrap_or_default());
            std::fs::create_dir_all(out.join("src"))?;
            std::fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    let (manifests, files): (Vec<_>, Vec<_>) = files.iter().cloned().partition(|f| f.path == "Cargo.toml");
    let manifest = standalone_manifest(root, manifests.first()).context("writing the manifest")?;
    std::fs::write(out.join("Cargo.toml"), manifest)?;
    let _ = std::fs::remove_dir_all(out.join(emit::GENERATED_DIR));
    let _ = std::fs::remove_dir_all(out.join("docs"));
    emit::write(out, &files).with_context(|| format!("writing into {}", out.display()))?;
    println!("wrote a crate to {} ({} generated files)", out.display(), files.len());
    Ok(ExitCode::SUCCESS)
}

/// Writes the mock crate of a standalone crate to `out` (its `mock/` folder): plex-sdk-mock's
/// hand-written runtime, its generated files, and a manifest whose plex-sdk is the crate
/// one folder up.
fn write_standalone_mock(root: &Path, out: &Path, files: &[plex_codegen::GeneratedFile]) -> anyhow::Result<()> {
    let mock = root.join(emit::MOCK_CRATE_DIR);
    std::fs::create_dir_all(out.join("src"))?;
    for entry in std::fs::read_dir(mock.join("src")).context("reading plex-sdk-mock/src")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let target = out.join("src").join(path.file_name().unwrap_or_default());
            std::fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    std::fs::copy(mock.join("README.md"), out.join("README.md")).context("copying the mock's README")?;
    let text = std::fs::read_to_string(mock.join("Cargo.toml"))?;
    let mut manifest = resolved_manifest(root, &text)?;
    if let Some(deps) = manifest.get_mut("dependencies").and_then(toml::Value::as_table_mut) {
        deps.insert("plex-sdk".into(), toml::Value::Table(toml::Table::from_iter([("path".to_string(), "..".into())])));
    }
    std::fs::write(out.join("Cargo.toml"), toml::to_string(&manifest)?)?;
    for dir in emit::MOCK_GENERATED_DIRS {
        let _ = std::fs::remove_dir_all(out.join(dir));
    }
    emit::write_in(out, emit::MOCK_GENERATED_DIRS, files).with_context(|| format!("writing into {}", out.display()))?;
    println!("wrote its mock crate to {} ({} generated files)", out.display(), files.len());
    Ok(())
}

/// A member's manifest (`text`) with every `workspace = true` resolved from the workspace's
/// own, its package keys filled in, as a workspace of its own.
fn resolved_manifest(root: &Path, text: &str) -> anyhow::Result<toml::Table> {
    let workspace: toml::Table = toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml"))?)?;
    let shared = workspace
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut manifest: toml::Table = toml::from_str(text)?;
    let package = manifest.get_mut("package").and_then(toml::Value::as_table_mut).context("no [package]")?;
    for key in ["edition", "license", "rust-version", "publish"] {
        let value = workspace.get("workspace").and_then(|w| w.get("package")).and_then(|p| p.get(key)).cloned();
        if let Some(value) = value {
            package.insert(key.into(), value);
        }
    }
    for section in ["dependencies", "dev-dependencies"] {
        let Some(deps) = manifest.get_mut(section).and_then(toml::Value::as_table_mut) else { continue };
        for (name, spec) in deps.iter_mut() {
            *spec = resolve(spec, shared.get(name));
        }
        // A workspace crate known only by its path has nothing left to depend on outside the
        // workspace.
        deps.retain(|_, spec| spec.as_table().is_none_or(|t| !t.is_empty()));
    }
    manifest.remove("bench");
    manifest.insert("workspace".into(), toml::Value::Table(toml::Table::new()));
    Ok(manifest)
}

/// plex-sdk's manifest with every `workspace = true` resolved from the workspace's own, as a
/// workspace of its own.
fn standalone_manifest(root: &Path, generated: Option<&plex_codegen::GeneratedFile>) -> anyhow::Result<String> {
    let text = match generated {
        Some(file) => file.contents.clone(),
        None => std::fs::read_to_string(root.join("plex-sdk/Cargo.toml"))?,
    };
    let mut manifest = resolved_manifest(root, &text)?;
    if let Some(package) = manifest.get_mut("package").and_then(toml::Value::as_table_mut) {
        package.insert("name".into(), "plex-sdk".into());
    }
    Ok(toml::to_string(&manifest)?)
}

/// A member's dependency entry with `workspace = true` replaced by the workspace's entry (its
/// own `features` added).
fn resolve(spec: &toml::Value, shared: Option<&toml::Value>) -> toml::Value {
    let Some(table) = spec.as_table().filter(|t| t.get("workspace").and_then(toml::Value::as_bool) == Some(true))
    else {
        return spec.clone();
    };
    let mut out = match shared {
        Some(toml::Value::String(version)) => toml::Table::from_iter([("version".to_string(), version.clone().into())]),
        Some(toml::Value::Table(t)) => t.clone(),
        _ => toml::Table::new(),
    };
    if let Some(toml::Value::Array(extra)) = table.get("features") {
        let features = out.entry("features").or_insert_with(|| toml::Value::Array(Vec::new()));
        if let toml::Value::Array(list) = features {
            list.extend(extra.iter().cloned());
        }
    }
    for (k, v) in table.iter().filter(|(k, _)| !matches!(k.as_str(), "workspace" | "features")) {
        out.insert(k.clone(), v.clone());
    }
    out.remove("path");
    toml::Value::Table(out)
}
