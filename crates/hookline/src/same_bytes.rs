//! Equality of large byte strings, eight bytes at a time. Slice equality goes through
//! `memcmp`, and on wasm32 the `memcmp` of compiler-builtins compares one byte per loop turn.
//! The playground compares megabytes on every edit (a chart's files against what its worker
//! holds, template sources against the parse trees kept from the last render, CRD files
//! against their decoded documents): issue #11.

/// `a == b`.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    a_words
        .iter()
        .zip(b_words)
        .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
        && a_rest == b_rest
}

/// `a == b` for text.
pub fn same_text(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_slice_equality() {
        let base: Vec<u8> = (0..200u32).map(|i| (i * 37 % 251) as u8).collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200] {
            let a = &base[..len];
            assert!(same_bytes(a, a));
            assert!(!same_bytes(a, &base[..len.saturating_sub(1)]) || len == 0);
            // One byte different, at every position (inside a word and in the tail).
            for i in 0..len {
                let mut b = a.to_vec();
                b[i] ^= 0x80;
                assert!(!same_bytes(a, &b), "len {len}, byte {i}");
                assert_eq!(same_bytes(a, &b), a == b.as_slice());
            }
        }
        assert!(same_text("kind: A\n", "kind: A\n"));
        assert!(!same_text("kind: A\n", "kind: B\n"));
    }
}
