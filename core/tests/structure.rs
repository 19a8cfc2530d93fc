//! The shape of `core/src`, read from its sources (issue 15, "Must show"):
//!
//! - no import cycle between its modules: a module's `crate::…`, `super::…` and `self::…`
//!   paths (in `use` items and in code) are its edges to other modules;
//! - no function over 80 lines unless the comment above it says why it must be one function
//!   (a comment line holding the words "one function because").
//!
//! A module is a file. A path that names a module's item re-exported from one of its children
//! (`crate::Error`, `crate::history::History`) is an edge to the child that defines it. A parent's
//! own paths into its children (`mod x; pub use x::Y;`) are containment, not edges: what these
//! checks look for is siblings that need each other, which is what makes a module hard to read
//! alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest function allowed without a reason.
const MAX_FN_LINES: usize = 80;
/// The words in the comment above a longer function that say why it is one.
const EXEMPT: &str = "one function because";

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("core/src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `history/index.rs` is `["history", "index"]`,
/// `history/mod.rs` is `["history"]`, `lib.rs` is `[]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The source with comments, string and char literals blanked out (newlines kept, so line
/// numbers stay), leaving only code.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if (c[i] == 'r' || (c[i] == 'b' && next == Some('r')))
            && !prev_is_ident(&c, i)
            && raw_string_hashes(&c, i + usize::from(c[i] == 'b') + 1).is_some()
        {
            let start = i + usize::from(c[i] == 'b') + 1;
            let hashes = raw_string_hashes(&c, start).unwrap_or(0);
            let mut j = start + hashes + 1;
            while j < c.len() {
                if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                    j += hashes + 1;
                    break;
                }
                j += 1;
            }
            for &ch in &c[i..j.min(c.len())] {
                blank(&mut out, ch);
            }
            i = j;
        } else if c[i] == '"' {
            blank(&mut out, c[i]);
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            if i < c.len() {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): a lifetime has no
            // closing quote right after its first character.
            let end = if next == Some('\\') {
                (i + 2..c.len()).find(|&j| c[j] == '\'')
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    for &ch in &c[i..=e] {
                        blank(&mut out, ch);
                    }
                    i = e + 1;
                }
                None => {
                    out.push(c[i]);
                    i += 1;
                }
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(c: &[char], i: usize) -> bool {
    i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_')
}

/// At `c[at..]`, `#*"` opens a raw string: how many `#`.
fn raw_string_hashes(c: &[char], at: usize) -> Option<usize> {
    let hashes = c[at.min(c.len())..]
        .iter()
        .take_while(|&&ch| ch == '#')
        .count();
    (c.get(at + hashes) == Some(&'"')).then_some(hashes)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(&'static str),
}

fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_whitespace() {
            i += 1;
        } else if c[i].is_alphabetic() || c[i] == '_' {
            let s: String = c[i..]
                .iter()
                .take_while(|ch| ch.is_alphanumeric() || **ch == '_')
                .collect();
            i += s.chars().count();
            out.push(Tok::Ident(s));
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::Punct("::"));
            i += 2;
        } else {
            match c[i] {
                '{' => out.push(Tok::Punct("{")),
                '}' => out.push(Tok::Punct("}")),
                ',' => out.push(Tok::Punct(",")),
                ';' => out.push(Tok::Punct(";")),
                _ => out.push(Tok::Punct("other")),
            }
            i += 1;
        }
    }
    out
}

/// Every path that starts at `crate`, `super` or `self`, as segments from the crate root:
/// `use` trees are expanded (`use crate::a::{b, c::d}` is `a::b` and `a::c::d`).
fn absolute_paths(toks: &[Tok], here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let anchored = matches!(&toks[i], Tok::Ident(s) if s == "crate" || s == "super" || s == "self")
            && toks.get(i + 1) == Some(&Tok::Punct("::"))
            && !(i > 0 && toks[i - 1] == Tok::Punct("::"));
        if !anchored {
            i += 1;
            continue;
        }
        let mut prefix: Vec<String> = Vec::new();
        let mut base: Vec<String> = here.to_vec();
        // In `a/b.rs` (and `a/b/mod.rs`), `self` is `a::b` and `super` is `a`.
        let mut j = i;
        loop {
            match (&toks[j], toks.get(j + 1)) {
                (Tok::Ident(s), Some(Tok::Punct("::"))) if s == "crate" => {
                    base.clear();
                    j += 2;
                }
                (Tok::Ident(s), Some(Tok::Punct("::"))) if s == "super" => {
                    base.pop();
                    j += 2;
                }
                (Tok::Ident(s), Some(Tok::Punct("::"))) if s == "self" => j += 2,
                _ => break,
            }
            if j >= toks.len() {
                break;
            }
        }
        prefix.extend(base);
        let end = use_tree(toks, j, &prefix, &mut out);
        i = end.max(i + 1);
    }
    out
}

/// Reads a path or a use tree at `toks[at..]` below `prefix`; returns where it ends.
fn use_tree(toks: &[Tok], mut at: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match toks.get(at) {
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                at += 1;
                if toks.get(at) == Some(&Tok::Punct("::")) {
                    at += 1;
                    continue;
                }
                out.push(path);
                return at;
            }
            Some(Tok::Punct("{")) => {
                at += 1;
                loop {
                    match toks.get(at) {
                        Some(Tok::Punct("}")) => return at + 1,
                        Some(Tok::Punct(",")) => at += 1,
                        None => return at,
                        _ => {
                            let before = at;
                            at = use_tree(toks, at, &path, out);
                            // `self` in a group names the group's module itself.
                            if let Some(last) = out.last_mut() {
                                if last.last().is_some_and(|s| s == "self") {
                                    last.pop();
                                }
                            }
                            // `as name` after an item.
                            if matches!(toks.get(at), Some(Tok::Ident(s)) if s == "as") {
                                at += 2;
                            }
                            if at == before {
                                at += 1;
                            }
                        }
                    }
                }
            }
            _ => {
                if path.len() > prefix.len() {
                    out.push(path);
                }
                return at;
            }
        }
    }
}

struct Module {
    file: PathBuf,
    code: String,
    source: String,
}

fn modules() -> BTreeMap<Vec<String>, Module> {
    let root = src_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(&root).expect("below core/src").to_path_buf();
            let source = std::fs::read_to_string(&f).expect("a readable source file");
            let code = code_only(&source);
            (
                module_of(&rel),
                Module {
                    file: rel,
                    code,
                    source,
                },
            )
        })
        .collect()
}

/// The names a module re-exports (`pub use x::y::Name;`, `pub use x::{A, B}`), each with the
/// path it stands for.
fn reexports(m: &Module, here: &[String]) -> BTreeMap<String, Vec<String>> {
    let toks = tokens(&m.code);
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i + 2 < toks.len() {
        if toks[i] == Tok::Ident("pub".into()) && toks[i + 1] == Tok::Ident("use".into()) {
            let mut paths = Vec::new();
            // Relative to the module itself (`pub use features::Features`), or anchored.
            let start = i + 2;
            let anchored = matches!(&toks[start], Tok::Ident(s) if s == "crate" || s == "super" || s == "self");
            if anchored {
                paths = absolute_paths(&toks[start..], here);
            } else {
                use_tree(&toks, start, here, &mut paths);
            }
            for p in paths {
                if let Some(name) = p.last() {
                    out.insert(name.clone(), p.clone());
                }
            }
        }
        i += 1;
    }
    out
}

/// The module a path lands in: the longest prefix that is a module, followed through the
/// re-exports of that module when the next segment is one of them.
fn resolve(
    path: &[String],
    mods: &BTreeMap<Vec<String>, Module>,
    exports: &BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
    depth: usize,
) -> Vec<String> {
    let mut m: Vec<String> = Vec::new();
    for seg in path {
        let mut next = m.clone();
        next.push(seg.clone());
        if mods.contains_key(&next) {
            m = next;
        } else {
            if depth < 8 {
                if let Some(target) = exports.get(&m).and_then(|e| e.get(seg)) {
                    if target.as_slice() != path {
                        return resolve(target, mods, exports, depth + 1);
                    }
                }
            }
            break;
        }
    }
    m
}

/// Each module and the modules it uses.
type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

fn edges() -> (Graph, BTreeMap<Vec<String>, Module>) {
    let mods = modules();
    let exports: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>> = mods
        .iter()
        .map(|(k, m)| (k.clone(), reexports(m, k)))
        .collect();
    let mut graph = Graph::new();
    for (here, m) in &mods {
        let toks = tokens(&m.code);
        let targets = graph.entry(here.clone()).or_default();
        for p in absolute_paths(&toks, here) {
            let to = resolve(&p, &mods, &exports, 0);
            // Containment: a module using itself or its own children is not an edge.
            if to.starts_with(here) {
                continue;
            }
            targets.insert(to);
        }
    }
    (graph, mods)
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".to_string()
    } else {
        m.join("::")
    }
}

/// The cycles of the graph, one per strongly connected component of two or more modules,
/// each shown as the modules in it and their edges inside it.
fn cycles(graph: &Graph) -> Vec<String> {
    // Which modules reach which (the graph has a few dozen nodes: a plain search each).
    let reach = |from: &Vec<String>| -> BTreeSet<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for t in graph.get(&n).into_iter().flatten() {
                if seen.insert(t.clone()) {
                    stack.push(t.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> =
        graph.keys().map(|k| (k, reach(k))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for a in graph.keys() {
        if done.contains(a) || !reaches[a].contains(a) {
            continue;
        }
        let comp: BTreeSet<Vec<String>> = reaches[a]
            .iter()
            .filter(|b| reaches.get(b).is_some_and(|r| r.contains(a)))
            .cloned()
            .collect();
        let mut inner = Vec::new();
        for m in &comp {
            for t in graph.get(m).into_iter().flatten() {
                if comp.contains(t) {
                    inner.push(format!("{} -> {}", name(m), name(t)));
                }
            }
        }
        done.extend(comp);
        out.push(inner.join(", "));
    }
    out
}

#[test]
fn no_import_cycle_between_modules() {
    let (graph, _) = edges();
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "modules of core/src that import each other:\n  {}",
        found.join("\n  ")
    );
}

/// A function: where it starts and ends (1-based lines).
struct Function {
    name: String,
    first: usize,
    last: usize,
}

fn functions(code: &str) -> Vec<Function> {
    let lines: Vec<usize> = code
        .char_indices()
        .filter(|(_, c)| *c == '\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |byte: usize| lines.partition_point(|&nl| nl < byte) + 1;
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(off) = code[at..].find("fn") {
        let start = at + off;
        at = start + 2;
        let before_ok =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let after = &code[start + 2..];
        if !before_ok || !after.starts_with(char::is_whitespace) {
            continue;
        }
        let name: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        // The body opens at the first `{` outside the signature's brackets; a `;` first means a
        // declaration without a body.
        let mut depth = 0i32;
        let mut open = None;
        for (i, b) in code[start..].bytes().enumerate() {
            match b {
                b'(' | b'[' | b'<' => depth += 1,
                b')' | b']' => depth -= 1,
                b'>' if i > 0
                    && code.as_bytes()[start + i - 1] != b'-'
                    && code.as_bytes()[start + i - 1] != b'=' =>
                {
                    depth -= 1
                }
                b'{' if depth <= 0 => {
                    open = Some(start + i);
                    break;
                }
                b';' if depth <= 0 => break,
                _ => {}
            }
        }
        let Some(open) = open else { continue };
        let mut braces = 0i32;
        let mut close = None;
        for (i, b) in code[open..].bytes().enumerate() {
            match b {
                b'{' => braces += 1,
                b'}' => {
                    braces -= 1;
                    if braces == 0 {
                        close = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let close = close.expect("every function body closes");
        out.push(Function {
            name,
            first: line_of(start),
            last: line_of(close),
        });
    }
    out
}

/// The comment and attribute lines right above line `first` (1-based) say why the function is
/// one.
fn exempt(source: &str, first: usize) -> bool {
    let lines: Vec<&str> = source.lines().collect();
    lines[..first - 1]
        .iter()
        .rev()
        .take_while(|l| {
            let t = l.trim_start();
            t.starts_with("//") || t.starts_with("#[") || t.starts_with("#![")
        })
        .any(|l| l.to_lowercase().contains(EXEMPT))
}

#[test]
fn no_long_function_without_a_reason() {
    let (_, mods) = edges();
    let mut long = Vec::new();
    for m in mods.values() {
        for f in functions(&m.code) {
            let n = f.last - f.first + 1;
            if n > MAX_FN_LINES && !exempt(&m.source, f.first) {
                long.push(format!(
                    "{}:{} `{}` is {n} lines",
                    m.file.display(),
                    f.first,
                    f.name
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines without a comment saying why (\"{EXEMPT} ...\"):\n  {}",
        long.join("\n  ")
    );
}

// The checks' own parts, on sources made to fail them: a test that cannot fail proves nothing.

#[test]
fn the_cycle_check_sees_a_cycle() {
    let mut g = Graph::new();
    let m = |s: &str| vec![s.to_string()];
    g.entry(m("a")).or_default().insert(m("b"));
    g.entry(m("b")).or_default().insert(m("c"));
    g.entry(m("c")).or_default().insert(m("a"));
    g.entry(m("d")).or_default().insert(m("a"));
    let found = cycles(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("c -> a"), "{found:?}");
    g.get_mut(&m("c")).map(BTreeSet::clear);
    assert!(cycles(&g).is_empty());
}

#[test]
fn paths_are_read_from_use_trees_and_code() {
    let here = vec!["history".to_string(), "walk".to_string()];
    let src = r#"
        use crate::history::{index::{History, PastOrder}, link::{self, Rules as R}};
        use super::signature::View;
        // use crate::policy::Commented;
        fn f() { let s = "crate::confirm::InAString"; crate::normalize::text::fold(s); }
    "#;
    let toks = tokens(&code_only(src));
    let got: BTreeSet<String> = absolute_paths(&toks, &here)
        .iter()
        .map(|p| p.join("::"))
        .collect();
    let want: BTreeSet<String> = [
        "history::index::History",
        "history::index::PastOrder",
        "history::link",
        "history::link::Rules",
        "history::signature::View",
        "normalize::text::fold",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(got, want);
}

#[test]
fn function_lengths_come_from_matching_braces() {
    let src = "fn short() -> u8 { 1 }\n\
               // It stays one function because ...\n\
               fn long<'a>(x: &'a str) -> Vec<u8>\nwhere\n  u8: Copy,\n{\n  let c = '{';\n  let s = \"}}}\";\n  if true { x.len(); }\n  vec![]\n}\n\
               trait T { fn decl(&self); }\n";
    let code = code_only(src);
    let fns = functions(&code);
    let spans: Vec<(&str, usize, usize)> = fns
        .iter()
        .map(|f| (f.name.as_str(), f.first, f.last))
        .collect();
    assert_eq!(spans, [("short", 1, 1), ("long", 3, 11)]);
    assert!(exempt(src, 3));
    assert!(!exempt(src, 1));
}
