//! One cargo feature per group: the generator writes the `[features]` entries of the groups
//! into plex-sdk's manifest, between two marker comments, and `full` (the default) turns them
//! all on. The rest of the manifest is hand-written and left as it is.

use std::path::Path;

use super::file::GeneratedFile;
use crate::model::Api;

const BEGIN: &str = "# @generated groups begin: `cargo xtask codegen` writes these lines; do not edit.";
const END: &str = "# @generated groups end";

/// The feature lines for `api`'s groups.
pub fn block(api: &Api) -> String {
    let groups: Vec<&str> = api.tags.iter().map(|t| t.module.as_str()).collect();
    let mut out = format!("{BEGIN}\n");
    out.push_str(&format!("full = [{}]\n", groups.iter().map(|g| format!("\"{g}\"")).collect::<Vec<_>>().join(", ")));
    for group in &groups {
        out.push_str(&format!("{group} = []\n"));
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// The manifest at `crate_dir/Cargo.toml` with its generated block replaced by `api`'s, as a
/// generated file (so `--check` and the freshness test compare it like the others).
pub fn manifest(crate_dir: &Path, api: &Api) -> std::io::Result<GeneratedFile> {
    let text = std::fs::read_to_string(crate_dir.join("Cargo.toml"))?;
    let contents = splice(&text, &block(api)).ok_or_else(|| {
        std::io::Error::other(format!(
            "{}: the [features] table has no `{BEGIN}` … `{END}` block",
            crate_dir.join("Cargo.toml").display()
        ))
    })?;
    Ok(GeneratedFile { path: "Cargo.toml".into(), contents })
}

/// `text` with the lines from the begin marker to the end marker replaced by `block`.
fn splice(text: &str, block: &str) -> Option<String> {
    let start = text.find(BEGIN)?;
    let end = text[start..].find(END)? + start + END.len();
    let end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    Some(format!("{}{block}{}", &text[..start], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_replaced_and_the_rest_kept() {
        let text = format!("[features]\ndefault = [\"full\"]\n{BEGIN}\nold = []\n{END}\nstrict = []\n");
        let spliced = splice(&text, &format!("{BEGIN}\nnew = []\n{END}\n")).unwrap();
        assert_eq!(spliced, format!("[features]\ndefault = [\"full\"]\n{BEGIN}\nnew = []\n{END}\nstrict = []\n"));
        assert!(splice("[features]\n", "x").is_none());
    }
}
