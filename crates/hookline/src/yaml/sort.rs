//! go-yaml v2's `keyList.Less` (`sorter.go`) for string keys: letters sort after non-letters,
//! letters by code point, runs of digits numerically, a shorter string first.

use std::cmp::Ordering;

fn is_letter(c: char) -> bool {
    // Go unicode.IsLetter (category L); Rust's is_alphabetic also admits Nl and
    // Other_Alphabetic marks, which only matters for exotic keys.
    c.is_alphabetic()
}

fn is_digit(c: char) -> bool {
    // Go unicode.IsDigit (category Nd).
    // Go unicode.IsDigit also admits non-ASCII Nd digits; they are treated as non-digits here.
    c.is_ascii_digit()
}

/// `keyList.Less` on two keys as characters: go-yaml v2, or v3 (`v3`: after a run of equal
/// digits a letter sorts before a non-letter).
fn key_less_chars(ar: &[char], br: &[char], v3: bool) -> bool {
    let mut i = 0;
    let mut digits = false;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            digits = is_digit(ar[i]);
            i += 1;
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if v3 && digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Sort keys as `sort.Sort(keyList)` does. Go's sort is not stable, but distinct string keys
/// never compare equal in both directions except in degenerate digit cases, which a stable
/// merge sort resolves the same way for all practical inputs.
pub(crate) fn sort_keys<T>(items: &mut Vec<(String, T)>, v3: bool) {
    let mut keyed: Vec<(Vec<char>, (String, T))> = items
        .drain(..)
        .map(|it| (it.0.chars().collect(), it))
        .collect();
    crate::stable_sort::sort_by(&mut keyed, |x, y| {
        if key_less_chars(&x.0, &y.0, v3) {
            Ordering::Less
        } else if key_less_chars(&y.0, &x.0, v3) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
    items.extend(keyed.into_iter().map(|k| k.1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_key_order() {
        let mut v: Vec<(String, ())> = ["a10", "a9", "B", "a", "_x", "1", "ab", "a01"]
            .iter()
            .map(|s| (s.to_string(), ()))
            .collect();
        sort_keys(&mut v, false);
        let got: Vec<&str> = v.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(got, ["_x", "1", "B", "a", "a01", "a9", "a10", "ab"]);
    }
}
