//! No module (file) of the listed source trees imports, directly or through others, a file
//! that imports it back: such loops make a tree hard to split and to read bottom-up. And the
//! SDK's files depend one way — api → client → session → http — so a request's path can be
//! read top-down.
//!
//! The graph is built from the text: `use crate::…`, `use super::…`, `use self::…`, `use
//! child::…` and `crate::a::b` / `super::a` paths anywhere outside comments, each resolved to
//! the deepest file module its path names. Inline `#[cfg(test)]` modules are ignored (their
//! `super` is the file itself), as are `bin/` files (crate roots of their own).
//!
//! Compiled as a unit test of xtask (`#[path]` in main.rs), not as an integration test: see
//! `autotests` in xtask/Cargo.toml.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The source trees checked, relative to the workspace root; each is one crate's `src/`.
const TREES: &[&str] = &[
    "xtask/src",
    "crates/connectycube/src",
    "crates/connectycube-emulator/src",
    "crates/connectycube-ffi/src",
    "crates/connectycube-models/src",
    "crates/connectycube-transport/src",
];

#[test]
fn no_import_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cycles = Vec::new();
    for tree in TREES {
        if let Some(cycle) = find_cycle(&graph(&root.join(tree))) {
            cycles.push(format!("{tree}: {}", cycle.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// The SDK's files that sit outside its layers: the crate root re-exports from every layer,
/// and the test-only files may see everything.
const OUTSIDE_THE_LAYERS: [&str; 3] = ["lib.rs", "unit_tests.rs", "date_properties.rs"];

#[test]
fn the_sdk_depends_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/connectycube/src");
    let graph = graph(&src);
    assert!(graph.len() > 5, "no source files found under {}", src.display());
    let mut problems = Vec::new();
    for (from, targets) in graph
        .iter()
        .filter(|(from, _)| !OUTSIDE_THE_LAYERS.contains(&from.as_str()))
    {
        for to in targets {
            if let Some(rule) = forbidden(from, to) {
                problems.push(format!("{from} uses {to}: {rule}"));
            }
        }
    }
    assert!(problems.is_empty(), "layering broken:\n  {}", problems.join("\n  "));
}

/// Why SDK file `from` may not use `to`, if it may not.
fn forbidden(from: &str, to: &str) -> Option<&'static str> {
    let layer = |file: &str| -> &'static str {
        if file.starts_with("api/") {
            "api"
        } else if file.starts_with("session/") {
            "session"
        } else if file.starts_with("http/") {
            "http"
        } else if file == "client.rs" {
            "client"
        } else if file == "connectycube.rs" {
            "facade"
        } else {
            "base"
        }
    };
    match (layer(from), layer(to)) {
        ("api", "facade") => Some("the API handles sit below the public client that hands them out"),
        ("client", "api" | "facade") => Some("client.rs sits below the API handles"),
        ("session", "api" | "client" | "facade") => Some("session/ sits below client.rs and api/"),
        ("http", "session" | "client" | "api" | "facade") => {
            Some("http/ composes, sends and judges what it is given; it knows no session, client or API")
        }
        ("base", "session" | "client" | "api" | "http" | "facade") => {
            Some("config.rs and error.rs are used by every layer and use none")
        }
        _ => None,
    }
}

/// A file's module path: `lang/kotlin.rs` and `lang/kotlin/mod.rs` → `lang::kotlin`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "main" | "lib")) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// File (relative to `src`) → the files it refers to.
fn graph(src: &Path) -> BTreeMap<String, Vec<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(src).ok())
        .filter(|f| !f.starts_with("bin"))
        .map(|f| (module_path(f), f.display().to_string()))
        .collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(src.join(file)).unwrap_or_default();
        let mut targets: Vec<String> = paths(&code(&text))
            .into_iter()
            .filter_map(|path| resolve(module, &path, &modules))
            .filter(|target| target != file)
            .collect();
        targets.sort();
        targets.dedup();
        graph.insert(file.clone(), targets);
    }
    graph
}

/// The text without comments and from the first inline `#[cfg(test)] mod … {` on.
fn code(text: &str) -> String {
    let inline_tests = text.match_indices("#[cfg(test)]").find(|(at, attribute)| {
        let rest = text[at + attribute.len()..].trim_start();
        rest.starts_with("mod ") && rest.find('{') < rest.find(';').or(Some(usize::MAX))
    });
    let text = &text[..inline_tests.map_or(text.len(), |(at, _)| at)];
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path starting with `crate::`, `super::`, `self::` or (after `use`) a bare name,
/// with `{a, b::c}` groups expanded: each as its segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for (start, _) in code.char_indices() {
        if start > 0 && (is_ident(bytes[start - 1]) || bytes[start - 1] == b':') {
            continue;
        }
        let rest = &code[start..];
        let before = code[..start].trim_end();
        let after_use = before
            .strip_suffix("use")
            .is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric() || c == '_'));
        if ["crate::", "super::", "self::"].iter().any(|p| rest.starts_with(p))
            || (after_use && rest.starts_with(|c: char| c.is_ascii_lowercase()))
        {
            expand(rest, &[], &mut out);
        }
    }
    out
}

/// Reads one path (with groups) from the start of `text`, pushing each full path to `out`.
fn expand(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut segments = prefix.to_vec();
    let mut i = 0;
    let bytes = text.as_bytes();
    loop {
        let ident_len = text[i..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - i);
        if ident_len > 0 {
            segments.push(text[i..i + ident_len].to_owned());
            i += ident_len;
        }
        let skipped = text[i..].len() - text[i..].trim_start().len();
        if text[i + skipped..].starts_with("::") {
            i += skipped + 2;
            i += text[i..].len() - text[i..].trim_start().len();
            if bytes.get(i) == Some(&b'{') {
                i += 1;
                loop {
                    i += text[i..].len() - text[i..].trim_start().len();
                    match bytes.get(i) {
                        Some(b'}') | None => return i + 1,
                        Some(b',') => i += 1,
                        _ => {
                            let before = i;
                            i += expand(&text[i..], &segments, out);
                            if i == before {
                                i += 1;
                            }
                        }
                    }
                }
            }
            continue;
        }
        out.push(segments);
        return i;
    }
}

/// The deepest file module `path` (seen from `from`) names, if any.
fn resolve(from: &[String], path: &[String], modules: &BTreeMap<Vec<String>, String>) -> Option<String> {
    let (mut base, rest) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (from.to_vec(), &path[1..]),
        Some("super") => {
            let mut base = from.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        // `use child::…`: only a child module of this file counts (else an external crate).
        Some(_) => {
            let mut child = from.to_vec();
            child.push(path[0].clone());
            modules.get(&child)?;
            (from.to_vec(), path)
        }
        None => return None,
    };
    let mut found = modules.get(&base).cloned();
    for segment in rest {
        base.push(segment.clone());
        match modules.get(&base) {
            Some(file) => found = Some(file.clone()),
            None => break,
        }
    }
    found
}

/// One cycle of the graph as its files, the first repeated at the end.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        done: &mut Vec<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.iter().any(|n| n == node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.push(node.to_owned());
        None
    }
    let mut done = Vec::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn finds_a_planted_cycle() {
    let modules: BTreeMap<Vec<String>, String> = [
        (vec![], "main.rs"),
        (vec!["a".to_owned()], "a.rs"),
        (vec!["a".to_owned(), "b".to_owned()], "a/b.rs"),
        (vec!["c".to_owned()], "c.rs"),
    ]
    .into_iter()
    .map(|(m, f)| (m, f.to_owned()))
    .collect();
    let found = paths(&code(
        "use crate::{c, a::{b::X, Y}};\nlet x = super::Z; // crate::c\n#[cfg(test)]\nmod t;\n\
         #[cfg(test)]\nmod tests {\nuse crate::c;\n}\n",
    ));
    let resolved: Vec<_> = found
        .iter()
        .filter_map(|p| resolve(&["a".to_owned(), "b".to_owned()], p, &modules))
        .collect();
    assert_eq!(resolved, ["c.rs", "a/b.rs", "a.rs", "a.rs"]);
    let graph: BTreeMap<String, Vec<String>> = [("a.rs", vec!["c.rs"]), ("c.rs", vec!["a.rs"])]
        .into_iter()
        .map(|(f, t)| (f.to_owned(), t.into_iter().map(str::to_owned).collect()))
        .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a.rs".to_owned(), "c.rs".to_owned(), "a.rs".to_owned()])
    );
}
