//! Which callers a changelog speaks for, and how it names their methods.

use heck::ToSnakeCase;
use serde::Serialize;

use crate::names::method_name;

/// Which callers "breaking" is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// As the upstream SDK generator marks changes (its users are Python, TypeScript... callers).
    Upstream,
    /// What breaks code that calls plex-sdk (Rust's type system and semver rules).
    Rust,
}

/// The method name a changelog shows for an operation, under `classification`: the one
/// derivation both classifications go through.
///
/// - [`Classification::Rust`] names the method plex-sdk has: [`method_name`]
///   (`get-users` → `get_users`).
/// - [`Classification::Upstream`] names it as the upstream generator's published changelog
///   does: the snake case of the operationId, except that an operationId written with dashes
///   is kept as written (`get-users` stays `get-users`, as the changelog published for
///   2025-11-30 shows for the four operations added that day).
pub fn method_name_for(classification: Classification, operation_id: &str) -> String {
    match classification {
        Classification::Rust => method_name(operation_id),
        Classification::Upstream if operation_id.contains('-') => operation_id.to_string(),
        Classification::Upstream => operation_id.to_snake_case(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_method_names_per_classification() {
        assert_eq!(method_name_for(Classification::Rust, "get-users"), "get_users");
        assert_eq!(method_name_for(Classification::Upstream, "get-users"), "get-users");
        for classification in [Classification::Rust, Classification::Upstream] {
            assert_eq!(method_name_for(classification, "getMetadataHubs"), "get_metadata_hubs");
        }
    }
}
