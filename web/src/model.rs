//! The playground's state as plain Rust (no signals): the workspace the user edits, the
//! scenario builder's model, and what one run of the core produces for the views.

use std::collections::BTreeMap;

use hookline::playground::{self, Input, RenderedFileView};
use hookline::{HelmVersion, Plan};
use serde::{Deserialize, Serialize};

/// Everything the user can change; saved to localStorage and carried by share links.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workspace {
    /// Chart files by chart-relative path.
    pub files: BTreeMap<String, String>,
    /// The file open in the editor.
    pub open: String,
    /// Extra values (YAML, like `-f`).
    pub values: String,
    /// `--set` lines, one per line.
    pub set: String,
    pub release: String,
    pub namespace: String,
    pub kube_version: String,
    /// `v3` or `v4`.
    pub helm: String,
    pub scenario: ScenarioModel,
    /// The gallery example the chart came from (share links then carry only the edits).
    pub gallery: Option<String>,
}

/// The scenario builder's model; serialises to the scenario file format (issue #5).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScenarioModel {
    /// Objects on the cluster before step 1 (`Kind/name` strings or mappings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cluster: Vec<serde_json::Value>,
    pub steps: Vec<StepModel>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepModel {
    /// Stable identity for keyed lists (not saved).
    #[serde(skip)]
    pub id: u32,
    pub op: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub timeout: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// This step's values (like `-f`), a mapping; install and upgrade only.
    #[serde(skip_serializing_if = "no_values")]
    pub values: serde_json::Value,
    /// This step's `--set` lines; install and upgrade only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<String>,
    /// `phase:Kind/name` (or `Kind/name`) → succeeded | failed | timeout | ...
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub outcomes: BTreeMap<String, String>,
    /// A rendered manifest for this step only (gallery examples use it to change the chart
    /// between steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
}

/// [`StepModel`]'s serialised fields in declaration order (the scenario file's order).
const STEP_KEYS: [&str; 9] = [
    "op", "flags", "timeout", "revision", "values", "set", "filter", "outcomes", "manifest",
];

impl Default for StepModel {
    fn default() -> Self {
        StepModel {
            id: 0,
            op: "install".into(),
            flags: Vec::new(),
            timeout: String::new(),
            revision: None,
            values: serde_json::Value::Null,
            set: Vec::new(),
            filter: Vec::new(),
            outcomes: BTreeMap::new(),
            manifest: None,
        }
    }
}

fn no_values(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// Whether a step's command takes values (`-f`, `--set`).
pub fn takes_values(op: &str) -> bool {
    matches!(op, "install" | "upgrade")
}

/// A step's values as the builder shows them (YAML; empty when there are none).
pub fn values_text(v: &serde_json::Value) -> String {
    if no_values(v) {
        String::new()
    } else {
        yaml_text(v)
    }
}

/// YAML for a JSON value, written by the engine's `toYaml` emitter (the playground ships one
/// YAML implementation, the engine's, not serde_yaml as well: issue #11).
fn yaml_text(v: &serde_json::Value) -> String {
    hookline::yaml::marshal(&hookline::values::strvals::json_to_value(v)).unwrap_or_default()
}

/// A loaded YAML document as JSON (integers stay integers).
fn json_of(v: &gotemplate::Value) -> serde_json::Value {
    use gotemplate::Value as V;
    use serde_json::Value as J;
    match v {
        V::Nil => J::Null,
        V::Bool(b) => J::Bool(*b),
        V::Int(i) | V::Int64(i) => J::from(*i),
        V::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        V::String(s) => J::String(s.to_string()),
        V::Bytes(b) => J::String(String::from_utf8_lossy(b).into_owned()),
        V::List(items) => J::Array(items.iter().map(json_of).collect()),
        V::Map(m) => {
            // Built by insertion: `collect` instantiates a sort per iterator type (wasm size).
            let mut o = serde_json::Map::new();
            o.extend(m.borrow().iter().map(|(k, v)| (k.clone(), json_of(v))));
            J::Object(o)
        }
        V::Object(o) => J::String(o.display()),
    }
}

/// A JSON value as `T`, read back from its text rather than with `serde_json::from_value`:
/// the page then holds one deserializer per type (the text one, which localStorage and the
/// worker's messages need anyway) instead of two (issue #11). Errors read as `from_value`'s
/// (no position: the text is not the user's).
pub fn from_json<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<T, String> {
    serde_json::from_str(&v.to_string()).map_err(|e| {
        let text = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        text.strip_suffix(&position).unwrap_or(&text).to_string()
    })
}

/// A YAML document read as the core reads the scenario file.
fn parse_yaml(text: &str) -> Result<serde_json::Value, String> {
    hookline::yaml::from_str_typed(text)
        .map(|v| json_of(&v))
        .map_err(|e| e.to_string())
}

/// Parse the builder's values text the way the scenario file reads a step's `values:` (YAML,
/// a mapping); empty text means no values.
pub fn parse_values(text: &str) -> Result<serde_json::Value, String> {
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Null);
    }
    match parse_yaml(text)? {
        v @ (serde_json::Value::Null | serde_json::Value::Object(_)) => Ok(v),
        _ => Err("values must be a mapping (key: value lines)".into()),
    }
}

/// `--set` lines as the builder keeps them: one per line, blank lines dropped.
pub fn set_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

pub const OPS: [&str; 5] = ["install", "upgrade", "rollback", "uninstall", "test"];

/// The flags the builder offers for each command (the core rejects the rest as Helm does).
pub fn flags_for(op: &str) -> &'static [&'static str] {
    match op {
        "install" => &[
            "atomic",
            "wait",
            "wait-for-jobs",
            "no-hooks",
            "replace",
            "skip-crds",
        ],
        "upgrade" => &[
            "install",
            "atomic",
            "wait",
            "wait-for-jobs",
            "no-hooks",
            "cleanup-on-fail",
            "reuse-values",
            "reset-values",
        ],
        "rollback" => &["wait", "wait-for-jobs", "no-hooks", "cleanup-on-fail"],
        "uninstall" => &["keep-history", "wait", "no-hooks"],
        "test" => &["logs"],
        _ => &[],
    }
}

/// The order the outcome of a hook's wait cycles through when its card is clicked.
pub fn next_outcome(current: Option<&str>) -> Option<&'static str> {
    match current {
        None | Some("succeeded") => Some("failed"),
        Some("failed") => Some("timeout"),
        _ => None,
    }
}

impl ScenarioModel {
    /// Give every step a fresh stable id (after loading).
    pub fn renumber(&mut self) {
        for (i, s) in self.steps.iter_mut().enumerate() {
            s.id = i as u32 + 1;
        }
    }

    pub fn next_id(&self) -> u32 {
        self.steps.iter().map(|s| s.id).max().unwrap_or(0) + 1
    }

    pub fn index_of(&self, id: u32) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// The scenario file text (YAML), as `hookline plan --scenario` reads it.
    /// Keys in the order a person writes them (`op` first), not the emitter's sorted order:
    /// each entry is emitted on its own and the texts are joined.
    pub fn to_yaml(&self) -> String {
        let entry = |key: &str, v: &serde_json::Value| {
            let mut one = serde_json::Map::new();
            one.insert(key.to_string(), v.clone());
            yaml_text(&serde_json::Value::Object(one))
        };
        let mut out = String::new();
        if !self.cluster.is_empty() {
            out.push_str(&entry(
                "cluster",
                &serde_json::Value::from(self.cluster.clone()),
            ));
        }
        if self.steps.is_empty() {
            out.push_str("steps: []\n");
            return out;
        }
        out.push_str("steps:\n");
        for step in &self.steps {
            let fields = match serde_json::to_value(step) {
                Ok(serde_json::Value::Object(m)) => m,
                _ => continue,
            };
            let mut text = String::new();
            for key in STEP_KEYS {
                if let Some(v) = fields.get(key) {
                    text.push_str(&entry(key, v));
                }
            }
            for (i, line) in text.lines().enumerate() {
                let lead = if i == 0 {
                    "- "
                } else if line.is_empty() {
                    ""
                } else {
                    "  "
                };
                out.push_str(lead);
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}

/// A gallery preset file: the scenario plus the settings it needs.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Preset {
    pub release: Option<String>,
    pub namespace: Option<String>,
    pub helm: Option<String>,
    pub cluster: Vec<serde_json::Value>,
    pub steps: Vec<StepModel>,
}

impl Preset {
    pub fn parse(text: &str) -> Preset {
        parse_yaml(text)
            .ok()
            .and_then(|v| from_json(&v).ok())
            .unwrap_or_default()
    }
}

impl Workspace {
    /// A workspace holding one pasted manifest.
    pub fn single_manifest(text: &str) -> Workspace {
        let mut files = BTreeMap::new();
        files.insert("manifest.yaml".to_string(), text.to_string());
        let mut scenario = ScenarioModel {
            cluster: Vec::new(),
            steps: vec![StepModel::default()],
        };
        scenario.renumber();
        Workspace {
            files,
            open: "manifest.yaml".into(),
            helm: "v4".into(),
            scenario,
            ..Workspace::default()
        }
    }

    pub fn helm_version(&self) -> HelmVersion {
        HelmVersion::parse(&self.helm).unwrap_or_default()
    }

    /// The chart's name from Chart.yaml (for `# Source:` headers).
    pub fn chart_name(&self) -> Option<String> {
        let chart = self.files.get("Chart.yaml")?;
        chart.lines().find_map(|l| {
            l.strip_prefix("name:")
                .map(|v| v.trim().trim_matches('"').trim_matches('\'').to_string())
        })
    }

    /// Make the state consistent after loading it from anywhere.
    pub fn normalise(mut self) -> Workspace {
        if self.helm.is_empty() {
            self.helm = "v4".into();
        }
        if !self.files.contains_key(&self.open) {
            self.open = first_file(&self.files);
        }
        if self.scenario.steps.is_empty() {
            self.scenario.steps.push(StepModel::default());
        }
        self.scenario.renumber();
        self
    }
}

/// The file to open by default: the first template, else the first file.
pub fn first_file(files: &BTreeMap<String, String>) -> String {
    files
        .keys()
        .find(|p| p.starts_with("templates/") && !p.contains("/_"))
        .or_else(|| files.keys().next())
        .cloned()
        .unwrap_or_default()
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The core's input for this workspace (optionally under the other Helm's semantics).
pub fn build_input(ws: &Workspace, helm: Option<HelmVersion>) -> Input {
    Input {
        files: ws.files.clone(),
        values: ws.values.clone(),
        set: ws
            .set
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        scenario: ws.scenario.to_yaml(),
        release: non_empty(&ws.release),
        namespace: non_empty(&ws.namespace),
        helm: Some(helm.unwrap_or_else(|| ws.helm_version())),
        kube_version: non_empty(&ws.kube_version),
    }
}

/// A problem placed on a line of a workspace file (or `scenario` / `values`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diag {
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// What the timeline needs to know about a hook beyond the plan's actions.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HookInfo {
    /// The delete policies in force.
    pub policies: Vec<String>,
    /// True when no annotation was given and before-hook-creation applies by default.
    pub default_policy: bool,
    pub path: String,
}

/// One run of the core, ready for the views. Crosses from the render worker to the page in
/// `crate::packed`'s text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Computed {
    pub plan: Option<Plan>,
    pub rendered: Vec<RenderedFileView>,
    pub diagnostics: Vec<Diag>,
    /// Hooks by (kind, name).
    #[serde(with = "pairs")]
    pub hooks: BTreeMap<(String, String), HookInfo>,
    /// Milliseconds the core took.
    pub millis: u32,
    /// Why the run produced nothing: the watchdog stopped it, or the worker failed. Shown
    /// instead of diagnostics (there are none).
    pub stopped: Option<String>,
}

/// JSON objects need string keys: a map keyed by tuples travels as a list of pairs.
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(hookline::stable_sort::map_from(Vec::<(K, V)>::deserialize(
            d,
        )?))
    }
}

impl Computed {
    /// The run did not produce the user's timeline: a problem in their files (the plan, if
    /// any, is Helm failing on it), or the run was stopped.
    pub fn failed(&self) -> bool {
        self.stopped.is_some() || !self.diagnostics.is_empty()
    }

    pub fn is_hook(&self, kind: &str, name: &str) -> bool {
        self.hooks
            .contains_key(&(kind.to_string(), name.to_string()))
    }
}

/// Run the core and prepare its output.
pub fn compute(ws: &Workspace) -> Computed {
    let Some(out) = run(&build_input(ws, None)) else {
        return Computed {
            stopped: Some(ENGINE_NOT_LOADED.into()),
            ..Computed::default()
        };
    };
    let mut hooks = BTreeMap::new();
    for h in out.hooks {
        hooks.insert(
            (h.kind, h.name),
            HookInfo {
                policies: h.policies,
                default_policy: h.default_policy,
                path: h.path,
            },
        );
    }
    let diagnostics = out
        .diagnostics
        .iter()
        .map(|d| locate(d, &ws.files))
        .collect();
    Computed {
        plan: out.plan,
        rendered: out.rendered,
        diagnostics,
        hooks,
        millis: 0,
        stopped: None,
    }
}

/// What a run shows when the second module, which renders charts, is not there (the worker
/// fetches it and runs the job again; this is seen only if that fails).
pub const ENGINE_NOT_LOADED: &str = "The chart engine (the page's second module) is not loaded.";

/// [`playground::run`] where it can happen: here for a lone manifest (or in a build with the
/// engine, as in tests), in the second module for a chart (issue #11: the page has no template
/// engine). `None` while that module is not loaded.
fn run(input: &Input) -> Option<playground::Shown> {
    if playground::ENGINE || !input.files.contains_key("Chart.yaml") {
        Some(playground::run(input).shown())
    } else {
        crate::lazy_engine::render(input)
    }
}

/// The workspace file a core path names (`chart/templates/x.yaml` → `templates/x.yaml`).
fn workspace_path(path: &str, files: &BTreeMap<String, String>) -> Option<String> {
    if files.contains_key(path) {
        return Some(path.to_string());
    }
    files
        .keys()
        .find(|p| path.ends_with(&format!("/{p}")))
        .cloned()
}

/// `line N column M` in a YAML error message.
fn line_col(msg: &str) -> Option<(u32, u32)> {
    let i = msg.find("line ")?;
    let rest = &msg[i + 5..];
    let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let line = n.parse().ok()?;
    let col = rest
        .find("column ")
        .and_then(|j| {
            let c: String = rest[j + 7..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            c.parse().ok()
        })
        .unwrap_or(1);
    Some((line, col))
}

/// Put a diagnostic on its file, line and column. The core reports manifest errors as
/// `YAML parse error on PATH: ... line N column M` with N counted within the document; the
/// document is found by parsing each one with the core's own splitter.
fn locate(d: &hookline::playground::Diagnostic, files: &BTreeMap<String, String>) -> Diag {
    let mut diag = Diag {
        file: d.file.clone(),
        line: d.line,
        col: d.col,
        message: d.message.clone(),
    };
    if let Some(p) = workspace_path(&d.file, files) {
        diag.file = p;
    }
    if d.line > 0 {
        return diag;
    }
    let Some(rest) = d.message.strip_prefix("YAML parse error on ") else {
        return diag;
    };
    let Some((path, cause)) = rest.split_once(": ") else {
        return diag;
    };
    let Some(file) = workspace_path(path, files) else {
        return diag;
    };
    diag.file = file.clone();
    let content = &files[&file];
    // Documents start after lines beginning with `---`.
    let mut start = 0u32;
    let mut docs: Vec<(u32, String)> = Vec::new();
    let mut cur = String::new();
    for (i, l) in content.split('\n').enumerate() {
        if l.starts_with("---") {
            docs.push((start, std::mem::take(&mut cur)));
            start = i as u32 + 1;
        } else {
            cur.push_str(l);
            cur.push('\n');
        }
    }
    docs.push((start, cur));
    let failing = docs
        .iter()
        .enumerate()
        .find(|(i, (_, text))| hookline::manifest::parse_head(path, *i, text).is_err())
        .map(|(_, d)| d.0);
    let offset = failing.unwrap_or(0);
    let (l, c) = line_col(cause).unwrap_or((1, 1));
    diag.line = offset + l;
    diag.col = c;
    diag
}

/// Helm 3 and Helm 4 plans of the same workspace.
pub fn compare(ws: &Workspace) -> (Option<Plan>, Option<Plan>) {
    let v3 = run(&build_input(ws, Some(HelmVersion::V3))).and_then(|o| o.plan);
    let v4 = run(&build_input(ws, Some(HelmVersion::V4))).and_then(|o| o.plan);
    (v3, v4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_land_on_the_file_line() {
        let ws = Workspace::single_manifest(
            "kind: ConfigMap\nmetadata:\n  name: a\n---\nkind: Job\nmetadata:\n  name: [x\n",
        );
        let c = compute(&ws);
        assert_eq!(c.diagnostics.len(), 1, "{:?}", c.diagnostics);
        let d = &c.diagnostics[0];
        assert_eq!(d.file, "manifest.yaml");
        assert!(d.line >= 5, "{d:?}");
    }

    #[test]
    fn computed_crosses_the_worker_boundary_as_json() {
        let ex = crate::gallery::EXAMPLES
            .iter()
            .find(|e| e.id == "delete-policies")
            .unwrap();
        let c = compute(&crate::gallery::workspace(ex));
        assert!(!c.hooks.is_empty());
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Computed>(&json).unwrap(), c);
    }

    #[test]
    fn outcomes_cycle() {
        assert_eq!(next_outcome(None), Some("failed"));
        assert_eq!(next_outcome(Some("failed")), Some("timeout"));
        assert_eq!(next_outcome(Some("timeout")), None);
    }

    #[test]
    fn step_values_round_trip_through_the_scenario_file() {
        assert_eq!(parse_values("  \n"), Ok(serde_json::Value::Null));
        assert!(parse_values("- a\n").is_err());
        assert!(parse_values("a: [").is_err());
        let v = parse_values("image:\n  tag: v2\n").unwrap();
        assert_eq!(values_text(&v), "image:\n  tag: v2\n");
        let mut s = ScenarioModel::default();
        s.steps.push(StepModel {
            op: "upgrade".into(),
            values: v,
            set: set_lines("a=1\n\n b=2 \n"),
            ..StepModel::default()
        });
        s.steps.push(StepModel::default());
        let yaml = s.to_yaml();
        let parsed = hookline::Scenario::parse(&yaml).unwrap();
        assert_eq!(parsed.steps[0].values["image"]["tag"], "v2");
        assert_eq!(parsed.steps[0].set, ["a=1", "b=2"]);
        // A step without values writes none.
        assert!(!yaml.contains("values: null"), "{yaml}");
    }

    #[test]
    fn scenario_yaml_lists_every_step_field_in_order() {
        let step = StepModel {
            op: "upgrade".into(),
            flags: vec!["atomic".into()],
            timeout: "5m".into(),
            revision: Some(2),
            values: serde_json::json!({"a": {"b": 1}, "yes": "on"}),
            set: vec!["x=1".into()],
            filter: vec!["Job/a".into()],
            outcomes: BTreeMap::from([("Job/a".to_string(), "failed".to_string())]),
            manifest: Some("kind: Job\n\nmetadata: {}\n".into()),
            id: 0,
        };
        let serde_json::Value::Object(fields) = serde_json::to_value(&step).unwrap() else {
            panic!("a step serialises to a mapping");
        };
        for k in fields.keys() {
            assert!(
                STEP_KEYS.contains(&k.as_str()),
                "{k} missing from STEP_KEYS"
            );
        }
        let s = ScenarioModel {
            cluster: vec![serde_json::json!("ConfigMap/x")],
            steps: vec![step],
        };
        let yaml = s.to_yaml();
        assert!(
            yaml.starts_with(
                "cluster:\n- ConfigMap/x\nsteps:\n- op: upgrade\n  flags:\n  - atomic\n"
            ),
            "{yaml}"
        );
        let parsed = hookline::Scenario::parse(&yaml).unwrap();
        let p = &parsed.steps[0];
        assert_eq!(p.revision, Some(2));
        assert_eq!(p.values["a"]["b"], 1);
        // YAML 1.1 words stay strings through the round trip (the emitter quotes them).
        assert_eq!(p.values["yes"], "on");
        assert_eq!(p.manifest.as_deref(), Some("kind: Job\n\nmetadata: {}\n"));
        assert_eq!(p.outcomes["Job/a"], "failed");
        assert_eq!(parsed.cluster.len(), 1);
        assert_eq!(ScenarioModel::default().to_yaml(), "steps: []\n");
    }

    #[test]
    fn from_json_reads_as_from_value_does() {
        let v = serde_json::json!({"steps": [{"op": "upgrade", "revision": "x"}]});
        let ours = from_json::<ScenarioModel>(&v).unwrap_err();
        let theirs = serde_json::from_value::<ScenarioModel>(v)
            .unwrap_err()
            .to_string();
        assert_eq!(ours, theirs);
        let v = serde_json::json!({"steps": [{"op": "upgrade", "set": ["a=1"]}]});
        assert_eq!(
            from_json::<ScenarioModel>(&v).unwrap(),
            serde_json::from_value::<ScenarioModel>(v).unwrap()
        );
    }

    #[test]
    fn scenario_yaml_is_read_by_the_core() {
        let mut s = ScenarioModel::default();
        s.steps.push(StepModel::default());
        s.steps.push(StepModel {
            op: "upgrade".into(),
            flags: vec!["atomic".into()],
            ..StepModel::default()
        });
        let parsed = hookline::Scenario::parse(&s.to_yaml()).unwrap();
        assert_eq!(parsed.steps.len(), 2);
    }
}
