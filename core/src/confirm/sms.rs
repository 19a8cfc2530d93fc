//! SMS segment counting (3GPP TS 23.038 / 23.040), so a shop sees what each message costs.
//!
//! Text that fits the GSM 7-bit alphabet costs one septet per character, two for characters of
//! the extension table; it fits 160 septets in one SMS, 153 per part when concatenated. Any
//! other character (Arabic, most emoji) forces UCS-2: 70 UTF-16 units in one SMS, 67 per part.
//! Concatenated parts never split an escape pair or a surrogate pair.

use serde::{Deserialize, Serialize};

// The GSM 03.38 default alphabet and its extension table are fixed by the standard; they are the
// definition of the encoding rather than a data table a shop would edit.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How an SMS is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    /// GSM 7-bit default alphabet (with its extension table).
    Gsm7,
    /// UCS-2 (UTF-16): anything outside GSM-7, such as Arabic.
    Ucs2,
}

contract_names!(SmsEncoding, "SMS encoding", {
    Gsm7 => "gsm7",
    Ucs2 => "ucs2",
});

/// The encoding an SMS carrying `text` needs.
///
/// # Example
/// ```
/// use codguard::confirm::{sms_encoding, SmsEncoding};
/// assert_eq!(sms_encoding("Merci, à bientôt"), SmsEncoding::Ucs2); // ô is not GSM-7
/// assert_eq!(sms_encoding("Merci, à demain €"), SmsEncoding::Gsm7);
/// assert_eq!(sms_encoding("شكرا"), SmsEncoding::Ucs2);
/// ```
pub fn sms_encoding(text: &str) -> SmsEncoding {
    if text.chars().all(|c| gsm7_cost(c).is_some()) {
        SmsEncoding::Gsm7
    } else {
        SmsEncoding::Ucs2
    }
}

fn gsm7_cost(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// How many SMS parts `text` takes. An empty text still takes one SMS.
///
/// # Example
/// ```
/// use codguard::confirm::sms_segments;
/// assert_eq!(sms_segments(&"a".repeat(160)), 1);
/// assert_eq!(sms_segments(&"a".repeat(161)), 2);
/// assert_eq!(sms_segments(&"ب".repeat(70)), 1);
/// assert_eq!(sms_segments(&"ب".repeat(71)), 2);
/// ```
pub fn sms_segments(text: &str) -> u32 {
    let units: Vec<usize> = match sms_encoding(text) {
        SmsEncoding::Gsm7 => text.chars().map(|c| gsm7_cost(c).unwrap_or(2)).collect(),
        SmsEncoding::Ucs2 => text.chars().map(char::len_utf16).collect(),
    };
    let (single, part) = match sms_encoding(text) {
        SmsEncoding::Gsm7 => (160, 153),
        SmsEncoding::Ucs2 => (70, 67),
    };
    let total: usize = units.iter().sum();
    if total <= single {
        return 1;
    }
    // Fill parts greedily; a character that does not fit whole opens the next part.
    let mut parts = 1u32;
    let mut used = 0usize;
    for u in units {
        if used + u > part {
            parts += 1;
            used = 0;
        }
        used += u;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert_eq!(sms_segments(""), 1);
        assert_eq!(sms_segments(&"a".repeat(306)), 2);
        assert_eq!(sms_segments(&"a".repeat(307)), 3);
        // Extension characters cost two septets.
        assert_eq!(sms_segments(&"€".repeat(80)), 1);
        assert_eq!(sms_segments(&"€".repeat(81)), 2);
        // 152 septets then an escape pair: the pair moves to the next part.
        let s = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(sms_segments(&s), 2);
        assert_eq!(sms_segments(&"ب".repeat(134)), 2);
        assert_eq!(sms_segments(&"ب".repeat(135)), 3);
        // An emoji is a surrogate pair: two UTF-16 units.
        assert_eq!(sms_segments(&"😀".repeat(35)), 1);
        assert_eq!(sms_segments(&"😀".repeat(36)), 2);
        assert_eq!(sms_segments("Bonjour Salma, confirmez"), 1);
    }
}
