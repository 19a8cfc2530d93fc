//! The words of customers' replies and what each means in a country (`core/data/reply_words.tsv`).
//!
//! A word can mean different things in different countries: `ماشي` is "OK" in Egypt and "not" in
//! Morocco and Algeria, `إيه` is "yes" in the Maghreb and the Gulf and "what?" in Egypt. Such a
//! word carries one sense per group of countries; in a country none of them names (or when the
//! caller gives no country) it is [`Sense::Ambiguous`], which makes the whole reply `unknown`.
//!
//! Verbs also come inflected: with an object pronoun (`بغيتها` "I want it", `siftoha` "send it")
//! and with the Maghrebi and Egyptian negation around them (`ما…ش`, `ma…ch`: `مطلبتش` "I did not
//! order", `mabghitch` "I do not want"). [`Lexicon::inflected`] strips those affixes, listed in
//! the same data file, and looks the stem up; only verbs are read that way, so that a word that
//! merely happens to start with `م` and end with `ش` is not taken for a negation.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::fold;

/// What a word or phrase does in a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// Agreement: "oui", "نعم", "wakha", "تمام", "no problem".
    Yes,
    /// Agreement that yields to any other decisive word: "صافي"/"safi" is "OK" alone but only
    /// "that's it" in "safi, ma bghitch".
    SoftYes,
    /// "I confirm": negated, it is not a refusal but a person's call ("je ne confirme pas").
    Confirm,
    /// "Send it", "ship it", "go ahead": negated, it is a refusal ("don't send it").
    Send,
    /// "I want (it)": alone a confirmation, negated a refusal; what follows decides otherwise
    /// ("I want to cancel", "I want to change the address").
    Want,
    /// "I ordered": nothing alone, a refusal when negated ("I did not order anything").
    Ordered,
    /// A bare "no" ("non", "nope", "لأ"): a refusal, unless a "send it" follows it.
    No,
    /// Arabic `لا`: "no" alone, but "not" right before a verb (`لا أريد` "I don't want").
    NoOrNot,
    /// Latin `la`/`le`: "no" where a clause starts (Darija, Tunisian), an article elsewhere.
    NoAtStart,
    /// "Cancel", "I changed my mind": a refusal; negated ("don't cancel") an agreement.
    Cancel,
    /// "No longer" (`ما بقيتش`, `mab9itch`): a refusal alone, the negation of a following verb.
    NoLonger,
    /// "Not", `ما`, `مش`, `ماشي` (Morocco), "ne", "don't": negates the next word that counts.
    Negation,
    /// Latin `ma`: the Gulf and Maghrebi "not" right before a verb (`ma abi` "I don't want",
    /// `ma bghit`), the French "my" elsewhere (`ma commande`).
    NotBeforeVerb,
    /// French "pas", "plus", "rien", Darija `والو`: negates the word before, else the next one.
    NegationAfter,
    /// "Me", `أنا`: nothing alone, but "not me" is a person's call.
    SelfRef,
    /// "Now", "today", "tomorrow": nothing alone; "not now" is a person's call.
    Time,
    /// "Later", "wait", "not yet": a person's call.
    Defer,
    /// "If", "si", `إذا`, `لو`: a person's call.
    Condition,
    /// "But", "mais", `لكن`: the reply asks for something else.
    Contrast,
    /// "When", "why", `واش`: a question.
    Question,
    /// "Maybe", "I think", `بلاك`: a person's call.
    Hedge,
    /// "Number", "call me on", `رقمي الجديد`: the reply is about a phone number.
    PhoneWord,
    /// Politeness, greetings, articles, pronouns: changes nothing.
    Filler,
    /// "1" as in "reply 1 to confirm": a confirmation only when it is the whole reply.
    OnlyConfirm,
    /// "2" as in "reply 2 to cancel": a refusal only when it is the whole reply.
    OnlyCancel,
}

impl Class {
    /// Verbs: the classes [`Lexicon::inflected`] reads through affixes, and that `لا` negates.
    pub(super) fn is_verb(self) -> bool {
        matches!(
            self,
            Class::Want | Class::Ordered | Class::Send | Class::Confirm | Class::Cancel
        )
    }

    fn parse(name: &str) -> Option<Class> {
        Some(match name {
            "yes" => Class::Yes,
            "soft_yes" => Class::SoftYes,
            "confirm" => Class::Confirm,
            "send" => Class::Send,
            "want" => Class::Want,
            "ordered" => Class::Ordered,
            "no" => Class::No,
            "no_or_not" => Class::NoOrNot,
            "no_at_start" => Class::NoAtStart,
            "cancel" => Class::Cancel,
            "no_longer" => Class::NoLonger,
            "negation" => Class::Negation,
            "not_before_verb" => Class::NotBeforeVerb,
            "negation_after" => Class::NegationAfter,
            "self" => Class::SelfRef,
            "time" => Class::Time,
            "defer" => Class::Defer,
            "condition" => Class::Condition,
            "contrast" => Class::Contrast,
            "question" => Class::Question,
            "hedge" => Class::Hedge,
            "phone_word" => Class::PhoneWord,
            "filler" => Class::Filler,
            "only_confirm" => Class::OnlyConfirm,
            "only_cancel" => Class::OnlyCancel,
            _ => return None,
        })
    }
}

/// An ISO 3166-1 alpha-2 code, upper case.
pub(super) type Country = [u8; 2];

/// What a phrase means in the caller's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sense {
    /// The phrase's meaning there.
    Word(Class),
    /// Its meanings differ by country and none is the caller's.
    Ambiguous,
}

/// What a `لا` (or an English "no", or a Latin `la`) right before a verb is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AfterNo {
    /// It negates the verb: a second person (`لا تلغوا` "don't cancel", `la tsifto`), a verb
    /// listed `not_after_no` (Modern Standard Arabic `لا أريد`, expatriate English "no want").
    Not,
    /// It answers, and the verb asks: "send" and "cancel" imperatives (`لا الغوه` "no, cancel
    /// it", `la sifto` "no, send it").
    Answers,
    /// Either: a dialect verb, whose own negation is `ما` (`لا بغيتها`, `لا ابيه` are as often
    /// "no, I want it" as "I don't want it"), a past tense (`لا طلبت`), a verb listed
    /// `unclear_after_no` ("no send": "don't send" or "no, send").
    Unclear,
}

/// One meaning of a phrase, and where it holds (everywhere when `countries` is empty).
#[derive(Debug)]
struct Entry {
    class: Class,
    countries: Vec<Country>,
}

/// The phrases of `reply_words.tsv` and the affixes of inflected verbs.
#[derive(Debug)]
pub(super) struct Lexicon {
    phrases: FxHashMap<String, Vec<Entry>>,
    /// Words in the longest phrase.
    longest: usize,
    /// Negation prefixes (`ما`, `م`, `ma`), longest first.
    neg_prefixes: Vec<String>,
    /// Negation suffixes (`ش`, `ch`, `sh`, `esh`), longest first.
    neg_suffixes: Vec<String>,
    /// Object pronouns (`ها`, `ه`, `ha`, `o`), longest first.
    object_suffixes: Vec<String>,
    /// The second-person prefixes of verbs (`ت`, `t`).
    second_person_prefixes: Vec<String>,
    /// Conjunctions and prepositions glued to an Arabic word (`و`, `ف`, `ب`).
    clitic_prefixes: Vec<String>,
    /// Verbs that a `لا` or "no" right before them negates (`not_after_no`) or leaves unclear
    /// (`unclear_after_no`), against their class's rule ([`Lexicon::after_no`]).
    after_no: FxHashMap<String, AfterNo>,
}

/// Parses a country list such as `MA,DZ` or `maghreb,EG`, expanding region names; `*` (every
/// country) is the empty list.
fn parse_countries(field: &str, regions: &FxHashMap<String, Vec<Country>>) -> Vec<Country> {
    let mut out = Vec::new();
    for part in field
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "*")
    {
        if let Some(codes) = regions.get(part) {
            out.extend_from_slice(codes);
        } else if let Some(code) = country_code(part) {
            out.push(code);
        }
    }
    out
}

/// `ma` -> `MA`; `None` for anything that is not two ASCII letters.
pub(super) fn country_code(text: &str) -> Option<Country> {
    match text.trim().as_bytes() {
        &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            Some([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
        }
        _ => None,
    }
}

impl Lexicon {
    /// The lexicon of `core/data/reply_words.tsv`, read once.
    pub(super) fn get() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| Lexicon::parse(include_str!("../../../data/reply_words.tsv")))
    }

    /// Reads the data file: `class<TAB>phrase<TAB>countries` (`*` for everywhere),
    /// `region<TAB>name<TAB>codes`, the affix lines (`neg_prefix<TAB>ما<TAB>*`) and the verbs
    /// read otherwise after a "no" (`not_after_no<TAB>أريد<TAB>*`). Rows it
    /// cannot read are skipped (the unit tests check that there are none).
    fn parse(data: &str) -> Lexicon {
        let mut regions: FxHashMap<String, Vec<Country>> = FxHashMap::default();
        let mut lexicon = Lexicon {
            phrases: FxHashMap::default(),
            longest: 1,
            neg_prefixes: Vec::new(),
            neg_suffixes: Vec::new(),
            object_suffixes: Vec::new(),
            second_person_prefixes: Vec::new(),
            clitic_prefixes: Vec::new(),
            after_no: FxHashMap::default(),
        };
        for [kind, text, countries] in crate::data::rows(data) {
            let affixes = match kind {
                "region" => {
                    let codes = parse_countries(countries, &regions);
                    regions.insert(text.to_owned(), codes);
                    continue;
                }
                "neg_prefix" => &mut lexicon.neg_prefixes,
                "neg_suffix" => &mut lexicon.neg_suffixes,
                "object_suffix" => &mut lexicon.object_suffixes,
                "second_person_prefix" => &mut lexicon.second_person_prefixes,
                "clitic_prefix" => &mut lexicon.clitic_prefixes,
                "not_after_no" | "unclear_after_no" => {
                    let how = if kind == "not_after_no" {
                        AfterNo::Not
                    } else {
                        AfterNo::Unclear
                    };
                    lexicon.after_no.insert(fold(text), how);
                    continue;
                }
                _ => {
                    let Some(class) = Class::parse(kind) else {
                        continue;
                    };
                    let folded = fold(text);
                    let words = folded.split(' ').filter(|w| !w.is_empty()).count();
                    if words == 0 {
                        continue;
                    }
                    lexicon.longest = lexicon.longest.max(words);
                    let countries = parse_countries(countries, &regions);
                    lexicon
                        .phrases
                        .entry(folded)
                        .or_default()
                        .push(Entry { class, countries });
                    continue;
                }
            };
            affixes.push(fold(text));
        }
        for list in [
            &mut lexicon.neg_prefixes,
            &mut lexicon.neg_suffixes,
            &mut lexicon.object_suffixes,
            &mut lexicon.second_person_prefixes,
            &mut lexicon.clitic_prefixes,
        ] {
            list.retain(|s| !s.is_empty());
            list.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        }
        lexicon
    }

    /// Words in the longest phrase: the widest window worth looking up.
    pub(super) fn longest(&self) -> usize {
        self.longest
    }

    /// The meaning of a folded phrase in `country`: the sense of that country, else the sense
    /// that holds everywhere; a phrase whose senses are all for other countries is
    /// [`Sense::Ambiguous`] when they disagree and unknown (`None`) when they agree.
    pub(super) fn phrase(&self, folded: &str, country: Option<Country>) -> Option<Sense> {
        let entries = self.phrases.get(folded)?;
        let local = country.and_then(|c| entries.iter().find(|e| e.countries.contains(&c)));
        if let Some(e) = local.or_else(|| entries.iter().find(|e| e.countries.is_empty())) {
            return Some(Sense::Word(e.class));
        }
        let first = entries.first()?.class;
        entries
            .iter()
            .any(|e| e.class != first)
            .then_some(Sense::Ambiguous)
    }

    /// One word that is not in the lexicon as written: a verb read through its affixes
    /// ([`Lexicon::inflected`]), else the word without a conjunction or preposition glued to
    /// it (`وإرساله` "and sending it", `فهاد` "in this"). `Some((class, negated))`.
    pub(super) fn unlisted(&self, token: &str, country: Option<Country>) -> Option<(Class, bool)> {
        self.inflected(token, country).or_else(|| {
            self.clitic_prefixes.iter().find_map(|prefix| {
                let rest = token.strip_prefix(prefix.as_str())?;
                if rest.chars().count() < 2 {
                    return None;
                }
                match self.phrase(rest, country) {
                    // A particle with a letter glued to it is another word: `بلا` is "without"
                    // or `بلى` "yes indeed", `ولا` "or", not `لا`.
                    Some(Sense::Word(Class::NoOrNot | Class::No)) => None,
                    Some(Sense::Word(class)) => Some((class, false)),
                    Some(Sense::Ambiguous) => None,
                    None => self.inflected(rest, country),
                }
            })
        })
    }

    /// What a `لا` or "no" right before the verb `token` of `class` is ([`AfterNo`]): what the
    /// data lists for it (as written or without an object pronoun), else `Not` for a "send" or
    /// "cancel" in the second person (`تلغوا`, `tsifto`), `Answers` for any other "send" or
    /// "cancel" (an imperative: `الغوه`, `sifto`), and `Unclear` for the other verbs.
    pub(super) fn after_no(&self, token: &str, class: Class) -> AfterNo {
        let listed = self.after_no.get(token).or_else(|| {
            self.object_suffixes.iter().find_map(|suffix| {
                let base = token.strip_suffix(suffix.as_str())?;
                self.after_no.get(base)
            })
        });
        if let Some(&how) = listed {
            return how;
        }
        let second_person = self
            .second_person_prefixes
            .iter()
            .any(|p| token.len() > p.len() && token.starts_with(p.as_str()));
        match class {
            Class::Send | Class::Cancel if second_person => AfterNo::Not,
            Class::Send | Class::Cancel => AfterNo::Answers,
            _ => AfterNo::Unclear,
        }
    }

    /// A verb of one word, read through its affixes: `Some((class, negated))` for `siftoha`
    /// (send it), `mabghitch` (not want), `مطلبتش` (not ordered), `بغيتهاش` (not want it).
    ///
    /// A negation needs its suffix (`ش`, `ch`), or a prefix of two letters or more (`ما`,
    /// `ma`): the one-letter `م` alone starts too many ordinary words.
    pub(super) fn inflected(&self, token: &str, country: Option<Country>) -> Option<(Class, bool)> {
        if let Some(class) = self.verb_with_object(token, country) {
            return Some((class, false));
        }
        for suffix in std::iter::once("").chain(self.neg_suffixes.iter().map(String::as_str)) {
            let Some(rest) = token.strip_suffix(suffix) else {
                continue;
            };
            for prefix in std::iter::once("").chain(self.neg_prefixes.iter().map(String::as_str)) {
                if suffix.is_empty() && prefix.chars().count() < 2 {
                    continue;
                }
                let Some(stem) = rest.strip_prefix(prefix) else {
                    continue;
                };
                if let Some(class) = self.verb_with_object(stem, country) {
                    return Some((class, true));
                }
            }
        }
        None
    }

    /// The verb class of `stem`, or of `stem` without one object pronoun.
    fn verb_with_object(&self, stem: &str, country: Option<Country>) -> Option<Class> {
        let verb = |s: &str| match self.phrase(s, country) {
            Some(Sense::Word(c)) if c.is_verb() => Some(c),
            _ => None,
        };
        if stem.chars().count() < 2 {
            return None;
        }
        verb(stem).or_else(|| {
            self.object_suffixes.iter().find_map(|suffix| {
                let base = stem.strip_suffix(suffix.as_str())?;
                (base.chars().count() >= 2).then(|| verb(base)).flatten()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_data_file_is_read() {
        let mut regions = Vec::new();
        for [kind, text, countries] in
            crate::data::rows(include_str!("../../../data/reply_words.tsv"))
        {
            let row = format!("{kind}\t{text}\t{countries}");
            if kind == "region" {
                regions.push(text);
                continue;
            }
            assert!(
                Class::parse(kind).is_some()
                    || matches!(
                        kind,
                        "neg_prefix"
                            | "neg_suffix"
                            | "object_suffix"
                            | "second_person_prefix"
                            | "clitic_prefix"
                            | "not_after_no"
                            | "unclear_after_no"
                    ),
                "unknown class in {row:?}"
            );
            assert!(!fold(text).is_empty(), "{row:?}");
            for c in countries.split(',') {
                assert!(
                    c == "*" || regions.contains(&c) || country_code(c).is_some(),
                    "unknown country {c:?} in {row:?}"
                );
            }
        }
    }

    #[test]
    fn one_meaning_per_phrase_and_country() {
        let lexicon = Lexicon::get();
        let mut problems = Vec::new();
        for (phrase, entries) in &lexicon.phrases {
            if entries.iter().filter(|e| e.countries.is_empty()).count() > 1 {
                problems.push(format!("{phrase}: two lines without countries"));
            }
            let mut seen: Vec<Country> = Vec::new();
            for c in entries.iter().flat_map(|e| &e.countries) {
                if seen.contains(c) {
                    problems.push(format!(
                        "{phrase}: two lines for {}",
                        String::from_utf8_lossy(c)
                    ));
                }
                seen.push(*c);
            }
        }
        problems.sort();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn words_change_meaning_by_country() {
        let l = Lexicon::get();
        let mashi = fold("ماشي");
        assert_eq!(
            l.phrase(&mashi, country_code("EG")),
            Some(Sense::Word(Class::Yes))
        );
        assert_eq!(
            l.phrase(&mashi, country_code("MA")),
            Some(Sense::Word(Class::Negation))
        );
        assert_eq!(l.phrase(&mashi, None), Some(Sense::Ambiguous));
        assert_eq!(l.phrase(&mashi, country_code("FR")), Some(Sense::Ambiguous));
        let ih = fold("إيه");
        assert_eq!(
            l.phrase(&ih, country_code("MA")),
            Some(Sense::Word(Class::Yes))
        );
        assert_eq!(
            l.phrase(&ih, country_code("EG")),
            Some(Sense::Word(Class::Question))
        );
    }

    #[test]
    fn inflected_verbs() {
        let l = Lexicon::get();
        let ma = country_code("MA");
        assert_eq!(l.inflected("mabghitch", ma), Some((Class::Want, true)));
        assert_eq!(l.inflected("siftoha", ma), Some((Class::Send, false)));
        assert_eq!(l.inflected(&fold("بغيتهاش"), ma), Some((Class::Want, true)));
        assert_eq!(
            l.inflected(&fold("مطلبتش"), country_code("EG")),
            Some((Class::Ordered, true))
        );
        // Not verbs: a word that only looks like a negation stays unread.
        assert_eq!(l.inflected(&fold("ماعليش"), ma), None);
        assert_eq!(l.inflected("match", ma), None);
        assert_eq!(l.inflected(&fold("مش"), ma), None);
    }

    #[test]
    fn what_a_no_before_a_verb_is() {
        let l = Lexicon::get();
        assert_eq!(l.after_no(&fold("أريد"), Class::Want), AfterNo::Not);
        assert_eq!(l.after_no(&fold("أريده"), Class::Want), AfterNo::Not);
        assert_eq!(l.after_no("want", Class::Want), AfterNo::Not);
        assert_eq!(l.after_no(&fold("تلغوا"), Class::Cancel), AfterNo::Not);
        assert_eq!(l.after_no(&fold("الغوه"), Class::Cancel), AfterNo::Answers);
        assert_eq!(l.after_no("sifto", Class::Send), AfterNo::Answers);
        assert_eq!(l.after_no("send", Class::Send), AfterNo::Unclear);
        assert_eq!(l.after_no(&fold("بغيتها"), Class::Want), AfterNo::Unclear);
        assert_eq!(l.after_no(&fold("ابيه"), Class::Want), AfterNo::Unclear);
    }
}
