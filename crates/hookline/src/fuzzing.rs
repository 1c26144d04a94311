//! Entry points of the fuzz targets (`fuzz/fuzz_targets/*.rs`, run with `cargo +nightly fuzz`)
//! and of the test that replays their seed and crash corpora without nightly
//! (`tests/fuzz_replay.rs`). Each takes arbitrary bytes and must never panic, hang or run out
//! of memory; errors are expected and ignored.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use gotemplate::{Limits, Templates, Value};

use crate::funcs::FuncEnv;
use crate::plan::HelmVersion;
use crate::render::{HelmHost, RenderLimits};

/// A fuzz entry point: arbitrary bytes in, nothing out, never a panic.
pub type Target = fn(&[u8]);

/// Every target, by the name of its fuzz target and corpus directory.
pub const TARGETS: &[(&str, Target)] = &[
    ("template_parse", fuzz_template_parse),
    ("template_eval", fuzz_template_eval),
    ("yaml_load", fuzz_yaml_load),
    ("chart_archive", fuzz_chart_archive),
    ("share_decode", fuzz_share_decode),
    ("scenario_parse", fuzz_scenario_parse),
    ("render_plan", fuzz_render_plan),
];

/// Small engine limits: a fuzz input gets 100 000 evaluation steps and 1 MiB of output.
fn small_limits() -> RenderLimits {
    RenderLimits {
        include_depth: 1000,
        engine: Limits {
            max_steps: 100_000,
            max_output: 1 << 20,
            ..Limits::default()
        },
        funcs: Default::default(),
    }
}

/// The engine as Helm 4 builds it: Sprig, `include`, `tpl`, `toYaml`, `required`, ...
fn helm_engine() -> Templates {
    let env = Rc::new(RefCell::new(FuncEnv::new(0, 1_767_225_600_000_000_000)));
    crate::render::engine(HelmVersion::V4, env, &small_limits())
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The lexer and parser: add the input as a template to an engine that knows Helm's functions.
pub fn fuzz_template_parse(data: &[u8]) {
    let src = text(data);
    let mut t = helm_engine();
    let _ = t.check("fuzz", &src);
    let _ = t.add("chart/templates/fuzz.yaml", &src);
}

const EVAL_DATA: &str = r#"
Values:
  name: web
  replicas: 3
  ratio: 1.5
  enabled: true
  empty: ""
  none: null
  list: [a, b, 3, 4.5, true, null]
  map: {x: 1, y: "two", z: [1, 2], w: {deep: value}}
  image: {repository: nginx, tag: "1.25"}
  labels: {app: web, tier: frontend}
Release: {Name: rel, Namespace: default, Service: Helm, IsInstall: true, IsUpgrade: false, Revision: 1}
Chart: {Name: fuzz, Version: 0.1.0, AppVersion: "1.0"}
Template: {Name: chart/templates/fuzz.yaml, BasePath: chart/templates}
"#;

/// The evaluator: parse the input, then execute it (with Helm's functions and small limits)
/// on fixed data.
pub fn fuzz_template_eval(data: &[u8]) {
    let src = text(data);
    let mut t = helm_engine();
    let name = "chart/templates/fuzz.yaml";
    if t.add(name, &src).is_err() {
        return;
    }
    let Ok(dot) = crate::yaml::from_str(EVAL_DATA) else {
        return;
    };
    let mut host = HelmHost {
        included: HashMap::new(),
        include_limit: 1000,
        memo: None,
    };
    let _ = t.execute_with(name, &dot, &mut host);
}

/// The YAML loader (values files, documents) and the YAML and JSON writers on what it reads.
pub fn fuzz_yaml_load(data: &[u8]) {
    let src = text(data);
    if let Ok(v) = crate::yaml::from_str(&src) {
        write_back(&v);
    }
    if let Ok(docs) = crate::yaml::from_str_all(&src) {
        for v in docs.iter().take(8) {
            write_back(v);
        }
    }
    let _ = crate::yaml::load_values(&src);
}

fn write_back(v: &Value) {
    let _ = crate::yaml::to_yaml(v);
    let _ = crate::json::to_json(v, false);
}

/// The chart archive (.tgz) loader.
pub fn fuzz_chart_archive(data: &[u8]) {
    if let Ok(chart) = crate::chart::load_archive(data) {
        let _ = chart.crd_objects();
    }
}

/// The share-link decoder; what decodes is encoded and decoded again.
pub fn fuzz_share_decode(data: &[u8]) {
    let src = text(data);
    if let Ok(state) = crate::share::decode(&src) {
        let _ = crate::share::decode(&crate::share::encode(&state));
    }
}

const SCENARIO_MANIFEST: &str = "# Source: chart/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: \"-5\"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
---
# Source: chart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
---
# Source: chart/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
---
# Source: chart/templates/test.yaml
apiVersion: v1
kind: Pod
metadata:
  name: smoke
  annotations:
    helm.sh/hook: test
";

/// The scenario parser, then the lifecycle simulation of the scenario over a fixed manifest.
pub fn fuzz_scenario_parse(data: &[u8]) {
    let src = text(data);
    let Ok(scenario) = crate::scenario::Scenario::parse(&src) else {
        return;
    };
    let mut render = crate::lifecycle::FixedRender::from_text(SCENARIO_MANIFEST);
    let _ = crate::lifecycle::simulate(&scenario, &mut render);
}

const RENDER_CHART_YAML: &str = "apiVersion: v2\nname: fuzz\nversion: 0.1.0\nappVersion: \"1.0\"\n";
const RENDER_HELPERS: &str = "{{- define \"fuzz.name\" -}}{{ .Chart.Name | trunc 63 | trimSuffix \"-\" }}{{- end }}\n{{- define \"fuzz.labels\" -}}\napp: {{ include \"fuzz.name\" . }}\nrelease: {{ .Release.Name }}\n{{- end }}\n";
const RENDER_SCENARIO: &str = "steps:\n  - op: install\n  - op: upgrade\n";

/// The playground pipeline (chart load, values, render, split, plan) on a small chart: the
/// input up to its first NUL byte is `templates/fuzz.yaml`, the rest is `values.yaml`.
pub fn fuzz_render_plan(data: &[u8]) {
    let (template, values) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut files = BTreeMap::new();
    files.insert("Chart.yaml".to_string(), RENDER_CHART_YAML.to_string());
    files.insert("values.yaml".to_string(), text(values).into_owned());
    files.insert(
        "templates/_helpers.tpl".to_string(),
        RENDER_HELPERS.to_string(),
    );
    files.insert(
        "templates/fuzz.yaml".to_string(),
        text(template).into_owned(),
    );
    let input = crate::playground::Input {
        files,
        scenario: RENDER_SCENARIO.to_string(),
        ..Default::default()
    };
    let _ = crate::playground::run(&input);
}
