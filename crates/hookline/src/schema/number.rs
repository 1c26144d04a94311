//! Exact decimal numbers for schema keywords.
//!
//! santhosh-tekuri/jsonschema compares numbers as `big.Rat` built from `fmt.Sprint(v)`
//! (validator.go `numValidate`, util.go `equals`), so `0.3` is a multiple of `0.1` there
//! although it is not in f64 arithmetic. A float's shortest decimal form is exactly what
//! `fmt.Sprint` gives, so a value becomes `mantissa × 10^exp` from that form.

use std::cmp::Ordering;

use gotemplate::Value;

/// `±mant × 10^exp`, with `mant` free of trailing zeros (zero is `mant == 0`, `neg == false`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dec {
    neg: bool,
    mant: u64,
    exp: i32,
}

impl Dec {
    pub fn from_value(v: &Value) -> Option<Dec> {
        match v {
            Value::Int(i) | Value::Int64(i) => Some(Dec::from_i64(*i)),
            Value::Float(f) => Dec::from_f64(*f),
            _ => None,
        }
    }

    pub fn from_i64(i: i64) -> Dec {
        Dec::new(i < 0, i.unsigned_abs(), 0)
    }

    /// The shortest decimal that reads back as `f` (Rust's `{:e}` gives the same digits as
    /// Go's `strconv.FormatFloat(f, 'g', -1, 64)`).
    pub fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        if f == 0.0 {
            return Some(Dec::new(false, 0, 0));
        }
        let s = format!("{:e}", f.abs());
        let (m, e) = s.split_once('e')?;
        let e: i32 = e.parse().ok()?;
        let (int, frac) = m.split_once('.').unwrap_or((m, ""));
        let digits = format!("{int}{frac}");
        let mant: u64 = digits.parse().ok()?;
        Some(Dec::new(f < 0.0, mant, e - frac.len() as i32))
    }

    fn new(neg: bool, mut mant: u64, mut exp: i32) -> Dec {
        if mant == 0 {
            return Dec {
                neg: false,
                mant: 0,
                exp: 0,
            };
        }
        while mant.is_multiple_of(10) {
            mant /= 10;
            exp += 1;
        }
        Dec { neg, mant, exp }
    }

    pub fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    fn digits(&self) -> i32 {
        let mut n = 1;
        let mut m = self.mant;
        while m >= 10 {
            m /= 10;
            n += 1;
        }
        n
    }

    fn cmp_abs(&self, o: &Dec) -> Ordering {
        match (self.mant == 0, o.mant == 0) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let (ma, mb) = (self.digits() + self.exp, o.digits() + o.exp);
        if ma != mb {
            return ma.cmp(&mb);
        }
        // Same magnitude: both mantissas padded to 20 digits fit a u128.
        let pad = |d: &Dec| d.mant as u128 * 10u128.pow((20 - d.digits()) as u32);
        pad(self).cmp(&pad(o))
    }

    /// Whether `self / by` is an integer (`big.Rat.Quo(...).IsInt()`).
    pub fn is_multiple_of(&self, by: &Dec) -> bool {
        if by.mant == 0 {
            return false;
        }
        if self.mant == 0 {
            return true;
        }
        let (a, b) = (self.mant as u128, by.mant as u128);
        if self.exp >= by.exp {
            // a·10^k divisible by b: a·(10^k mod b) mod b == 0.
            let mut r = a % b;
            for _ in 0..(self.exp - by.exp) {
                r = r * 10 % b;
                if r == 0 {
                    break;
                }
            }
            r == 0
        } else {
            let k = (by.exp - self.exp) as u32;
            match 10u128.checked_pow(k).and_then(|p| p.checked_mul(b)) {
                Some(d) => a % d == 0,
                None => false,
            }
        }
    }

    /// `%v` of `Rat.Float64()`, as the error messages print numbers.
    pub fn go_string(&self) -> String {
        let f: f64 = format!(
            "{}{}e{}",
            if self.neg { "-" } else { "" },
            self.mant,
            self.exp
        )
        .parse()
        .unwrap_or(0.0);
        gotemplate::format::format_value(&Value::Float(f))
    }
}

impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Dec) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dec {
    fn cmp(&self, o: &Dec) -> Ordering {
        match (self.neg, o.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_abs(o),
            (true, true) => o.cmp_abs(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(f: f64) -> Dec {
        Dec::from_f64(f).unwrap()
    }

    #[test]
    fn compares_exactly() {
        assert!(d(0.1) < d(0.2));
        assert!(d(-5.0) < d(0.0));
        assert!(d(-5.0) < d(-4.5));
        assert_eq!(d(80.0), Dec::from_i64(80));
        assert!(d(1e21) > d(9.99e20));
        assert!(d(1e-7) < d(1e-6));
    }

    #[test]
    fn multiples_are_decimal() {
        assert!(d(0.3).is_multiple_of(&d(0.1)));
        assert!(d(10.0).is_multiple_of(&d(2.5)));
        assert!(!d(10.0).is_multiple_of(&d(3.0)));
        assert!(!d(1e30).is_multiple_of(&d(7.0)));
        assert!(d(1e30).is_multiple_of(&d(8.0)));
        assert!(!d(0.25).is_multiple_of(&d(0.1)));
        assert!(d(0.0).is_multiple_of(&d(0.1)));
    }

    #[test]
    fn prints_as_go() {
        assert_eq!(d(-5.0).go_string(), "-5");
        assert_eq!(d(1.5).go_string(), "1.5");
        assert_eq!(d(1e21).go_string(), "1e+21");
    }
}
