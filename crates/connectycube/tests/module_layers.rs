//! The core's files depend one way — api → client → session → http — with no cycle among
//! them. Read from the source text: every `use crate::…`/`use super::…` and every
//! `crate::…`/`super::…` path in code is an edge from its file to the file of the module
//! it names. `#[cfg(test)]` modules and the test-only files are left out (tests may see
//! everything); `lib.rs` is the crate's public face and re-exports from every layer, so it
//! is left out too.
//!
//! `MODULE_LAYERS_SRC` points the test at another `src` folder (an older tree, say).
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing, with its message")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files only compiled for tests.
const TEST_ONLY: [&str; 2] = ["unit_tests.rs", "date_properties.rs"];

#[test]
fn the_core_depends_one_way_without_cycles() {
    let src = std::env::var_os("MODULE_LAYERS_SRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let graph = graph(&src);
    assert!(graph.len() > 5, "no source files found under {}", src.display());
    let mut problems = Vec::new();
    for (from, targets) in &graph {
        for to in targets {
            if let Some(rule) = forbidden(from, to) {
                problems.push(format!("{from} uses {to}: {rule}"));
            }
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        problems.push(format!("import cycle: {}", cycle.join(" → ")));
    }
    assert!(problems.is_empty(), "layering broken:\n  {}", problems.join("\n  "));
}

/// Why `from` may not use `to`, if it may not.
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

/// File (relative to `src`, `/`-separated) → files it uses.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    collect(src, &mut files);
    let modules: BTreeMap<Vec<String>, String> = files.iter().map(|file| (module_path(file), file.clone())).collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        if file == "lib.rs" || TEST_ONLY.iter().any(|t| file == t) {
            continue;
        }
        let text = std::fs::read_to_string(src.join(file)).unwrap_or_default();
        let code = strip_tests(&strip_comments(&text));
        let here = module_path(file);
        let mut targets = BTreeSet::new();
        for path in paths(&code) {
            let Some(absolute) = absolute(&here, &path) else {
                continue;
            };
            // The longest prefix that is a module with a file of its own.
            let target = (1..=absolute.len())
                .rev()
                .find_map(|n| modules.get(&absolute[..n]))
                .filter(|target| *target != file && *target != "lib.rs");
            if let Some(target) = target {
                targets.insert(target.clone());
            }
        }
        graph.insert(file.clone(), targets);
    }
    graph
}

fn collect(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            let before = out.len();
            collect(&path, out);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for file in &mut out[before..] {
                *file = format!("{name}/{file}");
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
}

/// `http/retry.rs` → `["http", "retry"]`; `session/mod.rs` → `["session"]`; `lib.rs` → `[]`.
fn module_path(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// `crate::a::b` or `super::a` (from the module `here`) as a path from the crate root.
fn absolute(here: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut parts = path.iter();
    let mut base: Vec<String> = match parts.next()?.as_str() {
        "crate" => Vec::new(),
        "super" => {
            // A `mod.rs` file is its folder's module; `super` is the folder's parent.
            let mut base = here.to_vec();
            base.pop()?;
            base
        }
        _ => return None,
    };
    for part in parts {
        if part == "super" {
            base.pop()?;
        } else {
            base.push(part.clone());
        }
    }
    Some(base)
}

/// Every `crate::…`/`super::…` path in the code, `use` groups (`{a, b::{c}}`) expanded.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let root = ["crate::", "super::"].into_iter().find(|r| rest.starts_with(r));
        match root {
            Some(root) if starts_word => {
                let end = path_end(rest);
                expand(&root[..root.len() - 2], &rest[root.len()..end], &mut found);
                i += end.max(1);
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// Where a path starting at `text` ends: identifiers, `::`, and a balanced `{…}` group.
fn path_end(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == ':' => {}
            ',' | ' ' | '\n' | '\t' | '*' if depth > 0 => {}
            _ if depth == 0 => return i,
            _ => {}
        }
    }
    text.len()
}

/// `prefix::rest` where `rest` may hold `{a, b::c}` groups, into one path per leaf.
fn expand(prefix: &str, rest: &str, out: &mut Vec<Vec<String>>) {
    let base: Vec<String> = prefix
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    match rest.find('{') {
        None => {
            let mut path = base;
            path.extend(
                rest.split("::")
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "*" && *s != "self")
                    .map(str::to_owned),
            );
            out.push(path);
        }
        Some(open) => {
            let head = format!("{}::{}", base.join("::"), rest[..open].trim_end_matches("::"));
            let inner = &rest[open + 1..rest.rfind('}').unwrap_or(rest.len())];
            for item in split_top(inner) {
                expand(&head, item.trim(), out);
            }
        }
    }
}

/// Splits `a, b::{c, d}, e` at the commas outside braces.
fn split_top(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Drops `//` comments (doc comments name paths that are no dependency) and string
/// literals' contents are kept: a `crate::` inside a string is rare enough to ignore.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut in_string = false;
            let bytes = line.as_bytes();
            let mut cut = line.len();
            for i in 0..bytes.len() {
                match bytes[i] {
                    b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
                    b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                        cut = i;
                        break;
                    }
                    _ => {}
                }
            }
            &line[..cut]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Drops every `#[cfg(test)]` item: a `mod … { … }` block, or the one line after it.
fn strip_tests(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let brace = after.find('{');
        let semicolon = after.find(';');
        rest = match (brace, semicolon) {
            (Some(open), semicolon) if semicolon.is_none_or(|s| open < s) => {
                let mut depth = 0;
                let mut end = after.len();
                for (i, c) in after[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                &after[end..]
            }
            (_, Some(semicolon)) => &after[semicolon + 1..],
            _ => "",
        };
    }
    out.push_str(rest);
    out
}

/// One cycle of the graph, as the files along it, if there is any.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Open);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_scanner_reads_paths_and_groups() {
    let code = "use crate::session::{ActiveSession, signing::sign};\nuse super::request::{ApiRequest, Auth};\nlet x = crate::http::retry::decide(a);";
    let found: Vec<String> = paths(code).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        [
            "crate::session::ActiveSession",
            "crate::session::signing::sign",
            "super::request::ApiRequest",
            "super::request::Auth",
            "crate::http::retry::decide",
        ]
    );
    let stripped = strip_tests("use a;\n#[cfg(test)]\nmod tests {\n use crate::x::{y};\n fn f() { }\n}\nuse b;");
    assert!(
        !stripped.contains("crate::x") && stripped.contains("use b;"),
        "{stripped}"
    );
}
