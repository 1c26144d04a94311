//! Every name of Sprig v3.3.0's `genericMap` that Helm exposes is registered (minus `env`,
//! `expandenv`, removed by Helm, and the JSON functions, which Hookline's json module
//! provides), with no extras.

use std::cell::RefCell;
use std::rc::Rc;

use hookline::funcs::{env_functions, sprig_function_names, sprig_functions, FuncEnv};

const SPRIG: &[&str] = &[
    "abbrev",
    "abbrevboth",
    "add",
    "add1",
    "add1f",
    "addf",
    "adler32sum",
    "ago",
    "all",
    "any",
    "append",
    "atoi",
    "b32dec",
    "b32enc",
    "b64dec",
    "b64enc",
    "base",
    "bcrypt",
    "biggest",
    "buildCustomCert",
    "camelcase",
    "cat",
    "ceil",
    "chunk",
    "clean",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "deepCopy",
    "deepEqual",
    "default",
    "derivePassword",
    "dict",
    "dig",
    "dir",
    "div",
    "divf",
    "duration",
    "durationRound",
    "empty",
    "encryptAES",
    "ext",
    "fail",
    "first",
    "float64",
    "floor",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "get",
    "getHostByName",
    "has",
    "hasKey",
    "hasPrefix",
    "hasSuffix",
    "hello",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "indent",
    "initial",
    "initials",
    "int",
    "int64",
    "isAbs",
    "join",
    "kebabcase",
    "keys",
    "kindIs",
    "kindOf",
    "last",
    "list",
    "lower",
    "max",
    "maxf",
    "merge",
    "mergeOverwrite",
    "min",
    "minf",
    "mod",
    "mul",
    "mulf",
    "mustAppend",
    "mustChunk",
    "mustCompact",
    "mustDateModify",
    "mustDeepCopy",
    "mustFirst",
    "mustHas",
    "mustInitial",
    "mustLast",
    "mustMerge",
    "mustMergeOverwrite",
    "mustPrepend",
    "mustPush",
    "mustRegexFind",
    "mustRegexFindAll",
    "mustRegexMatch",
    "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral",
    "mustRegexSplit",
    "mustRest",
    "mustReverse",
    "mustSlice",
    "mustToDate",
    "mustUniq",
    "mustWithout",
    "must_date_modify",
    "nindent",
    "nospace",
    "now",
    "omit",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "pick",
    "pluck",
    "plural",
    "prepend",
    "push",
    "quote",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "regexFind",
    "regexFindAll",
    "regexMatch",
    "regexQuoteMeta",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "repeat",
    "replace",
    "rest",
    "reverse",
    "round",
    "semver",
    "semverCompare",
    "seq",
    "set",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shuffle",
    "slice",
    "snakecase",
    "sortAlpha",
    "split",
    "splitList",
    "splitn",
    "squote",
    "sub",
    "subf",
    "substr",
    "swapcase",
    "ternary",
    "title",
    "toDate",
    "toDecimal",
    "toString",
    "toStrings",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "trimall",
    "trunc",
    "tuple",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unixEpoch",
    "unset",
    "until",
    "untilStep",
    "untitle",
    "upper",
    "urlJoin",
    "urlParse",
    "uuidv4",
    "values",
    "without",
    "wrap",
    "wrapWith",
];

#[test]
fn every_sprig_name_is_registered_once() {
    let mut ours = sprig_function_names();
    let n = ours.len();
    ours.dedup();
    assert_eq!(ours.len(), n, "duplicate registrations");
    let mut want: Vec<&str> = SPRIG.to_vec();
    want.sort_unstable();
    let missing: Vec<_> = want.iter().filter(|w| !ours.contains(w)).collect();
    let extra: Vec<_> = ours.iter().filter(|o| !want.contains(o)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
}

#[test]
fn signatures_have_go_arity() {
    use gotemplate::Param::*;
    let pure: std::collections::HashMap<_, _> = sprig_functions()
        .into_iter()
        .map(|(n, s, _)| (n, s))
        .collect();
    let env = Rc::new(RefCell::new(FuncEnv::default()));
    let envf: std::collections::HashMap<_, _> = env_functions(env)
        .into_iter()
        .map(|(n, s, _)| (n, s))
        .collect();
    let sig = |n: &str| pure.get(n).or_else(|| envf.get(n)).cloned().unwrap();
    assert_eq!(sig("trunc").params, vec![Int, String]);
    assert_eq!(sig("indent").params, vec![Int, String]);
    assert_eq!(sig("default").params, vec![Any]);
    assert_eq!(sig("default").variadic, Some(Any));
    assert_eq!(sig("quote").variadic, Some(Any));
    assert_eq!(sig("ternary").params, vec![Any, Any, Bool]);
    assert_eq!(sig("hasKey").params, vec![Map, String]);
    assert_eq!(sig("until").params, vec![Int]);
    assert_eq!(sig("repeat").params, vec![Int, String]);
    assert_eq!(sig("contains").params, vec![String, String]);
    assert_eq!(sig("dict").variadic, Some(Any));
    assert_eq!(
        sig("genSignedCert").params,
        vec![String, List, List, Int, Any]
    );
    assert_eq!(sig("round").variadic, Some(Float64));
    assert_eq!(sig("seq").variadic, Some(Int));
    assert_eq!(sig("pick").variadic, Some(String));
    assert_eq!(sig("merge").variadic, Some(Map));
    assert_eq!(sig("now").params, vec![]);
}
