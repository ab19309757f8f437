//! `cargo xtask bench`: runs the criterion benchmarks (`plex-sdk/benches/`,
//! `codegen/benches/`), measures the changelog's peak memory, and writes BENCHMARKS.md: the
//! machine, the command, and each median as a ratio against a baseline measured in the same
//! run, with its goal and whether it was met. Absolute times are context only: the machine is
//! shared and noisy, so only ratios measured side by side are compared.
//!
//! The report is read from criterion's `target/criterion/**/new/{benchmark,estimates}.json`
//! (the median point estimate of each benchmark). BENCHMARKS.md is rewritten between its two
//! markers only, so notes written around them survive a refresh.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::SystemTime;

use anyhow::{Context, bail};

/// The benchmark targets `cargo bench` runs, with their packages.
const PACKAGES: [&str; 2] = ["plex-sdk", "plex-codegen"];
const BENCHES: [&str; 3] = ["sdk_overhead", "decode", "generator"];

/// The upstream pair the changelog rows and the memory figure use (in `../shared/`).
const OLD: &str = "../shared/plex-api-spec/plex-api-spec.2025-11-12.yaml";
const NEW: &str = "../shared/plex-api-spec/plex-api-spec.2025-11-30.yaml";

const BEGIN: &str = "<!-- cargo xtask bench: generated from here -->";
const END: &str = "<!-- cargo xtask bench: generated up to here -->";

/// Peak resident memory the changelog of the upstream pair may use.
const MEMORY_GOAL_MIB: f64 = 100.0;

/// Sizes of the synthetic documents of `codegen/benches/generator.rs`.
const SCALE_SIZES: [u64; 3] = [100, 1_000, 10_000];

/// What the command was asked to do.
pub struct Options {
    /// Skip `cargo bench`: report criterion's last results.
    pub report_only: bool,
    /// Skip `cargo bench` (criterion's last results are reported) and measure compile times.
    pub compile_only: bool,
    /// Where to write the report.
    pub output: PathBuf,
}

/// A measured median against its baseline.
struct Row {
    what: String,
    measured_label: String,
    baseline_label: String,
    /// Seconds (or seconds per operation for the scale rows).
    measured: Option<f64>,
    baseline: Option<f64>,
    goal: Option<f64>,
    /// For a growth row: the two medians shown (the "ratio" is then the exponent).
    medians: Option<(Option<f64>, Option<f64>)>,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        Some(self.measured? / self.baseline?)
    }

    fn verdict(&self) -> &'static str {
        match (self.ratio(), self.goal) {
            (None, _) => "not run",
            (Some(_), None) => "context",
            (Some(r), Some(goal)) if r <= goal => "met",
            _ => "**missed**",
        }
    }
}

/// The peak resident memory of one command, the largest of a few runs.
struct Memory {
    command: String,
    peak_kib: Option<u64>,
    runs: usize,
}

pub fn run(root: &Path, options: Options) -> anyhow::Result<ExitCode> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let criterion_home = target.join("criterion");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let load_before = load_average();
    let started = SystemTime::now();

    let mut bench_command = vec!["cargo".to_string(), "bench".into()];
    for package in PACKAGES {
        bench_command.extend(["-p".into(), package.into()]);
    }
    for bench in BENCHES {
        bench_command.extend(["--bench".into(), bench.into()]);
    }
    bench_command.extend(["--".into(), "--noplot".into()]);
    if !options.report_only && !options.compile_only {
        // Only this run's measurements in turns (the generator bench appends to the file).
        let _ = std::fs::remove_file(criterion_home.join(IN_TURNS));
        eprintln!("running: {}", bench_command.join(" "));
        let status = Command::new(&cargo)
            .args(&bench_command[1..])
            .current_dir(root)
            .env("CRITERION_HOME", &criterion_home)
            .status()
            .context("running cargo bench")?;
        if !status.success() {
            bail!("`{}` failed ({status})", bench_command.join(" "));
        }
    }

    let memory = measure_memory(root, &target, &cargo)?;
    let compile = if options.report_only {
        crate::compile_bench::last(&target)
    } else {
        crate::compile_bench::measure(root, &target)?
    };
    let load_after = load_average();
    // Only this run's results (criterion keeps older ones, e.g. of groups skipped this time).
    let since = if options.report_only || options.compile_only { None } else { Some(started) };
    let mut medians = read_medians(&criterion_home, since)?;
    medians.extend(compile);
    let (rows, scale) = rows(&medians);

    let mut report = String::new();
    let _ = writeln!(report, "{BEGIN}");
    let _ = writeln!(report);
    machine(&mut report, &load_before, &load_after, &options);
    let criterion = bench_command.join(" ");
    let _ = match (options.report_only, options.compile_only) {
        (false, false) => writeln!(report, "Command: `cargo xtask bench`, which ran `{criterion}`."),
        (true, _) => writeln!(report, "Command: `cargo xtask bench --report-only`, after a run of `{criterion}`."),
        (false, true) => writeln!(
            report,
            "Command: `cargo xtask bench --compile-only`, after a run of `{criterion}` (the criterion rows)."
        ),
    };
    let _ = writeln!(report);
    table(&mut report, &rows);
    in_turns_table(&mut report, &criterion_home);
    scale_table(&mut report, &scale);
    memory_section(&mut report, &memory);
    let _ = writeln!(report, "{END}");

    let output = &options.output;
    let existing = std::fs::read_to_string(output).ok();
    let text = match existing.as_deref().and_then(|t| Some((t.find(BEGIN)?, t.find(END)?))) {
        Some((begin, end)) if begin < end => {
            let existing = existing.as_deref().expect("found the markers in it");
            format!("{}{}{}", &existing[..begin], report.trim_end(), &existing[end + END.len()..])
        }
        _ => format!("{HEADER}\n{report}"),
    };
    std::fs::write(output, text).with_context(|| format!("writing {}", output.display()))?;

    println!("{}", report.lines().filter(|l| !l.starts_with("<!--")).collect::<Vec<_>>().join("\n").trim());
    println!("\nwrote {}", output.display());
    Ok(ExitCode::SUCCESS)
}

/// The start of a new BENCHMARKS.md (the generated part follows).
const HEADER: &str = "# Benchmarks

What the SDK costs per call, what decoding costs, and how the generator scales. Each figure is
a ratio against a baseline measured in the same run on the same machine: the machines this
project runs on are shared with other builds, so absolute times move from run to run while
ratios measured side by side stay put. Absolute medians are given as context only.

Refresh with `cargo xtask bench` (it runs `cargo bench`, in release, then rewrites the part of
this file between the two markers; notes outside them are kept). `cargo xtask bench
--report-only` rewrites the report from criterion's last results without measuring again.
";

/// Every median of criterion's results by benchmark id (`group/function[/value]`), in seconds.
fn read_medians(home: &Path, since: Option<SystemTime>) -> anyhow::Result<BTreeMap<String, f64>> {
    #[derive(serde::Deserialize)]
    struct Benchmark {
        full_id: String,
    }
    #[derive(serde::Deserialize)]
    struct Estimate {
        point_estimate: f64,
    }
    #[derive(serde::Deserialize)]
    struct Estimates {
        median: Estimate,
    }
    let mut out = BTreeMap::new();
    let mut stack = vec![home.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            let estimates = path.join("estimates.json");
            if path.file_name().is_some_and(|n| n == "new") && estimates.is_file() {
                let fresh = since.is_none_or(|since| {
                    std::fs::metadata(&estimates).and_then(|m| m.modified()).is_ok_and(|modified| modified >= since)
                });
                if !fresh {
                    continue;
                }
                let read = |p: &Path| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
                let benchmark: Benchmark = serde_json::from_str(&read(&path.join("benchmark.json"))?)?;
                let estimates: Estimates = serde_json::from_str(&read(&estimates)?)?;
                out.insert(benchmark.full_id, estimates.median.point_estimate / 1e9);
            } else {
                stack.push(path);
            }
        }
    }
    Ok(out)
}

/// The comparisons: what, the measured and the baseline benchmark, and the goal (a ratio),
/// if any.
const PAIRS: &[(&str, &str, &str, Option<f64>)] = &[
    (
        "SDK call `get_tasks()` (22 tasks) vs bare reqwest + `serde_json::from_slice`",
        "sdk_overhead/get_tasks/sdk",
        "sdk_overhead/get_tasks/raw",
        Some(1.10),
    ),
    (
        "… its transport alone: SDK `send_raw()` + `serde_json::from_slice`",
        "sdk_overhead/get_tasks/sdk_send_raw",
        "sdk_overhead/get_tasks/raw",
        None,
    ),
    (
        "… bare reqwest + `serde_path_to_error` (the SDK tracks the path only after a body failed to decode)",
        "sdk_overhead/get_tasks/raw_path_to_error",
        "sdk_overhead/get_tasks/raw",
        None,
    ),
    (
        "SDK call `start_task(..)` (no body) vs bare reqwest",
        "sdk_overhead/start_task/sdk",
        "sdk_overhead/start_task/raw",
        Some(1.10),
    ),
    (
        "Decode 10,000 tasks, well-typed JSON: SDK models vs strict struct",
        "decode/typed/sdk",
        "decode/typed/strict",
        Some(1.5),
    ),
    (
        "Decode 10,000 tasks, Plex-style `0`/`1`, `\"7\"`: SDK models (lenient) vs strict struct on well-typed JSON",
        "decode/plex_style/sdk",
        "decode/typed/strict",
        Some(1.5),
    ),
    (
        "Decode a 10,000-film listing (Media, Part, 3 Streams each), well-typed: SDK models vs strict struct",
        "decode_listing/typed/sdk",
        "decode_listing/typed/strict",
        Some(1.5),
    ),
    (
        "… the same listing Plex-style (ids as strings, `0`/`1`, whole floats): SDK (lenient) vs strict struct on well-typed JSON",
        "decode_listing/plex_style/sdk",
        "decode_listing/typed/strict",
        Some(1.5),
    ),
    (
        "… well-typed, with the path tracked (`serde_path_to_error`: the SDK's error path only) vs strict struct",
        "decode/typed/sdk_path",
        "decode/typed/strict",
        None,
    ),
    (
        "… Plex-style, with the path tracked (the SDK's error path only) vs strict struct",
        "decode/plex_style/sdk_path",
        "decode/typed/strict",
        None,
    ),
    (
        "Codegen of `spec/plex-api-spec.yaml`, all 31 groups, vs parsing it",
        "codegen_spec/codegen",
        "codegen_spec/parse",
        None,
    ),
    (
        "Codegen of upstream `2026-01-10`, all tags (241 operations), vs parsing it",
        "codegen_all_tags/codegen",
        "codegen_all_tags/parse",
        Some(3.0),
    ),
    (
        "… formatting alone: parsing with syn and printing with prettyplease the Rust it generates, on one thread, vs parsing the document",
        "codegen_all_tags/format_only",
        "codegen_all_tags/parse",
        None,
    ),
    (
        "… typify's part alone: building the type space of the normalised document, `to_stream`, formatting its output (a chain that runs after parsing, so codegen ≥ parsing + this), vs parsing",
        "codegen_all_tags/typify_floor",
        "codegen_all_tags/parse",
        None,
    ),
    (
        "… progenitor's own `generate_tokens` on the same document, normalised as our pipeline does, vs parsing",
        "codegen_all_tags/progenitor",
        "codegen_all_tags/parse",
        None,
    ),
    (
        "Clean `cargo build` of the crate generated from upstream `2026-01-10` (all tags, `--out`) vs a crate with the same dependencies and no code",
        "compile/upstream_all_tags",
        "compile/baseline",
        Some(1.5),
    ),
    (
        "Clean `cargo build` of plex-sdk, every group (the default) vs the same empty crate",
        "compile/plex_sdk_full",
        "compile/baseline",
        Some(1.5),
    ),
    (
        "Clean `cargo build` of plex-sdk with one group (`--no-default-features --features butler,rustls`) vs the same empty crate",
        "compile/plex_sdk_butler",
        "compile/baseline",
        Some(1.1),
    ),
    (
        "Changelog upstream `2025-11-12` → `2025-11-30` (load, diff, markdown) vs loading both",
        "changelog_upstream/changelog",
        "changelog_upstream/parse",
        Some(2.0),
    ),
];

/// The comparisons, and the scale medians by size (surface, diff).
#[allow(clippy::type_complexity)]
fn rows(m: &BTreeMap<String, f64>) -> (Vec<Row>, Vec<(u64, Option<f64>, Option<f64>)>) {
    let pair = |&(what, measured, baseline, goal): &(&str, &str, &str, Option<f64>)| Row {
        what: what.to_string(),
        measured_label: format!("`{measured}`"),
        baseline_label: format!("`{baseline}`"),
        measured: m.get(measured).copied(),
        baseline: m.get(baseline).copied(),
        goal,
        medians: None,
    };
    let mut rows: Vec<Row> = PAIRS.iter().map(pair).collect();
    rows.extend(growth_rows(m));
    (rows, scale(m))
}

/// The growth of the surface and the diff with the number of operations.
fn growth_rows(m: &BTreeMap<String, f64>) -> Vec<Row> {
    let mut rows = Vec::new();
    // Growth: time ∝ n^k, k fitted between the smallest and the largest document; linear is
    // k = 1 (the smallest fits in cache, so k a little above 1 is still linear in practice).
    let (first, last) = (SCALE_SIZES[0], SCALE_SIZES[SCALE_SIZES.len() - 1]);
    for (group, name) in [("scale_surface", "`surface::surface`"), ("scale_diff", "`changelog::diff`")] {
        let exponent = match (m.get(&format!("{group}/{first}")), m.get(&format!("{group}/{last}"))) {
            (Some(a), Some(b)) => Some((b / a).ln() / (last as f64 / first as f64).ln()),
            _ => None,
        };
        rows.push(Row {
            what: format!(
                "Growth of {name} from {} to {} operations: exponent k of time ∝ n^k (1 is linear)",
                thousands(first),
                thousands(last)
            ),
            measured_label: format!("`{group}/{last}`"),
            baseline_label: format!("`{group}/{first}`"),
            measured: exponent,
            baseline: exponent.map(|_| 1.0),
            goal: Some(1.2),
            medians: Some((m.get(&format!("{group}/{last}")).copied(), m.get(&format!("{group}/{first}")).copied())),
        });
    }
    rows
}

/// The scale medians by size (surface, diff).
fn scale(m: &BTreeMap<String, f64>) -> Vec<(u64, Option<f64>, Option<f64>)> {
    SCALE_SIZES
        .iter()
        .map(|&n| (n, m.get(&format!("scale_surface/{n}")).copied(), m.get(&format!("scale_diff/{n}")).copied()))
        .collect()
}

fn table(out: &mut String, rows: &[Row]) {
    let _ = writeln!(out, "## Ratios against baselines measured in the same run\n");
    let _ = writeln!(out, "| what | measured | baseline | measured median | baseline median | ratio | goal | result |");
    let _ = writeln!(out, "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |");
    for row in rows {
        let time = |t: Option<f64>| t.map_or("—".into(), duration);
        let (measured, baseline) = row.medians.unwrap_or((row.measured, row.baseline));
        let growth = row.medians.is_some();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.what,
            row.measured_label,
            row.baseline_label,
            time(measured),
            time(baseline),
            row.ratio().map_or("—".into(), |r| if growth { format!("k = {r:.2}") } else { format!("{r:.2}×") }),
            row.goal.map_or("—".into(), |g| if growth { format!("k ≤ {g:.2}") } else { format!("≤ {g:.2}×") }),
            row.verdict(),
        );
    }
    let _ = writeln!(out);
    let missed: Vec<&str> = rows.iter().filter(|r| r.verdict() == "**missed**").map(|r| r.what.as_str()).collect();
    let run = rows.iter().filter(|r| r.goal.is_some() && r.ratio().is_some()).count();
    let _ = writeln!(out, "Goals met: {} of {run} measured.", run - missed.len());
    let _ = writeln!(out);
}

/// Where the generator bench writes what it measured in turns with loading (`id`, rounds,
/// fastest loading and fastest measurement in milliseconds, tab-separated, a line each).
const IN_TURNS: &str = "in_turns.tsv";

/// What each measurement taken in turns is.
const IN_TURNS_ROWS: &[(&str, &str)] = &[
    ("codegen_spec/codegen", "Codegen of `spec/plex-api-spec.yaml`, all groups"),
    ("codegen_all_tags/codegen", "Codegen of upstream `2026-01-10`, all tags"),
    ("codegen_all_tags/typify_floor", "… typify's part alone (the floor under codegen)"),
];

/// The measurements the generator bench took in turns with loading: the fastest of each,
/// whose ratio the host's drift between criterion's blocks cannot skew.
fn in_turns_table(out: &mut String, home: &Path) {
    let Ok(text) = std::fs::read_to_string(home.join(IN_TURNS)) else { return };
    let _ = writeln!(
        out,
        "## The generator rows again, taken in turns with loading
"
    );
    let _ = writeln!(out, "| what | measured | rounds | loading, fastest | measured, fastest | ratio |");
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: |");
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [id, rounds, load, measured] = fields[..] else { continue };
        let (Ok(load), Ok(measured)) = (load.parse::<f64>(), measured.parse::<f64>()) else { continue };
        let what = IN_TURNS_ROWS.iter().find(|(known, _)| *known == id).map_or(id, |(_, what)| what);
        let _ = writeln!(
            out,
            "| {what} | `{id}` | {rounds} | {} | {} | {:.2}× |",
            duration(load / 1e3),
            duration(measured / 1e3),
            measured / load
        );
    }
    let _ = writeln!(out);
}

fn scale_table(out: &mut String, scale: &[(u64, Option<f64>, Option<f64>)]) {
    let _ = writeln!(out, "## Scale: synthetic Plex-like documents\n");
    let _ = writeln!(
        out,
        "| operations | `surface::surface` median | per operation | `changelog::diff` median | per operation |"
    );
    let _ = writeln!(out, "| ---: | ---: | ---: | ---: | ---: |");
    for &(n, surface, diff) in scale {
        let cell = |t: Option<f64>| t.map_or("—".into(), duration);
        let per = |t: Option<f64>| t.map_or("—".into(), |t| duration(t / n as f64));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            thousands(n),
            cell(surface),
            per(surface),
            cell(diff),
            per(diff)
        );
    }
    let _ = writeln!(out);
}

fn memory_section(out: &mut String, memory: &Memory) {
    let _ = writeln!(out, "## Memory\n");
    let _ = writeln!(out, "| command | peak resident memory | goal | result |");
    let _ = writeln!(out, "| --- | ---: | ---: | --- |");
    match memory.peak_kib {
        Some(kib) => {
            let mib = kib as f64 / 1024.0;
            let result = if mib < MEMORY_GOAL_MIB { "met" } else { "**missed**" };
            let _ = writeln!(
                out,
                "| `{}` | {mib:.1} MiB (largest of {} runs) | < {MEMORY_GOAL_MIB:.0} MiB | {result} |",
                memory.command, memory.runs
            );
        }
        None => {
            let _ = writeln!(out, "| `{}` | — | < {MEMORY_GOAL_MIB:.0} MiB | not run |", memory.command);
        }
    }
    let _ = writeln!(
        out,
        "\nMeasured on the release binary (`target/release/xtask`, so without cargo), as the `ru_maxrss` that `wait4` reports for the child.\n"
    );
}

fn machine(out: &mut String, load_before: &str, load_after: &str, options: &Options) {
    let cores = std::thread::available_parallelism().map_or("?".into(), |n| n.to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or("?".into(), |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0));
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|v| v.split_once(':')).map(|(_, v)| v.trim().to_string()))
        .unwrap_or_else(|| "?".into());
    let os = [std::env::consts::OS.to_string(), read_trimmed("/proc/sys/kernel/osrelease")].join(" ");
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "?".into());
    let _ = writeln!(out, "## Machine and run\n");
    let _ = writeln!(out, "| | |");
    let _ = writeln!(out, "| --- | --- |");
    let _ = writeln!(out, "| date (UTC) | {} |", crate::release::today());
    let _ = writeln!(out, "| cores | {cores} |");
    let _ = writeln!(out, "| memory | {memory} |");
    let _ = writeln!(out, "| CPU | {cpu} |");
    let _ = writeln!(out, "| OS | {os} |");
    let _ = writeln!(out, "| toolchain | {rustc} |");
    let _ = writeln!(out, "| load average (1, 5, 15 min) before / after | {load_before} / {load_after} |");
    if options.report_only {
        let _ = writeln!(out, "| note | `--report-only`: criterion's last results, not measured by this run |");
    } else if options.compile_only {
        let _ = writeln!(
            out,
            "| note | `--compile-only`: the compile times measured by this run, the other rows criterion's last results |"
        );
    }
    let _ = writeln!(out);
}

/// Peak resident memory of the changelog of the upstream pair, run from the release binary.
fn measure_memory(root: &Path, target: &Path, cargo: &str) -> anyhow::Result<Memory> {
    const RUNS: usize = 3;
    let command = format!("target/release/xtask changelog --old {OLD} --new {NEW}");
    let (old, new) = (root.join(OLD), root.join(NEW));
    if !old.is_file() || !new.is_file() {
        eprintln!("memory: SKIPPED (no ../shared/plex-api-spec beside the checkout)");
        return Ok(Memory { command, peak_kib: None, runs: 0 });
    }
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "xtask"])
        .current_dir(root)
        .status()
        .context("building the release xtask")?;
    if !status.success() {
        bail!("`cargo build --release -p xtask` failed ({status})");
    }
    let binary = target.join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    let mut peak = None;
    for _ in 0..RUNS {
        let mut child = Command::new(&binary);
        child.current_dir(root).arg("changelog").arg("--old").arg(&old).arg("--new").arg(&new);
        match peak_rss_kib(child)? {
            Some(kib) => peak = Some(peak.unwrap_or(0).max(kib)),
            None => {
                eprintln!("memory: not measured (no wait4 on this platform)");
                return Ok(Memory { command, peak_kib: None, runs: 0 });
            }
        }
    }
    Ok(Memory { command, peak_kib: peak, runs: RUNS })
}

/// Runs `command` (output discarded) and returns its peak resident set size in KiB, from the
/// `rusage` that `wait4` fills for exactly that child.
#[cfg(unix)]
fn peak_rss_kib(mut command: Command) -> anyhow::Result<Option<u64>> {
    let child = command.stdout(std::process::Stdio::null()).spawn().context("starting the changelog")?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not waited for yet (`child` is dropped without waiting);
    // `status` and `usage` are valid for writes.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("the measured changelog command failed (wait status {status})");
    }
    let maxrss = usage.ru_maxrss as u64;
    // Linux reports KiB, macOS bytes.
    Ok(Some(if cfg!(target_os = "macos") { maxrss / 1024 } else { maxrss }))
}

#[cfg(not(unix))]
fn peak_rss_kib(_command: Command) -> anyhow::Result<Option<u64>> {
    Ok(None)
}

fn load_average() -> String {
    let text = read_trimmed("/proc/loadavg");
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    if fields.len() == 3 { fields.join(", ") } else { "?".into() }
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path).map(|s| s.trim().to_string()).unwrap_or_else(|_| "?".into())
}

/// Seconds as a readable duration.
fn duration(seconds: f64) -> String {
    let (value, unit) = match seconds {
        s if s >= 1.0 => (s, "s"),
        s if s >= 1e-3 => (s * 1e3, "ms"),
        s if s >= 1e-6 => (s * 1e6, "µs"),
        s => (s * 1e9, "ns"),
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurements_in_turns_become_rows() {
        let home = tempfile::tempdir().unwrap();
        let mut out = String::new();
        in_turns_table(&mut out, home.path());
        assert_eq!(out, "", "no file, no table");
        let lines = "codegen_all_tags/codegen\t10\t47.5\t635.2\nnot a row\nnew/row\t3\t2\t5\n";
        std::fs::write(home.path().join(IN_TURNS), lines).unwrap();
        in_turns_table(&mut out, home.path());
        let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| ")).skip(2).collect();
        assert_eq!(
            rows,
            [
                "| Codegen of upstream `2026-01-10`, all tags | `codegen_all_tags/codegen` | 10 | 47.5 ms | 635 ms | 13.37× |",
                "| new/row | `new/row` | 3 | 2.00 ms | 5.00 ms | 2.50× |",
            ]
        );
    }

    #[test]
    fn formats() {
        assert_eq!(duration(0.000_021_35), "21.4 µs");
        assert_eq!(duration(0.005_5), "5.50 ms");
        assert_eq!(duration(0.138_82), "139 ms");
        assert_eq!(duration(4.2e-7), "420 ns");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(100), "100");
        assert_eq!(crate::release::today().len(), 10);
    }

    #[test]
    fn ratios_and_verdicts() {
        let m: BTreeMap<String, f64> =
            [("decode/typed/sdk".to_string(), 3.0), ("decode/typed/strict".to_string(), 2.5)].into();
        let (rows, scale) = rows(&m);
        let typed = rows.iter().find(|r| r.measured_label == "`decode/typed/sdk`").unwrap();
        assert_eq!(typed.ratio(), Some(1.2));
        assert_eq!(typed.verdict(), "met");
        assert!(rows.iter().filter(|r| r.measured.is_none()).all(|r| r.verdict() == "not run"));
        assert_eq!(scale.len(), 3);
    }
}
