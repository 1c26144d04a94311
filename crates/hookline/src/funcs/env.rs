//! Functions that need randomness or a clock (`randAlphaNum`, `uuidv4`, `now`, `date`,
//! `genCA`, ...). Helm takes these from the OS; Hookline takes them from a [`FuncEnv`] the
//! caller controls, so a render is reproducible: the same seed and `now` give the same output.
//!
//! ```ignore
//! let env = Rc::new(RefCell::new(FuncEnv::new(42, 1_700_000_000_000_000_000)));
//! for (name, sig, f) in env_functions(env.clone()) { engine.register_closure(name, sig, f) }
//! ```
//!
//! The random streams are ChaCha20 seeded from `seed`; they do not reproduce Go's values (Go
//! reads the OS CSPRNG), only Go's alphabets, lengths and formats.

use std::cell::RefCell;
use std::rc::Rc;

use gotemplate::{FuncError, Param, Signature, Value};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

use super::conv::{int_arg, str_arg};

/// A zone: name as `MST` prints it and offset east of UTC in seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    pub offset: i32,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            offset: 0,
        }
    }
}

/// A function that needs the environment.
pub type EnvFn = Rc<dyn Fn(&[Value]) -> Result<Value, FuncError>>;

/// A memo of expensive random objects (RSA keys): `(seed, stream position, what)` to the
/// object and the stream position after it.
type Memo = std::collections::HashMap<(u64, u128, &'static str), (Rc<dyn std::any::Any>, u128)>;

/// The caller-controlled source of randomness and time for one render (or one session).
///
/// The random stream continues across calls; call [`FuncEnv::reset`] before a render to get
/// the same output as the previous render with the same seed. Generated RSA keys are memoised
/// by stream position, so re-rendering a chart that calls `genCA` does not pay for key
/// generation again.
/// A random stream's state: `None` before its first use, else its seed and position.
pub type StreamState = Option<(u64, u128)>;

pub struct FuncEnv {
    /// Seed of the random stream. Changing it restarts the stream.
    pub seed: u64,
    /// What `now` returns, in nanoseconds since the Unix epoch.
    pub now: i64,
    /// Go's `time.Local`: Helm uses the machine's zone; the default here is UTC.
    pub local: Zone,
    rng: Option<(u64, ChaCha20Rng)>,
    memo: Memo,
}

impl FuncEnv {
    pub fn new(seed: u64, now_unix_nanos: i64) -> FuncEnv {
        FuncEnv {
            seed,
            now: now_unix_nanos,
            local: Zone::utc(),
            rng: None,
            memo: Memo::new(),
        }
    }

    /// Restart the random stream from `seed` (the memo of generated keys is kept).
    pub fn reset(&mut self) {
        self.rng = None;
    }

    /// `make()` an expensive random object, or reuse the one made before at the same point
    /// of the same stream (advancing the stream exactly as making it would).
    pub fn memoised<T: Clone + 'static, E>(
        &mut self,
        what: &'static str,
        make: impl FnOnce(&mut FuncEnv) -> Result<T, E>,
    ) -> Result<T, E> {
        let key = (self.seed, self.rng().get_word_pos(), what);
        if let Some((obj, after)) = self.memo.get(&key) {
            if let Some(v) = obj.downcast_ref::<T>() {
                let (v, after) = (v.clone(), *after);
                self.rng().set_word_pos(after);
                return Ok(v);
            }
        }
        let v = make(self)?;
        let after = self.rng().get_word_pos();
        if self.memo.len() >= 64 {
            self.memo.clear();
        }
        self.memo.insert(key, (Rc::new(v.clone()), after));
        Ok(v)
    }

    /// The random stream (restarted when `seed` changed).
    pub fn rng(&mut self) -> &mut ChaCha20Rng {
        let seed = self.seed;
        if self.rng.as_ref().map(|(s, _)| *s) != Some(seed) {
            self.rng = None;
        }
        &mut self
            .rng
            .get_or_insert_with(|| (seed, ChaCha20Rng::seed_from_u64(seed)))
            .1
    }

    /// Where the random stream is (in 32-bit words from its start).
    pub fn word_pos(&mut self) -> u128 {
        self.rng().get_word_pos()
    }

    /// The random stream's state, to compare with another render's or to restore.
    pub fn stream_state(&self) -> StreamState {
        self.rng.as_ref().map(|(s, r)| (*s, r.get_word_pos()))
    }

    /// Put the random stream where [`FuncEnv::stream_state`] saw it.
    pub fn set_stream_state(&mut self, state: &StreamState) {
        if self.stream_state() == *state {
            return;
        }
        self.rng = state.map(|(seed, pos)| {
            let mut r = ChaCha20Rng::seed_from_u64(seed);
            r.set_word_pos(pos);
            (seed, r)
        });
    }

    /// `time.Now()`.
    #[cfg(feature = "dates")]
    pub fn now_time(&self) -> super::dates::GoTime {
        super::dates::GoTime::from_unix_nanos(self.now as i128, self.local.clone())
    }

    /// A uniform integer in `[0, n)` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n) - 1;
        loop {
            let v = self.rng().next_u64();
            if v <= zone {
                return v % n;
            }
        }
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut b = vec![0u8; n];
        self.rng().fill_bytes(&mut b);
        b
    }
}

impl Default for FuncEnv {
    /// Seed 0 and `now` = 2024-01-01T00:00:00Z.
    fn default() -> FuncEnv {
        FuncEnv::new(0, 1_704_067_200_000_000_000)
    }
}

type R = Result<Value, FuncError>;

fn rand_string(env: &mut FuncEnv, count: i64, alphabet: &[u8]) -> R {
    if count <= 0 {
        return Ok(Value::from(""));
    }
    super::limits::check_string(count as u128, || {
        format!("random string of {count} characters")
    })?;
    let s: String = (0..count)
        .map(|_| alphabet[env.below(alphabet.len() as u64) as usize] as char)
        .collect();
    Ok(Value::from(s))
}

const ALPHA: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const NUMERIC: &[u8] = b"0123456789";

fn ascii() -> Vec<u8> {
    (32u8..127).collect()
}

/// Every Sprig function that needs [`FuncEnv`], with its Go signature.
pub fn env_functions(env: Rc<RefCell<FuncEnv>>) -> Vec<(&'static str, Signature, EnvFn)> {
    use Param::*;
    let mut v: Vec<(&'static str, Signature, EnvFn)> = Vec::new();
    macro_rules! reg {
        ($name:expr, $sig:expr, |$e:ident, $a:ident| $body:expr) => {{
            let env = env.clone();
            v.push((
                $name,
                $sig,
                Rc::new(move |$a: &[Value]| {
                    let mut guard = env.borrow_mut();
                    let $e: &mut FuncEnv = &mut guard;
                    $body
                }),
            ));
        }};
    }
    let sig = Signature::new;
    let var = Signature::variadic;

    reg!("randAlphaNum", sig(&[Int]), |e, a| rand_string(
        e,
        int_arg(a, 0),
        ALNUM
    ));
    reg!("randAlpha", sig(&[Int]), |e, a| rand_string(
        e,
        int_arg(a, 0),
        ALPHA
    ));
    reg!("randNumeric", sig(&[Int]), |e, a| rand_string(
        e,
        int_arg(a, 0),
        NUMERIC
    ));
    reg!("randAscii", sig(&[Int]), |e, a| rand_string(
        e,
        int_arg(a, 0),
        &ascii()
    ));
    reg!("randInt", sig(&[Int, Int]), |e, a| {
        let (min, max) = (int_arg(a, 0), int_arg(a, 1));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(FuncError("invalid argument to Intn".into()));
        }
        Ok(Value::Int(e.below(n as u64) as i64 + min))
    });
    reg!("randBytes", sig(&[Int]), |e, a| {
        let n = int_arg(a, 0);
        if n < 0 {
            return Err(FuncError(
                "runtime error: makeslice: len out of range".into(),
            ));
        }
        super::limits::check_string(n as u128, || format!("randBytes: {n} bytes"))?;
        Ok(Value::from(super::encoding::b64_encode(
            &e.bytes(n as usize),
        )))
    });
    reg!("uuidv4", sig(&[]), |e, _a| {
        let mut b = e.bytes(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = super::encoding::hex(&b);
        Ok(Value::from(format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )))
    });
    reg!("shuffle", sig(&[String]), |e, a| {
        let mut runes: Vec<char> = str_arg(a, 0).chars().collect();
        for i in (1..runes.len()).rev() {
            let j = e.below(i as u64 + 1) as usize;
            runes.swap(i, j);
        }
        Ok(Value::from(
            runes.into_iter().collect::<std::string::String>(),
        ))
    });
    reg!("getHostByName", sig(&[String]), |_e, _a| {
        // No network: Go's LookupHost fails, and rand.Intn(0) panics.
        Err(FuncError("invalid argument to Intn".into()))
    });

    // ---- dates (the second module serves them in the playground: `clock`) ----
    for (name, sig, f) in super::clock::functions() {
        let env = env.clone();
        v.push((
            name,
            sig,
            Rc::new(move |a: &[Value]| f(&mut env.borrow_mut(), a)),
        ));
    }
    let _ = var;
    v.extend(super::crypto::env_functions(env.clone()));
    v
}
