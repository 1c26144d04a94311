//! The hash of the engine's own tables (template and function names, string literals): a
//! render looks names up thousands of times and the tables grow as a chart's templates are
//! installed; std's SipHash (made to resist chosen keys) was a measurable part of both. These
//! keys come from the chart being rendered, which also chooses how much work the render does.

use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hash over 8-byte words with a final mix (the table takes its bucket from
/// the low bits and its tag from the high ones: both depend on every input bit).
#[derive(Clone, Copy, Default)]
pub struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x9e37_79b9_7f4a_7c15;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(26) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
        self.add(bytes.len() as u64);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        let h = self.hash;
        (h ^ (h >> 31)).wrapping_mul(SEED) ^ (h >> 29)
    }
}

/// A `HashMap`/`HashSet` hasher: `HashMap<K, V, FastBuild>`.
pub type FastBuild = BuildHasherDefault<FastHasher>;

/// A map with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;

/// A set with [`FastHasher`].
pub type FastSet<K> = std::collections::HashSet<K, FastBuild>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn distinct_names_spread_over_buckets_and_tags() {
        let b = FastBuild::default();
        let names: Vec<String> = (0..4096)
            .map(|i| format!("kube-prometheus-stack/templates/t{i}.yaml"))
            .chain((0..4096).map(|i| format!("{i}")))
            .collect();
        let hashes: FastSet<u64> = names.iter().map(|n| b.hash_one(n)).collect();
        assert_eq!(hashes.len(), names.len());
        // Low bits (the bucket) and the top 7 (the tag) both vary.
        let low: FastSet<u64> = names.iter().map(|n| b.hash_one(n) & 1023).collect();
        let top: FastSet<u64> = names.iter().map(|n| b.hash_one(n) >> 57).collect();
        assert!(low.len() > 1000, "{}", low.len());
        assert_eq!(top.len(), 128);
        // A prefix is not the whole.
        assert_ne!(b.hash_one("ab"), b.hash_one("ab\0"));
    }
}
