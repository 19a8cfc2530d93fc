//! Text folding shared by addresses and names. (Interface fixed; implementation in progress.)

/// Folds text for comparison: NFKC, case fold, Latin diacritics removed, Arabic harakat and
/// tatweel removed, alef forms to ا, ة to ه, ى to ي, ؤ to و, ئ to ي, every Unicode digit to
/// ASCII, invisible format characters removed, punctuation to spaces, whitespace collapsed.
pub fn fold(raw: &str) -> String {
    let _ = raw;
    unimplemented!("text folding in progress")
}

/// A transliteration-insensitive key of one folded token, the same for its Arabic-script and
/// Latin-script spellings (محمد, mohamed, mohammed, muhammad -> one key).
pub fn skeleton(token: &str) -> String {
    let _ = token;
    unimplemented!("text folding in progress")
}
