//! Go's `time` as far as Sprig's date functions need it: a `time.Time` host object, layout
//! formatting and parsing (`2006-01-02 15:04:05`), `time.Duration` printing and
//! `time.ParseDuration`.
//!
//! Time zones: UTC, the caller's `Local` (see [`super::FuncEnv`]) and the common IANA zones
//! of [`zone_at`] are known; `dateInZone` with another name falls back to UTC, as Go does
//! for names missing from the zone database.

use std::any::Any;
use std::rc::Rc;

use gotemplate::{Object, Value};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

pub use super::env::Zone;

#[derive(Clone, Copy)]
enum DstRule {
    None,
    /// US since 2007: second Sunday of March 02:00 to first Sunday of November 02:00 local.
    Us,
    /// EU since 1996: last Sunday of March to last Sunday of October, 01:00 UTC.
    Eu,
    /// South-east Australia since 2008: first Sunday of October 02:00 to first Sunday of
    /// April 03:00 local.
    AuSouth,
}

/// (IANA name, standard offset, standard abbreviation, summer abbreviation, rule)
const ZONES: &[(&str, i32, &str, &str, DstRule)] = &[
    ("UTC", 0, "UTC", "", DstRule::None),
    ("Etc/UTC", 0, "UTC", "", DstRule::None),
    ("GMT", 0, "GMT", "", DstRule::None),
    ("Etc/GMT", 0, "GMT", "", DstRule::None),
    ("America/New_York", -5 * 3600, "EST", "EDT", DstRule::Us),
    ("America/Toronto", -5 * 3600, "EST", "EDT", DstRule::Us),
    ("America/Chicago", -6 * 3600, "CST", "CDT", DstRule::Us),
    ("America/Denver", -7 * 3600, "MST", "MDT", DstRule::Us),
    ("America/Phoenix", -7 * 3600, "MST", "", DstRule::None),
    ("America/Los_Angeles", -8 * 3600, "PST", "PDT", DstRule::Us),
    ("America/Vancouver", -8 * 3600, "PST", "PDT", DstRule::Us),
    ("America/Sao_Paulo", -3 * 3600, "-03", "", DstRule::None),
    ("Europe/London", 0, "GMT", "BST", DstRule::Eu),
    ("Europe/Lisbon", 0, "WET", "WEST", DstRule::Eu),
    ("Europe/Berlin", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Paris", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Amsterdam", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Brussels", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Madrid", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Rome", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Vienna", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Zurich", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Stockholm", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Oslo", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Copenhagen", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Warsaw", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Prague", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Budapest", 3600, "CET", "CEST", DstRule::Eu),
    ("Europe/Helsinki", 2 * 3600, "EET", "EEST", DstRule::Eu),
    ("Europe/Athens", 2 * 3600, "EET", "EEST", DstRule::Eu),
    ("Europe/Bucharest", 2 * 3600, "EET", "EEST", DstRule::Eu),
    ("Europe/Moscow", 3 * 3600, "MSK", "", DstRule::None),
    ("Asia/Dubai", 4 * 3600, "+04", "", DstRule::None),
    ("Asia/Kolkata", 5 * 3600 + 1800, "IST", "", DstRule::None),
    ("Asia/Calcutta", 5 * 3600 + 1800, "IST", "", DstRule::None),
    ("Asia/Shanghai", 8 * 3600, "CST", "", DstRule::None),
    ("Asia/Singapore", 8 * 3600, "+08", "", DstRule::None),
    ("Asia/Hong_Kong", 8 * 3600, "HKT", "", DstRule::None),
    ("Asia/Tokyo", 9 * 3600, "JST", "", DstRule::None),
    ("Asia/Seoul", 9 * 3600, "KST", "", DstRule::None),
    (
        "Australia/Sydney",
        10 * 3600,
        "AEST",
        "AEDT",
        DstRule::AuSouth,
    ),
    (
        "Australia/Melbourne",
        10 * 3600,
        "AEST",
        "AEDT",
        DstRule::AuSouth,
    ),
    ("Australia/Brisbane", 10 * 3600, "AEST", "", DstRule::None),
];

/// Unix seconds of `nth` (1-based; 0 = last) Sunday of `month` at `secs` into the day.
fn sunday(year: i64, month: u32, nth: u32, day_secs: i64) -> i64 {
    let days = if nth == 0 {
        let next = if month == 12 {
            days_from_civil(year + 1, 1, 1)
        } else {
            days_from_civil(year, month + 1, 1)
        };
        let last = next - 1;
        last - (last + 4).rem_euclid(7)
    } else {
        let first = days_from_civil(year, month, 1);
        let to_sun = (7 - (first + 4).rem_euclid(7)) % 7;
        first + to_sun + 7 * (nth as i64 - 1)
    };
    days * 86400 + day_secs
}

/// Go's `time.LoadLocation(name)` for a set of common zones with their current rules (US
/// rules since 2007, EU since 1996, Australia since 2008; earlier dates may differ from the
/// zone database). `None` for unknown names (Sprig then uses UTC).
pub fn zone_at(name: &str, utc: i64) -> Option<Zone> {
    let &(_, off, std, dst, rule) = ZONES.iter().find(|z| z.0 == name)?;
    let year = civil_from_days(utc.saturating_add(off as i64).div_euclid(86400)).0;
    let off64 = off as i64;
    let summer = match rule {
        DstRule::None => false,
        DstRule::Us => {
            let start = sunday(year, 3, 2, 2 * 3600) - off64;
            let end = sunday(year, 11, 1, 2 * 3600) - off64 - 3600;
            utc >= start && utc < end
        }
        DstRule::Eu => utc >= sunday(year, 3, 0, 3600) && utc < sunday(year, 10, 0, 3600),
        DstRule::AuSouth => {
            let start = sunday(year, 10, 1, 2 * 3600) - off64;
            let end = sunday(year, 4, 1, 3 * 3600) - off64 - 3600;
            utc >= start || utc < end
        }
    };
    Some(if summer {
        Zone {
            name: dst.into(),
            offset: off + 3600,
        }
    } else {
        Zone {
            name: std.into(),
            offset: off,
        }
    })
}

/// Go's `time.Time`: an instant plus the zone it is displayed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoTime {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nsec: u32,
    pub zone: Zone,
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Broken-down local time.
struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    nsec: u32,
    wday: usize,
    yday: u32,
}

impl GoTime {
    pub fn from_unix(secs: i64, nsec: u32, zone: Zone) -> GoTime {
        GoTime { secs, nsec, zone }
    }

    /// The zero `time.Time` (0001-01-01 00:00:00 UTC).
    pub fn zero() -> GoTime {
        GoTime {
            secs: days_from_civil(1, 1, 1) * 86400,
            nsec: 0,
            zone: Zone::utc(),
        }
    }

    pub fn unix_nanos(&self) -> i128 {
        self.secs as i128 * 1_000_000_000 + self.nsec as i128
    }

    pub fn from_unix_nanos(n: i128, zone: Zone) -> GoTime {
        GoTime {
            secs: n.div_euclid(1_000_000_000) as i64,
            nsec: n.rem_euclid(1_000_000_000) as u32,
            zone,
        }
    }

    pub fn in_zone(&self, zone: Zone) -> GoTime {
        GoTime {
            zone,
            ..self.clone()
        }
    }

    fn parts(&self) -> Parts {
        let local = self.secs.saturating_add(self.zone.offset as i64);
        let days = local.div_euclid(86400);
        let rem = local.rem_euclid(86400) as u32;
        let (year, month, day) = civil_from_days(days);
        let yday = (days - days_from_civil(year, 1, 1) + 1) as u32;
        Parts {
            year,
            month,
            day,
            hour: rem / 3600,
            min: rem / 60 % 60,
            sec: rem % 60,
            nsec: self.nsec,
            wday: (days + 4).rem_euclid(7) as usize,
            yday,
        }
    }

    /// `Time.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let p = self.parts();
        let mut out = String::new();
        let mut rest = layout;
        while !rest.is_empty() {
            let (prefix, std, suffix) = next_std_chunk(rest);
            out.push_str(prefix);
            let Some(std) = std else { break };
            rest = suffix;
            let pad = |n: i64, w: usize| format!("{:0w$}", n, w = w);
            match std {
                Std::Year => out.push_str(&pad(p.year.abs() % 100, 2)),
                Std::LongYear => {
                    if p.year < 0 {
                        out.push_str(&format!("-{:04}", -p.year));
                    } else {
                        out.push_str(&pad(p.year, 4));
                    }
                }
                Std::Month => out.push_str(&MONTHS[p.month as usize - 1][..3]),
                Std::LongMonth => out.push_str(MONTHS[p.month as usize - 1]),
                Std::NumMonth => out.push_str(&p.month.to_string()),
                Std::ZeroMonth => out.push_str(&pad(p.month as i64, 2)),
                Std::WeekDay => out.push_str(&DAYS[p.wday][..3]),
                Std::LongWeekDay => out.push_str(DAYS[p.wday]),
                Std::Day => out.push_str(&p.day.to_string()),
                Std::UnderDay => out.push_str(&format!("{:>2}", p.day)),
                Std::ZeroDay => out.push_str(&pad(p.day as i64, 2)),
                Std::UnderYearDay => out.push_str(&format!("{:>3}", p.yday)),
                Std::ZeroYearDay => out.push_str(&pad(p.yday as i64, 3)),
                Std::Hour => out.push_str(&pad(p.hour as i64, 2)),
                Std::Hour12 => {
                    let h = p.hour % 12;
                    out.push_str(&(if h == 0 { 12 } else { h }).to_string())
                }
                Std::ZeroHour12 => {
                    let h = p.hour % 12;
                    out.push_str(&pad(if h == 0 { 12 } else { h as i64 }, 2))
                }
                Std::Minute => out.push_str(&p.min.to_string()),
                Std::ZeroMinute => out.push_str(&pad(p.min as i64, 2)),
                Std::Second => out.push_str(&p.sec.to_string()),
                Std::ZeroSecond => out.push_str(&pad(p.sec as i64, 2)),
                Std::PM => out.push_str(if p.hour >= 12 { "PM" } else { "AM" }),
                Std::Pm => out.push_str(if p.hour >= 12 { "pm" } else { "am" }),
                Std::Tz(kind) => {
                    let offset = self.zone.offset;
                    if kind.iso && offset == 0 {
                        out.push('Z');
                        continue;
                    }
                    let mut zone = offset / 60;
                    let mut abs = offset;
                    if zone < 0 {
                        out.push('-');
                        zone = -zone;
                        abs = -abs;
                    } else {
                        out.push('+');
                    }
                    out.push_str(&pad((zone / 60) as i64, 2));
                    if kind.colon {
                        out.push(':');
                    }
                    if !kind.short {
                        out.push_str(&pad((zone % 60) as i64, 2));
                    }
                    if kind.seconds {
                        if kind.colon {
                            out.push(':');
                        }
                        out.push_str(&pad((abs % 60) as i64, 2));
                    }
                }
                Std::TzName => {
                    if !self.zone.name.is_empty() {
                        out.push_str(&self.zone.name);
                    } else {
                        let mut zone = self.zone.offset / 60;
                        if zone < 0 {
                            out.push('-');
                            zone = -zone;
                        } else {
                            out.push('+');
                        }
                        out.push_str(&pad((zone / 60) as i64, 2));
                        out.push_str(&pad((zone % 60) as i64, 2));
                    }
                }
                Std::Frac { sep, digits, nines } => {
                    let s = format!("{:09}", p.nsec);
                    let d = &s[..digits.min(9)];
                    if nines {
                        let t = d.trim_end_matches('0');
                        if !t.is_empty() {
                            out.push(sep);
                            out.push_str(t);
                        }
                    } else {
                        out.push(sep);
                        out.push_str(d);
                        for _ in 9..digits {
                            out.push('0');
                        }
                    }
                }
            }
        }
        out
    }

    /// `Time.String()` (without the monotonic clock reading).
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TzKind {
    iso: bool,
    colon: bool,
    short: bool,
    seconds: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    Year,
    LongYear,
    Month,
    LongMonth,
    NumMonth,
    ZeroMonth,
    WeekDay,
    LongWeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    PM,
    Pm,
    Tz(TzKind),
    TzName,
    Frac {
        sep: char,
        digits: usize,
        nines: bool,
    },
}

fn starts_lower(s: &str) -> bool {
    s.as_bytes().first().is_some_and(|c| c.is_ascii_lowercase())
}

/// Go's `nextStdChunk`: (literal prefix, element, rest).
fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..).is_some_and(|t| t.starts_with(s));
    for i in 0..b.len() {
        let (std, len) = match b[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    (Std::LongMonth, 7)
                } else if !starts_lower(&layout[i + 3..]) {
                    (Std::Month, 3)
                } else {
                    continue;
                }
            }
            b'M' if at(i, "Mon") => {
                if at(i, "Monday") {
                    (Std::LongWeekDay, 6)
                } else if !starts_lower(&layout[i + 3..]) {
                    (Std::WeekDay, 3)
                } else {
                    continue;
                }
            }
            b'M' if at(i, "MST") => (Std::TzName, 3),
            b'0' if i + 1 < b.len() && (b'1'..=b'6').contains(&b[i + 1]) => (
                [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][(b[i + 1] - b'1') as usize],
                2,
            ),
            b'0' if at(i, "002") => (Std::ZeroYearDay, 3),
            b'1' => {
                if at(i, "15") {
                    (Std::Hour, 2)
                } else {
                    (Std::NumMonth, 1)
                }
            }
            b'2' => {
                if at(i, "2006") {
                    (Std::LongYear, 4)
                } else {
                    (Std::Day, 1)
                }
            }
            b'_' if at(i, "_2") => {
                if at(i, "_2006") {
                    return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
                }
                (Std::UnderDay, 2)
            }
            b'_' if at(i, "__2") => (Std::UnderYearDay, 3),
            b'3' => (Std::Hour12, 1),
            b'4' => (Std::Minute, 1),
            b'5' => (Std::Second, 1),
            b'P' if at(i, "PM") => (Std::PM, 2),
            b'p' if at(i, "pm") => (Std::Pm, 2),
            b'-' | b'Z' => {
                let iso = b[i] == b'Z';
                let forms: [(&str, bool, bool, bool); 5] = [
                    ("070000", false, false, true),
                    ("07:00:00", true, false, true),
                    ("0700", false, false, false),
                    ("07:00", true, false, false),
                    ("07", false, true, false),
                ];
                let mut found = None;
                for (f, colon, short, seconds) in forms {
                    if at(i + 1, f) {
                        found = Some((
                            Std::Tz(TzKind {
                                iso,
                                colon,
                                short,
                                seconds,
                            }),
                            f.len() + 1,
                        ));
                        break;
                    }
                }
                match found {
                    Some(x) => x,
                    None => continue,
                }
            }
            c @ (b'.' | b',') if i + 1 < b.len() && (b[i + 1] == b'0' || b[i + 1] == b'9') => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    continue;
                }
                return (
                    &layout[..i],
                    Some(Std::Frac {
                        sep: c as char,
                        digits: j - (i + 1),
                        nines: ch == b'9',
                    }),
                    &layout[j..],
                );
            }
            _ => continue,
        };
        return (&layout[..i], Some(std), &layout[i + len..]);
    }
    (layout, None, "")
}

/// `time.ParseInLocation(layout, value, loc)` for the elements charts use. Errors carry Go's
/// `parsing time ... as ...` wording only approximately.
pub fn parse_time(layout: &str, value: &str, loc: &Zone) -> Result<GoTime, String> {
    // (value element, layout element) being parsed, for Go's ParseError text
    let cur: std::cell::RefCell<(String, String)> = Default::default();
    let err = || {
        let c = cur.borrow();
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            super::strings::go_quote(value),
            super::strings::go_quote(layout),
            super::strings::go_quote(&c.0),
            super::strings::go_quote(&c.1)
        )
    };
    let (mut year, mut month, mut day) = (1i64, 1u32, 1u32);
    let (mut hour, mut min, mut sec, mut nsec) = (0u32, 0u32, 0u32, 0u32);
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut zone_name: Option<String> = None;
    let mut yday: Option<u32> = None;
    let mut lay = layout;
    let mut val = value;
    fn num(v: &str, min: usize, max: usize) -> Option<(i64, &str)> {
        let n = v
            .bytes()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        Some((v[..n].parse().ok()?, &v[n..]))
    }
    let range_err = |what: &str| {
        format!(
            "parsing time {}: {what} out of range",
            super::strings::go_quote(value)
        )
    };
    while !lay.is_empty() {
        let (prefix, std, rest) = next_std_chunk(lay);
        *cur.borrow_mut() = (val.to_string(), prefix.to_string());
        val = val.strip_prefix(prefix).ok_or_else(err)?;
        let Some(std) = std else { break };
        let std_text = &lay[prefix.len()..lay.len() - rest.len()];
        *cur.borrow_mut() = (val.to_string(), std_text.to_string());
        lay = rest;
        match std {
            Std::Year => {
                let (n, r) = num(val, 2, 2).ok_or_else(err)?;
                year = if n >= 69 { 1900 + n } else { 2000 + n };
                val = r;
            }
            Std::LongYear => {
                let (n, r) = num(val, 4, 4).ok_or_else(err)?;
                year = n;
                val = r;
            }
            Std::Month | Std::LongMonth => {
                let i = MONTHS
                    .iter()
                    .position(|m| {
                        let m = if std == Std::Month { &m[..3] } else { m };
                        val.get(..m.len())
                            .is_some_and(|v| v.eq_ignore_ascii_case(m))
                    })
                    .ok_or_else(err)?;
                let l = if std == Std::Month {
                    3
                } else {
                    MONTHS[i].len()
                };
                month = i as u32 + 1;
                val = &val[l..];
            }
            Std::WeekDay | Std::LongWeekDay => {
                let i = DAYS
                    .iter()
                    .position(|d| {
                        let d = if std == Std::WeekDay { &d[..3] } else { d };
                        val.get(..d.len())
                            .is_some_and(|v| v.eq_ignore_ascii_case(d))
                    })
                    .ok_or_else(err)?;
                let l = if std == Std::WeekDay {
                    3
                } else {
                    DAYS[i].len()
                };
                val = &val[l..];
            }
            Std::NumMonth | Std::ZeroMonth => {
                let (n, r) =
                    num(val, if std == Std::ZeroMonth { 2 } else { 1 }, 2).ok_or_else(err)?;
                if !(1..=12).contains(&n) {
                    return Err(range_err("month"));
                }
                month = n as u32;
                val = r;
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay {
                    val = val.strip_prefix(' ').unwrap_or(val);
                }
                let (n, r) =
                    num(val, if std == Std::ZeroDay { 2 } else { 1 }, 2).ok_or_else(err)?;
                day = n as u32;
                val = r;
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                let v = val.trim_start_matches(' ');
                let (n, r) = num(v, 1, 3).ok_or_else(err)?;
                if n > 365 {
                    return Err(range_err("day-of-year"));
                }
                yday = Some(n as u32);
                val = r;
            }
            Std::Hour | Std::Hour12 | Std::ZeroHour12 => {
                let (n, r) = num(val, if std == Std::Hour12 { 1 } else { 2 }, 2).ok_or_else(err)?;
                if (std == Std::Hour && n >= 24) || (std != Std::Hour && n > 12) {
                    return Err(range_err("hour"));
                }
                hour = n as u32;
                val = r;
            }
            Std::Minute | Std::ZeroMinute => {
                let (n, r) = num(val, if std == Std::Minute { 1 } else { 2 }, 2).ok_or_else(err)?;
                if n >= 60 {
                    return Err(range_err("minute"));
                }
                min = n as u32;
                val = r;
            }
            Std::Second | Std::ZeroSecond => {
                let (n, r) = num(val, if std == Std::Second { 1 } else { 2 }, 2).ok_or_else(err)?;
                if n >= 60 {
                    return Err(range_err("second"));
                }
                sec = n as u32;
                val = r;
                // Go accepts a fractional second after seconds even if the layout has none.
                if (val.starts_with('.') || val.starts_with(','))
                    && !lay.starts_with('.')
                    && !lay.starts_with(',')
                {
                    let digits = val[1..].bytes().take_while(|c| c.is_ascii_digit()).count();
                    if digits > 0 {
                        let f = &val[1..1 + digits];
                        nsec = format!("{:0<9}", &f[..f.len().min(9)]).parse().unwrap_or(0);
                        val = &val[1 + digits..];
                    }
                }
            }
            Std::PM | Std::Pm => {
                let v = val.get(..2).ok_or_else(err)?;
                pm = Some(match v.to_ascii_uppercase().as_str() {
                    "PM" => true,
                    "AM" => false,
                    _ => return Err(err()),
                });
                val = &val[2..];
            }
            Std::Tz(kind) => {
                if kind.iso && val.starts_with('Z') {
                    val = &val[1..];
                    offset = Some(0);
                    zone_name = Some("UTC".into());
                    continue;
                }
                let sign = match val.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(err()),
                };
                val = &val[1..];
                let (h, r) = num(val, 2, 2).ok_or_else(err)?;
                val = r;
                let mut m = 0;
                let mut s = 0;
                if !kind.short {
                    if kind.colon {
                        val = val.strip_prefix(':').ok_or_else(err)?;
                    }
                    let (x, r) = num(val, 2, 2).ok_or_else(err)?;
                    m = x;
                    val = r;
                }
                if kind.seconds {
                    if kind.colon {
                        val = val.strip_prefix(':').ok_or_else(err)?;
                    }
                    let (x, r) = num(val, 2, 2).ok_or_else(err)?;
                    s = x;
                    val = r;
                }
                offset = Some(sign * (h * 3600 + m * 60 + s) as i32);
            }
            Std::TzName => {
                let n = val.bytes().take_while(|c| c.is_ascii_uppercase()).count();
                if n < 3 {
                    return Err(err());
                }
                zone_name = Some(val[..n].to_string());
                val = &val[n..];
            }
            Std::Frac { digits, .. } => {
                let v = val.get(1..).ok_or_else(err)?;
                let n = v.bytes().take_while(|c| c.is_ascii_digit()).count();
                if n == 0
                    || (digits > 0 && !matches!(std, Std::Frac { nines: true, .. }) && n != digits)
                {
                    return Err(err());
                }
                nsec = format!("{:0<9}", &v[..n.min(9)]).parse().unwrap_or(0);
                val = &v[n..];
            }
        }
    }
    if !val.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            super::strings::go_quote(value),
            super::strings::go_quote(val)
        ));
    }
    if let Some(p) = pm {
        if hour > 12 {
            return Err(err());
        }
        if p && hour < 12 {
            hour += 12;
        } else if !p && hour == 12 {
            hour = 0;
        }
    }
    if let Some(yd) = yday {
        let d = days_from_civil(year, 1, 1) + yd as i64 - 1;
        let (_, m, dd) = civil_from_days(d);
        month = m;
        day = dd;
    }
    let mdays = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > mdays[month as usize - 1]
        || hour > 23
        || min > 59
        || sec > 59
    {
        return Err(format!(
            "parsing time {}: {} out of range",
            super::strings::go_quote(value),
            if !(1..=12).contains(&month) {
                "month"
            } else {
                "day"
            }
        ));
    }
    let local = days_from_civil(year, month, day)
        .saturating_mul(86400)
        .saturating_add((hour * 3600 + min * 60 + sec) as i64);
    let zone = match (offset, zone_name) {
        (Some(o), Some(n)) => Zone { name: n, offset: o },
        (Some(o), None) => {
            if o == loc.offset {
                loc.clone()
            } else {
                Zone {
                    name: String::new(),
                    offset: o,
                }
            }
        }
        (None, Some(n)) => {
            if n == loc.name {
                loc.clone()
            } else if n == "UTC" {
                Zone::utc()
            } else {
                Zone { name: n, offset: 0 }
            }
        }
        (None, None) => loc.clone(),
    };
    Ok(GoTime {
        secs: local.saturating_sub(zone.offset as i64),
        nsec,
        zone,
    })
}

/// `time.Duration.String()`.
pub fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    fn frac(u: u64, prec: u32) -> (String, u64) {
        let mut digits = String::new();
        let mut v = u;
        let mut print = false;
        for _ in 0..prec {
            let digit = v % 10;
            print = print || digit != 0;
            if print {
                digits.insert(0, (b'0' + digit as u8) as char);
            }
            v /= 10;
        }
        if print {
            digits.insert(0, '.');
        }
        (digits, v)
    }
    if u < 1_000_000_000 {
        if u == 0 {
            return "0s".into();
        }
        let (unit, prec) = if u < 1_000 {
            ("ns", 0)
        } else if u < 1_000_000 {
            ("µs", 3)
        } else {
            ("ms", 6)
        };
        let (f, v) = frac(u, prec);
        out = format!("{v}{f}{unit}");
    } else {
        let (f, v) = frac(u, 9);
        u = v;
        let s = format!("{}{f}s", u % 60);
        u /= 60;
        if u > 0 {
            let m = format!("{}m", u % 60);
            u /= 60;
            if u > 0 {
                out.push_str(&format!("{u}h"));
            }
            out.push_str(&m);
        }
        out.push_str(&s);
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// `time.ParseDuration`.
pub fn parse_duration(s0: &str) -> Result<i64, String> {
    let err = || format!("time: invalid duration {}", super::strings::go_quote(s0));
    let mut s = s0;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(err());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let n_int = s.bytes().take_while(|c| c.is_ascii_digit()).count();
        let int_part = &s[..n_int];
        s = &s[n_int..];
        let mut frac_part = "";
        if let Some(r) = s.strip_prefix('.') {
            let n = r.bytes().take_while(|c| c.is_ascii_digit()).count();
            frac_part = &r[..n];
            s = &r[n..];
            if n_int == 0 && n == 0 {
                return Err(err());
            }
        } else if n_int == 0 {
            return Err(err());
        }
        let u_len = s
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map(|(i, _)| i)
            .unwrap_or(s.len());
        if u_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                super::strings::go_quote(s0)
            ));
        }
        let unit = &s[..u_len];
        s = &s[u_len..];
        let mult: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    super::strings::go_quote(unit),
                    super::strings::go_quote(s0)
                ))
            }
        };
        let iv: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| err())?
        };
        let mut v = iv.checked_mul(mult).ok_or_else(err)?;
        if !frac_part.is_empty() {
            let mut scale: u128 = 1;
            let mut f: u128 = 0;
            for c in frac_part.bytes().take(30) {
                f = f * 10 + (c - b'0') as u128;
                scale *= 10;
            }
            v += f * mult / scale;
        }
        total = total.checked_add(v).ok_or_else(err)?;
        if total > i64::MAX as u128 + neg as u128 {
            return Err(err());
        }
    }
    Ok(if neg {
        (total as i128).wrapping_neg() as i64
    } else {
        total as i64
    })
}

/// `Duration.Round(m)` (half away from zero).
pub fn duration_round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if r + r < m {
            return d + r;
        }
        d.checked_sub(m - r).unwrap_or(i64::MIN)
    } else {
        if r + r < m {
            return d - r;
        }
        d.checked_add(m - r).unwrap_or(i64::MAX)
    }
}

/// The `time.Time` host object.
#[derive(Debug)]
pub struct TimeObject(pub GoTime);

impl TimeObject {
    pub fn value(t: GoTime) -> Value {
        Value::Object(Rc::new(TimeObject(t)))
    }
}

pub fn as_time(v: &Value) -> Option<GoTime> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<TimeObject>().map(|t| t.0.clone()),
        _ => None,
    }
}

impl Object for TimeObject {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        super::clock::TIME_METHODS.contains(&name)
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let t = &self.0;
        let p = t.parts();
        Ok(match name {
            "Unix" => Value::Int64(t.secs),
            "UnixNano" => Value::Int64(t.unix_nanos() as i64),
            "UnixMilli" => Value::Int64((t.unix_nanos() / 1_000_000) as i64),
            "Year" => Value::Int(p.year),
            "Month" => Value::from(MONTHS[p.month as usize - 1]),
            "Day" => Value::Int(p.day as i64),
            "Hour" => Value::Int(p.hour as i64),
            "Minute" => Value::Int(p.min as i64),
            "Second" => Value::Int(p.sec as i64),
            "Nanosecond" => Value::Int(p.nsec as i64),
            "YearDay" => Value::Int(p.yday as i64),
            "Weekday" => Value::from(DAYS[p.wday]),
            "Format" => Value::from(t.format(args.first().and_then(Value::as_str).unwrap_or(""))),
            "UTC" => TimeObject::value(t.in_zone(Zone::utc())),
            "Local" => TimeObject::value(t.clone()),
            "String" => Value::from(t.go_string()),
            "IsZero" => {
                Value::Bool(*t == GoTime::zero() || (t.secs == GoTime::zero().secs && t.nsec == 0))
            }
            "Add" => {
                let d = match args.first() {
                    Some(Value::Int(n)) | Some(Value::Int64(n)) => *n,
                    _ => 0,
                };
                TimeObject::value(GoTime::from_unix_nanos(
                    t.unix_nanos() + d as i128,
                    t.zone.clone(),
                ))
            }
            "AddDate" => {
                let g = |i: usize| match args.get(i) {
                    Some(Value::Int(n)) | Some(Value::Int64(n)) => *n,
                    _ => 0,
                };
                let total_m = p
                    .year
                    .saturating_mul(12)
                    .saturating_add(p.month as i64 - 1)
                    .saturating_add(g(1))
                    .saturating_add(g(0).saturating_mul(12));
                let (y, m) = (total_m.div_euclid(12), total_m.rem_euclid(12) as u32 + 1);
                let days = days_from_civil(y.clamp(-1 << 40, 1 << 40), m, 1)
                    .saturating_add(p.day as i64 - 1)
                    .saturating_add(g(2));
                let local = days
                    .saturating_mul(86400)
                    .saturating_add((p.hour * 3600 + p.min * 60 + p.sec) as i64);
                TimeObject::value(GoTime {
                    secs: local.saturating_sub(t.zone.offset as i64),
                    nsec: t.nsec,
                    zone: t.zone.clone(),
                })
            }
            _ => return Err(format!("can't evaluate field {name} in type time.Time")),
        })
    }
    fn display(&self) -> String {
        self.0.go_string()
    }
    fn to_data(&self) -> Value {
        // encoding/json: RFC 3339 with nanoseconds
        Value::from(self.0.format("2006-01-02T15:04:05.999999999Z07:00"))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
