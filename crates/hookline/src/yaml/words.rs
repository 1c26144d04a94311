//! Byte scans eight bytes at a time, for the scanner's and the block scan's hot loops
//! (indentation is about half of a CRD's bytes, and its lines are many and short: more than
//! `memchr`'s set-up pays for).

pub(super) const LOW_BITS: u64 = 0x0101_0101_0101_0101;
pub(super) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The zero bytes of `x`, each marked by its high bit (the lowest one exactly; a higher mark
/// may be a false one after a zero byte).
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS
}

/// Whether one of the eight bytes of `x` is zero.
pub(super) fn has_zero_byte(x: u64) -> bool {
    zero_bytes(x) != 0
}

fn word(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().unwrap_or_default())
}

/// How many bytes `b` starts with that are spaces.
pub(super) fn leading_spaces(b: &[u8]) -> usize {
    let mut n = 0;
    while let Some(chunk) = b.get(n..n + 8) {
        let x = word(chunk) ^ (LOW_BITS * u64::from(b' '));
        if x != 0 {
            // the first byte that is not a space
            return n + (x.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + b[n..].iter().take_while(|&&c| c == b' ').count()
}

/// The first line break in `b` at or after `from`, or the end.
pub(super) fn newline_from(b: &[u8], from: usize) -> usize {
    let mut p = from;
    while let Some(chunk) = b.get(p..p + 8) {
        let zero = zero_bytes(word(chunk) ^ (LOW_BITS * u64::from(b'\n')));
        if zero != 0 {
            return p + (zero.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    b[p..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |n| p + n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_breaks_are_found_where_they_are() {
        let text = "a\n\u{10a}\u{8a0a}bcdefgh\n\n0123456789abcdef\nxyz";
        let b = text.as_bytes();
        for from in 0..=b.len() {
            let expect = b[from..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |n| from + n);
            assert_eq!(super::newline_from(b, from), expect, "{from}");
        }
    }

    #[test]
    fn leading_spaces_are_counted_exactly() {
        for n in 0..20 {
            for tail in ["", "x", "x  ", "\t", "\n  "] {
                let s = format!("{}{tail}", " ".repeat(n));
                assert_eq!(super::leading_spaces(s.as_bytes()), n, "{s:?}");
            }
        }
    }
}
