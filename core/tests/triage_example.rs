//! Runs the `triage` example (README's main command) on files a new user might give it: a
//! byte-order mark in both files, an order line that is not UTF-8, one that is not JSON, an
//! invalid order whose id is readable, and `--json`, where every stdout line must be JSON.
//!
//! The example is built first (`cargo build --example triage` in this test's profile and target
//! folder: nothing to do when it is up to date), then run as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const HISTORY: &str = include_str!("../../examples/data/history.jsonl");
const QUERIES: &str = include_str!("../../examples/data/queries.jsonl");
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The example's binary, built (once) in this test's profile next to this test's binary.
fn triage() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

fn build() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile dir>/deps/<this test>
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let target_dir = profile_dir.parent().unwrap();
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()).unwrap() {
        "debug" => "dev",
        other => other,
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", "codguard", "--example", "triage"])
        .args(["--profile", profile])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "building the triage example failed");
    profile_dir
        .join("examples")
        .join(format!("triage{}", std::env::consts::EXE_SUFFIX))
}

/// A temporary folder of its own, for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codguard-triage-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The example shop's orders (non-blank lines).
fn queries() -> Vec<&'static str> {
    QUERIES.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Writes a history (with a leading BOM and CRLF line ends, as Excel exports) and the orders
/// file `orders` (its lines joined by CRLF, a BOM first), and runs triage on them with `args`.
fn run(name: &str, orders: &[&[u8]], args: &[&str]) -> Output {
    let dir = scratch(name);
    let history = dir.join("history.jsonl");
    let mut h = BOM.to_vec();
    h.extend_from_slice(HISTORY.replace('\n', "\r\n").as_bytes());
    std::fs::write(&history, h).unwrap();
    let mut o = BOM.to_vec();
    o.extend_from_slice(&orders.join(&b"\r\n"[..]));
    o.extend_from_slice(b"\r\n");
    let orders = dir.join("orders.jsonl");
    std::fs::write(&orders, o).unwrap();
    let out = Command::new(triage())
        .arg("--history")
        .arg(&history)
        .arg("--orders")
        .arg(&orders)
        .args(args)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// What line 2 of [`mixed`] holds before its byte that is not UTF-8.
const BAD_UTF8_BEFORE: &str = r#"{"order_id": "bad-utf8", "placed_at": 1767225600, "name": "سلمى"#;

/// The orders of every case: good ones around the bad ones, the first after the file's BOM.
fn mixed() -> Vec<Vec<u8>> {
    let q = queries();
    vec![
        q[0].as_bytes().to_vec(),
        // Line 2: one byte that is not UTF-8 in an Arabic name; the id is readable.
        BAD_UTF8_BEFORE
            .as_bytes()
            .iter()
            .chain(b"\xFF\", \"country\": \"MA\"}")
            .copied()
            .collect(),
        // Line 3: not JSON.
        b"order_id,name,phone".to_vec(),
        q[1].as_bytes().to_vec(),
        // Line 5: valid JSON, an invalid order with a readable id.
        br#"{"order_id": "bad-country", "placed_at": 1767225600, "country": "Morocco", "phone": "0612345678"}"#.to_vec(),
        // Line 6: a time out of range.
        br#"{"order_id": "bad-time", "placed_at": 99999999999999999999, "country": "MA"}"#
            .to_vec(),
        Vec::new(),
        q[2].as_bytes().to_vec(),
        // Line 9: cut short (a file still being written): not JSON, but its id was written.
        br#"{"order_id": "cut-short", "placed_at": 17672"#.to_vec(),
    ]
}

#[test]
fn the_report_names_each_bad_order_in_its_place_and_triages_the_others() {
    let lines = mixed();
    let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    let out = run("report", &lines, &[]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Some orders were not triaged: exit 1, after the others were.
    assert_eq!(out.status.code(), Some(1), "{stderr}\n{stdout}");
    let q = queries();
    let id = |line: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        v["order_id"].as_str().unwrap().to_owned()
    };
    // The good orders, the first one after the BOM included, are assessed.
    for line in &q[..3] {
        let id = id(line);
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&id) && l.contains(" risk ")),
            "{id} not assessed:\n{stdout}"
        );
    }
    // The bad byte's column counts characters, as an editor shows it (the Arabic letters
    // before it are two bytes each).
    let bad_byte = format!(
        "bad-utf8       error: invalid_utf8: line 2, column {}: not UTF-8",
        BAD_UTF8_BEFORE.chars().count() + 1
    );
    for expected in [
        bad_byte.as_str(),
        // Not JSON: `invalid_json`, as the C library says it (`CG_INVALID_JSON`).
        "-              error: invalid_json: line 3, column 1: not JSON",
        // A record's own error names the field: the line, without serde's column (the
        // record's end, not the field).
        "bad-country    error: invalid_record: line 5: field `country`",
        "bad-time       error: invalid_record: line 6: ",
        // Cut short: not JSON, and named by the id written before the cut.
        "cut-short      error: invalid_json: line 9, column ",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing:\n{stdout}");
    }
    assert!(stdout.contains("field `country` must be"), "{stdout}");
    assert!(
        stdout.contains("field `placed_at` is out of range"),
        "{stdout}"
    );
    // No customer's data beyond what names the order.
    assert!(!stdout.contains("0612345678"), "{stdout}");
    assert!(
        stdout.contains("3 orders triaged, 5 not (their errors above) against "),
        "{stdout}"
    );
    // Three decimals, as the core rounds: never a rounded-up 1.00.
    assert!(
        stdout
            .lines()
            .filter_map(|l| l.split(" risk ").nth(1))
            .all(|r| r.len() >= 5
                && r.as_bytes()[1] == b'.'
                && r[2..5].bytes().all(|b| b.is_ascii_digit())),
        "{stdout}"
    );
}

#[test]
fn json_mode_prints_only_json_lines() {
    let lines = mixed();
    let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    let out = run("json", &lines, &["--json"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}\n{stdout}");
    let values: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    // One object per non-blank order line, in the file's order.
    assert_eq!(values.len(), 8, "{stdout}");
    let assessed: Vec<&serde_json::Value> = values
        .iter()
        .filter(|v| v.get("customer_class").is_some())
        .collect();
    assert_eq!(assessed.len(), 3, "{stdout}");
    for a in assessed {
        assert!(a["risk"].is_f64() && a["action"].is_string(), "{a}");
    }
    let errors: Vec<(u64, serde_json::Value, String)> = values
        .iter()
        .filter_map(|v| {
            let e = v.get("error")?;
            Some((
                v["line"].as_u64().unwrap(),
                v["order_id"].clone(),
                e["code"].as_str().unwrap().to_owned(),
            ))
        })
        .collect();
    assert_eq!(
        errors,
        [
            (2, "bad-utf8".into(), "invalid_utf8".to_owned()),
            (3, serde_json::Value::Null, "invalid_json".to_owned()),
            (5, "bad-country".into(), "invalid_record".to_owned()),
            (6, "bad-time".into(), "invalid_record".to_owned()),
            (9, "cut-short".into(), "invalid_json".to_owned()),
        ]
    );
    assert!(values
        .iter()
        .all(|v| v.get("error").is_none_or(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("line ")))));
    assert!(
        stderr.contains("3 orders triaged, 5 not (their errors above)"),
        "{stderr}"
    );
}

#[test]
fn one_order_is_one_order_and_a_bad_history_names_its_line() {
    let q = queries();
    let out = run("one", &[q[0].as_bytes()], &[]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\n1 order triaged against "), "{stdout}");

    // A history with a byte that is not UTF-8 on line 3: nothing is triaged, the line is named.
    let dir = scratch("history");
    let history = dir.join("history.jsonl");
    let mut h: Vec<u8> = Vec::new();
    for (i, line) in HISTORY.lines().enumerate() {
        h.extend_from_slice(line.as_bytes());
        if i == 2 {
            h.push(b' ');
            h.push(0xFF);
        }
        h.push(b'\n');
    }
    std::fs::write(&history, h).unwrap();
    let stderr = refused_history(&dir, &history, q[0]);
    assert!(stderr.contains("invalid_utf8: line 3, column "), "{stderr}");
}

/// A history that repeats an order id names the repeat's line of the file (after a byte-order
/// mark and a blank line), not its position in the list of records.
#[test]
fn a_repeated_id_in_the_history_names_its_line() {
    let q = queries();
    let dir = scratch("repeated");
    let history = dir.join("history.jsonl");
    let first = HISTORY.lines().next().unwrap();
    let text = format!(
        "\u{feff}{first}\r\n\r\n{}\r\n{first}\r\n",
        HISTORY.lines().nth(1).unwrap()
    );
    std::fs::write(&history, text).unwrap();
    let stderr = refused_history(&dir, &history, q[0]);
    assert!(
        stderr.contains("duplicate_order: line 4: order "),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was triaged"), "{stderr}");
}

/// Runs triage with `history` and one `order`, in `dir` (removed after), asserts that nothing
/// was triaged (exit 2, empty stdout) and returns what it said on stderr.
fn refused_history(dir: &Path, history: &Path, order: &str) -> String {
    let orders = dir.join("orders.jsonl");
    std::fs::write(&orders, order).unwrap();
    let out = Command::new(triage())
        .arg("--history")
        .arg(history)
        .arg("--orders")
        .arg(&orders)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    stderr
}

/// The first example order with its id and time changed: the same customer ordering again.
fn again(order: &str, id: &str, later_by: i64) -> String {
    let mut v: serde_json::Value = serde_json::from_str(order).unwrap();
    let placed_at = v["placed_at"].as_i64().unwrap();
    v["order_id"] = id.into();
    v["placed_at"] = (placed_at + later_by).into();
    v.to_string()
}

/// Each `--json` line of a run, as (order id, action, reason codes) or the error's code.
fn decisions(stdout: &[u8]) -> Vec<(String, String, Vec<String>)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let id = v["order_id"].as_str().unwrap_or("-").to_owned();
            if let Some(code) = v["error"]["code"].as_str() {
                return (id, format!("error {code}"), Vec::new());
            }
            let codes = v["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["code"].as_str().unwrap().to_owned())
                .collect();
            (id, v["action"].as_str().unwrap().to_owned(), codes)
        })
        .collect()
}

/// A good customer's order, then the same customer again twenty minutes later in the same
/// file (a double click, or the same parcel ordered twice): the first is auto-confirmed, the
/// second is seen as a repeat and goes to review, as in a shop's backend that adds each order
/// it has assessed. A third order of another customer is not touched by it.
#[test]
fn a_second_order_of_a_customer_in_the_same_file_is_a_repeat() {
    let q = queries();
    let second = again(q[0], "q-again", 20 * 60);
    let lines: Vec<&[u8]> = vec![q[0].as_bytes(), second.as_bytes(), q[5].as_bytes()];
    let out = run("again", &lines, &["--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let got = decisions(&out.stdout);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].1, "auto_confirm", "{got:?}");
    assert!(!got[0].2.contains(&"duplicate_recent_order".to_owned()));
    assert_eq!(got[1].0, "q-again");
    assert_eq!(got[1].1, "review", "{got:?}");
    assert!(
        got[1].2.contains(&"duplicate_recent_order".to_owned()),
        "{got:?}"
    );
    assert!(
        !got[2].2.contains(&"duplicate_recent_order".to_owned()),
        "{got:?}"
    );
}

/// The very same order twice (a file appended to twice): the second line is an error naming
/// the id, not a second assessment, and the status says not everything was triaged.
#[test]
fn an_order_id_repeated_in_the_file_is_an_error_in_its_place() {
    let q = queries();
    let lines: Vec<&[u8]> = vec![q[0].as_bytes(), q[0].as_bytes(), q[5].as_bytes()];
    let out = run("same-id", &lines, &["--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let got = decisions(&out.stdout);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[1].1, "error duplicate_order", "{got:?}");
    assert_eq!(got[1].0, got[0].0);
    assert_ne!(got[2].1, "error duplicate_order", "{got:?}");
    assert!(stderr.contains("2 orders triaged, 1 not"), "{stderr}");
}

/// A folder without queries.jsonl, and a file given as the folder: the message says what a
/// folder must hold and how to give files of other names.
#[test]
fn a_folder_without_its_files_says_how_to_name_them() {
    let dir = scratch("folder");
    std::fs::write(dir.join("history.jsonl"), HISTORY).unwrap();
    std::fs::write(dir.join("orders.jsonl"), QUERIES).unwrap();
    let out = Command::new(triage()).arg(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("queries.jsonl: no such file"), "{stderr}");
    assert!(stderr.contains("--orders FILE"), "{stderr}");
    let out = Command::new(triage())
        .arg(dir.join("orders.jsonl"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a folder"), "{stderr}");
    assert!(out.stdout.is_empty());
}
