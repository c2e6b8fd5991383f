//! The NPY reader: a few checks on the raw header, then `npyz` for the header and data.

use super::{Layout, ReadErrorKind, Table};
use npyz::{DType, NpyFile, NpyHeader, Order, TypeChar};

/// Longest header accepted, in bytes (NumPy itself refuses headers over 10 000 bytes by
/// default when loading).
const MAX_HEADER_BYTES: usize = 65_536;

/// Deepest bracket nesting accepted in the header; a real one nests at most 3 deep.
const MAX_HEADER_DEPTH: usize = 8;

/// Largest product of the integers in the header; keeps every size computed from the
/// shape within u64.
const MAX_HEADER_PRODUCT: u128 = 1 << 62;

/// Reads the bytes of an NPY file into a [`Table`]: a 1-D array gives one coordinate per
/// point, a 2-D array one point per row.
///
/// # Errors
/// [`ReadErrorKind::NpyHeader`] for a malformed or hostile header,
/// [`ReadErrorKind::UnsupportedDtype`], [`ReadErrorKind::UnsupportedShape`],
/// [`ReadErrorKind::WrongDataLength`], [`ReadErrorKind::Empty`] for an array with no
/// element, [`ReadErrorKind::NonFinite`] for the first NaN or infinite element.
pub fn parse_npy(bytes: &[u8]) -> Result<Table, ReadErrorKind> {
    check_raw_header(bytes)?;
    let mut data = bytes;
    let header = NpyHeader::from_reader(&mut data).map_err(|e| header_error(e.to_string()))?;

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
    if expected != data.len() as u128 {
        return Err(ReadErrorKind::WrongDataLength {
            expected,
            found: data.len(),
        });
    }
    // the product is at most data.len(), so it fits in usize
    let (n_rows, n_cols) = (n_rows as usize, n_cols as usize);
    if n_rows == 0 || n_cols == 0 {
        return Err(ReadErrorKind::Empty);
    }

    let order = header.order();
    let flat = decode(header, data)?;
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

fn header_error(detail: impl Into<String>) -> ReadErrorKind {
    ReadErrorKind::NpyHeader {
        detail: detail.into(),
    }
}

/// Checks magic, version, header length, nesting depth and size before `npyz` sees the
/// header, so that no header can make it allocate or recurse without bound.
fn check_raw_header(bytes: &[u8]) -> Result<(), ReadErrorKind> {
    if bytes.get(..6) != Some(b"\x93NUMPY".as_slice()) {
        return Err(header_error(
            "the file does not start with the NPY magic bytes",
        ));
    }
    let (length, start) = match bytes.get(6) {
        Some(1) => (
            bytes
                .get(8..10)
                .map(|b| usize::from(b[0]) | usize::from(b[1]) << 8),
            10,
        ),
        Some(2 | 3) => (
            bytes.get(8..12).map(|b| {
                b.iter()
                    .rev()
                    .fold(0usize, |acc, &x| acc << 8 | usize::from(x))
            }),
            12,
        ),
        _ => return Err(header_error("unsupported NPY format version")),
    };
    let length = length.ok_or_else(|| header_error("the header is truncated"))?;
    if length > MAX_HEADER_BYTES {
        return Err(header_error("the header is longer than 64 KiB"));
    }
    let text = bytes
        .get(start..start + length)
        .ok_or_else(|| header_error("the header is truncated"))?;
    check_header_text(text)
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
        descr: dtype.descr(),
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
            descr: dtype.descr(),
        }),
    }
}

fn collect<T: npyz::Deserialize>(
    file: NpyFile<&[u8]>,
    dtype: &DType,
    convert: impl Fn(T) -> f64,
) -> Result<Vec<f64>, ReadErrorKind> {
    let unsupported = || ReadErrorKind::UnsupportedDtype {
        descr: dtype.descr(),
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
        let t = parse_npy(&c).unwrap();
        assert_eq!((t.n_rows(), t.n_cols()), (3, 2));
        assert_eq!(t.values(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let f = npy(
            "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }",
            &data,
        );
        assert_eq!(
            parse_npy(&f).unwrap().values(),
            &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
        );
    }

    #[test]
    fn reads_f4_big_endian_and_integers() {
        let data: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let t = parse_npy(&npy(
            "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
            &data,
        ));
        assert_eq!(t.unwrap().values(), &[1.5, -2.0]);
        let t = parse_npy(&npy(
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
            parse_npy(&nan),
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
            parse_npy(&short),
            Err(ReadErrorKind::WrongDataLength {
                expected: 24,
                found: 16
            })
        ));
        let empty = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }",
            &[],
        );
        assert_eq!(parse_npy(&empty), Err(ReadErrorKind::Empty));
        let cube = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }",
            &data[..8],
        );
        assert_eq!(
            parse_npy(&cube),
            Err(ReadErrorKind::UnsupportedShape { n_axes: 3 })
        );
        let complex = npy(
            "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
            &data,
        );
        assert!(matches!(
            parse_npy(&complex),
            Err(ReadErrorKind::UnsupportedDtype { .. })
        ));
        assert!(matches!(
            parse_npy(b"1,2,3\n"),
            Err(ReadErrorKind::NpyHeader { .. })
        ));
    }

    #[test]
    fn hostile_headers_are_refused_before_parsing() {
        let deep = format!("{{'shape': {}1{}}}", "(".repeat(5000), ")".repeat(5000));
        assert!(matches!(
            parse_npy(&npy(&deep, &[])),
            Err(ReadErrorKind::NpyHeader { .. })
        ));
        let huge =
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 0), }";
        assert!(matches!(
            parse_npy(&npy(huge, &[])),
            Err(ReadErrorKind::NpyHeader { .. })
        ));
    }
}
