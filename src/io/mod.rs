//! Readers for point sets, weights and histograms stored as CSV or NumPy `.npy` files.
//!
//! Every reader returns a [`Table`]: `n_rows` points of `n_cols` coordinates, row-major,
//! every value finite. Nothing here panics on malformed input: each failure is a
//! [`ReadError`] that names the file and, where there is one, the place in it (line and
//! column of a CSV file, element index of an array).
//!
//! # CSV
//! One point per row, fields separated by commas, lines ended by `\n` or `\r\n`. Blank
//! lines before the data and at the end are skipped; a blank line between data rows is an
//! error, so that row k of the table always sits on line `first_data_line + k`. A line
//! may hold at most [`MAX_LINE_BYTES`] bytes (16 MiB), so that a file with no line
//! breaks, or a device such as `/dev/zero`, is refused instead of filling memory.
//!
//! - **Header** ([`Header`]): under [`Header::Auto`], the first non-blank line is a
//!   header when none of its fields is a number or starts like one (a digit, `+`, `-` or
//!   `.`). A header made only of numbers, such as the `0` or `0,1` that pandas writes
//!   for unnamed columns, is therefore read as data; [`Header::Present`] and
//!   [`Header::Absent`] say which it is.
//! - **Columns**: a column whose field in the first data row is text (such as `cat`,
//!   `id7` or `#N/A`) is a label column and is skipped, but only if it holds no number
//!   in any row: a number further down such a column is an error that names the line
//!   and column of the number and the field that made the column text. Every other
//!   column is a coordinate and must hold a finite number in every row. Empty fields and
//!   missing-value markers (`NA`, `N/A`, `null`, `None`) in the first data row are
//!   errors, never text. For this rule a field is a number when Rust's `f64` parser
//!   reads it and it holds a digit (so `1e400` counts, a lone `nan` or `inf` does not).
//! - **Quotes**: a field may be wrapped in double quotes (`"1.5"`); a quoted field may
//!   hold commas and doubled quotes. A field cannot span lines.
//! - Numbers are read with Rust's `f64` parser (decimal or scientific notation; `nan`
//!   and `inf` are read and then rejected as not finite).
//! - Fields quoted back in messages have control characters escaped (`\0`, `\r`,
//!   `\x07`) and are cut to 40 characters, marked with `…`.
//!
//! # NPY
//! Version 1, 2 or 3 files holding a 1-D array (n points on the line) or a 2-D array
//! (n points in R^d), in C or Fortran order, of `f8`, `f4` or integer type (any byte
//! order). Values are converted to f64. The magic bytes and header are read and checked
//! first (length, nesting depth, size) before the `npyz` crate parses the header; then
//! exactly the number of data bytes the header announces is read, and a file that is
//! shorter or longer is an error. Nothing is read past the first byte beyond that size.
//!
//! # Errors
//! See [`ReadErrorKind`]: one variant per way a file can be wrong.

mod csv;
mod npy;

pub use self::csv::{parse_csv, parse_csv_with_header, MAX_LINE_BYTES};
pub use self::npy::parse_npy;

use std::fmt;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Longest token quoted back in an error message, in characters.
const MAX_TOKEN_CHARS: usize = 40;

/// Longest explanation from the `npyz` parser repeated in an error message, in characters.
const MAX_DETAIL_CHARS: usize = 200;

/// Whether the first non-blank line of a CSV file is a header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Header {
    /// A header when none of its fields is a number or starts like one; a header made
    /// only of numbers (pandas' `0` or `0,1`) is read as data.
    #[default]
    Auto,
    /// Always a header, whatever it holds.
    Present,
    /// Never a header: the first non-blank line is data.
    Absent,
}

/// A file that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}: {kind}", path.display())]
pub struct ReadError {
    /// The file as the caller named it.
    pub path: PathBuf,
    /// What is wrong with it.
    pub kind: ReadErrorKind,
}

/// Where in a file a value sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Position {
    /// A field of a CSV file; both numbers count from 1, columns count fields.
    Csv {
        /// Line number, from 1.
        line: u64,
        /// Field number in the line, from 1.
        column: usize,
    },
    /// An element of a 1-D array, indexed from 0 as NumPy does.
    Npy1d {
        /// Index of the element.
        index: usize,
    },
    /// An element of a 2-D array, indexed from 0 as NumPy does.
    Npy2d {
        /// Row index.
        row: usize,
        /// Column index.
        column: usize,
    },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Csv { line, column } => write!(f, "line {line}, column {column}"),
            Position::Npy1d { index } => write!(f, "element [{index}]"),
            Position::Npy2d { row, column } => write!(f, "element [{row}, {column}]"),
        }
    }
}

/// The ways a data file can be unreadable.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The file could not be opened or read.
    #[error("cannot read the file: {}", describe_io(*kind))]
    Io {
        /// The operating system's reason.
        kind: std::io::ErrorKind,
    },

    /// The file name ends neither in `.csv` nor in `.npy`.
    #[error("unknown file type: the name must end in .csv or .npy")]
    UnknownExtension,

    /// The file holds no data row (no values at all, or only a header).
    #[error("the file holds no data")]
    Empty,

    /// A CSV line is not valid UTF-8.
    #[error("line {line}, column {column}: not valid UTF-8 text")]
    InvalidUtf8 {
        /// Line number, from 1.
        line: u64,
        /// Field holding the first bad byte, from 1.
        column: usize,
    },

    /// A quoted CSV field has no closing quote, or text follows its closing quote.
    #[error("line {line}, column {column}: badly quoted field")]
    BadQuotes {
        /// Line number, from 1.
        line: u64,
        /// Field number, from 1.
        column: usize,
    },

    /// A CSV field in a coordinate column is not a number.
    #[error(
        "line {line}, column {column}: '{token}' is not a number{}",
        cr_hint(*cr_line_endings)
    )]
    NotANumber {
        /// Line number, from 1.
        line: u64,
        /// Field number, from 1.
        column: usize,
        /// The offending field, escaped and shortened to 40 characters.
        token: String,
        /// The field holds a carriage return not followed by a newline, the mark of a
        /// file with CR-only line endings read as one line.
        cr_line_endings: bool,
    },

    /// A CSV column taken as text (a label column) from its field in the first data row
    /// holds a number further down, so skipping it would drop data.
    #[error(
        "line {line}, column {column}: '{token}' is a number, but the column was taken as \
         text from line {text_line} because of '{text_token}'; a column is skipped as \
         labels only if it holds no number"
    )]
    NumberInTextColumn {
        /// Line of the number, from 1.
        line: u64,
        /// Field number, from 1.
        column: usize,
        /// The number, escaped and shortened to 40 characters.
        token: String,
        /// Line of the first data row, which made the column text.
        text_line: u64,
        /// The field of the first data row, escaped and shortened to 40 characters.
        text_token: String,
    },

    /// A CSV line is longer than [`MAX_LINE_BYTES`].
    #[error(
        "line {line} is longer than {max_bytes} bytes{}",
        cr_hint(*cr_line_endings)
    )]
    LineTooLong {
        /// Line number, from 1.
        line: u64,
        /// The limit, [`MAX_LINE_BYTES`].
        max_bytes: usize,
        /// The part read holds a carriage return not followed by a newline.
        cr_line_endings: bool,
    },

    /// The CSV header line holds a carriage return not followed by a newline: a file
    /// with CR-only line endings, whose header and data were read as one line.
    #[error(
        "line {line}: the header holds a carriage return; the file seems to use CR-only \
         line endings"
    )]
    CrLineEndings {
        /// Line number, from 1.
        line: u64,
    },

    /// A value is NaN or infinite (or overflows f64, such as `1e400`).
    #[error("{position}: value {token} is not finite")]
    NonFinite {
        /// Where the value is.
        position: Position,
        /// The value as written in a CSV file, or as read from an array.
        token: String,
    },

    /// A CSV data row has a different number of fields from the first one (or the header).
    #[error("line {line}: expected {expected} fields, found {found}")]
    RaggedRow {
        /// Line number, from 1.
        line: u64,
        /// Number of fields of the header or first data row.
        expected: usize,
        /// Number of fields on this line.
        found: usize,
    },

    /// A blank line sits between two data rows of a CSV file.
    #[error("line {line}: blank line between data rows")]
    BlankLine {
        /// Line number of the first blank line, from 1.
        line: u64,
    },

    /// The first data row of a CSV file has no numeric field.
    #[error("line {line}: no numeric field (only the first line may be a header)")]
    NoNumericColumn {
        /// Line number, from 1.
        line: u64,
    },

    /// The NPY header is malformed or not supported, as found by the checks before
    /// parsing or by the `npyz` parser.
    #[error("not a readable NPY file: {detail}")]
    NpyHeader {
        /// The explanation, from this module or from `npyz`.
        detail: String,
    },

    /// The NPY array has an element type other than float or integer.
    #[error("unsupported NPY element type {descr} (expected float or integer)")]
    UnsupportedDtype {
        /// The type descriptor as written in the header, e.g. `'<c16'`.
        descr: String,
    },

    /// The NPY array has neither one nor two axes.
    #[error("unsupported NPY array with {n_axes} axes (expected 1 or 2)")]
    UnsupportedShape {
        /// Number of axes in the header's shape.
        n_axes: usize,
    },

    /// The NPY data section is shorter than the header says.
    #[error("NPY data is {found} bytes, the header announces {expected}")]
    WrongDataLength {
        /// Bytes implied by the header's shape and type.
        expected: u128,
        /// Bytes present after the header.
        found: usize,
    },

    /// The NPY file goes on after the data the header announces.
    #[error("NPY data is longer than the {expected} bytes the header announces")]
    TrailingData {
        /// Bytes implied by the header's shape and type.
        expected: u128,
    },

    /// A file that must hold one vector (weights, masses, bin centers) holds a matrix.
    #[error("expected one row or one column of values, found {n_rows} rows of {n_cols}")]
    NotAVector {
        /// Rows found.
        n_rows: usize,
        /// Columns found.
        n_cols: usize,
    },

    /// A weight or mass is negative.
    #[error("{position}: weight {value} is negative")]
    NegativeWeight {
        /// Where the weight is.
        position: Position,
        /// The weight.
        value: f64,
    },

    /// Every weight or mass is zero, so there is nothing to normalize.
    #[error("all weights are zero")]
    ZeroMass,

    /// The weights are finite but their sum overflows f64.
    #[error("the sum of the weights overflows")]
    MassOverflow,
}

fn describe_io(kind: std::io::ErrorKind) -> String {
    match kind {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        other => other.to_string(),
    }
}

/// The hint added to a message about a field or line that holds a bare carriage return.
fn cr_hint(cr_line_endings: bool) -> &'static str {
    if cr_line_endings {
        " (the file seems to use CR-only line endings)"
    } else {
        ""
    }
}

/// A token for an error message: escaped, and cut to [`MAX_TOKEN_CHARS`] characters.
pub(crate) fn shorten(token: &str) -> String {
    escape(token, MAX_TOKEN_CHARS)
}

/// An explanation from `npyz` for an error message: escaped, and cut to
/// [`MAX_DETAIL_CHARS`] characters.
pub(crate) fn shorten_detail(detail: &str) -> String {
    escape(detail, MAX_DETAIL_CHARS)
}

/// The first `max_chars` characters of `text` with control and invisible layout characters
/// written as escapes (`\0`, `\t`, `\n`, `\r`, `\x07`, `\u{202e}`), and `…` if it was cut.
fn escape(text: &str, max_chars: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len().min(4 * max_chars));
    for (count, c) in text.chars().enumerate() {
        if count == max_chars {
            out.push('…');
            break;
        }
        let _ = match c {
            '\0' => out.write_str("\\0"),
            '\t' => out.write_str("\\t"),
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            c if c.is_control() => write!(out, "\\x{:02x}", u32::from(c)),
            c if is_invisible_layout(c) => write!(out, "\\u{{{:x}}}", u32::from(c)),
            c => out.write_char(c),
        };
    }
    out
}

/// Unicode characters that print as nothing or reorder the text around them: zero-width
/// spaces and joiners, direction marks and overrides, line and paragraph separators, BOM.
fn is_invisible_layout(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// How the rows of a [`Table`] map back to places in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// From a CSV file: row k is on line `first_data_line + k`, and coordinate j is the
    /// j-th field that is not skipped as text (see [`Table::position`]).
    Csv {
        /// Line of the first data row, from 1.
        first_data_line: u64,
    },
    /// From a 1-D NPY array: one coordinate per point.
    Npy1d,
    /// From a 2-D NPY array.
    Npy2d,
}

/// Points read from a file: `n_rows` rows of `n_cols` finite coordinates, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    n_rows: usize,
    n_cols: usize,
    values: Vec<f64>,
    layout: Layout,
    /// Field number (from 1) of each coordinate, for CSV files with skipped text columns.
    fields: Vec<usize>,
}

impl Table {
    /// Number of rows (points).
    #[must_use]
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns (coordinates of a point).
    #[must_use]
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// The values, row-major.
    #[must_use]
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The values, row-major, without copying.
    #[must_use]
    pub fn into_values(self) -> Vec<f64> {
        self.values
    }

    /// Where value (`row`, `col`) sits in the file it was read from.
    #[must_use]
    pub fn position(&self, row: usize, col: usize) -> Position {
        match self.layout {
            Layout::Csv { first_data_line } => Position::Csv {
                line: first_data_line + row as u64,
                column: self.fields.get(col).copied().unwrap_or(col + 1),
            },
            Layout::Npy1d => Position::Npy1d { index: row },
            Layout::Npy2d => Position::Npy2d { row, column: col },
        }
    }

    /// Whether the table is one row or one column, i.e. a vector.
    #[must_use]
    pub fn is_vector(&self) -> bool {
        self.n_cols == 1 || self.n_rows == 1
    }

    /// Position of element `index` of the table read as a vector (one row or one column).
    fn vector_position(&self, index: usize) -> Position {
        if self.n_cols == 1 {
            self.position(index, 0)
        } else {
            self.position(0, index)
        }
    }

    /// The values of a one-row or one-column table.
    ///
    /// # Errors
    /// [`ReadErrorKind::NotAVector`] for a table with several rows and several columns.
    pub fn into_vector(self) -> Result<Vec<f64>, ReadErrorKind> {
        if !self.is_vector() {
            return Err(ReadErrorKind::NotAVector {
                n_rows: self.n_rows,
                n_cols: self.n_cols,
            });
        }
        Ok(self.values)
    }

    /// Checks the table as a vector of weights: non-negative with a positive finite sum.
    ///
    /// # Errors
    /// [`ReadErrorKind::NotAVector`], [`ReadErrorKind::NegativeWeight`] (the first one),
    /// [`ReadErrorKind::ZeroMass`], [`ReadErrorKind::MassOverflow`].
    pub fn check_weights(&self) -> Result<(), ReadErrorKind> {
        if !self.is_vector() {
            return Err(ReadErrorKind::NotAVector {
                n_rows: self.n_rows,
                n_cols: self.n_cols,
            });
        }
        if let Some(index) = self.values.iter().position(|&w| w < 0.0) {
            return Err(ReadErrorKind::NegativeWeight {
                position: self.vector_position(index),
                value: self.values[index],
            });
        }

        let total: f64 = self.values.iter().sum();
        if total == 0.0 {
            return Err(ReadErrorKind::ZeroMass);
        }
        if !total.is_finite() {
            return Err(ReadErrorKind::MassOverflow);
        }
        Ok(())
    }
}

/// The two file formats, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Comma-separated values, `.csv`.
    Csv,
    /// NumPy array file, `.npy`.
    Npy,
}

impl Format {
    /// The format named by a path's extension (case-insensitive), if any.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv),
            "npy" => Some(Format::Npy),
            _ => None,
        }
    }
}

/// Reads a CSV or NPY file, chosen by its extension, into a [`Table`]; a CSV header is
/// detected as [`Header::Auto`] says.
///
/// # Errors
/// A [`ReadError`] naming `path`, with any [`ReadErrorKind`] of the format.
///
/// # Examples
/// ```no_run
/// let table = gan_divergences::io::read_table("sample.csv".as_ref())?;
/// println!("{} points in R^{}", table.n_rows(), table.n_cols());
/// # Ok::<(), gan_divergences::io::ReadError>(())
/// ```
pub fn read_table(path: &Path) -> Result<Table, ReadError> {
    read_table_with_header(path, Header::Auto)
}

/// Reads a CSV or NPY file into a [`Table`] as [`read_table`] does, with the CSV header
/// (if the file is a CSV file) present, absent or detected as `header` says.
///
/// # Errors
/// As [`read_table`].
pub fn read_table_with_header(path: &Path, header: Header) -> Result<Table, ReadError> {
    read_table_kind(path, header).map_err(|kind| ReadError {
        path: path.to_path_buf(),
        kind,
    })
}

fn read_table_kind(path: &Path, header: Header) -> Result<Table, ReadErrorKind> {
    let io_error = |e: std::io::Error| ReadErrorKind::Io { kind: e.kind() };
    let format = Format::from_path(path).ok_or(ReadErrorKind::UnknownExtension)?;
    let file = std::fs::File::open(path).map_err(io_error)?;
    // the length of a regular file; 0 for a device or pipe, whose metadata says nothing
    let size = file.metadata().map_or(0, |m| m.len());
    let input = std::io::BufReader::with_capacity(1 << 20, file);
    match format {
        Format::Csv => parse_csv_with_header(input, header),
        Format::Npy => self::npy::parse_npy_with_capacity(input, size),
    }
}

/// Reads a file of non-negative weights (or histogram masses): one row or one column.
///
/// The weights are returned as written, not normalized.
///
/// # Errors
/// The errors of [`read_table`], and those of [`Table::check_weights`].
pub fn read_weights(path: &Path) -> Result<Vec<f64>, ReadError> {
    read_weights_with_header(path, Header::Auto)
}

/// Reads a file of weights as [`read_weights`] does, with the CSV header as `header` says.
///
/// # Errors
/// As [`read_weights`].
pub fn read_weights_with_header(path: &Path, header: Header) -> Result<Vec<f64>, ReadError> {
    let name = |kind| ReadError {
        path: path.to_path_buf(),
        kind,
    };
    let table = read_table_with_header(path, header)?;
    table.check_weights().map_err(name)?;
    table.into_vector().map_err(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_display() {
        let csv = Position::Csv { line: 3, column: 2 };
        assert_eq!(csv.to_string(), "line 3, column 2");
        assert_eq!(Position::Npy1d { index: 4 }.to_string(), "element [4]");
        let two = Position::Npy2d { row: 1, column: 0 };
        assert_eq!(two.to_string(), "element [1, 0]");
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::from_path("a.CSV".as_ref()), Some(Format::Csv));
        assert_eq!(Format::from_path("dir/a.npy".as_ref()), Some(Format::Npy));
        assert_eq!(Format::from_path("a.txt".as_ref()), None);
        assert_eq!(Format::from_path("npy".as_ref()), None);
    }

    #[test]
    fn weights_are_checked_with_positions() {
        let table = parse_csv(&b"w\n1\n-2\n"[..]).unwrap();
        assert_eq!(
            table.check_weights(),
            Err(ReadErrorKind::NegativeWeight {
                position: Position::Csv { line: 3, column: 1 },
                value: -2.0
            })
        );
        let zero = parse_csv(&b"0,0,0\n"[..]).unwrap();
        assert_eq!(zero.check_weights(), Err(ReadErrorKind::ZeroMass));
        let huge = parse_csv(&b"1e308\n1e308\n"[..]).unwrap();
        assert_eq!(huge.check_weights(), Err(ReadErrorKind::MassOverflow));
        let matrix = parse_csv(&b"1,2\n3,4\n"[..]).unwrap();
        assert!(matches!(
            matrix.into_vector(),
            Err(ReadErrorKind::NotAVector {
                n_rows: 2,
                n_cols: 2
            })
        ));
    }

    #[test]
    fn long_tokens_are_shortened() {
        let long = "x".repeat(100);
        assert_eq!(shorten(&long), format!("{}…", "x".repeat(MAX_TOKEN_CHARS)));
        assert_eq!(shorten(&"x".repeat(MAX_TOKEN_CHARS)), "x".repeat(40));
        assert_eq!(shorten("abc"), "abc");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(shorten("1\0"), "1\\0");
        assert_eq!(
            shorten("a\tb\r\nc\x07\x7f\u{85}"),
            "a\\tb\\r\\nc\\x07\\x7f\\x85"
        );
        assert_eq!(shorten("x\u{202e}y\u{feff}"), "x\\u{202e}y\\u{feff}");
        assert_eq!(shorten("é✓"), "é✓");
        // the limit counts characters of the input, whatever their escapes take
        let bells = "\x07".repeat(50);
        assert_eq!(shorten(&bells), format!("{}…", "\\x07".repeat(40)));
    }
}
