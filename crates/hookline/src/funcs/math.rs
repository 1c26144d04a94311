//! Sprig's arithmetic (functions.go and numeric.go): integer functions via `cast.ToInt64`
//! with Go's wrapping int64 arithmetic, the `*f` functions via shopspring/decimal.
//!
//! The decimal functions use an exact 128-bit decimal; when an operand pair does not fit (e.g.
//! `addf 1e300 1e-300`) they fall back to plain float64 arithmetic, which can differ from
//! shopspring in the last digit.

use gotemplate::{FuncError, Value};

use super::conv::{arg, fmt_v, int_arg, str_arg, to_float64, to_int, to_int64};

type R = Result<Value, FuncError>;

const DIV_ZERO: &str = "runtime error: integer divide by zero";

pub fn add1(a: &[Value]) -> R {
    Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_add(1)))
}

pub fn add(a: &[Value]) -> R {
    Ok(Value::Int64(
        a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
    ))
}

pub fn sub(a: &[Value]) -> R {
    Ok(Value::Int64(
        to_int64(arg(a, 0)).wrapping_sub(to_int64(arg(a, 1))),
    ))
}

pub fn div(a: &[Value]) -> R {
    let d = to_int64(arg(a, 1));
    if d == 0 {
        return Err(FuncError(DIV_ZERO.into()));
    }
    Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_div(d)))
}

pub fn modulo(a: &[Value]) -> R {
    let d = to_int64(arg(a, 1));
    if d == 0 {
        return Err(FuncError(DIV_ZERO.into()));
    }
    Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_rem(d)))
}

pub fn mul(a: &[Value]) -> R {
    Ok(Value::Int64(
        a.iter()
            .skip(1)
            .fold(to_int64(arg(a, 0)), |acc, v| acc.wrapping_mul(to_int64(v))),
    ))
}

pub fn max(a: &[Value]) -> R {
    Ok(Value::Int64(
        a.iter()
            .skip(1)
            .map(to_int64)
            .fold(to_int64(arg(a, 0)), i64::max),
    ))
}

pub fn min(a: &[Value]) -> R {
    Ok(Value::Int64(
        a.iter()
            .skip(1)
            .map(to_int64)
            .fold(to_int64(arg(a, 0)), i64::min),
    ))
}

/// Go's math.Max: NaN wins, +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y {
        x
    } else {
        y
    }
}

fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y {
        x
    } else {
        y
    }
}

pub fn maxf(a: &[Value]) -> R {
    Ok(Value::Float(
        a.iter()
            .skip(1)
            .map(to_float64)
            .fold(to_float64(arg(a, 0)), go_max),
    ))
}

pub fn minf(a: &[Value]) -> R {
    Ok(Value::Float(
        a.iter()
            .skip(1)
            .map(to_float64)
            .fold(to_float64(arg(a, 0)), go_min),
    ))
}

pub fn ceil(a: &[Value]) -> R {
    Ok(Value::Float(to_float64(arg(a, 0)).ceil()))
}

pub fn floor(a: &[Value]) -> R {
    Ok(Value::Float(to_float64(arg(a, 0)).floor()))
}

pub fn round(a: &[Value]) -> R {
    let round_on = match a.get(2) {
        Some(Value::Float(f)) => *f,
        Some(v) => to_float64(v),
        None => 0.5,
    };
    let val = to_float64(arg(a, 0));
    let places = int_arg(a, 1) as f64;
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float(r / pow))
}

pub fn to_int_fn(a: &[Value]) -> R {
    Ok(Value::Int(to_int(arg(a, 0))))
}

pub fn to_int64_fn(a: &[Value]) -> R {
    Ok(Value::Int64(to_int64(arg(a, 0))))
}

pub fn to_float64_fn(a: &[Value]) -> R {
    Ok(Value::Float(to_float64(arg(a, 0))))
}

/// `strconv.Atoi`, errors give 0.
pub fn atoi(a: &[Value]) -> R {
    let s = str_arg(a, 0);
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit());
    // on overflow strconv.Atoi returns the clamped value with its error; Sprig keeps it
    let n = if !ok {
        0
    } else if let Ok(n) = s.parse::<i64>() {
        n
    } else if s.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    };
    Ok(Value::Int(n))
}

/// `strconv.ParseInt(fmt.Sprint(v), 8, 64)`, errors give 0.
pub fn to_decimal(a: &[Value]) -> R {
    let s = match arg(a, 0) {
        Value::String(s) => s.to_string(),
        other => fmt_v(other),
    };
    let digits = s.strip_prefix(['+', '-']).unwrap_or(&s);
    let ok = !digits.is_empty() && digits.bytes().all(|c| (b'0'..=b'7').contains(&c));
    let n = if ok {
        i64::from_str_radix(&s, 8).unwrap_or(0)
    } else {
        0
    };
    Ok(Value::Int64(n))
}

// ---- shopspring/decimal subset -------------------------------------------------------------

/// mant × 10^exp
#[derive(Clone, Copy, Debug)]
struct Dec {
    mant: i128,
    exp: i32,
}

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that round-trips.
    fn from_f64(f: f64) -> Result<Dec, FuncError> {
        if f.is_nan() || f.is_infinite() {
            return Err(FuncError(format!(
                "Cannot create a Decimal from {}",
                fmt_v(&Value::Float(f))
            )));
        }
        if f == 0.0 {
            return Ok(Dec { mant: 0, exp: 0 });
        }
        let e = format!("{f:e}");
        let (m, ex) = e.split_once('e').unwrap_or((&e, "0"));
        let ex: i32 = ex.parse().unwrap_or(0);
        let neg = m.starts_with('-');
        let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
        let mut mant: i128 = digits.parse().unwrap_or(0);
        if neg {
            mant = -mant;
        }
        Ok(Dec {
            mant,
            exp: ex - (digits.len() as i32 - 1),
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mant, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }

    fn rescale(self, exp: i32) -> Option<i128> {
        // self.exp >= exp
        let d = (self.exp - exp) as u32;
        10i128.checked_pow(d)?.checked_mul(self.mant)
    }

    fn add(self, o: Dec) -> Option<Dec> {
        let exp = self.exp.min(o.exp);
        Some(Dec {
            mant: self.rescale(exp)?.checked_add(o.rescale(exp)?)?,
            exp,
        })
    }

    fn sub(self, o: Dec) -> Option<Dec> {
        self.add(Dec {
            mant: o.mant.checked_neg()?,
            exp: o.exp,
        })
    }

    fn mul(self, o: Dec) -> Option<Dec> {
        Some(Dec {
            mant: self.mant.checked_mul(o.mant)?,
            exp: self.exp.checked_add(o.exp)?,
        })
    }

    /// `DivRound(o, 16)`: quotient truncated to 16 decimal places, then rounded half away
    /// from zero.
    fn div(self, o: Dec) -> Option<Dec> {
        const PREC: i32 = 16;
        // self/o = (ma/mb) × 10^(ea-eb); want q × 10^-PREC
        let shift = self.exp - o.exp + PREC;
        let (num, den) = if shift >= 0 {
            (
                self.mant.checked_mul(10i128.checked_pow(shift as u32)?)?,
                o.mant,
            )
        } else {
            (
                self.mant,
                o.mant.checked_mul(10i128.checked_pow((-shift) as u32)?)?,
            )
        };
        let mut q = num / den;
        let r = num % den;
        if r.checked_abs()?.checked_mul(2)? >= den.checked_abs()? {
            if (num < 0) != (den < 0) {
                q -= 1;
            } else {
                q += 1;
            }
        }
        Some(Dec {
            mant: q,
            exp: -PREC,
        })
    }
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

fn decimal_op(first: &Value, rest: &[Value], op: Op) -> R {
    let mut acc = Dec::from_f64(to_float64(first))?;
    let mut fallback: Option<f64> = None;
    for x in rest {
        let xf = to_float64(x);
        let dx = Dec::from_f64(xf)?;
        if matches!(op, Op::Div) && dx.mant == 0 {
            return Err(FuncError("decimal division by 0".into()));
        }
        if let Some(f) = fallback.as_mut() {
            *f = apply_f(*f, xf, op);
            continue;
        }
        let r = match op {
            Op::Add => acc.add(dx),
            Op::Sub => acc.sub(dx),
            Op::Mul => acc.mul(dx),
            Op::Div => acc.div(dx),
        };
        match r {
            Some(d) => acc = d,
            None => fallback = Some(apply_f(acc.to_f64(), xf, op)),
        }
    }
    Ok(Value::Float(fallback.unwrap_or_else(|| acc.to_f64())))
}

fn apply_f(a: f64, b: f64, op: Op) -> f64 {
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
    }
}

pub fn add1f(a: &[Value]) -> R {
    decimal_op(arg(a, 0), &[Value::Int(1)], Op::Add)
}

pub fn addf(a: &[Value]) -> R {
    decimal_op(&Value::Float(0.0), a, Op::Add)
}

pub fn subf(a: &[Value]) -> R {
    decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Op::Sub)
}

pub fn mulf(a: &[Value]) -> R {
    decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Op::Mul)
}

pub fn divf(a: &[Value]) -> R {
    decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Op::Div)
}
