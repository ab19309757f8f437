//! The Prism suite (`tests/prism/main.rs` of the generated crate): every operation called
//! with its required arguments (examples, else values of their types) against Stoplight
//! Prism mocking the document (`.ci/run` gives it spec/), which validates each request; the SDK then decodes
//! Prism's answer. Two tests, one per Prism mode: static (`PLEX_PRISM_URL`, answers from the
//! document's examples) and dynamic (`PLEX_PRISM_DYNAMIC_URL`, answers made from the
//! schemas). Each prints `prism accepted N of M operations` and names every refusal and
//! every answer the SDK could not decode.

use std::fmt::Write;

use serde_json::Value;

use super::conformance::{Arg, Sources, arg, call_expr, enum_uses};
use super::docs;
use super::file::GeneratedFile;
use super::models::ModelIndex;
use crate::error::Result;
use crate::model::{Api, BodyKind, Location, Operation, Param, Shape, Success, Tag};
use crate::names::ident;

/// Where the suite goes in the generated crate.
pub const PATH: &str = "tests/prism/main.rs";

/// The suite's fixed part: the peer, the proxy for plex.tv's servers, the tally.
const SUPPORT: &str = include_str!("prism_support.rs.in");

/// The suite's file.
pub fn emit(api: &Api, index: &ModelIndex, doc: &Value, spec_label: &str) -> Result<GeneratedFile> {
    let sources = Sources::new(doc);
    let total: usize = api.tags.iter().map(|t| t.operations.len()).sum();
    let mut out = format!(
        "//! Every operation of {spec_label} ({total}) against Stoplight Prism mocking the same\n\
         //! document, which validates each request; the SDK decodes each answer. `.ci/run` starts\n\
         //! Prism twice and sets `PLEX_PRISM_URL` (static answers, from the examples) and\n\
         //! `PLEX_PRISM_DYNAMIC_URL` (answers made from the schemas).\n\n"
    );
    out.push_str(SUPPORT);
    out.push_str(&globals(api));
    out.push_str(&runner(api, total));
    for tag in &api.tags {
        let _ = writeln!(out, "/// The `{}` operations.\nmod {} {{", tag.name, ident(&tag.module));
        for op in &tag.operations {
            let src = sources.of(op);
            let args: Vec<(&Param, Arg)> =
                op.params.iter().filter(|p| p.required).map(|p| (p, arg(&one_item(p), index, &src))).collect();
            out.push_str(&call_fn(tag, op, &args));
        }
        out.push_str("}\n\n");
    }
    super::file::format_source(PATH, spec_label, &out)
}

/// `p`, a list in the path holding only its first item: Prism 5 crashes (the whole server)
/// on a path parameter of several items (`/downloadQueue/1/items/32,345`), which the document
/// allows.
fn one_item(p: &Param) -> Param {
    let mut p = p.clone();
    if let (Location::Path, Shape::List(_)) = (p.location, &p.shape) {
        let first = match docs::example_value(&p) {
            Value::Array(items) => items.into_iter().next(),
            other => Some(other),
        };
        p.example = Some(Value::Array(first.into_iter().collect()));
    }
    p
}

/// The client-wide headers set on every client, and the path prefixes of plex.tv's servers.
fn globals(api: &Api) -> String {
    let mut out = String::from(
        "/// Sets every client-wide header to its example.\n\
         fn with_globals(builder: plex_sdk::PlexClientBuilder) -> plex_sdk::PlexClientBuilder {\nbuilder\n",
    );
    for g in &api.globals {
        let value = g.example.clone().unwrap_or_else(|| format!("{}-value", g.rust_name));
        let _ = writeln!(out, ".{}({value:?})", ident(&g.rust_name));
    }
    out.push_str("}\n\n");
    let mut prefixes: Vec<String> = api
        .tags
        .iter()
        .flat_map(|t| &t.operations)
        .filter_map(|o| o.server.as_deref())
        .map(docs::server_path)
        .collect();
    prefixes.sort();
    prefixes.dedup();
    let listed: Vec<String> = prefixes.iter().map(|p| format!("{p:?}")).collect();
    let _ = writeln!(
        out,
        "/// The path prefixes of the operations' own servers (plex.tv).\nconst SERVER_PREFIXES: &[&str] = &[{}];\n",
        listed.join(", ")
    );
    out
}

/// The two tests and the function that calls every operation in turn.
fn runner(api: &Api, total: usize) -> String {
    let mut out = String::from(
        "/// Calls every operation against Prism at the URL in `var` and reports.\n\
         async fn run(var: &str, mode: &str) {\n\
         let Some(url) = prism_url(var, mode) else { return };\n\
         let peer = Peer::new(url).await;\n\
         let mut report = Report::default();\n",
    );
    for tag in &api.tags {
        for op in &tag.operations {
            let _ = writeln!(
                out,
                "report.add({:?}, {}::{}(&peer).await);",
                op.operation_id,
                ident(&tag.module),
                ident(&op.method_name)
            );
        }
    }
    let _ = writeln!(out, "report.finish(mode, {total});\n}}\n");
    out.push_str(
        "/// Prism answering from the document's examples.\n#[tokio::test]\nasync fn prism_static() {\n\
         run(\"PLEX_PRISM_URL\", \"static\").await;\n}\n\n\
         /// Prism answering with values made from the document's schemas.\n#[tokio::test]\nasync fn prism_dynamic() {\n\
         run(\"PLEX_PRISM_DYNAMIC_URL\", \"dynamic\").await;\n}\n\n",
    );
    out
}

/// One operation's call: its client, the request (built again when asked), the outcome.
fn call_fn(tag: &Tag, op: &Operation, args: &[(&Param, Arg)]) -> String {
    let mut f = format!("/// `{} {}` (`{}`).\n", op.http_method, op.path.raw, op.operation_id);
    let _ = writeln!(f, "pub async fn {}(peer: &crate::Peer) -> crate::Call {{", ident(&op.method_name));
    let uses = enum_uses(&args.iter().map(|(p, _)| *p).collect::<Vec<_>>());
    if !uses.is_empty() {
        let _ = writeln!(f, "use plex_sdk::models::{{{}}};", uses.join(", "));
    }
    let prefix = op.server.as_deref().map(docs::server_path);
    let _ = writeln!(f, "let client = peer.client({});", prefix.map_or("None".into(), |p| format!("Some({p:?})")));
    let body = op.body.as_ref().filter(|b| b.required).map(|b| body_expr(b.kind));
    let call = call_expr(tag, op, args, body.as_deref());
    let _ = writeln!(f, "let request = || -> ::std::result::Result<_, Box<dyn ::std::error::Error>> {{ Ok({call}) }};");
    let binary = if matches!(op.success, Success::Binary) { "binary " } else { "" };
    let _ = writeln!(f, "outcome!({binary}peer, request()?)\n}}\n");
    f
}

/// A required body: some text, some bytes, or an empty object.
fn body_expr(kind: BodyKind) -> String {
    match kind {
        BodyKind::Text => "\"prism body\".to_string()".into(),
        kind => docs::body_expr(kind),
    }
}
