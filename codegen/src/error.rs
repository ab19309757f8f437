//! The one error type of the generator: every failure names the document and, where it
//! concerns a node of the document, its JSON pointer and source line.

use std::path::PathBuf;

/// Where in a document a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The document's file name, as given to the loader.
    pub file: PathBuf,
    /// 1-based line of the node, when it could be found in the source text.
    pub line: Option<usize>,
    /// 1-based column of the node, when known.
    pub column: Option<usize>,
    /// JSON pointer (RFC 6901) of the offending node; empty for the whole document.
    pub pointer: String,
}

impl std::fmt::Display for Location {
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
        } else {
            write!(f, " (at the document root)")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong between reading a document and writing Rust.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not well-formed YAML or JSON.
    #[error("{location}: not valid {format}: {message}")]
    Syntax {
        /// Where.
        location: Box<Location>,
        /// "YAML" or "JSON".
        format: &'static str,
        /// The parser's message.
        message: String,
    },
    /// The document parses but breaks a rule the generator relies on.
    #[error("{location}: {message}{}", help.as_ref().map(|h| format!("\n  help: {h}")).unwrap_or_default())]
    Spec {
        /// Where.
        location: Box<Location>,
        /// One-line reason.
        message: String,
        /// How to fix it, where there is an obvious fix.
        help: Option<String>,
    },
    /// progenitor or typify refused (or panicked on) the normalised document.
    #[error("{location}: the type generator failed: {message}")]
    Generator {
        /// Where (the operation or schema being generated, when known).
        location: Box<Location>,
        /// What it said.
        message: String,
    },
    /// Emitted Rust did not parse (a bug in the generator).
    #[error("generated Rust for {file} does not parse: {message}")]
    Emit {
        /// The generated file.
        file: String,
        /// syn's message.
        message: String,
    },
}

/// Result alias for the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;
