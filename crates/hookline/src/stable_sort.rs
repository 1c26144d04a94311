//! The crate's one stable sort. `slice::sort_by` (driftsort) is instantiated anew for every
//! element type and comparator, about 3.5 KB of wasm each; two dozen call sites cost more than
//! 70 KB of the playground's download (issue #11). Here only an index sort through a `dyn`
//! comparator is instantiated, and the permutation is applied with swaps.
//! Same results as `slice::sort_by`: stable, and the comparator sees the same elements.
//! For the same reason maps and sets are built by insertion ([`map_from`], [`set_from`]).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// `v.sort_by(cmp)`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// `v.sort_by(cmp)` where `cmp` also sees a key of each element, computed once per element
/// (`keys[i]` is `v[i]`'s) rather than once per comparison.
pub fn sort_by_keys<T, K>(
    v: &mut [T],
    keys: &[K],
    mut cmp: impl FnMut(&K, &T, &K, &T) -> Ordering,
) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &mut |a, b| {
        cmp(&keys[a], &v[a], &keys[b], &v[b])
    });
    permute(v, order);
}

/// `iter.collect::<BTreeMap<_, _>>()` without a sort: `FromIterator` for `BTreeMap` and
/// `BTreeSet` sorts its input with std's stable sort, instantiated anew for every iterator type
/// it is collected from. Inserting one by one uses the map's `insert`, which exists once per
/// key and value type. Same map: a later duplicate key's value wins, as with `collect`.
pub fn map_from<K: Ord, V>(iter: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(iter);
    map
}

/// `iter.collect::<BTreeSet<_>>()` without a sort (see [`map_from`]).
pub fn set_from<T: Ord>(iter: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(iter);
    set
}

/// `v.sort()`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// A bottom-up merge sort (insertion-sorted runs, then merges). Written out rather than
/// `slice::sort_by` because std's sort panics when it notices a comparator that is not a total
/// order, and some comparators here follow Go's, which are not (go-yaml's key order for keys
/// that mix digits and letters): Go's sort then returns some order, and so must this one.
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    const RUN: usize = 16;
    let n = order.len();
    for start in (0..n).step_by(RUN) {
        let run = &mut order[start..n.min(start + RUN)];
        for i in 1..run.len() {
            let mut j = i;
            while j > 0 && cmp(run[j - 1], run[j]) == Ordering::Greater {
                run.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    if n <= RUN {
        return;
    }
    let mut from = order.to_vec();
    let mut to = vec![0usize; n];
    let mut width = RUN;
    while width < n {
        for lo in (0..n).step_by(2 * width) {
            let mid = n.min(lo + width);
            let hi = n.min(lo + 2 * width);
            let (mut i, mut j) = (lo, mid);
            for slot in &mut to[lo..hi] {
                // The right element goes first only when strictly less: stability.
                let take_right = j < hi && (i >= mid || cmp(from[j], from[i]) == Ordering::Less);
                if take_right {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    order.copy_from_slice(&from);
}

/// Puts the element at `order[i]` at position `i`, walking each cycle once.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut j = start;
        loop {
            let k = order[j];
            order[j] = j;
            if k == start || k == j {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// `len` elements keyed by one of `keys` values (many ties), sorted by key here and by std.
    fn agrees_with_std(seed: &mut u64, len: usize, keys: u64) {
        let v: Vec<(u8, usize)> = (0..len)
            .map(|i| ((xorshift(seed) % keys) as u8, i))
            .collect();
        let mut want = v.clone();
        want.sort_by_key(|a| a.0);
        let mut got = v;
        sort_by(&mut got, |a, b| a.0.cmp(&b.0));
        assert_eq!(got, want);
    }

    /// Against std's stable sort on many small inputs with many ties (stability shows), and on
    /// inputs long enough to merge runs.
    #[test]
    fn matches_std_stable_sort() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..40 {
            for _ in 0..50 {
                agrees_with_std(&mut seed, len, 5);
            }
        }
        for len in [100, 1000, 1037] {
            agrees_with_std(&mut seed, len, 7);
        }
        let mut s = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort(&mut s);
        assert_eq!(s, ["a", "a", "b", "c"]);
    }

    /// The same map and set as `collect`, duplicate keys included (the later value wins).
    #[test]
    fn map_from_and_set_from_match_collect() {
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        let want: BTreeMap<&str, i32> = pairs.iter().copied().collect();
        assert_eq!(map_from(pairs), want);
        assert_eq!(map_from(pairs)["b"], 3);
        let want: BTreeSet<u32> = [5, 1, 5, 3].into_iter().collect();
        assert_eq!(set_from([5, 1, 5, 3]), want);
    }

    /// A comparator that is no order at all gives some permutation, never a panic.
    #[test]
    fn inconsistent_comparators_do_not_panic() {
        let mut seed = 7u64;
        for len in [2, 17, 100, 1000] {
            let mut v: Vec<usize> = (0..len).collect();
            sort_by(&mut v, |_, _| {
                [Ordering::Less, Ordering::Equal, Ordering::Greater]
                    [(xorshift(&mut seed) % 3) as usize]
            });
            let mut back = v.clone();
            back.sort();
            assert_eq!(back, (0..len).collect::<Vec<_>>());
        }
    }
}
