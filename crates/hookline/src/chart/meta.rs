//! Chart.yaml (and requirements.yaml) metadata, decoded as Helm decodes it: sigs.k8s.io/yaml
//! into the Go structs of pkg/chart/v2/metadata.go and pkg/chart/v2/dependency.go (scalars are
//! stringified for string fields, JSON field names match case-insensitively, unknown fields are
//! ignored), then `Metadata.Validate`.

use gotemplate::{Map, Value};

use super::semver;

/// A maintainer entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// A Chart.yaml `dependencies` entry (pkg/chart/v2/dependency.go).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// Each item a string (`exports.X` form) or a map with `child`/`parent`.
    pub import_values: Vec<Value>,
    pub alias: String,
}

/// Chart.yaml (pkg/chart/v2/metadata.go). Go's nil slices are `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Option<Vec<String>>,
    pub version: String,
    pub description: String,
    pub keywords: Option<Vec<String>>,
    /// `None` entries are YAML nulls (a validation error).
    pub maintainers: Option<Vec<Option<Maintainer>>>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: Option<Vec<(String, String)>>,
    pub kube_version: String,
    /// `None` entries are YAML nulls (a validation error).
    pub dependencies: Option<Vec<Option<Dependency>>>,
    pub chart_type: String,
}

pub const API_VERSION_V1: &str = "v1";
pub const API_VERSION_V2: &str = "v2";

/// Field lookup as encoding/json does it: exact name first, then case-insensitive.
fn field<'a>(m: &'a Map, name: &str) -> Option<&'a Value> {
    m.get(name).or_else(|| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) | Value::Bytes(_) => "array",
        Value::Map(_) | Value::Object(_) => "object",
        Value::Nil => "null",
    }
}

fn type_err(v: &Value, strct: &str, fname: &str, go_type: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {strct}.{fname} of type {go_type}",
        json_kind(v)
    )
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, which sigs.k8s.io/yaml uses to stringify a
/// YAML float for a string field (so `appVersion: 1.10` becomes "1.1").
pub(crate) fn format_float_g32(f: f64) -> String {
    // YAML integers reach here as float64 too; they were formatted with FormatInt.
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return (f as i64).to_string();
    }
    let x = f as f32;
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let e = format!("{x:e}"); // shortest digits, e.g. "1.234567e6"
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    format!("{x}")
}

/// A scalar decoded into a Go `string` field through sigs.k8s.io/yaml.
fn as_string(v: &Value, strct: &str, fname: &str) -> Result<String, String> {
    match v {
        Value::Nil => Ok(String::new()),
        Value::String(s) => Ok(s.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(format_float_g32(*f)),
        other => Err(type_err(other, strct, fname, "string")),
    }
}

fn as_bool(v: &Value, strct: &str, fname: &str) -> Result<bool, String> {
    match v {
        Value::Nil => Ok(false),
        Value::Bool(b) => Ok(*b),
        other => Err(type_err(other, strct, fname, "bool")),
    }
}

fn as_strings(v: &Value, strct: &str, fname: &str) -> Result<Option<Vec<String>>, String> {
    match v {
        Value::Nil => Ok(None),
        Value::List(items) => items
            .iter()
            .map(|i| as_string(i, strct, fname))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => Err(type_err(other, strct, fname, "[]string")),
    }
}

fn str_field(m: &Map, strct: &str, name: &str) -> Result<String, String> {
    field(m, name).map_or(Ok(String::new()), |v| as_string(v, strct, name))
}

fn parse_maintainer(v: &Value) -> Result<Option<Maintainer>, String> {
    match v {
        Value::Nil => Ok(None),
        Value::Map(m) => {
            let m = m.borrow();
            Ok(Some(Maintainer {
                name: str_field(&m, "Maintainer", "name")?,
                email: str_field(&m, "Maintainer", "email")?,
                url: str_field(&m, "Maintainer", "url")?,
            }))
        }
        other => Err(type_err(
            other,
            "Metadata",
            "maintainers",
            "chart.Maintainer",
        )),
    }
}

fn parse_dependency(v: &Value) -> Result<Option<Dependency>, String> {
    match v {
        Value::Nil => Ok(None),
        Value::Map(m) => {
            let m = m.borrow();
            let s = "Dependency";
            Ok(Some(Dependency {
                name: str_field(&m, s, "name")?,
                version: str_field(&m, s, "version")?,
                repository: str_field(&m, s, "repository")?,
                condition: str_field(&m, s, "condition")?,
                tags: field(&m, "tags")
                    .map_or(Ok(None), |v| as_strings(v, s, "tags"))?
                    .unwrap_or_default(),
                enabled: field(&m, "enabled").map_or(Ok(false), |v| as_bool(v, s, "enabled"))?,
                import_values: match field(&m, "import-values") {
                    None | Some(Value::Nil) => Vec::new(),
                    Some(Value::List(l)) => l.as_ref().clone(),
                    Some(other) => {
                        return Err(type_err(other, s, "import-values", "[]interface {}"))
                    }
                },
                alias: str_field(&m, s, "alias")?,
            }))
        }
        other => Err(type_err(
            other,
            "Metadata",
            "dependencies",
            "chart.Dependency",
        )),
    }
}

/// Decode the `dependencies` list of Chart.yaml or requirements.yaml.
fn parse_dependencies(v: &Value) -> Result<Option<Vec<Option<Dependency>>>, String> {
    match v {
        Value::Nil => Ok(None),
        Value::List(l) => l
            .iter()
            .map(parse_dependency)
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => Err(type_err(
            other,
            "Metadata",
            "dependencies",
            "[]*chart.Dependency",
        )),
    }
}

impl Metadata {
    /// Decode a Chart.yaml document (already parsed) into `self`, as `yaml.Unmarshal` into an
    /// existing struct does: only the fields present are overwritten.
    pub fn merge_from(&mut self, doc: &Value) -> Result<(), String> {
        let m = match doc {
            Value::Nil => return Ok(()),
            Value::Map(m) => m.borrow().clone(),
            other => {
                return Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type chart.Metadata",
                    json_kind(other)
                ))
            }
        };
        let s = "Metadata";
        macro_rules! string_field {
            ($f:ident, $n:expr) => {
                if let Some(v) = field(&m, $n) {
                    if !v.is_nil() {
                        self.$f = as_string(v, s, $n)?;
                    }
                }
            };
        }
        string_field!(name, "name");
        string_field!(home, "home");
        string_field!(version, "version");
        string_field!(description, "description");
        string_field!(icon, "icon");
        string_field!(api_version, "apiVersion");
        string_field!(condition, "condition");
        string_field!(tags, "tags");
        string_field!(app_version, "appVersion");
        string_field!(kube_version, "kubeVersion");
        string_field!(chart_type, "type");
        if let Some(v) = field(&m, "sources") {
            if !v.is_nil() {
                self.sources = as_strings(v, s, "sources")?;
            }
        }
        if let Some(v) = field(&m, "keywords") {
            if !v.is_nil() {
                self.keywords = as_strings(v, s, "keywords")?;
            }
        }
        if let Some(v) = field(&m, "deprecated") {
            if !v.is_nil() {
                self.deprecated = as_bool(v, s, "deprecated")?;
            }
        }
        match field(&m, "maintainers") {
            None | Some(Value::Nil) => {}
            Some(Value::List(l)) => {
                self.maintainers = Some(
                    l.iter()
                        .map(parse_maintainer)
                        .collect::<Result<Vec<_>, _>>()?,
                )
            }
            Some(other) => return Err(type_err(other, s, "maintainers", "[]*chart.Maintainer")),
        }
        match field(&m, "annotations") {
            None | Some(Value::Nil) => {}
            Some(Value::Map(a)) => {
                let mut out = Vec::new();
                for (k, v) in a.borrow().iter() {
                    out.push((k.clone(), as_string(v, s, "annotations")?));
                }
                self.annotations = Some(out);
            }
            Some(other) => return Err(type_err(other, s, "annotations", "map[string]string")),
        }
        if let Some(v) = field(&m, "dependencies") {
            if !v.is_nil() {
                self.dependencies = parse_dependencies(v)?;
            }
        }
        Ok(())
    }

    /// `Metadata.Validate` (pkg/chart/v2/metadata.go): sanitise strings, then check.
    pub fn validate(&mut self) -> Result<(), String> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize_string(s);
        }
        for list in [&mut self.sources, &mut self.keywords]
            .into_iter()
            .flatten()
        {
            for s in list.iter_mut() {
                *s = sanitize_string(s);
            }
        }
        if self.api_version.is_empty() {
            return Err("validation: chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return Err("validation: chart.metadata.name is required".into());
        }
        // path/filepath.Base(name) != name: a slash, or an empty base.
        if self.name.contains('/') {
            return Err(format!(
                "validation: chart.metadata.name {} is invalid",
                crate::values::strvals::go_quote(&self.name)
            ));
        }
        if self.name == "." || self.name == ".." {
            return Err(format!(
                "validation: chart.metadata.name {} is not allowed",
                crate::values::strvals::go_quote(&self.name)
            ));
        }
        if self.version.is_empty() {
            return Err("validation: chart.metadata.version is required".into());
        }
        if semver::Version::parse(&self.version).is_err() {
            return Err(format!(
                "validation: chart.metadata.version {} is invalid",
                crate::values::strvals::go_quote(&self.version)
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return Err("validation: chart.metadata.type must be application or library".into());
        }
        for m in self.maintainers.iter_mut().flatten() {
            match m {
                None => {
                    return Err(
                        "validation: maintainers must not contain empty or null nodes".into(),
                    )
                }
                Some(m) => {
                    m.name = sanitize_string(&m.name);
                    m.email = sanitize_string(&m.email);
                    m.url = sanitize_string(&m.url);
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in self.dependencies.iter_mut().flatten() {
            let Some(d) = d else {
                return Err("validation: dependencies must not contain empty or null nodes".into());
            };
            d.name = sanitize_string(&d.name);
            d.version = sanitize_string(&d.version);
            d.repository = sanitize_string(&d.repository);
            d.condition = sanitize_string(&d.condition);
            for t in d.tags.iter_mut() {
                *t = sanitize_string(t);
            }
            if !d.alias.is_empty()
                && !d
                    .alias
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(format!(
                    "validation: dependency {} has disallowed characters in the alias",
                    crate::values::strvals::go_quote(&d.name)
                ));
            }
            let key = if d.alias.is_empty() {
                d.name.clone()
            } else {
                d.alias.clone()
            };
            if !seen.insert(key.clone()) {
                return Err(format!(
                    "validation: more than one dependency with name or alias {}",
                    crate::values::strvals::go_quote(&key)
                ));
            }
        }
        Ok(())
    }

    /// The dependencies that are not YAML nulls (valid metadata has no nulls).
    pub fn deps(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().flatten().flatten()
    }

    pub fn is_library(&self) -> bool {
        self.chart_type.eq_ignore_ascii_case("library")
    }

    /// `.Chart` as Helm v4 builds it: `structToMap(Metadata)` (pkg/chart/common.go) plus
    /// `IsRoot` (pkg/engine/engine.go `recAllTpls`). Nil slices become empty lists, nil
    /// annotations stay nil.
    pub fn to_value_v4(&self, is_root: bool) -> Value {
        let strs = |l: &Option<Vec<String>>| {
            Value::list(
                l.iter()
                    .flatten()
                    .map(|s| Value::from(s.as_str()))
                    .collect(),
            )
        };
        let mut m = Map::new();
        m.insert("Name".into(), self.name.as_str().into());
        m.insert("Home".into(), self.home.as_str().into());
        m.insert("Sources".into(), strs(&self.sources));
        m.insert("Version".into(), self.version.as_str().into());
        m.insert("Description".into(), self.description.as_str().into());
        m.insert("Keywords".into(), strs(&self.keywords));
        m.insert(
            "Maintainers".into(),
            Value::list(
                self.maintainers
                    .iter()
                    .flatten()
                    .map(|mt| match mt {
                        None => Value::Nil,
                        Some(mt) => {
                            let mut mm = Map::new();
                            mm.insert("Name".into(), mt.name.as_str().into());
                            mm.insert("Email".into(), mt.email.as_str().into());
                            mm.insert("URL".into(), mt.url.as_str().into());
                            Value::map(mm)
                        }
                    })
                    .collect(),
            ),
        );
        m.insert("Icon".into(), self.icon.as_str().into());
        m.insert("APIVersion".into(), self.api_version.as_str().into());
        m.insert("Condition".into(), self.condition.as_str().into());
        m.insert("Tags".into(), self.tags.as_str().into());
        m.insert("AppVersion".into(), self.app_version.as_str().into());
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        m.insert(
            "Annotations".into(),
            match &self.annotations {
                None => Value::Nil,
                Some(a) => Value::map(crate::stable_sort::map_from(
                    a.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))),
                )),
            },
        );
        m.insert("KubeVersion".into(), self.kube_version.as_str().into());
        m.insert(
            "Dependencies".into(),
            Value::list(
                self.dependencies
                    .iter()
                    .flatten()
                    .map(|d| match d {
                        None => Value::Nil,
                        Some(d) => d.to_value_v4(),
                    })
                    .collect(),
            ),
        );
        m.insert("Type".into(), self.chart_type.as_str().into());
        m.insert("IsRoot".into(), Value::Bool(is_root));
        Value::map(m)
    }

    /// `.Chart` as Helm v3 builds it: the Metadata struct with `IsRoot` embedded. Field access
    /// uses the same capitalised names; `toJson` gives the struct's JSON (lower-case keys,
    /// empty fields omitted).
    pub fn to_value_v3(&self, is_root: bool) -> Value {
        let fields = self.to_value_v4(is_root);
        let Value::Map(fields) = fields else {
            return Value::Nil;
        };
        let fields = fields.borrow().clone();
        Value::Object(std::rc::Rc::new(ChartMetadataV3 {
            fields,
            json: self.to_json_v3(is_root),
        }))
    }

    fn to_json_v3(&self, is_root: bool) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                m.insert(k.to_string(), Value::from(v));
            }
        };
        put("name", &self.name);
        put("home", &self.home);
        put("version", &self.version);
        put("description", &self.description);
        put("icon", &self.icon);
        put("apiVersion", &self.api_version);
        put("condition", &self.condition);
        put("tags", &self.tags);
        put("appVersion", &self.app_version);
        put("kubeVersion", &self.kube_version);
        put("type", &self.chart_type);
        let mut list = |k: &str, l: &Option<Vec<String>>| {
            if let Some(l) = l.as_ref().filter(|l| !l.is_empty()) {
                m.insert(
                    k.to_string(),
                    Value::list(l.iter().map(|s| Value::from(s.as_str())).collect()),
                );
            }
        };
        list("sources", &self.sources);
        list("keywords", &self.keywords);
        if let Some(ms) = self.maintainers.as_ref().filter(|l| !l.is_empty()) {
            let items = ms
                .iter()
                .map(|mt| match mt {
                    None => Value::Nil,
                    Some(mt) => {
                        let mut mm = Map::new();
                        for (k, v) in [("name", &mt.name), ("email", &mt.email), ("url", &mt.url)] {
                            if !v.is_empty() {
                                mm.insert(k.into(), Value::from(v.as_str()));
                            }
                        }
                        Value::map(mm)
                    }
                })
                .collect();
            m.insert("maintainers".into(), Value::list(items));
        }
        if self.deprecated {
            m.insert("deprecated".into(), Value::Bool(true));
        }
        if let Some(a) = self.annotations.as_ref().filter(|a| !a.is_empty()) {
            m.insert(
                "annotations".into(),
                Value::map(crate::stable_sort::map_from(
                    a.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))),
                )),
            );
        }
        if let Some(ds) = self.dependencies.as_ref().filter(|l| !l.is_empty()) {
            let items = ds
                .iter()
                .map(|d| match d {
                    None => Value::Nil,
                    Some(d) => d.to_json_v3(),
                })
                .collect();
            m.insert("dependencies".into(), Value::list(items));
        }
        m.insert("IsRoot".into(), Value::Bool(is_root));
        Value::map(m)
    }
}

impl Dependency {
    fn to_value_v4(&self) -> Value {
        let mut m = Map::new();
        m.insert("Name".into(), self.name.as_str().into());
        m.insert("Version".into(), self.version.as_str().into());
        m.insert("Repository".into(), self.repository.as_str().into());
        m.insert("Condition".into(), self.condition.as_str().into());
        m.insert(
            "Tags".into(),
            Value::list(self.tags.iter().map(|t| Value::from(t.as_str())).collect()),
        );
        m.insert("Enabled".into(), Value::Bool(self.enabled));
        m.insert(
            "ImportValues".into(),
            Value::list(self.import_values.clone()),
        );
        m.insert("Alias".into(), self.alias.as_str().into());
        Value::map(m)
    }

    fn to_json_v3(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), self.name.as_str().into());
        m.insert("repository".into(), self.repository.as_str().into());
        for (k, v) in [
            ("version", &self.version),
            ("condition", &self.condition),
            ("alias", &self.alias),
        ] {
            if !v.is_empty() {
                m.insert(k.into(), v.as_str().into());
            }
        }
        if !self.tags.is_empty() {
            m.insert(
                "tags".into(),
                Value::list(self.tags.iter().map(|t| Value::from(t.as_str())).collect()),
            );
        }
        if self.enabled {
            m.insert("enabled".into(), Value::Bool(true));
        }
        if !self.import_values.is_empty() {
            m.insert(
                "import-values".into(),
                Value::list(self.import_values.clone()),
            );
        }
        Value::map(m)
    }
}

/// Helm v3's `.Chart`: a struct (fields by capitalised name; JSON with lower-case keys).
struct ChartMetadataV3 {
    fields: Map,
    json: Value,
}

impl gotemplate::Object for ChartMetadataV3 {
    fn type_name(&self) -> &str {
        "struct { *chart.Metadata; IsRoot bool }"
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields.get(name).cloned()
    }
    fn display(&self) -> String {
        format!(
            "{{{:?}}}",
            self.fields
                .get("Name")
                .and_then(|v| v.as_str().map(str::to_string))
        )
    }
    fn to_data(&self) -> Value {
        self.json.deep_copy()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `sanitizeString`: whitespace becomes a space, non-printable characters are dropped.
pub fn sanitize_string(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if !is_go_print(c) {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Go's `unicode.IsPrint` for non-space characters: not a control, format, private-use,
/// surrogate or non-character code point.
fn is_go_print(c: char) -> bool {
    !(c.is_control()
        || matches!(c,
            '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{e000}'..='\u{f8ff}'
            | '\u{fdd0}'..='\u{fdef}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{fffe}'..='\u{ffff}'
            | '\u{f0000}'..='\u{10ffff}'))
}
