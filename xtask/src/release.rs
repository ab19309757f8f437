//! `cargo xtask release [--dry-run]`: from a change of `spec/` to a prepared release of
//! plex-sdk. Compares `spec/` at the last release with the working tree (Rust
//! classification), regenerates the SDK, bumps plex-sdk's version as semver requires, writes
//! a section at the top of `plex-sdk/CHANGELOG.md`, runs the freshness check and the breaking
//! gate, and prints the commit and tag commands. It never commits, tags or pushes.
//!
//! plex-sdk-mock is released with plex-sdk, at the same version: the release writes that
//! version into plex-sdk-mock's manifest, into the `version` of both path dependencies in the
//! workspace manifest (`[workspace.dependencies]`, which plex-sdk-mock's dependency on
//! plex-sdk uses, so the published crates name each other's version) and into Cargo.lock.
//!
//! The last release is the tag `plex-sdk-v<version>` of the version committed in `HEAD`
//! when it exists, and otherwise the newest commit that changed plex-sdk's version.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use plex_codegen::diff::{self, ChangeKind, Changelog, Classification, EntryKind};
use plex_codegen::diff::{Bump, judge};
use plex_codegen::emit;
use semver::Version;

use crate::{gate, git, notes};

/// The document the SDK is generated from.
pub const SPEC: &str = "spec/plex-api-spec.yaml";
/// The SDK crate's folder and manifest.
const CRATE: &str = "plex-sdk";
const MANIFEST: &str = "plex-sdk/Cargo.toml";
const CHANGELOG: &str = "plex-sdk/CHANGELOG.md";
const LOCK: &str = "Cargo.lock";
const TAG_PREFIX: &str = "plex-sdk-v";
/// The mock crate, released at plex-sdk's version.
const MOCK_CRATE: &str = "plex-sdk-mock";
const MOCK_MANIFEST: &str = "plex-sdk-mock/Cargo.toml";
/// The workspace manifest, whose `[workspace.dependencies]` give both crates' versions.
const WORKSPACE_MANIFEST: &str = "Cargo.toml";

/// What the command is asked to do.
pub struct Options {
    /// Change nothing; print what would be done.
    pub dry_run: bool,
    /// The release date for the CHANGELOG section (`YYYY-MM-DD`); today (UTC) when `None`.
    pub date: Option<String>,
}

/// How much a change moves the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing a caller can see in the API changed (documentation only).
    Fix,
    /// Something was added and nothing breaks.
    Feature,
    /// Something breaks Rust callers.
    Breaking,
}

/// The level of a changelog under the Rust classification, `None` when it is empty.
pub fn level(changelog: &Changelog) -> Option<Level> {
    if changelog.breaking() {
        return Some(Level::Breaking);
    }
    let added = changelog.entries.iter().any(|e| {
        e.kind == EntryKind::Added
            || e.sides.iter().flat_map(|s| &s.changes).any(|c| matches!(c.kind, ChangeKind::Added { .. }))
    });
    match (changelog.entries.is_empty(), added) {
        (true, _) => None,
        (false, true) => Some(Level::Feature),
        (false, false) => Some(Level::Fix),
    }
}

/// The version after `old` for a change of `level`: on 0.x a breaking change bumps the minor
/// version and anything else the patch; from 1.0, major / minor / patch. Pre-release and
/// build labels are dropped.
pub fn next_version(old: &Version, level: Level) -> Version {
    let (major, minor, patch) = match (old.major, level) {
        (0, Level::Breaking) => (0, old.minor + 1, 0),
        (0, _) => (0, old.minor, old.patch + 1),
        (_, Level::Breaking) => (old.major + 1, 0, 0),
        (_, Level::Feature) => (old.major, old.minor + 1, 0),
        (_, Level::Fix) => (old.major, old.minor, old.patch + 1),
    };
    Version::new(major, minor, patch)
}

fn bump_name(bump: Bump) -> &'static str {
    match bump {
        Bump::None => "no bump",
        Bump::Patch => "a patch bump",
        Bump::Minor => "a minor bump",
        Bump::Major => "a major bump",
    }
}

/// `package.version` of a manifest's text.
pub fn manifest_version(text: &str, source: &str) -> anyhow::Result<Version> {
    let value: toml::Table = toml::from_str(text).with_context(|| format!("parsing {source}"))?;
    let version = value
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .with_context(|| format!("{source} has no package.version"))?;
    Version::parse(version).with_context(|| format!("{source}: version `{version}`"))
}

/// The manifest's text with `package.version` set to `new`, everything else untouched.
pub fn set_manifest_version(text: &str, new: &Version) -> anyhow::Result<String> {
    let mut in_package = false;
    let mut done = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        let key = trimmed.split('=').next().map(str::trim);
        if in_package && !done && key == Some("version") && trimmed.contains('"') {
            let ending = if line.ends_with('\n') { "\n" } else { "" };
            out.push_str(&format!("version = \"{new}\"{ending}"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if !done {
        bail!("{MANIFEST} has no `version = \"…\"` line in [package]");
    }
    if manifest_version(&out, MANIFEST)? != *new {
        bail!("rewriting the version in {MANIFEST} did not give {new}");
    }
    Ok(out)
}

/// Cargo.lock's text with package `name`'s version set to `new` (`None` when the lock file
/// has no such package).
fn set_lock_version(text: &str, name: &str, new: &Version) -> Option<String> {
    let marker = format!("[[package]]\nname = \"{name}\"\nversion = \"");
    let start = text.find(&marker)? + marker.len();
    let end = start + text[start..].find('"')?;
    Some(format!("{}{new}{}", &text[..start], &text[end..]))
}

/// The workspace manifest's text with the `version` of dependency `name` (an inline table on
/// one line, `name = { path = "…", version = "…" }`) set to `new`; `None` when it has no
/// such line.
pub fn set_dependency_version(text: &str, name: &str, new: &Version) -> Option<String> {
    let mut found = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let is_dependency = line.trim_start().strip_prefix(name).is_some_and(|rest| rest.trim_start().starts_with('='));
        match line.find("version = \"").filter(|_| is_dependency && !found) {
            Some(at) => {
                let start = at + "version = \"".len();
                let end = start + line[start..].find('"')?;
                out.push_str(&format!("{}{new}{}", &line[..start], &line[end..]));
                found = true;
            }
            None => out.push_str(line),
        }
    }
    found.then_some(out)
}

/// The version of dependency `name` in a manifest's `[workspace.dependencies]` (for the
/// tests that keep the versions in step).
#[cfg(test)]
pub fn dependency_version(text: &str, name: &str) -> Option<Version> {
    let value: toml::Table = toml::from_str(text).ok()?;
    let version = value.get("workspace")?.get("dependencies")?.get(name)?.get("version")?.as_str()?;
    Version::parse(version).ok()
}

/// The last release: a git revision and its plex-sdk version.
#[derive(Debug, Clone)]
pub struct Base {
    /// A revision `git show` understands.
    pub rev: String,
    /// How it was found, for the output.
    pub label: String,
    /// plex-sdk's version there.
    pub version: Version,
}

fn version_at(root: &Path, rev: &str) -> anyhow::Result<Option<Version>> {
    match git::show(root, rev, MANIFEST)? {
        Some(text) => Ok(manifest_version(&text, &format!("{MANIFEST}@{rev}")).ok()),
        None => Ok(None),
    }
}

/// The tag of the version in `HEAD`, or the newest commit that changed the version.
pub fn find_base(root: &Path) -> anyhow::Result<Base> {
    let head = version_at(root, "HEAD")?.with_context(|| format!("HEAD has no readable {MANIFEST}"))?;
    let tag = format!("{TAG_PREFIX}{head}");
    if git::tag_exists(root, &tag)? {
        return Ok(Base { label: format!("tag {tag}"), rev: tag, version: head });
    }
    for commit in git::commits_touching(root, MANIFEST)? {
        let here = version_at(root, &commit)?;
        let before = match git::parent(root, &commit)? {
            Some(parent) => version_at(root, &parent)?,
            None => None,
        };
        if let Some(version) = here.filter(|v| before.as_ref() != Some(v)) {
            let label = format!("{} (the commit that set version {version})", git::describe(root, &commit)?);
            return Ok(Base { rev: commit, label, version });
        }
    }
    bail!("no commit sets a version in {MANIFEST}; commit the crate first")
}

/// Fails unless every uncommitted path is part of a release: `spec/` and the generated
/// folders. A prepared release (manifest or CHANGELOG.md edited) gets its own message.
fn check_clean(root: &Path) -> anyhow::Result<()> {
    let generated: Vec<String> = emit::GENERATED_DIRS.iter().map(|d| format!("{CRATE}/{d}/")).collect();
    let unrelated: Vec<String> = git::dirty_paths(root)?
        .into_iter()
        .filter(|p| !p.starts_with("spec/") && !generated.iter().any(|g| p.starts_with(g.as_str())))
        .collect();
    if unrelated.is_empty() {
        return Ok(());
    }
    let list = unrelated.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n");
    if unrelated.iter().any(|p| p == MANIFEST || p == CHANGELOG) {
        bail!(
            "a release seems to be prepared already; these files have uncommitted edits:\n{list}\n\
             commit them (with the commands `cargo xtask release` printed) or discard them (`git checkout -- <file>`)"
        );
    }
    bail!(
        "the working tree has edits unrelated to a release (only spec/ and {} may differ from HEAD):\n{list}\n\
         commit or stash them first",
        generated.join(", ")
    )
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Everything the release would do, computed without writing.
struct Plan {
    base: Base,
    changelog: Changelog,
    level: Level,
    next: Version,
    generation: plex_codegen::Generation,
    section: String,
    writes: Vec<String>,
}

/// Every tag of the document, as `cargo xtask codegen` generates.
fn tags() -> Vec<String> {
    Vec::new()
}

fn plan(root: &Path, options: &Options) -> anyhow::Result<Plan> {
    git::check_work_tree(root)?;
    check_clean(root)?;
    let base = find_base(root)?;
    let old_text =
        git::show(root, &base.rev, SPEC)?.with_context(|| format!("{SPEC} does not exist at {}", base.rev))?;
    let old = plex_codegen::openapi::parse(format!("{SPEC}@{}", base.rev), old_text)?;
    let new = plex_codegen::openapi::load(&root.join(SPEC))?;
    let changelog = plex_codegen::changelog(&old, &new, Classification::Rust)?;
    let mut generation = plex_codegen::generate(&new, &tags(), SPEC)?;
    generation.files.push(plex_codegen::emit::manifest(&root.join(CRATE), &generation.api)?);
    // The release's document generated by today's generator: for the model types' names, and
    // to tell a documentation-only change from none. A document it rejects counts as different.
    let before = plex_codegen::generate(&old, &tags(), SPEC).ok();
    let types = before.as_ref().map(|b| notes::type_lines(&b.files, &generation.files)).unwrap_or_default();
    let type_level = match (types.iter().any(|l| l.breaking), types.is_empty()) {
        (true, _) => Some(Level::Breaking),
        (false, false) => Some(Level::Feature),
        (false, true) => None,
    };
    let level = match level(&changelog).max(type_level) {
        Some(level) => level,
        None if before.is_none_or(|b| !same_files(&b.files, &generation.files)) => Level::Fix,
        None => bail!(
            "nothing to release: {SPEC} has no change since the last release, {} (plex-sdk {}), that changes the SDK",
            base.label,
            base.version
        ),
    };
    let next = next_version(&base.version, level);
    let date = options.date.clone().unwrap_or_else(today);
    let shape = date.len() == 10
        && date.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !shape {
        bail!("--date `{date}` is not a date written YYYY-MM-DD");
    }
    let section = notes::section(&next, &date, &changelog, &types, level == Level::Fix);
    let crate_dir = root.join(CRATE);
    let mut writes = vec![MANIFEST.to_string(), LOCK.to_string(), CHANGELOG.to_string()];
    for manifest in [WORKSPACE_MANIFEST, MOCK_MANIFEST] {
        if root.join(manifest).is_file() {
            writes.push(format!("{manifest} (version {next})"));
        }
    }
    let mock = plex_codegen::emit::MOCK_CRATE_DIR;
    let mut drift = vec![(CRATE, emit::compare(&crate_dir, &generation.files))];
    if root.join(mock).is_dir() {
        let dirs = plex_codegen::emit::MOCK_GENERATED_DIRS;
        drift.push((mock, emit::compare_in(&root.join(mock), dirs, &generation.mock_files)));
    }
    for (krate, drift) in drift {
        writes.extend(drift.iter().map(|d| match d {
            emit::Drift::Changed { path, .. } | emit::Drift::Missing { path } => format!("{krate}/{path}"),
            emit::Drift::Extra { path } => format!("{krate}/{path} (deleted)"),
        }));
    }
    Ok(Plan { base, changelog, level, next, generation, section, writes })
}

/// Whether two generations wrote the same files.
fn same_files(a: &[plex_codegen::GeneratedFile], b: &[plex_codegen::GeneratedFile]) -> bool {
    // The manifest's generated block is made for the new document only.
    let code = |files: &[plex_codegen::GeneratedFile]| -> Vec<(String, String)> {
        files.iter().filter(|f| f.path != "Cargo.toml").map(|f| (f.path.clone(), f.contents.clone())).collect()
    };
    code(a) == code(b)
}

fn why(plan: &Plan) -> &'static str {
    match (plan.base.version.major, plan.level) {
        (0, Level::Breaking) => "minor: a breaking change while 0.x",
        (0, _) => "patch: nothing breaks while 0.x",
        (_, Level::Breaking) => "major: a breaking change",
        (_, Level::Feature) => "minor: additions only",
        (_, Level::Fix) => "patch: no API change",
    }
}

fn print_plan(plan: &Plan, dry_run: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let verb = if dry_run { "would write" } else { "writes" };
    writeln!(out, "last release: plex-sdk {} at {}", plan.base.version, plan.base.label)?;
    writeln!(out, "spec/ since then (Rust classification):")?;
    let log = diff::markdown(&plan.changelog, "plex_sdk", "Rust");
    for line in log.lines().skip(1) {
        writeln!(out, "  {line}")?;
    }
    if plan.changelog.entries.is_empty() {
        writeln!(out, "  (no operation changed; the generated documentation did)")?;
    }
    writeln!(out, "version: {} → {} ({})", plan.base.version, plan.next, why(plan))?;
    writeln!(out, "{verb}:")?;
    for path in &plan.writes {
        writeln!(out, "  {path}")?;
    }
    writeln!(out, "CHANGELOG.md section:\n")?;
    for line in plan.section.lines() {
        writeln!(out, "    {line}")?;
    }
    writeln!(out)?;
    Ok(())
}

fn commands(next: &Version) -> String {
    format!(
        "  git add spec {CRATE} {MOCK_CRATE} {WORKSPACE_MANIFEST} {LOCK}\n  git commit -m \"plex-sdk {next}\"\n  git tag -a {TAG_PREFIX}{next} -m \"plex-sdk {next}\"\n  git push origin HEAD {TAG_PREFIX}{next}\n"
    )
}

fn write(root: &Path, plan: &Plan) -> anyhow::Result<()> {
    emit::write(&root.join(CRATE), &plan.generation.files).context("writing the generated files")?;
    let mock = plex_codegen::emit::MOCK_CRATE_DIR;
    if root.join(mock).is_dir() {
        emit::write_in(&root.join(mock), plex_codegen::emit::MOCK_GENERATED_DIRS, &plan.generation.mock_files)
            .context("writing the mock's generated files")?;
    }
    let manifest = std::fs::read_to_string(root.join(MANIFEST)).with_context(|| format!("reading {MANIFEST}"))?;
    std::fs::write(root.join(MANIFEST), set_manifest_version(&manifest, &plan.next)?)?;
    write_versions(root, &plan.next)?;
    let existing = std::fs::read_to_string(root.join(CHANGELOG)).unwrap_or_else(|_| notes::HEADER.to_string());
    std::fs::write(root.join(CHANGELOG), notes::insert(&existing, &plan.section, &plan.next)?)?;
    Ok(())
}

/// Writes `next` where plex-sdk-mock and the path dependencies carry it (each file only
/// when it exists): the mock's manifest, the workspace's dependency versions, Cargo.lock.
fn write_versions(root: &Path, next: &Version) -> anyhow::Result<()> {
    if let Ok(mock) = std::fs::read_to_string(root.join(MOCK_MANIFEST)) {
        std::fs::write(root.join(MOCK_MANIFEST), set_manifest_version(&mock, next)?)?;
    }
    if let Ok(mut workspace) = std::fs::read_to_string(root.join(WORKSPACE_MANIFEST)) {
        for name in [CRATE, MOCK_CRATE] {
            workspace = set_dependency_version(&workspace, name, next)
                .with_context(|| format!("{WORKSPACE_MANIFEST} has no `{name} = {{ .., version = \"…\" }}` line"))?;
        }
        std::fs::write(root.join(WORKSPACE_MANIFEST), workspace)?;
    }
    if let Ok(mut lock) = std::fs::read_to_string(root.join(LOCK)) {
        for name in [CRATE, MOCK_CRATE] {
            lock = set_lock_version(&lock, name, next).unwrap_or(lock);
        }
        std::fs::write(root.join(LOCK), lock)?;
    }
    Ok(())
}

/// Runs the command; progress goes to `out`, the gate's own report to standard output.
pub fn run(root: &Path, options: &Options, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let plan = plan(root, options)?;
    if options.dry_run {
        writeln!(out, "plex-sdk release, dry run: nothing is written\n")?;
        print_plan(&plan, true, out)?;
        let verdict = judge(&plan.changelog, &plan.base.version, &plan.next);
        writeln!(
            out,
            "breaking gate (cargo xtask breaking --base {}): would {} ({} needed, {} made)",
            plan.base.rev,
            if verdict.passes() { "pass" } else { "FAIL" },
            bump_name(verdict.required),
            bump_name(verdict.actual)
        )?;
        writeln!(out, "then commit and tag with:\n{}", commands(&plan.next))?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "plex-sdk release\n")?;
    print_plan(&plan, false, out)?;
    write(root, &plan)?;
    // The manifest now carries the new version: compare its generated block afresh.
    let mut files: Vec<_> = plan.generation.files.iter().filter(|f| f.path != "Cargo.toml").cloned().collect();
    files.push(plex_codegen::emit::manifest(&root.join(CRATE), &plan.generation.api)?);
    let drift = emit::compare(&root.join(CRATE), &files);
    if !drift.is_empty() {
        bail!("the generated files are still stale after writing them: {}", drift.len());
    }
    writeln!(out, "freshness: the generated files match {SPEC}")?;
    writeln!(out, "breaking gate: cargo xtask breaking --base {}", plan.base.rev)?;
    out.flush()?;
    let gate = gate::run(root, &plan.base.rev)?;
    if gate != ExitCode::SUCCESS {
        bail!("the breaking gate failed on the prepared release; nothing was committed");
    }
    writeln!(
        out,
        "\nplex-sdk {} is ready. Review the diff and run `cargo test --workspace` (hand-written code such as\n\
         examples, tests and benches that names what changed must follow), then:\n{}",
        plan.next,
        commands(&plan.next)
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;
