use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use plex_codegen::diff::{Change, ChangeKind, Entry, Side, SideEntry};

use super::*;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

#[test]
fn versions_move_as_semver_requires() {
    let cases = [
        ("0.1.0", Level::Breaking, "0.2.0"),
        ("0.1.3", Level::Breaking, "0.2.0"),
        ("0.1.3", Level::Feature, "0.1.4"),
        ("0.1.3", Level::Fix, "0.1.4"),
        ("1.2.3", Level::Breaking, "2.0.0"),
        ("1.2.3", Level::Feature, "1.3.0"),
        ("1.2.3", Level::Fix, "1.2.4"),
        ("0.3.0-rc.1", Level::Fix, "0.3.1"),
    ];
    for (old, level, want) in cases {
        assert_eq!(next_version(&v(old), level), v(want), "{old} with {level:?}");
    }
}

fn entry(kind: EntryKind, changes: Vec<(Side, ChangeKind)>) -> Entry {
    let sides = changes
        .into_iter()
        .map(|(side, kind)| SideEntry {
            side,
            path: "request".into(),
            breaking: plex_codegen::diff::rust_breaking(side, kind),
            changes: vec![Change { path: vec!["request".into(), "x".into()], kind }],
        })
        .collect();
    Entry { operation: "butler.get_tasks".into(), kind, sides }
}

fn log(entries: Vec<Entry>) -> Changelog {
    Changelog { classification: Classification::Rust, entries }
}

#[test]
fn the_level_follows_the_rust_classification() {
    assert_eq!(level(&log(vec![])), None);
    assert_eq!(level(&log(vec![entry(EntryKind::Added, vec![])])), Some(Level::Feature));
    assert_eq!(level(&log(vec![entry(EntryKind::Deleted, vec![])])), Some(Level::Breaking));
    let optional = entry(EntryKind::Changed, vec![(Side::Request, ChangeKind::Added { required: false })]);
    assert_eq!(level(&log(vec![optional])), Some(Level::Feature));
    let required = entry(EntryKind::Changed, vec![(Side::Request, ChangeKind::Added { required: true })]);
    assert_eq!(level(&log(vec![required])), Some(Level::Breaking));
}

#[test]
fn the_manifest_version_is_rewritten_in_place() {
    let text = "[package]\nname = \"plex-sdk\"\nversion = \"0.1.0\"\nedition.workspace = true\n\n[dependencies]\nfoo = { version = \"1\" }\n";
    let out = set_manifest_version(text, &v("0.2.0")).unwrap();
    assert_eq!(out, text.replace("version = \"0.1.0\"", "version = \"0.2.0\""));
    assert!(set_manifest_version("[dependencies]\nversion = \"1\"\n", &v("0.2.0")).is_err());
    let lock = "[[package]]\nname = \"plex-codegen\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"plex-sdk\"\nversion = \"0.1.0\"\n";
    let out = set_lock_version(lock, CRATE, &v("0.2.0")).unwrap();
    assert!(out.ends_with("name = \"plex-sdk\"\nversion = \"0.2.0\"\n"), "{out}");
    assert!(out.contains("name = \"plex-codegen\"\nversion = \"0.1.0\""));
}

#[test]
fn dependency_versions_are_rewritten_in_place() {
    let text = "[workspace.dependencies]\nplex-codegen = { path = \"codegen\" }\nplex-sdk = { path = \"plex-sdk\", version = \"0.2.0\" }\nplex-sdk-mock = { path = \"plex-sdk-mock\", version = \"0.2.0\" }\n";
    let out = set_dependency_version(text, "plex-sdk", &v("0.3.0")).unwrap();
    assert_eq!(out, text.replacen("version = \"0.2.0\"", "version = \"0.3.0\"", 1));
    assert_eq!(dependency_version(&out, "plex-sdk"), Some(v("0.3.0")));
    assert_eq!(dependency_version(&out, "plex-sdk-mock"), Some(v("0.2.0")));
    assert!(set_dependency_version(text, "plex-codegen", &v("0.3.0")).is_none(), "no version to set");
}

/// The published crates name each other's version: plex-sdk-mock is at plex-sdk's version and
/// the workspace's path dependencies (which the packaged manifests keep) carry it.
#[test]
fn the_workspace_versions_are_in_step() {
    let root = workspace();
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let sdk = manifest_version(&read(MANIFEST), MANIFEST).unwrap();
    assert_eq!(manifest_version(&read(MOCK_MANIFEST), MOCK_MANIFEST).unwrap(), sdk, "{MOCK_MANIFEST}");
    let workspace = read(WORKSPACE_MANIFEST);
    for name in [CRATE, MOCK_CRATE] {
        assert_eq!(dependency_version(&workspace, name), Some(sdk.clone()), "[workspace.dependencies] {name}");
    }
}

#[test]
fn civil_dates() {
    assert_eq!(civil_date(0), "1970-01-01");
    assert_eq!(civil_date(11_016), "2000-02-29");
    assert_eq!(civil_date(20_000), "2024-10-04");
}

// ---- on a temporary git repository holding the files a release reads and writes ----

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn have_git() -> bool {
    let ok = Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: git is not installed");
    }
    ok
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A repository with spec/, plex-sdk's manifest, CHANGELOG.md and generated folders, and
/// Cargo.lock, all committed.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (workspace(), dir.path());
    copy_dir(&from.join("spec"), &to.join("spec"));
    for generated in plex_codegen::emit::GENERATED_DIRS {
        copy_dir(&from.join(CRATE).join(generated), &to.join(CRATE).join(generated));
    }
    std::fs::create_dir_all(to.join(MOCK_CRATE)).unwrap();
    for file in [MANIFEST, CHANGELOG, LOCK, MOCK_MANIFEST, WORKSPACE_MANIFEST] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
    git(to, &["init", "-q"]);
    git(to, &["add", "."]);
    git(to, &["commit", "-q", "-m", "plex-sdk 0.1.0"]);
    dir
}

/// Every file's bytes, `.git` aside.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            } else if path.is_dir() {
                walk(&path, base, out);
            } else {
                out.insert(path.strip_prefix(base).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The breaking edit of the issue: the Butler path parameter renamed (`butlerTask` → `task`).
fn rename_path_parameter(dir: &Path) {
    let path = dir.join(SPEC);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("name: butlerTask"), "spec/ has the Butler path parameter");
    let edited = text.replace("/butler/{butlerTask}:", "/butler/{task}:").replace("name: butlerTask", "name: task");
    std::fs::write(path, edited).unwrap();
}

/// plex-sdk's version in `dir`, and the next minor and patch versions (0.x).
fn versions(dir: &Path) -> (semver::Version, semver::Version, semver::Version) {
    let now = manifest_version(&std::fs::read_to_string(dir.join(MANIFEST)).unwrap(), MANIFEST).unwrap();
    let minor = semver::Version::new(now.major, now.minor + 1, 0);
    let patch = semver::Version::new(now.major, now.minor, now.patch + 1);
    (now, minor, patch)
}

fn release(dir: &Path, dry_run: bool) -> anyhow::Result<String> {
    let mut out = Vec::new();
    let options = Options { dry_run, date: Some("2026-12-01".into()) };
    run(dir, &options, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

#[test]
fn dry_run_changes_nothing_and_the_release_bumps_writes_and_passes() {
    if !have_git() {
        return;
    }
    let repo = repository();
    let dir = repo.path();
    rename_path_parameter(dir);
    let before = contents(dir);

    let (now, next, _) = versions(dir);
    let dry = release(dir, true).unwrap();
    assert_eq!(contents(dir), before, "--dry-run wrote something:\n{dry}");
    assert!(dry.contains(&format!("version: {now} → {next} (minor: a breaking change while 0.x)")), "{dry}");
    assert!(dry.contains("would pass"), "{dry}");
    assert!(dry.contains(&format!("git tag -a plex-sdk-v{next}")), "{dry}");
    assert!(dry.contains("plex-sdk/src/generated/butler.rs"), "the generated code would change:\n{dry}");

    let real = release(dir, false).unwrap();
    assert!(real.contains(&format!("plex-sdk {next} is ready")), "{real}");
    let manifest = std::fs::read_to_string(dir.join(MANIFEST)).unwrap();
    assert_eq!(manifest_version(&manifest, MANIFEST).unwrap(), next);
    let lock = std::fs::read_to_string(dir.join(LOCK)).unwrap();
    assert!(lock.contains(&format!("name = \"plex-sdk\"\nversion = \"{next}\"")));
    assert!(lock.contains(&format!("name = \"plex-sdk-mock\"\nversion = \"{next}\"")));
    let mock = std::fs::read_to_string(dir.join(MOCK_MANIFEST)).unwrap();
    assert_eq!(manifest_version(&mock, MOCK_MANIFEST).unwrap(), next, "the mock follows");
    let workspace = std::fs::read_to_string(dir.join(WORKSPACE_MANIFEST)).unwrap();
    assert_eq!(dependency_version(&workspace, CRATE), Some(next.clone()));
    assert_eq!(dependency_version(&workspace, MOCK_CRATE), Some(next.clone()));
    let changelog = std::fs::read_to_string(dir.join(CHANGELOG)).unwrap();
    let new = changelog.find(&format!("## [{next}] - 2026-12-01")).expect("a section for the release");
    assert_eq!(changelog.find("## ["), Some(new), "the new section comes first");
    assert!(changelog.contains("**Breaking:** `butler().start_task()`"), "{changelog}");
    assert!(changelog.contains("`models::ButlerTask` is now `models::Task`"), "the enum is named after the parameter");
    let generation = plex_codegen::generate_from_path(&dir.join(SPEC), &tags(), SPEC).unwrap();
    assert!(plex_codegen::emit::compare(&dir.join(CRATE), &generation.files).is_empty(), "regenerated");
    assert!(
        std::fs::read_to_string(dir.join(CRATE).join(plex_codegen::emit::GENERATED_DIR).join("butler.rs"))
            .unwrap()
            .contains("start_task(&self, task: "),
        "the generated code names the parameter `task`"
    );

    let again = release(dir, true).unwrap_err().to_string();
    assert!(again.contains("a release seems to be prepared already"), "{again}");
}

#[test]
fn nothing_to_release_and_unrelated_edits_are_errors() {
    if !have_git() {
        return;
    }
    let repo = repository();
    let dir = repo.path();
    let nothing = release(dir, true).unwrap_err().to_string();
    assert!(nothing.contains("nothing to release"), "{nothing}");

    rename_path_parameter(dir);
    std::fs::write(dir.join("notes.txt"), "scratch").unwrap();
    let unrelated = release(dir, true).unwrap_err().to_string();
    assert!(unrelated.contains("edits unrelated to a release") && unrelated.contains("notes.txt"), "{unrelated}");
}

#[test]
fn the_base_is_the_version_commit_or_its_tag() {
    if !have_git() {
        return;
    }
    let repo = repository();
    let dir = repo.path();
    rename_path_parameter(dir);
    git(dir, &["commit", "-q", "-am", "spec: rename the Butler path parameter"]);
    let first = find_base(dir).unwrap();
    assert!(first.label.contains("plex-sdk 0.1.0"), "the commit that set the version: {}", first.label);
    let (now, next, _) = versions(dir);
    assert!(release(dir, true).unwrap().contains(&format!("{now} → {next}")));

    // A tag of the current version marks the release instead: nothing changed since.
    let tag = format!("plex-sdk-v{now}");
    git(dir, &["tag", &tag]);
    assert_eq!(find_base(dir).unwrap().rev, tag);
    assert!(release(dir, true).unwrap_err().to_string().contains("nothing to release"));
}

#[test]
fn a_description_change_is_a_patch_release() {
    if !have_git() {
        return;
    }
    let repo = repository();
    let dir = repo.path();
    let path = dir.join(SPEC);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("summary: List the Butler tasks", "summary: List every Butler task", 1);
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
    let (now, _, patch) = versions(dir);
    let out = release(dir, true).unwrap();
    assert!(out.contains(&format!("{now} → {patch}")), "{out}");
    assert!(out.contains("Documentation regenerated"), "{out}");
}
