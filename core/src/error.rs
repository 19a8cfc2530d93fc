//! The crate's one error type.
//!
//! Every fallible function returns [`Error`]; callers match on [`Error::kind`]. Messages never
//! repeat a phone, email or address the caller did not pass in: they name the problem and the
//! field, not the customer's data.

use serde::{Deserialize, Serialize};

/// What went wrong, as a stable snake_case code that every binding exposes unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// An input string is longer than the documented maximum for its field.
    InputTooLong,
    /// A text is not valid Unicode: bytes that are not UTF-8 (over C), a lone surrogate (in a
    /// Python `str`, or a `\ud800` escape in JSON text: see [`lone_surrogate_escape`]). Rust's
    /// `&str` is always valid, so only readers of JSON text and the bindings report it.
    InvalidUtf8,
    /// A text read as JSON is not JSON at all: a syntax error, or it ends too early (a line of
    /// a JSON Lines file that is a spreadsheet's header row, a record cut short). Well-formed
    /// JSON that is no valid record is [`ErrorKind::InvalidRecord`]. Only readers of JSON text
    /// report it ([`crate::engine::Engine::parse_jsonl`] and the C library).
    InvalidJson,
    /// The phone field is empty.
    PhoneEmpty,
    /// The phone has too few digits to be a number of its region.
    PhoneTooShort,
    /// The phone has too many digits to be a number of its region.
    PhoneTooLong,
    /// The phone has plausible length but is not a valid number of the region.
    PhoneInvalidForRegion,
    /// The phone field holds no number at all.
    PhoneNotANumber,
    /// The phone validates but is junk: all its digits equal, or in a range reserved for fiction
    /// and tests. (A number that merely looks made up is not an error: it normalizes.)
    PhoneJunk,
    /// A country given to a call is neither blank nor an ISO 3166-1 alpha-2 code the library
    /// knows.
    InvalidCountry,
    /// The email field is empty.
    EmailEmpty,
    /// The email is not a syntactically usable address.
    EmailInvalid,
    /// An order or history record is malformed: an unknown field, a missing required one, a
    /// value of the wrong type, a country that is not an ISO 3166-1 alpha-2 code; the message
    /// names the field. Also a store row that does not parse.
    InvalidRecord,
    /// A policy or flow configuration is inconsistent.
    InvalidConfig,
    /// No order with that id is known.
    UnknownOrder,
    /// An order with that id is already known.
    DuplicateOrder,
    /// A flow event does not fit the flow (malformed, or for another order).
    InvalidEvent,
    /// A confirmation token is not of the token format (wrong length or alphabet).
    TokenMalformed,
    /// A confirmation token's signature does not verify.
    TokenForged,
    /// A confirmation token has expired.
    TokenExpired,
    /// A confirmation token was issued for another order.
    TokenWrongOrder,
    /// A snapshot ends before its declared length.
    SnapshotTruncated,
    /// A snapshot's checksum or structure is wrong.
    SnapshotCorrupt,
    /// A snapshot was written by a newer or unknown format version.
    SnapshotVersion,
}

impl ErrorKind {
    /// Every kind.
    pub const ALL: [ErrorKind; 24] = [
        ErrorKind::InputTooLong,
        ErrorKind::InvalidUtf8,
        ErrorKind::InvalidJson,
        ErrorKind::PhoneEmpty,
        ErrorKind::PhoneTooShort,
        ErrorKind::PhoneTooLong,
        ErrorKind::PhoneInvalidForRegion,
        ErrorKind::PhoneNotANumber,
        ErrorKind::PhoneJunk,
        ErrorKind::InvalidCountry,
        ErrorKind::EmailEmpty,
        ErrorKind::EmailInvalid,
        ErrorKind::InvalidRecord,
        ErrorKind::InvalidConfig,
        ErrorKind::UnknownOrder,
        ErrorKind::DuplicateOrder,
        ErrorKind::InvalidEvent,
        ErrorKind::TokenMalformed,
        ErrorKind::TokenForged,
        ErrorKind::TokenExpired,
        ErrorKind::TokenWrongOrder,
        ErrorKind::SnapshotTruncated,
        ErrorKind::SnapshotCorrupt,
        ErrorKind::SnapshotVersion,
    ];

    /// The stable snake_case code, as in JSON and in the Python and C bindings.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InputTooLong => "input_too_long",
            ErrorKind::InvalidUtf8 => "invalid_utf8",
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::PhoneEmpty => "phone_empty",
            ErrorKind::PhoneTooShort => "phone_too_short",
            ErrorKind::PhoneTooLong => "phone_too_long",
            ErrorKind::PhoneInvalidForRegion => "phone_invalid_for_region",
            ErrorKind::PhoneNotANumber => "phone_not_a_number",
            ErrorKind::PhoneJunk => "phone_junk",
            ErrorKind::InvalidCountry => "invalid_country",
            ErrorKind::EmailEmpty => "email_empty",
            ErrorKind::EmailInvalid => "email_invalid",
            ErrorKind::InvalidRecord => "invalid_record",
            ErrorKind::InvalidConfig => "invalid_config",
            ErrorKind::UnknownOrder => "unknown_order",
            ErrorKind::DuplicateOrder => "duplicate_order",
            ErrorKind::InvalidEvent => "invalid_event",
            ErrorKind::TokenMalformed => "token_malformed",
            ErrorKind::TokenForged => "token_forged",
            ErrorKind::TokenExpired => "token_expired",
            ErrorKind::TokenWrongOrder => "token_wrong_order",
            ErrorKind::SnapshotTruncated => "snapshot_truncated",
            ErrorKind::SnapshotCorrupt => "snapshot_corrupt",
            ErrorKind::SnapshotVersion => "snapshot_version",
        }
    }

    /// True for the phone problems (`phone_*`).
    pub fn is_invalid_phone(self) -> bool {
        matches!(
            self,
            ErrorKind::PhoneEmpty
                | ErrorKind::PhoneTooShort
                | ErrorKind::PhoneTooLong
                | ErrorKind::PhoneInvalidForRegion
                | ErrorKind::PhoneNotANumber
                | ErrorKind::PhoneJunk
        )
    }

    /// True for the token problems (`token_*`).
    pub fn is_invalid_token(self) -> bool {
        matches!(
            self,
            ErrorKind::TokenMalformed
                | ErrorKind::TokenForged
                | ErrorKind::TokenExpired
                | ErrorKind::TokenWrongOrder
        )
    }

    /// True for the snapshot problems (`snapshot_*`).
    pub fn is_invalid_snapshot(self) -> bool {
        matches!(
            self,
            ErrorKind::SnapshotTruncated | ErrorKind::SnapshotCorrupt | ErrorKind::SnapshotVersion
        )
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// An error: a [`ErrorKind`] the caller can match, and a sentence for people.
///
/// # Example
/// ```
/// use codguard::{normalize::normalize_phone, ErrorKind};
/// let err = normalize_phone("", "MA").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::PhoneEmpty);
/// assert!(err.kind().is_invalid_phone());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    record: Option<usize>,
}

impl Error {
    /// An error of `kind` with a human sentence. Keep customer data out of `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            record: None,
        }
    }

    /// `e` as the error of the record at `index` (counted from 0) of a list the caller passed:
    /// the message starts "record N: " and [`Error::record`] gives `index`.
    pub(crate) fn in_record(index: usize, e: Error) -> Error {
        Error {
            kind: e.kind,
            message: format!("record {index}: {}", e.message),
            record: Some(index),
        }
    }

    /// `e` (made by [`Error::in_record`]) as an error about a record given alone, not as an
    /// item of a list: `Engine::add_order`'s, whose caller gave one order, no list.
    pub(crate) fn alone(e: Error) -> Error {
        Error::new(e.kind, e.record_detail())
    }

    /// The message without the "record N: " that [`Error::record`]'s errors start with: what
    /// is wrong with the record itself, for a reader that names the record its own way (the
    /// line of a file). The whole message for any other error.
    pub fn record_detail(&self) -> &str {
        let Some(index) = self.record else {
            return &self.message;
        };
        self.message
            .strip_prefix(&format!("record {index}: "))
            .unwrap_or(&self.message)
    }

    /// For an error about one record of a list (`Engine::add_history`'s records), its position
    /// in the list, counted from 0: so that a reader of a file can name the record's line.
    pub fn record(&self) -> Option<usize> {
        self.record
    }

    /// What went wrong, to match on.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human sentence, without the code.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Rejects `value` with [`ErrorKind::InputTooLong`] when it is longer than `max` bytes.
///
/// Every normalizer calls this first, so that huge inputs cost nothing.
pub(crate) fn check_len(field: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.len() > max {
        return Err(Error::new(
            ErrorKind::InputTooLong,
            format!("{field} is {} bytes, the maximum is {max}", value.len()),
        ));
    }
    Ok(())
}

/// What serde_json says of `e`, an error reading the JSON text `json`, without the position it
/// appends (" at line L column C"), and that column in characters. For readers of JSON Lines,
/// which hand serde one line at a time (so its line is always 1) and say the file's line
/// themselves, and for any reader that says the position its own way. serde counts the column
/// in bytes, where an editor counts characters: in a record with an Arabic name (two bytes a
/// letter) the byte count points far past the place.
pub fn json_error_text(e: &serde_json::Error, json: &str) -> (String, usize) {
    let text = e.to_string();
    let what = match text.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())) {
        Some(what) => what.to_string(),
        None => text,
    };
    let line = json
        .split('\n')
        .nth(e.line().saturating_sub(1))
        .unwrap_or("");
    (what, char_column(line, e.column()))
}

/// The character column of byte column `column` (counted from 1) of one line of text: the
/// characters that start at or before that byte. Past the end it is one past the last
/// character, as serde's count is at the end of a line.
fn char_column(line: &str, column: usize) -> usize {
    let bytes = column.min(line.len());
    let whole = line
        .char_indices()
        .take_while(|&(at, _)| at < bytes)
        .count();
    whole + column.saturating_sub(line.len())
}

/// True when JSON text holds a `\uD800`–`\uDFFF` escape without its pair (a lone surrogate,
/// which no Unicode text can hold). serde_json reports one as a syntax error ("unexpected end of
/// hex escape"); the contract makes it the library's `invalid_utf8` in every binding, as a lone
/// surrogate in a Python `str` is. Readers of JSON text ask this on a syntax error only.
pub fn lone_surrogate_escape(json: &str) -> bool {
    let b = json.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    let (mut i, mut in_string) = (0, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if b.get(i + 1) == Some(&b'u') {
                    match hex(i + 2) {
                        Some(0xD800..=0xDBFF) => {
                            let pair = b.get(i + 6..i + 8) == Some(b"\\u".as_slice())
                                && matches!(hex(i + 8), Some(0xDC00..=0xDFFF));
                            if !pair {
                                return true;
                            }
                            i += 6;
                        }
                        Some(0xDC00..=0xDFFF) => return true,
                        _ => {}
                    }
                }
                // Skips the escaped character (a `"` or `\\` in particular).
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{json_error_text, lone_surrogate_escape};

    /// The column of a JSON error is the character a person's editor shows there, in any script:
    /// the character serde stopped at, whatever number of bytes the text before it takes.
    #[test]
    fn json_error_columns_count_characters() {
        // Each line is bad at its `!`, after text of one, two, three and four bytes a character.
        for line in [
            r#"{"name": "Salma", "city": !}"#,
            r#"{"name": "سلمى العلوي", "city": !}"#,
            r#"{"name": "ⵙⴰⵍⵎⴰ", "city": !}"#,
            r#"{"name": "😀 Salma", "city": !}"#,
            r#"{"name": "é ٠٦٦١", "city": !}"#,
        ] {
            let e = serde_json::from_str::<serde_json::Value>(line).unwrap_err();
            let (what, column) = json_error_text(&e, line);
            assert_eq!(
                line.chars().nth(column - 1),
                Some('!'),
                "{line}: {what} at {column}"
            );
            assert!(!what.contains("column"), "{what}");
        }
        // Cut short: the column is one past the last character, as serde's is past the last byte.
        let line = r#"{"name": "سلمى"#;
        let e = serde_json::from_str::<serde_json::Value>(line).unwrap_err();
        assert_eq!(json_error_text(&e, line).1, line.chars().count());
    }

    #[test]
    fn finds_lone_surrogate_escapes_only() {
        for lone in [
            r#"{"name": "\ud800x"}"#,
            r#"{"name": "\uD800"}"#,
            r#"{"name": "a\udc00"}"#,
            r#"{"name": "\ud800\u0041"}"#,
            r#"["\ud83d\ude00", "\udbff"]"#,
            // After an escaped quote, still inside the string.
            r#"{"name": "\u0041\"\ud800"}"#,
        ] {
            assert!(lone_surrogate_escape(lone), "{lone}");
        }
        for fine in [
            r#"{"name": "\ud83d\ude00"}"#,
            r#"{"name": "\\ud800"}"#,
            r#"{"name": "x"} \ud800"#,
            r#"{"name": "\u00e9"}"#,
        ] {
            assert!(!lone_surrogate_escape(fine), "{fine}");
        }
    }
}
