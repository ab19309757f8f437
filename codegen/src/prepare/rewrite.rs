//! One edit a rule made, and the rule type every rule of this folder has.

use serde_json::Value;

/// One edit a rule made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rewrite {
    /// The rule's name.
    pub rule: &'static str,
    /// JSON pointer of the node it changed (before the change).
    pub pointer: String,
    /// What it did.
    pub detail: String,
}

/// A normalisation rule: edits the document in place, returns its edits.
pub type Rule = fn(&mut Value) -> Vec<Rewrite>;

pub(super) fn change(rule: &'static str, pointer: &str, detail: impl Into<String>) -> Rewrite {
    Rewrite { rule, pointer: pointer.to_string(), detail: detail.into() }
}
