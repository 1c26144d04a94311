//! Lex+parse and render of a mid-size, chart-like template.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gotemplate::{Map, Param, Signature, Templates, Value};

const TEMPLATE: &str = r#"{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 -}}
{{- end -}}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ template "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- range $k, $v := .Values.extraLabels }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ template "app.name" . }}
  labels:
{{ include "app.labels" . | indent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ template "app.name" . }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- range $k, $v := . }}
        {{ $k }}: {{ $v | quote }}
        {{- end }}
      {{- end }}
    spec:
      containers:
      {{- range $i, $c := .Values.containers }}
        - name: {{ $c.name }}
          image: "{{ $c.image.repository }}:{{ $c.image.tag | default "latest" }}"
          {{- if $c.ports }}
          ports:
            {{- range $c.ports }}
            - containerPort: {{ .port }}
              protocol: {{ .protocol | default "TCP" }}
            {{- end }}
          {{- end }}
          env:
            {{- range $k, $v := $.Values.env }}
            - name: {{ $k | upper }}
              value: {{ printf "%v" $v | quote }}
            {{- end }}
          {{- if and $c.resources (not $.Values.noResources) }}
          resources:
            limits:
              cpu: {{ $c.resources.cpu }}
              memory: {{ $c.resources.memory }}
          {{- else if eq $i 0 }}
          resources: {}
          {{- end }}
      {{- end }}
"#;

fn engine() -> Templates {
    let mut t = Templates::new();
    t.register_pure(
        "default",
        Signature::variadic(&[Param::Any], Param::Any),
        |a| {
            Ok(if a.len() < 2 || !a[1].is_true() {
                a[0].clone()
            } else {
                a[1].clone()
            })
        },
    );
    t.register_pure("trunc", Signature::new(&[Param::Int, Param::String]), |a| {
        let s = a[1].as_str().unwrap_or_default();
        let n = match a[0] {
            Value::Int(n) => n.max(0) as usize,
            _ => 0,
        };
        Ok(Value::from(s.chars().take(n).collect::<String>()))
    });
    t.register_pure("quote", Signature::variadic(&[], Param::Any), |a| {
        Ok(Value::from(
            a.iter()
                .map(|v| format!("{:?}", gotemplate::format::format_value(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ))
    });
    t.register_pure("upper", Signature::new(&[Param::String]), |a| {
        Ok(Value::from(
            a[0].as_str().unwrap_or_default().to_uppercase(),
        ))
    });
    t.register_pure(
        "indent",
        Signature::new(&[Param::Int, Param::String]),
        |a| {
            let n = match a[0] {
                Value::Int(n) => n.max(0) as usize,
                _ => 0,
            };
            let pad = " ".repeat(n);
            let s = a[1].as_str().unwrap_or_default();
            Ok(Value::from(format!(
                "{pad}{}",
                s.replace('\n', &format!("\n{pad}"))
            )))
        },
    );
    t.register_ctx(
        "include",
        Signature::new(&[Param::String, Param::Any]),
        std::rc::Rc::new(|ctx, a| {
            let name = a[0].as_str().unwrap_or_default().to_string();
            ctx.execute_template(&name, &a[1])
                .map(Value::from)
                .map_err(|e| gotemplate::FuncError(e.to_string()))
        }),
    );
    t
}

fn m(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.insert(k.into(), v);
    }
    Value::map(map)
}

fn data() -> Value {
    let container = |i: usize| {
        m(vec![
            ("name", Value::from(format!("c{i}"))),
            (
                "image",
                m(vec![("repository", "nginx".into()), ("tag", "1.27".into())]),
            ),
            (
                "ports",
                Value::list(
                    (0..3)
                        .map(|p| m(vec![("port", Value::Float(8000.0 + p as f64))]))
                        .collect(),
                ),
            ),
            (
                "resources",
                m(vec![("cpu", "100m".into()), ("memory", "128Mi".into())]),
            ),
        ])
    };
    let values = m(vec![
        ("replicaCount", Value::Float(3.0)),
        (
            "extraLabels",
            m((0..5)
                .map(|i| (["a", "b", "c", "d", "e"][i], Value::from("x")))
                .collect()),
        ),
        (
            "podAnnotations",
            m(vec![
                ("checksum/config", "abc".into()),
                ("team", "web".into()),
            ]),
        ),
        ("containers", Value::list((0..4).map(container).collect())),
        (
            "env",
            m(vec![
                ("log_level", "debug".into()),
                ("port", Value::Float(8080.0)),
                ("ratio", Value::Float(0.25)),
            ]),
        ),
    ]);
    m(vec![
        ("Values", values),
        ("Chart", m(vec![("Name", "app".into())])),
        ("Release", m(vec![("Name", "rel".into())])),
    ])
}

fn bench(c: &mut Criterion) {
    let base = engine();
    c.bench_function("lex+parse deployment template", |b| {
        b.iter(|| base.check("deployment.yaml", black_box(TEMPLATE)).unwrap())
    });
    let mut set = engine();
    set.add("deployment.yaml", TEMPLATE).unwrap();
    let d = data();
    let out = set.execute("deployment.yaml", &d).unwrap();
    assert!(out.contains("containerPort: 8002"), "{out}");
    c.bench_function("render deployment template", |b| {
        b.iter(|| set.execute("deployment.yaml", black_box(&d)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
