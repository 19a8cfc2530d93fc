//! Refuses to build a C API where an exported function skips the panic boundary: a panic that
//! unwinds into C is undefined behaviour, and one that aborts kills the host (a PHP-FPM worker).

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut missing = Vec::new();
    let mut found = 0;
    visit(Path::new("src"), &mut |path, source| {
        for (name, body) in exported_fns(source) {
            found += 1;
            if !body.trim_start().starts_with("ffi_guard!") {
                missing.push(format!("{}: {name}", path.display()));
            }
        }
    });
    assert!(found > 0, "no exported function found: is the scan broken?");
    assert!(
        missing.is_empty(),
        "exported functions whose body does not start with ffi_guard!: {missing:?}"
    );
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            if let Ok(source) = fs::read_to_string(&path) {
                f(&path, &source);
            }
        }
    }
}

/// Every `extern "C" fn NAME(...) ... {BODY}` in `source`: its name and the text after the
/// opening brace of its body.
fn exported_fns(source: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("extern \"C\" fn ") {
        let after = &rest[at + "extern \"C\" fn ".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body starts at the first `{` after the signature's closing parenthesis: argument
        // lists hold no braces, return types of this crate neither.
        let body = after
            .find(')')
            .and_then(|close| after[close..].find('{').map(|b| &after[close + b + 1..]))
            .unwrap_or("");
        out.push((name, body));
        rest = after;
    }
    out
}
