//! Chart loading from memory and archives: layout rules, .helmignore, archive safety limits,
//! metadata decoding, errors with positions, and no panics on garbage.

use std::collections::BTreeMap;
use std::io::Write;

use gotemplate::Value;
use hookline::chart::files::Glob;
use hookline::chart::ignore::{go_match, Rules};
use hookline::chart::semver::is_compatible_range;
use hookline::chart::{
    self, load_archive, load_archive_with_limits, load_files, prepare_render, ArchiveLimits, Files,
    RenderOptions,
};
use hookline::HelmVersion;

fn files(list: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}

fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(enc);
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // Write the name bytes directly so that unsafe names can be tested.
        let nb = name.as_bytes();
        h.as_old_mut().name[..nb.len()].copy_from_slice(nb);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    let enc = b.into_inner().unwrap();
    enc.finish().unwrap()
}

const CHART: &str = "apiVersion: v2\nname: demo\nversion: 0.1.0\n";

#[test]
fn chart_load_in_memory_layout() {
    let c = load_files(&files(&[
        ("Chart.yaml", CHART),
        ("values.yaml", "a: 1\n---\nb: {c: 2}\n"),
        ("values.schema.json", "{}"),
        ("templates/x.yaml", "x"),
        ("templates/_h.tpl", "h"),
        ("templates/.hidden", "h"),
        ("crds/c.yaml", "kind: CustomResourceDefinition"),
        ("README.md", "readme"),
        (
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        ("charts/sub/templates/y.yaml", "y"),
        ("charts/_skipped/Chart.yaml", "garbage: ["),
        ("./charts/sub/values.yaml", "s: 1"),
    ]))
    .unwrap();
    assert_eq!(c.name(), "demo");
    assert_eq!(
        c.templates
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["templates/_h.tpl", "templates/x.yaml"]
    );
    assert_eq!(
        c.files.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["README.md", "crds/c.yaml"]
    );
    assert_eq!(c.schema.as_deref(), Some(&b"{}"[..]));
    assert_eq!(c.values.get("a"), Some(&Value::Float(1.0)));
    assert!(matches!(c.values.get("b"), Some(Value::Map(_))));
    assert_eq!(c.dependencies.len(), 1);
    assert_eq!(c.dependencies[0].values.get("s"), Some(&Value::Float(1.0)));
}

#[test]
fn chart_load_errors_name_the_file() {
    let e = load_files(&files(&[("values.yaml", "a: 1")])).unwrap_err();
    assert_eq!(e.message, "Chart.yaml file is missing");
    let e = load_files(&files(&[
        ("Chart.yaml", CHART),
        ("values.yaml", "a: 1\nb: [\n"),
    ]))
    .unwrap_err();
    assert!(e.message.starts_with("cannot load values.yaml"), "{e}");
    assert_eq!(e.file.as_deref(), Some("values.yaml"));
    assert!(e.line.is_some(), "{e:?}");
    let e = load_files(&files(&[
        ("Chart.yaml", CHART),
        ("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\n"),
    ]))
    .unwrap_err();
    assert_eq!(
        e.message,
        "error unpacking subchart sub in demo: validation: chart.metadata.version is required"
    );
    assert_eq!(e.location().as_deref(), Some("charts/sub/Chart.yaml"));
    let e = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: a/b\nversion: 1.0.0",
    )]))
    .unwrap_err();
    assert_eq!(
        e.message,
        "validation: chart.metadata.name \"a/b\" is invalid"
    );
    let e = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: a\nversion: x1",
    )]))
    .unwrap_err();
    assert_eq!(
        e.message,
        "validation: chart.metadata.version \"x1\" is invalid"
    );
    let e = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: a\nversion: 1.0.0\ntype: app",
    )]))
    .unwrap_err();
    assert_eq!(
        e.message,
        "validation: chart.metadata.type must be application or library"
    );
    let e = load_files(&files(&[("../Chart.yaml", CHART)])).unwrap_err();
    assert!(e.message.contains("outside the chart"), "{e}");
    let e = load_files(&files(&[("/etc/Chart.yaml", CHART)])).unwrap_err();
    assert!(e.message.contains("outside the chart"), "{e}");
}

#[test]
fn chart_metadata_decoding_like_sigs_yaml() {
    let c = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 1.0\nappVersion: 1.10\nkeywords: [1, true]\nannotations:\n  num: 5\ndeprecated: true\nunknown: x\n",
    )]))
    .unwrap();
    assert_eq!(c.metadata.version, "1");
    assert_eq!(c.metadata.app_version, "1.1");
    assert_eq!(
        c.metadata.keywords,
        Some(vec!["1".to_string(), "true".to_string()])
    );
    assert_eq!(
        c.metadata.annotations,
        Some(vec![("num".to_string(), "5".to_string())])
    );
    assert!(c.metadata.deprecated);
    // apiVersion defaults to v1; requirements.yaml feeds dependencies and stays in Files.
    let c = load_files(&files(&[
        ("Chart.yaml", "name: old\nversion: 0.1.0\n"),
        (
            "requirements.yaml",
            "dependencies:\n- name: dep\n  version: 1.x\n  repository: r\n",
        ),
    ]))
    .unwrap();
    assert_eq!(c.metadata.api_version, "v1");
    assert_eq!(
        c.metadata
            .deps()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>(),
        ["dep"]
    );
    assert!(c.files.iter().any(|f| f.name == "requirements.yaml"));
    let e = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: [a]\nversion: 1.0.0",
    )]))
    .unwrap_err();
    assert!(
        e.message
            .starts_with("cannot load Chart.yaml: error unmarshaling JSON"),
        "{e}"
    );
}

#[test]
fn chart_helmignore_rules() {
    let c = load_files(&files(&[
        ("Chart.yaml", CHART),
        (".helmignore", "# c\n*.bak\ndocs/\n/top.txt\n"),
        ("a.bak", "x"),
        ("sub/b.bak", "x"),
        ("docs/x.md", "x"),
        ("top.txt", "x"),
        ("sub/top.txt", "x"),
        ("templates/.dot.yaml", "x"),
        ("templates/ok.yaml", "x"),
    ]))
    .unwrap();
    let names: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, [".helmignore", "sub/top.txt"]);
    assert_eq!(c.templates.len(), 1);
    // A negated rule ignores everything it does not match (pkg/ignore/rules.go).
    let r = Rules::parse("*.bak\n!keep.bak\n").unwrap();
    assert!(r.ignore("Chart.yaml", false));
    // The first matching rule decides: *.bak already ignores keep.bak.
    assert!(r.ignore("keep.bak", false));
    assert!(Rules::parse("a/**/b").is_err());
    assert!(Rules::parse("[").is_err());
    let r = Rules::parse("dir/\n").unwrap();
    assert!(r.ignore("x/dir", true));
    assert!(!r.ignore("x/dir", false));
    assert_eq!(go_match("*.txt", "a.txt"), Ok(true));
    assert_eq!(go_match("*.txt", "d/a.txt"), Ok(false));
    assert_eq!(go_match("a/[b-d]?", "a/cx"), Ok(true));
    assert_eq!(go_match("a/[^b]x", "a/bx"), Ok(false));
    assert_eq!(go_match("\\*", "*"), Ok(true));
    assert!(go_match("[a-", "a").is_err());
}

#[test]
fn chart_archives_load_and_are_safe() {
    let good = tgz(&[
        ("demo/Chart.yaml", CHART.as_bytes()),
        ("demo/values.yaml", b"\xEF\xBB\xBFa: 1\n"),
        ("demo/templates/x.yaml", b"x"),
    ]);
    let c = load_archive(&good).unwrap();
    assert_eq!(c.name(), "demo");
    assert_eq!(c.values.get("a"), Some(&Value::Float(1.0)));

    let msg = |data: Vec<u8>| load_archive(&data).unwrap_err().message;
    assert_eq!(
        msg(tgz(&[("demo/../../etc/passwd", b"x")])),
        "chart illegally references parent directory"
    );
    assert_eq!(
        msg(tgz(&[("demo//etc/passwd", b"x")])),
        "chart illegally contains absolute paths"
    );
    assert_eq!(
        msg(tgz(&[("Chart.yaml", b"x")])),
        "chart illegally contains content outside the base directory: \"Chart.yaml\""
    );
    assert_eq!(
        msg(tgz(&[("demo/C:/x", b"x")])),
        "chart contains illegally named files"
    );
    assert_eq!(msg(b"not gzip".to_vec()), "gzip: invalid header");
    assert_eq!(msg(tgz(&[])), "no files in chart archive");

    let big = vec![b'a'; 2000];
    let limits = ArchiveLimits {
        max_entries: 10,
        max_total_bytes: 10_000,
        max_file_bytes: 1000,
    };
    let e = load_archive_with_limits(
        &tgz(&[("demo/Chart.yaml", CHART.as_bytes()), ("demo/big", &big)]),
        limits,
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "decompressed chart file \"demo/big\" is larger than the maximum file size 1000"
    );
    let limits = ArchiveLimits {
        max_entries: 10,
        max_total_bytes: 1500,
        max_file_bytes: 1000,
    };
    let e = load_archive_with_limits(
        &tgz(&[("demo/a", &big[..900]), ("demo/b", &big[..900])]),
        limits,
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "decompressed chart is larger than the maximum size 1500"
    );
    let limits = ArchiveLimits {
        max_entries: 2,
        ..ArchiveLimits::default()
    };
    let e = load_archive_with_limits(&tgz(&[("d/a", b"1"), ("d/b", b"2"), ("d/c", b"3")]), limits)
        .unwrap_err();
    assert_eq!(
        e.message,
        "chart archive has more than the maximum number of entries 2"
    );

    // A nested archive counts against the same limits.
    let inner = tgz(&[
        (
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        ("sub/big", &big),
    ]);
    let outer = tgz(&[
        ("demo/Chart.yaml", CHART.as_bytes()),
        ("demo/charts/sub-1.0.0.tgz", &inner),
    ]);
    let limits = ArchiveLimits {
        max_entries: 100,
        max_total_bytes: 100_000,
        max_file_bytes: 1500,
    };
    let e = load_archive_with_limits(&outer, limits).unwrap_err();
    assert!(
        e.message
            .starts_with("error unpacking subchart sub-1.0.0.tgz in demo: decompressed chart file"),
        "{e}"
    );
    let c = load_archive(&outer).unwrap();
    assert_eq!(c.dependencies[0].name(), "sub");
}

#[test]
fn chart_archive_links_outside_are_refused() {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(enc);
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "demo/templates/evil", "../../../etc/passwd")
        .unwrap();
    let data = b.into_inner().unwrap().finish().unwrap();
    let e = load_archive(&data).unwrap_err();
    assert!(e.message.contains("link pointing outside"), "{e}");
}

#[test]
fn chart_no_panic_on_garbage() {
    let mut seed = 0x2545F4914F6CDD1Du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let good = tgz(&[
        ("demo/Chart.yaml", CHART.as_bytes()),
        ("demo/templates/x.yaml", b"x"),
    ]);
    for _ in 0..300 {
        let mut d = good.clone();
        for _ in 0..(next() % 8 + 1) {
            let i = (next() as usize) % d.len();
            d[i] = next() as u8;
        }
        let _ = load_archive(&d);
        let n = (next() % 64) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| next() as u8).collect();
        let _ = load_archive(&bytes);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = load_files(&files(&[("Chart.yaml", &text)]));
        let _ = load_files(&files(&[
            ("Chart.yaml", CHART),
            ("values.yaml", &text),
            (".helmignore", &text),
        ]));
        let _ = hookline::values::strvals::parse(&text);
        let _ = Glob::compile(&text).map(|g| g.matches("a/b"));
        let _ = is_compatible_range(&text, "1.2.3");
    }
}

#[test]
fn chart_files_object() {
    let f = Files::new(vec![
        ("files/a.txt".to_string(), b"one\ntwo\n".to_vec()),
        ("files/sub/b.json".to_string(), b"{}".to_vec()),
        ("conf/c.conf".to_string(), b"k=v".to_vec()),
        ("empty".to_string(), Vec::new()),
    ]);
    assert_eq!(f.get("files/a.txt"), "one\ntwo\n");
    assert_eq!(f.get("missing"), "");
    assert_eq!(f.lines("files/a.txt").unwrap(), ["one", "two"]);
    assert!(f.lines("missing").unwrap().is_empty());
    assert!(f.lines("empty").is_err());
    let names = |g: Files| g.names().cloned().collect::<Vec<_>>();
    assert_eq!(names(f.glob("files/*")), ["files/a.txt"]);
    assert_eq!(
        names(f.glob("files/**")),
        ["files/a.txt", "files/sub/b.json"]
    );
    assert_eq!(
        names(f.glob("**.{json,conf}")),
        ["conf/c.conf", "files/sub/b.json"]
    );
    assert_eq!(names(f.glob("files/[!b]*.txt")), ["files/a.txt"]);
    assert_eq!(names(f.glob("?onf/*")), ["conf/c.conf"]);
    // An invalid pattern matches everything, as Helm falls back to "**".
    assert_eq!(f.glob("{a").len(), 4);
    assert_eq!(f.glob("conf/*").as_config(), "c.conf: k=v");
    assert_eq!(f.glob("conf/*").as_secrets(), "c.conf: az12");
}

#[test]
fn chart_semver_ranges() {
    for (c, v, ok) in [
        (">=0.1.0", "0.1.5", true),
        ("~0.1", "0.1.5", true),
        ("~0.1", "0.2.0", false),
        ("^1.2.3", "1.9.0", true),
        ("^1.2.3", "2.0.0", false),
        ("^0.2.3", "0.2.9", true),
        ("^0.2.3", "0.3.0", false),
        ("1.x", "1.4.0", true),
        ("0.12.*", "0.12.3", true),
        (">=1.19.0-0", "v1.35.0", true),
        (">= 1.20, < 1.30", "1.25.1", true),
        (">=1.2 <1.3 || 2.x", "2.1.0", true),
        ("1.0 - 2.0", "1.5.0", true),
        (">=1.0.0", "1.1.0-rc1", false),
        ("", "1.0.0", false),
        ("=1.2.3", "1.2.3", true),
        ("!=1.2.3", "1.2.3", false),
    ] {
        assert_eq!(is_compatible_range(c, v), ok, "{c} {v}");
    }
}

#[test]
fn chart_library_root_and_kube_version() {
    let lib = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: l\nversion: 1.0.0\ntype: library\n",
    )]))
    .unwrap();
    let opts = RenderOptions::new("r", "ns", HelmVersion::V4);
    assert_eq!(
        prepare_render(&lib, &Default::default(), &opts)
            .unwrap_err()
            .message,
        "library charts are not installable"
    );
    let c = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: k\nversion: 1.0.0\nkubeVersion: '>=1.36.0-0'\n",
    )]))
    .unwrap();
    assert_eq!(
        prepare_render(&c, &Default::default(), &opts)
            .unwrap_err()
            .message,
        "chart requires kubeVersion: >=1.36.0-0 which is incompatible with Kubernetes v1.35.0"
    );
    let mut opts3 = RenderOptions::new("r", "ns", HelmVersion::V3);
    assert!(prepare_render(&c, &Default::default(), &opts3).is_err());
    opts3.capabilities.kube_version = chart::KubeVersion::parse("1.36.1", HelmVersion::V3).unwrap();
    assert!(prepare_render(&c, &Default::default(), &opts3).is_ok());
    let kv = chart::KubeVersion::parse("v1.28.3-gke.100", HelmVersion::V4).unwrap();
    assert_eq!(
        (
            kv.version.as_str(),
            kv.normalized.as_str(),
            kv.major.as_str(),
            kv.minor.as_str()
        ),
        ("v1.28.3-gke.100", "v1.28.3", "1", "28")
    );
    assert_eq!(
        chart::KubeVersion::parse("1", HelmVersion::V4).unwrap_err(),
        "illegal version string \"1\""
    );
    assert_eq!(
        chart::KubeVersion::parse("foo", HelmVersion::V4).unwrap_err(),
        "could not parse \"foo\" as version"
    );
}

#[test]
fn chart_template_order_and_scopes() {
    let c = load_files(&files(&[
        ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
        ("values.yaml", "sub:\n  x: 1\nglobal:\n  g: true\n"),
        ("templates/a.yaml", "a"),
        ("templates/b.yaml", "b"),
        ("templates/_p.tpl", "p"),
        ("templates/NOTES.txt", "n"),
        ("templates/d/c.yaml", "c"),
        (
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        ("charts/sub/templates/s.yaml", "s"),
        ("charts/sub/files/f.txt", "f"),
    ]))
    .unwrap();
    let inputs = prepare_render(
        &c,
        &Default::default(),
        &RenderOptions::new("r", "ns", HelmVersion::V4),
    )
    .unwrap();
    let names: Vec<&str> = inputs.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "top/charts/sub/templates/s.yaml",
            "top/templates/d/c.yaml",
            "top/templates/b.yaml",
            "top/templates/a.yaml",
            "top/templates/_p.tpl",
            "top/templates/NOTES.txt",
        ]
    );
    let s = &inputs.templates[0];
    let Value::Map(d) = s.data() else { panic!() };
    let d = d.borrow();
    let Some(Value::Map(v)) = d.get("Values") else {
        panic!()
    };
    assert_eq!(v.borrow().get("x"), Some(&Value::Float(1.0)));
    assert!(matches!(v.borrow().get("global"), Some(Value::Map(_))));
    let Some(Value::Object(files)) = d.get("Files") else {
        panic!()
    };
    assert_eq!(
        files
            .call_method("Get", &[Value::from("files/f.txt")])
            .unwrap(),
        Value::from("f")
    );
    let Some(Value::Map(t)) = d.get("Template") else {
        panic!()
    };
    assert_eq!(
        t.borrow().get("BasePath"),
        Some(&Value::from("top/charts/sub/templates"))
    );
    assert!(inputs.templates[4].is_partial && inputs.templates[5].is_notes);
    // .Subcharts.sub of the parent is the child's data.
    let Value::Map(top) = inputs.templates[1].data() else {
        panic!()
    };
    let Some(Value::Map(subs)) = top.borrow().get("Subcharts").cloned() else {
        panic!()
    };
    assert!(subs.borrow().contains_key("sub"));
    let _ = std::io::sink().write(b"");
}

#[test]
fn chart_yaml_errors_read_as_helm() {
    let chart = "apiVersion: v2\nname: bad\nversion: 0.1.0\n";
    for (values, want) in [
        ("a: 1\nb: [1,\nc: d: e\n", "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'"),
        ("a: 1\n  b: 2\n", "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"),
        ("- a\n", "cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"),
    ] {
        let e = load_files(&files(&[("Chart.yaml", chart), ("values.yaml", values)])).unwrap_err();
        // The parser's own wording (crate::yaml) may differ from go-yaml's; the wrapping is ours.
        let (prefix, _) = want.split_at(want.find("yaml: line").unwrap_or(want.len()));
        assert!(e.message.starts_with(prefix), "{e}");
        if e.message != want {
            eprintln!("note: parser wording differs from helm:\n  helm:     {want}\n  hookline: {}", e.message);
        }
        assert_eq!(e.file.as_deref(), Some("values.yaml"));
    }
    let e = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: bad\nversion: 0.1.0\nfoo: [\n",
    )]))
    .unwrap_err();
    assert!(
        e.message
            .starts_with("cannot load Chart.yaml: error converting YAML to JSON: yaml: line 4: "),
        "{e}"
    );
    // A later document of a values stream reports its line in the whole file.
    let e = load_files(&files(&[
        ("Chart.yaml", chart),
        ("values.yaml", "a: 1\n---\nb: 2\n  c: 3\n"),
    ]))
    .unwrap_err();
    assert_eq!(e.line, Some(4), "{e:?}");
}

#[test]
fn chart_capabilities_flags() {
    let mut caps = chart::Capabilities::default_for(HelmVersion::V4);
    let n = caps.api_versions.0.len();
    caps.add_api_versions_flags(&["a/v1,b/v1".to_string(), "c/v1/Kind".to_string()]);
    assert_eq!(caps.api_versions.0.len(), n + 3);
    assert!(caps.api_versions.has("c/v1/Kind") && caps.api_versions.has("apps/v1"));
    assert_eq!(
        caps.set_kube_version_flag("foo", HelmVersion::V4)
            .unwrap_err(),
        "invalid kube version 'foo': could not parse \"foo\" as version"
    );
    assert_eq!(
        caps.set_kube_version_flag("foo", HelmVersion::V3)
            .unwrap_err(),
        "invalid kube version 'foo': Invalid Semantic Version"
    );
    caps.set_kube_version_flag("1.30", HelmVersion::V4).unwrap();
    assert_eq!(caps.kube_version.normalized(), "v1.30");
    let caps3 = chart::Capabilities::default_for(HelmVersion::V3);
    assert_eq!(caps3.kube_version.version, "v1.32.0");
    assert_eq!(caps3.api_versions.0.len(), 56);
}

#[test]
fn chart_metadata_sanitized_like_helm() {
    // helm v4.1.4 prints "a bcd e fg\u0301h" for this description: whitespace becomes a
    // space, format and private-use characters are dropped, combining marks stay.
    let c = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: san\nversion: 0.1.0\ndescription: \"a\\tb\\u00adc\\u200bd\\u00a0e\\u2028f\\ue000g\\u0301h\"\n",
    )]))
    .unwrap();
    assert_eq!(c.metadata.description, "a bcd e fg\u{301}h");
}

#[test]
fn chart_folder_upload() {
    let up = files(&[
        ("mychart/Chart.yaml", CHART),
        ("mychart/", ""),
        ("mychart/templates/", ""),
        ("mychart/templates/a.yaml", "a"),
    ]);
    let c = load_files(&chart::strip_common_root(&up)).unwrap();
    assert_eq!(c.name(), "demo");
    assert_eq!(c.templates.len(), 1);
    // Already rooted, or not a single chart folder: unchanged.
    let rooted = files(&[("Chart.yaml", CHART), ("x/Chart.yaml", CHART)]);
    assert_eq!(chart::strip_common_root(&rooted), rooted);
    let two = files(&[("a/Chart.yaml", CHART), ("b/x", "")]);
    assert_eq!(chart::strip_common_root(&two), two);
}

#[test]
fn chart_strvals_no_panic() {
    let inputs = [
        "",
        ",",
        "=",
        "[",
        "]",
        "a[",
        "a[0",
        "a[0]",
        "a[0]=",
        "a[0][",
        "a[0].b",
        "a.b.",
        "{",
        "a={",
        "a={b,",
        "a=\\",
        "\\",
        "a[0]=1,a[0][0]=2",
        "a.b=1,a[0]=2",
        "a[0]=1,a.b=2",
        "a[99999]=1",
        "a[1]=1,a[0].b=2,a[0][1]=3",
        "a=[1,2",
        "a={\"x\":",
        "a=nul",
        "a=1 2,b",
        "ü[0].ß=ö",
    ];
    for s in inputs {
        let m = std::rc::Rc::new(std::cell::RefCell::new(gotemplate::Map::new()));
        let _ = hookline::values::strvals::parse_into(s, &m);
        let _ = hookline::values::strvals::parse_into_string(s, &m);
        let _ = hookline::values::strvals::parse_json(s, &m);
        let _ = hookline::values::strvals::parse_literal_into(s, &m);
        let _ = hookline::values::strvals::parse_into_file(s, &m, &mut |p| Ok(p.to_string()));
    }
}

#[test]
fn chart_nesting_is_capped() {
    // 80 levels of .tgz inside .tgz: an error, not a stack overflow.
    let mut inner = tgz(&[("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 1.0.0\n")]);
    for _ in 0..80 {
        inner = tgz(&[
            ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 1.0.0\n"),
            ("c/charts/c-1.0.0.tgz", &inner),
        ]);
    }
    let e = load_archive(&inner).unwrap_err();
    assert!(
        e.message
            .contains("chart nesting is deeper than the maximum"),
        "{}",
        &e.message[..200.min(e.message.len())]
    );
}

#[test]
fn chart_metadata_scalars_match_helm() {
    // Values printed by helm v4.1.4 for `{{ toJson .Chart }}` of this Chart.yaml.
    let c = load_files(&files(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: 123\nversion: 1.0\nappVersion: 1234567.5\nkeywords: [1, true, 2.50]\ndescription: 1e3\nhome: 0x1F\nicon: 0.000012\n",
    )]))
    .unwrap();
    let m = &c.metadata;
    assert_eq!((m.name.as_str(), m.version.as_str()), ("123", "1"));
    assert_eq!(m.app_version, "1.2345675e+06");
    assert_eq!(
        m.keywords,
        Some(vec!["1".into(), "true".into(), "2.5".into()])
    );
    assert_eq!(
        (m.description.as_str(), m.home.as_str(), m.icon.as_str()),
        ("1000", "31", "1.2e-05")
    );
    let err = |y: &str| {
        load_files(&files(&[("Chart.yaml", y)]))
            .unwrap_err()
            .message
    };
    assert_eq!(
        err("apiVersion: v2\nname: m\nversion: 1.0.0\ndeprecated: \"true\""),
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Metadata.deprecated of type bool"
    );
    assert_eq!(
        err("apiVersion: v2\nname: m\nversion: 1.0.0\nmaintainers: [~]"),
        "validation: maintainers must not contain empty or null nodes"
    );
    assert_eq!(
        err("apiVersion: v2\nname: m\nversion: 1.0.0\nsources: abc"),
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Metadata.sources of type []string"
    );
}

/// Templates, files, values and subcharts of a chart, recursively (for equality checks).
fn chart_shape(c: &chart::Chart) -> String {
    let mut s = format!("{} {:?}\n", c.name(), c.values);
    for t in &c.templates {
        s.push_str(&format!("T {} {:?}\n", t.name, t.data));
    }
    for f in c.files.iter().filter(|f| !f.name.ends_with(".tgz")) {
        s.push_str(&format!("F {} {:?}\n", f.name, f.data));
    }
    let mut deps: Vec<String> = c.dependencies.iter().map(chart_shape).collect();
    deps.sort();
    for d in deps {
        s.push_str(&format!("D [{d}]\n"));
    }
    s
}

#[test]
fn chart_archives_unpack_into_plain_files() {
    let inner = tgz(&[
        (
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        ("sub/values.yaml", b"x: 1\n"),
        ("sub/templates/cm.yaml", b"x: {{ .Values.x }}\n"),
    ]);
    let outer = tgz(&[
        ("demo/Chart.yaml", CHART.as_bytes()),
        ("demo/values.yaml", b"sub:\n  x: 2\n"),
        ("demo/templates/a.yaml", b"a: 1\n"),
        ("demo/charts/sub-1.0.0.tgz", &inner),
        (
            "demo/charts/other/Chart.yaml",
            b"apiVersion: v2\nname: other\nversion: 1.0.0\n",
        ),
    ]);
    let unpacked = chart::unpack_archive(&outer).unwrap();
    let names: Vec<&str> = unpacked.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Chart.yaml",
            "charts/other/Chart.yaml",
            "charts/sub-1.0.0/Chart.yaml",
            "charts/sub-1.0.0/templates/cm.yaml",
            "charts/sub-1.0.0/values.yaml",
            "templates/a.yaml",
            "values.yaml",
        ]
    );
    // The same chart as helm loads from the archive.
    let from_archive = load_archive(&outer).unwrap();
    let from_files = load_files(&unpacked).unwrap();
    assert_eq!(chart_shape(&from_files), chart_shape(&from_archive));
    assert_eq!(from_files.dependencies.len(), 2);

    // A chart folder with a vendored archive (after `helm dependency build`), nested twice; a
    // directory of the same name is kept apart.
    let deeper = tgz(&[
        (
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        (
            "sub/charts/leaf-0.1.0.tgz",
            &tgz(&[(
                "leaf/Chart.yaml",
                b"apiVersion: v2\nname: leaf\nversion: 0.1.0\n",
            )]),
        ),
    ]);
    let mut folder = files(&[
        ("Chart.yaml", CHART),
        (
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub2\nversion: 1.0.0\n",
        ),
    ]);
    folder.insert("charts/sub.tgz".into(), deeper);
    let unpacked = chart::unpack_subchart_archives(folder).unwrap();
    assert!(
        unpacked.contains_key("charts/sub-tgz/charts/leaf-0.1.0/Chart.yaml"),
        "{:?}",
        unpacked.keys()
    );
    assert!(unpacked.contains_key("charts/sub/Chart.yaml"));
    assert!(!unpacked.keys().any(|k| k.ends_with(".tgz")));

    // Broken archives are refused with Helm's errors.
    assert_eq!(
        chart::unpack_archive(b"not gzip").unwrap_err().message,
        "gzip: invalid header"
    );
    let mut bad = files(&[("Chart.yaml", CHART)]);
    bad.insert("charts/x.tgz".into(), b"junk".to_vec());
    assert_eq!(
        chart::unpack_subchart_archives(bad).unwrap_err().message,
        "error unpacking subchart charts/x.tgz: gzip: invalid header"
    );
}

/// A chart directory on disk (removed when dropped).
struct DirChart(std::path::PathBuf);

impl DirChart {
    fn new(tag: &str, files: &[(&str, &str)]) -> DirChart {
        let dir = std::env::temp_dir().join(format!("hookline-dir-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        DirChart(dir)
    }
}

impl Drop for DirChart {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const DEFERRED_CHART: &[(&str, &str)] = &[
    ("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
    ("values.yaml", "read: false\n"),
    (
        "templates/cm.yaml",
        "kind: ConfigMap\nmetadata:\n  name: cm\ndata:\n{{- if .Values.read }}\n  x: {{ .Files.Get \"files/x.txt\" | quote }}\n{{- end }}\n",
    ),
    ("files/x.txt", "\u{feff}hello"),
    ("crds/crd.yaml", "kind: CustomResourceDefinition\nmetadata:\n  name: c\n"),
    ("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
    ("charts/sub/files/y.txt", "y"),
];

#[test]
fn directory_loads_defer_files_no_load_step_reads() {
    let dir = DirChart::new("deferred", DEFERRED_CHART);
    let c = chart::load_dir(&dir.0).unwrap();
    let loaded = |name: &str| {
        c.raw
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} not loaded"))
            .data
            .loaded()
            .is_some()
    };
    for name in [
        "Chart.yaml",
        "values.yaml",
        "templates/cm.yaml",
        "charts/sub/Chart.yaml",
    ] {
        assert!(loaded(name), "{name} is read by the load");
    }
    for name in ["files/x.txt", "crds/crd.yaml", "charts/sub/files/y.txt"] {
        assert!(!loaded(name), "{name} waits until a render uses it");
    }
    // Read on use, the BOM dropped as for the other files.
    let f = c.files.iter().find(|f| f.name == "files/x.txt").unwrap();
    assert_eq!(&*f.data.bytes(), b"hello");
    assert!(c.read_error().is_none());
}

#[test]
fn a_deferred_file_that_cannot_be_read_fails_the_render_with_helms_load_error() {
    use hookline::render::{helm_template, TemplateRequest};
    let dir = DirChart::new("vanished", DEFERRED_CHART);
    let c = chart::load_dir(&dir.0).unwrap();
    std::fs::remove_file(dir.0.join("files/x.txt")).unwrap();
    let req = TemplateRequest::new("r", "ns", HelmVersion::V4);
    // Not used by this render: no error.
    let out = helm_template(&c, &gotemplate::Map::new(), &req).unwrap();
    assert!(out.contains("name: cm"));
    // Used: the render fails with the error Helm's load would have given.
    let mut user = gotemplate::Map::new();
    user.insert("read".into(), Value::Bool(true));
    let err = helm_template(&c, &user, &req).unwrap_err();
    assert!(
        err.message.starts_with("error reading files/x.txt: "),
        "{}",
        err.message
    );
    assert!(!err.during_render);
}

#[test]
fn deferred_crds_are_read_for_include_crds() {
    use hookline::render::{helm_template, TemplateRequest};
    let dir = DirChart::new("crds", DEFERRED_CHART);
    let c = chart::load_dir(&dir.0).unwrap();
    let mut req = TemplateRequest::new("r", "ns", HelmVersion::V4);
    req.output.include_crds = true;
    let out = helm_template(&c, &gotemplate::Map::new(), &req).unwrap();
    assert!(out.contains("# Source: demo/crds/crd.yaml\nkind: CustomResourceDefinition"));
    let c = chart::load_dir(&dir.0).unwrap();
    std::fs::remove_file(dir.0.join("crds/crd.yaml")).unwrap();
    let err = helm_template(&c, &gotemplate::Map::new(), &req).unwrap_err();
    assert!(
        err.message.starts_with("error reading crds/crd.yaml: "),
        "{}",
        err.message
    );
}

/// `load_path_deferred` then `finish` (the CLI's template parses start in between) is
/// `load_path_with`: the same values in every chart of the tree, the same templates, and the
/// same error, the first in the one-step load's order, when a values file is broken.
#[test]
fn a_load_with_values_deferred_is_the_one_step_load() {
    fn dump(c: &chart::Chart, out: &mut String) {
        out.push_str(&format!(
            "{} {:?} {:?}\n",
            c.name(),
            c.values,
            c.templates.iter().map(|t| &t.name).collect::<Vec<_>>()
        ));
        for d in &c.dependencies {
            dump(d, out);
        }
    }
    let one_step = |path: &std::path::Path| {
        chart::load_path_with(path, ArchiveLimits::default()).map(|c| {
            let mut s = String::new();
            dump(&c, &mut s);
            s
        })
    };
    let deferred = |path: &std::path::Path| {
        chart::load_path_deferred(path, ArchiveLimits::default()).and_then(|d| {
            let texts = d.template_texts().len();
            d.finish().map(|c| {
                let mut s = format!("{texts} texts\n");
                dump(&c, &mut s);
                s
            })
        })
    };
    let mut files = vec![
        ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 0.1.0\n"),
        ("values.yaml", "a: 1\nsub:\n  b: 2\n"),
        ("templates/a.yaml", "a: {{ .Values.a }}\n"),
        (
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
        ("charts/sub/values.yaml", "b: 1\nc: [1, 2]\n"),
        ("charts/sub/templates/b.yaml", "b: {{ .Values.b }}\n"),
        (
            "charts/sub/charts/deep/Chart.yaml",
            "apiVersion: v2\nname: deep\nversion: 0.1.0\n",
        ),
        ("charts/sub/charts/deep/values.yaml", "d: deep\n"),
        (
            "charts/zed/Chart.yaml",
            "apiVersion: v2\nname: zed\nversion: 0.1.0\n",
        ),
        ("charts/zed/values.yaml", "z: 26\n"),
    ];
    let dir = DirChart::new("deferred-values", &files);
    let whole = one_step(&dir.0).unwrap();
    assert!(whole.contains("deep {\"d\": String(\"deep\")}"), "{whole}");
    assert_eq!(deferred(&dir.0).unwrap(), format!("2 texts\n{whole}"));
    drop(dir);
    // A broken values file of a subchart, and a broken Chart.yaml of a later one: the values
    // file's error comes first in Helm's load, wrapped in the subchart's name.
    files[7] = ("charts/sub/charts/deep/values.yaml", "d: [\n");
    files[8] = ("charts/zed/Chart.yaml", "name: [\n");
    let dir = DirChart::new("deferred-values-bad", &files);
    let err = one_step(&dir.0).unwrap_err().to_string();
    assert!(err.contains("cannot load values.yaml"), "{err}");
    assert!(err.contains("subchart deep in sub"), "{err}");
    assert_eq!(deferred(&dir.0).unwrap_err().to_string(), err);
    // Only the values file broken: the error comes from `finish`.
    files[8] = (
        "charts/zed/Chart.yaml",
        "apiVersion: v2\nname: zed\nversion: 0.1.0\n",
    );
    drop(dir);
    let dir = DirChart::new("deferred-values-bad2", &files);
    let err = one_step(&dir.0).unwrap_err().to_string();
    assert!(chart::load_path_deferred(&dir.0, ArchiveLimits::default()).is_ok());
    assert_eq!(deferred(&dir.0).unwrap_err().to_string(), err);
}
