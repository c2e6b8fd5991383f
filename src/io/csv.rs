//! The CSV reader: one streaming pass, one reused line buffer, no allocation per value.

use super::{shorten, Header, Layout, Position, ReadErrorKind, Table};
use std::io::{BufRead, Read};

/// Longest line accepted, in bytes, not counting its final newline (16 MiB). A longer
/// line is an error, so that a file without line breaks cannot fill memory.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Fields read as a missing value, never as a text column (compared case-insensitively).
const MISSING_MARKERS: [&str; 4] = ["na", "n/a", "null", "none"];

/// What a field of the first data row says about its column.
enum Field {
    /// A number: the column holds coordinates.
    Number,
    /// Text that does not look like a number: the column is skipped.
    Text,
    /// Empty, a missing-value marker, or something that starts like a number but is not.
    Malformed,
}

/// What a column holds, as fixed by the first data row.
enum Column {
    /// Coordinates: every field must be a finite number.
    Coordinate,
    /// Labels, skipped; `token` (escaped) is the field of the first data row that made
    /// the column text, quoted if a number turns up further down.
    Label { token: String },
}

/// The state of the one pass over the lines.
struct Reader {
    header: Header,
    line: u64,
    header_fields: Option<usize>,
    columns: Vec<Column>,
    fields: Vec<usize>,
    values: Vec<f64>,
    n_rows: usize,
    first_data_line: u64,
    blank_after_data: Option<u64>,
}

/// Reads CSV text into a [`Table`], following the rules in the [module docs](super), with
/// the header detected as [`Header::Auto`] says.
///
/// # Errors
/// [`ReadErrorKind::Io`], [`ReadErrorKind::LineTooLong`], [`ReadErrorKind::InvalidUtf8`],
/// [`ReadErrorKind::BadQuotes`], [`ReadErrorKind::NotANumber`],
/// [`ReadErrorKind::NumberInTextColumn`], [`ReadErrorKind::NonFinite`],
/// [`ReadErrorKind::RaggedRow`], [`ReadErrorKind::BlankLine`],
/// [`ReadErrorKind::NoNumericColumn`], [`ReadErrorKind::CrLineEndings`],
/// [`ReadErrorKind::Empty`].
///
/// # Examples
/// ```
/// use gan_divergences::io::parse_csv;
/// let table = parse_csv(&b"x,y\n0,1\n2.5,-3e2\n"[..])?;
/// assert_eq!((table.n_rows(), table.n_cols()), (2, 2));
/// assert_eq!(table.values(), &[0.0, 1.0, 2.5, -300.0]);
/// # Ok::<(), gan_divergences::io::ReadErrorKind>(())
/// ```
pub fn parse_csv(input: impl BufRead) -> Result<Table, ReadErrorKind> {
    parse_csv_with_header(input, Header::Auto)
}

/// Reads CSV text into a [`Table`] as [`parse_csv`] does, with the first non-blank line a
/// header or not as `header` says.
///
/// # Errors
/// As [`parse_csv`].
///
/// # Examples
/// ```
/// use gan_divergences::io::{parse_csv, parse_csv_with_header, Header};
/// // pandas names unnamed columns 0, 1, ...: a header of numbers
/// let text = b"0,1\n5.0,7.0\n";
/// assert_eq!(parse_csv(&text[..])?.n_rows(), 2);
/// assert_eq!(parse_csv_with_header(&text[..], Header::Present)?.values(), &[5.0, 7.0]);
/// # Ok::<(), gan_divergences::io::ReadErrorKind>(())
/// ```
pub fn parse_csv_with_header(
    mut input: impl BufRead,
    header: Header,
) -> Result<Table, ReadErrorKind> {
    let mut reader = Reader {
        header,
        line: 0,
        header_fields: None,
        columns: Vec::new(),
        fields: Vec::new(),
        values: Vec::new(),
        n_rows: 0,
        first_data_line: 0,
        blank_after_data: None,
    };
    let mut buffer = Vec::with_capacity(256);
    while read_line(&mut input, &mut buffer, reader.line + 1)? {
        reader.line += 1;
        let text = line_text(&buffer, reader.line)?;
        reader.take_line(text)?;
    }
    reader.finish()
}

/// Reads the next line, with its newline, into `buffer`; `false` at the end of the input.
/// A line of more than [`MAX_LINE_BYTES`] bytes before its newline is an error.
fn read_line(
    input: &mut impl BufRead,
    buffer: &mut Vec<u8>,
    line: u64,
) -> Result<bool, ReadErrorKind> {
    buffer.clear();
    let limit = MAX_LINE_BYTES as u64 + 1;
    let n_read = input
        .take(limit)
        .read_until(b'\n', buffer)
        .map_err(|e| ReadErrorKind::Io { kind: e.kind() })?;
    if n_read > MAX_LINE_BYTES && buffer.last() != Some(&b'\n') {
        return Err(ReadErrorKind::LineTooLong {
            line,
            max_bytes: MAX_LINE_BYTES,
            cr_line_endings: buffer.contains(&b'\r'),
        });
    }
    Ok(n_read > 0)
}

/// The line without its terminator (and without a byte-order mark on line 1), as text.
fn line_text(bytes: &[u8], line: u64) -> Result<&str, ReadErrorKind> {
    let mut bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if line == 1 {
        bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let commas = before.iter().filter(|&&b| b == b',').count();
        ReadErrorKind::InvalidUtf8 {
            line,
            column: commas + 1,
        }
    })
}

impl Reader {
    fn take_line(&mut self, text: &str) -> Result<(), ReadErrorKind> {
        // blank lines: allowed before the data and at the end, not between rows
        if text.trim().is_empty() {
            if self.n_rows > 0 && self.blank_after_data.is_none() {
                self.blank_after_data = Some(self.line);
            }
            return Ok(());
        }
        if let Some(line) = self.blank_after_data {
            return Err(ReadErrorKind::BlankLine { line });
        }

        if self.n_rows == 0 {
            return self.take_first_line(text);
        }
        self.take_data_row(text)
    }

    /// The first non-blank line is a header, or the row that fixes the columns.
    fn take_first_line(&mut self, text: &str) -> Result<(), ReadErrorKind> {
        let mut kinds = Vec::new();
        for_each_field(text, self.line, |_, token| {
            kinds.push((classify(token), shorten(token)));
            Ok(())
        })?;
        if self.is_header(&kinds) {
            // a bare CR here means the whole file was read as this one line
            if text.contains('\r') {
                return Err(ReadErrorKind::CrLineEndings { line: self.line });
            }
            self.header_fields = Some(kinds.len());
            return Ok(());
        }
        if let Some(expected) = self.header_fields {
            self.check_width(expected, kinds.len())?;
        }

        // column kinds come from this row: numbers are coordinates, text is skipped
        self.columns = kinds
            .into_iter()
            .map(|(kind, token)| match kind {
                Field::Text => Column::Label { token },
                Field::Number | Field::Malformed => Column::Coordinate,
            })
            .collect();
        self.fields = (1..=self.columns.len())
            .filter(|&c| matches!(self.columns.get(c - 1), Some(Column::Coordinate)))
            .collect();
        if self.fields.is_empty() {
            return Err(ReadErrorKind::NoNumericColumn { line: self.line });
        }
        self.first_data_line = self.line;
        self.take_data_row(text)
    }

    /// Whether the first non-blank line, with these fields, is a header.
    fn is_header(&self, kinds: &[(Field, String)]) -> bool {
        if self.header_fields.is_some() {
            return false;
        }
        match self.header {
            Header::Auto => kinds.iter().all(|(k, _)| matches!(k, Field::Text)),
            Header::Present => true,
            Header::Absent => false,
        }
    }

    fn check_width(&self, expected: usize, found: usize) -> Result<(), ReadErrorKind> {
        if expected != found {
            return Err(ReadErrorKind::RaggedRow {
                line: self.line,
                expected,
                found,
            });
        }
        Ok(())
    }

    /// Parses the coordinates of one data row and appends them; checks that no label
    /// column holds a number.
    fn take_data_row(&mut self, text: &str) -> Result<(), ReadErrorKind> {
        let line = self.line;
        let text_line = self.first_data_line;
        let columns = &self.columns;
        let values = &mut self.values;
        let mut n_fields = 0;
        for_each_field(text, line, |column, token| {
            n_fields = column;
            match columns.get(column - 1) {
                Some(Column::Coordinate) => values.push(parse_number(token, line, column)?),
                Some(Column::Label { token: text_token }) if is_number(token) => {
                    return Err(ReadErrorKind::NumberInTextColumn {
                        line,
                        column,
                        token: shorten(token),
                        text_line,
                        text_token: text_token.clone(),
                    });
                }
                _ => {}
            }
            Ok(())
        })?;
        self.check_width(self.columns.len(), n_fields)?;
        self.n_rows += 1;
        Ok(())
    }

    fn finish(self) -> Result<Table, ReadErrorKind> {
        if self.n_rows == 0 {
            return Err(ReadErrorKind::Empty);
        }
        Ok(Table {
            n_rows: self.n_rows,
            n_cols: self.fields.len(),
            values: self.values,
            layout: Layout::Csv {
                first_data_line: self.first_data_line,
            },
            fields: self.fields,
        })
    }
}

/// A finite number, or the error for this field.
fn parse_number(token: &str, line: u64, column: usize) -> Result<f64, ReadErrorKind> {
    match token.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(ReadErrorKind::NonFinite {
            position: Position::Csv { line, column },
            token: shorten(token),
        }),
        Err(_) => Err(ReadErrorKind::NotANumber {
            line,
            column,
            token: shorten(token),
            cr_line_endings: token.contains('\r'),
        }),
    }
}

/// Whether a field in a label column is a number that skipping the column would drop: a
/// field the f64 parser reads that holds a digit (`1e400` is one, a lone `nan` is not).
fn is_number(token: &str) -> bool {
    token.bytes().any(|b| b.is_ascii_digit()) && token.parse::<f64>().is_ok()
}

fn classify(token: &str) -> Field {
    if token.parse::<f64>().is_ok() {
        return Field::Number;
    }
    let starts_like_number = token
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'));
    let missing = MISSING_MARKERS
        .iter()
        .any(|m| token.eq_ignore_ascii_case(m));
    if token.is_empty() || starts_like_number || missing {
        Field::Malformed
    } else {
        Field::Text
    }
}

/// Calls `visit(column, token)` for each field of a line, columns from 1, tokens trimmed
/// of spaces and tabs and of their enclosing quotes.
fn for_each_field<F>(text: &str, line: u64, mut visit: F) -> Result<(), ReadErrorKind>
where
    F: FnMut(usize, &str) -> Result<(), ReadErrorKind>,
{
    let mut rest = Some(text);
    let mut column = 0;
    while let Some(remaining) = rest {
        column += 1;
        let (token, after) =
            split_field(remaining).ok_or(ReadErrorKind::BadQuotes { line, column })?;
        visit(column, token)?;
        rest = after;
    }
    Ok(())
}

fn trim_blanks(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// The first field of `s` and what follows its comma (`None` at the end of the line);
/// `None` for a badly quoted field.
fn split_field(s: &str) -> Option<(&str, Option<&str>)> {
    let start = s.trim_start_matches([' ', '\t']);
    let Some(quoted) = start.strip_prefix('"') else {
        return Some(match s.split_once(',') {
            Some((field, rest)) => (trim_blanks(field), Some(rest)),
            None => (trim_blanks(s), None),
        });
    };

    // a quoted field ends at a quote that is not doubled
    let bytes = quoted.as_bytes();
    let mut i = 0;
    let end = loop {
        let offset = bytes.get(i..)?.iter().position(|&b| b == b'"')?;
        let at = i + offset;
        if bytes.get(at + 1) == Some(&b'"') {
            i = at + 2;
        } else {
            break at;
        }
    };
    let field = quoted.get(..end)?;
    let after = trim_blanks(quoted.get(end + 1..)?);
    match after.strip_prefix(',') {
        Some(rest) => Some((field, Some(rest))),
        None if after.is_empty() => Some((field, None)),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Table, ReadErrorKind> {
        parse_csv(text.as_bytes())
    }

    #[test]
    fn header_is_detected() {
        let with = read("x,y\n1,2\n3,4\n").unwrap();
        assert_eq!(with.n_rows(), 2);
        assert_eq!(with.position(1, 1), Position::Csv { line: 3, column: 2 });
        let without = read("1,2\n3,4").unwrap();
        assert_eq!(without.values(), &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(read("x\n"), Err(ReadErrorKind::Empty));
        assert_eq!(read(""), Err(ReadErrorKind::Empty));
        assert_eq!(read("\n \n"), Err(ReadErrorKind::Empty));
    }

    #[test]
    fn text_columns_are_skipped() {
        let t = read("label,x\ncat,1.5\ndog,2.5\nid7,3\n").unwrap();
        assert_eq!((t.n_rows(), t.n_cols()), (3, 1));
        assert_eq!(t.values(), &[1.5, 2.5, 3.0]);
        assert_eq!(t.position(0, 0), Position::Csv { line: 2, column: 2 });
        assert_eq!(
            read("cat\ndog\n"),
            Err(ReadErrorKind::NoNumericColumn { line: 2 })
        );
    }

    #[test]
    fn malformed_fields_name_line_and_column() {
        assert_eq!(
            read("1x\n2\n"),
            Err(ReadErrorKind::NotANumber {
                line: 1,
                column: 1,
                token: "1x".into(),
                cr_line_endings: false
            })
        );
        assert_eq!(
            read("x,y\n1,2\n3,abc\n"),
            Err(ReadErrorKind::NotANumber {
                line: 3,
                column: 2,
                token: "abc".into(),
                cr_line_endings: false
            })
        );
        assert!(matches!(
            read("1,NA\n"),
            Err(ReadErrorKind::NotANumber { column: 2, .. })
        ));
        assert!(matches!(
            read("1,\n"),
            Err(ReadErrorKind::NotANumber { column: 2, .. })
        ));
    }

    #[test]
    fn non_finite_values_are_rejected() {
        for bad in ["nan", "inf", "-Infinity", "1e400"] {
            let text = format!("0\n{bad}\n");
            assert_eq!(
                read(&text),
                Err(ReadErrorKind::NonFinite {
                    position: Position::Csv { line: 2, column: 1 },
                    token: bad.into()
                })
            );
        }
    }

    #[test]
    fn rows_must_have_equal_width() {
        assert_eq!(
            read("1,2\n3\n"),
            Err(ReadErrorKind::RaggedRow {
                line: 2,
                expected: 2,
                found: 1
            })
        );
        assert_eq!(
            read("1\n3,4,5\n"),
            Err(ReadErrorKind::RaggedRow {
                line: 2,
                expected: 1,
                found: 3
            })
        );
        assert!(matches!(
            read("a,b\n1\n"),
            Err(ReadErrorKind::RaggedRow { line: 2, .. })
        ));
    }

    #[test]
    fn blank_lines() {
        assert_eq!(read("\nx\n\n1\n2\n\n\n").unwrap().n_rows(), 2);
        assert_eq!(read("1\n\n2\n"), Err(ReadErrorKind::BlankLine { line: 2 }));
    }

    #[test]
    fn quotes_crlf_bom_and_spaces() {
        let t = read("\u{feff}\"x\",\"y, z\"\r\n \"1.5\" , 2 \r\n").unwrap();
        assert_eq!(t.values(), &[1.5, 2.0]);
        let t = read("\"a \"\"b\"\", c\",1\nz,2\n").unwrap();
        assert_eq!(t.values(), &[1.0, 2.0]);
        assert_eq!(
            read("\"1\n"),
            Err(ReadErrorKind::BadQuotes { line: 1, column: 1 })
        );
        assert_eq!(
            read("1,\"2\"x\n"),
            Err(ReadErrorKind::BadQuotes { line: 1, column: 2 })
        );
    }

    #[test]
    fn invalid_utf8_names_the_field() {
        assert_eq!(
            parse_csv(&b"1,2\n3,\xff\n"[..]),
            Err(ReadErrorKind::InvalidUtf8 { line: 2, column: 2 })
        );
    }

    #[test]
    fn a_text_column_holding_a_number_is_an_error() {
        for marker in ["#N/A", "?", "missing", "nil", "#DIV/0!", "N.A."] {
            let text = format!("1,{marker}\n2,3\n4,5\n");
            assert_eq!(
                read(&text),
                Err(ReadErrorKind::NumberInTextColumn {
                    line: 2,
                    column: 2,
                    token: "3".into(),
                    text_line: 1,
                    text_token: marker.into(),
                })
            );
        }
        // after a header, the first data row is the one named
        assert!(matches!(
            read("x,y\n1,?\n2,?\n3,1e400\n"),
            Err(ReadErrorKind::NumberInTextColumn {
                line: 4,
                column: 2,
                text_line: 2,
                ..
            })
        ));
        // labels that hold no number, or only words the f64 parser knows, stay skipped
        let t = read("?,1\nnan,2\ninf,3\n,4\nid7,5\n").unwrap();
        assert_eq!(t.values(), &[1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn header_can_be_forced() {
        let pandas = "0\n5.0\n7.0\n";
        assert_eq!(read(pandas).unwrap().values(), &[0.0, 5.0, 7.0]);
        let t = parse_csv_with_header(pandas.as_bytes(), Header::Present).unwrap();
        assert_eq!(t.values(), &[5.0, 7.0]);
        assert_eq!(t.position(0, 0), Position::Csv { line: 2, column: 1 });
        let wide = parse_csv_with_header("\n0,1\n5,7\n".as_bytes(), Header::Present).unwrap();
        assert_eq!((wide.n_rows(), wide.n_cols()), (1, 2));
        assert_eq!(
            parse_csv_with_header("x\n".as_bytes(), Header::Present),
            Err(ReadErrorKind::Empty)
        );
        // without a header, a first line of text fixes no coordinate column
        assert_eq!(
            parse_csv_with_header("x\n1\n".as_bytes(), Header::Absent),
            Err(ReadErrorKind::NoNumericColumn { line: 1 })
        );
        let t = parse_csv_with_header("1,2\n".as_bytes(), Header::Absent).unwrap();
        assert_eq!(t.values(), &[1.0, 2.0]);
    }

    #[test]
    fn cr_only_line_endings_get_a_hint() {
        assert_eq!(
            read("1\r2\r3\r"),
            Err(ReadErrorKind::NotANumber {
                line: 1,
                column: 1,
                token: "1\\r2\\r3".into(),
                cr_line_endings: true
            })
        );
        assert_eq!(
            read("x\r1\r2\r"),
            Err(ReadErrorKind::CrLineEndings { line: 1 })
        );
        let message = read("1\r2\r3").unwrap_err().to_string();
        assert!(message.ends_with("(the file seems to use CR-only line endings)"));
    }

    #[test]
    fn control_bytes_are_escaped_in_messages() {
        let message = read("1\0\n2\n").unwrap_err().to_string();
        assert_eq!(message, "line 1, column 1: '1\\0' is not a number");
    }

    #[test]
    fn long_lines_are_refused() {
        // a line of exactly the limit, then one byte more
        let mut long = format!("1{}\n", " ".repeat(MAX_LINE_BYTES - 1));
        assert_eq!(read(&long).unwrap().values(), &[1.0]);
        long.insert(0, ' ');
        assert_eq!(
            read(&long),
            Err(ReadErrorKind::LineTooLong {
                line: 1,
                max_bytes: MAX_LINE_BYTES,
                cr_line_endings: false
            })
        );
        // an endless line stops after the limit
        let endless = std::io::BufReader::new(std::io::repeat(b'7'));
        assert!(matches!(
            parse_csv(endless),
            Err(ReadErrorKind::LineTooLong { line: 1, .. })
        ));
    }
}
