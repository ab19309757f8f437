//! A standalone copy of the plex-sdk crate, outside the workspace, holding the generated
//! files of one document: the hand-written runtime (`plex-sdk/src/` without `generated/`),
//! a manifest with the workspace inheritance resolved, and the workspace's Cargo.lock so the
//! dependencies resolve to the versions the workspace uses.

use std::path::Path;

use anyhow::{Context, bail};
use plex_codegen::GeneratedFile;
use plex_codegen::emit::GENERATED_DIR;
use toml::{Table, Value};

/// The version both copies get: cargo-semver-checks then asks "is this a minor release?"
/// with 1.x rules, so only changes that need a new major version fail.
pub const VERSION: &str = "1.0.0";

/// `dep.workspace = true` (plus the member's own keys) → the workspace's entry merged with
/// them; a path made absolute.
fn resolve_dependency(name: &str, member: &Value, workspace: &Table, root: &Path) -> anyhow::Result<Value> {
    let Some(member) = member.as_table().filter(|t| t.get("workspace").and_then(Value::as_bool) == Some(true)) else {
        return Ok(member.clone());
    };
    let inherited = workspace.get(name).with_context(|| format!("`{name}` is not in [workspace.dependencies]"))?;
    let mut merged = match inherited {
        Value::String(version) => Table::from_iter([("version".to_string(), Value::String(version.clone()))]),
        Value::Table(t) => t.clone(),
        other => bail!("[workspace.dependencies] `{name}` is neither a version nor a table: {other}"),
    };
    for (key, value) in member {
        match (key.as_str(), value, merged.get_mut("features")) {
            ("workspace", _, _) => {}
            ("features", Value::Array(extra), Some(Value::Array(features))) => features.extend(extra.iter().cloned()),
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(Value::String(path)) = merged.get_mut("path") {
        *path = root.join(&*path).to_string_lossy().into_owned();
    }
    Ok(Value::Table(merged))
}

/// The manifest of the standalone copy: package keys, features and dependencies of
/// plex-sdk's manifest with the workspace's values filled in; no dev-dependencies, benches
/// or examples (the copy holds only `src/`), and an empty `[workspace]` of its own.
pub fn manifest(root: &Path) -> anyhow::Result<String> {
    let read = |p: &str| -> anyhow::Result<Table> {
        let text = std::fs::read_to_string(root.join(p)).with_context(|| format!("reading {p}"))?;
        toml::from_str(&text).with_context(|| format!("parsing {p}"))
    };
    let member = read("plex-sdk/Cargo.toml")?;
    let workspace = read("Cargo.toml")?;
    let ws = workspace.get("workspace").and_then(Value::as_table).context("Cargo.toml has no [workspace]")?;
    let ws_package = ws.get("package").and_then(Value::as_table).cloned().unwrap_or_default();
    let ws_deps = ws.get("dependencies").and_then(Value::as_table).cloned().unwrap_or_default();

    let mut package = Table::new();
    for (key, value) in
        member.get("package").and_then(Value::as_table).context("plex-sdk/Cargo.toml has no [package]")?
    {
        let inherited = value.as_table().and_then(|t| t.get("workspace")).and_then(Value::as_bool) == Some(true);
        let value = if inherited { ws_package.get(key).cloned() } else { Some(value.clone()) };
        if let Some(value) = value {
            package.insert(key.clone(), value);
        }
    }
    package.insert("version".into(), Value::String(VERSION.into()));
    package.insert("publish".into(), Value::Boolean(false));

    let mut dependencies = Table::new();
    for (name, dep) in member.get("dependencies").and_then(Value::as_table).cloned().unwrap_or_default() {
        dependencies.insert(name.clone(), resolve_dependency(&name, &dep, &ws_deps, root)?);
    }
    let mut out = Table::new();
    out.insert("package".into(), Value::Table(package));
    out.insert("workspace".into(), Value::Table(Table::new()));
    if let Some(features) = member.get("features") {
        out.insert("features".into(), features.clone());
    }
    out.insert("dependencies".into(), Value::Table(dependencies));
    Ok(format!("# A copy of plex-sdk made by `cargo xtask semver-crosscheck`.\n{}", toml::to_string(&out)?))
}

/// Crates the generated code may name that plex-sdk does not depend on (typify maps
/// `format: date-time` to chrono; spec/ has none): added to a copy whose code names them.
const EXTRA_DEPENDENCIES: &[(&str, &str)] = &[(
    "::chrono::",
    "[dependencies.chrono]\nversion = \"0.4\"\ndefault-features = false\nfeatures = [\"serde\", \"std\"]\n",
)];

/// Copies `from` into `to`, skipping the folder `skip` (relative to `from`).
fn copy_tree(from: &Path, to: &Path, skip: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path == skip {
            continue;
        }
        if entry.file_type()?.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()), skip)?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Writes the standalone crate at `dir` (which must not exist yet) with `files` as its
/// generated code.
pub fn write(root: &Path, dir: &Path, manifest: &str, files: &[GeneratedFile]) -> anyhow::Result<()> {
    let sdk = root.join("plex-sdk");
    copy_tree(&sdk.join("src"), &dir.join("src"), &sdk.join(GENERATED_DIR))
        .with_context(|| format!("copying plex-sdk/src to {}", dir.display()))?;
    let mut manifest = manifest.to_string();
    for (marker, dependency) in EXTRA_DEPENDENCIES {
        let name = dependency.lines().next().unwrap_or_default();
        if files.iter().any(|f| f.contents.contains(marker)) && !manifest.contains(name) {
            manifest.push('\n');
            manifest.push_str(dependency);
        }
    }
    std::fs::write(dir.join("Cargo.toml"), with_groups(&manifest, files)?)?;
    if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
        std::fs::write(dir.join("Cargo.lock"), lock)?;
    }
    for file in files {
        let target = dir.join(&file.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &file.contents).with_context(|| format!("writing {}", target.display()))?;
    }
    Ok(())
}

/// `manifest` with the features of the groups `files` generate (plex-sdk's own manifest
/// lists spec/'s groups; a fixture has its own), each on by default through `full`.
fn with_groups(manifest: &str, files: &[GeneratedFile]) -> anyhow::Result<String> {
    let mut table: Table = toml::from_str(manifest)?;
    let groups: Vec<String> = files
        .iter()
        .filter_map(|f| f.path.strip_prefix(&format!("{GENERATED_DIR}/"))?.strip_suffix(".rs").map(str::to_string))
        .filter(|name| !matches!(name.as_str(), "mod" | "models" | "globals"))
        .collect();
    let features = table.entry("features").or_insert_with(|| Value::Table(Table::new()));
    if let Value::Table(features) = features {
        features.retain(|k, _| ["default", "rustls", "native-tls", "strict"].contains(&k));
        features.insert("full".into(), Value::Array(groups.iter().cloned().map(Value::String).collect()));
        for group in &groups {
            features.insert(group.clone(), Value::Array(Vec::new()));
        }
    }
    Ok(format!("# A copy of plex-sdk made by `cargo xtask semver-crosscheck`.\n{}", toml::to_string(&table)?))
}
