//! The records of a JSON Lines file, each with the line it is on.
//!
//! Shops hand over order histories and new orders as JSON Lines files saved by whatever tool
//! they have, and every reader of such a file (the engine's [`Engine::parse_jsonl`], the C
//! library, the `triage` example) must agree on which lines hold a record and what their
//! numbers are, or an error names a line the user cannot find. The rule lives here, once:
//!
//! - one byte-order mark (U+FEFF) at the very start of the file is skipped: Windows tools and
//!   spreadsheet exports write one, and it is no part of the first record (anywhere else it is
//!   the line's content);
//! - a line ends at `\n`, and a `\r` just before it is dropped (CRLF files), as [`str::lines`]
//!   reads them;
//! - a blank line (nothing but white space) holds no record: a final newline, a gap left in a
//!   hand-edited file;
//! - lines are numbered from 1 and blank lines count, so that the number is the one an editor
//!   shows.
//!
//! [`Engine::parse_jsonl`]: crate::engine::Engine::parse_jsonl

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The byte-order mark one file may start with (U+FEFF, the bytes EF BB BF): a reader that
/// looks at a file's first character itself (is it a JSON array?) skips it as
/// [`records`] does.
pub const BYTE_ORDER_MARK: &str = "\u{feff}";

/// The records of a JSON Lines text: each non-blank line, with its line number in the file
/// (counted from 1, blank lines and the line of a leading byte-order mark counted), after one
/// leading byte-order mark. What each line holds is the caller's to read (it may not be JSON).
///
/// # Example
/// ```
/// use codguard::jsonl;
/// let text = "\u{feff}{\"a\": 1}\r\n\r\n  \n{\"a\": 2}\n";
/// let records: Vec<(usize, &str)> = jsonl::records(text).collect();
/// assert_eq!(records, [(1, "{\"a\": 1}"), (4, "{\"a\": 2}")]);
/// ```
pub fn records(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    // Every line of a `str` is UTF-8 (lines are cut at an ASCII byte, never inside a
    // character), so none is left out here.
    records_in_bytes(text.as_bytes()).filter_map(|(number, line)| Some((number, line.ok()?)))
}

/// As [`records`], for a file's bytes read as they are: a line that is not UTF-8 is not
/// blank, and comes as its [`NotUtf8`] in its place, so that a reader can report that line
/// and go on with the others.
///
/// # Example
/// ```
/// use codguard::jsonl;
/// let bytes = b"\xEF\xBB\xBF{\"a\": 1}\r\n\n{\"a\": \"\xFF\"}\n";
/// let records: Vec<_> = jsonl::records_in_bytes(bytes).collect();
/// assert_eq!(records[0], (1, Ok("{\"a\": 1}")));
/// let (number, line) = &records[1];
/// let bad = line.as_ref().unwrap_err();
/// assert_eq!((*number, bad.error.valid_up_to()), (3, 7));
/// ```
pub fn records_in_bytes(
    bytes: &[u8],
) -> impl Iterator<Item = (usize, Result<&str, NotUtf8<'_>>)> + '_ {
    let bytes = bytes
        .strip_prefix(BYTE_ORDER_MARK.as_bytes())
        .unwrap_or(bytes);
    bytes
        .split_inclusive(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(i, line)| {
            let line = match line.strip_suffix(b"\n") {
                Some(line) => line.strip_suffix(b"\r").unwrap_or(line),
                None => line,
            };
            let number = i + 1;
            match std::str::from_utf8(line) {
                Ok(text) if text.trim().is_empty() => None,
                Ok(text) => Some((number, Ok(text))),
                Err(error) => Some((number, Err(NotUtf8 { bytes: line, error }))),
            }
        })
}

/// A line of a JSON Lines file whose bytes are not UTF-8: no record can be read from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8<'a> {
    /// The line's bytes, without its line end.
    pub bytes: &'a [u8],
    /// Why they are not UTF-8: [`std::str::Utf8Error::valid_up_to`] is where the first bad
    /// byte is (counted from 0).
    pub error: std::str::Utf8Error,
}

impl NotUtf8<'_> {
    /// The column of the first bad byte, counted from 1 in characters as an editor shows them
    /// (and as the column of a JSON error is): the characters before it are what the bytes up
    /// to it decode to.
    pub fn column(&self) -> usize {
        let good = self
            .bytes
            .get(..self.error.valid_up_to())
            .unwrap_or_default();
        std::str::from_utf8(good).map_or(0, |text| text.chars().count()) + 1
    }

    /// The `order_id` the line names, when its own bytes are UTF-8 ([`order_id`] of the line
    /// with each bad byte replaced, and no id that holds a replaced byte): the one a report of
    /// the line shows.
    pub fn order_id(&self) -> Option<String> {
        order_id(&String::from_utf8_lossy(self.bytes)).filter(|id| !id.contains('\u{FFFD}'))
    }
}

/// Where in line `number` of a JSON Lines file serde's error `e` (reading that `line`) is, and
/// what serde says of it: `("line 4, column 12", "expected value")`, the column in characters
/// as an editor shows them, for a line that is not JSON; ``("line 4", "field `country` must
/// be ...")`` for a record's own error (serde's category `Data`), which names its field, and for
/// which serde's column is mostly the end of the record, far from the field. Every reader of
/// JSON Lines says its errors' places so (the engine's [`Engine::parse_jsonl`], the C library).
///
/// [`Engine::parse_jsonl`]: crate::engine::Engine::parse_jsonl
pub fn error_at(e: &serde_json::Error, line: &str, number: usize) -> (String, String) {
    let (what, column) = crate::error::json_error_text(e, line);
    let at = if e.is_data() {
        format!("line {number}")
    } else {
        format!("line {number}, column {column}")
    };
    (at, what)
}

/// The `order_id` a record's line names, read up to where the line goes wrong: a report of
/// the lines that could not be read (cut short, a value that is not JSON, a record that does
/// not validate) names the order the user wrote there. `None` when the line is no JSON object,
/// names no id before its fault, or names one no report should show: not a string, blank,
/// longer than the contract's [`MAX_ORDER_ID_CHARS`] characters, or with a control character.
///
/// # Example
/// ```
/// use codguard::jsonl;
/// assert_eq!(jsonl::order_id(r#"{"order_id": "o-7", "name": "Sal"#).as_deref(), Some("o-7"));
/// assert_eq!(jsonl::order_id(r#"{"name": "Sal"#), None);
/// ```
///
/// [`MAX_ORDER_ID_CHARS`]: crate::record::MAX_ORDER_ID_CHARS
pub fn order_id(line: &str) -> Option<String> {
    let mut id = None;
    let mut reader = serde_json::Deserializer::from_str(line);
    // The error is the line's fault, reported by whoever read the record: what was read
    // before it is kept.
    let _ = IdOf(&mut id).deserialize(&mut reader);
    id.filter(|id| reportable_order_id(id))
}

/// Whether an `order_id` may be shown back in a report of a record that could not be read: a
/// string that is not blank, of at most the contract's [`MAX_ORDER_ID_CHARS`] characters and
/// without a control character.
///
/// [`MAX_ORDER_ID_CHARS`]: crate::record::MAX_ORDER_ID_CHARS
pub fn reportable_order_id(id: &str) -> bool {
    !id.trim().is_empty()
        && id.chars().count() <= crate::record::MAX_ORDER_ID_CHARS
        && !id.chars().any(char::is_control)
}

/// Reads a JSON object's entries one by one and keeps the first `order_id` string in `.0`, so
/// that it is there even when a later entry fails.
struct IdOf<'a>(&'a mut Option<String>);

impl<'de> DeserializeSeed<'de> for IdOf<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for IdOf<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "order_id" && self.0.is_none() {
                let value: serde_json::Value = map.next_value()?;
                *self.0 = Some(value.as_str().map(str::to_owned).unwrap_or_default());
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A byte-order mark, CRLF line ends, blank lines (empty, blanks, a lone `\r`) and no final
    /// newline: the records' numbers are the file's lines.
    #[test]
    fn records_are_numbered_by_the_lines_of_the_file() {
        let text = "\u{feff}{\"a\": 1}\r\n\r\n \t \r\n{\"a\": 2}\n\r\n\n{\"a\": 3}";
        let got: Vec<(usize, &str)> = records(text).collect();
        assert_eq!(
            got,
            [(1, "{\"a\": 1}"), (4, "{\"a\": 2}"), (7, "{\"a\": 3}")]
        );
        let bytes: Vec<(usize, &str)> = records_in_bytes(text.as_bytes())
            .map(|(n, line)| (n, line.unwrap()))
            .collect();
        assert_eq!(bytes, got);
    }

    /// Only one mark, and only at the very start, is skipped; a second one is the line's text.
    #[test]
    fn only_a_leading_byte_order_mark_is_skipped() {
        assert_eq!(
            records("\u{feff}\u{feff}x").collect::<Vec<_>>(),
            [(1, "\u{feff}x")]
        );
        assert_eq!(
            records("x\n\u{feff}y").collect::<Vec<_>>(),
            [(1, "x"), (2, "\u{feff}y")]
        );
        assert_eq!(records("\u{feff}").count(), 0);
        assert_eq!(
            records(" \u{feff}x").collect::<Vec<_>>(),
            [(1, " \u{feff}x")]
        );
    }

    /// As `str::lines`: a `\r` is dropped only before a `\n`; a line of Unicode blanks (a
    /// no-break space) is blank.
    #[test]
    fn line_ends_and_blanks_are_those_of_str_lines() {
        for text in [
            "a\rb\r\nc\r",
            "\u{a0}\n\u{2003}\r\nx\n",
            "",
            "\n\n",
            "a\n\rb",
        ] {
            let want: Vec<(usize, &str)> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, l))
                .collect();
            assert_eq!(records(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }

    /// A line that is not UTF-8 is no blank line: it comes in its place with its bytes and
    /// where they go wrong, and the lines after it are read.
    #[test]
    fn a_line_that_is_not_utf8_comes_in_its_place() {
        let bytes = b"\xEF\xBB\xBFx\r\n\r\nab\xFFc\r\ny\n";
        let got: Vec<_> = records_in_bytes(bytes).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (1, Ok("x")));
        let (number, bad) = &got[1];
        let bad = bad.as_ref().unwrap_err();
        assert_eq!(
            (*number, bad.bytes, bad.error.valid_up_to()),
            (3, &b"ab\xFFc"[..], 2)
        );
        assert_eq!(got[2], (4, Ok("y")));
        assert_eq!(bad.column(), 3);
    }

    /// A line's order id is read up to its fault, and only an id a report may show back.
    #[test]
    fn the_order_id_is_read_up_to_the_fault() {
        for (line, id) in [
            // Cut short, a value that is not JSON, a record that does not validate.
            (r#"{"order_id": "o-7", "name": "Sal"#, Some("o-7")),
            (
                r#"{"order_id": "o-7", "placed_at": 17672256OO}"#,
                Some("o-7"),
            ),
            (
                r#"{"placed_at": -1, "order_id": "طلب-٧", "country": "Morocco"}"#,
                Some("طلب-٧"),
            ),
            (r#"{"order_id": "o\u002d7"}"#, Some("o-7")),
            (r#"  {"order_id":"o-7""#, Some("o-7")),
            // The first one, when repeated.
            (r#"{"order_id": "o-7", "order_id": "o-8"}"#, Some("o-7")),
            // None before the fault, or none at all.
            (r#"{"name": "Sal"#, None),
            (r#"{"name": x, "order_id": "o-7"}"#, None),
            (r#"{"order_id": "#, None),
            (r#"{"order_id": "o-"#, None),
            ("order_id,name,phone", None),
            (r#"["order_id", "o-7"]"#, None),
            (r#"{"customer": {"order_id": "o-7"}}"#, None),
            // Not one to show back.
            (r#"{"order_id": 7}"#, None),
            (r#"{"order_id": "  "}"#, None),
            (r#"{"order_id": "o\u00007"}"#, None),
            (r#"{"order_id": "o\n7"}"#, None),
        ] {
            assert_eq!(order_id(line).as_deref(), id, "{line}");
        }
        let long = format!(r#"{{"order_id": "{}"}}"#, "٣".repeat(192));
        assert_eq!(order_id(&long), None);
        let longest = format!(r#"{{"order_id": "{}"}}"#, "٣".repeat(191));
        assert_eq!(order_id(&longest).map(|id| id.chars().count()), Some(191));
    }

    /// The column of a bad byte is the character an editor shows there: after an Arabic name
    /// (two bytes a letter), a Tifinagh one (three), an emoji (four), or at the very start.
    #[test]
    fn a_bad_byte_is_placed_in_characters() {
        for (before, column) in [
            ("", 1),
            ("{\"name\": \"Salma", 16),
            ("{\"name\": \"خديجة بنعلي", 22),
            ("{\"name\": \"ⵙⴰⵍⵎⴰ", 16),
            ("{\"name\": \"😀 ", 13),
        ] {
            let mut line = before.as_bytes().to_vec();
            // A lone continuation byte, then a cut-short Arabic letter: the first is the fault.
            line.extend_from_slice(b"\x80\xD8\"}");
            let got: Vec<_> = records_in_bytes(&line).collect();
            let bad = got[0].1.as_ref().unwrap_err();
            assert_eq!(bad.column(), column, "{before}");
            assert_eq!(before.chars().count() + 1, column);
        }
    }
}
