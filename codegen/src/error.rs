//! The one error type of the generator: every failure names the document and, where it
//! concerns a node of the document, its JSON pointer and source line.

use std::path::PathBuf;

/// Where in a document a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The document's file name, as given to the loader.
    pub file: PathBuf,
    /// 1-based line of the node, when it could be found in the source text.
    pub line: Option<usize>,
    /// 1-based column of the node, when known.
    pub column: Option<usize>,
    /// JSON pointer (RFC 6901) of the offending node; empty for the whole document.
    pub pointer: String,
    /// The source line, for showing it under the message.
    pub snippet: Option<String>,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong between reading a document and writing Rust. `Display` is the
/// location (when there is one), the reason and the help, each written once below.
#[derive(Debug)]
pub enum Error {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The text is not well-formed YAML or JSON.
    Syntax {
        /// Where.
        location: Box<SourceLocation>,
        /// "YAML" or "JSON".
        format: &'static str,
        /// The parser's message.
        message: String,
        /// How to fix it.
        help: &'static str,
    },
    /// The document parses but breaks a rule the generator relies on.
    Spec {
        /// Where.
        location: Box<SourceLocation>,
        /// One-line reason.
        message: String,
        /// How to fix it, where there is an obvious fix.
        help: Option<String>,
    },
    /// typify refused (or panicked on) a schema of the prepared document.
    Generator {
        /// Where (the operation or schema being generated, when known).
        location: Box<SourceLocation>,
        /// What it said.
        message: String,
    },
    /// The emitter could not write a file: its Rust did not parse, or the model broke an
    /// invariant the emitter relies on (a bug in the generator).
    Emit {
        /// The generated file.
        file: String,
        /// What went wrong.
        message: String,
    },
}

/// Result alias for the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(location) = self.location() {
            write!(f, "{location}: ")?;
        }
        write!(f, "{}", self.reason())?;
        match self {
            Error::Spec { help: Some(help), .. } => write!(f, "\n  help: {help}"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    /// Where the problem is, when it concerns a document.
    pub fn location(&self) -> Option<&SourceLocation> {
        match self {
            Error::Syntax { location, .. } | Error::Spec { location, .. } | Error::Generator { location, .. } => {
                Some(location)
            }
            Error::Io { .. } | Error::Emit { .. } => None,
        }
    }

    /// The one-line reason, without the location.
    pub fn reason(&self) -> String {
        match self {
            Error::Io { path, source } => format!("cannot read {}: {source}", path.display()),
            Error::Syntax { format, message, .. } => format!("not valid {format}: {message}"),
            Error::Spec { message, .. } => message.clone(),
            Error::Generator { message, .. } => format!("the type generator failed: {message}"),
            Error::Emit { file, message } => format!("cannot write {file}: {message}"),
        }
    }

    /// The suggested fix, if there is one.
    pub fn help(&self) -> Option<&str> {
        match self {
            Error::Spec { help, .. } => help.as_deref(),
            Error::Syntax { help, .. } => Some(help),
            Error::Generator { .. } => {
                Some("simplify or rewrite the schema at that place; the generator does not support it as written")
            }
            Error::Io { .. } | Error::Emit { .. } => None,
        }
    }

    /// A multi-line report: the reason, the file, line, column and pointer, the source line
    /// with a caret under the node, and the help.
    pub fn report(&self) -> String {
        let mut out = format!("error: {}\n", self.reason());
        if let Some(location) = self.location() {
            out.push_str(&format!("  --> {location}\n"));
            if let (Some(line), Some(snippet)) = (location.line, &location.snippet) {
                let width = line.to_string().len();
                let (shown, offset) = window(snippet, location.column.unwrap_or(1));
                let caret = format!("{}^", " ".repeat(offset));
                out.push_str(&format!("{:width$} |\n{line} | {shown}\n{:width$} | {caret}\n", "", ""));
            }
        }
        if let Some(help) = self.help() {
            out.push_str(&format!("  = help: {help}\n"));
        }
        out
    }
}

/// How many characters of the source line a report shows on each side of the caret.
pub const SNIPPET_RADIUS: usize = 60;

/// The part of `line` a report shows: at most [`SNIPPET_RADIUS`] characters either side of the
/// 1-based `column` (clamped to the line), with `…` where text was cut. Returns it with the
/// caret's offset in characters. Works on characters, so it never splits one.
pub fn window(line: &str, column: usize) -> (String, usize) {
    let length = line.chars().count();
    let caret = column.max(1).min(length.max(1)) - 1;
    let start = caret.saturating_sub(SNIPPET_RADIUS);
    let end = (caret + SNIPPET_RADIUS + 1).min(length);
    if start == 0 && end == length {
        return (line.to_string(), caret);
    }
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(end - start));
    if end < length {
        shown.push('…');
    }
    (shown, caret - start + usize::from(start > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_shown_whole() {
        assert_eq!(window("  get:", 3), ("  get:".to_string(), 2));
        assert_eq!(window("", 1), (String::new(), 0));
        // A column past the end (an error at the end of the line) points at its last character.
        assert_eq!(window("abc", 9), ("abc".to_string(), 2));
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (shown, offset) = window(&line, 501);
        assert_eq!(shown, format!("…{}X{}…", "a".repeat(60), "b".repeat(60)));
        assert_eq!(shown.chars().nth(offset), Some('X'));
        let (shown, offset) = window(&line, 1);
        assert_eq!((shown.chars().count(), offset), (62, 0));
        assert!(shown.starts_with('a') && shown.ends_with('…'));
        let (shown, offset) = window(&line, 1001);
        assert!(shown.starts_with('…') && shown.ends_with('b'), "{shown}");
        assert_eq!(shown.chars().nth(offset), Some('b'));
    }

    #[test]
    fn cuts_between_characters_not_bytes() {
        let line = "é".repeat(300);
        let (shown, offset) = window(&line, 150);
        assert_eq!(shown.chars().count(), 123);
        assert_eq!(offset, 61);
    }
}
