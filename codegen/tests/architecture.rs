//! The import rules of `codegen/src`, as ARCHITECTURE.md states them ("Import rules"), held
//! against the code: every `use` line and every `crate::`/`super::` path outside `quote!` and
//! test modules is resolved to the file it reaches, each file's folder may import only the
//! folders its rule lists, nothing imports the crate root, and no two files import each other,
//! however indirectly. A failure names the file, the line and the rule it breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One file of the crate: its path below `src/` and its text.
type Source = (String, String);

/// A file's folder as the rules write it: `openapi/` for a file in a folder, `names` for a
/// leaf file, `lib` for the crate root.
fn folder_of(path: &str) -> String {
    match path.split_once('/') {
        Some((folder, _)) => format!("{folder}/"),
        None => path.trim_end_matches(".rs").to_string(),
    }
}

/// The module path of a file below `src/` (`lib.rs` is the root, `x/mod.rs` is `x`).
fn module_of(path: &str) -> Vec<String> {
    let trimmed = path.trim_end_matches(".rs");
    let mut parts: Vec<String> = trimmed.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// `text` with comments, string and char literals blanked (newlines kept, so offsets keep
/// their lines).
fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let start = i;
        if b[i..].starts_with(b"//") {
            i += b[i..].iter().position(|&c| c == b'\n').unwrap_or(b.len() - i);
        } else if b[i..].starts_with(b"/*") {
            i += b[i..].windows(2).position(|w| w == b"*/").map_or(b.len() - i, |p| p + 2);
        } else if b[i] == b'r' && (b[i + 1..].starts_with(b"\"") || b[i + 1..].starts_with(b"#")) {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if b.get(i + 1 + hashes) != Some(&b'"') {
                i += 1;
                continue;
            }
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            let body = i + 2 + hashes;
            i = body + b[body..].windows(close.len()).position(|w| w == close.as_slice()).unwrap_or(b.len() - body);
            i += close.len();
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if b[i] == b'\'' && (b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\')) {
            i += 1 + b[i + 1..].iter().position(|&c| c == b'\'').unwrap_or(0) + 1;
        } else {
            i += 1;
            continue;
        }
        let end = i.min(b.len());
        blank(&mut out, start, end);
        i = end;
    }
    String::from_utf8(out).expect("masking keeps UTF-8 boundaries of ASCII")
}

/// Where the balanced group that opens at `open` (`{`, `(` or `[`) closes.
fn group_end(b: &[u8], open: usize) -> usize {
    let (mut depth, mut i) = (0usize, open);
    while i < b.len() {
        match b[i] {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Blanks the regions that are not this crate's own code: test modules (`#[cfg(test)]`) and
/// the Rust that `quote!`/`parse_quote!` write for the generated crate.
fn code_only(masked: &str) -> String {
    let mut out = masked.as_bytes().to_vec();
    let mut cut = |from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let b = masked.as_bytes();
    for (at, _) in masked.match_indices("#[cfg(test)]") {
        if let Some(open) = masked[at..].find('{') {
            cut(at, group_end(b, at + open));
        }
    }
    for mac in ["quote!", "parse_quote!", "quote_spanned!"] {
        for (at, _) in masked.match_indices(mac) {
            let rest = at + mac.len();
            if let Some(offset) = masked[rest..].find(|c: char| !c.is_whitespace()) {
                cut(at, group_end(b, rest + offset));
            }
        }
    }
    String::from_utf8(out).expect("ASCII blanks")
}

/// The paths one `use` tree names (`a::{b, c::{d}}` → `a::b`, `a::c::d`), `self` folded.
fn expand(tree: &str) -> Vec<String> {
    let words: Vec<&str> = tree.split_whitespace().collect();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i] == "as" {
            // `x as y,` / `x as y}`: the alias goes, what follows it stays.
            let alias = words.get(i + 1).copied().unwrap_or_default();
            kept.push(alias.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'));
            i += 2;
            continue;
        }
        kept.push(words[i]);
        i += 1;
    }
    let tree: String = kept.concat();
    let Some(open) = tree.find('{') else {
        return vec![tree.trim_end_matches("::self").to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len() - 1];
    let (mut parts, mut depth, mut last) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[last..i]);
                last = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[last..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            expand(p)
                .into_iter()
                .map(|e| if e == "self" { prefix.trim_end_matches("::").to_string() } else { format!("{prefix}{e}") })
        })
        .collect()
}

/// Every path of `code` that may name a module of this crate, with its line: the `use` trees,
/// then `crate::…`/`super::…` paths written in place.
fn paths_in(code: &str) -> Vec<(usize, String)> {
    let line_at = |offset: usize| code[..offset].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut in_use = Vec::new();
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices("use ") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            continue;
        }
        let Some(end) = code[at..].find(';') else { continue };
        in_use.push((at, at + end));
        out.extend(expand(&code[at + 4..at + end]).into_iter().map(|p| (line_at(at), p)));
    }
    let mut i = 0;
    while let Some(found) = code[i..].find(['c', 's']) {
        let at = i + found;
        i = at + 1;
        let word_start =
            at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':');
        let rest = &code[at..];
        if !word_start || !(rest.starts_with("crate::") || rest.starts_with("super::")) {
            continue;
        }
        if in_use.iter().any(|&(s, e)| at >= s && at < e) {
            continue;
        }
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
        out.push((line_at(at), rest[..len].trim_end_matches(':').to_string()));
        i = at + len;
    }
    out
}

/// The file `path` reaches from module `from`, if it is one of `modules` (longest prefix).
fn resolve<'a>(from: &[String], path: &str, modules: &'a BTreeMap<Vec<String>, String>) -> Option<&'a String> {
    let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = match segments.first()? {
        &"crate" => Vec::new(),
        &"self" => from.to_vec(),
        &"super" => from.to_vec(),
        first => {
            let mut child = from.to_vec();
            child.push(first.to_string());
            if !modules.contains_key(&child) {
                return None;
            }
            from.to_vec()
        }
    };
    let mut rest = match segments[0] {
        "crate" | "self" => &segments[1..],
        _ => &segments[..],
    };
    while rest.first() == Some(&"super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut best = modules.get(&base);
    for segment in rest {
        base.push(segment.to_string());
        match modules.get(&base) {
            Some(file) => best = Some(file),
            None => break,
        }
    }
    best
}

/// The rules table of ARCHITECTURE.md's "Import rules": folder → the folders it may import.
fn rules(architecture: &str) -> BTreeMap<String, BTreeSet<String>> {
    let section =
        architecture.split("### Import rules").nth(1).expect("ARCHITECTURE.md has an `### Import rules` section");
    let ticked = |cell: &str| cell.split('`').skip(1).step_by(2).map(str::to_string).collect::<BTreeSet<_>>();
    section
        .lines()
        .take_while(|l| !l.starts_with("##"))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').collect();
            let folder = ticked(cells[1]).into_iter().next().expect("a folder in the first column");
            (folder, ticked(cells[2]))
        })
        .collect()
}

/// Every broken rule in `files`, as `src/file.rs:line: message`; empty when all hold.
fn violations(files: &[Source], rules: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let modules: BTreeMap<Vec<String>, String> = files.iter().map(|(p, _)| (module_of(p), p.clone())).collect();
    let mut out = Vec::new();
    let mut edges: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (path, text) in files {
        let from = module_of(path);
        let folder = folder_of(path);
        for (line, used) in paths_in(&code_only(&mask(text))) {
            let Some(target) = resolve(&from, &used, &modules) else { continue };
            if target == path {
                continue;
            }
            let to_folder = &folder_of(target);
            if target == "lib.rs" {
                out.push(format!(
                    "src/{path}:{line}: `{used}` imports the crate root; name the module that defines it"
                ));
            } else if *to_folder != folder
                && folder != "lib"
                && !rules.get(&folder).is_some_and(|r| r.contains(to_folder))
            {
                let allowed: Vec<&str> = rules.get(&folder).into_iter().flatten().map(String::as_str).collect();
                out.push(format!(
                    "src/{path}:{line}: `{used}` reaches `{to_folder}`, but `{folder}` may import only {} (ARCHITECTURE.md, Import rules)",
                    if allowed.is_empty() { "nothing".to_string() } else { allowed.join(", ") }
                ));
            }
            edges.entry(path.clone()).or_default().entry(target.clone()).or_insert(line);
        }
    }
    out.extend(cycles(&edges));
    out
}

/// Each import cycle between files, once, as the files it runs through.
fn cycles(edges: &BTreeMap<String, BTreeMap<String, usize>>) -> Vec<String> {
    let mut reported = BTreeSet::new();
    let mut out = Vec::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, trail)) = stack.pop() {
            for (next, line) in edges.get(&at).into_iter().flatten() {
                if next == start {
                    let mut key = trail.clone();
                    key.sort();
                    if reported.insert(key) {
                        let ring: Vec<String> = trail.iter().map(|f| format!("src/{f}")).collect();
                        out.push(format!(
                            "import cycle: {} → src/{start} (closed at src/{at}:{line})",
                            ring.join(" → ")
                        ));
                    }
                } else if seen.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    out
}

fn crate_files() -> Vec<Source> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<Source>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

fn architecture_rules() -> BTreeMap<String, BTreeSet<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ARCHITECTURE.md");
    rules(&std::fs::read_to_string(path).unwrap())
}

#[test]
fn every_folder_imports_only_what_its_rule_allows_and_no_file_cycle_remains() {
    let files = crate_files();
    let rules = architecture_rules();
    for (path, _) in &files {
        let folder = folder_of(path);
        assert!(
            folder == "lib" || rules.contains_key(&folder),
            "src/{path}: its folder `{folder}` has no rule in ARCHITECTURE.md"
        );
    }
    let broken = violations(&files, &rules);
    assert!(broken.is_empty(), "{} import rule(s) broken:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn a_planted_wrong_import_is_named_with_its_line() {
    let mut files = crate_files();
    let walk = files.iter_mut().find(|(p, _)| p == "openapi/walk.rs").expect("openapi/walk.rs");
    let line = walk.1.lines().count() + 1;
    walk.1.push_str("use crate::model::Api;\n");
    let broken = violations(&files, &architecture_rules());
    let expected =
        format!("src/openapi/walk.rs:{line}: `crate::model::Api` reaches `model/`, but `openapi/` may import only");
    assert!(broken.iter().any(|b| b.starts_with(&expected)), "{broken:#?}");
}

#[test]
fn a_planted_cycle_and_a_root_import_are_named() {
    let mut files = crate_files();
    let pointer = files.iter_mut().find(|(p, _)| p == "openapi/pointer.rs").unwrap();
    pointer.1.push_str("use super::walk::METHODS;\nfn f() -> crate::Result<()> { Ok(()) }\n");
    let broken = violations(&files, &architecture_rules());
    assert!(
        broken.iter().any(|b| b.starts_with("import cycle:") && b.contains("src/openapi/pointer.rs")),
        "{broken:#?}"
    );
    assert!(broken.iter().any(|b| b.contains("`crate::Result` imports the crate root")), "{broken:#?}");
}

#[test]
fn paths_are_read_from_use_trees_and_code_but_not_from_quote_strings_or_tests() {
    let code = "use crate::{a::{b, c}, d as e};\nfn f() { crate::x::y(); let s = \"crate::no\"; quote! { crate::runtime::Z } }\n#[cfg(test)]\nmod tests { use crate::t; }\n";
    let found: Vec<String> = paths_in(&code_only(&mask(code))).into_iter().map(|(_, p)| p).collect();
    assert_eq!(found, ["crate::a::b", "crate::a::c", "crate::d", "crate::x::y"]);
}

/// The generated SDK names the runtime only through `crate::contract` (plex-sdk's one file of
/// the generator/runtime contract): every `crate::…` path in its code (docs aside) goes there
/// or to another generated module.
#[test]
fn generated_code_names_the_runtime_only_through_the_contract() {
    struct Paths(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Paths {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if segments.len() > 1 && segments[0] == "crate" {
                self.0.push(segments.join("::"));
            }
            syn::visit::visit_path(self, path);
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plex-sdk/src/generated");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let modules: BTreeSet<String> =
        files.iter().map(|p| p.file_stem().unwrap().to_string_lossy().into_owned()).filter(|m| m != "mod").collect();
    let mut outside = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut paths = Paths(Vec::new());
        syn::visit::Visit::visit_file(&mut paths, &parsed);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        outside.extend(
            paths
                .0
                .into_iter()
                .filter(|p| p.split("::").nth(1).is_none_or(|m| m != "contract" && !modules.contains(m)))
                .map(|p| format!("{name}: {p}")),
        );
    }
    outside.sort();
    outside.dedup();
    assert!(outside.is_empty(), "generated code names the runtime outside crate::contract:\n{}", outside.join("\n"));
}
