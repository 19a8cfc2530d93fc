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
pub(crate) fn rows<const N: usize>(table: &str) -> impl Iterator<Item = [&str; N]> {
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
pub(crate) fn entries(table: &str) -> impl Iterator<Item = &str> {
    rows::<1>(table).map(|[entry]| entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of every table in `core/data/` (tests may read files; the library never
    /// does) has as many fields as the table's first row, and none of them empty except a
    /// city's aliases: a row that lost or gained a tab fails here instead of being misread.
    #[test]
    fn every_row_of_every_table_has_its_columns() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let mut tables = 0;
        for entry in std::fs::read_dir(&dir).expect("core/data") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if !(name.ends_with(".tsv") || name.ends_with(".txt")) {
                continue;
            }
            tables += 1;
            let text = std::fs::read_to_string(&path).expect("utf-8");
            let mut columns = None;
            let mut n = 0;
            for line in text.lines() {
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                n += 1;
                let fields: Vec<&str> = line.split('\t').collect();
                let want = *columns.get_or_insert(fields.len());
                assert_eq!(fields.len(), want, "{name}: {line:?}");
                let optional_last = name == "cities.tsv";
                for (i, field) in fields.iter().enumerate() {
                    let may_be_empty = optional_last && i + 1 == fields.len();
                    assert!(may_be_empty || !field.trim().is_empty(), "{name}: {line:?}");
                }
            }
            assert!(n > 0, "{name} has no rows");
            assert_eq!(entries(&text).count(), n, "{name}");
        }
        assert!(tables >= 13, "{tables} tables");
    }

    #[test]
    fn reader_skips_comments_and_pads_short_rows() {
        const TABLE: &str = "# head\n\n  # indented comment\na\t b \n c \n";
        let got: Vec<[&str; 2]> = rows::<2>(TABLE).collect();
        assert_eq!(got, [["a", "b"], ["c", ""]]);
        assert_eq!(entries(TABLE).collect::<Vec<_>>(), ["a", "c"]);
    }
}
