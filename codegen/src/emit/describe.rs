//! A plain-text outline of a generated SDK: the client's headers, each operation's Rust
//! signature and HTTP route, and each model's fields and variants with their wire names. It
//! holds no prose, so two documents that state the same facts outline the same. Snapshot
//! tests review it on every regeneration.

use std::fmt::Write;

use quote::ToTokens;

use super::file::GeneratedFile;
use super::models::serde_rename;
use crate::model::{Api, Success};

/// The outline of the SDK generated for `api` (`files` are its generated files).
pub fn describe(api: &Api, files: &[GeneratedFile]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "token header: {}", api.token_header.as_deref().unwrap_or("(none)"));
    let _ = writeln!(out, "client headers:");
    for g in &api.globals {
        let _ = writeln!(out, "  .{}(..) -> {}{}", g.rust_name, g.header, if g.required { " (required)" } else { "" });
    }
    for tag in &api.tags {
        let _ = writeln!(out, "\ntag {} -> client.{}()", tag.name, tag.module);
        for op in &tag.operations {
            let args: Vec<String> = op
                .params
                .iter()
                .filter(|p| p.required)
                .map(|p| format!("{}: {}", p.rust_name, p.ty.display()))
                .collect();
            let output = match &op.success {
                Success::Json { ty } => ty.display(),
                Success::Text => "String".to_string(),
                Success::Binary => "Binary".to_string(),
                Success::Unit => "()".to_string(),
                Success::Status { type_name, variants } => {
                    let v: Vec<String> = variants.iter().map(|(c, _)| c.to_string()).collect();
                    format!("{type_name} [{} | other 2XX]", v.join(", "))
                }
            };
            let _ = writeln!(out, "  {}({}) -> {output}", op.method_name, args.join(", "));
            let _ = writeln!(out, "    {} {} [{}]", op.http_method, op.path.raw, op.operation_id);
            for p in op.params.iter().filter(|p| !p.required) {
                let _ = writeln!(out, "    .{}({})", p.rust_name, p.ty.display());
            }
            for p in &op.params {
                let place = p.location.as_str();
                let _ = writeln!(out, "    param {} in {place}{}", p.name, if p.required { ", required" } else { "" });
            }
            let statuses: Vec<String> = op
                .responses
                .iter()
                .map(|r| {
                    if r.content_types.is_empty() {
                        r.status.clone()
                    } else {
                        format!("{} ({})", r.status, r.content_types.join(", "))
                    }
                })
                .collect();
            let _ = writeln!(out, "    responses: {}", statuses.join("; "));
            let _ = writeln!(out, "    accept: {}", op.accept);
        }
    }
    if let Some(models) = files.iter().find(|f| f.path.ends_with("/models.rs")) {
        let _ = writeln!(out, "\nmodels:");
        if let Ok(file) = syn::parse_file(&models.contents) {
            // By name, so the outline does not depend on the order typify emits types in.
            let mut items: Vec<String> = file
                .items
                .iter()
                .map(|item| {
                    let mut text = String::new();
                    describe_item(item, &mut text);
                    text
                })
                .filter(|t| !t.is_empty())
                .collect();
            items.sort_by_key(|t| t.split_whitespace().nth(1).map(str::to_string));
            out.extend(items);
        }
    }
    out
}

/// A type as short text: `Option<Vec<Item>>` rather than `::std::option::Option<...>`.
fn short_type(ty: &syn::Type) -> String {
    crate::model::display_type(&ty.to_token_stream().to_string())
}

fn describe_item(item: &syn::Item, out: &mut String) {
    match item {
        syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
            let _ = writeln!(out, "  struct {}", s.ident);
            for field in &s.fields {
                let name = field.ident.as_ref().map(|i| i.to_string()).unwrap_or_else(|| "0".into());
                let wire = serde_rename(&field.attrs).unwrap_or_else(|| name.clone());
                let _ = writeln!(out, "    {name}: {} \"{wire}\"", short_type(&field.ty));
            }
        }
        syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
            let _ = writeln!(out, "  enum {}", e.ident);
            for v in &e.variants {
                let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
                let _ = writeln!(out, "    {} \"{wire}\"", v.ident);
            }
        }
        syn::Item::Macro(m) if is_open_enum(m) => {
            describe_open_enum(&m.mac.tokens, out);
        }
        _ => {}
    }
}

/// The public types a generated `models.rs` defines: structs, enums and open enums, in nested
/// modules too (what callers can name as `models::…`). Empty when `source` is not Rust.
pub fn model_type_names(source: &str) -> std::collections::BTreeSet<String> {
    fn collect(items: &[syn::Item], names: &mut std::collections::BTreeSet<String>) {
        for item in items {
            match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    names.insert(s.ident.to_string());
                }
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    names.insert(e.ident.to_string());
                }
                syn::Item::Mod(m) => collect(m.content.as_ref().map_or(&[][..], |(_, items)| items), names),
                syn::Item::Macro(m) if is_open_enum(m) => {
                    names.extend(open_enum_name(&m.mac.tokens).map(|(name, _)| name.to_string()));
                }
                _ => {}
            }
        }
    }
    let mut names = std::collections::BTreeSet::new();
    if let Ok(file) = syn::parse_file(source) {
        collect(&file.items, &mut names);
    }
    names
}

fn is_open_enum(m: &syn::ItemMacro) -> bool {
    m.mac.path.segments.last().is_some_and(|s| s.ident == "open_enum")
}

/// The name an `open_enum! { … enum Name: kind { … } }` defines, and the tokens from `enum` on.
fn open_enum_name(tokens: &proc_macro2::TokenStream) -> Option<(proc_macro2::Ident, Vec<proc_macro2::TokenTree>)> {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let at = trees.iter().position(|t| matches!(t, TokenTree::Ident(i) if i == "enum"))?;
    match trees.get(at + 1) {
        Some(TokenTree::Ident(name)) => Some((name.clone(), trees[at..].to_vec())),
        _ => None,
    }
}

/// An `open_enum! { … enum Name: string { Variant = "wire", … } }` as an enum with its variants.
fn describe_open_enum(tokens: &proc_macro2::TokenStream, out: &mut String) {
    use proc_macro2::TokenTree;
    let Some((name, trees)) = open_enum_name(tokens) else { return };
    let _ = writeln!(out, "  enum {name}");
    let Some(TokenTree::Group(body)) = trees.iter().find(|t| matches!(t, TokenTree::Group(_))) else { return };
    let body: Vec<TokenTree> = body.stream().into_iter().collect();
    for (i, window) in body.windows(3).enumerate() {
        let [TokenTree::Ident(variant), TokenTree::Punct(eq), value] = window else { continue };
        // An integer enum's wire value may be negative: `ValueMinus1 = -1`.
        let wire = match (value, body.get(i + 3)) {
            (TokenTree::Literal(wire), _) => wire.to_string(),
            (TokenTree::Punct(minus), Some(TokenTree::Literal(wire))) if minus.as_char() == '-' => format!("-{wire}"),
            _ => continue,
        };
        if eq.as_char() == '=' {
            let _ = writeln!(out, "    {variant} \"{}\"", wire.trim_matches('"'));
        }
    }
}
