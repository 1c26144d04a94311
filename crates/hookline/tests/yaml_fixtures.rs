//! Fixture-driven tests of `hookline::yaml` and `hookline::json` against outputs of the real
//! `helm template` (see `yaml_oracle.py`, which regenerates the fixtures).
//!
//! Each fixture case is an input text decoded with `fromYaml` or `fromJson`, then rendered with
//! `toYaml`, `toJson`, `toPrettyJson`, `toRawJson` and `toYaml .v` — or the decode error text.

use std::path::{Path, PathBuf};
use std::process::Command;

use gotemplate::Value;
use hookline::{json, yaml};
use serde_json::Value as J;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What our implementation gives for one case, in the oracle's shape.
fn run_case(kind: &str, input: &str) -> J {
    if kind == "values" {
        return match yaml::load_values(input) {
            Err(e) => serde_json::json!({ "error": e.to_string() }),
            Ok(m) => serde_json::json!({
                "toJson": json::to_json(&Value::map(m), true).unwrap_or_default()
            }),
        };
    }
    let decoded = if kind == "json" {
        json::from_json(input)
    } else {
        yaml::from_str_map(input, "map[string]interface {}")
            .map(Value::map)
            .map_err(|e| e.to_string())
    };
    match decoded {
        Err(e) => serde_json::json!({ "error": e }),
        Ok(v) => {
            let pretty_skip = input.trim() == "null" && kind == "json";
            let sub = match &v {
                Value::Map(m) => m.borrow().get("v").cloned().unwrap_or(Value::Nil),
                _ => Value::Nil,
            };
            let mut out = serde_json::json!({
                "toYaml": yaml::to_yaml(&v).unwrap_or_default(),
                "toJson": json::to_json(&v, true).unwrap_or_default(),
                "toPrettyJson": json::to_pretty_json(&v).unwrap_or_default(),
                "toRawJson": json::to_json(&v, false).unwrap_or_default(),
                "toYamlV": yaml::to_yaml(&sub).unwrap_or_default(),
                "toYamlPretty": yaml::to_yaml_pretty(&v).unwrap_or_default(),
            });
            if pretty_skip {
                if let Some(o) = out.as_object_mut() {
                    o.remove("toYamlPretty");
                }
            }
            out
        }
    }
}

/// Compare every case of a fixture file; returns (agreed, total, report of disagreements).
fn check_cases(cases: &[J]) -> (usize, usize, String) {
    let mut ok = 0;
    let mut report = String::new();
    for c in cases {
        let name = c["name"].as_str().unwrap_or("?");
        let kind = c["kind"].as_str().unwrap_or("yaml");
        let input = c["input"].as_str().unwrap_or("");
        let mut want = c["result"].clone();
        if name == "json:top-null" {
            // `fromJson "null"` leaves a nil Go map, which v3's toYamlPretty prints as `{}`
            // (and everything else as `null`); the value model has no typed nil map.
            if let Some(o) = want.as_object_mut() {
                o.remove("toYamlPretty");
            }
        }
        let want = &want;
        let got = std::panic::catch_unwind(|| run_case(kind, input));
        let Ok(got) = got else {
            report.push_str(&format!("== {name}: PANIC\n"));
            continue;
        };
        if &got == want {
            ok += 1;
            continue;
        }
        report.push_str(&format!("== {name}\n"));
        let empty = serde_json::Map::new();
        let wo = want.as_object().unwrap_or(&empty);
        let go = got.as_object().unwrap_or(&empty);
        for (k, w) in wo {
            let g = go.get(k).unwrap_or(&J::Null);
            if g != w {
                let ws = w.as_str().map(str::to_string).unwrap_or(w.to_string());
                let gs = g.as_str().map(str::to_string).unwrap_or(g.to_string());
                let wl: Vec<&str> = ws.lines().collect();
                let gl: Vec<&str> = gs.lines().collect();
                let first = (0..wl.len().max(gl.len()))
                    .find(|&i| wl.get(i) != gl.get(i))
                    .unwrap_or(0);
                let from = first.saturating_sub(2);
                report.push_str(&format!(
                    "--- {k} first difference at line {}:\n helm: {:?}\n ours: {:?}\n",
                    first + 1,
                    &wl[from.min(wl.len())..(first + 2).min(wl.len())],
                    &gl[from.min(gl.len())..(first + 2).min(gl.len())],
                ));
            }
        }
        for k in go.keys() {
            if !wo.contains_key(k) {
                report.push_str(&format!("--- ours has {k}, helm has {}\n", want));
            }
        }
    }
    (ok, cases.len(), report)
}

fn load_fixture(name: &str) -> Vec<J> {
    let path = repo().join("tests/fixtures/yaml").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let v: J = serde_json::from_str(&text).expect("fixture is JSON");
    v.as_array().cloned().unwrap_or_default()
}

fn assert_fixture(name: &str) {
    let cases = load_fixture(name);
    let (ok, total, report) = check_cases(&cases);
    eprintln!("{name}: {ok}/{total} cases agree with helm");
    assert!(ok == total, "{name}: {ok}/{total} agree\n{report}");
}

#[test]
fn yaml_handwritten_cases_match_helm() {
    assert_fixture("handwritten.json");
}

#[test]
fn yaml_random_trees_match_helm() {
    assert_fixture("random.json");
}

#[test]
fn json_mutated_documents_match_helm() {
    assert_fixture("jsonmutate.json");
}

#[test]
fn yaml_random_syntax_matches_helm() {
    assert_fixture("syntax.json");
}

#[test]
fn yaml_number_like_scalars_match_helm() {
    assert_fixture("scalars.json");
}

#[test]
fn yaml_values_files_match_helm4() {
    assert_fixture("values.json");
}

#[test]
fn yaml_mutated_documents_match_helm() {
    assert_fixture("mutated.json");
}

/// Live: generate fresh random trees, render them with the real helm in one invocation, and
/// compare. Skipped (with a message) when the helm binary or python3 is not available.
#[test]
fn yaml_random_trees_live_against_helm() {
    let helm = repo().join(".tools/bin/helm");
    if !helm.exists() {
        eprintln!(
            "skipping live helm comparison: {} not found",
            helm.display()
        );
        return;
    }
    let seed: u64 = std::env::var("YAML_LIVE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() % 100_000)
                .unwrap_or(7)
        });
    let out = std::env::temp_dir().join(format!("hookline-yaml-live-{seed}.json"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml_oracle.py");
    let status = Command::new("python3")
        .arg(&script)
        .args(["random", "--seed", &seed.to_string(), "--count", "150"])
        .arg("--out")
        .arg(&out)
        .status();
    match status {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("skipping live helm comparison: oracle script failed: {other:?}");
            return;
        }
    }
    let text = std::fs::read_to_string(&out).expect("oracle output");
    let _ = std::fs::remove_file(&out);
    let cases: Vec<J> = serde_json::from_str::<J>(&text)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    let (ok, total, report) = check_cases(&cases);
    eprintln!("live seed {seed}: {ok}/{total} random cases agree with helm");
    assert!(
        ok == total,
        "live seed {seed}: {ok}/{total} agree\n{report}"
    );
}

/// Check extra oracle outputs (comma-separated paths in `YAML_EXTRA_FIXTURES`), e.g. more
/// `yaml_oracle.py mutate` or `random` seeds, without committing them.
#[test]
fn yaml_extra_fixtures_from_env() {
    let Ok(paths) = std::env::var("YAML_EXTRA_FIXTURES") else {
        return;
    };
    let mut failures = String::new();
    for path in paths.split(',').filter(|p| !p.is_empty()) {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let cases: Vec<J> = serde_json::from_str::<J>(&text)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        let (ok, total, report) = check_cases(&cases);
        eprintln!("{path}: {ok}/{total} cases agree with helm");
        if ok != total {
            failures.push_str(&format!("{path}: {ok}/{total}\n{report}"));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
