//! Release notes: one section of `plex-sdk/CHANGELOG.md` in the Keep a Changelog layout
//! (<https://keepachangelog.com/en/1.1.0/>), written from a changelog of `spec/` under the
//! Rust classification. Each line names the Rust method and says what callers must change;
//! breaking lines are marked and come first in their section.

use std::fmt::Write;

use anyhow::bail;
use plex_codegen::diff::REQUEST_BODY;
use plex_codegen::diff::{Change, ChangeKind, Changelog, Classification, EntryKind, Side, TypeChange};

/// The Keep a Changelog sections release notes use, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// New methods, parameters and fields.
    Added,
    /// Signatures and types that changed.
    Changed,
    /// Methods, parameters and fields that are gone.
    Removed,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::Added => "Added",
            Section::Changed => "Changed",
            Section::Removed => "Removed",
        }
    }
}

/// One bullet of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Which section it belongs to.
    pub section: Section,
    /// Whether it breaks Rust callers.
    pub breaking: bool,
    /// The text after the mark: `` `butler().start_task()`: … ``.
    pub text: String,
}

/// The top of a new `CHANGELOG.md`.
pub const HEADER: &str = "# Changelog\n\nAll notable changes to plex-sdk.\n";

/// `butler.start_task` → `` `butler().start_task()` ``.
fn method(operation: &str) -> String {
    match operation.split_once('.') {
        Some((group, name)) => format!("`{group}().{name}()`"),
        None => format!("`{operation}()`"),
    }
}

/// A field path below the side, in Rust-ish notation: `container.items[].color`.
fn field(segments: &[String]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment.as_str() {
            "[]" => out.push_str("[]"),
            "{}" => out.push_str("{..}"),
            name => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
        }
    }
    out
}

/// Where in an operation a change is.
enum Place {
    /// A parameter (a method argument when required, a setter when optional).
    Parameter(String),
    /// A field inside a parameter's object schema or the request body: a struct the caller builds.
    Input(String),
    /// The request body as a whole.
    Body,
    /// A field of the success body: a struct the caller reads.
    Output(String),
    /// The success body as a whole.
    Response,
}

fn place(change: &Change) -> Place {
    let below = &change.path[1.min(change.path.len())..];
    match (change.path.first().map(String::as_str), below) {
        (Some("response"), []) => Place::Response,
        (Some("response"), rest) => Place::Output(field(rest)),
        (_, [body]) if body == REQUEST_BODY => Place::Body,
        (_, [param]) => Place::Parameter(param.clone()),
        (_, rest) if rest.first().is_some_and(|s| s == REQUEST_BODY) => Place::Input(field(&rest[1..])),
        (_, rest) => Place::Input(field(rest)),
    }
}

/// The section and the text (after the method name) of one change.
fn describe(change: &Change) -> (Section, String) {
    use ChangeKind::*;
    let kind = change.kind;
    let (section, text) = match (place(change), kind) {
        (Place::Parameter(p), Added { required: true }) => {
            (Section::Changed, format!("new required parameter `{p}`: pass it as the method's argument"))
        }
        (Place::Parameter(p), Added { required: false }) => {
            (Section::Added, format!("new optional parameter `{p}`: set it with `.{p}(…)` when needed"))
        }
        (Place::Parameter(p), Removed) => {
            (Section::Removed, format!("parameter `{p}` removed: drop the argument or the `.{p}(…)` call"))
        }
        (Place::Parameter(p), Required(true)) => (
            Section::Changed,
            format!("parameter `{p}` is now required: pass it as the method's argument instead of calling `.{p}(…)`"),
        ),
        (Place::Parameter(p), Required(false)) => (
            Section::Changed,
            format!("parameter `{p}` is now optional: drop the argument and call `.{p}(…)` when needed"),
        ),
        (Place::Parameter(p), Type(t)) => (Section::Changed, format!("parameter `{p}` {}", input_type(t))),
        (Place::Parameter(p), Nullable(now)) => (Section::Changed, format!("parameter `{p}` {}", input_null(now))),
        (Place::Input(f), Added { required }) => (
            Section::Added,
            format!(
                "new {} field `{f}` in the request: a struct literal must set it (or end in `..Default::default()`)",
                if required { "required" } else { "optional" }
            ),
        ),
        (Place::Input(f), Removed) => (Section::Removed, format!("request field `{f}` removed: stop setting it")),
        (Place::Input(f), Required(now)) => (Section::Changed, format!("request field `{f}` {}", optionality(now))),
        (Place::Input(f), Type(t)) => (Section::Changed, format!("request field `{f}` {}", input_type(t))),
        (Place::Input(f), Nullable(now)) => (Section::Changed, format!("request field `{f}` {}", input_null(now))),
        (Place::Output(f), Added { .. }) => (
            Section::Added,
            format!(
                "new response field `{f}`: a struct literal of its model must set it (or end in `..Default::default()`)"
            ),
        ),
        (Place::Output(f), Removed) => (Section::Removed, format!("response field `{f}` removed: stop reading it")),
        (Place::Output(f), Required(now)) => (Section::Changed, format!("response field `{f}` {}", optionality(now))),
        (Place::Output(f), Type(_)) => {
            (Section::Changed, format!("response field `{f}` changed type: update the code that reads it"))
        }
        (Place::Output(f), Nullable(now)) => (Section::Changed, format!("response field `{f}` {}", output_null(now))),
        (Place::Body, Presence) => {
            (Section::Changed, "request body added or removed: the method's arguments changed".to_string())
        }
        (Place::Response, Presence) => (
            Section::Changed,
            "success body added or removed: the type the call returns changed; update the code that reads it"
                .to_string(),
        ),
        (Place::Response | Place::Body, _) | (_, Presence) => {
            (Section::Changed, "the request or response changed shape: see the method's docs".to_string())
        }
    };
    (section, text)
}

fn input_type(change: TypeChange) -> &'static str {
    match change {
        TypeChange::GainedType | TypeChange::GainedFields => {
            "now has a declared type (a struct or enum instead of a free-form value): pass the new type"
        }
        TypeChange::Widened => {
            "accepts more values (new enum variants, another integer width or format): update `match`es on it and the value's type"
        }
        TypeChange::ValuesAdded { .. } => {
            "accepts new enum values (new variants of a non-exhaustive enum): nothing to change"
        }
        TypeChange::ValuesRemoved => "lost enum values (variants removed): stop naming the removed variants",
        TypeChange::Other => "changed type (another type, or enum values removed): pass a value of the new type",
    }
}

fn input_null(now_nullable: bool) -> &'static str {
    if now_nullable {
        "now accepts null: its type becomes `Option<_>`, wrap the value in `Some`"
    } else {
        "no longer accepts null: its type loses the `Option`, pass the value itself"
    }
}

fn output_null(now_nullable: bool) -> &'static str {
    if now_nullable {
        "may now be null: its type becomes `Option<_>`, handle `None`"
    } else {
        "is never null now: its type loses the `Option`, drop the `None` handling"
    }
}

fn optionality(now_required: bool) -> &'static str {
    if now_required {
        "is now required: `Option<T>` becomes `T`, drop the `Option` handling"
    } else {
        "is now optional: `T` becomes `Option<T>`, wrap values in `Some` and handle `None`"
    }
}

/// A removed and an added parameter of the same operation, and nothing else on that side:
/// one line that names both.
fn replacement(changes: &[Change]) -> Option<(String, String, bool)> {
    let [a, b] = changes else { return None };
    let (removed, added) = match (a.kind, b.kind) {
        (ChangeKind::Removed, ChangeKind::Added { .. }) => (a, b),
        (ChangeKind::Added { .. }, ChangeKind::Removed) => (b, a),
        _ => return None,
    };
    let (Place::Parameter(old), Place::Parameter(new)) = (place(removed), place(added)) else { return None };
    let required = matches!(added.kind, ChangeKind::Added { required: true });
    Some((old, new, required))
}

/// A field added below a node that gained its type or its fields: part of the new type, which
/// its own line already names.
fn inside_a_new_type(change: &Change, all: &[Change]) -> bool {
    matches!(change.kind, ChangeKind::Added { .. })
        && all.iter().any(|c| {
            matches!(c.kind, ChangeKind::Type(TypeChange::GainedType | TypeChange::GainedFields))
                && change.path.len() > c.path.len()
                && change.path.starts_with(&c.path)
        })
}

/// Every line of the notes for `changelog`, breaking ones first in each section.
pub fn lines(changelog: &Changelog) -> Vec<Line> {
    let breaks = |side: Side, change: &Change| plex_codegen::diff::is_breaking(Classification::Rust, side, change);
    let mut lines = Vec::new();
    for entry in &changelog.entries {
        let name = method(&entry.operation);
        match entry.kind {
            EntryKind::Added => {
                lines.push(Line { section: Section::Added, breaking: false, text: format!("{name}: new method") })
            }
            EntryKind::Deleted => lines.push(Line {
                section: Section::Removed,
                breaking: true,
                text: format!("{name} removed: delete the calls to it"),
            }),
            EntryKind::Changed => {
                for side in &entry.sides {
                    let breaking = side.changes.iter().any(|c| breaks(side.side, c));
                    if let Some((old, new, required)) = replacement(&side.changes) {
                        let text = if required {
                            format!("{name}: parameter `{old}` replaced by the required `{new}`, the method's argument")
                        } else {
                            format!(
                                "{name}: parameter `{old}` replaced by the optional `{new}`: set it with `.{new}(…)`"
                            )
                        };
                        lines.push(Line { section: Section::Changed, breaking, text });
                        continue;
                    }
                    for change in side.changes.iter().filter(|c| !inside_a_new_type(c, &side.changes)) {
                        let (section, text) = describe(change);
                        lines.push(Line {
                            section,
                            breaking: breaks(side.side, change),
                            text: format!("{name}: {text}"),
                        });
                    }
                }
            }
        }
    }
    lines.sort_by(|a, b| (a.section, !a.breaking, &a.text).cmp(&(b.section, !b.breaking, &b.text)));
    lines.dedup();
    lines
}

/// The public model types (`pub struct` / `pub enum` in the generated `models` files) of a
/// generation. The document's changelog compares shapes, not names; a schema or an inline
/// enum renamed changes a Rust type's name, which callers spell out.
pub fn model_types(files: &[plex_codegen::GeneratedFile]) -> std::collections::BTreeSet<String> {
    files
        .iter()
        .filter(|f| f.path.ends_with(".rs") && f.path.contains("models"))
        .flat_map(|f| plex_codegen::emit::model_type_names(&f.contents))
        .collect()
}

/// Lines for model types that disappeared or appeared between two generations: one removed
/// and one added is a rename.
pub fn type_lines(old: &[plex_codegen::GeneratedFile], new: &[plex_codegen::GeneratedFile]) -> Vec<Line> {
    let (before, after) = (model_types(old), model_types(new));
    let removed: Vec<&String> = before.difference(&after).collect();
    let added: Vec<&String> = after.difference(&before).collect();
    if let ([from], [to]) = (removed.as_slice(), added.as_slice()) {
        let text = format!("type `models::{from}` is now `models::{to}`: rename it where your code names it");
        return vec![Line { section: Section::Changed, breaking: true, text }];
    }
    let gone = removed.into_iter().map(|name| Line {
        section: Section::Removed,
        breaking: true,
        text: format!("type `models::{name}` removed: code that names it must use the new types"),
    });
    let new = added.into_iter().map(|name| Line {
        section: Section::Added,
        breaking: false,
        text: format!("new type `models::{name}`"),
    });
    gone.chain(new).collect()
}

/// The section for `version`, released on `date` (`YYYY-MM-DD`). `docs_only` is for a release
/// whose generated code changed although no operation did (descriptions, examples).
pub fn section(
    version: &semver::Version,
    date: &str,
    changelog: &Changelog,
    types: &[Line],
    docs_only: bool,
) -> String {
    let mut lines = lines(changelog);
    lines.extend(types.iter().cloned());
    lines.sort_by(|a, b| (a.section, !a.breaking, &a.text).cmp(&(b.section, !b.breaking, &b.text)));
    let mut out = format!("## [{version}] - {date}\n");
    let breaking: Vec<&Line> = lines.iter().filter(|l| l.breaking).collect();
    if !breaking.is_empty() {
        let _ = writeln!(
            out,
            "\n**{} breaking change{}** (marked below): code that calls the methods named in them must change.",
            breaking.len(),
            if breaking.len() == 1 { "" } else { "s" }
        );
    }
    for section in [Section::Added, Section::Changed, Section::Removed] {
        let mut items = lines.iter().filter(|l| l.section == section).peekable();
        if items.peek().is_none() {
            continue;
        }
        let _ = writeln!(out, "\n### {}\n", section.title());
        for line in items {
            let mark = if line.breaking { "**Breaking:** " } else { "" };
            let _ = writeln!(out, "- {mark}{}", line.text);
        }
    }
    if lines.is_empty() && docs_only {
        let _ = writeln!(out, "\n### Changed\n\n- Documentation regenerated from `spec/`; no method or type changed.");
    }
    out
}

/// `existing` (a whole CHANGELOG.md) with `section` inserted above the newest release.
pub fn insert(existing: &str, section: &str, version: &semver::Version) -> anyhow::Result<String> {
    if existing.lines().any(|l| l.starts_with(&format!("## [{version}]"))) {
        bail!("CHANGELOG.md already has a section for {version}");
    }
    let at = existing.match_indices("\n## [").next().map(|(i, _)| i + 1);
    Ok(match at {
        Some(i) => format!("{}{section}\n{}", &existing[..i], &existing[i..]),
        None => format!("{}\n{section}", existing.trim_end_matches('\n').to_string() + "\n"),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The section of every rule fixture and of the Butler rename, one after the other.
    #[test]
    fn sections_for_every_case() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let version = semver::Version::new(0, 2, 0);
        let mut text = String::new();
        for case in crate::cases::cases(root).unwrap() {
            let log = plex_codegen::changelog(&case.old, &case.new, Classification::Rust)
                .expect("the fixture documents pass the checks");
            let section = section(&version, "2026-12-01", &log, &[], false);
            // Every breaking entry of the changelog has a marked line, and only those.
            assert_eq!(log.breaking(), section.contains("**Breaking:**"), "{}:\n{section}", case.name);
            let _ = write!(text, "==== {} ====\n{section}\n", case.name);
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_section_goes_above_the_newest_release() {
        let v = |s: &str| semver::Version::parse(s).unwrap();
        let existing = format!("{HEADER}\nIntro.\n\n## [0.1.0] - 2026-11-29\n\n### Added\n\n- x\n");
        let out = insert(&existing, "## [0.2.0] - 2026-12-01\n\n### Added\n\n- y\n", &v("0.2.0")).unwrap();
        assert_eq!(
            out,
            format!(
                "{HEADER}\nIntro.\n\n## [0.2.0] - 2026-12-01\n\n### Added\n\n- y\n\n## [0.1.0] - 2026-11-29\n\n### Added\n\n- x\n"
            )
        );
        assert!(insert(&out, "## [0.2.0] - 2026-12-02\n", &v("0.2.0")).is_err(), "one section per version");
        let first = insert(HEADER, "## [0.1.0] - 2026-11-29\n", &v("0.1.0")).unwrap();
        assert_eq!(first, format!("{HEADER}\n## [0.1.0] - 2026-11-29\n"));
    }

    #[test]
    fn model_types_renamed_removed_and_added() {
        let file =
            |path: &str, contents: &str| plex_codegen::GeneratedFile { path: path.into(), contents: contents.into() };
        let old = [
            file(
                "src/generated/models.rs",
                "pub enum ButlerTask {\n}\npub struct Item {}\npub mod error {\n    pub struct ConversionError(u8);\n}\n",
            ),
            file("src/generated/butler.rs", "pub struct StartTask<'a> {}\n"),
        ];
        let renamed = [file(
            "src/generated/models.rs",
            "pub enum Task {\n}\npub struct Item {}\n    pub struct ConversionError(u8);\n",
        )];
        assert_eq!(
            model_types(&old).into_iter().collect::<Vec<_>>(),
            ["ButlerTask", "ConversionError", "Item"],
            "builders are not models"
        );
        let lines = type_lines(&old, &renamed);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].breaking && lines[0].section == Section::Changed);
        assert_eq!(
            lines[0].text,
            "type `models::ButlerTask` is now `models::Task`: rename it where your code names it"
        );

        let more = [file(
            "src/generated/models.rs",
            "pub enum Task {}\ncrate::open_enum! { pub enum Color: integer { Red = 1 } }\n",
        )];
        let lines = type_lines(&renamed, &more);
        let summary: Vec<(Section, bool)> = lines.iter().map(|l| (l.section, l.breaking)).collect();
        assert_eq!(summary, [(Section::Removed, true), (Section::Removed, true), (Section::Added, false)]);
        assert!(type_lines(&old, &old).is_empty());
    }

    #[test]
    fn a_documentation_release_says_so() {
        let log = Changelog { classification: Classification::Rust, entries: Vec::new() };
        let text = section(&semver::Version::new(0, 1, 1), "2026-12-01", &log, &[], true);
        assert_eq!(
            text,
            "## [0.1.1] - 2026-12-01\n\n### Changed\n\n- Documentation regenerated from `spec/`; no method or type changed.\n"
        );
    }
}
