//! The path template of an operation (`/library/sections/{sectionId}/refresh`), parsed once:
//! validation, the emitter and the reference pages all read this type.

/// One piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text sent as it is.
    Literal(String),
    /// `{name}`: a path parameter's value, encoded.
    Param(String),
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as written.
    pub raw: String,
    /// Its pieces, in order.
    pub parts: Vec<Part>,
}

impl PathTemplate {
    /// Parses `raw`; the error says what is wrong (an unclosed `{`, an empty or nested name).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = raw;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                return Err(format!("the path `{raw}` has an unclosed `{{`"));
            };
            let name = &rest[start + 1..start + len];
            if name.is_empty() || name.contains('{') {
                return Err(format!("the path `{raw}` has an empty or nested `{{…}}`"));
            }
            if start > 0 {
                parts.push(Part::Literal(rest[..start].to_string()));
            }
            parts.push(Part::Param(name.to_string()));
            rest = &rest[start + len + 1..];
        }
        if rest.contains('}') {
            return Err(format!("the path `{raw}` has a `}}` without its `{{`"));
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(PathTemplate { raw: raw.to_string(), parts })
    }

    /// The names of its parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Param(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The template with each parameter replaced by `value(name)` (for examples and docs).
    pub fn fill(&self, mut value: impl FnMut(&str) -> String) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(text) => text.clone(),
                Part::Param(name) => value(name),
            })
            .collect()
    }

    /// A `format!` string with one `{}` per parameter, braces in literals escaped.
    pub fn format_string(&self) -> String {
        self.fill(|_| "\u{0}".into()).replace('{', "{{").replace('}', "}}").replace('\u{0}', "{}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_literals_and_parameters() {
        let t = PathTemplate::parse("/library/metadata/{ids}/media/{mediaItem}").unwrap();
        assert_eq!(t.params().collect::<Vec<_>>(), ["ids", "mediaItem"]);
        assert_eq!(t.format_string(), "/library/metadata/{}/media/{}");
        assert_eq!(t.fill(|n| format!("<{n}>")), "/library/metadata/<ids>/media/<mediaItem>");
    }

    #[test]
    fn a_template_without_parameters_is_one_literal() {
        let t = PathTemplate::parse("/butler").unwrap();
        assert_eq!(t.parts, [Part::Literal("/butler".into())]);
        assert_eq!(t.format_string(), "/butler");
    }

    #[test]
    fn malformed_templates_are_refused() {
        assert!(PathTemplate::parse("/a/{b").unwrap_err().contains("unclosed"));
        assert!(PathTemplate::parse("/a/{}").unwrap_err().contains("empty"));
        assert!(PathTemplate::parse("/a/b}").unwrap_err().contains("without"));
    }
}
