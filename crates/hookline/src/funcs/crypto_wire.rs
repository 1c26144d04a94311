//! The crypto functions (and, without the `regex` and `schema` features, the regex patterns
//! that need the full engine and the values.schema.json validator) across a module boundary
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
    let answer = HOST.with(|h| h.borrow().as_ref().and_then(|h| h(&request)));
    let Some(answer) = answer else {
        WANTED.with(|w| w.set(true));
        return Err(FuncError(format!(
            "{name}: the second module is not loaded yet (it loads when a chart needs it)"
        )));
    };
    let a: J = serde_json::from_str(&answer)
        .map_err(|e| FuncError(format!("{name}: bad answer from the crypto module: {e}")))?;
    if let (Some(env), Some(pos)) = (env, a["pos"].as_str().and_then(|p| p.parse().ok())) {
        env.rng().set_word_pos(pos);
    }
    match (&a["ok"], a["err"].as_str()) {
        (_, Some(e)) => Err(FuncError(e.to_string())),
        (v, None) => {
            decode(v).ok_or_else(|| FuncError(format!("{name}: bad answer from the crypto module")))
        }
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
        .map(|a| a.iter().map(decode).collect::<Option<Vec<_>>>())
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
        Value::Object(o) => match o.as_any().downcast_ref::<Certificate>() {
            Some(c) => json!(["c", c.cert, c.key]),
            None => json!(["o", o.type_name(), o.display(), encode(&o.to_data())]),
        },
    }
}

fn decode(j: &J) -> Option<Value> {
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
        "l" => Value::list(a[1..].iter().map(decode).collect::<Option<Vec<_>>>()?),
        "m" => {
            let mut m = Map::new();
            for kv in &a[1..] {
                let kv = kv.as_array()?;
                m.insert(kv.first()?.as_str()?.to_string(), decode(kv.get(1)?)?);
            }
            Value::map(m)
        }
        "c" => Certificate {
            cert: s(1)?.to_string(),
            key: s(2)?.to_string(),
        }
        .value(),
        "o" => Value::Object(Rc::new(Opaque {
            type_name: s(1)?.to_string(),
            display: s(2)?.to_string(),
            data: decode(a.get(3)?)?,
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
        let back = decode(&encode(&v)).expect("decodes");
        assert_eq!(
            gotemplate::format::format_value(&back),
            gotemplate::format::format_value(&v)
        );
        assert_eq!(back.type_name(), v.type_name());
    }
}
