//! The type space: every Rust type the SDK uses, from typify, as progenitor does it. The
//! component schemas go in first (`add_ref_types`); the model then asks for the type of each
//! parameter, body and response schema (a `$ref`, a primitive, an array...), and
//! [`Types::tokens`] gives `models.rs`. Settings, not edits: `with_type_mod("models")` makes
//! every type the emitter names a path into the models module, and a `BoolInt`-style integer
//! enum (`0`/`1` with `x-speakeasy-enums: [false, true]`) is replaced by `bool`.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use proc_macro2::TokenStream;
use serde_json::{Map, Value, json};
use typify::{TypeSpace, TypeSpaceImpl, TypeSpaceSettings};

use crate::error::{Error, Result};
use crate::names::{Case, component_type_name, ident, type_name_at};
use crate::openapi::{Located, escape_segment, last_segment, walk};

/// The Rust type of a schema, as the emitter writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// The type, as Rust source (`models::ButlerTask`, `i64`, `::std::vec::Vec<String>`).
    pub rust: String,
    /// The model it is, or holds, when it names one (`ButlerTask`), for links in the docs:
    /// the first of [`models`](Self::models).
    pub model: Option<String>,
    /// Every model it names, outermost first (`Option<Vec<models::Hub>>` → `[Hub]`), read
    /// from typify's type space, not from the rendered text.
    pub models: Vec<String>,
}

impl TypeRef {
    /// A type that is not a model.
    pub fn plain(rust: &str) -> Self {
        TypeRef { rust: rust.to_string(), model: None, models: Vec::new() }
    }

    /// The type as tokens. Every `TypeRef` the type step gives is checked to parse as a type
    /// (see [`Types::type_of`]); should one not, the generated crate says so where it stands
    /// rather than compiling with a wrong type.
    pub fn tokens(&self) -> TokenStream {
        self.rust.parse().unwrap_or_else(|_| {
            let message = format!("plex-codegen wrote `{}` for a type, which does not parse", self.rust);
            quote::quote! { ::core::compile_error!(#message) }
        })
    }

    /// The type written for people (see [`display_type`]).
    pub fn display(&self) -> String {
        display_type(&self.rust)
    }
}

/// The path the models' `BoolInt` fields name: plex-sdk's alias of `bool`, which marks them for
/// writing as `1`/`0` (typify is told to use it for every `BoolInt`-style component).
const BOOL_INT: &str = "crate::contract::BoolInt";

/// A rendered type written for people: `Option<Vec<models::Item>>` rather than
/// `::std::option::Option<::std::vec::Vec<models::Item>>`.
pub fn display_type(rust: &str) -> String {
    let compact: String = rust.chars().filter(|c| !c.is_whitespace()).collect();
    ["::std::option::", "::std::vec::", "::std::string::", "::std::collections::", "::serde_json::", "::bytes::"]
        .iter()
        .fold(compact, |t, prefix| t.replace(prefix, ""))
        .replace(BOOL_INT, "bool")
        .replace(',', ", ")
}

/// The type space and the names of the types in it.
pub struct Types {
    space: TypeSpace,
    /// Component schema names (the document's), in the order given to typify.
    components: Vec<String>,
    /// Names of component schemas replaced by `bool`.
    bool_ints: BTreeSet<String>,
    /// The component schemas that are integer enums, defined by the generator (see
    /// [`integer_enum`]).
    integer_enums: Vec<TokenStream>,
}

impl std::fmt::Debug for Types {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Types").field("components", &self.components.len()).finish()
    }
}

/// Whether a schema is a `0`/`1` integer enum that the document says stands for false/true.
pub fn is_bool_int(schema: &Value) -> bool {
    let values = schema.get("enum").and_then(Value::as_array);
    let meaning = schema.get("x-speakeasy-enums").and_then(Value::as_array);
    values.is_some_and(|v| v.len() == 2 && v[0] == json!(0) && v[1] == json!(1))
        && meaning.is_some_and(|m| m.len() == 2 && m[0] == json!(false) && m[1] == json!(true))
}

/// The types of the schemas that say `additionalProperties: true`, or merge one that does
/// (`allOf`): the document expects fields it does not list, so even `strict` must not refuse
/// them.
pub fn open_objects(doc: &Value) -> BTreeSet<String> {
    let open = |schema: &Value| schema.get("additionalProperties") == Some(&Value::Bool(true));
    let mut names = BTreeSet::new();
    walk::visit_schemas(doc, &mut |pointer, schema| {
        let members = schema.get("allOf").and_then(Value::as_array).into_iter().flatten();
        let merged = members.map(|m| walk::deref(doc, m)).any(open);
        let itself = schema.get("additionalProperties") == Some(&Value::Bool(true));
        if (merged || itself)
            && let Some(name) = type_name_at(pointer)
        {
            names.insert(name);
        }
    });
    names
}

/// Whether a schema is an integer enum that is not a `BoolInt`: an open integer enum in the
/// SDK (the naming rules give every inline one a component of its own).
pub fn is_integer_enum(schema: &Value) -> bool {
    let values = schema.get("enum").and_then(Value::as_array);
    schema.get("type").and_then(Value::as_str) == Some("integer")
        && values.is_some_and(|v| !v.is_empty() && v.iter().all(|v| v.as_i64().is_some()))
        && !is_bool_int(schema)
}

/// The definition of integer enum component `name` (at `pointer`), as an enum whose
/// variants carry their wire values as discriminants (`Video = 1`); the models'
/// post-processing makes it an open enum. Variant names come from `x-speakeasy-enums`
/// (`TV_SHOW` → `TvShow`) when they are all usable, else from the values (`Value1`,
/// `ValueMinus1`).
fn integer_enum(source: &Located<'_>, pointer: &str, name: &str, schema: &Value) -> Result<TokenStream> {
    let type_ident = ident(&crate::names::derive(source, pointer, name, Case::Camel)?);
    let values: Vec<i64> = schema["enum"].as_array().into_iter().flatten().filter_map(Value::as_i64).collect();
    let by_value = || values.iter().map(|v| format!("Value{}", v.to_string().replace('-', "Minus"))).collect();
    let named: Option<Vec<String>> = schema
        .get("x-speakeasy-enums")
        .and_then(Value::as_array)
        .filter(|names| names.len() == values.len())
        .and_then(|names| {
            names
                .iter()
                .map(|n| n.as_str().and_then(|n| crate::names::derive(source, pointer, n, Case::Camel).ok()))
                .collect()
        })
        .filter(|names: &Vec<String>| names.iter().collect::<BTreeSet<_>>().len() == names.len());
    let variants: Vec<String> = named.unwrap_or_else(by_value);
    let variants = variants.iter().zip(&values).map(|(variant, value)| {
        let variant = ident(variant);
        let magnitude = proc_macro2::Literal::u64_unsuffixed(value.unsigned_abs());
        if *value < 0 {
            quote::quote! { #variant = -#magnitude }
        } else {
            quote::quote! { #variant = #magnitude }
        }
    });
    let description = to_json_schema(schema).get("description").and_then(Value::as_str).map(str::to_string);
    let docs = description.iter().flat_map(|d| d.lines().map(|l| format!(" {l}")));
    Ok(quote::quote! {
        #(#[doc = #docs])*
        pub enum #type_ident { #(#variants),* }
    })
}

impl Types {
    /// Adds every component schema of the normalised document `doc` to a new type space. A
    /// failure (an error or a panic inside typify) is reported at the schema that causes it.
    pub fn new(source: &Located<'_>, doc: &Value) -> Result<Self> {
        let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
        let bool_ints: BTreeSet<String> =
            schemas.iter().filter(|(_, s)| is_bool_int(s)).map(|(n, _)| n.clone()).collect();
        let integer_enums: Vec<(&String, &Value)> = schemas.iter().filter(|(_, s)| is_integer_enum(s)).collect();
        let mut settings = TypeSpaceSettings::default();
        settings.with_type_mod("models").with_derive("PartialEq".to_string());
        for name in &bool_ints {
            // `BOOL_INT` is `bool`: the alias tells the models' post-processing to write
            // it as 1/0.
            settings.with_replacement(component_type_name(name), BOOL_INT, [].into_iter());
        }
        let mut defined = Vec::new();
        for (name, schema) in integer_enums {
            // Defined here (an open enum), not by typify: the models name it by its path.
            let pointer = format!("/components/schemas/{}", escape_segment(name));
            let rust = component_type_name(name);
            let impls = [TypeSpaceImpl::Display, TypeSpaceImpl::FromStr, TypeSpaceImpl::Default];
            settings.with_replacement(&rust, format!("crate::models::{rust}"), impls.into_iter());
            defined.push(integer_enum(source, &pointer, name, schema)?);
        }
        let mut space = TypeSpace::new(&settings);
        let defs: Vec<(String, schemars::schema::Schema)> = schemas
            .iter()
            .map(|(name, s)| {
                Ok((name.clone(), to_schemars(source, &format!("/components/schemas/{}", escape_segment(name)), s)?))
            })
            .collect::<Result<_>>()?;
        let components = defs.iter().map(|(n, _)| n.clone()).collect();
        if let Err(message) = contained(|| space.add_ref_types(defs.clone())) {
            let (pointer, what) = schema_typify_fails_on(&settings, &schemas, &defs);
            return Err(Error::Generator { location: source.locate(&pointer), message: format!("{what}{message}") });
        }
        Ok(Types { space, components, bool_ints, integer_enums: defined })
    }

    /// The Rust type of `schema` (found at `pointer`, for errors), added to the space when it
    /// is not there yet. `name` names a type typify has to create for it.
    pub fn type_of(&mut self, source: &Located<'_>, pointer: &str, schema: &Value, name: &str) -> Result<TypeRef> {
        let converted = to_schemars(source, pointer, schema)?;
        let space = &mut self.space;
        let id = contained(|| space.add_type_with_name(&converted, Some(name.to_string())))
            .map_err(|message| Error::Generator { location: source.locate(pointer), message })?;
        let ty = self
            .space
            .get_type(&id)
            .map_err(|e| Error::Generator { location: source.locate(pointer), message: e.to_string() })?;
        // A BoolInt is plain `bool` where the SDK's own code names it (the alias matters only
        // inside the models, whose fields it marks for writing as 1/0).
        let rust = ty
            .ident()
            .to_string()
            .replace(&BOOL_INT.replace("::", " :: "), "bool")
            .replace("crate :: models ::", "models ::");
        if syn::parse_str::<syn::Type>(&rust).is_err() {
            let message = format!("typify gave `{rust}` for this schema's type, which is not a Rust type");
            return Err(Error::Generator { location: source.locate(pointer), message });
        }
        let models = self.models_of(&id);
        Ok(TypeRef { rust, model: models.first().cloned(), models })
    }

    /// The models type `id` names, outermost first: a struct, enum or newtype typify defined,
    /// or one of our integer enums (typify names those by their replacement path).
    fn models_of(&self, id: &typify::TypeId) -> Vec<String> {
        use typify::TypeDetails as D;
        let Ok(ty) = self.space.get_type(id) else { return Vec::new() };
        let inner = |ids: &mut dyn Iterator<Item = typify::TypeId>| ids.flat_map(|i| self.models_of(&i)).collect();
        match ty.details() {
            D::Enum(_) | D::Struct(_) | D::Newtype(_) => vec![ty.name()],
            D::Option(i) | D::Vec(i) | D::Set(i) | D::Box(i) | D::Array(i, _) => self.models_of(&i),
            D::Map(key, value) => inner(&mut [key, value].into_iter()),
            D::Tuple(mut ids) => inner(&mut ids),
            D::Builtin(path) => path.strip_prefix("crate::models::").map(|n| vec![n.to_string()]).unwrap_or_default(),
            D::Unit | D::String => Vec::new(),
        }
    }

    /// Whether component `name` is a `BoolInt`-style enum (a `bool` in Rust).
    pub fn is_bool_int(&self, name: &str) -> bool {
        self.bool_ints.contains(name)
    }

    /// The names of every type defined.
    pub fn names(&self) -> BTreeSet<String> {
        self.space.iter_types().map(|t| t.name()).collect()
    }

    /// The `models.rs` items.
    pub fn tokens(&self) -> TokenStream {
        let enums = &self.integer_enums;
        let stream = self.space.to_stream();
        quote::quote! { #stream #(#enums)* }
    }
}

/// Runs `f`, turning an error or a panic into a message (the panic is not printed: it becomes
/// an error report). The panic hook is process-wide, so swapping it is serialised.
fn contained<T, E: std::fmt::Display>(f: impl FnOnce() -> std::result::Result<T, E>) -> std::result::Result<T, String> {
    static HOOK: Mutex<()> = Mutex::new(());
    let _guard = HOOK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(first_line(&e.to_string())),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into());
            Err(format!("panicked: {}", first_line(&message)))
        }
    }
}

/// typify's messages can carry a whole schema dump: the first line, at most 160 characters.
fn first_line(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    let short: String = first.chars().take(160).collect();
    if short.len() < message.len() { format!("{short} …") } else { short }
}

/// The component schema that makes typify fail (its pointer, and `in schema `name`: ` for the
/// message): each is tried alone, with the schemas it reaches.
fn schema_typify_fails_on(
    settings: &TypeSpaceSettings,
    schemas: &Map<String, Value>,
    defs: &[(String, schemars::schema::Schema)],
) -> (String, String) {
    let doc = json!({ "components": { "schemas": schemas } });
    for (name, _) in defs {
        let mut reached = BTreeSet::new();
        reach(&doc, &format!("#/components/schemas/{}", escape_segment(name)), &mut reached);
        let subset: Vec<_> = defs.iter().filter(|(n, _)| reached.contains(n)).cloned().collect();
        let mut alone = TypeSpace::new(settings);
        if contained(|| alone.add_ref_types(subset)).is_err() {
            return (format!("/components/schemas/{}", escape_segment(name)), format!("in schema `{name}`: "));
        }
    }
    (String::new(), String::new())
}

/// The names of the component schemas `reference` reaches, itself included.
fn reach(doc: &Value, reference: &str, reached: &mut BTreeSet<String>) {
    let name = last_segment(reference);
    if !reached.insert(name.into_owned()) {
        return;
    }
    let Some(node) = walk::resolve(doc, reference) else { return };
    let mut refs = Vec::new();
    walk::refs_below(node, "", &mut refs);
    for (_, r) in refs {
        reach(doc, &r, reached);
    }
}

/// An OpenAPI 3.0 schema (what the normaliser leaves) as the JSON Schema typify reads:
/// `nullable` becomes a `null` type member, boolean exclusive bounds become numeric ones,
/// the keys in `IGNORED` are dropped, and brackets in descriptions are escaped for rustdoc.
pub fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| !IGNORED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), if is_schema_container(k) { map_schemas(k, v) } else { v.clone() }))
                .collect();
            // Keys that must match a pattern: a map of any keys (as with `pattern` above, the
            // document describes good keys; it is no reason to refuse others).
            if let Some(Value::Object(patterns)) = out.remove("patternProperties")
                && let Some(schema) = patterns.values().next()
                && !out.contains_key("additionalProperties")
            {
                out.insert("additionalProperties".into(), schema.clone());
            }
            for key in ["description", "title"] {
                if let Some(Value::String(text)) = out.get(key) {
                    let escaped = super::text::escape_brackets(text);
                    out.insert(key.into(), Value::String(escaped));
                }
            }
            exclusive_bound(&mut out, "exclusiveMinimum", "minimum");
            exclusive_bound(&mut out, "exclusiveMaximum", "maximum");
            if map.get("nullable") == Some(&Value::Bool(true)) {
                return nullable(out);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Keys that are not JSON Schema (`example`, `nullable`: handled above) or that would make a
/// type refuse what a server sends: a string's `pattern` and length limits are the document's
/// description of good values, not a reason to fail a whole response (lenient decoding).
const IGNORED: &[&str] =
    &["example", "nullable", "xml", "externalDocs", "discriminator", "pattern", "minLength", "maxLength"];

/// Keys whose value holds schemas (a schema, a list or a map of them).
fn is_schema_container(key: &str) -> bool {
    matches!(
        key,
        "items" | "additionalProperties" | "not" | "allOf" | "oneOf" | "anyOf" | "properties" | "patternProperties"
    )
}

fn map_schemas(key: &str, value: &Value) -> Value {
    match (key, value) {
        ("properties" | "patternProperties", Value::Object(props)) => {
            Value::Object(props.iter().map(|(k, v)| (k.clone(), to_json_schema(v))).collect())
        }
        (_, Value::Array(list)) => Value::Array(list.iter().map(to_json_schema).collect()),
        (_, other) => to_json_schema(other),
    }
}

fn exclusive_bound(out: &mut Map<String, Value>, exclusive: &str, bound: &str) {
    match out.get(exclusive) {
        Some(Value::Bool(true)) => {
            if let Some(b) = out.remove(bound) {
                out.insert(exclusive.into(), b);
            } else {
                out.remove(exclusive);
            }
        }
        Some(Value::Bool(false)) => {
            out.remove(exclusive);
        }
        _ => {}
    }
}

fn nullable(mut out: Map<String, Value>) -> Value {
    match out.get("type").cloned() {
        Some(Value::String(t)) if !out.contains_key("enum") => {
            out.insert("type".into(), json!([t, "null"]));
            Value::Object(out)
        }
        _ => json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
    }
}

fn to_schemars(source: &Located<'_>, pointer: &str, schema: &Value) -> Result<schemars::schema::Schema> {
    serde_json::from_value(to_json_schema(schema)).map_err(|e| Error::Generator {
        location: source.locate(pointer),
        message: format!("the schema cannot be read as JSON Schema: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_a_null_member() {
        assert_eq!(to_json_schema(&json!({"type": "string", "nullable": true})), json!({"type": ["string", "null"]}));
        assert_eq!(
            to_json_schema(&json!({"$ref": "#/components/schemas/A", "nullable": true})),
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})
        );
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        assert_eq!(
            to_json_schema(&json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true})),
            json!({"type": "integer", "exclusiveMinimum": 1})
        );
    }

    #[test]
    fn nested_schemas_are_converted_and_examples_dropped() {
        let s = json!({"type": "object", "example": {}, "properties": {"a": {"type": "integer", "nullable": true}}});
        assert_eq!(to_json_schema(&s), json!({"type": "object", "properties": {"a": {"type": ["integer", "null"]}}}));
    }

    #[test]
    fn pattern_properties_become_a_map() {
        let s = json!({"type": "object", "patternProperties": {"^x-": {"type": "string"}}});
        assert_eq!(to_json_schema(&s), json!({"type": "object", "additionalProperties": {"type": "string"}}));
    }

    #[test]
    fn bool_ints_are_recognised() {
        assert!(is_bool_int(&json!({"type": "integer", "enum": [0, 1], "x-speakeasy-enums": [false, true]})));
        assert!(!is_bool_int(&json!({"type": "integer", "enum": [0, 1]})));
    }

    #[test]
    fn integer_enums_take_their_names_from_the_document_or_their_values() {
        let source = crate::openapi::parse("t.yaml", "openapi: 3.1.0\n".to_string()).unwrap();
        let render = |schema: Value| {
            let tokens =
                integer_enum(&Located::unchanged(&source), "/components/schemas/Kind", "Kind", &schema).unwrap();
            let text = tokens.to_string();
            text[text.find('{').unwrap_or(0)..].replace(' ', "")
        };
        let named = json!({"type": "integer", "enum": [1, 2], "x-speakeasy-enums": ["VIDEO", "TV_SHOW"]});
        assert_eq!(render(named), "{Video=1,TvShow=2}");
        // No names, names that are not identifiers, or fewer names than values: the values.
        assert_eq!(render(json!({"type": "integer", "enum": [-1, 42]})), "{ValueMinus1=-1,Value42=42}");
        let unusable = json!({"type": "integer", "enum": [0, 1], "x-speakeasy-enums": ["4K", "HD"]});
        assert_eq!(render(unusable), "{Value0=0,Value1=1}");
        assert!(is_integer_enum(&json!({"type": "integer", "enum": [1, 2]})));
        assert!(!is_integer_enum(&json!({"type": "integer", "enum": [0, 1], "x-speakeasy-enums": [false, true]})));
    }

    #[test]
    fn open_objects_include_the_schemas_that_merge_one() {
        let doc = json!({ "components": { "schemas": {
            "Item": { "type": "object", "additionalProperties": true, "properties": { "a": { "type": "string" } } },
            "List": { "type": "object", "properties": { "items": { "type": "array",
                "items": { "allOf": [{ "$ref": "#/components/schemas/Item" }, { "properties": { "b": {} } }] } } } },
            "Closed": { "type": "object", "properties": { "a": { "type": "string" } } } } } });
        let open: Vec<String> = open_objects(&doc).into_iter().collect();
        assert_eq!(open, ["Item", "ListItemsItem"]);
    }
}
