//! The breaking-change gate: does the SDK's version bump match what the document change
//! requires? Breaking changes (Rust classification) need a minor bump while the version is
//! 0.x and a major one from 1.0; other changes need at least a patch bump.

use semver::Version;

use super::changelog::Changelog;
use super::classification::Classification;
use crate::error::Result;
use crate::openapi::Document;

/// A version step, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Same version (or lower).
    None,
    /// Patch.
    Patch,
    /// Minor.
    Minor,
    /// Major.
    Major,
}

/// The bump from `old` to `new`. A pre-1.0 minor step counts as [`Bump::Major`] would after
/// 1.0, so it is reported as what semver-compatible resolution treats it as: see
/// [`required_bump`], which asks for `Minor` on 0.x.
pub fn bump(old: &Version, new: &Version) -> Bump {
    if new <= old {
        Bump::None
    } else if new.major > old.major {
        Bump::Major
    } else if new.minor > old.minor {
        Bump::Minor
    } else {
        Bump::Patch
    }
}

/// The smallest bump `changelog` requires of a crate at `old`.
pub fn required_bump(changelog: &Changelog, old: &Version) -> Bump {
    if changelog.breaking() {
        if old.major == 0 { Bump::Minor } else { Bump::Major }
    } else if changelog.entries.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    }
}

/// The gate's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What the change requires.
    pub required: Bump,
    /// What the version did.
    pub actual: Bump,
}

impl Verdict {
    /// Whether the bump is enough.
    pub fn passes(&self) -> bool {
        self.actual >= self.required
    }
}

/// Judges a version change against a changelog.
pub fn judge(changelog: &Changelog, old: &Version, new: &Version) -> Verdict {
    Verdict { required: required_bump(changelog, old), actual: bump(old, new) }
}

/// What `cargo xtask breaking` computes: the Rust-classified changelog from document `old` to
/// document `new` (both checked first, so a broken document fails with its report) and the
/// verdict on the crate's version going from `old_version` to `new_version`.
pub fn breaking(
    old: &Document,
    new: &Document,
    old_version: &Version,
    new_version: &Version,
) -> Result<(Changelog, Verdict)> {
    let changelog = super::changelog::documents(old, new, Classification::Rust)?;
    let verdict = judge(&changelog, old_version, new_version);
    Ok((changelog, verdict))
}

#[cfg(test)]
mod tests {
    use super::super::changelog::{Entry, EntryKind};
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn log(kind: Option<EntryKind>) -> Changelog {
        let entries = kind
            .map(|kind| vec![Entry { operation: "butler.get_tasks".into(), kind, sides: vec![] }])
            .unwrap_or_default();
        Changelog { classification: Classification::Rust, entries }
    }

    #[test]
    fn breaking_needs_minor_on_0x_and_major_after() {
        let breaking = log(Some(EntryKind::Deleted));
        assert!(!judge(&breaking, &v("0.1.0"), &v("0.1.1")).passes());
        assert!(judge(&breaking, &v("0.1.0"), &v("0.2.0")).passes());
        assert!(judge(&breaking, &v("0.1.3"), &v("1.0.0")).passes());
        assert!(!judge(&breaking, &v("1.2.0"), &v("1.3.0")).passes());
        assert!(judge(&breaking, &v("1.2.0"), &v("2.0.0")).passes());
    }

    #[test]
    fn additions_need_a_patch_and_no_change_needs_nothing() {
        let added = log(Some(EntryKind::Added));
        assert!(!judge(&added, &v("0.1.0"), &v("0.1.0")).passes());
        assert!(judge(&added, &v("0.1.0"), &v("0.1.1")).passes());
        assert!(judge(&log(None), &v("0.1.0"), &v("0.1.0")).passes());
        assert_eq!(bump(&v("0.2.0"), &v("0.1.9")), Bump::None);
    }
}
