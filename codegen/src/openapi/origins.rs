//! Where the nodes of a rewritten document came from, so that an error found in the rewritten
//! document names the line and pointer of the file the user gave.

use std::borrow::Cow;

use super::load::Document;
use crate::error::{Error, SourceLocation};

/// Pairs of pointer prefixes: a node now at the first was at the second in the source (a
/// schema moved to `components`, a list element that moved up when earlier ones were
/// removed). Recorded by the rules that move nodes.
#[derive(Debug, Default, Clone)]
pub struct Origins(Vec<(String, String)>);

impl Origins {
    /// Records that the node now at `now` was at `was`.
    pub fn moved(&mut self, now: String, was: String) {
        if now != was {
            self.0.push((now, was));
        }
    }

    /// `pointer` (into the rewritten document) as a pointer into the source: the latest move
    /// whose prefix it has is undone, then the moves recorded before that one, in turn.
    pub fn source_pointer<'p>(&self, pointer: &'p str) -> Cow<'p, str> {
        let mut current = Cow::Borrowed(pointer);
        let mut moves = self.0.as_slice();
        let under = |pointer: &str, prefix: &str| {
            pointer.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        while let Some(index) = moves.iter().rposition(|(now, _)| under(&current, now)) {
            let (now, was) = &moves[index];
            current = Cow::Owned(format!("{was}{}", &current[now.len()..]));
            moves = &moves[..index];
        }
        current
    }
}

/// A source document seen through the rewrites made to it: its errors and locations name the
/// source's line, column and pointer for a pointer into the rewritten document.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    /// The document the user gave.
    pub source: &'a Document,
    /// Where the rewritten document's nodes came from.
    pub origins: &'a Origins,
}

impl<'a> Located<'a> {
    /// `source` as it is, with nothing moved.
    pub fn unchanged(source: &'a Document) -> Self {
        static NONE: Origins = Origins(Vec::new());
        Located { source, origins: &NONE }
    }

    /// The source location of the node at `pointer` of the rewritten document.
    pub fn locate(&self, pointer: &str) -> Box<SourceLocation> {
        self.source.locate(&self.origins.source_pointer(pointer))
    }

    /// An error about the node at `pointer` of the rewritten document, located in the source.
    pub fn error(&self, pointer: &str, message: impl Into<String>, help: Option<&str>) -> Error {
        self.source.error(&self.origins.source_pointer(pointer), message, help)
    }
}

impl std::ops::Deref for Located<'_> {
    type Target = Document;

    fn deref(&self) -> &Document {
        self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_traced_back_through_the_moves() {
        let mut origins = Origins::default();
        origins.moved("/components/schemas/State".into(), "/paths/~1a/get/parameters/13/schema".into());
        origins.moved("/paths/~1a/get/parameters/1".into(), "/paths/~1a/get/parameters/13".into());
        let traced = |p: &str| origins.source_pointer(p).into_owned();
        assert_eq!(traced("/paths/~1a/get/parameters/1"), "/paths/~1a/get/parameters/13");
        assert_eq!(traced("/paths/~1a/get/parameters/1/name"), "/paths/~1a/get/parameters/13/name");
        // A prefix counts only at a segment boundary.
        assert_eq!(traced("/paths/~1a/get/parameters/10"), "/paths/~1a/get/parameters/10");
        assert_eq!(traced("/components/schemas/State/enum/0"), "/paths/~1a/get/parameters/13/schema/enum/0");
        assert_eq!(traced("/components/schemas/Other"), "/components/schemas/Other");
    }
}
