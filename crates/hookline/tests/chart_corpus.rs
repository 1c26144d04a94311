//! Every real chart of the shared corpus loads, processes its dependencies and yields its
//! templates. Skipped with a message when ../shared/corpus is absent.

use std::path::Path;

use hookline::chart::{self, prepare_render, RenderOptions};
use hookline::HelmVersion;

#[test]
fn chart_corpus_charts_all_load() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!(
            "SKIP: {} not found; the corpus load test needs it",
            corpus.display()
        );
        return;
    };
    let mut dirs: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("chart"))
        .filter(|p| p.join("Chart.yaml").exists())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let (mut templates, mut crds) = (0, 0);
    for dir in &dirs {
        let name = dir
            .parent()
            .and_then(|p| p.file_name())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        match chart::load_dir(dir) {
            Ok(c) => {
                // The browser path: the same files from memory give the same chart.
                let mut mem = std::collections::BTreeMap::new();
                read_all(dir, "", &mut mem);
                let m = chart::load_files(&mem).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    summary(&m),
                    summary(&c),
                    "{name}: load_files differs from load_dir"
                );
                // And packaged as a .tgz (what `helm package` would ship: the loaded files).
                let a = chart::load_archive(&tgz_of(&c)).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    summary(&a),
                    summary(&c),
                    "{name}: load_archive differs from load_dir"
                );
                let opts = RenderOptions::new("rel", "ns", HelmVersion::V4);
                match prepare_render(&c, &Default::default(), &opts) {
                    Ok(inputs) => {
                        templates += inputs.templates.len();
                        crds += inputs.crds.len();
                    }
                    Err(e) if e.message.contains("missing in charts/ directory") => {
                        eprintln!("{name}: {e}")
                    }
                    Err(e) => failures.push(format!("{name}: prepare: {e}")),
                }
            }
            Err(e) => failures.push(format!("{name}: load: {e}")),
        }
    }
    eprintln!(
        "corpus: {} charts loaded, {} failed; {templates} templates, {crds} crd files",
        dirs.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        dirs.len() >= 30,
        "expected 30 corpus charts, found {}",
        dirs.len()
    );
}

fn tgz_of(c: &chart::Chart) -> Vec<u8> {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(enc);
    for f in &c.raw {
        let mut h = tar::Header::new_gnu();
        let data = f.data.bytes();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, format!("{}/{}", c.name(), f.name), &data[..])
            .unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

fn read_all(dir: &Path, rel: &str, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if std::fs::metadata(e.path()).unwrap().is_dir() {
            read_all(&e.path(), &r, out);
        } else {
            out.insert(r, std::fs::read(e.path()).unwrap());
        }
    }
}

/// Names, values and structure of a loaded chart tree, for comparisons.
fn summary(c: &chart::Chart) -> String {
    let mut s = format!(
        "{} {:?} {:?} {:?} {:?}\n",
        c.name(),
        c.templates.iter().map(|t| &t.name).collect::<Vec<_>>(),
        c.files.iter().map(|t| &t.name).collect::<Vec<_>>(),
        c.values,
        c.metadata
    );
    for d in &c.dependencies {
        s.push_str(&summary(d));
    }
    s
}

/// Split a command line like a POSIX shell does for simple cases (single/double quotes).
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                has = true;
            }
            (None, c) if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                has = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// For every corpus case, the files helm printed (`# Source:`) are templates (or CRDs) that
/// hookline selects for rendering with the same flags: dependency conditions, tags, aliases
/// and library charts agree with Helm on real charts.
#[test]
fn chart_corpus_sources_are_selected_templates() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!("SKIP: {} not found", corpus.display());
        return;
    };
    let mut cases = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let id = e.path();
        if id.join("cmd.txt").exists() {
            cases.push((id.clone(), id.clone()));
        }
        if let Ok(vs) = std::fs::read_dir(id.join("variants")) {
            for v in vs.filter_map(Result::ok) {
                cases.push((id.clone(), v.path()));
            }
        }
    }
    cases.sort();
    let mut checked = 0;
    let mut missing = 0;
    for (id, case) in &cases {
        let cmd = std::fs::read_to_string(case.join("cmd.txt")).unwrap();
        let line = cmd.lines().find(|l| l.starts_with("helm ")).unwrap();
        let words = shell_words(line);
        let (name, ns) = (words[2].clone(), words[5].clone());
        let mut opts = hookline::values::ValueOptions::default();
        let mut include_crds = false;
        let mut is_upgrade = false;
        let mut i = 6;
        while i < words.len() {
            let next = words.get(i + 1).cloned().unwrap_or_default();
            match words[i].as_str() {
                "--set" => opts.values.push(next),
                "--set-string" => opts.string_values.push(next),
                "-f" | "--values" => {
                    let text = std::fs::read_to_string(id.join(&next)).unwrap();
                    opts.value_files.push((next, text));
                }
                "--include-crds" => {
                    include_crds = true;
                    i += 1;
                    continue;
                }
                "--is-upgrade" => {
                    is_upgrade = true;
                    i += 1;
                    continue;
                }
                _ => {
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        let chart = chart::load_dir(&id.join("chart")).unwrap();
        let user = opts.merge(&mut |p| Err(format!("no file {p}"))).unwrap();
        let mut ro = RenderOptions::new(&name, &ns, HelmVersion::V4);
        if is_upgrade {
            ro.release = hookline::chart::ReleaseOptions::upgrade(&name, &ns);
        }
        let inputs = match prepare_render(&chart, &user, &ro) {
            Ok(i) => i,
            Err(e) if e.message.contains("missing in charts/ directory") => {
                // The shared copy of this chart lacks vendored subcharts: the real helm fails
                // the same way on it now.
                eprintln!("{}: {e}", case.display());
                missing += 1;
                continue;
            }
            Err(e) => panic!("{}: {e}", case.display()),
        };
        let expected = std::fs::read_to_string(case.join("expected.yaml")).unwrap();
        let mut sources: Vec<&str> = expected
            .lines()
            .filter_map(|l| l.strip_prefix("# Source: "))
            .collect();
        sources.dedup();
        let names: std::collections::BTreeSet<&str> = inputs
            .templates
            .iter()
            .filter(|t| !t.is_partial && !t.is_notes)
            .map(|t| t.name.as_str())
            .collect();
        let crds: Vec<&str> = inputs.crds.iter().map(|c| c.filename.as_str()).collect();
        let mut crd_sources = Vec::new();
        for s in &sources {
            if include_crds && crds.contains(s) {
                crd_sources.push(*s);
                continue;
            }
            assert!(
                names.contains(s),
                "{}: helm printed {s}, hookline has no such template",
                case.display()
            );
        }
        if include_crds {
            assert_eq!(crd_sources, crds, "{}: CRD order", case.display());
        }
        checked += 1;
    }
    eprintln!(
        "corpus: {checked} cases: every helm source is a selected template; {missing} cases skipped (subcharts missing from the copy)"
    );
    assert_eq!(checked + missing, cases.len());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().filter_map(Result::ok) {
        let p = e.path();
        let t = to.join(e.file_name());
        if std::fs::metadata(&p).unwrap().is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

/// Deep enough that the probes execute before every regular template (Helm executes the
/// deepest paths first), so that no template's `set` on `.Values` is seen.
const PROBE_DIR: &str = "templates/zz/zz/zz/zz/zz/zz/zz/zz/zz/zz";

/// Put a probe template into a chart and every subchart directory below it.
fn add_probes(dir: &Path) {
    {
        std::fs::create_dir_all(dir.join(PROBE_DIR)).unwrap();
        std::fs::write(
            dir.join(PROBE_DIR).join("zz-hookline-probe.yaml"),
            "# probe\nprobe: {{ toJson (dict \"values\" .Values \"chart\" .Chart) }}\n",
        )
        .unwrap();
    }
    if let Ok(entries) = std::fs::read_dir(dir.join("charts")) {
        for e in entries.filter_map(Result::ok) {
            if e.path().join("Chart.yaml").exists() {
                add_probes(&e.path());
            }
        }
    }
}

fn to_json(v: &gotemplate::Value) -> serde_json::Value {
    use gotemplate::Value;
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

/// Every corpus case: with a probe template added to each chart, the real helm's `.Values`
/// and `.Chart` of every chart equal hookline's (coalescing, globals, imports, aliases,
/// conditions on real charts). Needs the corpus and the helm binary.
#[test]
fn chart_corpus_values_match_helm() {
    corpus_probe(HelmVersion::V4, "helm");
}

/// The same with Helm 3.17 (its nil rules, its `.Chart` struct, its default kube version).
#[test]
fn chart_corpus_values_match_helm3() {
    corpus_probe(HelmVersion::V3, "helm3");
}

fn corpus_probe(version: HelmVersion, bin: &str) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let helm = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.tools/bin")
        .join(bin);
    if !corpus.exists() || !helm.exists() {
        eprintln!("SKIP: needs {} and {}", corpus.display(), helm.display());
        return;
    }
    let mut ids: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("cmd.txt").exists())
        .collect();
    ids.sort();
    let tmp =
        std::env::temp_dir().join(format!("hookline-chart-probe-{bin}-{}", std::process::id()));
    let (mut compared, mut probes) = (0, 0);
    for id in &ids {
        let mut cases = vec![id.clone()];
        if let Ok(vs) = std::fs::read_dir(id.join("variants")) {
            let mut v: Vec<_> = vs.filter_map(Result::ok).map(|e| e.path()).collect();
            v.sort();
            cases.extend(v);
        }
        let work = tmp.join(id.file_name().unwrap());
        let _ = std::fs::remove_dir_all(&work);
        copy_dir(&id.join("chart"), &work.join("chart"));
        add_probes(&work.join("chart"));
        for case in cases {
            let cmd = std::fs::read_to_string(case.join("cmd.txt")).unwrap();
            let line = cmd.lines().find(|l| l.starts_with("helm ")).unwrap();
            let words = shell_words(line);
            let (name, ns) = (words[2].clone(), words[5].clone());
            let mut opts = hookline::values::ValueOptions::default();
            let mut flags = Vec::new();
            let mut i = 6;
            while i < words.len() {
                let w = words[i].as_str();
                let next = words.get(i + 1).cloned().unwrap_or_default();
                match w {
                    "--set" | "--set-string" | "-f" | "--values" => {
                        flags.push(w.to_string());
                        flags.push(next.clone());
                        match w {
                            "--set" => opts.values.push(next),
                            "--set-string" => opts.string_values.push(next),
                            _ => {
                                let text = std::fs::read_to_string(id.join(&next)).unwrap();
                                opts.value_files.push((next, text));
                            }
                        }
                        i += 2;
                    }
                    "--is-upgrade" => {
                        flags.push(w.to_string());
                        i += 1;
                    }
                    _ => i += 1,
                }
            }
            let out = std::process::Command::new(&helm)
                .args(["template", &name, "chart", "--namespace", &ns])
                .args(&flags)
                .current_dir(&work)
                .env("HOME", &tmp)
                .output()
                .unwrap();
            let chart = chart::load_dir(&work.join("chart")).unwrap();
            let user = opts.merge(&mut |p| Err(format!("no file {p}"))).unwrap();
            let mut ro = RenderOptions::new(&name, &ns, version);
            if flags.iter().any(|f| f == "--is-upgrade") {
                ro.release = hookline::chart::ReleaseOptions::upgrade(&name, &ns);
            }
            let mine = prepare_render(&chart, &user, &ro);
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                // Only dependency errors come before rendering; other failures are template
                // errors, beyond this test.
                if let Err(e) = &mine {
                    assert!(
                        err.contains(&e.message),
                        "{}: helm {err}\nhookline {e}",
                        case.display()
                    );
                    continue;
                }
                if err.contains("execution error") || err.contains("template:") {
                    eprintln!("{}: helm failed rendering (not compared)", case.display());
                    continue;
                }
                panic!("{}: helm failed: {err}", case.display());
            }
            let mine = mine.unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let mut source = String::new();
            let mut theirs = std::collections::BTreeMap::new();
            for l in text.lines() {
                if let Some(s) = l.strip_prefix("# Source: ") {
                    source = s.to_string();
                } else if let Some(j) = l.strip_prefix("probe: ") {
                    if source.ends_with("zz-hookline-probe.yaml") {
                        let v: serde_json::Value = serde_json::from_str(j).unwrap();
                        theirs.insert(source.clone(), normalize(v));
                    }
                }
            }
            for t in mine
                .templates
                .iter()
                .filter(|t| t.name.ends_with("zz-hookline-probe.yaml"))
            {
                let gotemplate::Value::Map(d) = t.data() else {
                    unreachable!()
                };
                let d = d.borrow();
                let mut m = serde_json::Map::new();
                m.insert("values".into(), to_json(d.get("Values").unwrap()));
                m.insert("chart".into(), to_json(d.get("Chart").unwrap()));
                let ours = normalize(serde_json::Value::Object(m));
                let Some(th) = theirs.get(&t.name) else {
                    panic!("{}: helm did not render {}", case.display(), t.name);
                };
                if *th != ours {
                    let (a, b) = (th.to_string(), ours.to_string());
                    let at = a
                        .bytes()
                        .zip(b.bytes())
                        .position(|(x, y)| x != y)
                        .unwrap_or(0);
                    panic!(
                        "{} {}: differs at byte {at}\nhelm:     {}\nhookline: {}",
                        case.display(),
                        t.name,
                        &a[at.saturating_sub(200)..(at + 200).min(a.len())],
                        &b[at.saturating_sub(200)..(at + 200).min(b.len())]
                    );
                }
                probes += 1;
            }
            assert_eq!(
                theirs.len(),
                mine.templates
                    .iter()
                    .filter(|t| t.name.ends_with("zz-hookline-probe.yaml"))
                    .count(),
                "{}: probe count",
                case.display()
            );
            compared += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    eprintln!(
        "corpus ({bin}): {compared} cases, {probes} chart scopes: .Values and .Chart equal helm's"
    );
}
