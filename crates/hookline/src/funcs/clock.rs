//! Sprig's date functions (`now`, `date`, `dateInZone`, `toDate`, `dateModify`, `ago`,
//! `duration`, ...) and the methods of the `time.Time` values they return.
//!
//! Few charts call them (`now` 6 and `date` 4 of 188 real charts:
//! /work/shared/spec/function-usage.md), and Go's layout formatting and parsing is a large part
//! of the engine, so the playground's first download leaves them out (issue #11): without the
//! `dates` feature every function here, and every method of a `time.Time` it returns, goes over
//! [`super::crypto_wire`] to the second module, which runs this same code. A chart that calls one
//! makes the page load that module and render again, as for the crypto functions.

use gotemplate::{FuncError, Param, Signature, Value};

use super::env::FuncEnv;

type R = Result<Value, FuncError>;

/// A date function: the environment gives `now` and `Local`.
pub type ClockFn = fn(&mut FuncEnv, &[Value]) -> R;

/// The methods a template may call on a `time.Time` (Go's exported methods that Sprig users
/// reach for).
pub const TIME_METHODS: [&str; 19] = [
    "Unix",
    "UnixNano",
    "UnixMilli",
    "Year",
    "Month",
    "Day",
    "Hour",
    "Minute",
    "Second",
    "Nanosecond",
    "YearDay",
    "Weekday",
    "Format",
    "UTC",
    "Local",
    "String",
    "IsZero",
    "Add",
    "AddDate",
];

/// The date functions [`super::env_functions`] registers (all but `duration`, which needs no
/// environment: [`duration`]).
pub fn functions() -> Vec<(&'static str, Signature, ClockFn)> {
    use Param::*;
    let sig = Signature::new;
    vec![
        ("now", sig(&[]), imp::now as ClockFn),
        ("date", sig(&[String, Any]), imp::date),
        ("htmlDate", sig(&[Any]), imp::html_date),
        (
            "htmlDateInZone",
            sig(&[Any, String]),
            imp::html_date_in_zone,
        ),
        (
            "dateInZone",
            sig(&[String, Any, String]),
            imp::date_in_zone_fn,
        ),
        (
            "date_in_zone",
            sig(&[String, Any, String]),
            imp::date_in_zone_snake,
        ),
        ("dateModify", sig(&[String, Any]), imp::date_modify),
        ("date_modify", sig(&[String, Any]), imp::date_modify_snake),
        ("mustDateModify", sig(&[String, Any]), imp::must_date_modify),
        (
            "must_date_modify",
            sig(&[String, Any]),
            imp::must_date_modify_snake,
        ),
        ("toDate", sig(&[String, String]), imp::to_date),
        ("mustToDate", sig(&[String, String]), imp::must_to_date),
        ("unixEpoch", sig(&[Any]), imp::unix_epoch),
        ("ago", sig(&[Any]), imp::ago),
        ("durationRound", sig(&[Any]), imp::duration_round_fn),
    ]
}

/// Sprig's `duration`: seconds (int64 or a decimal string; anything else is 0) as a Go
/// duration string.
pub fn duration(a: &[Value]) -> R {
    imp::duration(a)
}

/// The second module's side: run the date function or `time.Time` method (`time.NAME`, the
/// time first among the arguments) a [`super::crypto_wire::call_clock`] request names.
#[cfg(feature = "dates")]
pub fn run_builtin(name: &str, env: &mut FuncEnv, a: &[Value]) -> Option<R> {
    if name == "duration" {
        return Some(imp::duration(a));
    }
    if let Some(method) = name.strip_prefix("time.") {
        let t = a.first().and_then(super::dates::as_time)?;
        let o = super::dates::TimeObject(t);
        return Some(gotemplate::Object::call_method(&o, method, &a[1..]).map_err(FuncError));
    }
    let f = functions().into_iter().find(|(n, _, _)| *n == name)?.2;
    Some(f(env, a))
}

/// Without the feature: every function asks the second module.
#[cfg(not(feature = "dates"))]
mod imp {
    use super::super::crypto_wire::call_clock;
    use super::*;

    pub fn duration(a: &[Value]) -> R {
        call_clock("duration", None, a)
    }
    macro_rules! remote {
        ($($n:ident = $name:literal),*) => {$(
            pub fn $n(env: &mut FuncEnv, a: &[Value]) -> R {
                call_clock($name, Some(env), a)
            }
        )*};
    }
    remote!(
        now = "now",
        date = "date",
        html_date = "htmlDate",
        html_date_in_zone = "htmlDateInZone",
        date_in_zone_fn = "dateInZone",
        date_in_zone_snake = "date_in_zone",
        date_modify = "dateModify",
        date_modify_snake = "date_modify",
        must_date_modify = "mustDateModify",
        must_date_modify_snake = "must_date_modify",
        to_date = "toDate",
        must_to_date = "mustToDate",
        unix_epoch = "unixEpoch",
        ago = "ago",
        duration_round_fn = "durationRound"
    );
}

#[cfg(feature = "dates")]
mod imp {
    use super::super::conv::{arg, str_arg};
    use super::super::dates::{
        self, as_time, duration_round, duration_string, GoTime, TimeObject, Zone,
    };
    use super::*;

    /// The date argument of `date`/`dateInZone`/`ago`: time.Time, or Unix seconds as int/int64;
    /// anything else means "now" (Sprig's switch default).
    fn date_arg(env: &FuncEnv, v: &Value) -> GoTime {
        if let Some(t) = as_time(v) {
            return t;
        }
        match v {
            Value::Int(n) | Value::Int64(n) => GoTime::from_unix(*n, 0, env.local.clone()),
            _ => env.now_time(),
        }
    }

    fn time_arg(v: &Value, fname: &str) -> Result<GoTime, FuncError> {
        as_time(v).ok_or_else(|| {
            let got = if v.is_nil() {
                "<nil>".to_string()
            } else {
                v.type_name()
            };
            let _ = fname;
            FuncError(format!(
                "wrong type for value; expected time.Time; got {got}"
            ))
        })
    }

    /// `t.In(time.LoadLocation(zone))`, UTC for unknown zones as Sprig does.
    fn date_in_zone(env: &FuncEnv, layout: &str, date: &Value, zone: &str) -> R {
        let t = date_arg(env, date);
        let z = match zone {
            "Local" => env.local.clone(),
            // LoadLocation("") is UTC
            "" => Zone::utc(),
            name => dates::zone_at(name, t.secs).unwrap_or_else(Zone::utc),
        };
        let t = t.in_zone(z);
        Ok(Value::from(t.format(layout)))
    }

    pub fn now(e: &mut FuncEnv, _a: &[Value]) -> R {
        Ok(TimeObject::value(e.now_time()))
    }
    pub fn date(e: &mut FuncEnv, a: &[Value]) -> R {
        date_in_zone(e, str_arg(a, 0), arg(a, 1), "Local")
    }
    pub fn html_date(e: &mut FuncEnv, a: &[Value]) -> R {
        date_in_zone(e, "2006-01-02", arg(a, 0), "Local")
    }
    pub fn html_date_in_zone(e: &mut FuncEnv, a: &[Value]) -> R {
        date_in_zone(e, "2006-01-02", arg(a, 0), str_arg(a, 1))
    }
    pub fn date_in_zone_fn(e: &mut FuncEnv, a: &[Value]) -> R {
        date_in_zone(e, str_arg(a, 0), arg(a, 1), str_arg(a, 2))
    }
    pub use date_in_zone_fn as date_in_zone_snake;
    pub fn date_modify(_e: &mut FuncEnv, a: &[Value]) -> R {
        let t = time_arg(arg(a, 1), "dateModify")?;
        Ok(match dates::parse_duration(str_arg(a, 0)) {
            Ok(d) => TimeObject::value(GoTime::from_unix_nanos(
                t.unix_nanos() + d as i128,
                t.zone.clone(),
            )),
            Err(_) => TimeObject::value(t),
        })
    }
    pub use date_modify as date_modify_snake;
    pub fn must_date_modify(_e: &mut FuncEnv, a: &[Value]) -> R {
        let t = time_arg(arg(a, 1), "mustDateModify")?;
        let d = dates::parse_duration(str_arg(a, 0)).map_err(FuncError)?;
        Ok(TimeObject::value(GoTime::from_unix_nanos(
            t.unix_nanos() + d as i128,
            t.zone.clone(),
        )))
    }
    pub use must_date_modify as must_date_modify_snake;
    pub fn to_date(e: &mut FuncEnv, a: &[Value]) -> R {
        Ok(TimeObject::value(
            dates::parse_time(str_arg(a, 0), str_arg(a, 1), &e.local)
                .unwrap_or_else(|_| GoTime::zero()),
        ))
    }
    pub fn must_to_date(e: &mut FuncEnv, a: &[Value]) -> R {
        dates::parse_time(str_arg(a, 0), str_arg(a, 1), &e.local)
            .map(TimeObject::value)
            .map_err(FuncError)
    }
    pub fn unix_epoch(_e: &mut FuncEnv, a: &[Value]) -> R {
        Ok(Value::from(
            time_arg(arg(a, 0), "unixEpoch")?.secs.to_string(),
        ))
    }
    pub fn ago(e: &mut FuncEnv, a: &[Value]) -> R {
        let t = match arg(a, 0) {
            Value::Int(n) | Value::Int64(n) => GoTime::from_unix(*n, 0, e.local.clone()),
            other => as_time(other).unwrap_or_else(|| e.now_time()),
        };
        let since =
            (e.now as i128 - t.unix_nanos()).clamp(i64::MIN as i128, i64::MAX as i128) as i64;
        Ok(Value::from(duration_string(duration_round(
            since,
            1_000_000_000,
        ))))
    }
    pub fn duration_round_fn(e: &mut FuncEnv, a: &[Value]) -> R {
        let d: i64 = match arg(a, 0) {
            Value::String(s) => dates::parse_duration(s).unwrap_or(0),
            Value::Int64(n) => *n,
            other => match as_time(other) {
                Some(t) => (e.now as i128 - t.unix_nanos())
                    .clamp(i64::MIN as i128, i64::MAX as i128) as i64,
                None => 0,
            },
        };
        Ok(Value::from(duration_round_sprig(d)))
    }

    /// Sprig's `durationRound` buckets.
    pub fn duration_round_sprig(d: i64) -> String {
        let u = d.unsigned_abs();
        let hour: u64 = 3_600_000_000_000;
        let (year, month, day, minute, second) = (
            hour * 24 * 365,
            hour * 24 * 30,
            hour * 24,
            60_000_000_000u64,
            1_000_000_000u64,
        );
        if u > year {
            format!("{}y", u / year)
        } else if u > month {
            format!("{}mo", u / month)
        } else if u > day {
            format!("{}d", u / day)
        } else if u > hour {
            format!("{}h", u / hour)
        } else if u > minute {
            format!("{}m", u / minute)
        } else if u > second {
            format!("{}s", u / second)
        } else {
            "0s".into()
        }
    }

    /// Sprig's `duration`: seconds (int64 or a decimal string; anything else is 0) as a Go
    /// duration string.
    pub fn duration(a: &[Value]) -> R {
        let n: i64 = match arg(a, 0) {
            Value::String(s) => s.parse().unwrap_or(0),
            Value::Int64(n) => *n,
            _ => 0,
        };
        Ok(Value::from(duration_string(n.wrapping_mul(1_000_000_000))))
    }
}
