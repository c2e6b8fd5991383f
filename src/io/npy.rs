//! The NPY reader: the magic bytes and header are read and checked first, then `npyz`
//! parses the header, then exactly the data bytes the header announces are read.

use super::{shorten, shorten_detail, Layout, ReadErrorKind, Table};
use npyz::{DType, NpyFile, NpyHeader, Order, TypeChar};
use std::io::Read;

/// The first six bytes of every NPY file.
const MAGIC: &[u8] = b"\x93NUMPY";

/// Longest header accepted, in bytes (NumPy itself refuses headers over 10 000 bytes by
/// default when loading).
const MAX_HEADER_BYTES: usize = 65_536;

/// Deepest bracket nesting accepted in the header; a real one nests at most 3 deep.
const MAX_HEADER_DEPTH: usize = 8;

/// Largest product of the integers in the header; keeps every size computed from the
/// shape within u64.
const MAX_HEADER_PRODUCT: u128 = 1 << 62;

/// Reads an NPY file into a [`Table`]: a 1-D array gives one coordinate per point, a 2-D
/// array one point per row.
///
/// The magic bytes and the header are checked before anything else is read, and then
/// exactly the number of data bytes the header announces is read (plus one byte, to
/// find a file that is too long), so an endless input such as `/dev/zero` is refused
/// after a few bytes.
///
/// # Errors
/// [`ReadErrorKind::Io`] if reading fails, [`ReadErrorKind::NpyHeader`] for a malformed
/// or hostile header, [`ReadErrorKind::UnsupportedDtype`],
/// [`ReadErrorKind::UnsupportedShape`], [`ReadErrorKind::WrongDataLength`] for a file
/// shorter than announced, [`ReadErrorKind::TrailingData`] for one that is longer,
/// [`ReadErrorKind::Empty`] for an array with no element, [`ReadErrorKind::NonFinite`]
/// for the first NaN or infinite element.
pub fn parse_npy(input: impl Read) -> Result<Table, ReadErrorKind> {
    parse_npy_with_capacity(input, 0)
}

/// [`parse_npy`], with room for up to `capacity` data bytes reserved up front (the size of
/// the file, when known, so that a header cannot make it reserve more than is there).
pub(crate) fn parse_npy_with_capacity(
    mut input: impl Read,
    capacity: u64,
) -> Result<Table, ReadErrorKind> {
    let prefix = read_raw_header(&mut input)?;
    let header =
        NpyHeader::from_reader(&mut prefix.as_slice()).map_err(|e| header_error(e.to_string()))?;

    // shape: (n,) or (n, d), with as many data bytes as it announces
    let (n_rows, n_cols, layout) = match *header.shape() {
        [n] => (n, 1, Layout::Npy1d),
        [n, d] => (n, d, Layout::Npy2d),
        ref other => {
            return Err(ReadErrorKind::UnsupportedShape {
                n_axes: other.len(),
            })
        }
    };
    let item_bytes = element_bytes(&header.dtype())?;
    let expected = u128::from(n_rows) * u128::from(n_cols) * item_bytes as u128;
    let data = read_data(&mut input, expected, capacity)?;
    // the product is data.len(), so it fits in usize
    let (n_rows, n_cols) = (n_rows as usize, n_cols as usize);
    if n_rows == 0 || n_cols == 0 {
        return Err(ReadErrorKind::Empty);
    }

    let order = header.order();
    let flat = decode(header, &data)?;
    drop(data);
    let values = match order {
        Order::Fortran if n_cols > 1 => transpose(&flat, n_cols, n_rows),
        _ => flat,
    };
    let table = Table {
        n_rows,
        n_cols,
        values,
        layout,
        fields: Vec::new(),
    };
    check_finite(&table)?;
    Ok(table)
}

fn header_error(detail: impl AsRef<str>) -> ReadErrorKind {
    ReadErrorKind::NpyHeader {
        detail: shorten_detail(detail.as_ref()),
    }
}

fn io_error(e: std::io::Error) -> ReadErrorKind {
    ReadErrorKind::Io { kind: e.kind() }
}

/// Appends up to `n` more bytes of `input` to `buffer` (fewer only at the end of input).
fn read_up_to(input: &mut impl Read, buffer: &mut Vec<u8>, n: u64) -> Result<(), ReadErrorKind> {
    input.take(n).read_to_end(buffer).map_err(io_error)?;
    Ok(())
}

/// Reads magic, version, header length and header text, and checks them before `npyz`
/// sees the header, so that no input can make it allocate or recurse without bound.
/// Returns every byte read, which is the whole header and nothing more.
fn read_raw_header(input: &mut impl Read) -> Result<Vec<u8>, ReadErrorKind> {
    let truncated = || header_error("the header is truncated");
    let mut prefix = Vec::with_capacity(256);
    read_up_to(input, &mut prefix, 10)?;
    if prefix.get(..MAGIC.len()) != Some(MAGIC) {
        return Err(header_error(
            "the file does not start with the NPY magic bytes",
        ));
    }

    // version 1 has a 2-byte header length, versions 2 and 3 a 4-byte one
    let start = match prefix.get(6) {
        None => return Err(truncated()),
        Some(1) => 10,
        Some(2 | 3) => 12,
        Some(_) => return Err(header_error("unsupported NPY format version")),
    };
    read_up_to(input, &mut prefix, start as u64 - 10)?;
    let length = prefix
        .get(8..start)
        .ok_or_else(truncated)?
        .iter()
        .rev()
        .fold(0usize, |acc, &x| acc << 8 | usize::from(x));
    if length > MAX_HEADER_BYTES {
        return Err(header_error("the header is longer than 64 KiB"));
    }

    read_up_to(input, &mut prefix, length as u64)?;
    let text = prefix.get(start..start + length).ok_or_else(truncated)?;
    check_header_text(text)?;
    Ok(prefix)
}

/// Reads exactly `expected` data bytes and checks that nothing follows them.
fn read_data(
    input: &mut impl Read,
    expected: u128,
    capacity: u64,
) -> Result<Vec<u8>, ReadErrorKind> {
    let limit = u64::try_from(expected).unwrap_or(u64::MAX);
    let reserve = usize::try_from(limit.min(capacity)).unwrap_or(0);
    let mut data = Vec::with_capacity(reserve);
    read_up_to(input, &mut data, limit)?;
    if (data.len() as u128) < expected {
        return Err(ReadErrorKind::WrongDataLength {
            expected,
            found: data.len(),
        });
    }
    let mut extra = Vec::with_capacity(1);
    read_up_to(input, &mut extra, 1)?;
    if !extra.is_empty() {
        return Err(ReadErrorKind::TrailingData { expected });
    }
    Ok(data)
}

fn check_header_text(text: &[u8]) -> Result<(), ReadErrorKind> {
    // bracket depth
    let mut depth = 0usize;
    for &b in text {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_HEADER_DEPTH {
            return Err(header_error("the header nests too deeply"));
        }
    }

    // product of every non-zero integer literal, saturating
    let mut product: u128 = 1;
    for run in text
        .split(|b| !b.is_ascii_digit())
        .filter(|r| !r.is_empty())
    {
        let value = run
            .iter()
            .try_fold(0u128, |acc, &d| {
                acc.checked_mul(10)?.checked_add(u128::from(d - b'0'))
            })
            .unwrap_or(u128::MAX);
        if value != 0 {
            product = product.saturating_mul(value);
        }
    }
    if product > MAX_HEADER_PRODUCT {
        return Err(header_error("the header announces too many elements"));
    }
    Ok(())
}

/// Bytes of one element, for the element types this reader converts to f64.
fn element_bytes(dtype: &DType) -> Result<usize, ReadErrorKind> {
    let unsupported = || ReadErrorKind::UnsupportedDtype {
        descr: shorten(&dtype.descr()),
    };
    let DType::Plain(type_str) = dtype else {
        return Err(unsupported());
    };
    let size = type_str.size_field();
    let supported = match type_str.type_char() {
        TypeChar::Float => matches!(size, 4 | 8),
        TypeChar::Int | TypeChar::Uint => matches!(size, 1 | 2 | 4 | 8),
        _ => false,
    };
    if !supported {
        return Err(unsupported());
    }
    Ok(size as usize)
}

/// Reads every element, in file order, as f64.
fn decode(header: NpyHeader, data: &[u8]) -> Result<Vec<f64>, ReadErrorKind> {
    let dtype = header.dtype();
    let file = NpyFile::with_header(header, data);
    let (type_char, size) = match &dtype {
        DType::Plain(t) => (t.type_char(), t.size_field()),
        _ => (TypeChar::Bool, 0),
    };
    match (type_char, size) {
        (TypeChar::Float, 8) => collect(file, &dtype, |x: f64| x),
        (TypeChar::Float, 4) => collect(file, &dtype, |x: f32| f64::from(x)),
        (TypeChar::Int, 1) => collect(file, &dtype, |x: i8| f64::from(x)),
        (TypeChar::Int, 2) => collect(file, &dtype, |x: i16| f64::from(x)),
        (TypeChar::Int, 4) => collect(file, &dtype, |x: i32| f64::from(x)),
        (TypeChar::Int, 8) => collect(file, &dtype, |x: i64| x as f64),
        (TypeChar::Uint, 1) => collect(file, &dtype, |x: u8| f64::from(x)),
        (TypeChar::Uint, 2) => collect(file, &dtype, |x: u16| f64::from(x)),
        (TypeChar::Uint, 4) => collect(file, &dtype, |x: u32| f64::from(x)),
        (TypeChar::Uint, 8) => collect(file, &dtype, |x: u64| x as f64),
        _ => Err(ReadErrorKind::UnsupportedDtype {
            descr: shorten(&dtype.descr()),
        }),
    }
}

fn collect<T: npyz::Deserialize>(
    file: NpyFile<&[u8]>,
    dtype: &DType,
    convert: impl Fn(T) -> f64,
) -> Result<Vec<f64>, ReadErrorKind> {
    let unsupported = || ReadErrorKind::UnsupportedDtype {
        descr: shorten(&dtype.descr()),
    };
    let reader = file.data::<T>().map_err(|_| unsupported())?;
    let mut values = Vec::with_capacity(reader.size_hint().0);
    for item in reader {
        let item = item.map_err(|e| header_error(e.to_string()))?;
        values.push(convert(item));
    }
    Ok(values)
}

/// Row-major copy of a column-major `n_rows × n_cols` matrix.
fn transpose(column_major: &[f64], n_cols: usize, n_rows: usize) -> Vec<f64> {
    let mut row_major = Vec::with_capacity(column_major.len());
    for i in 0..n_rows {
        row_major.extend((0..n_cols).filter_map(|j| column_major.get(j * n_rows + i)));
    }
    row_major
}

fn check_finite(table: &Table) -> Result<(), ReadErrorKind> {
    match table.values.iter().position(|v| !v.is_finite()) {
        Some(flat) => Err(ReadErrorKind::NonFinite {
            position: table.position(flat / table.n_cols, flat % table.n_cols),
            token: table.values[flat].to_string(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::Position;

    /// An NPY version 1 file with the given header dict and data bytes.
    fn npy(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut header = dict.as_bytes().to_vec();
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(b' ');
        }
        header.push(b'\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend(header);
        bytes.extend_from_slice(data);
        bytes
    }

    fn parse(bytes: &[u8]) -> Result<Table, ReadErrorKind> {
        parse_npy(bytes)
    }

    fn f64_bytes(values: &[f64]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn reads_c_and_fortran_order() {
        let data = f64_bytes(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let c = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
            &data,
        );
        let t = parse(&c).unwrap();
        assert_eq!((t.n_rows(), t.n_cols()), (3, 2));
        assert_eq!(t.values(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let f = npy(
            "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }",
            &data,
        );
        assert_eq!(parse(&f).unwrap().values(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    fn reads_f4_big_endian_and_integers() {
        let data: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let t = parse(&npy(
            "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
            &data,
        ));
        assert_eq!(t.unwrap().values(), &[1.5, -2.0]);
        let t = parse(&npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }",
            &[0, 7, 255],
        ));
        assert_eq!(t.unwrap().values(), &[0.0, 7.0, 255.0]);
    }

    #[test]
    fn rejects_bad_files() {
        let data = f64_bytes(&[1.0, f64::NAN]);
        let nan = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
            &data,
        );
        assert_eq!(
            parse(&nan),
            Err(ReadErrorKind::NonFinite {
                position: Position::Npy1d { index: 1 },
                token: "NaN".into()
            })
        );
        let short = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
            &data,
        );
        assert!(matches!(
            parse(&short),
            Err(ReadErrorKind::WrongDataLength {
                expected: 24,
                found: 16
            })
        ));
        let empty = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }",
            &[],
        );
        assert_eq!(parse(&empty), Err(ReadErrorKind::Empty));
        let cube = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }",
            &data[..8],
        );
        assert_eq!(
            parse(&cube),
            Err(ReadErrorKind::UnsupportedShape { n_axes: 3 })
        );
        let complex = npy(
            "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
            &data,
        );
        assert!(matches!(
            parse(&complex),
            Err(ReadErrorKind::UnsupportedDtype { .. })
        ));
        assert!(matches!(
            parse(b"1,2,3\n"),
            Err(ReadErrorKind::NpyHeader { .. })
        ));
    }

    #[test]
    fn hostile_headers_are_refused_before_parsing() {
        let deep = format!("{{'shape': {}1{}}}", "(".repeat(5000), ")".repeat(5000));
        assert!(matches!(
            parse(&npy(&deep, &[])),
            Err(ReadErrorKind::NpyHeader { .. })
        ));
        let huge =
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 0), }";
        assert!(matches!(
            parse(&npy(huge, &[])),
            Err(ReadErrorKind::NpyHeader { .. })
        ));
    }

    #[test]
    fn reads_no_more_than_the_header_announces() {
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
        let file = npy(dict, &f64_bytes(&[1.0, 2.0]));
        assert_eq!(parse(&file).unwrap().values(), &[1.0, 2.0]);
        let mut long = file.clone();
        long.push(0);
        assert_eq!(
            parse(&long),
            Err(ReadErrorKind::TrailingData { expected: 16 })
        );

        // endless inputs: zeros fail the magic check, data after a header never ends
        assert!(matches!(
            parse_npy(std::io::repeat(0)),
            Err(ReadErrorKind::NpyHeader { .. })
        ));
        let endless = file.as_slice().chain(std::io::repeat(7));
        assert_eq!(
            parse_npy(endless),
            Err(ReadErrorKind::TrailingData { expected: 16 })
        );
        // a header that announces 2^40 elements reserves no more than the file's size
        let huge = "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }";
        let short = npy(huge, &[0; 8]);
        assert!(matches!(
            parse_npy_with_capacity(short.as_slice(), short.len() as u64),
            Err(ReadErrorKind::WrongDataLength { found: 8, .. })
        ));
    }

    #[test]
    fn truncated_headers_are_refused() {
        let file = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }",
            &[],
        );
        for cut in [3, 6, 7, 9, 11, file.len() - 1] {
            assert!(
                matches!(parse(&file[..cut]), Err(ReadErrorKind::NpyHeader { .. })),
                "cut at {cut}"
            );
        }
    }
}
