//! `cargo xtask bench`: wall-clock medians of the generator's steps, each against the time to
//! only parse the input documents, measured in the same run. Build with `--release` for
//! figures worth quoting: `cargo run --release -p xtask -- bench`.

use std::path::Path;
use std::time::{Duration, Instant};

/// The median of `iterations` timed runs of `f` (after one untimed warm-up run).
pub fn median<T>(iterations: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..iterations.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// One measured task against its baseline.
pub struct Row {
    pub task: String,
    pub baseline: Duration,
    pub measured: Duration,
}

impl Row {
    pub fn ratio(&self) -> f64 {
        self.measured.as_secs_f64() / self.baseline.as_secs_f64()
    }
}

/// Prints rows as a markdown table.
pub fn print(rows: &[Row]) {
    println!("| task | baseline (parse only) median | task median | ratio |");
    println!("| --- | ---: | ---: | ---: |");
    for row in rows {
        println!("| {} | {:.2?} | {:.2?} | {:.2}x |", row.task, row.baseline, row.measured, row.ratio());
    }
}

/// Codegen of `tags` from `spec` against parsing `spec` alone.
pub fn codegen(spec: &Path, tags: &[String], iterations: usize) -> anyhow::Result<Row> {
    plex_codegen::generate_from_path(spec, tags, "bench")?;
    let baseline = median(iterations, || plex_codegen::load::load(spec).map(|d| d.value));
    let measured = median(iterations, || plex_codegen::generate_from_path(spec, tags, "bench").map(|g| g.files));
    Ok(Row { task: format!("codegen {} ({})", spec.display(), tags.join(", ")), baseline, measured })
}

/// The changelog from `old` to `new` (load both, diff, render) against loading both.
pub fn changelog(old: &Path, new: &Path, iterations: usize) -> anyhow::Result<Row> {
    use plex_codegen::changelog::{Classification, render};
    let load_both = || -> anyhow::Result<_> { Ok((plex_codegen::load::load(old)?, plex_codegen::load::load(new)?)) };
    load_both()?;
    let baseline = median(iterations, || load_both().map(|(a, b)| (a.value, b.value)));
    let measured = median(iterations, || {
        load_both().map(|(a, b)| {
            render::markdown(&plex_codegen::changelog(&a, &b, Classification::Upstream), "plex_api", "Rust")
        })
    });
    Ok(Row { task: format!("changelog {} → {}", old.display(), new.display()), baseline, measured })
}
