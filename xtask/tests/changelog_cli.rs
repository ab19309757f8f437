//! `cargo xtask changelog` on broken documents: it exits 2 and prints the located report on
//! stderr (nothing on stdout), whichever side the broken document is on.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Runs `xtask changelog --old OLD --new NEW` from the workspace root: (exit code, stdout, stderr).
fn changelog(old: &str, new: &str) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(["changelog", "--old", old, "--new", new])
        .output()
        .expect("xtask runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The five broken documents of issue 13, with the line each report must point at.
const BROKEN: [(&str, &str); 5] = [
    (
        "tests/fixtures/bad/18-ref-near-miss.yaml",
        ":16:17 (at /paths/~1things/get/responses/200/content/application~1json/schema/$ref)",
    ),
    ("tests/fixtures/bad/22-ref-cycle.yaml", ":20:7 (at /components/schemas/ThingList/$ref)"),
    (
        "tests/fixtures/bad/21-ref-external.yaml",
        ":16:17 (at /paths/~1things/get/responses/200/content/application~1json/schema/$ref)",
    ),
    ("tests/fixtures/bad/32-operation-id-duplicate.yaml", ":9:7 (at /paths/~1things/get/operationId)"),
    ("tests/fixtures/bad/44-path-placeholder-undeclared.yaml", ":7:5 (at /paths/~1things~1{thingId}/get)"),
];

#[test]
fn a_broken_document_fails_with_its_report() {
    let good = "spec/plex-api-spec.yaml";
    for (bad, place) in BROKEN {
        for (old, new) in [(bad, bad), (bad, good), (good, bad)] {
            let (code, stdout, stderr) = changelog(old, new);
            assert_eq!(code, Some(2), "{old} → {new}: exit code\n{stderr}");
            assert!(stdout.is_empty(), "{old} → {new}: printed a changelog:\n{stdout}");
            assert!(stderr.starts_with("error: "), "{old} → {new}:\n{stderr}");
            assert!(
                stderr.contains(&format!("  --> {bad}{place}\n")),
                "{old} → {new}: not located at {place}:\n{stderr}"
            );
            assert!(stderr.contains(" | ") && stderr.contains('^'), "{old} → {new}: no source line:\n{stderr}");
        }
    }
}

#[test]
fn good_documents_still_compare() {
    let (code, stdout, stderr) = changelog("spec/plex-api-spec.yaml", "spec/plex-api-spec.yaml");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(!stdout.contains("**Breaking**"), "{stdout}");
}
