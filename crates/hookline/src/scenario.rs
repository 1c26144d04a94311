//! Scenarios: the sequence of helm commands to simulate (issue #5's YAML format).
//!
//! ```yaml
//! release: demo            # default "release"
//! namespace: default       # default "default"
//! helm: v3                 # v3 | v4; default v4
//! cluster: []              # objects that exist before step 1
//! steps:
//!   - op: install
//!     values: {}
//!     set: ["a.b=1"]
//!     flags: [atomic]
//!     wait: hookOnly
//!     server-side: auto
//!     timeout: 300s
//!     revision: 1
//!     filter: ["name=x"]
//!     outcomes: {Job/db-migrate: failed}
//!     manifest: |           # optional: this step's rendered chart
//!       ...
//! ```
//!
//! Only malformed YAML or wrongly typed fields are errors here; semantic problems (an unknown
//! op or flag, a flag Helm rejects for that op) become a failed step in the plan, with the
//! message Helm's command line would print.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::plan::HelmVersion;

/// An object that exists on the cluster before the first step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterObject {
    pub kind: String,
    pub name: String,
    /// `None`: the release namespace (or cluster-scoped).
    pub namespace: Option<String>,
    /// The Helm release that owns it (`meta.helm.sh/release-name`), if any.
    pub owner: Option<String>,
    /// The owner's namespace (`meta.helm.sh/release-namespace`); default: the scenario's.
    pub owner_namespace: Option<String>,
    /// `helm.sh/resource-policy: keep` on the live object.
    pub keep: bool,
    /// For Jobs and Pods: the state a previous run left (succeeded | failed | running).
    pub result: Option<String>,
    /// The object's manifest text, compared by Helm 4's server-side apply of hooks.
    pub content: Option<String>,
}

impl ClusterObject {
    /// The namespace the object lives in: none for cluster-scoped kinds, else its own, else the
    /// release's. The simulator and the cluster executor must agree on this, so it lives here.
    pub fn effective_namespace(&self, release_namespace: &str) -> String {
        if crate::lifecycle::cluster_scoped(&self.kind) {
            String::new()
        } else {
            self.namespace
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| release_namespace.to_string())
        }
    }
}

/// One helm command.
#[derive(Clone, Debug, PartialEq)]
pub struct StepSpec {
    /// install | upgrade | rollback | uninstall | test (checked when the step runs).
    pub op: String,
    /// Like `-f values.yaml`, inline.
    pub values: Json,
    /// Like `--set`.
    pub set: Vec<String>,
    /// Flag names without dashes: atomic, no-hooks, wait, ...
    pub flags: Vec<String>,
    /// Helm 4 `--wait=<strategy>`: hookOnly | watcher | legacy.
    pub wait: Option<String>,
    /// Helm 4 `--server-side`: true | false | auto.
    pub server_side: Option<String>,
    /// Per-wait timeout in seconds (default 300).
    pub timeout_seconds: Option<u64>,
    /// The raw `timeout:` value, for error messages.
    pub timeout_raw: Option<String>,
    /// Rollback target (0 or absent = previous).
    pub revision: Option<i64>,
    /// `helm test --filter`.
    pub filter: Vec<String>,
    /// What waits and API calls return in this step: `Kind/name` or `event:Kind/name` →
    /// succeeded | failed | timeout | create-error | interrupted | ready | not-ready.
    pub outcomes: BTreeMap<String, String>,
    /// This step's rendered manifest (overrides the renderer).
    pub manifest: Option<String>,
}

impl Default for StepSpec {
    fn default() -> Self {
        StepSpec {
            op: "install".into(),
            values: Json::Object(Default::default()),
            set: Vec::new(),
            flags: Vec::new(),
            wait: None,
            server_side: None,
            timeout_seconds: None,
            timeout_raw: None,
            revision: None,
            filter: Vec::new(),
            outcomes: BTreeMap::new(),
            manifest: None,
        }
    }
}

impl StepSpec {
    pub fn op(op: &str) -> StepSpec {
        StepSpec {
            op: op.into(),
            ..StepSpec::default()
        }
    }

    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
}

/// A whole scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub release: String,
    pub namespace: String,
    pub helm: HelmVersion,
    pub cluster: Vec<ClusterObject>,
    pub steps: Vec<StepSpec>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            release: "release".into(),
            namespace: "default".into(),
            helm: HelmVersion::V4,
            cluster: Vec::new(),
            steps: vec![StepSpec::op("install")],
        }
    }
}

/// A scenario that cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid scenario: {}", self.0)
    }
}

impl std::error::Error for ScenarioError {}

/// A scenario document as [`Scenario::from_tree`] reads it: YAML's data model, with the
/// numbers serde_yaml's `Value` has (the conformance tables are read with serde_yaml, the
/// scenarios of the CLI and the playground with the engine's loader; one tree type of our own
/// keeps serde_yaml out of the playground's module, issue #11).
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Sequence(Vec<Yaml>),
    Mapping(Vec<(Yaml, Yaml)>),
}

/// A YAML number: an integer that fits 64 bits (signed or not), else a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl Number {
    fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::UInt(u) => i64::try_from(u).ok(),
            Number::Float(_) => None,
        }
    }

    fn to_json(self) -> Json {
        match self {
            Number::Int(i) => Json::from(i),
            Number::UInt(u) => Json::from(u),
            // serde_json makes a non-finite float null.
            Number::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        }
    }
}

/// As serde_yaml prints a number (floats in their shortest form with a `.0` when whole, as
/// `ryu` writes them; YAML's `.nan` and `.inf`).
impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Number::Int(i) => write!(f, "{i}"),
            Number::UInt(u) => write!(f, "{u}"),
            Number::Float(x) if x.is_nan() => f.write_str(".nan"),
            Number::Float(x) if x.is_infinite() => f.write_str(if x.is_sign_positive() {
                ".inf"
            } else {
                "-.inf"
            }),
            // serde_json's shortest form; ryu writes a positive exponent without its sign.
            Number::Float(x) => {
                let shortest = serde_json::Number::from_f64(x).expect("finite").to_string();
                f.write_str(&shortest.replace("e+", "e"))
            }
        }
    }
}

impl Yaml {
    /// The tree as JSON (a step's values): mappings with string keys only.
    fn to_json(&self) -> Result<Json, String> {
        Ok(match self {
            Yaml::Null => Json::Null,
            Yaml::Bool(b) => Json::Bool(*b),
            Yaml::Number(n) => n.to_json(),
            Yaml::String(s) => Json::String(s.clone()),
            Yaml::Sequence(items) => {
                Json::Array(items.iter().map(Yaml::to_json).collect::<Result<_, _>>()?)
            }
            Yaml::Mapping(m) => {
                let mut out = serde_json::Map::new();
                for (k, v) in m {
                    let Yaml::String(k) = k else {
                        return Err("key must be a string".into());
                    };
                    out.insert(k.clone(), v.to_json()?);
                }
                Json::Object(out)
            }
        })
    }

    /// serde_yaml's tree as ours (the conformance tables).
    pub fn from_serde(v: &serde_yaml::Value) -> Yaml {
        use serde_yaml::Value as S;
        match v {
            S::Null => Yaml::Null,
            S::Bool(b) => Yaml::Bool(*b),
            S::Number(n) => Yaml::Number(if let Some(i) = n.as_i64() {
                Number::Int(i)
            } else if let Some(u) = n.as_u64() {
                Number::UInt(u)
            } else {
                Number::Float(n.as_f64().unwrap_or(f64::NAN))
            }),
            S::String(s) => Yaml::String(s.clone()),
            S::Sequence(items) => Yaml::Sequence(items.iter().map(Yaml::from_serde).collect()),
            S::Mapping(m) => Yaml::Mapping(
                m.iter()
                    .map(|(k, v)| (Yaml::from_serde(k), Yaml::from_serde(v)))
                    .collect(),
            ),
            S::Tagged(t) => Yaml::from_serde(&t.value),
        }
    }
}

/// A loaded document as the [`Scenario::from_tree`] tree. Byte strings and host objects
/// cannot come out of the loader; they are kept as text all the same.
fn yaml_of(v: &gotemplate::Value) -> Yaml {
    use gotemplate::Value as V;
    match v {
        V::Nil => Yaml::Null,
        V::Bool(b) => Yaml::Bool(*b),
        V::Int(i) | V::Int64(i) => Yaml::Number(Number::Int(*i)),
        // The loader keeps integers above i64::MAX as floats; a timeout of u64::MAX seconds
        // still reads as an integer (the cast saturates).
        V::Float(f) if f.fract() == 0.0 && *f >= 9_223_372_036_854_775_808.0 => {
            Yaml::Number(Number::UInt(*f as u64))
        }
        V::Float(f) => Yaml::Number(Number::Float(*f)),
        V::String(s) => Yaml::String(s.to_string()),
        V::Bytes(b) => Yaml::String(String::from_utf8_lossy(b).into_owned()),
        V::List(items) => Yaml::Sequence(items.iter().map(yaml_of).collect()),
        V::Map(m) => Yaml::Mapping(
            m.borrow()
                .iter()
                .map(|(k, v)| (Yaml::String(k.clone()), yaml_of(v)))
                .collect(),
        ),
        V::Object(o) => Yaml::String(o.display()),
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError(msg.into()))
}

fn scalar_string(v: &Yaml, what: &str) -> Result<String, ScenarioError> {
    match v {
        Yaml::String(s) => Ok(s.clone()),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Null => Ok(String::new()),
        _ => err(format!("{what} must be a string")),
    }
}

fn string_list(v: &Yaml, what: &str) -> Result<Vec<String>, ScenarioError> {
    match v {
        Yaml::Null => Ok(Vec::new()),
        Yaml::Sequence(items) => items.iter().map(|i| scalar_string(i, what)).collect(),
        // A single string is accepted as a one-element list.
        other => Ok(vec![scalar_string(other, what)?]),
    }
}

/// Parse a Go duration (`300s`, `5m`, `1h30m`, `1.5m`) or a bare number of seconds.
pub fn parse_duration_seconds(raw: &str) -> Option<u64> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<u64>() {
        return Some(n);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            unit = "ms".into();
        }
        let value: f64 = num.parse().ok()?;
        num.clear();
        let factor = match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        total += value * factor;
        any = true;
    }
    if !num.is_empty() || !any || !total.is_finite() || total < 0.0 {
        return None;
    }
    Some(total.ceil() as u64)
}

fn parse_object_ref(s: &str) -> Result<(String, Option<String>, String), ScenarioError> {
    let parts: Vec<&str> = s.trim().split('/').collect();
    match parts.as_slice() {
        [k, n] if !k.is_empty() && !n.is_empty() => Ok((k.to_string(), None, n.to_string())),
        [k, ns, n] if !k.is_empty() && !n.is_empty() => {
            Ok((k.to_string(), Some(ns.to_string()), n.to_string()))
        }
        _ => err(format!(
            "cluster object {s:?} must be Kind/name or Kind/namespace/name"
        )),
    }
}

fn parse_cluster_object(v: &Yaml) -> Result<ClusterObject, ScenarioError> {
    match v {
        Yaml::String(s) => {
            let (kind, namespace, name) = parse_object_ref(s)?;
            Ok(ClusterObject {
                kind,
                name,
                namespace,
                ..ClusterObject::default()
            })
        }
        Yaml::Mapping(m) => {
            let mut o = ClusterObject::default();
            for (k, val) in m {
                let key = scalar_string(k, "cluster object key")?;
                match key.as_str() {
                    "object" | "ref" => {
                        let (kind, namespace, name) =
                            parse_object_ref(&scalar_string(val, "object")?)?;
                        o.kind = kind;
                        o.name = name;
                        if namespace.is_some() {
                            o.namespace = namespace;
                        }
                    }
                    "kind" => o.kind = scalar_string(val, "kind")?,
                    "name" => o.name = scalar_string(val, "name")?,
                    "namespace" => o.namespace = Some(scalar_string(val, "namespace")?),
                    "owner" | "release" => o.owner = Some(scalar_string(val, "owner")?),
                    "owner-namespace" | "owner_namespace" => {
                        o.owner_namespace = Some(scalar_string(val, "owner-namespace")?)
                    }
                    "keep" => {
                        o.keep =
                            matches!(val, Yaml::Bool(true)) || scalar_string(val, "keep")? == "keep"
                    }
                    "result" | "state" => o.result = Some(scalar_string(val, "result")?),
                    "manifest" | "content" => o.content = Some(scalar_string(val, "manifest")?),
                    other => return err(format!("unknown cluster object field {other:?}")),
                }
            }
            if o.kind.is_empty() || o.name.is_empty() {
                return err("a cluster object needs `object: Kind/name` (or kind and name)");
            }
            Ok(o)
        }
        _ => err("a cluster object is a string Kind/name or a mapping"),
    }
}

/// What a wait or an API call can return in a step.
pub const OUTCOMES: &[&str] = &[
    "succeeded",
    "failed",
    "timeout",
    "create-error",
    "delete-error",
    "interrupted",
    "cancelled",
    "ready",
    "not-ready",
];

fn parse_step(v: &Yaml) -> Result<StepSpec, ScenarioError> {
    let m = match v {
        Yaml::Mapping(m) => m,
        Yaml::String(op) => return Ok(StepSpec::op(op)),
        _ => return err("a step must be a mapping with `op:`"),
    };
    let mut s = StepSpec::default();
    let mut has_op = false;
    for (k, val) in m {
        let key = scalar_string(k, "step key")?;
        match key.as_str() {
            "op" => {
                s.op = scalar_string(val, "op")?;
                has_op = true;
            }
            "values" => {
                let j: Json = match val {
                    Yaml::Null => Json::Object(Default::default()),
                    other => other
                        .to_json()
                        .map_err(|e| ScenarioError(format!("values: {e}")))?,
                };
                if !j.is_object() {
                    return err("values must be a mapping");
                }
                s.values = j;
            }
            "set" => s.set = string_list(val, "set")?,
            "flags" => {
                s.flags = string_list(val, "flags")?
                    .into_iter()
                    .map(|f| f.trim().trim_start_matches('-').to_string())
                    .collect()
            }
            "wait" => s.wait = Some(scalar_string(val, "wait")?),
            "server-side" | "server_side" | "serverSide" => {
                s.server_side = Some(scalar_string(val, "server-side")?)
            }
            "timeout" => {
                let raw = scalar_string(val, "timeout")?;
                match parse_duration_seconds(&raw) {
                    Some(t) => s.timeout_seconds = Some(t),
                    None => return err(format!("timeout {raw:?} is not a duration like 300s")),
                }
                s.timeout_raw = Some(raw);
            }
            "revision" => match val {
                Yaml::Number(n) => match n.as_i64() {
                    Some(i) => s.revision = Some(i),
                    None => return err("revision must be an integer"),
                },
                Yaml::Null => s.revision = None,
                Yaml::String(t) => match t.trim().parse::<i64>() {
                    Ok(i) => s.revision = Some(i),
                    Err(_) => return err("revision must be an integer"),
                },
                _ => return err("revision must be an integer"),
            },
            "filter" => s.filter = string_list(val, "filter")?,
            "outcomes" => match val {
                Yaml::Null => {}
                Yaml::Mapping(om) => {
                    for (ok, ov) in om {
                        let key = scalar_string(ok, "outcome key")?.trim().to_string();
                        let value = scalar_string(ov, "outcome")?.trim().to_string();
                        if !OUTCOMES.contains(&value.as_str()) {
                            return err(format!(
                                "outcome {value:?} for {key} is not one of {}",
                                OUTCOMES.join(", ")
                            ));
                        }
                        if !key.contains('/') {
                            return err(format!(
                                "outcome key {key:?} must be Kind/name or event:Kind/name"
                            ));
                        }
                        s.outcomes.insert(key, value);
                    }
                }
                _ => return err("outcomes must be a mapping of Kind/name to outcome"),
            },
            "manifest" => s.manifest = Some(scalar_string(val, "manifest")?),
            other => return err(format!("unknown step field {other:?}")),
        }
    }
    if !has_op {
        return err("every step needs an `op:`");
    }
    Ok(s)
}

impl Scenario {
    /// Parse the YAML scenario format. Empty text gives the default scenario (one install).
    /// The text is read by the engine's own YAML loader (go-yaml v2's rules, as Helm reads a
    /// values file given with `-f`, integers kept), not serde_yaml: the playground then ships
    /// one YAML parser instead of two (issue #11).
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let doc =
            crate::yaml::from_str_typed(text).map_err(|e| ScenarioError(format!("YAML: {e}")))?;
        Scenario::from_tree(&yaml_of(&doc))
    }

    /// A scenario from serde_yaml's tree (the conformance tables).
    pub fn from_yaml(doc: &serde_yaml::Value) -> Result<Scenario, ScenarioError> {
        Scenario::from_tree(&Yaml::from_serde(doc))
    }

    pub fn from_tree(doc: &Yaml) -> Result<Scenario, ScenarioError> {
        let mut sc = Scenario::default();
        let m = match doc {
            Yaml::Null => return Ok(sc),
            Yaml::Mapping(m) => m,
            _ => return err("a scenario is a mapping (release, namespace, helm, cluster, steps)"),
        };
        for (k, val) in m {
            let key = scalar_string(k, "scenario key")?;
            match key.as_str() {
                "release" => sc.release = scalar_string(val, "release")?,
                "namespace" => sc.namespace = scalar_string(val, "namespace")?,
                "helm" => {
                    let raw = scalar_string(val, "helm")?;
                    sc.helm = HelmVersion::parse(&raw).ok_or_else(|| {
                        ScenarioError(format!("helm must be v3 or v4, not {raw:?}"))
                    })?;
                }
                "cluster" => {
                    sc.cluster = match val {
                        Yaml::Null => Vec::new(),
                        Yaml::Sequence(items) => items
                            .iter()
                            .map(parse_cluster_object)
                            .collect::<Result<_, _>>()?,
                        _ => return err("cluster must be a list"),
                    }
                }
                "steps" => {
                    sc.steps = match val {
                        Yaml::Null => Vec::new(),
                        Yaml::Sequence(items) => {
                            items.iter().map(parse_step).collect::<Result<_, _>>()?
                        }
                        _ => return err("steps must be a list"),
                    }
                }
                // Free-form fields for tests and documentation.
                "name" | "description" | "cite" | "comment" => {}
                other => return err(format!("unknown scenario field {other:?}")),
            }
        }
        if sc.release.is_empty() {
            sc.release = "release".into();
        }
        if sc.namespace.is_empty() {
            sc.namespace = "default".into();
        }
        if sc.steps.is_empty() {
            sc.steps.push(StepSpec::op("install"));
        }
        Ok(sc)
    }
}

/// Apply one `--set a.b=c` to a values tree (a simplified `strvals`: dotted keys, values
/// typed as int, bool, null or string; `a.b[0]` indexes are kept as literal keys).
pub fn apply_set(values: &mut Json, expr: &str) -> Result<(), String> {
    for part in split_set(expr) {
        let Some((path, raw)) = part.split_once('=') else {
            return Err(format!("key {part:?} has no value"));
        };
        let value = if let Ok(i) = raw.parse::<i64>() {
            Json::from(i)
        } else {
            match raw {
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                "null" => Json::Null,
                s => Json::String(s.to_string()),
            }
        };
        let keys: Vec<&str> = path.split('.').collect();
        let mut cur = &mut *values;
        for (i, k) in keys.iter().enumerate() {
            if !cur.is_object() {
                *cur = Json::Object(Default::default());
            }
            let Json::Object(map) = cur else {
                return Err("internal: not an object".into());
            };
            if i + 1 == keys.len() {
                map.insert((*k).to_string(), value.clone());
                break;
            }
            cur = map
                .entry((*k).to_string())
                .or_insert_with(|| Json::Object(Default::default()));
        }
    }
    Ok(())
}

fn split_set(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in expr.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Deep-merge `over` into `base` (maps merge, everything else replaces), like Helm's
/// coalescing of `-f` files and `--set`.
pub fn merge_values(base: &mut Json, over: &Json) {
    match (base, over) {
        (Json::Object(b), Json::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        merge_values(existing, v)
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our tree reads, prints and converts values as serde_yaml's did (the scenario parser
    /// used its tree before).
    #[test]
    fn tree_numbers_and_values_are_serde_yamls() {
        let docs = [
            "0",
            "-7",
            "42",
            "9223372036854775807",
            "18446744073709551615",
            "1.0",
            "0.1",
            "-2.5",
            "1e21",
            "1.5e-7",
            "123456789.125",
            "1e15",
            "1e16",
            "1e17",
            "1.25e16",
            "123456789012345680.0",
            "0.0001",
            "0.00001",
            "1e-7",
            "-1e-300",
            "1.7976931348623157e308",
            "5e-324",
            ".nan",
            ".inf",
            "-.inf",
            "true",
            "~",
            "text",
            "[1, 2.0, x]",
            "{a: 1, b: {c: [0.5, null]}}",
        ];
        for doc in docs {
            let theirs: serde_yaml::Value = serde_yaml::from_str(doc).unwrap();
            let ours = Yaml::from_serde(&theirs);
            if let (serde_yaml::Value::Number(n), Yaml::Number(m)) = (&theirs, &ours) {
                assert_eq!(m.to_string(), n.to_string(), "{doc}");
                assert_eq!(m.as_i64(), n.as_i64(), "{doc}");
            }
            assert_eq!(
                ours.to_json().ok(),
                serde_json::to_value(&theirs).ok(),
                "{doc}"
            );
        }
        // The loader's tree for the same texts (where go-yaml and serde_yaml agree).
        for (doc, want) in [("42", "42"), ("2.5", "2.5"), ("1e3", "1000.0")] {
            let v = crate::yaml::from_str_typed(doc).unwrap();
            let Yaml::Number(n) = yaml_of(&v) else {
                panic!("{doc}")
            };
            assert_eq!(n.to_string(), want);
        }
    }

    #[test]
    fn parses_the_issue_example() {
        let sc = Scenario::parse(
            "release: demo\nhelm: v3\nsteps:\n  - op: install\n    set: [\"a.b=1\"]\n    flags: [atomic]\n    timeout: 5m\n    outcomes:\n      Job/db-migrate: failed\n      post-install:Job/smoke: timeout\n",
        )
        .unwrap();
        assert_eq!(sc.release, "demo");
        assert_eq!(sc.helm, HelmVersion::V3);
        assert_eq!(sc.steps[0].timeout_seconds, Some(300));
        assert_eq!(sc.steps[0].outcomes["post-install:Job/smoke"], "timeout");
    }

    #[test]
    fn syntax_errors_are_errors() {
        assert!(Scenario::parse("steps: [").is_err());
        assert!(Scenario::parse("steps:\n  - flags: [x]\n").is_err());
        assert!(Scenario::parse("bogus: 1").is_err());
        assert!(Scenario::parse("steps:\n  - op: install\n    timeout: soon\n").is_err());
        assert!(
            Scenario::parse("steps:\n  - op: install\n    outcomes: {Job/x: exploded}\n").is_err()
        );
        assert!(Scenario::parse("steps:\n  - op: install\n    outcomes: {x: failed}\n").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_seconds("300s"), Some(300));
        assert_eq!(parse_duration_seconds("1h30m"), Some(5400));
        assert_eq!(parse_duration_seconds("1.5m"), Some(90));
        assert_eq!(parse_duration_seconds("0"), Some(0));
        assert_eq!(parse_duration_seconds("x"), None);
    }

    #[test]
    fn set_builds_nested_values() {
        let mut v = Json::Object(Default::default());
        apply_set(&mut v, "a.b=1,c=true,d=x").unwrap();
        assert_eq!(v, serde_json::json!({"a": {"b": 1}, "c": true, "d": "x"}));
    }
}
