//! `cargo xtask`: the maintainers' commands, a thin CLI over the `plex-codegen` library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plex_codegen::diff::{self, Classification};

mod bench;
mod cases;
mod codegen;
mod compile_bench;
mod gate;
mod git;
mod notes;
mod release;
mod semver_checks;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainers' commands for the plex-sdk workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate plex-sdk/src/generated/ from the OpenAPI document.
    Codegen {
        /// The OpenAPI document (YAML or JSON, 3.0 or 3.1).
        #[arg(long, default_value = "spec/plex-api-spec.yaml")]
        spec: PathBuf,
        /// A tag to generate (repeatable). Default: every tag.
        #[arg(long = "tag", conflicts_with = "all_tags")]
        tags: Vec<String>,
        /// Generate every tag of the document (the default when no `--tag` is given).
        #[arg(long)]
        all_tags: bool,
        /// Write a complete crate (runtime and generated code) that builds on its own to this
        /// folder, instead of regenerating plex-sdk.
        #[arg(long, conflicts_with = "check")]
        out: Option<PathBuf>,
        /// Write nothing; exit 1 with a diff when a committed file is stale.
        #[arg(long)]
        check: bool,
        /// Also print every change selection and normalisation made to the document.
        #[arg(long)]
        explain: bool,
    },
    /// The changelog between two OpenAPI documents, breaking changes marked.
    Changelog {
        /// The document before.
        #[arg(long)]
        old: PathBuf,
        /// The document after.
        #[arg(long)]
        new: PathBuf,
        /// The SDK name in front of each operation (`plex_api` reproduces the upstream entries).
        #[arg(long, default_value = "plex_sdk")]
        prefix: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Mark what breaks Rust callers of plex-sdk instead of the upstream generator's marks.
        #[arg(long)]
        rust: bool,
    },
    /// Fail when spec/ changed in a way that breaks Rust callers and plex-sdk's version was
    /// not bumped as semver requires (0.x: minor for breaking, patch for other changes).
    Breaking {
        /// The git revision to compare with (e.g. HEAD~1, origin/main).
        #[arg(long)]
        base: String,
    },
    /// Run the benchmarks (criterion, release) and write BENCHMARKS.md: SDK overhead per call,
    /// decoding, codegen and changelog against parsing, scaling, and the changelog's peak
    /// memory, each as a ratio against a baseline measured in the same run.
    Bench {
        /// Do not measure: rewrite the report from criterion's last results in target/criterion.
        #[arg(long)]
        report_only: bool,
        /// Measure only the compile times; take criterion's figures from its last results.
        #[arg(long, conflicts_with = "report_only")]
        compile_only: bool,
        /// Where to write the report (default: BENCHMARKS.md at the workspace root).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Prepare a release of plex-sdk from the change of spec/ since the last one: regenerate,
    /// bump the version as semver requires, write plex-sdk/CHANGELOG.md, run the freshness
    /// check and the breaking gate, print the commit and tag commands (it commits nothing).
    Release {
        /// Change nothing; print what would be done.
        #[arg(long)]
        dry_run: bool,
        /// The date of the CHANGELOG section (YYYY-MM-DD; default: today, UTC).
        #[arg(long)]
        date: Option<String>,
    },
    /// Compare our Rust classification with cargo-semver-checks on SDKs generated before and
    /// after each changelog fixture pair, and write the table to docs/semver.md.
    SemverCrosscheck(semver_checks::Args),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

/// The workspace root (the parent of this crate).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            // Generator errors have a report with the file, line, column, pointer and a fix.
            match e.downcast_ref::<plex_codegen::Error>() {
                Some(error) => eprint!("{}", error.report()),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let root = workspace_root();
    match cli.command {
        Command::Codegen { spec, tags, all_tags: _, check, explain, out } => {
            codegen::run(&root, codegen::Options { spec, tags, check, explain, out })
        }
        Command::Changelog { old, new, prefix, format, rust } => {
            let classification = if rust { Classification::Rust } else { Classification::Upstream };
            let old = plex_codegen::openapi::load(&old)?;
            let new = plex_codegen::openapi::load(&new)?;
            let changelog = plex_codegen::changelog(&old, &new, classification)?;
            match format {
                Format::Markdown => print!("{}", diff::markdown(&changelog, &prefix, "Rust")),
                Format::Json => print!("{}", diff::json(&changelog)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Breaking { base } => gate::run(&root, &base),
        Command::Bench { report_only, compile_only, output } => {
            let output = output.unwrap_or_else(|| root.join("BENCHMARKS.md"));
            bench::run(&root, bench::Options { report_only, compile_only, output })
        }
        Command::Release { dry_run, date } => {
            release::run(&root, &release::Options { dry_run, date }, &mut std::io::stdout())
        }
        Command::SemverCrosscheck(args) => semver_checks::run(&root, &args),
    }
}
