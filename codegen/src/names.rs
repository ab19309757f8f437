//! The Rust names the generator derives from document text: operationIds, tags, parameters,
//! client-wide headers (through [`derive`], which decides the case, spells out filter
//! operators, checks that the result is a valid identifier and escapes keywords, so no name
//! from a document can make the emitter build an invalid identifier), and the names typify
//! gives component types ([`component_type_name`], [`type_name_at`]). The emitter's own
//! fixed suffixes (`…Op`, `…Status`) are added to names made here.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::error::Result;
use crate::openapi::{Document, unescape};

/// The case of a derived name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: modules, methods, fields, parameters.
    Snake,
    /// `UpperCamelCase`: types and variants.
    Camel,
}

/// The SDK method name of an operation: the snake case of its `operationId`
/// (`getTasks` → `get_tasks`, `get-users` → `get_users`). The generator and the Rust
/// classification of the changelog both name methods with it.
pub fn method_name(operation_id: &str) -> String {
    operation_id.to_snake_case()
}

/// The module and accessor name of a tag (`Library Playlists` → `library_playlists`).
pub fn group_name(tag: &str) -> String {
    tag.to_snake_case()
}

/// Plex's filter operators, as a query parameter's name ends in them (`viewedAt>`), and the
/// word each becomes in a Rust name (`viewed_at_gt`); longest first, so `>=` is not read as
/// `=`.
const OPERATORS: &[(&str, &str)] = &[
    (">>=", "after"),
    ("<<=", "before"),
    ("!==", "not_exactly"),
    ("==", "exactly"),
    ("!=", "ne"),
    (">=", "gte"),
    ("<=", "lte"),
    (">", "gt"),
    ("<", "lt"),
    ("=", "eq"),
];

/// `text` with a trailing filter operator spelled out as a word (`viewedAt>` → `viewedAt gt`),
/// so that case conversion keeps it: the wire name stays as written.
fn spelled_out(text: &str) -> std::borrow::Cow<'_, str> {
    match OPERATORS.iter().find(|(op, _)| text.len() > op.len() && text.ends_with(op)) {
        Some((op, word)) => format!("{} {word}", &text[..text.len() - op.len()]).into(),
        None => text.into(),
    }
}

/// Rust keywords (strict and reserved).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Whether `name` is a Rust keyword (the emitter writes it as `r#name`).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// `text` in `case`, as a name the emitter can turn into an identifier, or a located error at
/// `pointer` saying why it cannot be one.
pub fn derive(source: &Document, pointer: &str, text: &str, case: Case) -> Result<String> {
    let words = spelled_out(text);
    let name = match case {
        Case::Snake => words.to_snake_case(),
        Case::Camel => words.to_upper_camel_case(),
    };
    check(&name).map_err(|why| {
        source.error(
            pointer,
            format!("`{text}` cannot be made a Rust identifier: {why}"),
            Some("rename it in the document"),
        )
    })?;
    Ok(name)
}

/// Why `name` cannot be an identifier, if it cannot.
fn check(name: &str) -> std::result::Result<(), String> {
    let Some(first) = name.chars().next() else {
        return Err("it has no letters or digits".into());
    };
    if first.is_ascii_digit() {
        return Err(format!("`{name}` starts with a digit"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("`{name}` has characters other than ASCII letters, digits and `_`"));
    }
    if NOT_RAW.contains(&name) {
        return Err(format!("`{name}` is a keyword that cannot be a raw identifier"));
    }
    Ok(())
}

/// The identifier for a checked `name`: raw (`r#type`) when it is a keyword.
pub fn ident(name: &str) -> proc_macro2::Ident {
    if is_keyword(name) {
        proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// The name typify gives the type of component schema `name` (`butler-task` → `ButlerTask`).
pub fn component_type_name(name: &str) -> String {
    name.to_upper_camel_case()
}

/// The name typify gives the type of the schema at `pointer` below `/components/schemas`:
/// the component's, then each property's name (`items` adds `Item`, a map's values `Value`;
/// composition members add nothing, as typify merges them). `None` outside components.
pub fn type_name_at(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    let mut segments = rest.split('/').map(unescape);
    let mut name = component_type_name(&segments.next()?);
    while let Some(segment) = segments.next() {
        match segment.as_ref() {
            "properties" => name.push_str(&segments.next()?.to_upper_camel_case()),
            "items" => name.push_str("Item"),
            "additionalProperties" => name.push_str("Value"),
            "allOf" | "oneOf" | "anyOf" => {
                segments.next();
            }
            _ => {}
        }
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_snake_case_of_the_operation_id() {
        assert_eq!(method_name("getTasks"), "get_tasks");
        assert_eq!(method_name("get-users"), "get_users");
        assert_eq!(method_name("post-users-sign-in-data"), "post_users_sign_in_data");
    }

    #[test]
    fn names_that_cannot_be_identifiers_are_refused_with_the_reason() {
        assert!(check("platform").is_ok());
        assert!(check("r#type").is_err());
        assert!(check("2latform").unwrap_err().contains("starts with a digit"));
        assert!(check("").unwrap_err().contains("no letters"));
        assert!(check("self").unwrap_err().contains("raw identifier"));
        assert!(check("é").is_err());
    }

    #[test]
    fn filter_operators_become_words() {
        let source = crate::openapi::parse("t.yaml", "openapi: 3.1.0\n".to_string()).unwrap();
        let snake = |t: &str| derive(&source, "", t, Case::Snake).unwrap();
        assert_eq!(snake("viewedAt>"), "viewed_at_gt");
        assert_eq!(snake("viewedAt<"), "viewed_at_lt");
        assert_eq!(snake("addedAt>="), "added_at_gte");
        assert_eq!(snake("title!="), "title_ne");
        assert_eq!(snake("year>>="), "year_after");
        assert_eq!(snake("viewedAt"), "viewed_at");
        assert_eq!(derive(&source, "", "viewedAt<=", Case::Camel).unwrap(), "ViewedAtLte");
        // An operator alone is not a name with an operator.
        assert!(derive(&source, "", ">", Case::Snake).is_err());
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("tasks").to_string(), "tasks");
    }
}
