//! JSON pointers (RFC 6901): the one escape and the one unescape of a segment.

use std::borrow::Cow;

/// Escapes one segment for use in a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// One pointer segment with `~1` and `~0` read back (`/` and `~`).
pub fn unescape(segment: &str) -> Cow<'_, str> {
    match segment.contains('~') {
        true => Cow::Owned(segment.replace("~1", "/").replace("~0", "~")),
        false => Cow::Borrowed(segment),
    }
}

/// Splits a JSON pointer into its unescaped segments (`""` and `"/"`-less text have none).
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(|s| unescape(s).into_owned()).collect()
}

/// The last segment of a pointer or a local `$ref` (`#/components/schemas/A~1B` → `A/B`), unescaped.
pub fn last_segment(pointer: &str) -> Cow<'_, str> {
    unescape(pointer.rsplit('/').next().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip() {
        for raw in ["plain", "a/b", "~tilde", "~1/~0"] {
            assert_eq!(unescape(&escape_segment(raw)), raw);
        }
        assert_eq!(pointer_segments("/paths/~1a~1{b}/get"), ["paths", "/a/{b}", "get"]);
        assert_eq!(last_segment("#/components/schemas/A~1B"), "A/B");
    }
}
