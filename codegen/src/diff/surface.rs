//! The SDK surface of a whole document, for changelogs: per operation its tag, its
//! operationId, a `request` tree (every parameter, the globals an operation declares
//! included, and the body) and a `response` tree (the first 2XX body). Field names are the
//! snake case of the wire name (or of its `x-speakeasy-name-override`), which is how the
//! published changelogs name them; method names depend on the classification
//! ([`super::classification::method_name_for`]).
//!
//! Built straight from the loaded document (3.0 or 3.1, no normalisation needed): `$ref`s are
//! followed, `allOf` is merged, `oneOf`/`anyOf` become unions, a 3.1 type list is reduced to
//! its non-null type. Each tree expands a named object schema once, at its first occurrence
//! in depth-first order; a later occurrence, recursive or not, is a [`NodeType::Repeat`]
//! leaf (the rule and its evidence are on `Builder::reference`). Every node carries a
//! fingerprint of its whole subtree, so comparing two unchanged subtrees costs one integer
//! comparison.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use heck::ToSnakeCase;
use serde::Serialize;
use serde_json::{Map, Value};

use super::classification::Classification;
use crate::names;
use crate::openapi::walk;

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
    /// A `$ref` not expanded here (the schema's name in [`Node::repeat`]): one back to a
    /// schema being expanded around it, or to a named object schema already expanded earlier
    /// in the same tree.
    Repeat,
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
    /// For an enum: the document uses it only in responses (no operation's parameters or body
    /// reach the schema that holds it). Not part of the fingerprint: it says where a schema is
    /// used, not what it is.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub response_only: bool,
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
    /// For a [`NodeType::Repeat`]: the schema not expanded again. For an object merged from
    /// an `allOf`: the members that were such repeats, joined with `+`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
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
            response_only: false,
            default: None,
            nullable: false,
            fields: BTreeMap::new(),
            additional: None,
            items: None,
            variants: Vec::new(),
            repeat: None,
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
        (&self.repeat, self.nullable).hash(&mut h);
        self.fingerprint = h.finish();
        Arc::new(self)
    }
}

/// One operation's surface.
#[derive(Debug, Clone, Serialize)]
pub struct OperationSurface {
    /// Group (snake case of the first tag; empty for an untagged operation).
    pub group: String,
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
    /// The method name under `classification` ([`super::classification::method_name_for`]).
    pub fn method(&self, classification: Classification) -> String {
        super::classification::method_name_for(classification, &self.operation_id)
    }

    /// `group.method` (or `method` for an untagged operation), under `classification`.
    pub fn key(&self, classification: Classification) -> String {
        let method = self.method(classification);
        if self.group.is_empty() { method } else { format!("{}.{method}", self.group) }
    }
}

/// Every operation of a document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Surface {
    /// The operations, in [`walk::operations`] order (by path, then method).
    pub operations: Vec<OperationSurface>,
}

impl Surface {
    /// The operations by [`OperationSurface::key`] under `classification`; when two share a
    /// key, the later one's key gets `#operationId` appended.
    pub fn by_key(&self, classification: Classification) -> BTreeMap<String, &OperationSurface> {
        let mut map = BTreeMap::new();
        for op in &self.operations {
            let mut key = op.key(classification);
            if map.contains_key(&key) {
                key = format!("{key}#{}", op.operation_id);
            }
            map.insert(key, op);
        }
        map
    }
}

/// A field or parameter name as the changelog writes it: snake case of each `.`-separated
/// part (`onlyTransient` → `only_transient`, `field.locked` stays `field.locked`).
pub fn field_name(wire: &str) -> String {
    wire.split('.').map(|part| part.to_snake_case()).collect::<Vec<_>>().join(".")
}

/// Builds the trees of one document.
struct Builder<'a> {
    doc: &'a Value,
    /// Every `$ref` that some operation's parameters or body reach, directly or through
    /// other schemas.
    request_refs: HashSet<String>,
    /// Whether the tree being built is a response body.
    in_response: bool,
    /// The `$ref`s being expanded around the current node, innermost last.
    stack: Vec<String>,
    /// The named object schemas already expanded in the tree being built.
    expanded: HashSet<String>,
    /// [`Builder::expanded`] in the order they were added.
    expanded_log: Vec<String>,
    /// Every `$ref` reachable from a `$ref`'s target, by `$ref`.
    reach: HashMap<String, HashSet<String>>,
    /// Expansions of a `$ref` built where none of the refs it can reach was being expanded
    /// around it or already expanded in the tree ([`Builder::independent`]), with the schemas
    /// the expansion marked as expanded. Such an expansion is the same wherever that holds, so
    /// it is built once and shared.
    memo: HashMap<String, (Arc<Node>, Vec<String>)>,
}

impl<'a> Builder<'a> {
    /// Starts a new tree: nothing is expanded in it yet.
    fn start_tree(&mut self, in_response: bool) {
        self.in_response = in_response;
        self.stack.clear();
        self.expanded.clear();
        self.expanded_log.clear();
    }

    /// Marks a named object schema as expanded in this tree.
    fn mark_expanded(&mut self, reference: &str) {
        if self.expanded.insert(reference.to_string()) {
            self.expanded_log.push(reference.to_string());
        }
    }

    /// Whether expanding `reference` here gives what it gives anywhere else where this holds:
    /// no `$ref` it can reach is being expanded around it or was expanded in this tree, so
    /// every [`Builder::is_repeat`] answer inside depends only on the expansion itself.
    fn independent(&mut self, reference: &str) -> bool {
        if !self.reach.contains_key(reference) {
            let reach = refs_reached(self.doc, walk::resolve(self.doc, reference).into_iter());
            self.reach.insert(reference.to_string(), reach);
        }
        let reach = &self.reach[reference];
        !self.stack.iter().chain(&self.expanded).any(|r| reach.contains(r))
    }

    /// The node for `schema`.
    fn node(&mut self, schema: &Value) -> Arc<Node> {
        let Some(map) = schema.as_object() else {
            return Node::leaf(NodeType::Any).seal();
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return self.reference(reference);
        }
        if let Some(Value::Array(members)) = map.get("allOf") {
            return self.all_of(map, members);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                return self.one_of(map, key, members);
            }
        }
        self.typed(map)
    }

    /// A `$ref`, expanded the way the upstream generator compares: each named object schema
    /// once per tree, at its first occurrence in depth-first order, and a changed leaf inside
    /// it reported at its full path there. A later occurrence of the same schema, and any
    /// `$ref` back to a schema being expanded around it, is a [`NodeType::Repeat`] leaf that
    /// is not compared again.
    ///
    /// Evidence (issue 13): on upstream transitions held back from this project, the upstream
    /// generator reports a change inside a schema that contains itself at its full path inside
    /// the first expansion and does not compare the later, recursive occurrence. In the
    /// upstream documents `library.get_item_tree` returns `Metadata` items that hold `Items`
    /// (`Metadata` plus `Items` children): expanding every level, a change inside `Metadata`
    /// shows at two depths and is reported at their common parent,
    /// `response.media_container.metadata_item.[]`. The published 2025-11-30 changelog is
    /// reproduced the same whether a repeat is any later occurrence or only a recursive one.
    /// Properties are visited in the order of their wire names (the loaded document does not
    /// keep the written order), which decides which of two side-by-side occurrences is first.
    fn reference(&mut self, reference: &str) -> Arc<Node> {
        if self.is_repeat(reference) {
            let mut repeat = Node::leaf(NodeType::Repeat);
            repeat.repeat = Some(short_name(reference));
            return repeat.seal();
        }
        let Some(target) = walk::resolve(self.doc, reference) else {
            return Node::leaf(NodeType::Any).seal();
        };
        let independent = self.independent(reference);
        if independent && let Some((node, marked)) = self.memo.get(reference) {
            let (node, marked) = (node.clone(), marked.clone());
            marked.iter().for_each(|r| self.mark_expanded(r));
            return node;
        }
        let log_start = self.expanded_log.len();
        self.stack.push(reference.to_string());
        let node = self.node(target);
        self.stack.pop();
        if matches!(node.ty, NodeType::Object | NodeType::AllOf) {
            self.mark_expanded(reference);
        }
        if independent {
            self.memo.insert(reference.to_string(), (node.clone(), self.expanded_log[log_start..].to_vec()));
        }
        node
    }

    /// `allOf`. When every member (its `$ref`s followed, nested `allOf`s flattened) is an
    /// object or only documentation, one object merged at the schema level
    /// ([`Builder::merge`]); otherwise the members are built one by one and the one typed
    /// member stands for the whole, or an [`NodeType::AllOf`] holds them all.
    fn all_of(&mut self, map: &Map<String, Value>, members: &[Value]) -> Arc<Node> {
        let rest: Map<String, Value> =
            map.iter().filter(|(k, _)| *k != "allOf").map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut pieces = Vec::new();
        let flat =
            members.iter().all(|m| self.flatten(m, Vec::new(), &mut pieces)) && (rest.is_empty() || object_like(&rest));
        if flat && pieces.iter().any(|p| matches!(p, Piece::Part { schema, .. } if is_object(schema))) {
            return self.merge(&pieces, &rest);
        }
        let mut subs: Vec<Arc<Node>> = members.iter().map(|m| self.node(m)).collect();
        if !rest.is_empty() {
            subs.push(self.node(&Value::Object(rest)));
        }
        let typed: Vec<Arc<Node>> = subs.iter().filter(|s| s.ty != NodeType::Any).cloned().collect();
        match (subs.len(), typed.as_slice()) {
            (1, _) => subs.pop().expect("one member"),
            (_, [one]) => one.clone(),
            _ => {
                let mut all = Node::leaf(NodeType::AllOf);
                all.variants = subs;
                all.seal()
            }
        }
    }

    /// Adds the pieces of one `allOf` member to `out`: its `$ref`s followed (a repeat is a
    /// [`Piece::Repeat`]), a nested `allOf` flattened. `false` when a member is neither an
    /// object nor only documentation.
    fn flatten<'v>(&self, schema: &'v Value, mut refs: Vec<String>, out: &mut Vec<Piece<'v>>) -> bool
    where
        'a: 'v,
    {
        let mut schema = schema;
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if self.is_repeat(reference) || refs.iter().any(|r| r == reference) {
                out.push(Piece::Repeat(short_name(reference)));
                return true;
            }
            let Some(target) = walk::resolve(self.doc, reference) else { return false };
            refs.push(reference.to_string());
            schema = target;
        }
        let Some(map) = schema.as_object() else { return false };
        let nested = match map.get("allOf") {
            Some(Value::Array(members)) => members.iter().all(|m| self.flatten(m, refs.clone(), out)),
            _ => true,
        };
        // Its own keys (beside a nested `allOf`) come after the members, as at the top.
        out.push(Piece::Part { refs, schema: map });
        nested && object_like(map)
    }

    /// One object from the flattened members of an `allOf`, as the upstream generator merges
    /// them into one model: a property defined by several members takes the last definition
    /// (only that one is built, so a named schema that an override replaces is not expanded
    /// there), required if any member requires it. Members are taken in order, each with its
    /// `$ref`s around it, and count as expanded in this tree from there on; a member reached
    /// through a `$ref` that keeps all its properties is built as that `$ref` (so it is shared
    /// like any other expansion), and is a repeat if already expanded by an earlier member.
    fn merge(&mut self, pieces: &[Piece<'_>], rest: &Map<String, Value>) -> Arc<Node> {
        let parts: Vec<(&[String], &Map<String, Value>)> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Part { refs, schema } => Some((refs.as_slice(), *schema)),
                Piece::Repeat(_) => None,
            })
            .chain((!rest.is_empty()).then_some((&[][..], rest)))
            .collect();
        let mut winner: BTreeMap<&str, usize> = BTreeMap::new();
        let mut required: BTreeSet<&str> = BTreeSet::new();
        for (i, (_, map)) in parts.iter().enumerate() {
            winner.extend(properties(map).map(|(wire, _)| (wire.as_str(), i)));
            required
                .extend(map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str));
        }
        let mut merged = Node::leaf(NodeType::Object);
        let mut repeats: Vec<String> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Repeat(name) => Some(name.clone()),
                Piece::Part { .. } => None,
            })
            .collect();
        for (i, (refs, map)) in parts.iter().enumerate() {
            let whole = !map.contains_key("allOf") && properties(map).all(|(wire, _)| winner[wire.as_str()] == i);
            match refs.split_last() {
                Some((last, outer)) if whole => {
                    self.stack.extend(outer.iter().cloned());
                    let node = self.reference(last);
                    self.stack.truncate(self.stack.len() - outer.len());
                    outer.iter().for_each(|r| self.mark_expanded(r));
                    if node.ty == NodeType::Repeat {
                        repeats.extend(node.repeat.clone());
                        continue;
                    }
                    for (name, field) in &node.fields {
                        let required = field.required || required.contains(field.wire_name.as_str());
                        merged.fields.insert(name.clone(), Field { required, ..field.clone() });
                    }
                    merged.additional = node.additional.clone().or(merged.additional.take());
                }
                _ => {
                    refs.iter().for_each(|r| self.mark_expanded(r));
                    self.stack.extend(refs.iter().cloned());
                    let own = properties(map).filter(|(wire, _)| winner[wire.as_str()] == i);
                    for (wire, schema) in own {
                        let node = self.node(schema);
                        let field = Field { wire_name: wire.clone(), required: required.contains(wire.as_str()), node };
                        merged.fields.insert(field_name(shown_name(wire, schema)), field);
                    }
                    if let Some(extra @ Value::Object(_)) = map.get("additionalProperties") {
                        merged.additional = Some(self.node(extra));
                    }
                    self.stack.truncate(self.stack.len() - refs.len());
                }
            }
        }
        merged.repeat = (!repeats.is_empty()).then(|| repeats.join("+"));
        merged.seal()
    }

    /// Whether a `$ref` here is not expanded again: it is being expanded around this node,
    /// or it is a named object schema already expanded in this tree.
    fn is_repeat(&self, reference: &str) -> bool {
        self.stack.iter().any(|r| r == reference) || self.expanded.contains(reference)
    }

    /// `oneOf`/`anyOf`: a union, or its one non-null member when the rest is documentation.
    fn one_of(&mut self, map: &Map<String, Value>, key: &str, members: &[Value]) -> Arc<Node> {
        let all: Vec<Arc<Node>> = members.iter().map(|m| self.node(m)).collect();
        let has_null = all.iter().any(|n| n.ty == NodeType::Null);
        let variants: Vec<Arc<Node>> = all.into_iter().filter(|n| n.ty != NodeType::Null).collect();
        let only_docs = map.keys().all(|k| [key, "description", "example", "title", "nullable"].contains(&k.as_str()));
        let nullable = has_null || map.get("nullable") == Some(&Value::Bool(true));
        if variants.len() == 1 && only_docs {
            return with_nullable(&variants[0], nullable);
        }
        let mut union = Node::leaf(NodeType::Union);
        union.variants = variants;
        union.nullable = nullable;
        union.seal()
    }

    /// Whether an enum built here is used only in responses: the schema that holds it (the
    /// innermost `$ref` around it, or the tree itself when it is written inline in a body or
    /// parameter) is reached from no operation's parameters or body.
    fn response_only_here(&self) -> bool {
        match self.stack.last() {
            Some(reference) => !self.request_refs.contains(reference),
            None => self.in_response,
        }
    }

    /// A schema with a `type` (or none): scalars, objects, arrays.
    fn typed(&mut self, map: &Map<String, Value>) -> Arc<Node> {
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
        node.response_only = node.enum_values.is_some() && self.response_only_here();
        node.enum_names = map.get("x-speakeasy-enums").and_then(Value::as_array).cloned();
        node.default = map.get("default").cloned();
        if ty == NodeType::Object {
            self.object_fields(map, &mut node);
        }
        if ty == NodeType::Array {
            node.items = Some(self.node(map.get("items").unwrap_or(&Value::Null)));
        }
        node.seal()
    }

    fn object_fields(&mut self, map: &Map<String, Value>, node: &mut Node) {
        let required: BTreeSet<&str> =
            map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        for (wire, schema) in properties(map) {
            let field =
                Field { wire_name: wire.clone(), required: required.contains(wire.as_str()), node: self.node(schema) };
            node.fields.insert(field_name(shown_name(wire, schema)), field);
        }
        if let Some(extra @ Value::Object(_)) = map.get("additionalProperties") {
            node.additional = Some(self.node(extra));
        }
    }

    /// One operation's surface.
    fn operation(&mut self, op: &walk::OperationRef) -> OperationSurface {
        let doc = self.doc;
        let node = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let operation_id = node.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
        let group = node.pointer("/tags/0").and_then(Value::as_str).map(names::group_name).unwrap_or_default();
        OperationSurface {
            group,
            operation_id,
            http_method: op.method.to_uppercase(),
            path: op.path.clone(),
            request: self.request(op, node),
            response: self.response(node),
        }
    }

    /// The request tree: every parameter (the path item's first), then the body.
    fn request(&mut self, op: &walk::OperationRef, node: &Value) -> Arc<Node> {
        let doc = self.doc;
        self.start_tree(false);
        let mut request = Node::leaf(NodeType::Object);
        for raw in parameters(doc, op, node) {
            let p = walk::deref(doc, raw);
            let wire = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let shown = p.get("x-speakeasy-name-override").and_then(Value::as_str).unwrap_or(wire);
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false)
                || p.get("in").and_then(Value::as_str) == Some("path");
            let schema = self.node(p.get("schema").unwrap_or(&Value::Null));
            request.fields.insert(field_name(shown), Field { wire_name: wire.to_string(), required, node: schema });
        }
        if let Some(body) = node.get("requestBody").map(|b| walk::deref(doc, b))
            && let Some((_, media)) = body.get("content").and_then(Value::as_object).and_then(|c| c.iter().next())
        {
            let schema = self.node(media.get("schema").unwrap_or(&Value::Null));
            let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);
            request.fields.insert(REQUEST_BODY.into(), Field { wire_name: "(body)".into(), required, node: schema });
        }
        request.seal()
    }

    /// The response tree: the first 2XX response with a body schema.
    fn response(&mut self, node: &Value) -> Option<Arc<Node>> {
        let doc = self.doc;
        let responses = node.get("responses").and_then(Value::as_object)?;
        let schema = responses.iter().filter(|(code, _)| code.starts_with('2')).find_map(|(_, r)| {
            let media = walk::deref(doc, r).get("content").and_then(Value::as_object)?;
            media.values().find_map(|m| m.get("schema"))
        })?;
        self.start_tree(true);
        Some(self.node(schema))
    }
}

/// The raw parameters of an operation: the path item's, then the operation's own.
fn parameters<'a>(doc: &'a Value, op: &walk::OperationRef, node: &'a Value) -> impl Iterator<Item = &'a Value> {
    let path_params = doc.pointer(&format!("/paths/{}/parameters", crate::openapi::escape_segment(&op.path)));
    path_params
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(node.get("parameters").and_then(Value::as_array).into_iter().flatten())
}

/// Every `$ref` reached from the parameters and request bodies of `doc`'s operations.
fn request_refs(doc: &Value) -> HashSet<String> {
    let mut roots: Vec<&Value> = Vec::new();
    for op in walk::operations(doc) {
        let node = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        roots.extend(parameters(doc, &op, node));
        roots.extend(node.get("requestBody"));
    }
    refs_reached(doc, roots.into_iter())
}

/// Every `$ref` below `roots`, following each target once.
fn refs_reached<'a>(doc: &'a Value, roots: impl Iterator<Item = &'a Value>) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut todo: Vec<&Value> = roots.collect();
    while let Some(value) = todo.pop() {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str)
                    && seen.insert(reference.to_string())
                {
                    todo.extend(walk::resolve(doc, reference));
                }
                todo.extend(map.values());
            }
            Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    seen
}

/// One flattened member of an `allOf`.
enum Piece<'v> {
    /// A schema, with the `$ref`s followed to reach it (outermost first).
    Part {
        /// The `$ref`s on the way.
        refs: Vec<String>,
        /// The schema.
        schema: &'v Map<String, Value>,
    },
    /// A `$ref` not expanded again ([`Builder::is_repeat`]), by its short name.
    Repeat(String),
}

/// Whether a schema is an object or only documentation, so that it can be merged into an
/// object: no type but `object`, and nothing that makes it a scalar, array or union (an
/// `allOf` in it is flattened separately).
fn object_like(map: &Map<String, Value>) -> bool {
    let typed_object = match map.get("type") {
        None => true,
        Some(Value::String(t)) => t == "object",
        Some(_) => false,
    };
    typed_object && !["enum", "const", "items", "oneOf", "anyOf", "$ref"].iter().any(|k| map.contains_key(*k))
}

/// Whether a schema declares an object (`type: object` or properties).
fn is_object(map: &Map<String, Value>) -> bool {
    map.get("type").and_then(Value::as_str) == Some("object") || map.contains_key("properties")
}

/// The properties of an object schema, by wire name.
fn properties(map: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    map.get("properties").and_then(Value::as_object).into_iter().flatten()
}

/// The name a field is shown by: its `x-speakeasy-name-override`, or its wire name.
fn shown_name<'a>(wire: &'a str, schema: &'a Value) -> &'a str {
    schema.get("x-speakeasy-name-override").and_then(Value::as_str).unwrap_or(wire)
}

/// The last segment of a `$ref` (`#/components/schemas/Metadata` → `Metadata`).
fn short_name(reference: &str) -> String {
    reference.rsplit('/').next().unwrap_or(reference).to_string()
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
    let mut builder = Builder {
        doc,
        request_refs: request_refs(doc),
        in_response: false,
        stack: Vec::new(),
        expanded: HashSet::new(),
        expanded_log: Vec::new(),
        reach: HashMap::new(),
        memo: HashMap::new(),
    };
    Surface { operations: walk::operations(doc).iter().map(|op| builder.operation(op)).collect() }
}

/// The request field that holds the body.
pub const REQUEST_BODY: &str = "request_body";

/// A readable outline of a surface: one block per operation (by its Rust key), one line per
/// node with its path, kind and attributes. Snapshot tests keep it under review.
pub fn outline(surface: &Surface) -> String {
    let mut out = String::new();
    for (key, op) in surface.by_key(Classification::Rust) {
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
    if node.response_only {
        line.push_str(" response-only");
    }
    if let Some(default) = &node.default {
        line.push_str(&format!(" default={default}"));
    }
    if let Some(repeat) = &node.repeat {
        line.push_str(&format!(" -> {repeat}"));
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// One `GET /a` operation answering `response`, with `schemas` as components.
    fn doc(parameters: Value, response: Value, schemas: Value) -> Value {
        json!({ "paths": { "/a": { "get": { "operationId": "a", "tags": ["T"], "parameters": parameters,
            "responses": { "200": { "content": { "application/json": { "schema": response } } } } } } },
            "components": { "schemas": schemas } })
    }

    fn response_outline(doc: &Value) -> String {
        let surface = surface(doc);
        let mut out = String::new();
        outline_node(surface.operations[0].response.as_ref().expect("a body"), "response", false, 0, &mut out);
        out
    }

    #[test]
    fn a_named_object_is_expanded_once_per_tree() {
        let schemas = json!({
            "Leaf": { "type": "object", "properties": { "id": { "type": "integer" } } },
            "Tree": { "allOf": [ { "$ref": "#/components/schemas/Leaf" }, { "type": "object", "properties": {
                "children": { "type": "array", "items": { "$ref": "#/components/schemas/Tree" } } } } ] } });
        let response = json!({ "type": "object", "properties": {
            "first": { "$ref": "#/components/schemas/Tree" }, "second": { "$ref": "#/components/schemas/Leaf" } } });
        let outline = response_outline(&doc(json!([]), response, schemas));
        assert_eq!(
            outline,
            "response: Object\n  first: Object\n    children: Array\n      []: Repeat -> Tree\n    id: Integer\n  \
             second: Repeat -> Leaf\n"
        );
    }

    #[test]
    fn an_all_of_override_replaces_a_property_before_it_is_expanded() {
        // `Media` is first reached through the override, so it is expanded there and not as a
        // field of `Metadata` that the override replaces.
        let schemas = json!({
            "Media": { "type": "object", "properties": { "id": { "type": "integer" } } },
            "Metadata": { "type": "object", "properties": {
                "Media": { "type": "array", "items": { "$ref": "#/components/schemas/Media" } } } } });
        let response = json!({ "allOf": [ { "$ref": "#/components/schemas/Metadata" }, { "type": "object",
            "properties": { "Media": { "type": "array", "items": { "allOf": [
                { "$ref": "#/components/schemas/Media" },
                { "type": "object", "properties": { "abr": { "type": "boolean" } } } ] } } } } ] });
        let outline = response_outline(&doc(json!([]), response, schemas));
        assert_eq!(
            outline,
            "response: Object\n  media: Array\n    []: Object\n      abr: Boolean\n      id: Integer\n"
        );
    }

    #[test]
    fn enums_know_whether_only_responses_use_them() {
        let schemas = json!({
            "Shared": { "type": "string", "enum": ["a"] },
            "Holder": { "type": "object", "properties": {
                "shared": { "$ref": "#/components/schemas/Shared" }, "own": { "type": "string", "enum": ["b"] } } } });
        let parameters = json!([ { "name": "p", "in": "query", "schema": { "$ref": "#/components/schemas/Shared" } } ]);
        let response = json!({ "type": "object", "properties": {
            "holder": { "$ref": "#/components/schemas/Holder" }, "inline": { "type": "integer", "enum": [1] } } });
        let surface = surface(&doc(parameters, response, schemas));
        let op = &surface.operations[0];
        assert!(!op.request.fields["p"].node.response_only);
        let body = op.response.as_ref().expect("a body");
        let holder = &body.fields["holder"].node;
        assert!(!holder.fields["shared"].node.response_only, "a parameter uses `Shared`");
        assert!(holder.fields["own"].node.response_only, "only the response reaches `Holder`");
        assert!(body.fields["inline"].node.response_only, "written inline in a response");
    }

    #[test]
    fn shared_expansions_do_not_depend_on_what_was_built_before() {
        // `/0` and `/b` answer the same schema; `/0` is built first, `/b` after `/a` has filled
        // the shared expansions with `Tree` and `Leaf`, which `/b` meets in another order.
        let schemas = json!({
            "Leaf": { "type": "object", "properties": { "id": { "type": "integer" },
                "tree": { "$ref": "#/components/schemas/Tree" } } },
            "Tree": { "allOf": [ { "$ref": "#/components/schemas/Leaf" }, { "type": "object", "properties": {
                "children": { "type": "array", "items": { "$ref": "#/components/schemas/Tree" } } } } ] } });
        let both = json!({ "type": "object", "properties": {
            "a": { "$ref": "#/components/schemas/Leaf" }, "b": { "$ref": "#/components/schemas/Tree" } } });
        let mut d = doc(json!([]), json!({ "$ref": "#/components/schemas/Tree" }), schemas);
        for path in ["/0", "/b"] {
            d["paths"][path] = d["paths"]["/a"].clone();
            d["paths"][path]["get"]["operationId"] = json!(path.trim_start_matches('/'));
            d["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = both.clone();
        }
        let surface = surface(&d);
        let outline = |i: usize| {
            let mut out = String::new();
            outline_node(surface.operations[i].response.as_ref().expect("a body"), "response", false, 0, &mut out);
            out
        };
        let paths: Vec<&str> = surface.operations.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["/0", "/a", "/b"]);
        assert_eq!(outline(0), outline(2));
        assert!(outline(0).contains("b: Repeat -> Tree"), "{}", outline(0));
    }

    #[test]
    fn keys_follow_the_classification() {
        let mut d = doc(json!([]), json!({ "type": "string" }), json!({}));
        d["paths"]["/a"]["get"]["operationId"] = json!("get-users");
        let surface = surface(&d);
        assert_eq!(surface.by_key(Classification::Upstream).keys().collect::<Vec<_>>(), ["t.get-users"]);
        assert_eq!(surface.by_key(Classification::Rust).keys().collect::<Vec<_>>(), ["t.get_users"]);
    }
}
