//! The model's data: the client-wide headers, and per tag the operations with their Rust
//! names, parameters, body, success type, server and security. Built by [`super::build`].

use serde_json::Value;

use super::types::TypeRef;
use crate::openapi::PathTemplate;

/// The whole generated surface.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The header the `apiKey` security scheme names (`X-Plex-Token`), if any.
    pub token_header: Option<String>,
    /// Client-wide headers, from `x-speakeasy-globals` (without `accepts`, which the SDK
    /// answers with a real `Accept` header).
    pub globals: Vec<Global>,
    /// The generated tags, in the order given.
    pub tags: Vec<Tag>,
}

/// A client-wide header the user sets once on the builder.
#[derive(Debug, Clone)]
pub struct Global {
    /// Wire name (`X-Plex-Client-Identifier`).
    pub header: String,
    /// Rust name of the builder method (`client_identifier`, from `x-speakeasy-name-override`).
    pub rust_name: String,
    /// Whether the server requires it.
    pub required: bool,
    /// Its description.
    pub description: String,
    /// The documented example value.
    pub example: Option<String>,
}

/// One tag: a module and an accessor on the client.
#[derive(Debug, Clone)]
pub struct Tag {
    /// The tag's name in the document (`Butler`).
    pub name: String,
    /// Module and accessor name (`butler`), also its cargo feature.
    pub module: String,
    /// Type name of the accessor struct (`Butler`).
    pub type_name: String,
    /// The tag's description.
    pub description: String,
    /// Its operations, in [`crate::openapi::walk::operations`] order (by path, then method).
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The `operationId`.
    pub operation_id: String,
    /// The method name (`start_task`).
    pub method_name: String,
    /// The request builder's type name (`StartTask`).
    pub builder_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// Path template.
    pub path: PathTemplate,
    /// Summary line.
    pub summary: String,
    /// Longer description.
    pub description: String,
    /// Parameters (the globals excluded).
    pub params: Vec<Param>,
    /// The request body, when it has one.
    pub body: Option<Body>,
    /// What a successful call returns.
    pub success: Success,
    /// Every documented response, by status.
    pub responses: Vec<ResponseDoc>,
    /// The `Accept` header to send.
    pub accept: String,
    /// The first (lowest) success status the document lists: what the examples and suites
    /// answer with.
    pub first_success: u16,
    /// An example success body (JSON), from the document's examples or made from the schema.
    pub example_body: Option<String>,
    /// The operation's own server (`https://plex.tv/api/v2`), when it has one.
    pub server: Option<String>,
    /// Whether the call carries the token (`security: []` or `[{}]` says it does not).
    pub sends_token: bool,
}

impl Operation {
    /// The Rust types it names: its parameters', its body's and its JSON success type.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        let success = match &self.success {
            Success::Json { ty } => Some(ty),
            _ => None,
        };
        self.params.iter().map(|p| &p.ty).chain(self.body.iter().map(|b| &b.ty)).chain(success)
    }

    /// Whether one of [`Operation::types`] is (or holds) a generated model.
    pub fn uses_models(&self) -> bool {
        self.types().any(|t| !t.models.is_empty())
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
}

impl Location {
    /// The OpenAPI name of the location (`path`, `query`, `header`).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// How a parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple` (path, header): lists comma-separated.
    Simple,
    /// `form`, exploded: a list repeats the name, an object's properties are parameters.
    Form,
    /// `form` with `explode: false`: a list or object comma-separated under the name.
    FormFlat,
    /// `deepObject`: `name[key]=value` per property.
    DeepObject,
}

/// The shape of a parameter's value, for examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean (a `BoolInt` too).
    Bool,
    /// A generated enum.
    Enum,
    /// A list of values.
    List(Box<Shape>),
    /// An object (a model or a map).
    Object,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// Rust name (snake case): the method argument, when it is required.
    pub rust_name: String,
    /// The name of its setter on the request (when it is optional): the Rust name, unless
    /// `Request` has a method of that name (`timeout` → `timeout_param`, see `names::beside`).
    pub setter_name: String,
    /// The name of its matcher on the mock: the Rust name, unless the mock's `When` has a
    /// method of that name (`header` → `header_value`).
    pub matcher_name: String,
    /// Where it goes.
    pub location: Location,
    /// How it is written.
    pub style: Style,
    /// Whether a `bool` is written as `1`/`0` (a `BoolInt`).
    pub bool_int: bool,
    /// Whether it must be given (required ones are method arguments, the rest setters).
    pub required: bool,
    /// Its description.
    pub description: String,
    /// Its Rust type.
    pub ty: TypeRef,
    /// The shape of its value.
    pub shape: Shape,
    /// The documented example value (the parameter's, else its schema's, else the first
    /// enum value).
    pub example: Option<Value>,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `text/*`: a string.
    Text,
    /// Anything else: bytes.
    Bytes,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Its media type.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// The Rust type of the argument.
    pub ty: TypeRef,
    /// Whether it must be given (a method argument), else a setter `.body(..)`.
    pub required: bool,
    /// Its description.
    pub description: String,
}

/// What a successful call gives back.
#[derive(Debug, Clone)]
pub enum Success {
    /// A JSON body decoded into a type.
    Json {
        /// The type.
        ty: TypeRef,
    },
    /// A text body (`text/plain`, subtitles): a `String`.
    Text,
    /// A binary body (images, audio, video, playlists): streamed.
    Binary,
    /// No body of interest and one documented success status: `()`.
    Unit,
    /// No body of interest and several documented success statuses: an enum of them.
    Status {
        /// The enum's name (`StartTaskStatus`).
        type_name: String,
        /// The documented statuses and their descriptions.
        variants: Vec<(u16, String)>,
    },
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct ResponseDoc {
    /// Status code or range (`200`, `4XX`, `default`).
    pub status: String,
    /// Its description.
    pub description: String,
    /// Its media types.
    pub content_types: Vec<String>,
    /// Its documented headers (name, description).
    pub headers: Vec<(String, String)>,
}
