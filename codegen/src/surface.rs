//! The SDK surface of a whole document, for changelogs: per operation its group (from the
//! first tag) and method (from the operationId), a `request` tree (every parameter, the
//! globals an operation declares included, and the body) and a `response` tree (the first
//! 2XX body). Field names are the snake case of the wire name (or of its
//! `x-speakeasy-name-override`), which is how the published changelogs name them.
//!
//! Built straight from the loaded document (3.0 or 3.1, no normalisation needed): `$ref`s are
//! followed (a cycle becomes a [`NodeType::Cycle`] leaf), `allOf` is merged, `oneOf`/`anyOf`
//! become unions, a 3.1 type list is reduced to its non-null type. Every node carries a
//! fingerprint of its whole subtree, so comparing two unchanged subtrees costs one integer
//! comparison, and expansions of a `$ref` that do not depend on where they are reached are
//! built once and shared.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use heck::ToSnakeCase;
use serde::Serialize;
use serde_json::Value;

use crate::walk;

/// The kind of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeType {
    /// No type given: anything.
    Any,
    /// Only `null`.
    Null,
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// An object (its fields in [`Node::fields`]).
    Object,
    /// An array (its items in [`Node::items`]).
    Array,
    /// `oneOf`/`anyOf`, or a 3.1 list of several types (variants in [`Node::variants`]).
    Union,
    /// An `allOf` whose members cannot be merged into one object.
    AllOf,
    /// An `enum` without a `type`.
    EnumOnly,
    /// A `$ref` back to a schema being expanded (the name in [`Node::cycle`]).
    Cycle,
}

/// One node of a request or response tree.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Its kind.
    #[serde(rename = "type")]
    pub ty: NodeType,
    /// `format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `enum` (or a `const` as a one-value enum).
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    /// `x-speakeasy-enums`: the names the upstream generator gives the enum's values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enum_names: Option<Vec<Value>>,
    /// `default`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// `null` is allowed too (3.0 `nullable`, a 3.1 type list with `"null"`, or a `null`
    /// member of `oneOf`/`anyOf`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// Object fields by snake-case name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Field>,
    /// `additionalProperties`, when a schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional: Option<Arc<Node>>,
    /// Array items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Arc<Node>>,
    /// Union or allOf members.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Arc<Node>>,
    /// For a cycle: the schema it refers back to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle: Option<String>,
    /// Hash of the whole subtree.
    #[serde(skip)]
    pub fingerprint: u64,
}

/// An object field or a request parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The name on the wire.
    pub wire_name: String,
    /// Whether it must be present.
    pub required: bool,
    /// Its schema.
    pub node: Arc<Node>,
}

impl Node {
    fn leaf(ty: NodeType) -> Node {
        Node {
            ty,
            format: None,
            enum_values: None,
            enum_names: None,
            default: None,
            nullable: false,
            fields: BTreeMap::new(),
            additional: None,
            items: None,
            variants: Vec::new(),
            cycle: None,
            fingerprint: 0,
        }
    }

    /// The attributes of the node itself (not its children) as one hashable value.
    pub fn own_attributes(&self) -> (NodeType, Option<&str>, Option<String>, Option<String>, Option<String>) {
        let text = |v: &Option<Vec<Value>>| v.as_ref().map(|v| Value::Array(v.clone()).to_string());
        (
            self.ty,
            self.format.as_deref(),
            text(&self.enum_values),
            text(&self.enum_names),
            self.default.as_ref().map(Value::to_string),
        )
    }

    fn seal(mut self) -> Arc<Node> {
        let mut h = DefaultHasher::new();
        self.own_attributes().hash(&mut h);
        for (name, field) in &self.fields {
            (name, &field.wire_name, field.required, field.node.fingerprint).hash(&mut h);
        }
        for child in self.additional.iter().chain(self.items.iter()).chain(self.variants.iter()) {
            child.fingerprint.hash(&mut h);
        }
        (&self.cycle, self.nullable).hash(&mut h);
        self.fingerprint = h.finish();
        Arc::new(self)
    }
}

/// One operation's surface.
#[derive(Debug, Clone, Serialize)]
pub struct OperationSurface {
    /// Group (snake case of the first tag).
    pub group: String,
    /// Method name.
    pub method: String,
    /// The `operationId`.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// Path template.
    pub path: String,
    /// Parameters and body.
    pub request: Arc<Node>,
    /// The first 2XX body, if any.
    pub response: Option<Arc<Node>>,
}

impl OperationSurface {
    /// `group.method` (or `method` for an untagged operation).
    pub fn key(&self) -> String {
        if self.group.is_empty() { self.method.clone() } else { format!("{}.{}", self.group, self.method) }
    }
}

/// Every operation of a document, by [`OperationSurface::key`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Surface {
    /// The operations.
    pub operations: BTreeMap<String, OperationSurface>,
}

/// A field or parameter name as the changelog writes it: snake case of each `.`-separated
/// part (`onlyTransient` → `only_transient`, `field.locked` stays `field.locked`).
pub fn field_name(wire: &str) -> String {
    wire.split('.').map(|part| part.to_snake_case()).collect::<Vec<_>>().join(".")
}

/// A method name: the snake case of the operationId, except that an operationId written
/// with dashes is kept as written (`get-users` stays `get-users`, as the upstream changelog
/// shows for the four operations added on 2025-11-30).
pub fn method_name(operation_id: &str) -> String {
    if operation_id.contains('-') { operation_id.to_string() } else { operation_id.to_snake_case() }
}

/// A group name: the snake case of the tag (`Library Playlists` → `library_playlists`,
/// `DVRs` → `dv_rs`, `UltraBlur` → `ultra_blur`).
pub fn group_name(tag: &str) -> String {
    tag.to_snake_case()
}

struct Builder<'a> {
    doc: &'a Value,
    /// Expansions of a `$ref` that do not depend on the refs being expanded around them.
    memo: HashMap<String, Arc<Node>>,
}

impl Builder<'_> {
    /// The node for `schema`, and the refs it met as cycles (its dependence on the stack).
    fn node(&mut self, schema: &Value, stack: &mut Vec<String>) -> (Arc<Node>, BTreeSet<String>) {
        let Some(map) = schema.as_object() else {
            return (Node::leaf(NodeType::Any).seal(), BTreeSet::new());
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            if stack.iter().any(|r| r == reference) {
                let mut cycle = Node::leaf(NodeType::Cycle);
                cycle.cycle = Some(reference.rsplit('/').next().unwrap_or(reference).to_string());
                return (cycle.seal(), BTreeSet::from([reference.to_string()]));
            }
            if let Some(done) = self.memo.get(reference) {
                return (done.clone(), BTreeSet::new());
            }
            let Some(target) = walk::resolve(self.doc, reference) else {
                return (Node::leaf(NodeType::Any).seal(), BTreeSet::new());
            };
            stack.push(reference.to_string());
            let (node, mut cycles) = self.node(target, stack);
            stack.pop();
            cycles.remove(reference);
            if cycles.is_empty() {
                self.memo.insert(reference.to_string(), node.clone());
            }
            return (node, cycles);
        }
        let mut cycles = BTreeSet::new();
        let mut child = |b: &mut Self, s: &Value, stack: &mut Vec<String>| {
            let (n, c) = b.node(s, stack);
            cycles.extend(c);
            n
        };
        if let Some(Value::Array(members)) = map.get("allOf") {
            let mut subs: Vec<Arc<Node>> = members.iter().map(|m| child(self, m, stack)).collect();
            let rest: serde_json::Map<String, Value> =
                map.iter().filter(|(k, _)| *k != "allOf").map(|(k, v)| (k.clone(), v.clone())).collect();
            if !rest.is_empty() {
                subs.push(child(self, &Value::Object(rest), stack));
            }
            let node = if subs.len() == 1 {
                subs.pop().expect("one member")
            } else if subs.iter().any(|s| s.ty == NodeType::Object)
                && subs.iter().all(|s| matches!(s.ty, NodeType::Object | NodeType::Any))
            {
                let mut merged = Node::leaf(NodeType::Object);
                for s in subs.iter().filter(|s| s.ty == NodeType::Object) {
                    merged.fields.extend(s.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                merged.seal()
            } else {
                let typed: Vec<Arc<Node>> = subs.iter().filter(|s| s.ty != NodeType::Any).cloned().collect();
                if typed.len() == 1 {
                    typed[0].clone()
                } else {
                    let mut all = Node::leaf(NodeType::AllOf);
                    all.variants = subs;
                    all.seal()
                }
            };
            return (node, cycles);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                let all: Vec<Arc<Node>> = members.iter().map(|m| child(self, m, stack)).collect();
                let has_null = all.iter().any(|n| n.ty == NodeType::Null);
                let variants: Vec<Arc<Node>> = all.into_iter().filter(|n| n.ty != NodeType::Null).collect();
                let only_docs =
                    map.keys().all(|k| [key, "description", "example", "title", "nullable"].contains(&k.as_str()));
                let nullable = has_null || map.get("nullable") == Some(&Value::Bool(true));
                if variants.len() == 1 && only_docs {
                    return (with_nullable(&variants[0], nullable), cycles);
                }
                let mut union = Node::leaf(NodeType::Union);
                union.variants = variants;
                union.nullable = nullable;
                return (union.seal(), cycles);
            }
        }
        let ty = match map.get("type") {
            Some(Value::String(t)) => type_of(t),
            Some(Value::Array(list)) => {
                let non_null: Vec<&str> = list.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
                match non_null.as_slice() {
                    [] => NodeType::Null,
                    [one] => type_of(one),
                    _ => NodeType::Union,
                }
            }
            _ if map.contains_key("properties") => NodeType::Object,
            _ if map.contains_key("items") => NodeType::Array,
            _ if map.contains_key("enum") => NodeType::EnumOnly,
            _ => NodeType::Any,
        };
        let mut node = Node::leaf(ty);
        node.nullable = map.get("nullable") == Some(&Value::Bool(true))
            || map.get("type").and_then(Value::as_array).is_some_and(|l| l.len() > 1 && l.iter().any(|t| t == "null"));
        node.format = map.get("format").and_then(Value::as_str).map(str::to_string);
        node.enum_values = match (map.get("enum"), map.get("const")) {
            (Some(Value::Array(values)), _) => Some(values.clone()),
            (_, Some(c)) => Some(vec![c.clone()]),
            _ => None,
        };
        node.enum_names = map.get("x-speakeasy-enums").and_then(Value::as_array).cloned();
        node.default = map.get("default").cloned();
        if ty == NodeType::Object {
            let required: BTreeSet<&str> =
                map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            if let Some(props) = map.get("properties").and_then(Value::as_object) {
                for (wire, schema) in props {
                    let shown = schema.get("x-speakeasy-name-override").and_then(Value::as_str).unwrap_or(wire);
                    let field = Field {
                        wire_name: wire.clone(),
                        required: required.contains(wire.as_str()),
                        node: child(self, schema, stack),
                    };
                    node.fields.insert(field_name(shown), field);
                }
            }
            if let Some(extra @ Value::Object(_)) = map.get("additionalProperties") {
                node.additional = Some(child(self, extra, stack));
            }
        }
        if ty == NodeType::Array {
            node.items = Some(child(self, map.get("items").unwrap_or(&Value::Null), stack));
        }
        (node.seal(), cycles)
    }
}

/// `node`, marked nullable when `nullable` (a copy; the shared node is not changed).
fn with_nullable(node: &Arc<Node>, nullable: bool) -> Arc<Node> {
    if !nullable || node.nullable {
        return node.clone();
    }
    let mut copy = (**node).clone();
    copy.nullable = true;
    copy.seal()
}

fn type_of(t: &str) -> NodeType {
    match t {
        "string" => NodeType::String,
        "integer" => NodeType::Integer,
        "number" => NodeType::Number,
        "boolean" => NodeType::Boolean,
        "object" => NodeType::Object,
        "array" => NodeType::Array,
        "null" => NodeType::Null,
        _ => NodeType::Any,
    }
}

/// The surface of every operation of `doc`.
pub fn surface(doc: &Value) -> Surface {
    let mut builder = Builder { doc, memo: HashMap::new() };
    let mut operations = BTreeMap::new();
    for op in walk::operations(doc) {
        let node = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let operation_id = node.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
        let group = node.pointer("/tags/0").and_then(Value::as_str).map(group_name).unwrap_or_default();
        let mut request = Node::leaf(NodeType::Object);
        let path_params = doc.pointer(&format!("/paths/{}/parameters", crate::load::escape_segment(&op.path)));
        for raw in path_params
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(node.get("parameters").and_then(Value::as_array).into_iter().flatten())
        {
            let p = walk::deref(doc, raw);
            let wire = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let shown = p.get("x-speakeasy-name-override").and_then(Value::as_str).unwrap_or(wire);
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false)
                || p.get("in").and_then(Value::as_str) == Some("path");
            let (schema, _) = builder.node(p.get("schema").unwrap_or(&Value::Null), &mut Vec::new());
            request.fields.insert(field_name(shown), Field { wire_name: wire.to_string(), required, node: schema });
        }
        if let Some(body) = node.get("requestBody").map(|b| walk::deref(doc, b))
            && let Some((_, media)) = body.get("content").and_then(Value::as_object).and_then(|c| c.iter().next())
        {
            let (schema, _) = builder.node(media.get("schema").unwrap_or(&Value::Null), &mut Vec::new());
            let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);
            request.fields.insert(REQUEST_BODY.into(), Field { wire_name: "(body)".into(), required, node: schema });
        }
        let mut response = None;
        if let Some(responses) = node.get("responses").and_then(Value::as_object) {
            for (_, r) in responses.iter().filter(|(code, _)| code.starts_with('2')) {
                let r = walk::deref(doc, r);
                let media = r
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().find(|m| m.get("schema").is_some()));
                if let Some(schema) = media.and_then(|m| m.get("schema")) {
                    response = Some(builder.node(schema, &mut Vec::new()).0);
                    break;
                }
            }
        }
        let surface = OperationSurface {
            group,
            method: method_name(&operation_id),
            operation_id,
            http_method: op.method.to_uppercase(),
            path: op.path.clone(),
            request: request.seal(),
            response,
        };
        let mut key = surface.key();
        if operations.contains_key(&key) {
            key = format!("{key}#{}", surface.operation_id);
        }
        operations.insert(key, surface);
    }
    Surface { operations }
}

/// The request field that holds the body.
pub const REQUEST_BODY: &str = "request_body";

/// A readable outline of a surface: one block per operation, one line per node with its
/// path, kind and attributes. Snapshot tests keep it under review.
pub fn outline(surface: &Surface) -> String {
    let mut out = String::new();
    for (key, op) in &surface.operations {
        out.push_str(&format!("{key}  {} {} [{}]\n", op.http_method, op.path, op.operation_id));
        outline_node(&op.request, "request", false, 1, &mut out);
        match &op.response {
            Some(node) => outline_node(node, "response", false, 1, &mut out),
            None => out.push_str("  response: (no body)\n"),
        }
    }
    out
}

fn outline_node(node: &Node, name: &str, required: bool, depth: usize, out: &mut String) {
    let mut line = format!("{}{name}{}: {:?}", "  ".repeat(depth), if required { " (required)" } else { "" }, node.ty);
    if let Some(format) = &node.format {
        line.push_str(&format!(" format={format}"));
    }
    if let Some(values) = &node.enum_values {
        line.push_str(&format!(" enum={}", Value::Array(values.clone())));
    }
    if let Some(default) = &node.default {
        line.push_str(&format!(" default={default}"));
    }
    if let Some(cycle) = &node.cycle {
        line.push_str(&format!(" -> {cycle}"));
    }
    if node.nullable {
        line.push_str(" nullable");
    }
    out.push_str(&line);
    out.push('\n');
    for (field, f) in &node.fields {
        outline_node(&f.node, field, f.required, depth + 1, out);
    }
    if let Some(items) = &node.items {
        outline_node(items, "[]", false, depth + 1, out);
    }
    if let Some(extra) = &node.additional {
        outline_node(extra, "{}", false, depth + 1, out);
    }
    for (i, v) in node.variants.iter().enumerate() {
        outline_node(v, &format!("variant {i}"), false, depth + 1, out);
    }
}
