//! Step 1 of the pipeline: read an OpenAPI document (YAML or JSON, OpenAPI 3.0.x or 3.1.x)
//! into a `serde_json::Value`, keeping the source text so later steps can point at lines.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::pointer::{escape_segment, pointer_segments};
use crate::error::{Error, Result, SourceLocation};

/// A loaded document: its name, its source text and its parsed value.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name errors use for it (the path it was read from).
    pub file: PathBuf,
    /// The source text, for mapping JSON pointers back to lines.
    pub text: String,
    /// The parsed document.
    pub value: Value,
}

impl Document {
    /// A [`SourceLocation`] for the node at `pointer`, with its line when it can be found.
    /// When the node itself cannot be found in the text (a flow-style `[a, b]` item, say), the
    /// position is that of its nearest ancestor that can.
    /// The whole document (pointer `""`), and a node none of whose ancestors can be found, are
    /// placed at the first line.
    pub fn locate(&self, pointer: &str) -> Box<SourceLocation> {
        locate_in(&self.file, &self.text, pointer)
    }

    /// A spec error at `pointer`.
    pub fn error(&self, pointer: &str, message: impl Into<String>, help: Option<&str>) -> Error {
        Error::Spec { location: self.locate(pointer), message: message.into(), help: help.map(str::to_string) }
    }

    /// The `openapi` version string of the document.
    pub fn openapi_version(&self) -> Option<&str> {
        self.value.get("openapi").and_then(Value::as_str)
    }
}

/// [`Document::locate`] on a file's text, before it has been parsed.
fn locate_in(file: &Path, text: &str, pointer: &str) -> Box<SourceLocation> {
    let mut probe = pointer;
    let mut position = position_of_pointer(text, probe);
    while position.is_none() && !probe.is_empty() {
        probe = probe.rsplit_once('/').map_or("", |(parent, _)| parent);
        position = if probe.is_empty() { None } else { position_of_pointer(text, probe) };
    }
    let (line, column) = position.unwrap_or((1, 1));
    Box::new(SourceLocation {
        file: file.to_path_buf(),
        line: Some(line),
        column: Some(column),
        pointer: pointer.to_string(),
        snippet: source_line(text, line),
    })
}

/// The 1-based `line` of `text`, without its line break and trailing blanks.
fn source_line(text: &str, line: usize) -> Option<String> {
    text.lines().nth(line.checked_sub(1)?).map(|l| l.trim_end().to_string())
}

/// Reads and parses the document at `path`.
pub fn load(path: &Path) -> Result<Document> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    parse(path, text)
}

/// Parses `text` as the document named `file`: JSON when it starts with `{`, YAML otherwise.
pub fn parse(file: impl Into<PathBuf>, text: String) -> Result<Document> {
    let file = file.into();
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(&text).map_err(|e| json_error(&file, &text, &e))?
    } else {
        if let Some((line, column)) = flow_too_deep(&text, MAX_FLOW_DEPTH) {
            return Err(Error::Syntax {
                location: Box::new(SourceLocation {
                    file,
                    line: Some(line),
                    column: Some(column),
                    pointer: String::new(),
                    snippet: source_line(&text, line),
                }),
                format: "YAML",
                message: format!("nesting limit exceeded: flow collections nested more than {MAX_FLOW_DEPTH} deep"),
                help: TOO_DEEP,
            });
        }
        yaml_to_json(serde_norway::from_str::<serde_norway::Value>(&text).map_err(|e| yaml_error(&file, &text, &e))?)
    };
    let doc = Document { file, text, value };
    check_version(&doc)?;
    Ok(doc)
}

/// YAML flow collections (`[`, `{`) nested deeper than this are refused before the YAML parser
/// reads them: its time grows with the square of the nesting depth (20,000 levels on one line
/// take seconds), and the deserializer refuses more than 128 levels of any nesting anyway.
pub const MAX_FLOW_DEPTH: usize = 1_000;

/// The 1-based line and column of the `[` or `{` that nests flow collections deeper than
/// `limit`, counting the brackets outside comments and quoted scalars. Brackets inside plain
/// scalars count too, so the limit is far above what the deserializer accepts.
fn flow_too_deep(text: &str, limit: usize) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1, 0);
    let (mut quote, mut comment, mut previous) = (None, false, '\n');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        match (c, quote) {
            ('\n', _) => (line, column, comment) = (line + 1, 0, false),
            _ if comment => {}
            ('\\', Some('"')) => {
                chars.next();
                column += 1;
            }
            ('\'', Some('\'')) if chars.peek() == Some(&'\'') => {
                chars.next();
                column += 1;
            }
            (q, Some(open)) if q == open => quote = None,
            (_, Some(_)) => {}
            ('#', None) if previous.is_whitespace() => comment = true,
            ('"' | '\'', None) if previous.is_whitespace() || ":,[{-".contains(previous) => quote = Some(c),
            ('[' | '{', None) => {
                depth += 1;
                if depth > limit {
                    return Some((line, column));
                }
            }
            (']' | '}', None) => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

/// A JSON syntax error at the parser's line and column (serde_json counts the column in
/// bytes; reports count characters).
fn json_error(file: &Path, text: &str, error: &serde_json::Error) -> Error {
    let line = error.line().max(1);
    let snippet = source_line(text, line);
    let column = snippet.as_deref().map_or(error.column(), |l| char_column(l, error.column()));
    let message = strip_position_suffix(&error.to_string());
    Error::Syntax {
        location: Box::new(SourceLocation {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column).filter(|c| *c > 0),
            pointer: String::new(),
            snippet,
        }),
        format: "JSON",
        help: help_for(&message, "check the brackets, commas and quotes at that line"),
        message,
    }
}

/// The 1-based character column of the 1-based byte column `byte_column` of `line`.
fn char_column(line: &str, byte_column: usize) -> usize {
    let mut end = byte_column.saturating_sub(1).min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].chars().count() + 1
}

/// A YAML error where the parser stopped. Most errors carry that mark; the ones that do not
/// (the alias-expansion limit, several documents in one file) are placed by parsing again
/// while tracking the path of the node being read, then at that node's line (or line 1).
fn yaml_error(file: &Path, text: &str, error: &serde_norway::Error) -> Error {
    let location = match error.location() {
        Some(mark) => {
            let line = Some(mark.line()).filter(|l| *l > 0);
            Box::new(SourceLocation {
                file: file.to_path_buf(),
                line,
                column: Some(mark.column()).filter(|c| *c > 0),
                pointer: String::new(),
                snippet: line.and_then(|l| source_line(text, l)),
            })
        }
        None => locate_in(file, text, &yaml_stop_pointer(text)),
    };
    let message = strip_position_suffix(&error.to_string());
    let help = help_for(&message, "check the indentation and quoting at that line");
    Error::Syntax { location, format: "YAML", message, help }
}

/// The help for a parser's `message`: [`TOO_DEEP`] past one of its limits (the parsers'
/// only signal for their recursion and alias-expansion limits is the message), else `usual`.
fn help_for(message: &str, usual: &'static str) -> &'static str {
    if message.contains("limit exceeded") { TOO_DEEP } else { usual }
}

/// The help of a document that nests or repeats past a parser limit.
const TOO_DEEP: &str = "the document nests or repeats too deeply (an alias bomb?); simplify it";

/// The JSON pointer of the node the YAML deserializer was reading when it failed.
fn yaml_stop_pointer(text: &str) -> String {
    let deserializer = serde_norway::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, serde_norway::Value>(deserializer) {
        Ok(_) => String::new(),
        Err(e) => e
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
                serde_path_to_error::Segment::Map { key } => Some(format!("/{}", escape_segment(key))),
                _ => None,
            })
            .collect(),
    }
}

fn strip_position_suffix(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn check_version(doc: &Document) -> Result<()> {
    if !doc.value.is_object() {
        return Err(doc.error(
            "",
            "the document is not a mapping",
            Some("an OpenAPI document is an object with `openapi`, `info` and `paths`"),
        ));
    }
    match doc.value.get("openapi") {
        None if doc.value.get("swagger").is_some() => Err(doc.error(
            "/swagger",
            "this is a Swagger 2.0 document; the generator reads OpenAPI 3.0 and 3.1",
            Some("convert it to OpenAPI 3 first (for example with `swagger2openapi`)"),
        )),
        None => Err(doc.error(
            "",
            "no `openapi` version field",
            Some("add `openapi: 3.1.1` (or a 3.0.x version) at the top"),
        )),
        Some(Value::String(v)) if v.starts_with("3.0.") || v.starts_with("3.1.") => Ok(()),
        Some(other) => Err(doc.error(
            "/openapi",
            format!("unsupported OpenAPI version {other}"),
            Some("the generator reads OpenAPI 3.0.x and 3.1.x (Swagger 2.0 must be converted first)"),
        )),
    }
}

/// Converts a YAML value to JSON. Mapping keys that are not strings (YAML allows `200:`)
/// become their string form, as OpenAPI means them.
fn yaml_to_json(value: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (k, v) in mapping {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    other => serde_norway::to_string(&other).unwrap_or_default().trim().to_string(),
                };
                map.insert(key, yaml_to_json(v));
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

/// Best-effort: the 1-based line and column of the node at `pointer` in YAML or pretty-printed
/// JSON text, found by following keys (and list items) at increasing indentation.
pub fn position_of_pointer(text: &str, pointer: &str) -> Option<(usize, usize)> {
    if text.trim_start().starts_with('{') { json_position(text, pointer) } else { yaml_position(text, pointer) }
}

/// The position of the node at `pointer` in JSON text: the key of an object member, or the
/// first character of an array element (found by scanning, so any layout works).
fn json_position(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let target = pointer_segments(pointer);
    let bytes = text.as_bytes();
    let mut scanner = JsonScanner { bytes, at: 0 };
    scanner.skip_ws();
    let mut depth = 0;
    let mut found = position(text, scanner.at);
    while depth < target.len() {
        match bytes.get(scanner.at)? {
            b'{' => {
                scanner.at += 1;
                loop {
                    scanner.skip_ws();
                    if bytes.get(scanner.at)? == &b'}' {
                        return None;
                    }
                    let key_at = scanner.at;
                    let key: String = serde_json::from_str(scanner.string()?).ok()?;
                    scanner.skip_ws();
                    scanner.at += 1; // ':'
                    scanner.skip_ws();
                    if key == target[depth] {
                        found = position(text, key_at);
                        break;
                    }
                    scanner.value()?;
                    scanner.skip_ws();
                    if bytes.get(scanner.at)? == &b',' {
                        scanner.at += 1;
                    }
                }
            }
            b'[' => {
                let index: usize = target[depth].parse().ok()?;
                scanner.at += 1;
                for _ in 0..index {
                    scanner.skip_ws();
                    scanner.value()?;
                    scanner.skip_ws();
                    if bytes.get(scanner.at)? != &b',' {
                        return None;
                    }
                    scanner.at += 1;
                }
                scanner.skip_ws();
                found = position(text, scanner.at);
            }
            _ => return None,
        }
        depth += 1;
    }
    Some(found)
}

/// 1-based line and column of byte `at`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct JsonScanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> JsonScanner<'a> {
    fn skip_ws(&mut self) {
        while self.bytes.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// The raw text of the string starting here (quotes included), moving past it.
    fn string(&mut self) -> Option<&'a str> {
        let start = self.at;
        if self.bytes.get(self.at)? != &b'"' {
            return None;
        }
        self.at += 1;
        loop {
            match self.bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return std::str::from_utf8(&self.bytes[start..self.at]).ok();
                }
                _ => self.at += 1,
            }
        }
    }

    /// Moves past one value of any kind.
    fn value(&mut self) -> Option<()> {
        match self.bytes.get(self.at)? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.bytes.get(self.at)? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while self.bytes.get(self.at).is_some_and(|b| !b",}] \t\r\n".contains(b)) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

/// The position of the node at `pointer` in YAML text, following keys and `- ` items at
/// increasing indentation.
fn yaml_position(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            (l.len() - t.len(), t)
        })
        .collect();
    // The current node: its line (None for the root), its indentation, and whether it is a
    // `- ` list item (whose first key sits on its own line, two columns in).
    let mut node: Option<usize> = None;
    let mut indent: isize = -1;
    let mut is_item = false;
    for segment in pointer_segments(pointer) {
        let mut candidates: Vec<(usize, usize, &str)> = Vec::new();
        if let (Some(p), true) = (node, is_item) {
            candidates.push((p, indent as usize + 2, &lines[p].1[2..]));
        }
        for (i, &(ind, t)) in lines.iter().enumerate().skip(node.map_or(0, |p| p + 1)) {
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let deeper = ind as isize > indent;
            let compact_item = ind as isize == indent && t.starts_with("- ") && !is_item;
            if !deeper && !compact_item {
                break;
            }
            candidates.push((i, ind, t));
        }
        let child_indent = candidates.first()?.1;
        let mut hit = None;
        if let Ok(n) = segment.parse::<usize>() {
            hit = candidates
                .iter()
                .filter(|c| c.1 == child_indent && c.2.starts_with('-'))
                .nth(n)
                .map(|c| (c.0, c.1, true));
        }
        if hit.is_none() {
            let keys =
                [format!("{segment}:"), format!("'{segment}':"), format!("\"{segment}\":"), format!("\"{segment}\" :")];
            hit = candidates
                .iter()
                .filter(|c| c.1 == child_indent)
                .find(|c| keys.iter().any(|k| c.2.starts_with(k.as_str())))
                .map(|c| (c.0, c.1, false));
        }
        let (line, ind, item) = hit?;
        node = Some(line);
        indent = ind as isize;
        is_item = item;
    }
    node.map(|n| (n + 1, indent.max(0) as usize + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of_pointer(text: &str, pointer: &str) -> Option<usize> {
        position_of_pointer(text, pointer).map(|p| p.0)
    }

    const YAML: &str = "openapi: 3.1.1\npaths:\n  /a:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: y\n          in: header\n";

    #[test]
    fn yaml_integer_keys_become_strings() {
        let doc = parse("t.yaml", "openapi: 3.0.3\nresponses:\n  200:\n    description: ok\n".into()).unwrap();
        assert_eq!(doc.value["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn pointers_map_to_lines() {
        assert_eq!(line_of_pointer(YAML, "/paths/~1a/get"), Some(4));
        assert_eq!(line_of_pointer(YAML, "/paths/~1a/get/parameters/1"), Some(8));
        assert_eq!(line_of_pointer(YAML, "/paths/~1a/get/parameters/1/in"), Some(9));
        assert_eq!(line_of_pointer(YAML, "/paths/~1b"), None);
    }

    #[test]
    fn json_pointers_map_to_lines_and_columns() {
        let json = "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n    \"/a\": { \"get\": { \"parameters\": [ {\"name\": \"x\"}, {\"name\": \"y\"} ] } }\n  }\n}";
        assert_eq!(position_of_pointer(json, "/paths"), Some((3, 3)));
        assert_eq!(position_of_pointer(json, "/paths/~1a/get"), Some((4, 13)));
        assert_eq!(position_of_pointer(json, "/paths/~1a/get/parameters/1"), Some((4, 53)));
        assert_eq!(position_of_pointer(json, "/paths/~1b"), None);
    }

    #[test]
    fn rejects_swagger_2() {
        let err = parse("old.yaml", "swagger: '2.0'\n".into()).unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
        let err = parse("old.yaml", "openapi: 2.0.0\n".into()).unwrap_err();
        assert!(err.to_string().starts_with("old.yaml:1:1 (at /openapi): unsupported OpenAPI version"), "{err}");
    }

    #[test]
    fn deep_flow_nesting_is_refused_where_it_passes_the_limit() {
        assert_eq!(flow_too_deep("a: [[[]]]\n", 3), None);
        assert_eq!(flow_too_deep("a: [[[[]]]]\n", 3), Some((1, 7)));
        // Brackets in comments and quoted scalars do not nest anything.
        let text = "a: '[[[[' # {{{{\nb: \"{{{{\\\"[[[[\"\nc: 'it''s [[[['\nd: [x, '[[[[']\n";
        assert_eq!(flow_too_deep(text, 1), None);
        assert_eq!(flow_too_deep("x:\n  - {a: {b: [1]}}\n", 2), Some((2, 13)));
        let err = parse("deep.yaml", format!("openapi: 3.1.0\nx: {}1\n", "{a: ".repeat(5000))).unwrap_err();
        assert!(err.to_string().starts_with("deep.yaml:2:4004: not valid YAML: nesting limit exceeded"), "{err}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse("bad.yaml", "openapi: 3.1.0\npaths: [\n".into()).unwrap_err();
        let Error::Syntax { location, format, .. } = err else { panic!("{err:?}") };
        assert_eq!(format, "YAML");
        assert!(location.line.is_some());
        let err = parse("bad.json", "{\"openapi\": }".into()).unwrap_err();
        assert!(err.to_string().starts_with("bad.json:1:"), "{err}");
    }
}
