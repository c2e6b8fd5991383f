//! NPY files built byte by byte, for the reader and command tests.

/// An NPY version 1 file with the given header dict and data bytes, padded as NumPy does.
pub fn npy_bytes(dict: &str, data: &[u8]) -> Vec<u8> {
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
