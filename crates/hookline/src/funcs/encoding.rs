//! Encodings and hashes: `b64enc/b64dec/b32enc/b32dec` (Go's encoding/base64 and base32
//! StdEncoding, including their exact "illegal ... data at input byte N" errors, which Sprig
//! returns as the function's output), `sha1sum/sha256sum/sha512sum` (hex), `adler32sum`.

use gotemplate::{FuncError, Value};
use sha1::Digest;

use super::conv::str_arg;

type R = Result<Value, FuncError>;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_val(c: u8) -> Option<u8> {
    B64.iter().position(|&x| x == c).map(|p| p as u8)
}

/// Go's `base64.StdEncoding.DecodeString`.
pub fn b64_decode(src: &str) -> Result<Vec<u8>, String> {
    let src = src.as_bytes();
    let err = |i: usize| format!("illegal base64 data at input byte {i}");
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0usize;
    while si < src.len() {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0usize;
        let mut trailing: Option<usize> = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(err(si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_val(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(err(si - 1));
            }
            match j {
                0 | 1 => return Err(err(si - 1)),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(err(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(err(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing = Some(si);
            }
            dlen = j;
            break;
        }
        let val = (dbuf[0] as u32) << 18
            | (dbuf[1] as u32) << 12
            | (dbuf[2] as u32) << 6
            | dbuf[3] as u32;
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(t) = trailing {
            return Err(err(t));
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

pub fn b32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for c in data.chunks(5) {
        let mut b = [0u8; 5];
        b[..c.len()].copy_from_slice(c);
        let n = b.iter().fold(0u64, |acc, &x| acc << 8 | x as u64);
        let chars = match c.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((n >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base32.StdEncoding.DecodeString` (newlines are removed first).
pub fn b32_decode(s: &str) -> Result<Vec<u8>, String> {
    let src: Vec<u8> = s.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    let err = |i: usize| format!("illegal base32 data at input byte {i}");
    let olen = src.len();
    let mut rest: &[u8] = &src;
    let mut out = Vec::new();
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0usize;
        while j < 8 {
            if rest.is_empty() {
                return Err(err(olen - rest.len() - j));
            }
            let c = rest[0];
            rest = &rest[1..];
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(err(olen));
                }
                for k in 0..(7 - j) {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(err(olen - rest.len() + k - 1));
                    }
                }
                dlen = j;
                end = true;
                if dlen == 1 || dlen == 3 || dlen == 6 {
                    return Err(err(olen - rest.len() - 1));
                }
                break;
            }
            match B32.iter().position(|&x| x == c) {
                Some(v) => dbuf[j] = v as u8,
                None => return Err(err(olen - rest.len() - 1)),
            }
            j += 1;
        }
        let n = dbuf.iter().fold(0u64, |acc, &x| acc << 5 | x as u64);
        let bytes = n.to_be_bytes();
        let take = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[3..3 + take]);
    }
    Ok(out)
}

fn lossy(b: Vec<u8>) -> Value {
    Value::from(String::from_utf8_lossy(&b).into_owned())
}

pub fn b64enc(a: &[Value]) -> R {
    Ok(Value::from(b64_encode(str_arg(a, 0).as_bytes())))
}

/// Sprig returns the decoding error's text as the result. Decoded bytes that are not UTF-8 are
/// replaced with U+FFFD.
pub fn b64dec(a: &[Value]) -> R {
    Ok(match b64_decode(str_arg(a, 0)) {
        Ok(b) => lossy(b),
        Err(e) => Value::from(e),
    })
}

pub fn b32enc(a: &[Value]) -> R {
    Ok(Value::from(b32_encode(str_arg(a, 0).as_bytes())))
}

pub fn b32dec(a: &[Value]) -> R {
    Ok(match b32_decode(str_arg(a, 0)) {
        Ok(b) => lossy(b),
        Err(e) => Value::from(e),
    })
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn sha1sum(a: &[Value]) -> R {
    Ok(Value::from(hex(&sha1::Sha1::digest(
        str_arg(a, 0).as_bytes(),
    ))))
}

pub fn sha256sum(a: &[Value]) -> R {
    Ok(Value::from(hex(&sha2::Sha256::digest(
        str_arg(a, 0).as_bytes(),
    ))))
}

pub fn sha512sum(a: &[Value]) -> R {
    Ok(Value::from(hex(&sha2::Sha512::digest(
        str_arg(a, 0).as_bytes(),
    ))))
}

pub fn adler32(data: &[u8]) -> u32 {
    let (mut x, mut y) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &c in chunk {
            x += c as u32;
            y += x;
        }
        x %= 65521;
        y %= 65521;
    }
    y << 16 | x
}

pub fn adler32sum(a: &[Value]) -> R {
    Ok(Value::from(adler32(str_arg(a, 0).as_bytes()).to_string()))
}
