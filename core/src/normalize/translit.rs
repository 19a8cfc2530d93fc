//! Cross-script keys of the words of Arabic names, and how alike two keys are.
//!
//! One word of a name, in Arabic script or in any of the region's Latin transliterations
//! (French, English, Egyptian, Maghrebi, Gulf), becomes a key: a string of letter classes, each
//! standing for the Arabic letters its spelling may write (`core/data/name_letters.tsv`: `g`
//! writes ج in Cairo and ق in Tunis, `ou` writes و or a short vowel, `dh` writes ض or ظ). Two
//! keys are compared by an alignment ([`distance`]) in which a class matches any class that
//! may write one of the same letters, and what one side may leave out costs nothing:
//!
//! - short vowels, which Arabic does not write (Mohamed / محمد), and ع or ء (Said / سعيد);
//! - the article Maghrebi spellings glue to a name as `l` (Lahcen / الحسن, Larbi / العربي),
//!   and the vowel of an article assimilated to the next letter (Ettazi / التازي);
//! - a vowel before a word-initial consonant cluster (Brahim / ابراهيم, Driss / إدريس);
//! - a digraph that is really two letters (Fethi / فتحي).
//!
//! What a person's name never leaves out costs one: a consonant, a long vowel Arabic writes (ا,
//! و, ي: Hassan is not حسين, Mohamed not محمود), a long vowel Latin writes (`ei`, `ee`: Hussein
//! is not حسن; `ou` before the last consonant: Mahmoud is not محمد), the final vowel of a
//! feminine or nisba name (Karima is not كريم, Amina not Amine = أمين, Ali not Alia), a word's
//! first vowel (Ahmed is not Hamid).
//!
//! A key is opaque: each class is one private-use character (U+E000 + code), so keys of both
//! scripts can be stored, interned and compared as strings.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// The Arabic letters, one bit each, after `fold` (ة and ى are the feminine and maqsura
/// endings that `fold` writes as ه and ي; they are bits of their own so that a final ه can
/// mean either).
const LETTERS: &str = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءةى";
/// Letters that other alphabets of the region use for Arabic sounds, and what they write.
const VARIANT_LETTERS: &[(char, &str)] = &[
    ('پ', "ب"),
    ('چ', "ج"),
    ('ڤ', "ف"),
    ('گ', "كقج"),
    ('ڭ', "كقج"),
    ('ک', "ك"),
    ('ڨ', "قجك"),
    // Not letters of names: the classes of two sounds names spell both ways. ں: ن or م before
    // ب (عمبر = Anbar, عنبر = Ambar); ڵ: the ن of بن or the ل of its glued form بل (Ben Hadj =
    // بلحاج).
    (NASAL, "نم"),
    (BEN_N, "نل"),
];
/// The class of ن or م before ب (see [`VARIANT_LETTERS`]).
const NASAL: char = 'ں';
/// The class of the last letter of the particle بن / بل (see [`VARIANT_LETTERS`]).
pub(crate) const BEN_N: char = 'ڵ';
/// Letters that are not consonants: they do not count in a key's length.
const VOWEL_LETTERS: &str = "اويعءةى";
/// What an Arabic final letter may also be, after `fold`: ه a feminine ة (or its ت read in
/// liaison: Najat = نجاة), ي a maqsura ى (Mostafa = مصطفى).
/// A final ع, silent in Latin, leaves the vowel before it there (Rafi = رافع, Rabie = ربيع).
const FINAL_EXTRA: &[(char, &str)] = &[('ه', "ةتو"), ('ي', "ى"), ('ع', "ياو")];
/// What a final Latin `e` after a consonant may write, when it is not silent.
const FINAL_E: &str = "ي";
/// What the `h` of a final vowel + h may be (Saleh = صالح, Fatimah = فاطمة).
const FINAL_H_EXTRA: &str = "حهةت";
/// What a word's first vowel may be besides its own letters.
const INITIAL_EXTRA: &str = "اع";

/// The position-dependent reading of a letter class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
enum Context {
    /// As the table says: a consonant or long vowel must be matched, a short vowel need not.
    Normal = 0,
    /// May be left out: a glued article `l`, an assimilated article's vowel.
    Optional = 1,
    /// A word's first vowel (also ا or ع): must be matched.
    Initial = 2,
    /// A word's first vowel that may be an article's (Ettazi, Alotaibi): may be left out.
    InitialOptional = 3,
    /// A word's last vowel (also ة, ى): must be matched.
    Final = 4,
    /// A French silent final e: may be left out.
    FinalSilent = 5,
    /// A final vowel + h (also ح, ه, ة): must be matched.
    FinalH = 6,
    /// A short vowel read as long (`ou` before the last consonant): must be matched.
    Long = 7,
    /// A Latin doubled consonant: one letter, or two equal ones (Bellah = بالله).
    Doubled = 8,
}

/// One class of the table: a Latin spelling or an Arabic letter.
#[derive(Debug, Clone, Copy, Default)]
struct Base {
    /// The letters it may write.
    mask: u64,
    /// A vowel (short unless `long`).
    vowel: bool,
    /// A vowel spelling that always writes a letter.
    long: bool,
    /// For a digraph that may be two letters: the letters its first letter may write.
    split: u64,
    /// ... and its second.
    split2: u64,
    /// Left out for free wherever it is (ع and ء inside a word).
    free: bool,
    /// An Arabic letter (not a Latin spelling).
    arabic: bool,
    /// How [`describe`] shows it.
    label: &'static str,
}

/// A class in its context, as the alignment reads it.
#[derive(Debug, Clone, Copy, Default)]
struct Sym {
    mask: u64,
    split: u64,
    split2: u64,
    /// The cost of leaving it out.
    skip: u8,
    /// A consonant: counts in the key's length.
    consonant: bool,
    /// A vowel: may cover a run of the other side's vowel letters (Latin ai = ا + ي in
    /// Ismail / إسماعيل, final ah = ا + ح in Salah / صلاح).
    vowel: bool,
    /// A doubled Latin consonant: may cover two equal letters.
    doubled: bool,
    /// An Arabic letter's class (a vowel covers a run of the other script only).
    arabic: bool,
}

/// Bases of the table, at most this many.
const BASES: usize = 128;
const CONTEXTS: usize = 9;
/// The first private-use character: a key character is `KEY_CHAR + base + 128 * context`.
const KEY_CHAR: u32 = 0xE000;
/// The base of a caret: the possible vowel before a word-initial consonant cluster.
const CARET: usize = 0;
/// The base of a character the table does not know: it matches nothing but itself.
const UNKNOWN: usize = 1;

struct Table {
    bases: Vec<Base>,
    syms: Vec<Sym>,
    /// The Latin spellings by their first byte, longest first: a word's key looks up each
    /// position in the few spellings of its letter, not in the whole table.
    by_first: Vec<Vec<(&'static str, usize)>>,
    arabic: FxHashMap<char, usize>,
    /// Letters a vowel run may hold besides the vowel's own (ا ع ء).
    run_free: u64,
}

fn letter_bits(letters: &str) -> u64 {
    letters
        .chars()
        .filter_map(|c| LETTERS.chars().position(|l| l == c))
        .fold(0, |m, i| m | (1u64 << i))
}

/// Adds a base for each Latin spelling of `data/name_letters.tsv` to `bases`; returns the
/// spellings with their bases, longest first.
fn latin_spellings(bases: &mut Vec<Base>) -> Vec<(&'static str, usize)> {
    let mut latin = Vec::new();
    for [kind, spelling, letters, flags] in
        crate::data::rows(include_str!("../../data/name_letters.tsv"))
    {
        let mask = letter_bits(&letters.replace(' ', ""));
        latin.push((spelling, bases.len()));
        bases.push(Base {
            mask,
            vowel: kind == "V",
            long: flags.contains("long"),
            // Set below, once every spelling is known.
            split: u64::from(flags.contains("split")),
            split2: 0,
            free: false,
            arabic: false,
            label: spelling,
        });
    }
    let mask_of = |bases: &[Base], p: Option<&str>| {
        latin
            .iter()
            .find(|(s, _)| p == Some(*s))
            .and_then(|&(_, b)| bases.get(b))
            .map_or(0, |b| b.mask)
    };
    for &(spelling, b) in &latin {
        if bases.get(b).is_some_and(|base| base.split != 0) {
            let first = mask_of(bases, spelling.get(..1));
            let second = mask_of(bases, spelling.get(1..));
            if let Some(base) = bases.get_mut(b) {
                (base.split, base.split2) = (first, second);
            }
        }
    }
    latin.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    latin
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut bases = vec![
            Base {
                mask: letter_bits("اعي"),
                vowel: true,
                label: "^",
                ..Base::default()
            },
            Base {
                label: "?",
                ..Base::default()
            },
        ];
        let latin = latin_spellings(&mut bases);
        let mut arabic = FxHashMap::default();
        for (i, (at, c)) in LETTERS.char_indices().enumerate() {
            arabic.insert(c, bases.len());
            bases.push(Base {
                mask: 1 << i,
                vowel: VOWEL_LETTERS.contains(c),
                long: VOWEL_LETTERS.contains(c),
                split: 0,
                split2: 0,
                free: matches!(c, 'ع' | 'ء'),
                arabic: true,
                label: LETTERS.get(at..at + c.len_utf8()).unwrap_or("?"),
            });
        }
        for &(c, letters) in VARIANT_LETTERS {
            arabic.insert(c, bases.len());
            bases.push(Base {
                mask: letter_bits(letters),
                arabic: true,
                label: letters,
                ..Base::default()
            });
        }
        bases.truncate(BASES);
        let syms = syms_of(&bases);
        let mut by_first = vec![Vec::new(); 128];
        for &(spelling, b) in &latin {
            if let Some(list) = spelling
                .bytes()
                .next()
                .and_then(|f| by_first.get_mut(usize::from(f)))
            {
                list.push((spelling, b));
            }
        }
        Table {
            bases,
            syms,
            by_first,
            arabic,
            run_free: letter_bits("اعء"),
        }
    })
}

/// Every base in every context: the symbols the alignment compares, at
/// `base + BASES * context`.
fn syms_of(bases: &[Base]) -> Vec<Sym> {
    let vowel_letters = letter_bits(VOWEL_LETTERS);
    let final_extra = |base: &Base| {
        FINAL_EXTRA
            .iter()
            .filter(|(c, _)| base.arabic && base.mask == letter_bits(&c.to_string()))
            .fold(0, |m, (_, extra)| m | letter_bits(extra))
    };
    let mut syms = vec![Sym::default(); BASES * CONTEXTS];
    for (b, base) in bases.iter().enumerate() {
        for (c, context) in [
            Context::Normal,
            Context::Optional,
            Context::Initial,
            Context::InitialOptional,
            Context::Final,
            Context::FinalSilent,
            Context::FinalH,
            Context::Long,
            Context::Doubled,
        ]
        .into_iter()
        .enumerate()
        {
            let (extra, skip) = match context {
                Context::Normal => (0, u8::from(!base.free && (!base.vowel || base.long))),
                Context::Optional => (0, 0),
                Context::Initial => (letter_bits(INITIAL_EXTRA), 1),
                Context::InitialOptional => (letter_bits(INITIAL_EXTRA), 0),
                // A final ع stays free to leave out (Rabi = ربيع).
                Context::Final => (final_extra(base), u8::from(!base.free)),
                Context::FinalSilent => (0, 0),
                Context::FinalH => (letter_bits(FINAL_H_EXTRA), 1),
                Context::Long => (0, 1),
                Context::Doubled => (0, u8::from(!base.vowel || base.long)),
            };
            // A final e is silent (Amine = أمين) or the ي of a French é (André = أندري,
            // Fergane = فرجاني); read as the feminine ة or an ا it would make a brother of his
            // sister (Amine is not Amina = أمينة).
            let mask = match context {
                Context::FinalSilent => base.mask & letter_bits(FINAL_E),
                _ => base.mask | extra,
            };
            if let Some(sym) = syms.get_mut(b + BASES * c) {
                *sym = Sym {
                    mask,
                    split: base.split,
                    split2: base.split2,
                    skip: if b == CARET { 0 } else { skip },
                    consonant: base.mask & !vowel_letters != 0 && !base.vowel,
                    // A final ه writes a vowel too (Taha = طه, Abdou = عبده).
                    vowel: (base.vowel || (context == Context::Final && base.arabic)) && b != CARET,
                    doubled: context == Context::Doubled,
                    arabic: base.arabic,
                };
            }
        }
    }
    syms
}

impl Table {
    /// The base of one Latin spelling.
    fn spelled(&self, spelling: &str) -> Option<usize> {
        let first = usize::from(spelling.bytes().next()?);
        self.by_first
            .get(first)?
            .iter()
            .find(|(s, _)| s.len() == spelling.len() && begins(spelling.as_bytes(), s))
            .map(|&(_, b)| b)
    }
}

/// Whether `bytes` begin with `spelling`, compared byte by byte: spellings are one to four
/// letters, for which a call of `memcmp` (what `starts_with` and `==` make) costs more than the
/// comparison, and a name's key compares a few dozen of them.
#[inline]
fn begins(bytes: &[u8], spelling: &str) -> bool {
    let s = spelling.as_bytes();
    bytes.len() >= s.len() && s.iter().zip(bytes).all(|(a, b)| a == b)
}

fn push(out: &mut String, base: usize, context: Context) {
    let code = KEY_CHAR + base as u32 + (BASES as u32) * (context as u32);
    if let Some(c) = char::from_u32(code) {
        out.push(c);
    }
}

fn sym_of(c: char) -> Sym {
    sym_in(&table().syms, c)
}

/// [`sym_of`] in the table's `syms`, for loops that fetch the table once.
fn sym_in(syms: &[Sym], c: char) -> Sym {
    let code = (c as u32).wrapping_sub(KEY_CHAR) as usize;
    syms.get(code).copied().unwrap_or(Sym {
        mask: 0,
        split: 0,
        split2: 0,
        skip: 1,
        consonant: true,
        vowel: false,
        doubled: false,
        arabic: false,
    })
}

fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

/// The key of one folded word of a name (see the module docs). Empty for an empty word.
///
/// # Example
/// ```
/// use codguard::normalize::translit::{key, alike};
/// assert_eq!(alike(&key("mohamed"), &key("محمد")), 1.0);
/// assert_eq!(alike(&key("lazhar"), &key("ازهر")), 1.0);
/// assert!(alike(&key("hassan"), &key("حسين")) < 0.8);
/// ```
pub fn key(word: &str) -> String {
    let mut out = String::with_capacity(word.len() * 3);
    key_in(word, false, false, &mut out);
    out
}

/// [`key`] of what follows a particle glued to it (`elilah` of Abdelilah, `elaziz` of
/// Abdelaziz): a leading al/el is the article, and the vowel after it the name's first
/// (Abdelilah = عبد الإله).
pub fn key_after_particle(word: &str) -> String {
    let mut out = String::with_capacity(word.len() * 3);
    key_in(word, false, true, &mut out);
    out
}

/// [`key`] with every class optional: a particle such as بن (son of) that one order writes
/// and another leaves out (Mohamed bin Rashid = Mohamed Rashid).
pub fn optional_key(word: &str) -> String {
    let mut out = String::with_capacity(word.len() * 3);
    key_in(word, true, false, &mut out);
    out
}

/// [`key`], [`key_after_particle`] (`glued`) or [`optional_key`] (`optional`) appended to
/// `out`: a name's key glued from several words is written into one string.
pub(crate) fn push_key(word: &str, optional: bool, glued: bool, out: &mut String) {
    key_in(word, optional, glued, out);
}

fn key_in(word: &str, optional: bool, glued: bool, out: &mut String) {
    let start = out.len();
    if !word.is_ascii() && word.chars().any(is_arabic) {
        arabic_key(word, out);
    } else {
        latin_key(word, glued, out);
    }
    if optional {
        let written = out.split_off(start);
        out.extend(written.chars().map(|c| {
            let code = (c as u32).wrapping_sub(KEY_CHAR) as usize;
            if code < BASES * CONTEXTS {
                let base = code % BASES;
                char::from_u32(KEY_CHAR + (base + BASES * Context::Optional as usize) as u32)
                    .unwrap_or(c)
            } else {
                c
            }
        }));
    }
}

/// [`VOWEL_LETTERS`] as a match, for the loops of [`arabic_key`] (a search of the string per
/// letter cost more than the rest of the loop).
fn is_vowel_letter(c: char) -> bool {
    matches!(c, 'ا' | 'و' | 'ي' | 'ع' | 'ء' | 'ة' | 'ى')
}

/// The base of each letter of the Arabic block (U+0600 to U+06FF; [`UNKNOWN`] for the
/// letters the table lacks): [`Table::arabic`] as an array, read once per letter of a key.
fn arabic_bases() -> &'static [u8; 256] {
    static BASES_OF: OnceLock<[u8; 256]> = OnceLock::new();
    BASES_OF.get_or_init(|| {
        let t = table();
        let mut bases = [UNKNOWN as u8; 256];
        for (&c, &base) in &t.arabic {
            let slot = (c as usize)
                .checked_sub(0x600)
                .and_then(|i| bases.get_mut(i));
            if let (Some(slot), Ok(base)) = (slot, u8::try_from(base)) {
                *slot = base;
            }
        }
        bases
    })
}

/// The base of the Arabic letter `c` ([`UNKNOWN`] for a character the table lacks).
fn arabic_base(t: &Table, c: char) -> usize {
    match (c as usize).checked_sub(0x600) {
        Some(i) if i < 256 => arabic_bases().get(i).map_or(UNKNOWN, |&b| usize::from(b)),
        _ => t.arabic.get(&c).copied().unwrap_or(UNKNOWN),
    }
}

/// Letters of a word kept on the stack while its key is written (longer words spill).
const WORD_LETTERS: usize = 24;

fn arabic_key(word: &str, out: &mut String) {
    let t = table();
    // The article may be left out (Rahman = الرحمن) or written (Elias = الياس).
    let rest = super::text::strip_article(word);
    if rest.len() < word.len() {
        for (c, context) in [('ا', Context::InitialOptional), ('ل', Context::Optional)] {
            if let Some(&base) = t.arabic.get(&c) {
                push(out, base, context);
            }
        }
    }
    // Two equal letters are two consonants: Arabic does not write a doubled one twice.
    let letters: SmallVec<[(usize, char); WORD_LETTERS]> =
        rest.chars().map(|c| (arabic_base(t, c), c)).collect();
    let n = letters.len();
    for (i, &(base, c)) in letters.iter().enumerate() {
        let next_is_consonant = letters
            .get(i + 1)
            .is_some_and(|&(_, n)| !is_vowel_letter(n) && n != 'ل' && n != 'ه');
        let context = if i == 0 && matches!(c, 'ا' | 'ع') {
            Context::Initial
        } else if i == 0 && c == 'ل' && next_is_consonant && n >= 3 {
            // A colloquial article written as ل alone: لحسن, لمنور.
            Context::Optional
        } else if i + 1 == n
            && i > 0
            && c == 'و'
            && !letters.get(i - 1).is_some_and(|&(_, p)| is_vowel_letter(p))
        {
            // The silent و of عمرو (Amr); a pronounced one is matched anyway.
            Context::Optional
        } else if i + 1 == n && i > 0 && matches!(c, 'ه' | 'ي' | 'ا' | 'و' | 'ع') {
            Context::Final
        } else {
            Context::Normal
        };
        let base = if matches!(c, 'م' | 'ن') && letters.get(i + 1).is_some_and(|&(_, n)| n == 'ب')
        {
            arabic_base(t, NASAL)
        } else {
            base
        };
        if base == UNKNOWN {
            out.push(c);
        } else {
            push(out, base, context);
        }
    }
}

/// Sun letters: an article before them is assimilated (et-tazi, ez-zahra) and written doubled.
const SUN: &[u8] = b"tdrzsn";

/// A unit of a Latin word: (base, start byte, raw length, doubled), a doubled consonant being
/// one unit.
type Unit = (usize, usize, usize, bool);

/// A Latin word read as [`Unit`]s.
type Units = SmallVec<[Unit; WORD_LETTERS]>;

/// The [`Units`] of a Latin word, written into `units` (empty): filled where the caller keeps
/// it rather than returned, which would copy the whole inline array (most of a key's cost in
/// `memcpy`).
fn latin_units(word: &str, t: &Table, units: &mut Units) {
    let bytes = word.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Compared with ASCII spellings as bytes (no character-boundary checks: a spelling
        // that matches ends on one).
        let rest = bytes.get(i..).unwrap_or_default();
        let next = bytes.get(i + 1).copied();
        let soft = matches!(next, Some(b'e' | b'i' | b'y'));
        let between_consonants = |at: usize| {
            let is_v = |b: Option<&u8>| matches!(b, Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'y'));
            at > 0 && !is_v(bytes.get(at - 1)) && !is_v(bytes.get(at + 1))
        };
        let found = if bytes.get(i) == Some(&b'c') && soft {
            t.spelled("s").map(|b| (b, 1))
        } else if bytes.get(i) == Some(&b'y') && between_consonants(i) {
            // y between consonants is the vowel i (Myriam).
            t.spelled("i").map(|b| (b, 1))
        } else if matches!(rest.get(..2), Some(b"ou" | b"oo" | b"ow"))
            && matches!(bytes.get(i + 2), Some(b'a' | b'e' | b'i' | b'o'))
            && i > 0
        {
            // ou before a vowel is the consonant و (Alaoui, Marouane), or ع (Souad).
            t.spelled("ou_").map(|b| (b, 2))
        } else if rest.starts_with(b"qu")
            && !matches!(bytes.get(i + 2), Some(b'a' | b'e' | b'i' | b'o' | b'y'))
        {
            // qu before a consonant is q + u (Quso).
            t.spelled("q").map(|b| (b, 1))
        } else if rest.starts_with(b"gu") && matches!(bytes.get(i + 2), Some(b'e' | b'i' | b'y')) {
            // French hard g: Guelma, Bouguerra.
            t.spelled("g").map(|b| (b, 2))
        } else {
            t.by_first
                .get(usize::from(bytes.get(i).copied().unwrap_or(0)))
                .and_then(|list| list.iter().find(|(s, _)| begins(rest, s)))
                .map(|&(s, b)| (b, s.len()))
        };
        let (base, len) = found.unwrap_or_else(|| {
            let len = word
                .get(i..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
            (UNKNOWN, len)
        });
        let consonant = t.bases.get(base).is_some_and(|b| !b.vowel);
        match units.last_mut() {
            Some(last) if last.0 == base && consonant && base != UNKNOWN => last.3 = true,
            _ => units.push((base, i, len, false)),
        }
        i += len;
    }
}

fn latin_key(word: &str, glued: bool, out: &mut String) {
    let t = table();
    let mut units = Units::new();
    latin_units(word, t, &mut units);
    let is_vowel = |u: Option<&Unit>| u.is_some_and(|u| t.bases.get(u.0).is_some_and(|b| b.vowel));
    // As bytes, compared with ASCII spellings without checking character boundaries.
    let spelled = |u: &Unit| word.as_bytes().get(u.1..u.1 + u.2).unwrap_or_default();
    let n = units.len();
    // A final vowel + h is one unit (Saleh, Fatimah, Abdallah).
    let final_h =
        n >= 2 && units.last().is_some_and(|u| spelled(u) == b"h") && is_vowel(units.get(n - 2));
    let end = if final_h { n - 1 } else { n };
    // al-/el- glued to a word may be an article (Alotaibi, Elmansouri, Elias = الياس).
    let article = (n >= 5 || (glued && n >= 4))
        && matches!(units.first().map(spelled), Some(b"a" | b"e"))
        && units.get(1).is_some_and(|u| spelled(u) == b"l" && !u.3)
        && (!is_vowel(units.get(2)) || word.len() >= 7 || glued);
    // A glued article l (Lazhar, Lahcen, Lmahdi): la-, le- or l + consonant.
    let glued_l = n >= 4
        && units.first().is_some_and(|u| spelled(u) == b"l" && !u.3)
        && (matches!(units.get(1).map(spelled), Some(b"a" | b"e")) || !is_vowel(units.get(1)));
    let first_sound = usize::from(glued_l) + 2 * usize::from(article);
    if !is_vowel(units.get(first_sound)) && !is_vowel(units.get(first_sound + 1)) && n >= 3 {
        // A cluster no Arabic word starts with: a vowel was left out before it.
        push(out, CARET, Context::Normal);
    }
    for (k, u) in units.iter().enumerate().take(end) {
        let (base, _, _, _) = *u;
        let vowel = is_vowel(Some(u));
        let context = if vowel && k == 0 {
            let assimilated = units.get(1).is_some_and(|n| {
                n.3 && spelled(n).len() == 1 && spelled(n).iter().all(|b| SUN.contains(b))
            });
            if assimilated || article {
                Context::InitialOptional
            } else {
                Context::Initial
            }
        } else if !vowel && ((k == 0 && glued_l) || (k == 1 && article)) {
            Context::Optional
        } else if vowel && k == 2 && article && glued {
            // The name's first vowel after a glued article: Abdelilah = عبد الإله.
            Context::Initial
        } else if vowel && k + 1 == end {
            if final_h {
                Context::FinalH
            } else if spelled(u) == b"e" && k > 0 {
                Context::FinalSilent
            } else {
                Context::Final
            }
        } else if vowel && spelled(u) == b"ou" && k + 2 == end && !is_vowel(units.get(k + 1)) {
            // ou before the last consonant is the long و (Mahmoud, Daoud).
            Context::Long
        } else if vowel
            && spelled(u) == b"ou"
            && k + 3 == end
            && units.get(end - 1).map(spelled) == Some(b"e")
        {
            Context::Long
        } else if !vowel && u.3 {
            Context::Doubled
        } else {
            Context::Normal
        };
        let nasal = matches!(spelled(u), b"n" | b"m")
            && !u.3
            && units.get(k + 1).is_some_and(|n| spelled(n) == b"b");
        let base = if nasal {
            t.arabic.get(&NASAL).copied().unwrap_or(base)
        } else {
            base
        };
        if base == UNKNOWN {
            out.push_str(word.get(u.1..u.1 + u.2).unwrap_or(""));
        } else {
            push(out, base, context);
        }
    }
}

/// A key written out for people: each class's spelling, marked `?` where it may be left out,
/// `<` first, `>` last, `!` long, `:` doubled.
///
/// # Example
/// ```
/// use codguard::normalize::translit::{describe, key};
/// assert_eq!(describe(&key("lahcen")), "l? a h s e n");
/// ```
pub fn describe(key: &str) -> String {
    let t = table();
    let mut out = Vec::new();
    for c in key.chars() {
        let code = (c as u32).wrapping_sub(KEY_CHAR) as usize;
        let Some(base) = t
            .bases
            .get(code % BASES)
            .filter(|_| code < BASES * CONTEXTS)
        else {
            out.push(c.to_string());
            continue;
        };
        let mark = match code / BASES {
            1 => "?",
            2 => "<",
            3 => "<?",
            4 => ">",
            5 => ">?",
            6 => ">h",
            7 => "!",
            8 => ":",
            _ => "",
        };
        out.push(format!("{}{mark}", base.label));
    }
    out.join(" ")
}

/// Keys longer than this many classes are compared on their first classes only.
const MAX_LEN: usize = 24;

/// The cost of the cheapest alignment of two keys (see the module docs), at most 255.
///
/// Symmetric: `distance(a, b) == distance(b, a)`.
pub fn distance(a: &str, b: &str) -> u8 {
    distance_within(a, b, u8::MAX)
}

/// [`distance`] when it is at most `limit`, else some cost above `limit`: the alignment stops
/// as soon as no path can come back under the limit (most words of two names are different
/// words, and only a cost of 0 or 1 matters to [`alike`]).
pub fn distance_within(a: &str, b: &str, limit: u8) -> u8 {
    aligned_within(a, b, limit, true)
}

/// [`distance_within`]; `bound` false skips the letter bound ([`cost_bound`]) for a caller
/// that has already found it at most `limit` from the keys' outlines ([`outline_bound`], the
/// same number), so that the answer is the same.
fn aligned_within(a: &str, b: &str, limit: u8, bound: bool) -> u8 {
    let mut sa = [Sym::default(); MAX_LEN];
    let mut sb = [Sym::default(); MAX_LEN];
    let la = decode(a, &mut sa);
    let lb = decode(b, &mut sb);
    let (sa, sb) = (&sa[..la], &sb[..lb]);
    let free = table().run_free;
    // Most words compared are different words: their letters alone show it, before aligning.
    if bound && cost_bound(sa, sb, free) > limit {
        return limit.saturating_add(1);
    }
    // Most words that pass are one word in two spellings: a path of free moves shows it, at a
    // fraction of the cost of every cell.
    if aligns_free(sa, sb, free) {
        return 0;
    }
    if limit == 0 {
        return 1;
    }
    aligned_cost(sa, sb, limit)
}

/// The cost of the cheapest alignment of classes `sa` with `sb` when it is at most `limit`,
/// else some cost above `limit` (see [`distance_within`]): every cell of the alignment.
fn aligned_cost(sa: &[Sym], sb: &[Sym], limit: u8) -> u8 {
    let (la, lb) = (sa.len(), sb.len());
    let free = table().run_free;
    // d[i][j]: the cost of aligning the first i classes of `a` with the first j of `b`.
    let mut d = [[0u8; MAX_LEN + 1]; MAX_LEN + 1];
    for j in 1..=lb {
        d[0][j] = d[0][j - 1].saturating_add(sb[j - 1].skip);
    }
    // The least cost of each of the last three rows: a cell is reached from the three rows
    // above it at most (a class against a run of up to three), and no step lowers a cost, so
    // when all three exceed `limit` the final cost does too.
    let mut mins = [0u8; 3];
    for i in 1..=la {
        let x = &sa[i - 1];
        let x_spans = x.may_span();
        // Row i is written from the rows above it, read through `above`.
        let (above, below) = d.split_at_mut(i);
        let (Some(prev), Some(row)) = (above.last(), below.first_mut()) else {
            break;
        };
        row[0] = prev[0].saturating_add(x.skip);
        let mut row_min = row[0];
        for j in 1..=lb {
            let y = &sb[j - 1];
            let sub = u8::from(x.mask & y.mask == 0);
            let mut best = prev[j - 1]
                .saturating_add(sub)
                .min(prev[j].saturating_add(x.skip))
                .min(row[j - 1].saturating_add(y.skip));
            // One class of a side against two or three of the other: a digraph that is two
            // letters (th = ت + ح), a vowel that writes a run of vowel letters (ai = ا ع ي).
            // (Nothing lowers a cost of 0, and most classes span nothing.)
            if best > 0 && (x_spans || y.may_span()) {
                for k in 2..=3 {
                    if best > 0 && x_spans && j >= k && spans(*x, &sb[j - k..j], free) {
                        best = best.min(prev[j - k]);
                    }
                    if best > 0 && y.may_span() && i >= k && spans(*y, &sa[i - k..i], free) {
                        best = best.min(above[i - k][j - 1]);
                    }
                }
            }
            row[j] = best;
            row_min = row_min.min(best);
        }
        mins = [mins[1], mins[2], row_min];
        if i >= 3 && mins.iter().all(|&m| m > limit) {
            return limit.saturating_add(1);
        }
    }
    d[la][lb]
}

/// True when `sa` and `sb` align at no cost (their [`distance`] is 0): the alignment of
/// [`distance_within`] through its moves of cost 0 only, a row of bits at a time. Bit `j` of row
/// `i` is set when the first `i` classes of `sa` align with the first `j` of `sb` at no cost,
/// from a cell set before it by one of the moves: a class for a class that shares a letter,
/// a class left out for free (of `sa`: down; of `sb`: right, along the row), a class for a run
/// of two or three of the other side ([`spans`]). Rows are at most `MAX_LEN + 1` bits; three
/// empty rows in a row end it, as no move reaches further back.
fn aligns_free(sa: &[Sym], sb: &[Sym], free: u64) -> bool {
    let lb = sb.len().min(MAX_LEN);
    let end = 1u32 << lb;
    // Bit j + 1 for each class j of `sb` left out for free.
    let skip_free = sb
        .iter()
        .enumerate()
        .filter(|(_, y)| y.skip == 0)
        .fold(0u32, |bits, (j, _)| bits | 1 << (j + 1));
    let close = |mut row: u32| loop {
        let next = row | ((row << 1) & skip_free);
        if next == row {
            return row;
        }
        row = next;
    };
    let by_letter = by_letter(sb);
    // Rows i - 1, i - 2 and i - 3.
    let (mut r1, mut r2, mut r3) = (close(1), 0u32, 0u32);
    for (at, x) in sa.iter().enumerate() {
        let i = at + 1;
        let matches = classes_of(&by_letter, x.mask);
        let mut row = (r1 << 1) & matches;
        if x.skip == 0 {
            row |= r1;
        }
        // x for classes j - k .. j of `sb`, from (i - 1, j - k).
        if x.may_span() {
            for k in 2..=3 {
                let mut from = r1;
                while from != 0 {
                    let start = from.trailing_zeros() as usize;
                    from &= from - 1;
                    let j = start + k;
                    if sb.get(start..j).is_some_and(|run| spans(*x, run, free)) {
                        row |= 1 << j;
                    }
                }
            }
        }
        // Class j - 1 of `sb` for classes i - k .. i of `sa`, from (i - k, j - 1).
        for (k, before) in [(2, r2), (3, r3)] {
            let Some(run) = i.checked_sub(k).and_then(|first| sa.get(first..i)) else {
                continue;
            };
            let mut from = before;
            while from != 0 {
                let j = from.trailing_zeros() as usize + 1;
                from &= from - 1;
                if sb
                    .get(j - 1)
                    .is_some_and(|y| y.may_span() && spans(*y, run, free))
                {
                    row |= 1 << j;
                }
            }
        }
        row = close(row) & (end | (end - 1));
        if row == 0 && r1 == 0 && r2 == 0 {
            return false;
        }
        (r3, r2, r1) = (r2, r1, row);
    }
    r1 & end != 0
}

/// Bit j + 1 of entry `l` for each class j of `side` that may be letter `l`: the classes of
/// `side` that share a letter with a class are then the union over the class's few letters
/// ([`classes_of`]), not a test of every class of `side` for each.
fn by_letter(side: &[Sym]) -> [u32; 64] {
    let mut by_letter = [0u32; 64];
    for (j, y) in side.iter().enumerate() {
        let mut letters = y.mask;
        while letters != 0 {
            if let Some(col) = by_letter.get_mut(letters.trailing_zeros() as usize) {
                *col |= 1 << (j + 1);
            }
            letters &= letters - 1;
        }
    }
    by_letter
}

/// The classes (bit j + 1 for class j) that share a letter of `mask`, from [`by_letter`].
fn classes_of(by_letter: &[u32; 64], mut mask: u64) -> u32 {
    let mut classes = 0;
    while mask != 0 {
        classes |= by_letter
            .get(mask.trailing_zeros() as usize)
            .copied()
            .unwrap_or(0);
        mask &= mask - 1;
    }
    classes
}

/// What [`cost_bound`] reads of a key, read once for many comparisons (see [`may_join`],
/// [`outline_bound`]): kept for every distinct name key of a history, so its letters are held
/// as 32 bits (the table has fewer letters).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outline {
    /// Every letter its classes, their digraphs and ا ع ء may stand for.
    reach: u32,
    /// The letters of each class that costs something to leave out (with its digraph's first).
    needs: [u32; MAX_LEN],
    /// How many of `needs` are used.
    len: u8,
    /// The classes of the key (its characters), counting those past `MAX_LEN`.
    classes: u32,
    /// The consonants of the key, which [`alike`] reads.
    consonants: u32,
}

// Every letter bit of the table fits in the 32 bits of an [`Outline`].
const _: () = assert!(
    char_count(LETTERS) <= 32,
    "an outline holds a letter per bit"
);

/// The characters of `s`, in a constant.
const fn char_count(s: &str) -> usize {
    let bytes = s.as_bytes();
    let (mut at, mut count) = (0, 0);
    while at < bytes.len() {
        // Every byte of UTF-8 but the continuation bytes starts a character.
        if bytes[at] & 0xC0 != 0x80 {
            count += 1;
        }
        at += 1;
    }
    count
}

/// A letter mask of the table in 32 bits; all letters when it does not fit (it does: the
/// table has at most 32 letters, asserted when compiling), which would only weaken the bounds,
/// never make them wrong: more letters within reach strand fewer classes, and a class that may
/// be every letter is never stranded.
fn narrow(mask: u64) -> u32 {
    u32::try_from(mask).unwrap_or(u32::MAX)
}

impl Outline {
    /// The outline of `key`'s first `MAX_LEN` classes, as [`distance_within`] reads them.
    pub(crate) fn of(key: &str) -> Outline {
        let mut syms = [Sym::default(); MAX_LEN];
        let len = decode(key, &mut syms);
        let syms = &syms[..len];
        let mut outline = Outline {
            reach: narrow(reach(syms, table().run_free)),
            needs: [0; MAX_LEN],
            len: 0,
            // Counted again only when the key fills the decoded classes.
            classes: if len < MAX_LEN {
                len as u32
            } else {
                u32::try_from(key.chars().count()).unwrap_or(u32::MAX)
            },
            consonants: u32::try_from(consonants(key)).unwrap_or(u32::MAX),
        };
        for x in syms.iter().filter(|x| x.skip > 0) {
            if let Some(slot) = outline.needs.get_mut(usize::from(outline.len)) {
                *slot = narrow(x.mask | x.split);
                outline.len += 1;
            }
        }
        outline
    }

    /// The classes of the key that must be paid for.
    fn needs(&self) -> &[u32] {
        self.needs.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// True when a class of the key that must be paid for shares no letter with `other`.
    fn stranded(&self, other: u32) -> bool {
        self.needs().iter().any(|&needs| needs & other == 0)
    }

    /// How many classes of the key that must be paid for share no letter with `other`,
    /// counted up to `cap`.
    fn stranded_count(&self, other: u32, cap: usize) -> usize {
        self.needs()
            .iter()
            .filter(|&&needs| needs & other == 0)
            .take(cap)
            .count()
    }
}

/// [`cost_bound`] of two keys from their outlines (the same number: the same classes and
/// letters, read once): a lower bound of [`distance`] of the two keys.
///
/// Counted up to `cap` (the bound when it is below `cap`, else `cap`): the walk asks only
/// whether it is 0, 1 or more, and most words it compares are two different words, with many
/// classes stranded.
pub(crate) fn outline_bound(a: &Outline, b: &Outline, cap: usize) -> usize {
    let a_side = a.stranded_count(b.reach, cap);
    if a_side >= cap {
        return a_side;
    }
    a_side.max(b.stranded_count(a.reach, cap))
}

/// False when [`alike`] of two different keys with these outlines is 0, from their letters
/// alone: `alike` is above 0 only for a cost of 0, or of 1 in a key of [`LONG_WORD`]
/// consonants or more, and the cost is at least [`outline_bound`].
pub(crate) fn may_be_alike(a: &Outline, b: &Outline) -> bool {
    match outline_bound(a, b, 2) {
        0 => true,
        1 => a.consonants.max(b.consonants) as usize >= LONG_WORD,
        _ => false,
    }
}

/// [`alike`] of two keys `a` and `b` whose outlines are `oa` and `ob`: 0 at once when they
/// differ and [`may_be_alike`] rules them out. Equal keys are alike whatever their letters (a
/// character the table does not know matches nothing, not even itself, in the alignment).
///
/// What passes is aligned without the letter bound again (`may_be_alike` found it at most 1,
/// the limit [`alike`] aligns to), and weighed by the consonants the outlines hold.
pub(crate) fn alike_outlined(a: &str, b: &str, oa: &Outline, ob: &Outline) -> f64 {
    if a == b {
        return 1.0;
    }
    if !may_be_alike(oa, ob) {
        return 0.0;
    }
    let consonants = oa.consonants.max(ob.consonants) as usize;
    alike_by(aligned_within(a, b, 1, false), consonants)
}

/// False when `first` and `second` written together cannot align with `whole` at no cost
/// (`distance_within(first + second, whole, 0) > 0`, from [`cost_bound`]): a class of one side
/// that must be paid for shares no letter with the other side.
pub(crate) fn may_join(first: &Outline, second: &Outline, whole: &Outline) -> bool {
    if whole.stranded(first.reach | second.reach) {
        return false;
    }
    // Past `MAX_LEN` classes the alignment reads a cut key: no shortcut for the joined side.
    first.classes.saturating_add(second.classes) > MAX_LEN as u32
        || !(first.stranded(whole.reach) || second.stranded(whole.reach))
}

/// Every letter the classes of `parts` may stand for ([`may_join_two_of`] reads it for each
/// word of the other name: read once per name).
pub(crate) fn reach_of<'o>(parts: impl Iterator<Item = &'o Outline>) -> u32 {
    parts.fold(0, |bits, p| bits | p.reach)
}

/// False when no two of `parts` (two different ones, either way round) may be `whole` written
/// as two words: [`may_join`] of every pair. A class of `whole` that shares no letter with any
/// part (`all`, their [`reach_of`]) is stranded from every pair of them, so one test rules most
/// names out.
pub(crate) fn may_join_two_of<'o>(
    whole: &Outline,
    parts: impl Iterator<Item = &'o Outline> + Clone,
    all: u32,
) -> bool {
    if whole.stranded(all) {
        return false;
    }
    parts.clone().enumerate().any(|(at, first)| {
        parts
            .clone()
            .skip(at + 1)
            .any(|second| may_join(first, second, whole))
    })
}

/// Every letter the classes of `side` (and their digraphs) may stand for, with `free`.
fn reach(side: &[Sym], free: u64) -> u64 {
    side.iter()
        .fold(free, |bits, y| bits | y.mask | y.split | y.split2)
}

/// A lower bound of the cost of aligning `sa` with `sb`, from their letters alone: a class that
/// costs something to leave out and shares no letter with anything of the other side (nor with
/// what its digraphs, or the other side's, write, nor with ا ع ء) can neither stand for a class
/// of the other side nor belong to a run one of them writes, so every alignment pays for it,
/// one at least for each such class of the side that has more of them (a substitution pays
/// for one of each side at once).
fn cost_bound(sa: &[Sym], sb: &[Sym], free: u64) -> u8 {
    let stranded = |side: &[Sym], other: u64| {
        side.iter()
            .filter(|x| x.skip > 0 && (x.mask | x.split) & other == 0)
            .count()
    };
    let count = stranded(sa, reach(sb, free)).max(stranded(sb, reach(sa, free)));
    u8::try_from(count).unwrap_or(u8::MAX)
}

impl Sym {
    /// Whether the class may write two or three classes of the other side together
    /// ([`spans`] is false for any run otherwise): a digraph, a doubled consonant or a vowel.
    fn may_span(self) -> bool {
        self.vowel || self.split != 0 || self.doubled
    }
}

/// True when class `x` may write the classes of `run` together: a digraph its two letters
/// (`x.split` the first, `x.split2` the second), or a vowel a run whose every class is one of
/// its letters or ا ع ء, and one at least its own (across scripts only: two Latin spellings
/// vowel for vowel).
fn spans(x: Sym, run: &[Sym], free: u64) -> bool {
    if let [first, second] = run {
        if x.split != 0 && x.split & first.mask != 0 && x.split2 & second.mask != 0 {
            return true;
        }
        if x.doubled && x.mask & first.mask != 0 && first.mask == second.mask {
            return true;
        }
    }
    x.vowel
        && run
            .iter()
            .all(|r| r.arabic != x.arabic && r.mask & (x.mask | free) != 0)
        && run.iter().any(|r| r.mask & x.mask != 0)
}

fn decode(key: &str, out: &mut [Sym; MAX_LEN]) -> usize {
    let syms = &table().syms;
    let mut n = 0;
    for (slot, c) in out.iter_mut().zip(key.chars()) {
        *slot = sym_in(syms, c);
        n += 1;
    }
    n
}

/// The number of consonants of a key.
fn consonants(key: &str) -> usize {
    key.chars().filter(|&c| sym_of(c).consonant).count()
}

/// The fewest consonants of a key in which [`alike`] forgives one thing that differs.
const LONG_WORD: usize = 5;

/// How alike two keys are: 1.0 when they align at no cost, `1 - cost / consonants` when one
/// thing differs in a key of five consonants or more (a typo in a long family name), else 0.
pub fn alike(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let d = distance_within(a, b, 1);
    if d == 0 {
        return 1.0;
    }
    alike_by(d, consonants(a).max(consonants(b)))
}

/// [`alike`] of two different keys whose [`distance_within`] 1 is `d`, the longer of which
/// has `len` consonants.
fn alike_by(d: u8, len: usize) -> f64 {
    if d == 0 {
        return 1.0;
    }
    if d > 1 || len < LONG_WORD {
        return 0.0;
    }
    1.0 - f64::from(d) / len as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words of both scripts, alike and not, and a few odd ones.
    const WORDS: &[&str] = &[
        "mohamed",
        "محمد",
        "muhammad",
        "mhamed",
        "ahmed",
        "احمد",
        "hamid",
        "حميد",
        "alaoui",
        "العلوي",
        "lazhar",
        "الازهر",
        "dhaoui",
        "الضاوي",
        "tazi",
        "ettazi",
        "تازي",
        "khalid",
        "خالد",
        "fatima",
        "فاطمة",
        "fatimazahra",
        "zahra",
        "زهرة",
        "youssef",
        "yusuf",
        "يوسف",
        "othmane",
        "osman",
        "عثمان",
        "bouguerra",
        "بوقرة",
        "qahtani",
        "القحطاني",
        "fahd",
        "فهد",
        "mashael",
        "مشاعل",
        "ogaili",
        "العجيلي",
        "gamal",
        "جمال",
        "ragab",
        "رجب",
        "oussama",
        "أسامة",
        "chaoui",
        "الشاوي",
        "abdelhafid",
        "عبد الحفيظ",
        "lirki",
        "x",
        "q",
        "ع",
        "ااا",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    ];

    #[test]
    fn the_letter_bound_never_exceeds_the_cost() {
        let keys: Vec<String> = WORDS.iter().map(|w| key(w)).collect();
        let table = table();
        let mut ruled_out = 0;
        for a in &keys {
            for b in &keys {
                let full = distance(a, b);
                let mut sa = [Sym::default(); MAX_LEN];
                let mut sb = [Sym::default(); MAX_LEN];
                let (la, lb) = (decode(a, &mut sa), decode(b, &mut sb));
                let bound = cost_bound(&sa[..la], &sb[..lb], table.run_free);
                assert!(bound <= full, "{a} / {b}: bound {bound} > cost {full}");
                // The outlines read the same bound, once per key.
                let (oa, ob) = (Outline::of(a), Outline::of(b));
                assert_eq!(
                    outline_bound(&oa, &ob, usize::MAX),
                    usize::from(bound),
                    "{a} / {b}"
                );
                assert_eq!(
                    outline_bound(&oa, &ob, 2),
                    usize::from(bound.min(2)),
                    "{a} / {b}"
                );
                if a != b && alike(a, b) > 0.0 {
                    assert!(may_be_alike(&oa, &ob), "{a} / {b}");
                }
                assert_eq!(
                    alike_outlined(a, b, &oa, &ob).to_bits(),
                    alike(a, b).to_bits()
                );
                ruled_out += usize::from(bound > 1);
                for limit in 0..3 {
                    let within = distance_within(a, b, limit);
                    assert_eq!(within <= limit, full <= limit, "{a} / {b} at {limit}");
                    if full <= limit {
                        assert_eq!(within, full, "{a} / {b} at {limit}");
                    }
                }
            }
        }
        assert!(ruled_out > 0, "the bound never rules a pair out");
    }

    #[test]
    fn two_keys_written_together_are_ruled_out_only_when_they_cannot_align() {
        let keys: Vec<String> = WORDS.iter().map(|w| key(w)).collect();
        let (mut joins, mut refused) = (0, 0);
        for first in &keys {
            for second in &keys {
                let joined = format!("{first}{second}");
                let (o1, o2) = (Outline::of(first), Outline::of(second));
                for whole in &keys {
                    let may = may_join(&o1, &o2, &Outline::of(whole));
                    if distance(&joined, whole) == 0 {
                        assert!(may, "{first} + {second} / {whole}");
                        joins += 1;
                    }
                    refused += usize::from(!may);
                }
            }
        }
        assert!(joins > 0 && refused > 0, "{joins} joins, {refused} refused");
    }

    fn same(a: &str, b: &str) -> bool {
        alike(&key(a), &key(b)) >= 0.8
    }

    #[test]
    fn one_name_across_scripts() {
        for (a, b) in [
            ("mohamed", "محمد"),
            ("muhammad", "محمد"),
            ("mohammed", "mohamed"),
            ("lazhar", "ازهر"),
            ("lahcen", "حسن"),
            ("larbi", "عربي"),
            ("gamal", "جمال"),
            ("ragab", "رجب"),
            ("oussama", "اسامه"),
            ("ogaili", "عجيلي"),
            ("brahim", "ابراهيم"),
            ("driss", "ادريس"),
            ("idrissi", "drissi"),
            ("fethi", "فتحي"),
            ("saleh", "صالح"),
            ("fatimah", "فاطمه"),
            ("karima", "كريمه"),
            ("ettazi", "تازي"),
            ("ezzat", "عزت"),
            ("alotaibi", "عتيبي"),
            ("otaibi", "alotaibi"),
            ("bouguerra", "بوقره"),
            ("said", "سعيد"),
            ("souad", "سعاد"),
            ("najat", "نجاه"),
            ("hussein", "حسين"),
            ("mahmoud", "محمود"),
            ("youssef", "yusuf"),
            ("rafi", "رافع"),
            ("rabi", "ربيع"),
            ("rabie", "ربيع"),
            ("anbar", "عمبر"),
            ("ambar", "عنبر"),
            ("anbar", "ambar"),
        ] {
            assert!(same(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn the_free_path_is_found_when_the_alignment_costs_nothing() {
        // With words where a class writes a run of the other side's (ai = ا ع ي, ah = ا ح,
        // th = ت ح, a doubled consonant).
        let spans = [
            "ismail",
            "إسماعيل",
            "salah",
            "صلاح",
            "fathi",
            "فتحي",
            "hassan",
            "حسان",
            "abdellah",
            "عبدالله",
            "raouia",
            "راوية",
            "mouhsine",
            "محسن",
        ];
        let keys: Vec<String> = WORDS.iter().chain(&spans).map(|w| key(w)).collect();
        let free = table().run_free;
        let mut aligned = 0;
        for a in &keys {
            for b in &keys {
                let (mut sa, mut sb) = ([Sym::default(); MAX_LEN], [Sym::default(); MAX_LEN]);
                let (la, lb) = (decode(a, &mut sa), decode(b, &mut sb));
                let (sa, sb) = (&sa[..la], &sb[..lb]);
                let cost = aligned_cost(sa, sb, u8::MAX);
                assert_eq!(aligns_free(sa, sb, free), cost == 0, "{a} / {b}: {cost}");
                aligned += usize::from(cost == 0 && a != b);
            }
        }
        assert!(
            aligned > 10,
            "{aligned} pairs of different keys align at no cost"
        );
    }

    proptest::proptest! {
        /// Words of Latin and Arabic letters, often a letter or two apart, and runs of vowels.
        #[test]
        fn the_free_path_agrees_with_the_alignment(
            a in "[aeiouyhkstdlmnr]{0,9}|[اويعءةىحهلمنسد]{0,8}",
            b in "[aeiouyhkstdlmnr]{0,9}|[اويعءةىحهلمنسد]{0,8}",
        ) {
            let (ka, kb) = (key(&a), key(&b));
            let (mut sa, mut sb) = ([Sym::default(); MAX_LEN], [Sym::default(); MAX_LEN]);
            let (la, lb) = (decode(&ka, &mut sa), decode(&kb, &mut sb));
            let (sa, sb) = (&sa[..la], &sb[..lb]);
            let cost = aligned_cost(sa, sb, u8::MAX);
            proptest::prop_assert_eq!(aligns_free(sa, sb, table().run_free), cost == 0);
        }
    }

    #[test]
    fn the_cut_off_alignment_agrees_below_its_limit() {
        let words = [
            "mohamed",
            "محمد",
            "mahmoud",
            "abdelilah",
            "عبد",
            "الاله",
            "rafi",
            "رافع",
            "anbar",
            "عمبر",
            "fatimazahra",
            "فاطمه",
            "zahra",
            "ouled",
            "اولاد",
            "x",
            "",
        ];
        for a in words {
            for b in words {
                let (ka, kb) = (key(a), key(b));
                let full = distance(&ka, &kb);
                for limit in [0, 1, 2] {
                    let cut = distance_within(&ka, &kb, limit);
                    if full <= limit {
                        assert_eq!(cut, full, "{a} / {b} within {limit}");
                    } else {
                        assert!(cut > limit, "{a} / {b} within {limit}: {cut}");
                    }
                }
            }
        }
    }

    #[test]
    fn siblings_stay_apart() {
        for (a, b) in [
            ("hassan", "حسين"),
            ("hussein", "حسن"),
            ("mohamed", "محمود"),
            ("mahmoud", "محمد"),
            ("mahmoud", "mohamed"),
            ("karim", "كريمه"),
            ("karima", "كريم"),
            ("karim", "karima"),
            ("ahmed", "حميد"),
            ("hamid", "احمد"),
            ("jamal", "kamal"),
            ("ali", "alia"),
            ("said", "سعد"),
            ("salma", "سليم"),
            ("rafik", "رافع"),
            ("amer", "عمبر"),
            ("rabi", "ربيعه"),
        ] {
            assert!(!same(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn letter_lookups_agree_with_the_table() {
        let t = table();
        for c in ('\u{0600}'..='\u{06FF}').chain(['a', 'é', '\u{FB50}']) {
            assert_eq!(is_vowel_letter(c), VOWEL_LETTERS.contains(c), "{c}");
            let expected = t.arabic.get(&c).copied().unwrap_or(UNKNOWN);
            assert_eq!(arabic_base(t, c), expected, "{c}");
        }
    }

    #[test]
    fn keys_written_together_are_the_keys_one_after_another() {
        for (a, b) in [("abd", "elilah"), ("بن", "محمد"), ("bou", "zaid")] {
            let mut glued = String::new();
            push_key(a, true, false, &mut glued);
            push_key(b, false, true, &mut glued);
            assert_eq!(glued, optional_key(a) + &key_after_particle(b));
        }
    }
}
