//! Differential tests: the chart model (loading, dependencies, coalesced values, the objects
//! templates see) against the real `helm template` on the fixture charts. Each template of the
//! fixtures prints `toJson` of its data; the test builds the same data with hookline and
//! compares. Skipped (with a message) when the helm binaries are not installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gotemplate::Value;
use hookline::chart::{self, prepare_render, RenderOptions};
use hookline::values::ValueOptions;
use hookline::HelmVersion;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/charts")
}

fn helm_bin(v: HelmVersion) -> Option<PathBuf> {
    let name = match v {
        HelmVersion::V4 => "helm",
        HelmVersion::V3 => "helm3",
    };
    let p = root().join(".tools/bin").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIP: {} not found (scripts/get-helm.sh installs it)",
            p.display()
        );
        None
    }
}

/// Go's encoding/json view of a value, numbers as f64 so 1 == 1.0.
fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) | Value::Int64(i) => serde_json::json!(*i as f64),
        Value::Float(f) => serde_json::json!(*f),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Bytes(b) => serde_json::Value::String(format!("{b:?}")),
        Value::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => serde_json::Value::Object(
            m.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        Value::Object(o) => to_json(&o.to_data()),
    }
}

fn normalize(j: serde_json::Value) -> serde_json::Value {
    match j {
        serde_json::Value::Number(n) => serde_json::json!(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(normalize).collect())
        }
        serde_json::Value::Object(o) => {
            serde_json::Value::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// `# Source:` → the JSON after `probe: ` (and the raw `types:` line if any).
fn run_helm(
    bin: &Path,
    chart: &Path,
    args: &[&str],
) -> Result<BTreeMap<String, (serde_json::Value, String)>, String> {
    let out = Command::new(bin)
        .arg("template")
        .arg("rel")
        .arg(chart)
        .args(["--namespace", "ns"])
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("run helm");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err
            .lines()
            .find(|l| l.starts_with("Error: "))
            .unwrap_or("")
            .trim_start_matches("Error: ")
            .to_string();
        return Err(line);
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut res = BTreeMap::new();
    let mut source = String::new();
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("# Source: ") {
            source = s.to_string();
        } else if let Some(j) = line.strip_prefix("probe: ") {
            let v: serde_json::Value = serde_json::from_str(j).expect("probe json");
            res.entry(source.clone())
                .or_insert((serde_json::Value::Null, String::new()))
                .0 = normalize(v);
        } else if let Some(t) = line.strip_prefix("types: ") {
            res.entry(source.clone())
                .or_insert((serde_json::Value::Null, String::new()))
                .1 = t.to_string();
        }
    }
    Ok(res)
}

fn helm_sources(bin: &Path, chart: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new(bin)
        .arg("template")
        .arg("rel")
        .arg(chart)
        .args(["--namespace", "ns"])
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("run helm");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("# Source: ").map(str::to_string))
        .collect()
}

/// Turn helm-style flags into ValueOptions (files read relative to the fixtures).
fn value_options(args: &[&str]) -> ValueOptions {
    let mut o = ValueOptions::default();
    let mut i = 0;
    while i + 1 < args.len() {
        let v = args[i + 1].to_string();
        match args[i] {
            "-f" => {
                let text = std::fs::read_to_string(fixtures().join(&v)).expect("values file");
                o.value_files.push((v, text));
            }
            "--set" => o.values.push(v),
            "--set-string" => o.string_values.push(v),
            "--set-json" => o.json_values.push(v),
            "--set-literal" => o.literal_values.push(v),
            "--set-file" => o.file_values.push(v),
            _ => {}
        }
        i += 2;
    }
    o
}

fn read_fixture(path: &str) -> Result<String, String> {
    std::fs::read_to_string(fixtures().join(path)).map_err(|e| format!("open {path}: {e}"))
}

/// Build hookline's probe for every rendered (non-partial, non-NOTES) template.
fn mine(
    chart_dir: &Path,
    args: &[&str],
    helm: HelmVersion,
) -> Result<BTreeMap<String, (serde_json::Value, String)>, String> {
    let chart = chart::load_dir(chart_dir).map_err(|e| e.to_string())?;
    let user = value_options(args).merge(&mut |p| read_fixture(p))?;
    let mut ro = RenderOptions::new("rel", "ns", helm);
    for w in args.windows(2) {
        match w[0] {
            "--kube-version" => ro.capabilities.set_kube_version_flag(w[1], helm)?,
            "--api-versions" => ro.capabilities.add_api_versions_flags(&[w[1].to_string()]),
            _ => {}
        }
    }
    if args.contains(&"--is-upgrade") {
        ro.release = chart::ReleaseOptions::upgrade("rel", "ns");
    }
    let inputs = prepare_render(&chart, &user, &ro).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for t in &inputs.templates {
        if t.is_partial || t.is_notes {
            continue;
        }
        let data = t.data();
        let Value::Map(m) = &data else { unreachable!() };
        let m = m.borrow();
        let get = |k: &str| m.get(k).cloned().unwrap_or_default();
        let mut probe = serde_json::Map::new();
        let src = t.source.to_string();
        if src.contains("\"chart\"") {
            probe.insert("chart".into(), to_json(&get("Chart")));
            probe.insert("template".into(), to_json(&get("Template")));
            probe.insert("release".into(), to_json(&get("Release")));
            probe.insert("files".into(), to_json(&get("Files")));
            probe.insert("caps".into(), to_json(&get("Capabilities")));
            let subs = match get("Subcharts") {
                Value::Map(s) => s.borrow().keys().map(|k| serde_json::json!(k)).collect(),
                _ => vec![],
            };
            probe.insert("subcharts".into(), serde_json::Value::Array(subs));
        }
        probe.insert("values".into(), to_json(&get("Values")));
        let types = match get("Values") {
            Value::Map(v) => v
                .borrow()
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{k}={};",
                        if v.is_nil() {
                            "<nil>".to_string()
                        } else {
                            v.type_name()
                        }
                    )
                })
                .collect::<String>(),
            _ => String::new(),
        };
        let types = if src.contains("types:") {
            types
        } else {
            String::new()
        };
        out.insert(
            t.name.clone(),
            (normalize(serde_json::Value::Object(probe)), types),
        );
    }
    Ok(out)
}

type Probes = BTreeMap<String, (serde_json::Value, String)>;

/// Helm's answers, recorded in tests/fixtures/charts/recorded/ so that the comparison also runs
/// where the helm binaries are absent (`.Capabilities` is compared only against a live helm).
/// `HOOKLINE_RECORD_HELM=1` rewrites the files from the live binaries.
struct Recorder {
    path: PathBuf,
    cases: serde_json::Map<String, serde_json::Value>,
    live: Option<PathBuf>,
}

impl Recorder {
    fn new(helm: HelmVersion, chart: &str) -> Recorder {
        let name = match helm {
            HelmVersion::V4 => "helm",
            HelmVersion::V3 => "helm3",
        };
        let path = fixtures().join(format!("recorded/{name}-{chart}.json"));
        let cases = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Recorder {
            path,
            cases,
            live: helm_bin(helm),
        }
    }

    fn finish(self) {
        if std::env::var_os("HOOKLINE_RECORD_HELM").is_some() && self.live.is_some() {
            std::fs::create_dir_all(self.path.parent().unwrap()).unwrap();
            let text =
                serde_json::to_string_pretty(&serde_json::Value::Object(self.cases)).unwrap();
            std::fs::write(&self.path, text + "\n").unwrap();
        }
    }
}

fn strip_caps(p: &Probes) -> Probes {
    p.iter()
        .map(|(k, (v, t))| {
            let mut v = v.clone();
            if let Some(o) = v.as_object_mut() {
                o.remove("caps");
            }
            (k.clone(), (v, t.clone()))
        })
        .collect()
}

fn to_record(r: &Result<Probes, String>) -> serde_json::Value {
    match r {
        Err(e) => serde_json::json!({ "error": e }),
        Ok(p) => serde_json::json!({
            "templates": strip_caps(p)
                .into_iter()
                .map(|(k, (v, t))| (k, serde_json::json!([v, t])))
                .collect::<serde_json::Map<_, _>>()
        }),
    }
}

fn from_record(v: &serde_json::Value) -> Result<Probes, String> {
    if let Some(e) = v.get("error") {
        return Err(e.as_str().unwrap_or_default().to_string());
    }
    Ok(v["templates"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        (v[0].clone(), v[1].as_str().unwrap_or_default().to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Compare hookline with helm (live, or as recorded). Returns whether a comparison was made.
fn compare(rec: &mut Recorder, chart: &str, args: &[&str], helm: HelmVersion) -> bool {
    let key = args.join(" ");
    let dir = fixtures().join(chart);
    let (theirs, mut ours) = match &rec.live {
        Some(bin) => {
            let t = run_helm(bin, &dir, args);
            rec.cases.insert(key, to_record(&t));
            (t, mine(&dir, args, helm))
        }
        None => match rec.cases.get(&key) {
            Some(v) => (
                from_record(v),
                mine(&dir, args, helm).map(|p| strip_caps(&p)),
            ),
            None => {
                eprintln!("SKIP: no helm and no recording for {chart} {key:?}");
                return false;
            }
        },
    };
    if rec.live.is_none() {
        ours = ours.map(|p| strip_caps(&p));
    }
    match (theirs, ours) {
        (Ok(t), Ok(o)) => {
            assert_eq!(
                t.keys().collect::<Vec<_>>(),
                o.keys().collect::<Vec<_>>(),
                "rendered templates differ for {chart} {args:?}"
            );
            for (k, tv) in &t {
                let ov = &o[k];
                assert_eq!(tv.0, ov.0, "{chart} {args:?} {k} ({helm:?})");
                assert_eq!(tv.1, ov.1, "types of {chart} {args:?} {k}");
            }
        }
        (Err(t), Err(o)) => assert_eq!(t, o, "errors differ for {chart} {args:?}"),
        (t, o) => panic!("{chart} {args:?}: helm {t:?}\nhookline {o:?}"),
    }
    true
}

#[test]
fn chart_parent_matches_helm_v4() {
    let cases: &[&[&str]] = &[
        &[],
        &[
            "--set",
            "sub-a.enabled=false",
            "--set",
            "tags.backend=false",
        ],
        &["--set", "global.subAtwo=false"],
        &[
            "--set",
            "subAtwo.enabled=true,global.subAtwo=false",
            "--set",
            "disabledSub.enabled=true",
        ],
        &[
            "-f",
            "parent-extra-values.yaml",
            "--set-string",
            "replicaCount=5",
            "--set",
            "global.region=us,sub-a.list={p,q}",
            "--set-json",
            "sub-b.leaf.obj={\"k\":[1,2]}",
            "--set-literal",
            "lit=a,b=c",
            "--set-file",
            "fileval=parent/files/config.txt",
        ],
        &["--set", "sub-a=null"],
        &["--set", "global=null"],
        &["--set", "sub-a=5"],
        &["--set", "sub-a.enabled=yes,global.subAtwo=0"],
        &["--set", "tags=null,sub-b.leaf=null"],
        &["--set", "global.nested=flat"],
        &[
            "--kube-version",
            "1.28.3-gke.100",
            "--api-versions",
            "x.io/v1,y.io/v1/Kind",
            "--api-versions",
            "z/v1",
        ],
        &["--kube-version", "v1.30", "--is-upgrade"],
        &["--kube-version", "foo"],
    ];
    let mut rec = Recorder::new(HelmVersion::V4, "parent");
    let mut n = 0;
    for args in cases {
        if compare(&mut rec, "parent", args, HelmVersion::V4) {
            n += 1;
        }
    }
    rec.finish();
    eprintln!("parent chart: {n} helm v4 cases compared");
}

#[test]
fn chart_parent_matches_helm_v3() {
    let mut rec = Recorder::new(HelmVersion::V3, "parent");
    let mut n = 0;
    for args in [
        &[][..],
        &["--set", "tags.backend=false"][..],
        &["--kube-version", "1.28.3", "--api-versions", "x.io/v1"][..],
        &["--kube-version", "foo"][..],
    ] {
        if compare(&mut rec, "parent", args, HelmVersion::V3) {
            n += 1;
        }
    }
    rec.finish();
    eprintln!("parent chart: {n} helm v3 cases compared");
}

#[test]
fn chart_crd_and_template_order_matches_helm() {
    let Some(bin) = helm_bin(HelmVersion::V4) else {
        return;
    };
    let dir = fixtures().join("parent");
    let sources = helm_sources(&bin, &dir, &["--include-crds"]);
    let chart = chart::load_dir(&dir).unwrap();
    let inputs = prepare_render(
        &chart,
        &Default::default(),
        &RenderOptions::new("rel", "ns", HelmVersion::V4),
    )
    .unwrap();
    let crds: Vec<String> = inputs.crds.iter().map(|c| c.filename.clone()).collect();
    let helm_crds: Vec<String> = sources
        .iter()
        .filter(|s| s.contains("/crds/"))
        .cloned()
        .collect();
    assert_eq!(crds, helm_crds);
}

/// `--set` family parsing against helm: values and Go types.
#[test]
fn chart_strvals_match_helm() {
    let cases: &[&[&str]] = &[
        &[
            "--set",
            "a=1,b=true,c=null,d=0,e=007,f=-3,g=+4,h=1.5,i=TRUE,j=Null,k=9223372036854775808",
        ],
        &[
            "--set",
            "list={a,b,c}",
            "--set",
            "empty={}",
            "--set",
            "one={x}",
        ],
        &["--set", "a[0]=x,a[2]=z", "--set", "m[1].name=n,m[1].v=2"],
        &["--set", "nested.a=over,nested.list[3]=9"],
        &["--set", "esc=a\\,b,dot\\.key=v,path=a\\=b"],
        &["--set", "keep=null"],
        &["--set", "x.y.z=1", "--set", "x.y.w=2"],
        &["--set", "n[0][1]=deep"],
        &["--set-string", "a=1,b=true,c=null"],
        &[
            "--set-json",
            "a={\"b\":1,\"c\":[true,null]}",
            "--set-json",
            "d=[1,2]",
            "--set-json",
            "e=\"s\"",
        ],
        &["--set-json", "{\"top\":{\"x\":1}}"],
        &["--set-literal", "lit={a,b},c=d"],
        &["--set", "a=", "--set", "b"],
        &["--set", "a"],
        &["--set", "a,b=1"],
        &["--set", "nested.a.b=1"],
        &["--set", "keep[0]=1"],
        &["--set", "a[x]=1"],
        &["--set", "a[-1]=1"],
        &["--set", "a[70000]=1"],
        &["--set", "a.=1"],
        &["--set", "list={a,b"],
        &["--set", "a[0]b=1"],
        &["--set", "a=b=c,d"],
        &["--set", "name={a,b}c=d"],
        &["--set", "1.5=x,true=y"],
        &["--set-json", "a=nope"],
        &["--set-string", "a[0]=1,a[1]=2"],
        &[
            "--set",
            "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee=1",
        ],
    ];
    let mut rec = Recorder::new(HelmVersion::V4, "setprobe");
    let mut n = 0;
    for args in cases {
        if compare(&mut rec, "setprobe", args, HelmVersion::V4) {
            n += 1;
        }
    }
    rec.finish();
    eprintln!("strvals: {n} cases compared with helm");
}
