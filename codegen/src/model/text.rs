//! Document text as it goes into Rust: names as they are, prose for rustdoc.

use serde_json::Value;

/// A name or value from the document as it is (trimmed): wire names are never escaped.
pub(crate) fn name(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().trim().to_string()
}

/// Document prose as it goes into rustdoc and the reference pages: trimmed, and a fenced block
/// without a language marked `text` (rustdoc would compile it as Rust).
pub(crate) fn text(v: Option<&Value>) -> String {
    let raw = v.and_then(Value::as_str).unwrap_or_default().trim();
    let mut open = false;
    let lines: Vec<String> = raw
        .lines()
        .map(|line| {
            let fence = line.trim_start().starts_with("```");
            if !fence {
                return line.to_string();
            }
            open = !open;
            if open && line.trim() == "```" { line.replace("```", "```text") } else { line.to_string() }
        })
        .collect();
    escape_brackets(&lines.join("\n"))
}

/// `[` and `]` escaped where they do not make a Markdown link (`[text](url)`): rustdoc would
/// read `[HH:MM:SS]` or `[type]` as a link to a Rust item. Code spans and blocks are left alone.
pub fn escape_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut in_block = false;
    let chars: Vec<char> = text.chars().collect();
    let mut link_close: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        if c == '`' {
            let fence = chars[i..].iter().take(3).all(|&x| x == '`');
            if fence && (i == 0 || chars[i - 1] == '\n') {
                in_block = !in_block;
            } else if !in_block {
                in_code = !in_code;
            }
        }
        let literal = in_code || in_block;
        match c {
            '[' if !literal => match closing_link(&chars, i) {
                Some(close) => {
                    link_close = Some(close);
                    out.push(c);
                }
                None => out.push_str("\\["),
            },
            ']' if !literal && link_close == Some(i) => {
                link_close = None;
                out.push(c);
            }
            ']' if !literal => out.push_str("\\]"),
            _ => out.push(c),
        }
    }
    out
}

/// Where the `]` of a Markdown link that starts at `open` is (`[text](`), if it is one.
fn closing_link(chars: &[char], open: usize) -> Option<usize> {
    let close = open + chars[open..].iter().position(|&c| c == ']' || c == '\n')?;
    (chars[close] == ']' && chars.get(close + 1) == Some(&'(')).then_some(close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_are_escaped_except_in_links_and_code() {
        assert_eq!(escape_brackets("YYYY-MM-DD [HH:MM:SS]"), "YYYY-MM-DD \\[HH:MM:SS\\]");
        assert_eq!(escape_brackets("see [the docs](https://x.y)"), "see [the docs](https://x.y)");
        assert_eq!(escape_brackets("`a[0]` and\n```\nb[1]\n```"), "`a[0]` and\n```\nb[1]\n```");
    }

    #[test]
    fn untagged_fences_become_text() {
        let text = super::text(Some(&Value::from("Sample\n```\n<root/>\n```\nand ```rust\nx\n```")));
        assert!(text.starts_with("Sample\n```text\n<root/>\n```"), "{text}");
    }
}
