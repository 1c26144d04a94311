//! Chart-sized benchmarks: parse (lex + parse of every template), render (`helm template`),
//! `toYaml` of a chart's values, and a lifecycle plan (install → upgrade → rollback →
//! uninstall, two renders). Run with `cargo bench -p hookline --bench chart`.
//!
//! Charts: the big charts of the differential corpus (`../shared/corpus`, or `HOOKLINE_CORPUS`)
//! when it is there; the project's own fixture charts always (so the benchmarks stand alone).

use std::path::{Path, PathBuf};
use std::rc::Rc;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gotemplate::{Map, Value};
use hookline::chart::{load_path, Chart};
use hookline::render::chart_render::ChartRenderer;
use hookline::render::{helm_template, TemplateRequest};
use hookline::{simulate, HelmVersion, Scenario};

/// The largest corpus charts that `helm template` renders (kube-prometheus-stack's copy lacks
/// its vendored subcharts; scripts/bench.sh assembles it).
const CORPUS_CHARTS: &[&str] = &["argo-cd", "cert-manager", "istio-base", "keda", "vault"];

const SCENARIO: &str = "release: bench
steps:
  - op: install
  - op: upgrade
  - op: rollback
  - op: uninstall
";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (name, chart) for every chart to measure.
fn charts() -> Vec<(String, Chart)> {
    let mut out = Vec::new();
    for fixture in [
        "tests/fixtures/charts/parent",
        "tests/fixtures/charts/storefront",
        "public/examples/upgrade-rollback",
    ] {
        let chart = load_path(&root().join(fixture)).expect("fixture chart loads");
        out.push((format!("fixture-{}", chart.name()), chart));
    }
    let corpus = std::env::var_os("HOOKLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    if !corpus.is_dir() {
        eprintln!(
            "corpus not found at {}: fixture charts only",
            corpus.display()
        );
        return out;
    }
    for id in CORPUS_CHARTS {
        match load_path(&corpus.join(id).join("chart")) {
            Ok(chart) => out.push((id.to_string(), chart)),
            Err(e) => eprintln!("skipping corpus chart {id}: {e}"),
        }
    }
    out
}

fn request() -> TemplateRequest {
    TemplateRequest::new("bench", "default", HelmVersion::V4)
}

fn bench(c: &mut Criterion) {
    let charts = charts();
    let values = Map::new();
    for (name, chart) in &charts {
        // Charts that do not render as they are (missing required values) are left out.
        if let Err(e) = helm_template(chart, &values, &request()) {
            eprintln!("skipping {name}: {}", e.message);
            continue;
        }
        let opts = hookline::render::render_options(&request()).unwrap();
        let inputs = hookline::chart::prepare_render(chart, &values, &opts).unwrap();
        c.bench_function(&format!("parse/{name}"), |b| {
            b.iter(|| {
                let mut t = gotemplate::Templates::new();
                hookline::render::register_helm_functions(&mut t, HelmVersion::V4);
                for tpl in &inputs.templates {
                    t.add_shared(&tpl.name, tpl.source.clone()).unwrap();
                }
                black_box(t)
            })
        });
        c.bench_function(&format!("render/{name}"), |b| {
            b.iter(|| helm_template(black_box(chart), &values, &request()).unwrap())
        });
        let chart_values = Value::map(chart.values.clone());
        c.bench_function(&format!("toYaml/{name}-values"), |b| {
            b.iter(|| hookline::yaml::to_yaml(black_box(&chart_values)).unwrap())
        });
        let scenario = Scenario::parse(SCENARIO).unwrap();
        let shared = Rc::new(chart.clone());
        c.bench_function(&format!("plan/{name}"), |b| {
            b.iter(|| {
                // A plan from scratch, as the CLI makes it: not the previous iteration's trees.
                hookline::render::chart_render::forget_earlier_renders();
                let mut r = ChartRenderer::new(shared.clone(), request());
                simulate(&scenario, &mut r)
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
