//! The crypto functions (and, without the `regex`, `schema` and `dates` features, the regex
//! patterns that need the full engine, the values.schema.json validator and the date functions
//! with their `time.Time` values: [`call_clock`]) across a module boundary
//! (issue #11). The playground's first download
//! is built without the `crypto` feature; a chart that calls `genCA`, `bcrypt`, ... makes the
//! page load a second wasm module built with it. The two talk through strings: the caller
//! sends the function's name, its arguments and the random stream's state; the module runs
//! the same code as the built-in functions and sends back the result and the stream's new
//! position, so the output is identical to a build with the feature (same bytes, same
//! errors, same stream position for the functions called after it).
//!
//! * [`call`] is the caller's side: without the feature, the crypto functions go through it
//!   to the host installed with [`set_host`]. When no host is installed the function fails
//!   and [`take_wanted`] tells the caller to load the module and render again.
//! * [`serve`] is the module's side (needs the feature).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gotemplate::{FuncError, Map, Value};
use serde_json::{json, Value as J};

use super::crypto::Certificate;
use super::env::FuncEnv;

/// Takes a request made by [`call`] and returns [`serve`]'s answer, or `None` when the module
/// is not (yet) available.
pub type Host = Box<dyn Fn(&str) -> Option<String>>;

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
    static WANTED: Cell<bool> = const { Cell::new(false) };
}

/// Install (or with `None` remove) the host that serves the crypto functions.
pub fn set_host(host: Option<Host>) {
    HOST.with(|h| *h.borrow_mut() = host);
}

/// Whether a crypto function was called with no host able to serve it since the last call
/// (then the render's output holds that function's "not loaded" error).
pub fn take_wanted() -> bool {
    WANTED.with(|w| w.replace(false))
}

/// [`take_wanted`] without taking it.
pub fn wanted() -> bool {
    WANTED.with(|w| w.get())
}

/// The names served over the wire (Sprig's crypto.go functions).
pub const NAMES: [&str; 13] = [
    "bcrypt",
    "htpasswd",
    "genPrivateKey",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "encryptAES",
    "buildCustomCert",
    "decryptAES",
    "derivePassword",
];

/// Run `name` through the host. `env` is `None` for the functions that need no randomness.
pub fn call(name: &str, mut env: Option<&mut FuncEnv>, args: &[Value]) -> Result<Value, FuncError> {
    let (seed, now, pos) = match env.as_deref_mut() {
        Some(e) => (e.seed, e.now, e.word_pos()),
        None => (0, 0, 0),
    };
    let request = json!({
        "name": name,
        "args": args.iter().map(encode).collect::<Vec<_>>(),
        "env": env.is_some(),
        "seed": seed.to_string(),
        "now": now.to_string(),
        "pos": pos.to_string(),
    })
    .to_string();
    let a = exchange(name, &request)?;
    if let (Some(env), Some(pos)) = (env, a["pos"].as_str().and_then(|p| p.parse().ok())) {
        env.rng().set_word_pos(pos);
    }
    result(name, &a)
}

/// Run the date function `name` (or, as `time.METHOD`, a method of the `time.Time` that comes
/// first in `args`) through the host: `funcs::clock` without the `dates` feature. `env` gives
/// `now` and `Local` (the random stream is not touched).
pub fn call_clock(name: &str, env: Option<&FuncEnv>, args: &[Value]) -> Result<Value, FuncError> {
    let (now, local) = match env {
        Some(e) => (e.now, e.local.clone()),
        None => (0, super::env::Zone::utc()),
    };
    let request = json!({
        "name": name,
        "args": args.iter().map(encode).collect::<Vec<_>>(),
        "clock": [now.to_string(), local.name, local.offset],
    })
    .to_string();
    result(name, &exchange(name, &request)?)
}

/// Send a request to the host; its parsed answer, or the "not loaded" error (and
/// [`take_wanted`] is set).
fn exchange(name: &str, request: &str) -> Result<J, FuncError> {
    let answer = HOST.with(|h| h.borrow().as_ref().and_then(|h| h(request)));
    let Some(answer) = answer else {
        WANTED.with(|w| w.set(true));
        return Err(FuncError(format!(
            "{name}: the second module is not loaded yet (it loads when a chart needs it)"
        )));
    };
    serde_json::from_str(&answer)
        .map_err(|e| FuncError(format!("{name}: bad answer from the crypto module: {e}")))
}

fn result(name: &str, a: &J) -> Result<Value, FuncError> {
    match (&a["ok"], a["err"].as_str()) {
        (_, Some(e)) => Err(FuncError(e.to_string())),
        (v, None) => decode(v, false)
            .ok_or_else(|| FuncError(format!("{name}: bad answer from the crypto module"))),
    }
}

/// The module's side: answer a request made by [`call`].
#[cfg(feature = "crypto")]
pub fn serve(request: &str) -> String {
    thread_local! {
        // Kept across calls: its memo of generated keys makes re-renders fast, as in the
        // built-in case.
        static ENV: RefCell<FuncEnv> = RefCell::new(FuncEnv::default());
    }
    let answer = |r: Result<Value, FuncError>, pos: Option<u128>| {
        let mut a = match r {
            Ok(v) => json!({ "ok": encode(&v) }),
            Err(e) => json!({ "err": e.0 }),
        };
        if let Some(p) = pos {
            a["pos"] = J::String(p.to_string());
        }
        a.to_string()
    };
    let Ok(q) = serde_json::from_str::<J>(request) else {
        return answer(
            Err(FuncError("bad request to the crypto module".into())),
            None,
        );
    };
    let name = q["name"].as_str().unwrap_or("");
    let args: Option<Vec<Value>> = q["args"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| decode(v, true))
                .collect::<Option<Vec<_>>>()
        })
        .unwrap_or(None);
    let Some(args) = args else {
        return answer(
            Err(FuncError(format!(
                "{name}: bad arguments to the crypto module"
            ))),
            None,
        );
    };
    let num = |k: &str| q[k].as_str().unwrap_or("0").to_string();
    #[cfg(feature = "dates")]
    if let Some(clock) = q["clock"].as_array() {
        let mut env = FuncEnv::new(
            0,
            clock
                .first()
                .and_then(J::as_str)
                .unwrap_or("0")
                .parse()
                .unwrap_or(0),
        );
        env.local = super::env::Zone {
            name: clock
                .get(1)
                .and_then(J::as_str)
                .unwrap_or("UTC")
                .to_string(),
            offset: clock.get(2).and_then(J::as_i64).unwrap_or(0) as i32,
        };
        let r = super::clock::run_builtin(name, &mut env, &args)
            .unwrap_or_else(|| Err(FuncError(format!("{name}: not a date function"))));
        return answer(r, None);
    }
    if q["env"].as_bool() == Some(true) {
        ENV.with(|e| {
            let mut e = e.borrow_mut();
            e.seed = num("seed").parse().unwrap_or(0);
            e.now = num("now").parse().unwrap_or(0);
            let pos: u128 = num("pos").parse().unwrap_or(0);
            e.rng().set_word_pos(pos);
            let r = super::crypto::run_builtin(name, Some(&mut e), &args);
            let after = e.word_pos();
            answer(r, Some(after))
        })
    } else {
        #[cfg(feature = "schema")]
        if name == crate::schema::WIRE_NAME {
            return answer(crate::schema::serve(&args), None);
        }
        #[cfg(feature = "rare-functions")]
        if let Some(f) = super::rare_builtin(name) {
            return answer(f(&args), None);
        }
        #[cfg(feature = "regex")]
        if let Some(f) = super::regex::builtin(name) {
            return answer(f(&args), None);
        }
        answer(super::crypto::run_builtin(name, None, &args), None)
    }
}

/// A host object other than a certificate, as the other side sees it: same type name, same
/// `%v` text and data.
struct Opaque {
    type_name: String,
    display: String,
    data: Value,
}

impl gotemplate::Object for Opaque {
    fn type_name(&self) -> &str {
        &self.type_name
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn display(&self) -> String {
        self.display.clone()
    }
    fn to_data(&self) -> Value {
        self.data.clone()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A `time.Time` made by the second module, on the caller's side without the `dates` feature:
/// its `%v` text and JSON form come with it; its methods are run by the module.
#[derive(Clone)]
struct RemoteTime {
    secs: i64,
    nsec: u32,
    zone: super::env::Zone,
    display: String,
    data: Value,
}

impl RemoteTime {
    /// The time as the side that decoded it holds one: the real `time.Time` where the date
    /// functions are built in (the module; the caller too, except in this file's tests, which
    /// check this type against the real one).
    fn into_value(self, module: bool) -> Value {
        #[cfg(feature = "dates")]
        if module || !cfg!(test) {
            return super::dates::TimeObject::value(super::dates::GoTime {
                secs: self.secs,
                nsec: self.nsec,
                zone: self.zone,
            });
        }
        let _ = module;
        Value::Object(Rc::new(self))
    }
}

impl gotemplate::Object for RemoteTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        super::clock::TIME_METHODS.contains(&name)
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let mut a = Vec::with_capacity(args.len() + 1);
        a.push(Value::Object(Rc::new(self.clone())));
        a.extend_from_slice(args);
        call_clock(&format!("time.{name}"), None, &a).map_err(|e| e.0)
    }
    fn display(&self) -> String {
        self.display.clone()
    }
    fn to_data(&self) -> Value {
        self.data.clone()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn encode(v: &Value) -> J {
    match v {
        Value::Nil => json!(["n"]),
        Value::Bool(b) => json!(["b", b]),
        Value::Int(i) => json!(["i", i]),
        Value::Int64(i) => json!(["I", i]),
        Value::Float(f) => json!(["f", f.to_bits().to_string()]),
        Value::String(s) => json!(["s", &**s]),
        Value::Bytes(b) => json!(["y", &**b]),
        Value::List(l) => J::Array(
            std::iter::once(json!("l"))
                .chain(l.iter().map(encode))
                .collect(),
        ),
        Value::Map(m) => J::Array(
            std::iter::once(json!("m"))
                .chain(m.borrow().iter().map(|(k, v)| json!([k, encode(v)])))
                .collect(),
        ),
        Value::Object(o) => {
            if let Some(c) = o.as_any().downcast_ref::<Certificate>() {
                return json!(["c", c.cert, c.key]);
            }
            #[cfg(feature = "dates")]
            if let Some(t) = o.as_any().downcast_ref::<super::dates::TimeObject>() {
                let z = &t.0.zone;
                return json!([
                    "t",
                    t.0.secs.to_string(),
                    t.0.nsec,
                    z.name,
                    z.offset,
                    o.display(),
                    encode(&o.to_data())
                ]);
            }
            if let Some(t) = o.as_any().downcast_ref::<RemoteTime>() {
                return json!([
                    "t",
                    t.secs.to_string(),
                    t.nsec,
                    t.zone.name,
                    t.zone.offset,
                    t.display,
                    encode(&t.data)
                ]);
            }
            json!(["o", o.type_name(), o.display(), encode(&o.to_data())])
        }
    }
}

/// `module`: decoding on the second module's side, where times are the real `time.Time`.
fn decode(j: &J, module: bool) -> Option<Value> {
    let a = j.as_array()?;
    let s = |i: usize| a.get(i).and_then(J::as_str);
    Some(match s(0)? {
        "n" => Value::Nil,
        "b" => Value::Bool(a.get(1)?.as_bool()?),
        "i" => Value::Int(a.get(1)?.as_i64()?),
        "I" => Value::Int64(a.get(1)?.as_i64()?),
        "f" => Value::Float(f64::from_bits(s(1)?.parse().ok()?)),
        "s" => Value::from(s(1)?),
        "y" => Value::Bytes(
            a.get(1)?
                .as_array()?
                .iter()
                .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect::<Option<Vec<u8>>>()?
                .into(),
        ),
        "l" => Value::list(
            a[1..]
                .iter()
                .map(|v| decode(v, module))
                .collect::<Option<Vec<_>>>()?,
        ),
        "m" => {
            let mut m = Map::new();
            for kv in &a[1..] {
                let kv = kv.as_array()?;
                m.insert(
                    kv.first()?.as_str()?.to_string(),
                    decode(kv.get(1)?, module)?,
                );
            }
            Value::map(m)
        }
        "c" => Certificate {
            cert: s(1)?.to_string(),
            key: s(2)?.to_string(),
        }
        .value(),
        "t" => {
            let t = RemoteTime {
                secs: s(1)?.parse().ok()?,
                nsec: u32::try_from(a.get(2)?.as_u64()?).ok()?,
                zone: super::env::Zone {
                    name: s(3)?.to_string(),
                    offset: i32::try_from(a.get(4)?.as_i64()?).ok()?,
                },
                display: s(5)?.to_string(),
                data: decode(a.get(6)?, module)?,
            };
            t.into_value(module)
        }
        "o" => Value::Object(Rc::new(Opaque {
            type_name: s(1)?.to_string(),
            display: s(2)?.to_string(),
            data: decode(a.get(3)?, module)?,
        })),
        _ => return None,
    })
}

#[cfg(all(test, feature = "crypto"))]
mod tests {
    use super::*;

    /// Every crypto function through the wire (request, `serve`, answer) gives what the
    /// built-in function gives, and leaves the random stream where the built-in one does.
    #[test]
    fn wire_equals_builtin() {
        set_host(Some(Box::new(|q: &str| Some(serve(q)))));
        let ca = {
            let mut e = FuncEnv::new(7, 1_700_000_000_000_000_000);
            super::super::crypto::run_builtin(
                "genCA",
                Some(&mut e),
                &[Value::from("ca"), Value::Int(30)],
            )
            .expect("genCA")
        };
        let s = |x: &str| Value::from(x);
        let l = |x: &[&str]| Value::list(x.iter().map(|x| Value::from(*x)).collect());
        let cases: Vec<(&str, Vec<Value>)> = vec![
            ("genCA", vec![s("ca"), Value::Int(365)]),
            ("genPrivateKey", vec![s("ecdsa")]),
            ("genPrivateKey", vec![s("ed25519")]),
            ("genPrivateKey", vec![s("nope")]),
            (
                "genSelfSignedCert",
                vec![s("x"), l(&["10.0.0.1"]), l(&["a.b"]), Value::Int(3)],
            ),
            (
                "genSelfSignedCert",
                vec![s("x"), l(&["not-an-ip"]), l(&[]), Value::Int(3)],
            ),
            (
                "genSignedCert",
                vec![s("leaf"), Value::Nil, l(&["a"]), Value::Int(5), ca.clone()],
            ),
            (
                "genSignedCert",
                vec![
                    s("leaf"),
                    Value::Nil,
                    Value::Nil,
                    Value::Int(5),
                    s("no cert"),
                ],
            ),
            ("bcrypt", vec![s("pw")]),
            ("htpasswd", vec![s("user"), s("pw")]),
            ("encryptAES", vec![s("k"), s("text")]),
            ("decryptAES", vec![s("k"), s("bm90IGJhc2U2NA==")]),
            (
                "derivePassword",
                vec![Value::Int(1), s("long"), s("pw"), s("user"), s("site")],
            ),
            ("buildCustomCert", vec![s("bad"), s("bad")]),
        ];
        for (name, args) in cases {
            let with_env = !matches!(name, "decryptAES" | "derivePassword" | "buildCustomCert");
            let mut e1 = FuncEnv::new(42, 1_700_000_000_000_000_000);
            let mut e2 = FuncEnv::new(42, 1_700_000_000_000_000_000);
            // draw something first so the stream position is not at its start
            e1.bytes(5);
            e2.bytes(5);
            let (want, got) = if with_env {
                (
                    super::super::crypto::run_builtin(name, Some(&mut e1), &args),
                    call(name, Some(&mut e2), &args),
                )
            } else {
                (
                    super::super::crypto::run_builtin(name, None, &args),
                    call(name, None, &args),
                )
            };
            let show = |r: &Result<Value, FuncError>| match r {
                Ok(v) => format!(
                    "ok {} {}",
                    v.type_name(),
                    gotemplate::format::format_value(v)
                ),
                Err(e) => format!("err {}", e.0),
            };
            assert_eq!(show(&got), show(&want), "{name}");
            assert_eq!(e2.word_pos(), e1.word_pos(), "{name}: stream position");
        }
        set_host(None);
        let mut e = FuncEnv::default();
        assert!(call("genCA", Some(&mut e), &[s("x"), Value::Int(1)]).is_err());
        assert!(take_wanted());
        assert!(!take_wanted());
    }

    #[test]
    fn values_round_trip() {
        let mut m = Map::new();
        m.insert("k".into(), Value::Float(0.1));
        let v = Value::list(vec![
            Value::Nil,
            Value::Bool(true),
            Value::Int(-3),
            Value::Int64(i64::MAX),
            Value::Float(f64::NAN),
            Value::from("é\u{0}"),
            Value::Bytes(vec![0u8, 255].into()),
            Value::map(m),
        ]);
        let back = decode(&encode(&v), false).expect("decodes");
        assert_eq!(
            gotemplate::format::format_value(&back),
            gotemplate::format::format_value(&v)
        );
        assert_eq!(back.type_name(), v.type_name());
    }
}

#[cfg(all(test, feature = "crypto"))]
mod clock_tests {
    use super::*;

    fn show(r: &Result<Value, FuncError>) -> String {
        match r {
            Ok(Value::Object(o)) => format!(
                "ok {} {} data={}",
                o.type_name(),
                o.display(),
                gotemplate::format::format_value(&o.to_data())
            ),
            Ok(v) => format!(
                "ok {} {}",
                v.type_name(),
                gotemplate::format::format_value(v)
            ),
            Err(e) => format!("err {}", e.0),
        }
    }

    /// Every date function and every `time.Time` method through the wire (the page's side
    /// holds a `RemoteTime`, the module runs `clock`) gives what the built-in function gives.
    #[test]
    fn dates_over_the_wire_equal_builtin() {
        set_host(Some(Box::new(|q: &str| Some(serve(q)))));
        let mut env = FuncEnv::new(3, 1_700_000_123_456_789_000);
        env.local = super::super::env::Zone {
            name: "CET".into(),
            offset: 3600,
        };
        let builtin = |name: &str, env: &mut FuncEnv, a: &[Value]| {
            super::super::clock::run_builtin(name, env, a).expect(name)
        };
        let local_now = builtin("now", &mut env, &[]).unwrap();
        let remote_now = call_clock("now", Some(&env), &[]).unwrap();
        let Value::Object(o) = &remote_now else {
            panic!("now is a time")
        };
        assert!(
            o.as_any().is::<RemoteTime>(),
            "the caller holds a RemoteTime"
        );
        let s = |x: &str| Value::from(x);
        let cases: Vec<(&str, Vec<Value>, bool)> = vec![
            ("now", vec![], false),
            ("date", vec![s("2006-01-02 15:04:05.000 MST Mon Jan")], true),
            ("date", vec![s("2006"), Value::Int(86_400)], false),
            ("htmlDate", vec![], true),
            ("htmlDateInZone", vec![s("Europe/Berlin")], true),
            (
                "dateInZone",
                vec![s("Jan _2 15:04 -07:00"), s("America/New_York")],
                true,
            ),
            (
                "date_in_zone",
                vec![s(time_layout()), s("Nowhere/Zone")],
                true,
            ),
            ("dateModify", vec![s("-1.5h")], true),
            ("date_modify", vec![s("nonsense")], true),
            ("mustDateModify", vec![s("2h45m")], true),
            ("must_date_modify", vec![s("nonsense")], true),
            ("dateModify", vec![s("1h"), s("not a time")], false),
            ("toDate", vec![s("2006-01-02"), s("2017-12-31")], false),
            ("toDate", vec![s("2006-01-02"), s("bad")], false),
            (
                "mustToDate",
                vec![s("2006-01-02 15:04"), s("2024-02-29 23:59")],
                false,
            ),
            ("mustToDate", vec![s("2006-01-02"), s("2024-13-01")], false),
            ("unixEpoch", vec![], true),
            ("unixEpoch", vec![Value::Int(5)], false),
            ("ago", vec![Value::Int64(1_600_000_000)], false),
            ("ago", vec![], true),
            ("durationRound", vec![s("2h5m")], false),
            ("durationRound", vec![], true),
            ("duration", vec![s("95")], false),
            ("duration", vec![Value::Int64(4000)], false),
        ];
        for (name, args, time_last) in cases {
            // the time argument goes where Sprig takes it: last
            let with = |t: &Value| {
                let mut a = args.clone();
                if time_last {
                    if name.contains("odify")
                        || name == "date"
                        || name.contains("dateInZone")
                        || name.contains("date_in_zone")
                    {
                        a.insert(1, t.clone());
                    } else {
                        a.insert(0, t.clone());
                    }
                }
                a
            };
            let want = builtin(name, &mut env, &with(&local_now));
            let got = call_clock(name, Some(&env), &with(&remote_now));
            assert_eq!(show(&got), show(&want), "{name} {args:?}");
        }
        // Methods, on a time from the module and on one it moved.
        let modified = |t: &Value, e: &mut FuncEnv, remote: bool| {
            let a = [s("-49h30m"), t.clone()];
            if remote {
                call_clock("dateModify", Some(e), &a).unwrap()
            } else {
                builtin("dateModify", e, &a).unwrap()
            }
        };
        let pairs = [
            (local_now.clone(), remote_now.clone()),
            (
                modified(&local_now, &mut env, false),
                modified(&remote_now, &mut env, true),
            ),
        ];
        for (local, remote) in pairs {
            let (Value::Object(l), Value::Object(r)) = (&local, &remote) else {
                panic!("times")
            };
            for m in super::super::clock::TIME_METHODS {
                assert!(l.has_method(m) && r.has_method(m), "{m}");
                let args: Vec<Value> = match m {
                    "Format" => vec![s("Monday 2 January 2006 3:04PM -0700")],
                    "Add" => vec![Value::Int64(90_000_000_000)],
                    "AddDate" => vec![Value::Int(1), Value::Int(-13), Value::Int(40)],
                    _ => vec![],
                };
                let want = l.call_method(m, &args).map_err(FuncError);
                let got = r.call_method(m, &args).map_err(FuncError);
                assert_eq!(show(&got), show(&want), "method {m}");
            }
            assert_eq!(
                r.call_method("Nope", &[]).map_err(FuncError).map(|_| ()),
                l.call_method("Nope", &[]).map_err(FuncError).map(|_| ())
            );
        }
        set_host(None);
        assert!(call_clock("now", Some(&env), &[]).is_err());
        assert!(take_wanted());
    }

    fn time_layout() -> &'static str {
        "2006-01-02T15:04:05.999999999Z07:00"
    }
}

#[cfg(all(test, feature = "crypto", feature = "rare-functions"))]
mod rare_tests {
    use super::*;

    /// Every rarely used function through the wire gives what the built-in one gives, errors
    /// included.
    #[test]
    fn rare_functions_over_the_wire_equal_builtin() {
        set_host(Some(Box::new(|q: &str| Some(serve(q)))));
        let s = |x: &str| Value::from(x);
        let l = |x: &[i64]| Value::list(x.iter().map(|i| Value::Int(*i)).collect());
        let mut m = Map::new();
        m.insert("scheme".into(), s("https"));
        m.insert("host".into(), s("h.example:8443"));
        m.insert("path".into(), s("/a b"));
        m.insert("query".into(), s("q=1"));
        let mut inner = Map::new();
        inner.insert("k".into(), Value::list(vec![Value::Int(1), s("two")]));
        inner.insert("t".into(), s("a\nb"));
        let mut outer = Map::new();
        outer.insert("table".into(), Value::map(inner));
        outer.insert("n".into(), Value::Float(1.5));
        let nested = Value::map(outer);
        let cases: Vec<(&str, Vec<Value>)> = vec![
            ("abbrev", vec![Value::Int(5), s("hello world")]),
            (
                "abbrevboth",
                vec![Value::Int(5), Value::Int(10), s("1234 5678 9123")],
            ),
            ("swapcase", vec![s("Hello World")]),
            ("snakecase", vec![s("FirstName")]),
            ("camelcase", vec![s("http_server")]),
            ("kebabcase", vec![s("FirstName")]),
            ("wrap", vec![Value::Int(5), s("Hello World")]),
            ("wrapWith", vec![Value::Int(5), s("\t"), s("Hello World")]),
            ("sha512sum", vec![s("Hello world!")]),
            ("b32enc", vec![s("Hello")]),
            ("b32dec", vec![s("JBSWY3DP")]),
            ("b32dec", vec![s("not base32!")]),
            ("round", vec![Value::Float(123.5555), Value::Int(3)]),
            ("round", vec![s("x"), Value::Int(1)]),
            (
                "urlParse",
                vec![s("https://u:p@h.example:8443/p/q?x=1#frag")],
            ),
            ("urlParse", vec![s("%zz")]),
            ("urlJoin", vec![Value::map(m)]),
            ("chunk", vec![Value::Int(2), l(&[1, 2, 3, 4, 5])]),
            ("mustChunk", vec![Value::Int(2), s("not a list")]),
            (
                "toYamlPretty",
                vec![Value::list(vec![nested.clone(), s("x: y")])],
            ),
            ("toToml", vec![nested.clone()]),
            ("seq", vec![Value::Int(5), Value::Int(-2), Value::Int(0)]),
            (
                "untilStep",
                vec![Value::Int(0), Value::Int(10), Value::Int(3)],
            ),
            ("repeat", vec![Value::Int(3), s("ab")]),
            ("repeat", vec![Value::Int(-1), s("ab")]),
            ("plural", vec![s("one"), s("many"), Value::Int(2)]),
            ("initials", vec![s("First Try")]),
            ("nospace", vec![s(" a b\tc ")]),
            ("toDecimal", vec![s("0777")]),
            ("deepEqual", vec![nested.clone(), nested.clone()]),
            ("deepEqual", vec![Value::Int(1), s("1")]),
        ];
        assert_eq!(
            cases
                .iter()
                .map(|c| c.0)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            super::super::RARE.len(),
            "a case for every rare function"
        );
        for (name, args) in cases {
            let f = super::super::rare_builtin(name).expect(name);
            let show = |r: &Result<Value, FuncError>| match r {
                Ok(v) => format!(
                    "ok {} {}",
                    v.type_name(),
                    gotemplate::format::format_value(v)
                ),
                Err(e) => format!("err {}", e.0),
            };
            let want = f(&args);
            let got = call(name, None, &args);
            assert_eq!(show(&got), show(&want), "{name}");
        }
        assert!(super::super::rare_builtin("quote").is_none());
        set_host(None);
        assert!(call("sha512sum", None, &[s("x")]).is_err());
        assert!(take_wanted());
    }
}
