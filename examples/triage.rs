//! The main job: triage a file of new orders against a shop's order history.
//!
//! ```text
//! cargo run --release --example triage                       # the repository's example shop
//! cargo run --release --example triage -- target/synth       # any folder with history.jsonl
//!                                                            # and queries.jsonl
//! cargo run --release --example triage -- --history H.jsonl --orders O.jsonl [--json]
//! cargo run --release --example triage -- --help
//! ```
//! Prints, per order, its class, action and risk, the reasons with their sentences and the
//! matched past orders; then a summary table and a legend (classes, actions, the risk scale,
//! "-> customer service"). `--json` prints one JSON object per line instead (JSON Lines): each
//! order's assessment, or `{"line", "order_id", "error": {"code", "message"}}` for an order that
//! cannot be assessed (the shape of `cg_engine_assess_many`'s errors), and the count on stderr.
//! On a terminal, a progress bar on stderr follows large files.
//!
//! The files are read as bytes: a leading UTF-8 byte-order mark is skipped, and a new order's
//! line that is not UTF-8 (or not JSON, or not a valid order) is reported in its place, with
//! its line, while the others are triaged. The history is read whole or not at all; its error
//! names the line.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use codguard::assessment::{Assessment, CustomerClass, Evidence};
use codguard::engine::Engine;
use codguard::jsonl::{self, NotUtf8};
use codguard::policy::PolicyConfig;
use codguard::{Error, ErrorKind, HistoryRecord, Order, OrderId};

const USAGE: &str = "\
usage: triage [DIR | --history FILE --orders FILE] [--json]

Assesses each new order against the shop's history and says what to do with it.

  DIR               a folder with history.jsonl and queries.jsonl
                    (default: the repository's example shop, examples/data)
  --history FILE    past orders, one JSON history record per line
  --orders FILE     new orders, one JSON order per line
  --json            one JSON object per line (JSON Lines) instead of the report:
                    each order's assessment, or for an order that cannot be
                    assessed {line, order_id, error: {code, message}}
                    (order_id null when unreadable); the count goes to stderr
  -h, --help        this help

The report gives per order its class, action and risk, the reasons with their
sentences and the matched past orders, then a summary and a legend. An order
whose line is not UTF-8, not JSON or not a valid order is reported in its place
with its line, and the others are triaged; the history is read whole or not at
all. A leading UTF-8 byte-order mark is skipped in both files.

Each order triaged joins the history as pending, in the file's order: a second
order of the same customer in the file is seen (duplicate_recent_order: review),
and an order id already in the history or earlier in the file is an error.

Exit status: 0 all orders triaged, 1 some could not be (each is reported),
2 nothing was (bad arguments, an unreadable or malformed history).";

/// Orders from which a progress bar follows the work (when stderr is a terminal).
const PROGRESS_FROM: usize = 2_000;

struct Args {
    input: Input,
    json: bool,
}

enum Input {
    Dir(PathBuf),
    Files { history: PathBuf, orders: PathBuf },
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("triage: {msg}");
    std::process::exit(2);
}

fn parse_args() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut dir, mut history, mut orders, mut json) = (None, None, None, false);
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("history") => history = Some(PathBuf::from(parser.value()?)),
            Long("orders") => orders = Some(PathBuf::from(parser.value()?)),
            Long("json") => json = true,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            Value(v) if dir.is_none() => dir = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected()),
        }
    }
    let input = match (dir, history, orders) {
        (dir, None, None) => Input::Dir(
            dir.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data")),
        ),
        (None, Some(history), Some(orders)) => Input::Files { history, orders },
        _ => return Err("give a folder, or both --history and --orders".into()),
    };
    Ok(Args { input, json })
}

/// A file's bytes (a leading byte-order mark is skipped where its lines are read:
/// [`jsonl::records`]).
fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())))
}

/// `invalid_utf8` for line `number`, naming its line and column (its first bad byte, in
/// characters counted from 1 as the JSON errors' columns are).
fn not_utf8(bad: &NotUtf8<'_>, number: usize) -> Error {
    Error::new(
        ErrorKind::InvalidUtf8,
        format!("line {number}, column {}: not UTF-8", bad.column()),
    )
}

/// One new order as read: its line, and the order or why it cannot be assessed.
struct Read {
    line: usize,
    order: Result<Order, Error>,
    /// The order id of a line that failed, when it can be read (a JSON object with a usable
    /// `order_id` string): what the user wrote, so the report can name the order.
    id: Option<String>,
}

/// The new orders, one per non-blank line, each read on its own.
fn read_orders(bytes: &[u8]) -> Vec<Read> {
    jsonl::records_in_bytes(bytes)
        .map(|(line, text)| match text {
            Ok(text) => match Engine::parse_jsonl_line::<Order>(text, line) {
                Ok(order) => Read {
                    line,
                    order: Ok(order),
                    id: None,
                },
                Err(e) => Read {
                    line,
                    order: Err(e),
                    // Read up to the line's fault: a line cut short names its order too.
                    id: jsonl::order_id(text),
                },
            },
            Err(bad) => Read {
                line,
                order: Err(not_utf8(&bad, line)),
                // The id is readable when its own bytes are UTF-8 (not replaced).
                id: bad.order_id(),
            },
        })
        .collect()
}

/// "1 order", "3 orders".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// An order that cannot be assessed, in `--json` mode: the shape of `cg_engine_assess_many`'s
/// errors (`order_id` null when it cannot be read), with the order's line.
fn error_json(line: usize, order_id: Option<&str>, e: &Error) -> String {
    #[derive(serde::Serialize)]
    struct Failed<'a> {
        line: usize,
        order_id: Option<&'a str>,
        error: ErrorJson<'a>,
    }
    #[derive(serde::Serialize)]
    struct ErrorJson<'a> {
        code: &'static str,
        message: &'a str,
    }
    let failed = Failed {
        line,
        order_id,
        error: ErrorJson {
            code: e.kind().code(),
            message: e.message(),
        },
    };
    serde_json::to_string(&failed).unwrap_or_default()
}

fn main() {
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("triage: {e}\n\n{USAGE}");
        std::process::exit(2);
    });
    let (history_path, orders_path) = match &args.input {
        Input::Files { history, orders } => (history.clone(), orders.clone()),
        Input::Dir(dir) => {
            let files = (dir.join("history.jsonl"), dir.join("queries.jsonl"));
            if !dir.is_dir() {
                fail(format!(
                    "{} is not a folder: give a folder holding history.jsonl and \
                     queries.jsonl, or --history FILE --orders FILE",
                    dir.display()
                ));
            }
            for file in [&files.0, &files.1] {
                if !file.is_file() {
                    fail(format!(
                        "{}: no such file (a folder holds history.jsonl and queries.jsonl; \
                         for files of other names: --history FILE --orders FILE)",
                        file.display()
                    ));
                }
            }
            files
        }
    };
    // The history is all or nothing (as `add_history` is); a malformed new order is reported
    // in its place and the others are triaged.
    let history_bytes = read(&history_path);
    let history_fail = |e: Error| -> ! {
        fail(format!(
            "{}: {e} (the history is read whole: nothing was triaged)",
            history_path.display()
        ))
    };
    let history_text =
        match std::str::from_utf8(&history_bytes) {
            Ok(text) => text,
            Err(e) => {
                // A text that is not UTF-8 has a line that is not (they are cut at an ASCII byte).
                let bad = jsonl::records_in_bytes(&history_bytes)
                    .find_map(|(n, line)| line.err().map(|bad| not_utf8(&bad, n)));
                history_fail(bad.unwrap_or_else(|| {
                    Error::new(ErrorKind::InvalidUtf8, format!("not UTF-8 ({e})"))
                }))
            }
        };
    let history: Vec<HistoryRecord> =
        Engine::parse_jsonl(history_text).unwrap_or_else(|e| history_fail(e));
    let orders = read_orders(&read(&orders_path));

    let started = Instant::now();
    let config = PolicyConfig::default();
    let mut engine = Engine::new(config.clone());
    let n_history = engine.add_history(history).unwrap_or_else(|e| {
        // A record's error (a repeated order id) names its position in the list: say its line.
        let Some(i) = e.record() else { history_fail(e) };
        // Record i of `parse_jsonl`'s list is the file's i-th record line.
        let line = jsonl::records(history_text)
            .nth(i)
            .map_or(i + 1, |(line, _)| line);
        history_fail(Error::new(
            e.kind(),
            format!("line {line}: {}", e.record_detail()),
        ))
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let mut progress = Progress::new(orders.len());
    for (i, read) in orders.iter().enumerate() {
        progress.show(i);
        // Each order triaged joins the history as pending, as a shop's backend adds it: a
        // second order of the same customer later in the file is then seen (a double click, the
        // same parcel ordered twice) and never auto-confirmed. An id already held (in the
        // history, or earlier in this file) is reported instead of assessed twice.
        let assessed = match &read.order {
            Ok(order) => engine
                .assess_and_add(order)
                .map_err(|e| (Some(order.order_id.as_str()), e)),
            Err(e) => Err((read.id.as_deref(), e.clone())),
        };
        let a = match assessed {
            Ok(a) => a,
            Err((order_id, e)) => {
                summary.errors += 1;
                if args.json {
                    let _ = writeln!(out, "{}", error_json(read.line, order_id, &e));
                } else {
                    // The message names the line when reading failed; an engine's error does not.
                    let at = if e.message().starts_with(&format!("line {}", read.line)) {
                        String::new()
                    } else {
                        format!("line {}: ", read.line)
                    };
                    let _ = writeln!(
                        out,
                        "{:<14} error: {}: {at}{}\n",
                        order_id.unwrap_or("-"),
                        e.kind().code(),
                        e.message()
                    );
                }
                continue;
            }
        };
        summary.add(&a);
        if args.json {
            let _ = writeln!(out, "{}", serde_json::to_string(&a).unwrap_or_default());
        } else {
            let _ = write_assessment(&mut out, &a);
        }
    }
    progress.done();
    let triaged = orders.len() - summary.errors;
    let mut counted = format!("{} triaged", count(triaged, "order"));
    if summary.errors > 0 {
        counted.push_str(&format!(", {} not (their errors above)", summary.errors));
    }
    if args.json {
        // stdout is JSON Lines only: the count is for the person watching.
        let _ = out.flush();
        eprintln!("triage: {counted}");
    } else {
        let elapsed = started.elapsed().as_secs_f64();
        let _ = writeln!(
            out,
            "{counted} against {} in {elapsed:.2} s\n",
            count(n_history, "past order")
        );
        let _ = summary.write(&mut out);
        let _ = write_legend(&mut out, &config, &summary);
    }
    if summary.errors > 0 {
        // Everything readable was triaged and printed; the status tells a script that some
        // orders were not (exit 1, as the C example's; 2 when nothing was triaged).
        let _ = out.flush();
        std::process::exit(1);
    }
}

/// One order of the report: the decision line, each reason with its sentence, the matches.
fn write_assessment(out: &mut impl Write, a: &Assessment) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<14} {:<10} {:<18} risk {:.3}{}",
        a.order_id,
        a.customer_class.as_str(),
        a.action.as_str(),
        a.risk,
        if a.notify_customer_service {
            "  -> customer service"
        } else {
            ""
        },
    )?;
    for r in &a.reasons {
        let ids: Vec<&str> = r.order_ids.iter().map(OrderId::as_str).collect();
        let ids = if ids.is_empty() {
            String::new()
        } else {
            format!(" ({})", ids.join(", "))
        };
        writeln!(out, "    {:<24} {}{ids}", r.code.as_str(), r.detail)?;
    }
    if !a.matches.is_empty() {
        let matches: Vec<String> = a
            .matches
            .iter()
            .map(|m| {
                let evidence: Vec<&str> = m.evidence.iter().map(|e| evidence_name(*e)).collect();
                format!("{} ({:.3}: {})", m.order_id, m.score, evidence.join("+"))
            })
            .collect();
        writeln!(out, "    {:<24} {}", "matched", matches.join(", "))?;
    }
    writeln!(out)
}

/// Counts per (class, action), and the risk range of each class.
#[derive(Default)]
struct Summary {
    by_decision: BTreeMap<(&'static str, &'static str), usize>,
    risk: BTreeMap<&'static str, (f64, f64)>,
    errors: usize,
}

impl Summary {
    fn add(&mut self, a: &Assessment) {
        let class = a.customer_class.as_str();
        *self
            .by_decision
            .entry((class, a.action.as_str()))
            .or_default() += 1;
        let range = self.risk.entry(class).or_insert((a.risk, a.risk));
        *range = (range.0.min(a.risk), range.1.max(a.risk));
    }

    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "{:<12} {:<20} {:>7}", "class", "action", "orders")?;
        for ((class, action), n) in &self.by_decision {
            writeln!(out, "{class:<12} {action:<20} {n:>7}")?;
        }
        if self.errors > 0 {
            writeln!(out, "{:<33} {:>7}", "not triaged (malformed)", self.errors)?;
        }
        writeln!(out)
    }
}

/// What a class means, in the contract's words.
fn class_meaning(class: CustomerClass) -> &'static str {
    match class {
        CustomerClass::New => "no usable history (or only orders they cancelled themselves)",
        CustomerClass::Good => "bought and paid before",
        CustomerClass::Negotiator => "a good customer who haggled for a discount or a gift",
        CustomerClass::Risky => "refused a parcel, was unreachable, or had one returned",
        CustomerClass::Ghost => "fake details, or never confirmed and never took a delivery",
    }
}

/// The contract's name of a matched field.
fn evidence_name(e: Evidence) -> &'static str {
    match e {
        Evidence::Phone => "phone",
        Evidence::Email => "email",
        Evidence::Address => "address",
        Evidence::Name => "name",
    }
}

/// The legend under the report: classes with the action this policy gives each, what the
/// actions do, the risk scale (with the range each class had in this run), and what
/// "-> customer service" asks for.
fn write_legend(
    out: &mut impl Write,
    config: &PolicyConfig,
    summary: &Summary,
) -> std::io::Result<()> {
    let actions = &config.actions;
    writeln!(out, "Legend")?;
    writeln!(out, "  classes, and the action this policy gives each:")?;
    for class in CustomerClass::ALL {
        let action = match class {
            CustomerClass::New => actions.new.as_str().to_string(),
            CustomerClass::Good => actions.good.as_str().to_string(),
            CustomerClass::Negotiator => actions.negotiator.as_str().to_string(),
            CustomerClass::Risky => actions.risky.as_str().to_string(),
            CustomerClass::Ghost => format!(
                "{}; {} without a usable phone",
                actions.ghost.as_str(),
                actions.ghost_without_phone.as_str()
            ),
        };
        writeln!(
            out,
            "    {:<11} {} -> {action}",
            class.as_str(),
            class_meaning(class)
        )?;
    }
    writeln!(out, "  actions:")?;
    for (action, meaning) in [
        ("auto_confirm", "ship it; no confirmation needed"),
        (
            "confirm",
            "start the confirmation flow: SMS with a link, WhatsApp, email, a call, then cancel",
        ),
        (
            "review",
            "a person calls the customer before anything ships",
        ),
        (
            "require_prepayment",
            "offer to pay online first (a shop opts in per class)",
        ),
        ("reject", "do not ship: nobody can confirm this order"),
    ] {
        writeln!(out, "    {action:<19} {meaning}")?;
    }
    writeln!(
        out,
        "  risk: 0 = safe, 1 = almost surely fake or refused. A transparent heuristic that orders a\n    \
         review queue, not a probability: failed deliveries weigh by their share of shipped orders,\n    \
         each delivery lowers it, each junk field adds to it. In this run:"
    )?;
    for (class, (low, high)) in &summary.risk {
        if low == high {
            writeln!(out, "    {class:<11} {low:.3}")?;
        } else {
            writeln!(out, "    {class:<11} {low:.3} to {high:.3}")?;
        }
    }
    let notified: Vec<&str> = config.notify_classes.iter().map(|c| c.as_str()).collect();
    writeln!(
        out,
        "  -> customer service: the assessment's notify_customer_service is set: an order of these\n    \
         classes (this policy: {}) that goes ahead (auto_confirm or confirm; a\n    \
         reviewed order is already in a person's hands). Tell the shop's customer service, to\n    \
         thank a returning customer; for a negotiator, to add the small gift they expect.",
        notified.join(", ")
    )
}

/// A progress bar on stderr for large inputs, drawn only when stderr is a terminal (never in a
/// pipe or a log).
struct Progress {
    total: usize,
    shown: bool,
    last: usize,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            shown: total >= PROGRESS_FROM && std::io::stderr().is_terminal(),
            last: usize::MAX,
        }
    }

    fn show(&mut self, done: usize) {
        if !self.shown {
            return;
        }
        let percent = done * 100 / self.total.max(1);
        if percent == self.last {
            return;
        }
        self.last = percent;
        let filled = percent * 30 / 100;
        eprint!(
            "\rtriage [{}{}] {percent:>3}% {done}/{}",
            "#".repeat(filled),
            ".".repeat(30 - filled),
            self.total
        );
    }

    fn done(&mut self) {
        if self.shown {
            self.last = usize::MAX;
            self.show(self.total);
            eprintln!();
        }
    }
}
