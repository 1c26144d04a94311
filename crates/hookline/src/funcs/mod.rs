//! Sprig v3.3.0 (as linked by Helm 4.1) for the Go-template engine: every function Helm
//! exposes from Sprig, with its exact Go signature and Go semantics.
//!
//! * [`sprig_functions`]: the functions that need only their arguments.
//! * [`env_functions`]: the ones that need randomness or a clock, as closures over a
//!   caller-controlled [`FuncEnv`] (seed and "now"), so renders are reproducible.
//! * [`sprig_function_names`]: every registered name (201: Sprig's 211 minus `env`,
//!   `expandenv` and the 8 JSON functions).
//!
//! Not here: the JSON/YAML/TOML functions (`toJson`, `fromJson`, `toPrettyJson`,
//! `toRawJson`, `mustFromJson`, `mustToJson`, `mustToPrettyJson`, `mustToRawJson`, `toYaml`...)
//! which live with Hookline's YAML/JSON code, and Helm's `include`, `tpl`, `required`,
//! `lookup` (see [`required`] for the message logic). `env` and `expandenv` are removed by
//! Helm.
//!
//! # Verification
//!
//! `tests/fixtures/funcs/*.txt` holds ~1100 cases whose expected output was produced by the
//! real `helm template` (v4.1.4) with `crates/hookline/tests/funcs_oracle.py`, which also
//! re-checks them; `funcs_fixtures.rs` and `funcs_engine.rs` run them against this module
//! (directly, and through the gotemplate engine). Cases marked `@known` are documented
//! deviations.
//!
//! # Exactness
//!
//! Exact (helm-verified, including error texts): the string, list, dict (`merge` /
//! `mergeOverwrite` follow mergo v1.0.1 case by case), math (spf13/cast v1.7.0 conversions,
//! shopspring decimal for the `*f` functions), defaults/reflection, encoding/hash, regex (Go
//! RE2 syntax and matching rules, Go's parse errors for the common mistakes), semver
//! (Masterminds v3.4.0 constraint rules incl. prereleases), path and date-formatting
//! functions; `bcrypt` (bit-exact for a given salt), `decryptAES`, `derivePassword`,
//! `buildCustomCert`.
//!
//! Approximate:
//! * random and clock functions (`randAlphaNum`..., `uuidv4`, `shuffle`, `now`, `genCA`...)
//!   draw from [`FuncEnv`]: same alphabets, lengths, formats and certificate structure as
//!   Sprig (checked with openssl), not Go's values;
//! * `keys`/`values` return sorted order (Go: random);
//! * results that are `[]string` / `map[string]string` in Go are plain lists/maps here, so
//!   `typeOf` says `[]interface {}` / `map[string]interface {}`;
//! * `dateInZone`/`htmlDateInZone` know `Local` ([`FuncEnv::local`], UTC by default) and ~40
//!   common IANA zones with their current DST rules ([`dates::zone_at`]); other names fall
//!   back to UTC (Go does that only for names missing from the zone database); `toDate`
//!   parses the common layout elements;
//! * `urlParse`/`urlJoin` follow net/url for ordinary URLs, escaping corner cases may differ;
//! * Go strings may hold any bytes, ours are UTF-8: where Go slices bytes (`trunc`, `substr`,
//!   `abbrev`, `wrap`, `initials`, `nospace`) or decodes bytes (`b64dec`, `b32dec`,
//!   `decryptAES`), invalid UTF-8 becomes U+FFFD;
//! * `addf`... use an exact 128-bit decimal and fall back to float64 beyond it;
//! * struct-typed parameters (`sprig.certificate`, `time.Time`) are checked by the function,
//!   so a wrong argument's error gets an `error calling NAME: ` prefix.
//!
//! Limited: `genPrivateKey "dsa"` (returns an error text), certificates signed by non-RSA CA
//! keys, `getHostByName` (no network: fails as Go does on a lookup failure).
//!
//! Limits that Sprig does not have (Go would try and exhaust memory): `until`, `untilStep`
//! and `seq` produce at most [`limits::FuncLimits::list_len`] elements, `repeat`, `indent` and
//! the random strings at most [`limits::FuncLimits::string_bytes`] bytes; beyond that the call
//! fails with an error naming the limit (see [`limits`]).

pub mod clock;
pub mod conv;
pub mod crypto;
pub mod crypto_wire;
#[cfg(feature = "dates")]
pub mod dates;
pub mod defaults;
pub mod dicts;
pub mod encoding;
pub mod env;
pub mod limits;
pub mod lists;
pub mod math;
pub mod paths;
pub mod regex;
pub mod semver;
pub mod strings;

use gotemplate::{Param, PureFn, Signature};

pub use defaults::required;
pub use env::{env_functions, EnvFn, FuncEnv};
pub use lists::RANGE_LIMIT;
pub use strings::REPEAT_LIMIT_BYTES;

/// A function few charts call (issue #11: see [`RARE`]): itself, or without the
/// `rare-functions` feature a call of the second module over [`crypto_wire`].
macro_rules! rare {
    ($name:literal, $f:path) => {{
        #[cfg(feature = "rare-functions")]
        let f: gotemplate::PureFn = $f;
        #[cfg(not(feature = "rare-functions"))]
        let f: gotemplate::PureFn = {
            fn remote(a: &[gotemplate::Value]) -> Result<gotemplate::Value, gotemplate::FuncError> {
                $crate::funcs::crypto_wire::call($name, None, a)
            }
            remote
        };
        f
    }};
}
pub(crate) use rare;

/// Sprig functions that no chart or one or two of the 188 real charts of
/// /work/shared/spec/function-usage.md call, and that weigh in the playground's download
/// (sha512, URL parsing, case conversion, word wrapping, ...), and Helm's `toYamlPretty`
/// (go-yaml v3's encoder) and `toToml`, which none of them calls: without the
/// `rare-functions` feature they are served by the second module, which the page loads when a
/// chart calls one.
pub const RARE: [&str; 26] = [
    "abbrev",
    "abbrevboth",
    "swapcase",
    "snakecase",
    "camelcase",
    "kebabcase",
    "wrap",
    "wrapWith",
    "sha512sum",
    "b32enc",
    "b32dec",
    "round",
    "urlParse",
    "urlJoin",
    "chunk",
    "mustChunk",
    "toYamlPretty",
    "toToml",
    "seq",
    "untilStep",
    "repeat",
    "plural",
    "initials",
    "nospace",
    "toDecimal",
    "deepEqual",
];

/// The built-in [`RARE`] function `name` (the second module's side of [`crypto_wire`]).
/// (A table of its own: looking the name up in [`sprig_functions`] would link every function
/// into the module.)
#[cfg(feature = "rare-functions")]
pub fn rare_builtin(name: &str) -> Option<PureFn> {
    Some(match name {
        "abbrev" => strings::abbrev,
        "abbrevboth" => strings::abbrevboth,
        "swapcase" => strings::swapcase,
        "snakecase" => strings::snakecase,
        "camelcase" => strings::camelcase,
        "kebabcase" => strings::kebabcase,
        "wrap" => strings::wrap,
        "wrapWith" => strings::wrap_with,
        "sha512sum" => encoding::sha512sum,
        "b32enc" => encoding::b32enc,
        "b32dec" => encoding::b32dec,
        "round" => math::round,
        "urlParse" => paths::url_parse,
        "urlJoin" => paths::url_join,
        "chunk" | "mustChunk" => lists::chunk,
        "toYamlPretty" => crate::render::helm_funcs::to_yaml_pretty,
        "toToml" => crate::render::helm_funcs::to_toml_fn,
        "seq" => lists::seq,
        "untilStep" => lists::until_step,
        "repeat" => strings::repeat,
        "plural" => strings::plural,
        "initials" => strings::initials,
        "nospace" => strings::nospace,
        "toDecimal" => math::to_decimal,
        "deepEqual" => defaults::deep_equal,
        _ => return None,
    })
}

/// Every Sprig function that needs no environment, with its Go signature.
pub fn sprig_functions() -> Vec<(&'static str, Signature, PureFn)> {
    use Param::*;
    let s = |p: &[Param]| Signature::new(p);
    let v = |p: &[Param], t: Param| Signature::variadic(p, t);
    let mut f: Vec<(&'static str, Signature, PureFn)> = vec![
        ("hello", s(&[]), strings::hello),
        // strings
        (
            "abbrev",
            s(&[Int, String]),
            rare!("abbrev", strings::abbrev),
        ),
        (
            "abbrevboth",
            s(&[Int, Int, String]),
            rare!("abbrevboth", strings::abbrevboth),
        ),
        ("trunc", s(&[Int, String]), strings::trunc),
        ("trim", s(&[String]), strings::trim),
        ("upper", s(&[String]), strings::upper),
        ("lower", s(&[String]), strings::lower),
        ("title", s(&[String]), strings::title),
        ("untitle", s(&[String]), strings::untitle),
        ("substr", s(&[Int, Int, String]), strings::substr),
        (
            "repeat",
            s(&[Int, String]),
            rare!("repeat", strings::repeat),
        ),
        ("trimall", s(&[String, String]), strings::trim_all),
        ("trimAll", s(&[String, String]), strings::trim_all),
        ("trimSuffix", s(&[String, String]), strings::trim_suffix),
        ("trimPrefix", s(&[String, String]), strings::trim_prefix),
        ("nospace", s(&[String]), rare!("nospace", strings::nospace)),
        (
            "initials",
            s(&[String]),
            rare!("initials", strings::initials),
        ),
        (
            "swapcase",
            s(&[String]),
            rare!("swapcase", strings::swapcase),
        ),
        (
            "snakecase",
            s(&[String]),
            rare!("snakecase", strings::snakecase),
        ),
        (
            "camelcase",
            s(&[String]),
            rare!("camelcase", strings::camelcase),
        ),
        (
            "kebabcase",
            s(&[String]),
            rare!("kebabcase", strings::kebabcase),
        ),
        ("wrap", s(&[Int, String]), rare!("wrap", strings::wrap)),
        (
            "wrapWith",
            s(&[Int, String, String]),
            rare!("wrapWith", strings::wrap_with),
        ),
        ("contains", s(&[String, String]), strings::contains),
        ("hasPrefix", s(&[String, String]), strings::has_prefix),
        ("hasSuffix", s(&[String, String]), strings::has_suffix),
        ("quote", v(&[], Any), strings::quote),
        ("squote", v(&[], Any), strings::squote),
        ("cat", v(&[], Any), strings::cat),
        ("indent", s(&[Int, String]), strings::indent),
        ("nindent", s(&[Int, String]), strings::nindent),
        ("replace", s(&[String, String, String]), strings::replace),
        (
            "plural",
            s(&[String, String, Int]),
            rare!("plural", strings::plural),
        ),
        ("toString", s(&[Any]), strings::to_string),
        ("toStrings", s(&[Any]), strings::to_strings),
        ("split", s(&[String, String]), strings::split),
        ("splitList", s(&[String, String]), strings::split_list),
        ("splitn", s(&[String, Int, String]), strings::splitn),
        ("join", s(&[String, Any]), strings::join),
        ("sortAlpha", s(&[Any]), strings::sort_alpha),
        // hashes and encodings
        ("sha1sum", s(&[String]), encoding::sha1sum),
        ("sha256sum", s(&[String]), encoding::sha256sum),
        (
            "sha512sum",
            s(&[String]),
            rare!("sha512sum", encoding::sha512sum),
        ),
        ("adler32sum", s(&[String]), encoding::adler32sum),
        ("b64enc", s(&[String]), encoding::b64enc),
        ("b64dec", s(&[String]), encoding::b64dec),
        ("b32enc", s(&[String]), rare!("b32enc", encoding::b32enc)),
        ("b32dec", s(&[String]), rare!("b32dec", encoding::b32dec)),
        // numbers
        ("atoi", s(&[String]), math::atoi),
        ("int64", s(&[Any]), math::to_int64_fn),
        ("int", s(&[Any]), math::to_int_fn),
        ("float64", s(&[Any]), math::to_float64_fn),
        ("seq", v(&[], Int), rare!("seq", lists::seq)),
        ("toDecimal", s(&[Any]), rare!("toDecimal", math::to_decimal)),
        ("until", s(&[Int]), lists::until),
        (
            "untilStep",
            s(&[Int, Int, Int]),
            rare!("untilStep", lists::until_step),
        ),
        ("add1", s(&[Any]), math::add1),
        ("add", v(&[], Any), math::add),
        ("sub", s(&[Any, Any]), math::sub),
        ("div", s(&[Any, Any]), math::div),
        ("mod", s(&[Any, Any]), math::modulo),
        ("mul", v(&[Any], Any), math::mul),
        ("add1f", s(&[Any]), math::add1f),
        ("addf", v(&[], Any), math::addf),
        ("subf", v(&[Any], Any), math::subf),
        ("divf", v(&[Any], Any), math::divf),
        ("mulf", v(&[Any], Any), math::mulf),
        ("biggest", v(&[Any], Any), math::max),
        ("max", v(&[Any], Any), math::max),
        ("min", v(&[Any], Any), math::min),
        ("maxf", v(&[Any], Any), math::maxf),
        ("minf", v(&[Any], Any), math::minf),
        ("ceil", s(&[Any]), math::ceil),
        ("floor", s(&[Any]), math::floor),
        (
            "round",
            v(&[Any, Int], Float64),
            rare!("round", math::round),
        ),
        // defaults, flow, reflection
        ("default", v(&[Any], Any), defaults::default),
        ("empty", s(&[Any]), defaults::empty),
        ("coalesce", v(&[], Any), defaults::coalesce),
        ("all", v(&[], Any), defaults::all),
        ("any", v(&[], Any), defaults::any),
        ("compact", s(&[Any]), lists::compact),
        ("mustCompact", s(&[Any]), lists::compact),
        ("ternary", s(&[Any, Any, Bool]), defaults::ternary),
        ("deepCopy", s(&[Any]), dicts::deep_copy),
        ("mustDeepCopy", s(&[Any]), dicts::deep_copy),
        ("typeOf", s(&[Any]), defaults::type_of),
        ("typeIs", s(&[String, Any]), defaults::type_is),
        ("typeIsLike", s(&[String, Any]), defaults::type_is_like),
        ("kindOf", s(&[Any]), defaults::kind_of),
        ("kindIs", s(&[String, Any]), defaults::kind_is),
        (
            "deepEqual",
            s(&[Any, Any]),
            rare!("deepEqual", defaults::deep_equal),
        ),
        ("fail", s(&[String]), defaults::fail),
        // paths and URLs
        ("base", s(&[String]), paths::base),
        ("dir", s(&[String]), paths::dir),
        ("clean", s(&[String]), paths::clean),
        ("ext", s(&[String]), paths::ext),
        ("isAbs", s(&[String]), paths::is_abs),
        ("osBase", s(&[String]), paths::base),
        ("osClean", s(&[String]), paths::clean),
        ("osDir", s(&[String]), paths::dir),
        ("osExt", s(&[String]), paths::ext),
        ("osIsAbs", s(&[String]), paths::is_abs),
        (
            "urlParse",
            s(&[String]),
            rare!("urlParse", paths::url_parse),
        ),
        ("urlJoin", s(&[Map]), rare!("urlJoin", paths::url_join)),
        // lists
        ("tuple", v(&[], Any), lists::list),
        ("list", v(&[], Any), lists::list),
        ("append", s(&[Any, Any]), lists::push),
        ("push", s(&[Any, Any]), lists::push),
        ("mustAppend", s(&[Any, Any]), lists::push),
        ("mustPush", s(&[Any, Any]), lists::push),
        ("prepend", s(&[Any, Any]), lists::prepend),
        ("mustPrepend", s(&[Any, Any]), lists::prepend),
        ("first", s(&[Any]), lists::first),
        ("mustFirst", s(&[Any]), lists::first),
        ("rest", s(&[Any]), lists::rest),
        ("mustRest", s(&[Any]), lists::rest),
        ("last", s(&[Any]), lists::last),
        ("mustLast", s(&[Any]), lists::last),
        ("initial", s(&[Any]), lists::initial),
        ("mustInitial", s(&[Any]), lists::initial),
        ("reverse", s(&[Any]), lists::reverse),
        ("mustReverse", s(&[Any]), lists::reverse),
        ("uniq", s(&[Any]), lists::uniq),
        ("mustUniq", s(&[Any]), lists::uniq),
        ("without", v(&[Any], Any), lists::without),
        ("mustWithout", v(&[Any], Any), lists::without),
        ("has", s(&[Any, Any]), lists::has),
        ("mustHas", s(&[Any, Any]), lists::has),
        ("slice", v(&[Any], Any), lists::slice),
        ("mustSlice", v(&[Any], Any), lists::slice),
        ("concat", v(&[], Any), lists::concat),
        ("chunk", s(&[Int, Any]), rare!("chunk", lists::chunk)),
        (
            "mustChunk",
            s(&[Int, Any]),
            rare!("mustChunk", lists::chunk),
        ),
        // dicts
        ("dict", v(&[], Any), dicts::dict),
        ("get", s(&[Map, String]), dicts::get),
        ("set", s(&[Map, String, Any]), dicts::set),
        ("unset", s(&[Map, String]), dicts::unset),
        ("hasKey", s(&[Map, String]), dicts::has_key),
        ("pluck", v(&[String], Map), dicts::pluck),
        ("keys", v(&[], Map), dicts::keys),
        ("pick", v(&[Map], String), dicts::pick),
        ("omit", v(&[Map], String), dicts::omit),
        ("merge", v(&[Map], Map), dicts::merge),
        ("mergeOverwrite", v(&[Map], Map), dicts::merge_overwrite),
        ("mustMerge", v(&[Map], Map), dicts::merge),
        ("mustMergeOverwrite", v(&[Map], Map), dicts::merge_overwrite),
        ("values", s(&[Map]), dicts::values),
        ("dig", v(&[], Any), dicts::dig),
        // dates that need no clock
        ("duration", s(&[Any]), clock::duration),
        // semver
        ("semver", s(&[String]), semver::semver),
        (
            "semverCompare",
            s(&[String, String]),
            semver::semver_compare,
        ),
        // regex
        ("regexMatch", s(&[String, String]), regex::regex_match),
        (
            "mustRegexMatch",
            s(&[String, String]),
            regex::must_regex_match,
        ),
        (
            "regexFindAll",
            s(&[String, String, Int]),
            regex::regex_find_all,
        ),
        (
            "mustRegexFindAll",
            s(&[String, String, Int]),
            regex::must_regex_find_all,
        ),
        ("regexFind", s(&[String, String]), regex::regex_find),
        (
            "mustRegexFind",
            s(&[String, String]),
            regex::must_regex_find,
        ),
        (
            "regexReplaceAll",
            s(&[String, String, String]),
            regex::regex_replace_all,
        ),
        (
            "mustRegexReplaceAll",
            s(&[String, String, String]),
            regex::must_regex_replace_all,
        ),
        (
            "regexReplaceAllLiteral",
            s(&[String, String, String]),
            regex::regex_replace_all_literal,
        ),
        (
            "mustRegexReplaceAllLiteral",
            s(&[String, String, String]),
            regex::must_regex_replace_all_literal,
        ),
        ("regexSplit", s(&[String, String, Int]), regex::regex_split),
        (
            "mustRegexSplit",
            s(&[String, String, Int]),
            regex::must_regex_split,
        ),
        ("regexQuoteMeta", s(&[String]), regex::regex_quote_meta),
    ];
    f.extend(crypto::pure_functions());
    f
}

/// Every name [`sprig_functions`] and [`env_functions`] register, for parse-time lookups.
pub fn sprig_function_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = sprig_functions().into_iter().map(|(n, _, _)| n).collect();
    let env = std::rc::Rc::new(std::cell::RefCell::new(FuncEnv::default()));
    names.extend(env_functions(env).into_iter().map(|(n, _, _)| n));
    names.sort_unstable();
    names
}
