//! Compile time, measured as `cargo bench` cannot: clean `cargo build`s of generated crates
//! against the same build of a crate with the same dependencies and no code, in one run. Each
//! build gets a fresh target folder, dependencies included; downloads are done first so they
//! do not count. Results go to `target/compile-bench.json` (`--report-only` reads them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

/// Where the results are kept between runs.
pub fn results_path(target: &Path) -> PathBuf {
    target.join("compile-bench.json")
}

/// How many times each clean build runs.
const RUNS: usize = 2;

/// Measures every build and stores the seconds by id (`compile/baseline`, ...).
pub fn measure(root: &Path, target: &Path) -> anyhow::Result<BTreeMap<String, f64>> {
    let work = target.join("compile-bench");
    let _ = std::fs::remove_dir_all(&work);
    let spec_crate = work.join("plex-sdk");
    let upstream_crate = work.join("upstream");
    let baseline = work.join("baseline");
    crate::codegen::write_crate(root, &root.join("spec/plex-api-spec.yaml"), &spec_crate)?;
    let upstream = root.join("../shared/plex-api-spec/plex-api-spec.2026-01-10.yaml");
    let has_upstream = upstream.is_file();
    if has_upstream {
        crate::codegen::write_crate(root, &upstream, &upstream_crate)?;
    }
    write_baseline(&spec_crate, &baseline)?;
    let butler: &[&str] = &["--no-default-features", "--features", "butler,rustls"];
    let mut builds: Vec<(&str, &Path, &[&str])> = vec![
        ("compile/baseline", &baseline, &[]),
        ("compile/plex_sdk_full", &spec_crate, &[]),
        ("compile/plex_sdk_butler", &spec_crate, butler),
    ];
    if has_upstream {
        builds.push(("compile/upstream_all_tags", &upstream_crate, &[]));
    }
    // Each build runs RUNS times, the rounds interleaved, and keeps its fastest: what else the
    // machine does only ever slows a build down.
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for _ in 0..RUNS {
        for (id, dir, args) in &builds {
            let seconds = clean_build(dir, args)?;
            let best = out.entry(id.to_string()).or_insert(seconds);
            *best = best.min(seconds);
        }
    }
    std::fs::write(results_path(target), serde_json::to_string_pretty(&out)?)?;
    Ok(out)
}

/// The results of the last [`measure`].
pub fn last(target: &Path) -> BTreeMap<String, f64> {
    std::fs::read_to_string(results_path(target))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// A crate with `sdk`'s manifest and an empty library.
fn write_baseline(sdk: &Path, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out.join("src"))?;
    let manifest =
        std::fs::read_to_string(sdk.join("Cargo.toml"))?.replace("name = \"plex-sdk\"", "name = \"baseline\"");
    std::fs::write(out.join("Cargo.toml"), manifest)?;
    std::fs::write(out.join("src/lib.rs"), "//! The same dependencies as plex-sdk, and no code.\n")?;
    Ok(())
}

/// Seconds of a `cargo build` of `dir` in a fresh target folder.
fn clean_build(dir: &Path, args: &[&str]) -> anyhow::Result<f64> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = dir.join("Cargo.toml");
    let fetch = Command::new(&cargo).arg("fetch").arg("--manifest-path").arg(&manifest).status()?;
    if !fetch.success() {
        bail!("cargo fetch failed for {}", dir.display());
    }
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    eprintln!("clean build of {} {}", dir.display(), args.join(" "));
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "--offline", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .args(args)
        .env_remove("RUSTFLAGS")
        .status()
        .with_context(|| format!("building {}", dir.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        bail!("cargo build of {} failed ({status})", dir.display());
    }
    Ok(seconds)
}
