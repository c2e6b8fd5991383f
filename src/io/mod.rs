//! Readers for point sets, weights and histograms stored as CSV or NumPy `.npy` files.
//!
//! Every reader returns a [`Table`]: `n_rows` points of `n_cols` coordinates, row-major,
//! every value finite. Nothing here panics on malformed input: each failure is a
//! [`ReadError`] that names the file and, where there is one, the place in it (line and
//! column of a CSV file, element index of an array).
//!
//! # CSV
//! One point per row, fields separated by commas. Blank lines before the data and at the
//! end are skipped; a blank line between data rows is an error, so that row k of the
//! table always sits on line `first_data_line + k`.
//!
//! - **Header**: the first non-blank line is a header when none of its fields is a
//!   number or starts like one (a digit, `+`, `-` or `.`).
//! - **Columns**: a column whose field in the first data row is text (such as `cat` or
//!   `id7`) is skipped in every row; every other column is a coordinate and must hold a
//!   finite number in every row. Empty fields and missing-value markers (`NA`, `N/A`,
//!   `null`, `None`) are errors, never text.
//! - **Quotes**: a field may be wrapped in double quotes (`"1.5"`); a quoted field may
//!   hold commas and doubled quotes. A field cannot span lines.
//! - Numbers are read with Rust's `f64` parser (decimal or scientific notation; `nan`
//!   and `inf` are read and then rejected as not finite).
//!
//! # NPY
//! Version 1, 2 or 3 files holding a 1-D array (n points on the line) or a 2-D array
//! (n points in R^d), in C or Fortran order, of `f8`, `f4` or integer type (any byte
//! order). Values are converted to f64. The header is parsed by the `npyz` crate after a
//! few checks that keep hostile headers away from it (length, nesting depth, size).
//!
//! # Errors
//! See [`ReadErrorKind`]: one variant per way a file can be wrong.

mod csv;
mod npy;

pub use self::csv::parse_csv;
pub use self::npy::parse_npy;

use std::fmt;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Longest token quoted back in an error message, in characters.
const MAX_TOKEN_CHARS: usize = 40;

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
    #[error("line {line}, column {column}: '{token}' is not a number")]
    NotANumber {
        /// Line number, from 1.
        line: u64,
        /// Field number, from 1.
        column: usize,
        /// The offending field, shortened to 40 characters.
        token: String,
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

    /// The NPY data section is shorter or longer than the header says.
    #[error("NPY data is {found} bytes, the header announces {expected}")]
    WrongDataLength {
        /// Bytes implied by the header's shape and type.
        expected: u128,
        /// Bytes present after the header.
        found: usize,
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

/// Shortens a token for an error message to [`MAX_TOKEN_CHARS`] characters.
pub(crate) fn shorten(token: &str) -> String {
    match token.char_indices().nth(MAX_TOKEN_CHARS) {
        Some((cut, _)) => format!("{}...", &token[..cut]),
        None => token.to_owned(),
    }
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

/// Reads a CSV or NPY file, chosen by its extension, into a [`Table`].
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
    read_table_kind(path).map_err(|kind| ReadError {
        path: path.to_path_buf(),
        kind,
    })
}

fn read_table_kind(path: &Path) -> Result<Table, ReadErrorKind> {
    let io_error = |e: std::io::Error| ReadErrorKind::Io { kind: e.kind() };
    match Format::from_path(path) {
        Some(Format::Csv) => {
            let file = std::fs::File::open(path).map_err(io_error)?;
            parse_csv(std::io::BufReader::with_capacity(1 << 20, file))
        }
        Some(Format::Npy) => {
            let bytes = std::fs::read(path).map_err(io_error)?;
            parse_npy(&bytes)
        }
        None => Err(ReadErrorKind::UnknownExtension),
    }
}

/// Reads a file of non-negative weights (or histogram masses): one row or one column.
///
/// The weights are returned as written, not normalized.
///
/// # Errors
/// The errors of [`read_table`], and those of [`Table::check_weights`].
pub fn read_weights(path: &Path) -> Result<Vec<f64>, ReadError> {
    let name = |kind| ReadError {
        path: path.to_path_buf(),
        kind,
    };
    let table = read_table(path)?;
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
        assert_eq!(shorten(&long).chars().count(), MAX_TOKEN_CHARS + 3);
        assert_eq!(shorten("abc"), "abc");
    }
}
