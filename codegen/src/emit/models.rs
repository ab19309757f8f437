//! Post-processing of the models typify generated (see [`crate::model::Types`]), on the syntax
//! tree: undocumented items get their wire name as doc, two fields whose wire names differ
//! only in case get distinct Rust names, boolean, integer and number fields decode
//! through plex-sdk's lenient decoders, a missing field takes its default outside `strict`,
//! and open schemas keep the properties they do not list (the rules: [`make_lenient`]).

use std::collections::{BTreeMap, BTreeSet};

/// What the emitter needs to know of the generated models: enum variants with their wire
/// values, and which names are structs (for links).
#[derive(Debug, Default, Clone)]
pub struct ModelIndex {
    /// Enum name → (variant, wire value), in order.
    pub enums: BTreeMap<String, Vec<(String, String)>>,
    /// Struct names.
    pub structs: BTreeSet<String>,
}

impl ModelIndex {
    /// The variant of enum `name` whose wire value is `wire`.
    pub fn variant(&self, name: &str, wire: &str) -> Option<&str> {
        self.enums.get(name)?.iter().find(|(_, w)| w == wire).map(|(v, _)| v.as_str())
    }
}

/// The entries of an item's `#[serde(..)]` attributes: each name with its string value
/// (`rename = "x"` → `("rename", Some("x"))`, `default` → `("default", None)`).
fn serde_entries(attrs: &[syn::Attribute]) -> Vec<(String, Option<String>)> {
    let mut entries = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let name = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            let mut value = None;
            if meta.input.peek(syn::Token![=]) {
                if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = meta.value()?.parse()? {
                    value = Some(s.value());
                }
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
                let _: proc_macro2::TokenStream = _content.parse()?;
            }
            entries.push((name, value));
            Ok(())
        });
    }
    entries
}

/// The `rename = "..."` of a `#[serde(..)]` attribute list, if any.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_entries(attrs).into_iter().find(|(name, _)| name == "rename").and_then(|(_, value)| value)
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// Puts `#[doc = " text"]` first among `attrs` (built, not parsed: the models have thousands).
fn add_doc(attrs: &mut Vec<syn::Attribute>, text: &str) {
    let span = proc_macro2::Span::call_site();
    let value = syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::Str(syn::LitStr::new(&format!(" {text}"), span)),
    });
    let meta = syn::MetaNameValue { path: syn::Ident::new("doc", span).into(), eq_token: Default::default(), value };
    let attr = syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::NameValue(meta),
    };
    attrs.insert(0, attr);
}

/// Documents what typify left undocumented (fields and variants the document gives no
/// description: their wire name is what there is to say), so the crate can deny missing
/// docs, and indexes the models.
/// `open` names the structs whose schema allows fields it does not list (see
/// [`make_lenient`]).
pub fn document_and_index(file: &mut syn::File, open: &BTreeSet<String>) -> ModelIndex {
    let mut index = ModelIndex::default();
    let defaults = derive_defaults(file);
    let mut attrs = Attributes::default();
    for item in &mut file.items {
        match item {
            syn::Item::Struct(s) => {
                index.structs.insert(s.ident.to_string());
                separate_case_collisions(s);
                make_lenient(s, &defaults, open.contains(&s.ident.to_string()), &mut attrs);
                if !has_doc(&s.attrs) {
                    add_doc(&mut s.attrs, &format!("`{}`.", s.ident));
                }
                for field in s.fields.iter_mut() {
                    if has_doc(&field.attrs) {
                        continue;
                    }
                    match serde_rename(&field.attrs).or_else(|| field.ident.as_ref().map(|i| i.to_string())) {
                        Some(wire) => add_doc(&mut field.attrs, &format!("The `{wire}` field.")),
                        None => add_doc(&mut field.attrs, "The value, as the document types it."),
                    }
                }
            }
            syn::Item::Enum(e) => {
                if !has_doc(&e.attrs) {
                    add_doc(&mut e.attrs, &format!("`{}`.", e.ident));
                }
                let mut variants = Vec::new();
                for v in e.variants.iter_mut() {
                    let wire = wire_value(v);
                    if !has_doc(&v.attrs) {
                        add_doc(&mut v.attrs, &format!("`{wire}`"));
                    }
                    variants.push((v.ident.to_string(), wire));
                }
                index.enums.insert(e.ident.to_string(), variants);
            }
            _ => {}
        }
    }
    index
}

/// The models name the integer enums the type step defines by their crate path
/// (`crate::models::MediaType`, the path typify is given for them); inside the models module
/// that is just `MediaType`, as for typify's own types.
pub fn local_model_paths(file: &mut syn::File) {
    struct Local;
    impl syn::visit_mut::VisitMut for Local {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let local =
                path.segments.len() == 3 && path.segments[0].ident == "crate" && path.segments[1].ident == "models";
            if path.leading_colon.is_none() && local {
                let last = path.segments.pop();
                path.segments = last.into_iter().collect();
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut Local, file);
}

/// The last segment of a type path and its generic arguments (`::std::option::Option<T>` →
/// `("Option", [T])`).
fn last_segment(ty: &syn::Type) -> Option<(String, Vec<&syn::Type>)> {
    let syn::Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    let args = match &segment.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((segment.ident.to_string(), args))
}

/// The lenient decoder (in plex-sdk's `lenient` module) for a field of type `ty`, and whether
/// the field is optional.
/// Whether `ty` is `crate::contract::BoolInt` (the type step's `BoolInt`), by its whole path.
fn is_contract_bool_int(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    names == ["crate", "contract", "BoolInt"]
}

fn lenient_decoder(ty: &syn::Type) -> Option<(&'static str, bool)> {
    let (name, args) = last_segment(ty)?;
    let (inner_ty, optional) = match (name.as_str(), args.as_slice()) {
        ("Option", [inner]) => (*inner, true),
        _ => (ty, false),
    };
    let inner = last_segment(inner_ty)?.0;
    let decoder = match inner.as_str() {
        "bool" => "bool",
        // The contract's alias of `bool`, not a model of the document that is named so.
        "BoolInt" if is_contract_bool_int(inner_ty) => "bool_int",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "isize" | "usize" => "integer",
        "f64" => "number",
        "f32" => "number_f32",
        "String" => "string",
        _ => return None,
    };
    Some((decoder, optional))
}

/// Which models have a `Default` to stand in for a missing required field, deriving it where
/// typify did not but every field has one (a struct of optional fields and defaults, a
/// newtype of an integer): value enums (open enums define theirs), structs that derive it,
/// and those this adds it to, until nothing changes.
fn derive_defaults(file: &mut syn::File) -> BTreeSet<String> {
    let mut defaults: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) if is_value_enum(e) => Some(e.ident.to_string()),
            syn::Item::Struct(s) if derives(&s.attrs, "Default") => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    loop {
        let mut changed = false;
        for item in &mut file.items {
            let syn::Item::Struct(s) = item else { continue };
            if defaults.contains(&s.ident.to_string()) || s.fields.is_empty() {
                continue;
            }
            let all = s.fields.iter().all(|f| optional(&f.ty) || has_default(&f.ty, &defaults));
            if all && let Some(derive) = s.attrs.iter_mut().find(|a| a.path().is_ident("derive")) {
                add_derive(derive, "Default");
                defaults.insert(s.ident.to_string());
                changed = true;
            }
        }
        if !changed {
            return defaults;
        }
    }
}

/// Whether a `#[derive(..)]` among `attrs` names `what`.
fn derives(attrs: &[syn::Attribute], what: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .is_ok_and(|paths| paths.iter().any(|p| p.segments.last().is_some_and(|s| s.ident == what)))
    })
}

/// `#[derive(A, B)]` → `#[derive(A, B, what)]`.
fn add_derive(attr: &mut syn::Attribute, what: &str) {
    let Ok(mut paths) =
        attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
    else {
        return;
    };
    paths.push(syn::Ident::new(what, proc_macro2::Span::call_site()).into());
    *attr = syn::parse_quote!(#[derive(#paths)]);
}

/// Whether a field type is an `Option`.
fn optional(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|(name, _)| name == "Option")
}

/// Whether a (non-optional) field type has a `Default` to stand in for a missing value: a
/// standard type that has one, or a model in `models` (see [`derive_defaults`]).
fn has_default(ty: &syn::Type, models: &BTreeSet<String>) -> bool {
    let Some((name, _)) = last_segment(ty) else { return false };
    models.contains(&name)
        || matches!(
            name.as_str(),
            "String"
                | "Vec"
                | "Map"
                | "BTreeMap"
                | "HashMap"
                | "bool"
                | "i8"
                | "i16"
                | "i32"
                | "i64"
                | "u8"
                | "u16"
                | "u32"
                | "u64"
                | "f32"
                | "f64"
                // chrono's epoch and uuid's nil
                | "DateTime"
                | "NaiveDate"
                | "NaiveDateTime"
                | "Uuid"
        )
}

/// The names inside a `#[serde(..)]` attribute (`default`, `deny_unknown_fields`, `rename`...).
fn serde_words(attrs: &[syn::Attribute]) -> BTreeSet<String> {
    serde_entries(attrs).into_iter().map(|(name, _)| name).collect()
}

/// The models' decoding rules, one place for all of them (plex-sdk's `lenient` module documents
/// them for users):
///
/// - **Loose values**: boolean, integer, number and string fields decode through plex-sdk's
///   lenient decoders (Plex sends `0`/`1` for booleans and strings for numbers).
/// - **A missing field never fails an answer outside `strict`**: every field without a default
///   of its own is marked `#[cfg_attr(not(feature = "strict"), serde(default))]`, required
///   ones included, nullable required ones too (they are `Option`s and become `None`). Every
///   field type of the models has a `Default` (see [`has_default`] and [`derive_defaults`]:
///   a date-time's is the Unix epoch); under `strict` a missing required field is an error.
/// - **Nothing the server sent is lost**: an `open` schema (`additionalProperties: true`, or one
///   that merges such a schema: the document expects fields it does not list) keeps the
///   properties it does not list in a flattened catch-all map (see [`add_catch_all`]), in every
///   mode; any other schema ignores them outside `strict` and refuses them under it
///   (`deny_unknown_fields`; serde cannot flatten and deny at once, and an open schema never
///   denies).
///
/// `attrs` holds the attributes added so far, parsed once each.
pub fn make_lenient(s: &mut syn::ItemStruct, defaults: &BTreeSet<String>, open: bool, attrs: &mut Attributes) {
    let words = serde_words(&s.attrs);
    let named = matches!(s.fields, syn::Fields::Named(_));
    if named && !open && !words.contains("deny_unknown_fields") && !words.contains("transparent") {
        s.attrs.push(attrs.get("#[cfg_attr(feature = \"strict\", serde(deny_unknown_fields))]"));
    }
    for field in s.fields.iter_mut() {
        let field_words = serde_words(&field.attrs);
        // typify's own decoder (a required field that may be null) stays.
        let decoder = if field_words.contains("deserialize_with") { None } else { lenient_decoder(&field.ty) };
        // An optional field given a lenient decoder takes `default` with it, in every mode.
        let defaulted = field_words.contains("default") || decoder.is_some_and(|(_, optional)| optional);
        // serde makes a missing `Option` `None` by itself, unless a decoder of its own reads it
        // (typify's, for a required field that may be null).
        let needs = if optional(&field.ty) {
            field_words.contains("deserialize_with")
        } else {
            has_default(&field.ty, defaults)
        };
        if named && !defaulted && needs {
            // A field the server left out takes its type's default (`None` for an `Option`),
            // outside `strict`.
            field.attrs.push(attrs.get("#[cfg_attr(not(feature = \"strict\"), serde(default))]"));
        }
        let Some((decoder, optional)) = decoder else { continue };
        let default = if optional && !field_words.contains("default") { "default, " } else { "" };
        let attr = if decoder == "bool_int" {
            // Read as any boolean, written back as the 1/0 the document uses.
            let (read, write) = if optional { ("opt_bool", "write_opt_bool_int") } else { ("bool", "write_bool_int") };
            format!(
                "#[serde({default}deserialize_with = \"crate::contract::lenient::{read}\", serialize_with = \"crate::contract::lenient::{write}\")]"
            )
        } else {
            let read = if optional { format!("opt_{decoder}") } else { decoder.to_string() };
            format!("#[serde({default}deserialize_with = \"crate::contract::lenient::{read}\")]")
        };
        field.attrs.push(attrs.get(&attr));
    }
    if named && open {
        add_catch_all(s);
    }
}

/// The Rust name of an open struct's catch-all: `additional_properties` (the OpenAPI keyword
/// whose `true` makes it), or with `_map` appended as often as needed when the struct already
/// has a field of that name. The field is flattened, so it has no wire name of its own and
/// cannot collide with a property.
fn catch_all_name(s: &syn::ItemStruct) -> syn::Ident {
    let taken: BTreeSet<String> = s
        .fields
        .iter()
        .filter_map(|f| f.ident.as_ref())
        .map(|i| i.to_string().trim_start_matches("r#").to_string())
        .collect();
    let mut name = String::from("additional_properties");
    while taken.contains(&name) {
        name.push_str("_map");
    }
    syn::Ident::new(&name, proc_macro2::Span::call_site())
}

/// Appends the catch-all of an open struct: `#[serde(flatten)] pub additional_properties:
/// BTreeMap<String, serde_json::Value>`. Decoding puts there every property the struct does not
/// list (serde hands a flattened field the keys no other field takes), with its JSON value as
/// sent; encoding writes them back after the listed fields, unchanged, so a decode → encode
/// round trip keeps every property. A key put there by hand that is also a listed property's
/// wire name would be written twice: the listed field is the one to set.
fn add_catch_all(s: &mut syn::ItemStruct) {
    let ident = catch_all_name(s);
    let syn::Fields::Named(fields) = &mut s.fields else { return };
    let field: syn::Field = syn::parse_quote! {
        /// The properties the server sent that this type does not list (its schema allows them),
        /// by wire name, as JSON values. They are written back unchanged when the value is
        /// encoded, so nothing the server sent is lost; set a listed property through its own
        /// field, never here.
        #[serde(flatten)]
        pub #ident: ::std::collections::BTreeMap<::std::string::String, ::serde_json::Value>
    };
    fields.named.push(field);
}

/// Attributes by their source text, each parsed once (the models add the same few thousands
/// of times).
#[derive(Default)]
pub struct Attributes(BTreeMap<String, syn::Attribute>);

impl Attributes {
    /// The attribute `text` (one outer attribute, written by this module).
    fn get(&mut self, text: &str) -> syn::Attribute {
        if let Some(attr) = self.0.get(text) {
            return attr.clone();
        }
        let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, text)
            .ok()
            .and_then(|mut list| list.pop())
            .unwrap_or_else(|| panic!("the models step writes valid attributes: {text}"));
        self.0.insert(text.to_string(), parsed.clone());
        parsed
    }
}

/// Two properties whose names differ only in case (`Guid`, a list of external ids, and
/// `guid`, the item's own) become the same Rust field name; the one whose wire name starts
/// with a capital letter (Plex's child elements) gets `_list` appended, so both are kept.
/// Deterministic: it depends only on the two wire names.
pub fn separate_case_collisions(s: &mut syn::ItemStruct) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for field in s.fields.iter() {
        if let Some(ident) = &field.ident {
            *seen.entry(ident.to_string()).or_default() += 1;
        }
    }
    for field in s.fields.iter_mut() {
        let Some(ident) = field.ident.clone() else { continue };
        if seen.get(&ident.to_string()).is_none_or(|n| *n < 2) {
            continue;
        }
        let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
        if wire.starts_with(|c: char| c.is_ascii_uppercase()) {
            let renamed = format!("{}_list", ident.to_string().trim_start_matches("r#"));
            field.ident = Some(proc_macro2::Ident::new(&renamed, ident.span()));
            let note = format!(" Wire name `{wire}` (a Rust name of its own: another field's differs only in case).");
            field.attrs.push(syn::parse_quote!(#[doc = #note]));
        }
    }
}

/// The type an item defines or implements (`struct X`, `impl From<&X> for X` → `X`).
fn item_type(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Impl(i) => last_segment(&i.self_ty).map(|(name, _)| name),
        syn::Item::Macro(m) if is_open_enum(m) => {
            syn::parse2::<OpenEnum>(m.mac.tokens.clone()).ok().map(|o| o.item.ident.to_string())
        }
        _ => None,
    }
}

/// The names an item's paths end in (the types its fields, variants and impls mention).
fn mentions(item: &syn::Item) -> BTreeSet<String> {
    struct Names(BTreeSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if let Some(last) = path.segments.last() {
                self.0.insert(last.ident.to_string());
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut names = Names(BTreeSet::new());
    syn::visit::Visit::visit_item(&mut names, item);
    names.0
}

/// Puts each model behind the cargo features of the groups that use it (`roots`: group →
/// the model names its operations name), following the types each model mentions; a model
/// every group uses stays ungated, one no operation uses is behind `full`. A build with one
/// group then compiles only the models that group needs.
///
/// The `cfg` is written once per type, on the type: a type that has impls of its own (typify
/// writes `Display`, `FromStr`, `From`… for newtypes and untagged enums), and every type it
/// names, is not gated, so no impl carries a copy of the feature list. Those types are small;
/// open enums keep their impls inside their `open_enum!` and are gated like any model.
pub fn gate_by_group(file: &mut syn::File, roots: &BTreeMap<String, BTreeSet<String>>) {
    let users = users_by_type(file, roots);
    let ungated = with_impls(file);
    for item in &mut file.items {
        let Some(name) = item_type(item) else { continue };
        if matches!(item, syn::Item::Impl(_)) || ungated.contains(&name) {
            continue;
        }
        let groups = users.get(&name).cloned().unwrap_or_default();
        let attr: syn::Attribute = if groups.len() == roots.len() {
            continue;
        } else if groups.is_empty() {
            syn::parse_quote!(#[cfg(feature = "full")])
        } else {
            let features = groups.iter().map(|g| quote::quote!(feature = #g));
            syn::parse_quote!(#[cfg(any(#(#features),*))])
        };
        if let Some(attrs) = item_attrs(item) {
            attrs.insert(0, attr);
        }
    }
}

/// The types that have impls in `file`, and every type they name, transitively.
fn with_impls(file: &syn::File) -> BTreeSet<String> {
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in file.items.iter().filter(|i| !matches!(i, syn::Item::Impl(_))) {
        if let Some(name) = item_type(item) {
            named.entry(name).or_default().extend(mentions(item));
        }
    }
    let mut stack: Vec<String> =
        file.items.iter().filter(|i| matches!(i, syn::Item::Impl(_))).filter_map(item_type).collect();
    let mut out = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if let Some(next) = named.get(&name)
            && out.insert(name)
        {
            stack.extend(next.iter().cloned());
        }
    }
    out
}

/// The groups that use each model: from each group's roots, through the types each model
/// mentions.
fn users_by_type<'a>(
    file: &syn::File,
    roots: &'a BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, BTreeSet<&'a str>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &file.items {
        if let Some(name) = item_type(item) {
            edges.entry(name).or_default().extend(mentions(item));
        }
    }
    let mut users: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (group, names) in roots {
        let mut stack: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if !edges.contains_key(name) || !seen.insert(name) {
                continue;
            }
            users.entry(name.to_string()).or_default().insert(group.as_str());
            stack.extend(edges[name].iter().map(String::as_str));
        }
    }
    users
}

/// The attributes of the items the models file holds.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(s) => Some(&mut s.attrs),
        syn::Item::Enum(e) => Some(&mut e.attrs),
        syn::Item::Type(t) => Some(&mut t.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Macro(m) => Some(&mut m.attrs),
        _ => None,
    }
}

/// A value enum variant's wire value: its discriminant (integer enums, which the type step
/// defines as `Video = 1`), else its serde name, else its identifier.
fn wire_value(v: &syn::Variant) -> String {
    match &v.discriminant {
        Some((_, value)) => quote::ToTokens::to_token_stream(value).to_string().replace(' ', ""),
        None => serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string()),
    }
}

/// Whether an enum is a plain value enum (every variant a unit variant with a wire name).
fn is_value_enum(e: &syn::ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, syn::Fields::Unit))
}

/// Makes every value enum typify generated an open enum: the same variants, defined with
/// plex-sdk's `open_enum!` (an unknown value is kept in `Unknown(String)`, or `Unknown(i64)`
/// for the integer enums the type step defines, the enum is
/// `#[non_exhaustive]`), so a value a server adds later decodes instead of failing the whole
/// response. typify's own impls of those enums (`Display`, `FromStr`, `TryFrom`...) are
/// replaced by the macro's.
pub fn open_enums(file: &mut syn::File) {
    let open: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) if is_value_enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    file.items
        .retain(|item| !matches!(item, syn::Item::Impl(_)) || !item_type(item).is_some_and(|t| open.contains(&t)));
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        if !open.contains(&e.ident.to_string()) {
            continue;
        }
        let keep: Vec<&syn::Attribute> =
            e.attrs.iter().filter(|a| a.path().is_ident("doc") || a.path().is_ident("cfg")).collect();
        let (vis, name) = (&e.vis, &e.ident);
        let integer = e.variants.iter().any(|v| v.discriminant.is_some());
        let variants = e.variants.iter().map(|v| {
            let docs = v.attrs.iter().filter(|a| a.path().is_ident("doc"));
            // `Unknown(..)` is the open enum's own: a documented value named so is renamed.
            let ident = if v.ident == "Unknown" { quote::format_ident!("UnknownValue") } else { v.ident.clone() };
            match &v.discriminant {
                Some((_, value)) => quote::quote! { #(#docs)* #ident = #value },
                None => {
                    let wire = wire_value(v);
                    quote::quote! { #(#docs)* #ident = #wire }
                }
            }
        });
        let cfg = e.attrs.iter().filter(|a| a.path().is_ident("cfg"));
        let kind = if integer { quote::format_ident!("integer") } else { quote::format_ident!("string") };
        *item = syn::parse_quote! {
            #(#cfg)*
            crate::contract::open_enum! {
                #(#keep)*
                #vis enum #name: #kind { #(#variants),* }
            }
        };
    }
}

/// Whether `m` invokes `open_enum!`.
fn is_open_enum(m: &syn::ItemMacro) -> bool {
    m.mac.path.segments.last().is_some_and(|s| s.ident == "open_enum")
}

/// The input of one `open_enum!` invocation, as [`open_enums`] writes it:
/// `#[attrs] pub enum Name: kind { Variant = value, .. }`.
struct OpenEnum {
    item: syn::ItemEnum,
    kind: syn::Ident,
}

impl syn::parse::Parse for OpenEnum {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis = input.parse()?;
        let enum_token = input.parse()?;
        let ident = input.parse()?;
        let _: syn::Token![:] = input.parse()?;
        let kind = input.parse()?;
        let content;
        let brace_token = syn::braced!(content in input);
        let variants = content.parse_terminated(syn::Variant::parse, syn::Token![,])?;
        let generics = syn::Generics::default();
        let item = syn::ItemEnum { attrs, vis, enum_token, ident, generics, brace_token, variants };
        Ok(OpenEnum { item, kind })
    }
}

impl OpenEnum {
    /// The invocation laid out as rustfmt would lay out the enum it stands for: a doc line
    /// and a variant per line, so that a value added to the document is a line added here.
    fn layout(&self) -> String {
        let item = &self.item;
        let mut file: syn::File = syn::parse_quote!(#item);
        super::file::tidy_docs(&mut file);
        let name = &self.item.ident;
        let text = prettyplease::unparse(&file).replacen(
            &format!("enum {name} {{"),
            &format!("enum {name}: {} {{", self.kind),
            1,
        );
        let mut out = String::from("crate::contract::open_enum! {\n");
        for line in text.lines() {
            if !line.is_empty() {
                out.push_str("    ");
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('}');
        out
    }
}

/// Formats the models file (see [`super::file::format_syn_file`]), each `open_enum!` laid out a
/// variant per line, as rustfmt lays out an enum (prettyplease prints a macro's input as one
/// paragraph of tokens, so a changed value would rewrap the whole enum in a diff).
pub fn format_models(
    path: &str,
    spec_label: &str,
    mut file: syn::File,
) -> crate::error::Result<super::file::GeneratedFile> {
    let mut layouts = Vec::new();
    for item in &mut file.items {
        let syn::Item::Macro(m) = item else { continue };
        if !is_open_enum(m) {
            continue;
        }
        let Ok(open) = syn::parse2::<OpenEnum>(m.mac.tokens.clone()) else { continue };
        let marker = quote::format_ident!("__open_enum_layout_{}", layouts.len());
        layouts.push((format!("{marker}!();"), open.layout()));
        m.mac = syn::parse_quote!(#marker!());
        m.semi_token = Some(Default::default());
    }
    let mut formatted = super::file::format_syn_file(path, spec_label, &file)?;
    if !layouts.is_empty() {
        let mut layouts: BTreeMap<String, String> = layouts.into_iter().collect();
        let mut out = String::with_capacity(formatted.contents.len() + formatted.contents.len() / 4);
        let mut lines = formatted.contents.lines().peekable();
        while let Some(line) = lines.next() {
            let Some(layout) = layouts.remove(line) else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            out.push_str(&layout);
            out.push('\n');
            // A blank line after the item, as after every other (see `space_out_items`).
            if lines.peek().is_some_and(|next| !next.is_empty()) {
                out.push('\n');
            }
        }
        formatted.contents = out;
    }
    Ok(formatted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// typify's enum, made open and formatted as the models file is.
    fn formatted(enum_item: syn::ItemEnum) -> String {
        let mut file: syn::File = syn::parse_quote! {
            #enum_item
            pub struct After;
        };
        open_enums(&mut file);
        format_models("models.rs", "doc.yaml", file).unwrap().contents
    }

    #[test]
    fn open_enums_are_laid_out_a_variant_per_line() {
        let text = formatted(syn::parse_quote! {
            #[doc = "How a stream is used."]
            #[doc = "Its values:\n\n- video: a picture\n- audio: a sound"]
            #[derive(Clone, Copy)]
            pub enum Kind {
                #[doc = " `video`"]
                #[serde(rename = "video")]
                Video,
                #[serde(rename = "audio")]
                Audio,
            }
        });
        let expected = "crate::contract::open_enum! {\n    /// How a stream is used.\n    /// Its values:\n    ///\n    /// - video: a picture\n    /// - audio: a sound\n    pub enum Kind: string {\n        \
                        /// `video`\n        Video = \"video\",\n        Audio = \"audio\",\n    }\n}\n\npub struct After;\n";
        assert!(text.ends_with(expected), "{text}");
        // The layout changes whitespace and splits docs into lines only: the invocation's tokens
        // are the ones built.
        let reparsed: syn::File = syn::parse_str(&text).unwrap();
        let mut built: syn::File = syn::parse_quote! {
            #[doc = "How a stream is used."]
            #[doc = "Its values:\n\n- video: a picture\n- audio: a sound"]
            pub enum Kind { #[doc = " `video`"] #[serde(rename = "video")] Video, #[serde(rename = "audio")] Audio }
            pub struct After;
        };
        open_enums(&mut built);
        assert_eq!(invocation(&reparsed), invocation(&built));
    }

    /// The first `open_enum!` input of `file`, as tokens (the layout adds a trailing comma).
    fn invocation(file: &syn::File) -> String {
        let Some(syn::Item::Macro(m)) = file.items.first() else { panic!("no invocation first") };
        let mut open: OpenEnum = syn::parse2(m.mac.tokens.clone()).unwrap();
        open.item.variants.pop_punct();
        let item = &open.item;
        let mut tidy: syn::File = syn::parse_quote!(#item);
        super::super::file::tidy_docs(&mut tidy);
        format!("{} : {}", quote::ToTokens::to_token_stream(&tidy), open.kind)
    }

    #[test]
    fn integer_open_enums_keep_their_values() {
        let text = formatted(syn::parse_quote! {
            pub enum Flavor { Value0 = 0, ValueMinus1 = -1 }
        });
        assert!(
            text.contains("    pub enum Flavor: integer {\n        Value0 = 0,\n        ValueMinus1 = -1,\n    }\n"),
            "{text}"
        );
    }

    /// `make_lenient` on one struct, as the models step runs it (`defaults`: the models that
    /// have a `Default`).
    fn lenient(mut s: syn::ItemStruct, open: bool) -> String {
        let defaults: BTreeSet<String> = ["Nested".to_string()].into();
        make_lenient(&mut s, &defaults, open, &mut Attributes::default());
        prettyplease::unparse(&syn::parse_quote!(#s))
    }

    #[test]
    fn a_missing_field_takes_its_default_outside_strict_required_and_nullable_ones_too() {
        let text = lenient(
            syn::parse_quote! {
                pub struct Service {
                    pub identifier: ::std::string::String,
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub secret: ::std::option::Option<::std::string::String>,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub status: ::std::option::Option<Nested>,
                    pub nested: Nested,
                    pub plain: ::std::option::Option<::serde_json::Value>,
                }
            },
            false,
        );
        let default = "#[cfg_attr(not(feature = \"strict\"), serde(default))]";
        // The required string, the required nullable `Option` (typify's own decoder reads it, so
        // serde would not make it `None`) and the required model; not the optional ones, which
        // serde makes `None` by itself or which say `default` already.
        assert_eq!(text.matches(default).count(), 3, "{text}");
        let secret = text.find("pub secret").unwrap();
        assert!(text[..secret].rfind(default).unwrap() > text.find("pub identifier").unwrap(), "{text}");
        assert!(text.contains("#[cfg_attr(feature = \"strict\", serde(deny_unknown_fields))]"), "{text}");
        assert!(!text.contains("flatten"), "a closed schema has no catch-all: {text}");
    }

    #[test]
    fn an_open_struct_keeps_what_it_does_not_list_in_a_catch_all_that_never_collides() {
        let text = lenient(syn::parse_quote! { pub struct Item { pub key: ::std::string::String } }, true);
        assert!(
            text.contains("#[serde(flatten)]\n    pub additional_properties: ::std::collections::BTreeMap<"),
            "{text}"
        );
        assert!(!text.contains("deny_unknown_fields"), "serde cannot flatten and deny: {text}");
        let taken = lenient(
            syn::parse_quote! {
                pub struct Item {
                    pub additional_properties: ::std::string::String,
                    pub additional_properties_map: i64,
                }
            },
            true,
        );
        assert!(taken.contains("pub additional_properties_map_map: ::std::collections::BTreeMap<"), "{taken}");
    }
}
