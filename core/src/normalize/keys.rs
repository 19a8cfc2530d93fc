//! A short list of short keys held in one string: the keys of a name's words, the keys of an
//! address's street.
//!
//! Matching reads these keys for every order it normalizes, and a list of `String`s cost one
//! allocation per key plus one for the list, each freed again when the order's features go:
//! [`Keys`] writes every key into one string and keeps their spans on the stack.
use std::fmt;

use smallvec::SmallVec;

/// Keys written one after another into one string, read back as `&str`s in list order.
#[derive(Clone, Default)]
pub(crate) struct Keys {
    text: String,
    /// Byte ranges of the keys in `text`, in list order.
    spans: SmallVec<[(u32, u32); 6]>,
}

impl Keys {
    /// An empty list with room for `bytes` bytes of keys.
    pub(crate) fn with_capacity(bytes: usize) -> Keys {
        Keys {
            text: String::with_capacity(bytes),
            spans: SmallVec::new(),
        }
    }

    /// Adds the key that `write` appends to the string it is given; an empty key is not added.
    pub(crate) fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        let end = self.text.len();
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(s), Ok(e)) if e > s => self.spans.push((s, e)),
            _ => self.text.truncate(start),
        }
    }

    /// The keys, in list order.
    pub(crate) fn iter(&self) -> Iter<'_> {
        Iter {
            text: &self.text,
            spans: self.spans.iter(),
        }
    }

    /// Keeps the keys for which `keep` is true, in list order.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let text = self.text.as_str();
        self.spans.retain(|span| keep(key_at(text, *span)));
    }

    /// Sorts the keys as a `Vec<String>` sorts (by bytes); with `dedup`, keeps one of equal keys.
    pub(crate) fn sort(&mut self, dedup: bool) {
        if dedup {
            self.sort_keeping_repeats_of(|_| false);
        } else {
            sort_spans(&self.text, &mut self.spans);
        }
    }

    /// Sorts the keys as [`Keys::sort`] does and keeps one of equal keys, but every repeat of a
    /// key that `counts` says is counted (a number written twice in one street's name).
    pub(crate) fn sort_keeping_repeats_of(&mut self, counts: impl Fn(&str) -> bool) {
        sort_spans(&self.text, &mut self.spans);
        let text = self.text.as_str();
        self.spans.dedup_by(|a, b| {
            let key = key_at(text, *a);
            key == key_at(text, *b) && !counts(key)
        });
    }

    /// Sorts the keys after the first as [`Keys::sort`] does; the first stays first.
    pub(crate) fn sort_after_first(&mut self) {
        if let Some(rest) = self.spans.get_mut(1..) {
            sort_spans(&self.text, rest);
        }
    }
}

/// The key at `span` of `text`.
fn key_at(text: &str, (s, e): (u32, u32)) -> &str {
    text.get(s as usize..e as usize).unwrap_or("")
}

/// Sorts `spans` of `text` by their keys, as a `Vec<String>` sorts (by bytes).
fn sort_spans(text: &str, spans: &mut [(u32, u32)]) {
    spans.sort_unstable_by(|a, b| key_at(text, *a).cmp(key_at(text, *b)));
}

/// The keys of a [`Keys`], in list order.
#[derive(Clone)]
pub(crate) struct Iter<'a> {
    text: &'a str,
    spans: std::slice::Iter<'a, (u32, u32)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.spans.next().map(|span| key_at(self.text, *span))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Keys {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Two lists are equal when their keys are, in order (wherever each sits in its string).
impl PartialEq for Keys {
    fn eq(&self, other: &Keys) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Keys {}

/// As the list of keys it holds (`["mhmd", "lwy"]`).
impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(words: &[&str]) -> Keys {
        let mut k = Keys::default();
        for w in words {
            k.push_with(|out| out.push_str(w));
        }
        k
    }

    #[test]
    fn empty_keys_are_not_added() {
        let k = keys(&["mhmd", "", "lwy"]);
        assert_eq!(k.iter().collect::<Vec<_>>(), ["mhmd", "lwy"]);
        assert_eq!(format!("{k:?}"), r#"["mhmd", "lwy"]"#);
    }

    #[test]
    fn sorts_and_dedups_as_a_vec_of_strings() {
        let words = ["trq", "bn", "\u{e01b}\u{e024}", "bn", "a", "ab", "\u{e01b}"];
        let mut expected: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        expected.sort();
        let mut k = keys(&words);
        k.sort(false);
        assert_eq!(k.iter().collect::<Vec<_>>(), expected);
        expected.dedup();
        k.sort(true);
        assert_eq!(k.iter().collect::<Vec<_>>(), expected);
        // Equal as lists, though written in another order.
        let mut written = keys(
            &expected
                .iter()
                .rev()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert_ne!(written, k);
        written.sort(false);
        assert_eq!(written, k);
    }

    #[test]
    fn sorting_after_the_first_keeps_the_first_first() {
        let mut k = keys(&["trq", "bn", "a", "trq"]);
        k.sort_after_first();
        assert_eq!(k.iter().collect::<Vec<_>>(), ["trq", "a", "bn", "trq"]);
        let mut one = keys(&["z"]);
        one.sort_after_first();
        assert_eq!(one.iter().collect::<Vec<_>>(), ["z"]);
        let mut none = Keys::default();
        none.sort_after_first();
        assert_eq!(none.iter().count(), 0);
    }
}
