//! The one reader of the data tables in `core/data/`.
//!
//! Word lists, letter classes, the gazetteer and the other tables live in data files embedded
//! with `include_str!` (code holds algorithms, files hold vocabulary). They share one format,
//! read here and nowhere else: UTF-8 text, one row a line, fields separated by a tab, each field
//! trimmed; blank lines and lines whose first visible character is `#` are comments. A
//! one-column table is a plain list, one entry a line.
//!
//! The test below reads every table with the number of columns its reader expects, so a row
//! that lost a tab fails the build's tests instead of being skipped at run time.

/// The rows of an embedded table, each as its first `N` fields; a row with fewer fields gets
/// empty strings for the missing ones (the table's own reader decides whether that is allowed).
pub(crate) fn rows<const N: usize>(table: &'static str) -> impl Iterator<Item = [&'static str; N]> {
    table
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.is_empty() && !line.starts_with('#')
        })
        .map(|line| {
            let mut fields = line.split('\t').map(str::trim);
            std::array::from_fn(|_| fields.next().unwrap_or(""))
        })
}

/// The entries of an embedded one-column list.
pub(crate) fn entries(table: &'static str) -> impl Iterator<Item = &'static str> {
    rows::<1>(table).map(|[entry]| entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table of `core/data/` read as text, with its exact number of columns.
    const TABLES: [(&str, &str, usize); 13] = [
        (
            "address_words.tsv",
            include_str!("../data/address_words.tsv"),
            3,
        ),
        ("cities.tsv", include_str!("../data/cities.tsv"), 5),
        (
            "city_aliases.tsv",
            include_str!("../data/city_aliases.tsv"),
            2,
        ),
        (
            "disposable_domains.txt",
            include_str!("../data/disposable_domains.txt"),
            1,
        ),
        (
            "email_junk_domains.txt",
            include_str!("../data/email_junk_domains.txt"),
            1,
        ),
        (
            "email_junk_locals.txt",
            include_str!("../data/email_junk_locals.txt"),
            1,
        ),
        (
            "email_providers.tsv",
            include_str!("../data/email_providers.tsv"),
            5,
        ),
        (
            "name_particles.tsv",
            include_str!("../data/name_particles.tsv"),
            2,
        ),
        ("nonsense.tsv", include_str!("../data/nonsense.tsv"), 2),
        (
            "reply_words.tsv",
            include_str!("../data/reply_words.tsv"),
            2,
        ),
        ("skeleton.tsv", include_str!("../data/skeleton.tsv"), 2),
        (
            "unicode_digit_zeros.txt",
            include_str!("../data/unicode_digit_zeros.txt"),
            1,
        ),
    ];

    #[test]
    fn every_row_of_every_table_has_its_columns() {
        for (name, text, columns) in TABLES {
            let mut n = 0;
            for line in text.lines() {
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                n += 1;
                let fields: Vec<&str> = line.split('\t').collect();
                assert_eq!(fields.len(), columns, "{name}: {line:?}");
                // Only the gazetteer's last column (a city's aliases) is optional.
                let required = if name == "cities.tsv" {
                    columns - 1
                } else {
                    columns
                };
                for field in fields.iter().take(required) {
                    assert!(!field.trim().is_empty(), "{name}: empty field in {line:?}");
                }
            }
            assert!(n > 0, "{name} has no rows");
            assert_eq!(rows::<1>(text).count(), n, "{name}");
        }
    }

    #[test]
    fn reader_skips_comments_and_pads_short_rows() {
        const TABLE: &str = "# head\n\n  # indented comment\na\t b \n c \n";
        let got: Vec<[&str; 2]> = rows::<2>(TABLE).collect();
        assert_eq!(got, [["a", "b"], ["c", ""]]);
        assert_eq!(entries(TABLE).collect::<Vec<_>>(), ["a", "c"]);
    }
}
