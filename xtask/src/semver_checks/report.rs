//! Reading cargo-semver-checks' output, and the table of `docs/semver.md`.

use std::fmt::Write;

use crate::notes::Line;

/// What cargo-semver-checks said about one pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No lint that needs a new major version failed.
    Compatible,
    /// These lints failed (ids, sorted).
    Breaking(Vec<String>),
    /// It could not judge (a build failure, …): the end of its output.
    Error(String),
    /// Not run: the generator cannot make an operation the pair changes, so the two SDKs
    /// would not show the change.
    NotMeasured,
}

impl Outcome {
    /// One word for the console.
    pub fn verdict(&self) -> &'static str {
        match self {
            Outcome::Compatible => "compatible",
            Outcome::Breaking(_) => "breaking",
            Outcome::Error(_) => "error",
            Outcome::NotMeasured => "not run",
        }
    }
}

/// Reads cargo-semver-checks' combined output: `--- failure <lint>: … ---` headers name the
/// lints that failed.
pub fn outcome(success: bool, text: &str) -> anyhow::Result<Outcome> {
    let mut lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure ")?.split(':').next().map(str::to_string))
        .collect();
    lints.sort();
    lints.dedup();
    Ok(match (success, lints.is_empty()) {
        (true, _) => Outcome::Compatible,
        (false, false) => Outcome::Breaking(lints),
        (false, true) => {
            let tail: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            Outcome::Error(tail[tail.len().saturating_sub(12)..].join("\n"))
        }
    })
}

/// How the two verdicts relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Same verdict.
    Both,
    /// We mark a breaking change; cargo-semver-checks does not see one.
    WeCatch,
    /// cargo-semver-checks finds a breaking change we do not mark.
    ToolFinds,
    /// cargo-semver-checks failed to run.
    ToolError,
    /// The generator cannot make what the pair changes yet.
    NotMeasured,
}

impl Agreement {
    /// The table's wording.
    pub fn label(self) -> &'static str {
        match self {
            Agreement::Both => "agree",
            Agreement::WeCatch => "only ours marks it",
            Agreement::ToolFinds => "only cargo-semver-checks marks it",
            Agreement::ToolError => "cargo-semver-checks failed",
            Agreement::NotMeasured => "not measured",
        }
    }
}

/// One case of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Fixture folder name, or `butler-rename`.
    pub case: String,
    /// Our release-note lines for the pair.
    pub notes: Vec<Line>,
    /// Whether our Rust classification marks it breaking.
    pub ours: bool,
    /// cargo-semver-checks' verdict.
    pub tool: Outcome,
    /// Operations left out of both generated SDKs (`POST /widgets`): the generator cannot
    /// make them yet.
    pub left_out: Vec<String>,
}

impl Row {
    /// How the verdicts relate.
    pub fn agreement(&self) -> Agreement {
        match (&self.tool, self.ours) {
            (Outcome::Error(_), _) => Agreement::ToolError,
            (Outcome::NotMeasured, _) => Agreement::NotMeasured,
            (Outcome::Breaking(_), true) | (Outcome::Compatible, false) => Agreement::Both,
            (Outcome::Compatible, true) => Agreement::WeCatch,
            (Outcome::Breaking(_), false) => Agreement::ToolFinds,
        }
    }
}

/// Why the verdicts of a case differ (or agree only since a rule was fixed). Every
/// disagreement must have one; `cargo xtask semver-crosscheck` fails otherwise.
pub fn explain(case: &str) -> Option<&'static str> {
    Some(match case {
        "response-field-type-changed" | "response-fields-changed-deep" | "self-containing-schema-changed" => {
            "A model field changes type (`weight: Option<i64>` → `Option<String>`; in the deep case also\n\
             `id: i64` → `String` and `weight` → `Option<f64>`): code that reads it as before no longer\n\
             compiles. cargo-semver-checks has no lint for a changed field type (its README lists type\n\
             changes among what it does not check yet), so it passes the pair. Our rule is right; nothing\n\
             to fix."
        }
        "response-field-became-nullable" => {
            "A false alarm of ours. The field is not `required`, so it is `Option<String>` before and\n\
             after; `null` adds nothing in Rust, and the two generated SDKs are identical. Our rule marks\n\
             every change of nullability (`T` ↔ `Option<T>`), which is only true of a required field.\n\
             Refining it needs the field's `required` flag at the nullability change, which the\n\
             changelog's `ChangeKind::Nullable` does not carry yet; until then the rule errs towards a\n\
             bigger version bump, never a smaller one."
        }
        "response-field-added" => {
            "Was \"only cargo-semver-checks marks it\"; fixed in our rules. Models are plain structs\n\
             with public fields, `Default` and no `#[non_exhaustive]`, so a caller can build one with a\n\
             struct literal (a test, a mock), and the literal stops compiling when a field is added\n\
             (`constructible_struct_adds_field`). Our rule said a response field added never breaks\n\
             (\"models are decoded, not built\"); `rust_breaking` now marks it, and `rust_breaking_at`\n\
             does the same for a field added inside a request parameter's object schema or the request\n\
             body. Marking models `#[non_exhaustive]` in the generator would make the addition\n\
             compatible again, at the price of callers no longer being able to build models at all."
        }
        "parameter-type-narrowed" | "untyped-parameter-gained-schema" => {
            "The setter's argument type changes (`i64` → an enum, a free-form map → a struct), so a\n\
             caller's argument no longer compiles. cargo-semver-checks does not compare argument types\n\
             (as it does not compare field types), so it passes the pair. Our rule is right; nothing to\n\
             fix."
        }
        "butler-rename" => {
            "Both mark it, though not for the reason one might think: renaming a required argument\n\
             alone breaks no Rust caller (arguments are positional). The rename breaks because the\n\
             parameter's inline enum is named after the parameter, so `models::Task` becomes\n\
             `models::ButlerTask` (`enum_missing`). Our rule marks any renamed parameter, which is safe:\n\
             an optional parameter's setter is named after it too (`parameter-renamed`,\n\
             `inherent_method_missing`)."
        }
        _ => return None,
    })
}

const VERSION_PREFIX: &str = "Measured with ";

/// The text without the line naming the tool's version (which `--check` ignores).
pub fn without_version(text: &str) -> String {
    text.lines().filter(|l| !l.starts_with(VERSION_PREFIX)).collect::<Vec<_>>().join("\n")
}

fn tool_cell(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Compatible => "compatible".into(),
        Outcome::Breaking(lints) => {
            format!("breaking: {}", lints.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", "))
        }
        Outcome::Error(_) => "error".into(),
        Outcome::NotMeasured => "not run".into(),
    }
}

/// The whole of `docs/semver.md`.
pub fn markdown(rows: &[Row], tool_version: &str) -> String {
    let mut out = String::from(
        "# Breaking changes: our rules against cargo-semver-checks\n\n\
         Written by `cargo xtask semver-crosscheck`; do not edit. For each document pair in\n\
         `tests/fixtures/changelog/` and the Butler path-parameter rename of our own history\n\
         (`/butler/{task}` → `/butler/{butlerTask}`), it generates plex-sdk before and after,\n\
         runs `cargo semver-checks check-release --release-type minor` on the two copies (as\n\
         1.0.0 crates, so only what needs a new major version fails), and compares that verdict\n\
         with the Rust classification of `plex_codegen::diff` (what `cargo xtask breaking`\n\
         and `cargo xtask release` use). The fixtures get spec/'s client-wide headers, servers and\n\
         token scheme, which the hand-written runtime needs; nothing else of theirs changes.\n\n",
    );
    let _ = writeln!(out, "{VERSION_PREFIX}{tool_version}.\n");
    out.push_str("| case | ours (Rust classification) | cargo-semver-checks | verdicts |\n| --- | --- | --- | --- |\n");
    for row in rows {
        let ours = if row.ours { "breaking" } else { "compatible" };
        let _ = writeln!(out, "| `{}` | {ours} | {} | {} |", row.case, tool_cell(&row.tool), row.agreement().label());
    }
    let count = |a: Agreement| rows.iter().filter(|r| r.agreement() == a).count();
    let _ = writeln!(
        out,
        "\n{} pairs: {} agree, {} only ours marks, {} only cargo-semver-checks marks, {} not measured{}.",
        rows.len(),
        count(Agreement::Both),
        count(Agreement::WeCatch),
        count(Agreement::ToolFinds),
        count(Agreement::NotMeasured),
        match count(Agreement::ToolError) {
            0 => String::new(),
            n => format!(", {n} where cargo-semver-checks failed"),
        }
    );
    let mut left_out: Vec<&str> = rows.iter().flat_map(|r| r.left_out.iter().map(String::as_str)).collect();
    left_out.sort();
    left_out.dedup();
    if !left_out.is_empty() {
        out.push_str(
            "\nLeft out of both SDKs of a pair, because the generator cannot make them yet (a pair whose\n\
             change they hold is not measured):\n\n",
        );
        for operation in left_out {
            let count = rows.iter().filter(|r| r.left_out.iter().any(|o| o == operation)).count();
            let _ = writeln!(out, "- {operation} ({count} pair{})", if count == 1 { "" } else { "s" });
        }
    }
    let explained: Vec<&Row> =
        rows.iter().filter(|r| r.agreement() != Agreement::Both || explain(&r.case).is_some()).collect();
    if !explained.is_empty() {
        out.push_str("\n## Cases explained\n");
    }
    for row in explained {
        let _ = writeln!(out, "\n### `{}`: {}\n", row.case, row.agreement().label());
        for line in &row.notes {
            let mark = if line.breaking { "**Breaking:** " } else { "" };
            let _ = writeln!(out, "- {mark}{}", line.text);
        }
        if row.tool == Outcome::NotMeasured {
            let _ = writeln!(out, "\nLeft out of both SDKs:\n");
            for operation in &row.left_out {
                let _ = writeln!(out, "- {operation}");
            }
        }
        if let Outcome::Error(tail) = &row.tool {
            let _ = writeln!(out, "\ncargo-semver-checks failed:\n\n```text\n{tail}\n```");
        }
        let _ = writeln!(out, "\n{}", explain(&row.case).unwrap_or("Not explained yet."));
    }
    out
}
