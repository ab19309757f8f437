//! The Rust names the generator derives from document text: operationIds, tags, parameters,
//! client-wide headers (through [`derive`], which decides the case, spells out filter
//! operators, checks that the result is a valid identifier and escapes keywords, so no name
//! from a document can make the emitter build an invalid identifier), and the names typify
//! gives component types ([`component_type_name`], [`type_name_at`]). The emitter's own
//! fixed suffixes (`…Op`, `…Status`) are added to names made here.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::error::Result;
use crate::openapi::{Located, unescape};

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

/// The runtime's own methods that generated methods sit beside, by the type they share.
/// `codegen/tests/architecture.rs` reads plex-sdk's and plex-sdk-mock's source and fails when
/// a public method of these types is missing here.
pub mod reserved {
    /// `PlexClient`'s methods, private ones included (a tag's accessor is a method of it too,
    /// in the same crate).
    pub const CLIENT: &[&str] = &[
        "builder",
        "from_env",
        "client_identifier",
        "base_url",
        "raw",
        "api_error",
        "decode_json",
        "execute",
        "execute_unboxed",
        "headers_for",
        "send_once",
        "send_with",
        "token_bytes",
        "url_for",
    ];
    /// The modules a tag's module would sit beside: plex-sdk's own and the generated ones.
    pub const MODULES: &[&str] = &[
        "binary",
        "client",
        "contract",
        "encode",
        "error",
        "generated",
        "globals",
        "lenient",
        "models",
        "open_enum",
        "raw",
        "request",
        "response",
        "retry",
        "runtime",
    ];
    /// `PlexClientBuilder`'s methods (a client-wide header's setter is one too).
    pub const BUILDER: &[&str] = &[
        "server_url",
        "server",
        "token",
        "retries",
        "timeout",
        "deadline",
        "connect_timeout",
        "idle_timeout",
        "max_connections_per_host",
        "max_response_bytes",
        "max_error_body_bytes",
        "operation_server_origin",
        "proxy",
        "no_proxy",
        "http_client",
        "build",
    ];
    /// `Request`'s methods, and the trait method `.await` calls (an optional parameter's setter
    /// is a method of `Request` too; `body` is the optional body's setter).
    pub const REQUEST: &[&str] = &[
        "new",
        "retries",
        "timeout",
        "deadline",
        "header",
        "query",
        "send",
        "send_with_response",
        "send_raw",
        "with",
        "into_future",
        "body",
    ];
    /// plex-sdk-mock's `When` methods (each parameter's matcher is a method of `When` too).
    pub const MOCK: &[&str] = &[
        "new",
        "and",
        "header",
        "body",
        "body_partial",
        "respond_status",
        "respond_json",
        "respond_bytes",
        "respond_with",
        "respond_fn",
        "path_param",
        "query_param",
        "header_param",
        "json_body",
        "form_body",
        "text_body",
        "bytes_body",
    ];
}

/// `name`, or the first of `name_param`, `name_value` that none of `taken` holds: the name of
/// a generated method that must not be one of the runtime's. `None` when all three are taken.
pub fn beside(name: &str, taken: &[&[&str]]) -> Option<String> {
    let free = |n: &str| !taken.iter().any(|list| list.contains(&n));
    [name.to_string(), format!("{name}_param"), format!("{name}_value")].into_iter().find(|n| free(n))
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
pub fn derive(source: &Located<'_>, pointer: &str, text: &str, case: Case) -> Result<String> {
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
        let snake = |t: &str| derive(&Located::unchanged(&source), "", t, Case::Snake).unwrap();
        assert_eq!(snake("viewedAt>"), "viewed_at_gt");
        assert_eq!(snake("viewedAt<"), "viewed_at_lt");
        assert_eq!(snake("addedAt>="), "added_at_gte");
        assert_eq!(snake("title!="), "title_ne");
        assert_eq!(snake("year>>="), "year_after");
        assert_eq!(snake("viewedAt"), "viewed_at");
        assert_eq!(derive(&Located::unchanged(&source), "", "viewedAt<=", Case::Camel).unwrap(), "ViewedAtLte");
        // An operator alone is not a name with an operator.
        assert!(derive(&Located::unchanged(&source), "", ">", Case::Snake).is_err());
    }

    /// The methods of the runtime types in `files` (below the workspace root) whose impl is for
    /// a type named `ty`, whatever their visibility (the generated code is in the same crate).
    fn runtime_methods(files: &[&str], ty: &str) -> std::collections::BTreeSet<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = std::collections::BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            for item in parsed.items {
                let syn::Item::Impl(block) = item else { continue };
                let syn::Type::Path(path) = &*block.self_ty else { continue };
                if block.trait_.is_some() || path.path.segments.last().is_none_or(|s| s.ident != ty) {
                    continue;
                }
                out.extend(block.items.iter().filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                }));
            }
        }
        out
    }

    #[test]
    fn the_reserved_names_are_the_runtimes_methods() {
        let sdk: &[&str] = &[
            "plex-sdk/src/binary.rs",
            "plex-sdk/src/client.rs",
            "plex-sdk/src/contract.rs",
            "plex-sdk/src/raw.rs",
            "plex-sdk/src/request.rs",
            "plex-sdk/src/runtime.rs",
        ];
        let cases: [(&[&str], &str, &[&str]); 4] = [
            (sdk, "PlexClient", reserved::CLIENT),
            (sdk, "PlexClientBuilder", reserved::BUILDER),
            (sdk, "Request", reserved::REQUEST),
            (&["plex-sdk-mock/src/when.rs"], "When", reserved::MOCK),
        ];
        for (files, ty, list) in cases {
            let methods = runtime_methods(files, ty);
            assert!(!methods.is_empty(), "no methods of `{ty}` found in {files:?}");
            let missing: Vec<&String> = methods.iter().filter(|m| !list.contains(&m.as_str())).collect();
            assert!(missing.is_empty(), "`{ty}` has methods that names::reserved does not list: {missing:?}");
        }
    }

    #[test]
    fn generated_methods_step_aside_for_the_runtime() {
        assert_eq!(beside("title", &[reserved::REQUEST, reserved::MOCK]).as_deref(), Some("title"));
        assert_eq!(beside("timeout", &[reserved::REQUEST, reserved::MOCK]).as_deref(), Some("timeout_param"));
        // `header_param` is the mock's own: the next name is taken.
        assert_eq!(beside("header", &[reserved::REQUEST, reserved::MOCK]).as_deref(), Some("header_value"));
        assert_eq!(beside("a", &[&["a", "a_param", "a_value"]]), None);
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("tasks").to_string(), "tasks");
    }
}
