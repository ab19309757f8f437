//! One edit a rule made, the rule type every rule of this folder has, and the one place a
//! rule's name is attached to its edits.

use serde_json::Value;

use crate::openapi::Origins;

/// One edit a rule made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The rule's name.
    pub rule: &'static str,
    /// JSON pointer of the node it changed (before the change).
    pub pointer: String,
    /// What it did.
    pub detail: String,
}

/// A rule: edits the document in place and says what it changed.
pub type Rule = fn(&mut Value, &mut Edits<'_>);

/// The edits of the rule that is running; the runner names them after the rule's entry in its
/// table, so a rule's name is written once.
#[derive(Debug)]
pub struct Edits<'o> {
    rule: &'static str,
    done: Vec<Rewrite>,
    origins: &'o mut Origins,
}

impl Edits<'_> {
    /// Records that the rule changed the node at `pointer` (as it was before the change).
    pub fn add(&mut self, pointer: &str, detail: impl Into<String>) {
        self.done.push(Rewrite { rule: self.rule, pointer: pointer.to_string(), detail: detail.into() });
    }

    /// Records that the rule moved the node at `was` to `now`, so errors found later at `now`
    /// name the source's place.
    pub fn moved(&mut self, now: String, was: String) {
        self.origins.moved(now, was);
    }
}

/// Runs `rules` over `doc` in order, returning every edit.
pub(super) fn run(rules: &[(&'static str, Rule)], doc: &mut Value, origins: &mut Origins) -> Vec<Rewrite> {
    let mut edits = Edits { rule: "", done: Vec::new(), origins };
    for (name, rule) in rules {
        edits.rule = name;
        rule(doc, &mut edits);
    }
    edits.done
}

/// The edits of one rule alone, for its tests.
#[cfg(test)]
pub(super) fn edits_of(rule: Rule, doc: &mut Value) -> Vec<Rewrite> {
    run(&[("rule under test", rule)], doc, &mut Origins::default())
}
