//! `cargo xtask breaking --base REV`: spec/ at REV against the working tree, and plex-sdk's
//! version at REV against the working tree's.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use plex_codegen::diff;
use plex_codegen::diff::{Bump, breaking};

const SPEC: &str = "spec/plex-api-spec.yaml";
const MANIFEST: &str = "plex-sdk/Cargo.toml";

/// A file's text at a git revision.
fn git_show(root: &Path, rev: &str, path: &str) -> anyhow::Result<String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!("git show {rev}:{path} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn version_of(manifest: &str, source: &str) -> anyhow::Result<semver::Version> {
    let value: toml::Table = toml::from_str(manifest).with_context(|| format!("parsing {source}"))?;
    let version = value
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .with_context(|| format!("{source} has no package.version"))?;
    semver::Version::parse(version).with_context(|| format!("{source}: version `{version}`"))
}

fn name(bump: Bump) -> &'static str {
    match bump {
        Bump::None => "no bump",
        Bump::Patch => "a patch bump",
        Bump::Minor => "a minor bump",
        Bump::Major => "a major bump",
    }
}

pub fn run(root: &Path, base: &str) -> anyhow::Result<ExitCode> {
    let old_text = git_show(root, base, SPEC)?;
    let old = plex_codegen::openapi::parse(format!("{SPEC}@{base}"), old_text)?;
    let new = plex_codegen::openapi::load(&root.join(SPEC))?;
    let old_version = version_of(&git_show(root, base, MANIFEST)?, &format!("{MANIFEST}@{base}"))?;
    let new_version = version_of(&std::fs::read_to_string(root.join(MANIFEST))?, MANIFEST)?;
    let (changelog, verdict) = breaking(&old, &new, &old_version, &new_version)?;
    if verdict.passes() {
        if changelog.entries.is_empty() {
            println!("spec/ has no SDK-visible change since {base}; plex-sdk {old_version} → {new_version}");
        } else {
            print!("{}", diff::markdown(&changelog, "plex_sdk", "Rust"));
            println!(
                "\nplex-sdk {old_version} → {new_version}: {} for these changes, {} made",
                name(verdict.required),
                name(verdict.actual)
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let shown = if changelog.breaking() { changelog.breaking_only() } else { changelog.clone() };
    print!("{}", diff::markdown(&shown, "plex_sdk", "Rust"));
    eprintln!(
        "\nerror: spec/ changed since {base} in a way that needs {} of plex-sdk, but its version went {old_version} → {new_version} ({}).\n\
         Bump `version` in {MANIFEST} in the same commit.",
        name(verdict.required),
        name(verdict.actual)
    );
    Ok(ExitCode::from(1))
}
