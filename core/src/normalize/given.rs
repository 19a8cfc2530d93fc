//! Given names that real people's names tell apart, though their keys align.
//!
//! A Latin spelling does not say which of its vowels are long, so a key lets a Latin vowel be
//! a short one that Arabic leaves out ([`super::translit`]): `Hassan` and `Houssine`, `Hocine`
//! and `حسن`, `Souad` and `Saad`, `Imane` and `Amine`, `Amr` and `Omar` align at no cost. Yet
//! each pair is two names, often a brother's and a sister's at one door, whose orders a match
//! would merge. Which names a spelling writes is not in its letters but in usage: a lexicon of
//! real people's given names (`core/data/given_names.tsv`, from Wikidata's Arabic and Latin
//! labels and two Algerian name corpora; see `scripts/gen_given_names.py`) says which Arabic
//! names each Latin spelling writes. Two words it knows, one of them Latin, that write no name
//! in common are two names ([`Given::distinct`]): `Hocine` writes حسين, not حسن; `Salim`
//! writes سليم and سالم, and meets both.
//!
//! A word the lexicon does not know (a rare name, a misspelling, a family name, a name of two
//! words) is compared by its key alone, as before. Two Arabic-script words are never told apart
//! here: their keys write their long vowels (حسن is not حسين by its letters), and the lexicon's
//! Arabic spellings of one name (رانيا, رانيه) are not all of them.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::text::{fold, is_arabic_script, strip_article};
use super::translit;
use crate::data;

/// What the lexicon knows of one name key: the Arabic given names it writes, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Given {
    /// The names' ids, the first `len` of them.
    ids: [u16; MAX_NAMES],
    /// How many; 0 for a key the lexicon does not know (or one that writes too many names to
    /// tell anything apart).
    len: u8,
    /// An Arabic-script key.
    arabic: bool,
}

/// The most names one key may write and still tell names apart (a Latin spelling writes one
/// name mostly, two or three at most: Hamid writes حميد and حامد).
const MAX_NAMES: usize = 4;

impl Given {
    /// What the lexicon knows of name key `key` (unknown for most keys).
    pub(crate) fn of(key: &str) -> Given {
        lexicon().get(key).copied().unwrap_or_default()
    }

    /// The ids of the names the key writes.
    fn ids(&self) -> &[u16] {
        self.ids.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// True when the two keys are two given names: the lexicon knows both, at least one is
    /// Latin, and they write no name in common.
    pub(crate) fn distinct(&self, other: &Given) -> bool {
        self.len > 0
            && other.len > 0
            && !(self.arabic && other.arabic)
            && !self.ids().iter().any(|id| other.ids().contains(id))
    }

    /// Adds name `id`; a key that would write more than [`MAX_NAMES`] names is known to write
    /// too many to tell apart, and is left unknown.
    fn add(&mut self, id: u16) {
        if self.len == u8::MAX || self.ids().contains(&id) {
            return;
        }
        match self.ids.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = id;
                self.len += 1;
            }
            None => self.len = u8::MAX,
        }
    }
}

/// [`Given::distinct`] of two name keys.
pub(crate) fn distinct(a: &str, b: &str) -> bool {
    a != b && Given::of(a).distinct(&Given::of(b))
}

/// The name an Arabic spelling (folded, without its article) writes: a final ا is the ى that
/// folding writes ي (سها and سهى are Suha, منا and منى Mona).
fn name_of(bare: &str) -> String {
    match bare.strip_suffix('ا') {
        Some(stem) if stem.chars().nth(1).is_some() => format!("{stem}ي"),
        _ => bare.to_owned(),
    }
}

/// The lexicon: each known name key with the names it writes. An Arabic name is one name with
/// its article and without it (الحسن is حسن: Lahcen writes both), and both its keys write it;
/// one name with a final ا or ى ([`name_of`]); and a spelling with a leading ا also writes the
/// name without it (امحمد, محمد), which only ever makes it tell fewer names apart (احمد still
/// is not Hamad: their keys do not align).
fn lexicon() -> &'static FxHashMap<Box<str>, Given> {
    static LEXICON: OnceLock<FxHashMap<Box<str>, Given>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut names: FxHashMap<String, u16> = FxHashMap::default();
        let mut keys: FxHashMap<Box<str>, Given> = FxHashMap::default();
        let mut file = |key: String, id: u16, arabic: bool| {
            if key.is_empty() {
                return;
            }
            let given = keys.entry(key.into_boxed_str()).or_default();
            given.arabic = arabic;
            if given.len != u8::MAX {
                given.add(id);
            }
        };
        // Maghrebi spellings write a vowel before a word's first two consonants as ا (امحمد is
        // M'hamed, the dialect's محمد; اعمر is Aomar, عمر): such a spelling writes the name
        // without it too, once every name is known.
        let mut prothetic: Vec<(String, String)> = Vec::new();
        for [arabic, latin] in data::rows(include_str!("../../data/given_names.tsv")) {
            let (arabic, latin) = (fold(arabic), fold(latin));
            if !is_arabic_script(&arabic) || latin.is_empty() || is_arabic_script(&latin) {
                continue;
            }
            let bare = strip_article(&arabic);
            let next = u16::try_from(names.len()).unwrap_or(u16::MAX);
            let id = *names.entry(name_of(bare)).or_insert(next);
            let bare_key = translit::key(bare);
            if let Some(rest) = bare
                .strip_prefix('ا')
                .filter(|r| r.chars().nth(2).is_some())
            {
                prothetic.push((bare_key.clone(), name_of(rest)));
            }
            file(translit::key(&arabic), id, true);
            file(bare_key, id, true);
            file(translit::key(&latin), id, false);
        }
        for (key, name) in prothetic {
            if let (Some(&id), Some(given)) = (names.get(&name), keys.get_mut(key.as_str())) {
                given.add(id);
            }
        }
        // A key that writes too many names is no help: unknown, as one the lexicon lacks.
        keys.retain(|_, given| given.len != u8::MAX);
        keys
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of a name of one word, as the lexicon files it (`core/tests/name.rs` checks
    /// the same pairs through `name_similarity`, with the keys matching reads).
    fn key(word: &str) -> String {
        translit::key(&fold(word))
    }

    fn two_names(a: &str, b: &str) -> bool {
        distinct(&key(a), &key(b))
    }

    /// Names whose keys align though they are two names: a Latin vowel that may be short where
    /// the other name has a long one, or none.
    #[test]
    fn names_that_align_but_that_people_write_apart_are_two() {
        for (a, b) in [
            ("Hassan", "Houssine"),
            ("Hocine", "حسن"),
            ("Hassan", "Hussain"),
            ("Souad", "Saad"),
            ("Saud", "Saad"),
            ("Saeed", "سعد"),
            ("Imane", "Amine"),
            ("Ines", "Anas"),
            ("Amr", "Omar"),
            ("Omar", "عمرو"),
            ("Omar", "عمار"),
            ("Latifa", "لطفي"),
            ("Hedi", "هدى"),
            ("Oussama", "أسماء"),
            ("Salem", "سليم"),
            ("Hamad", "حامد"),
            ("Hamad", "Hamid"),
            ("Ali", "علياء"),
            ("Ikram", "أكرم"),
        ] {
            assert!(two_names(a, b), "{a} / {b}");
            assert!(two_names(b, a), "{b} / {a}");
        }
    }

    /// One name in its spellings, and a spelling that writes two names meets both.
    #[test]
    fn spellings_of_one_name_are_one() {
        for (a, b) in [
            ("Hocine", "حسين"),
            ("Houcine", "Hussein"),
            ("Hassan", "حسن"),
            ("Lahcen", "الحسن"),
            ("Lahcen", "حسن"),
            ("Youssef", "Yusuf"),
            ("Youcef", "يوسف"),
            ("Mohamed", "محمد"),
            ("Muhammad", "Mohammed"),
            ("Salim", "سليم"),
            ("Salim", "سالم"),
            ("Hamid", "حامد"),
            ("Hamid", "حميد"),
            ("Imane", "إيمان"),
            ("Eman", "ايمان"),
            ("Amine", "أمين"),
            ("Saïd", "سعيد"),
            ("Oussama", "Osama"),
            ("Rania", "رانية"),
            ("Rania", "رانيا"),
            ("Mhamed", "امحمد"),
            ("Aomar", "اعمر"),
            ("Omar", "اعمر"),
            ("Rachid", "راشد"),
            ("Suha", "سها"),
            ("Suha", "سهى"),
            // People write ملك Malak, Malek and Malik alike.
            ("Malak", "Malik"),
            // Two Arabic spellings of one name: never told apart here.
            ("رانيا", "رانية"),
            ("حسن", "حسين"),
        ] {
            assert!(!two_names(a, b), "{a} / {b}");
        }
    }

    /// A word the lexicon does not know is compared by its key alone.
    #[test]
    fn a_word_the_lexicon_lacks_tells_nothing() {
        for (a, b) in [("Qwzrt", "Hassan"), ("Bouzkri", "Hassan"), ("", "Hassan")] {
            assert!(
                !distinct(&translit::key(&fold(a)), &translit::key(&fold(b))),
                "{a}"
            );
        }
        assert_eq!(Given::of("nothing of a key"), Given::default());
    }

    /// No key of an Arabic spelling is a Latin spelling's: each key is of one script.
    #[test]
    fn every_key_is_of_one_script() {
        for [arabic, latin] in data::rows::<2>(include_str!("../../data/given_names.tsv")) {
            let (a, l) = (translit::key(&fold(arabic)), translit::key(&fold(latin)));
            assert!(Given::of(&a).arabic, "{arabic}");
            assert!(!Given::of(&l).arabic, "{latin}");
        }
    }

    /// A key that would write more names than [`MAX_NAMES`] writes none.
    #[test]
    fn a_key_of_too_many_names_is_unknown() {
        let mut given = Given::default();
        for id in 0..=MAX_NAMES as u16 {
            given.add(id);
        }
        assert_eq!(given.len, u8::MAX);
        given.add(9);
        assert_eq!(given.len, u8::MAX);
    }
}
