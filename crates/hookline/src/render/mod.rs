//! Charts rendered as Helm renders them: the Go template engine, Sprig, Helm's own functions,
//! Helm's parse and execution order, and Helm's error texts.
//!
//! Source: Helm v4.1.4 `pkg/engine/engine.go` (`render`, `initFunMap`, `includeFun`,
//! `tplFun`, `cleanupParseError`, `reformatExecErrorMsg`) and `pkg/engine/funcs.go`.

pub mod chart_render;
pub mod errors;
pub(crate) mod helm_funcs;
mod include_memo;
pub mod output;
pub(crate) mod reuse;
pub mod selftest;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gotemplate::{Limits, Templates};

use crate::chart::{RenderInputs, TemplateInput};
use crate::funcs::FuncEnv;
use crate::manifest::RenderedFile;
use crate::plan::HelmVersion;

pub use errors::RenderError;

/// Limits of one render; each is reported by name when hit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderLimits {
    /// Helm's `include` nesting limit per template name (`recursionMaxNums`).
    pub include_depth: usize,
    /// Engine limits (template depth, steps, output size, parse nesting).
    pub engine: Limits,
    /// Sprig's list and string sizes (limits Sprig does not have).
    pub funcs: crate::funcs::limits::FuncLimits,
}

impl Default for RenderLimits {
    fn default() -> RenderLimits {
        RenderLimits {
            include_depth: 1000,
            engine: Limits::default(),
            funcs: Default::default(),
        }
    }
}

/// The host state behind `include`: how deep each template name is nested right now.
pub(crate) struct HelmHost {
    pub(crate) included: HashMap<String, usize>,
    pub(crate) include_limit: usize,
    /// `include`'s reusable outputs (a render that watches its executions for another
    /// purpose keeps none).
    pub(crate) memo: Option<include_memo::IncludeMemo>,
}

/// What one render produced.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// Every non-partial template's output (`<no value>` removed), in Helm's execution order.
    /// NOTES.txt files are included (their paths end in `NOTES.txt`).
    pub files: Vec<RenderedFile>,
}

impl Rendered {
    /// The root chart's rendered NOTES.txt (Helm shows only that one).
    pub fn notes(&self, chart_name: &str) -> Option<String> {
        let path = format!("{chart_name}/templates/NOTES.txt");
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.content.clone())
    }

    /// The manifest files (NOTES.txt left out), as `SortManifests` takes them.
    pub fn manifests(&self) -> Vec<RenderedFile> {
        self.manifest_refs().into_iter().cloned().collect()
    }

    /// [`Rendered::manifests`], borrowed.
    pub fn manifest_refs(&self) -> Vec<&RenderedFile> {
        self.files
            .iter()
            .filter(|f| !f.path.ends_with("NOTES.txt"))
            .collect()
    }
}

/// Build the engine with every function Helm's templates can call.
pub(crate) fn engine(
    helm: HelmVersion,
    env: Rc<RefCell<FuncEnv>>,
    limits: &RenderLimits,
) -> Templates {
    let mut t = Templates::new();
    t.set_name("gotpl");
    *t.limits_mut() = limits.engine.clone();
    helm_funcs::register(&mut t, helm, env);
    t
}

/// Register every function Helm's templates can call (random and time functions seeded as in
/// a default [`TemplateRequest`]): for parsing or checking templates outside a render.
pub fn register_helm_functions(t: &mut Templates, helm: HelmVersion) {
    let req = TemplateRequest::new("release-name", "default", helm);
    let env = Rc::new(RefCell::new(FuncEnv::new(req.seed, req.now_unix_nanos)));
    helm_funcs::register(t, helm, env);
}

/// Render every template of a prepared chart (Helm `engine.render`): parse all files into one
/// namespace in Helm's order, then execute each non-partial with its chart's data.
pub fn render(
    inputs: &RenderInputs,
    helm: HelmVersion,
    env: Rc<RefCell<FuncEnv>>,
    limits: &RenderLimits,
) -> Result<Rendered, RenderError> {
    render_with_engine(inputs, helm, env, limits).map(|(r, _)| r)
}

/// [`render`] with a fresh function environment (`seed`, `now`) that reuses the parse trees
/// kept in `parsed` when they are of the same templates, Helm version and limits (see
/// [`ParsedTemplates`]) and keeps this render's there: `hookline lint` renders a chart three
/// times (an install, an upgrade, another seed), and the playground lints on every edit.
pub fn render_reusing(
    inputs: &RenderInputs,
    helm: HelmVersion,
    (seed, now): (u64, i64),
    limits: &RenderLimits,
    parsed: &mut Option<ParsedTemplates>,
) -> Result<Rendered, RenderError> {
    let _func_limits = crate::funcs::limits::scoped(limits.funcs);
    let (engine, env) = engine_for(
        inputs,
        helm,
        (seed, now),
        limits,
        parsed.take(),
        Parser::Serial,
    )?;
    let (out, _) = execute_all(inputs, &engine, helm, limits, None, None, None)?;
    *parsed = Some(ParsedTemplates::new(inputs, helm, limits, engine, env));
    Ok(out)
}

/// Template parses a host started on its own threads before the render (the CLI's
/// `template` starts them while the values files are parsed and the chart is prepared),
/// found by their text.
pub trait EarlyParses {
    /// How the parses are made (see [`parse_setup`]): a render uses them only when it
    /// parses the same way.
    fn setup(&self) -> &gotemplate::ParseSetup;
    /// The [`gotemplate::ParseSetup::parse_unnamed`] of `text` when the host parsed this
    /// text (these bytes, at this address), the first time it is asked; it may wait for it.
    fn take(&self, text: &str) -> Option<Result<gotemplate::Parsed, gotemplate::Error>>;
}

/// How a render parses templates for `helm` and `limits` (function names, delimiters,
/// limits), for a host that parses ahead ([`EarlyParses`]).
pub fn parse_setup(helm: HelmVersion, limits: &RenderLimits) -> gotemplate::ParseSetup {
    let env = Rc::new(RefCell::new(FuncEnv::new(0, 0)));
    engine(helm, env, limits).parse_setup()
}

/// How a render parses the templates it has no parse trees for.
#[derive(Clone, Copy)]
enum Parser<'a> {
    /// One after the other.
    Serial,
    /// Through a host's [`gotemplate::ParseMap`].
    Map(gotemplate::ParseMap),
    /// From the parses a host started ahead, the others one after the other.
    Early(&'a dyn EarlyParses),
}

/// The parse trees for `inputs`, with a function environment started afresh for `seed` and
/// `now`: `reused`'s when they are of the same templates, Helm version and limits (see
/// [`ParsedTemplates`]), else a parse of them (as `parser` says).
fn engine_for(
    inputs: &RenderInputs,
    helm: HelmVersion,
    (seed, now): (u64, i64),
    limits: &RenderLimits,
    reused: Option<ParsedTemplates>,
    parser: Parser,
) -> Result<(Templates, Rc<RefCell<FuncEnv>>), RenderError> {
    if let Some(p) = reused.filter(|p| p.matches(inputs, helm, limits)) {
        *p.env.borrow_mut() = FuncEnv::new(seed, now);
        return Ok((p.engine, p.env));
    }
    let env = Rc::new(RefCell::new(FuncEnv::new(seed, now)));
    Ok((parse_all(inputs, helm, env.clone(), limits, parser)?, env))
}

/// [`render`], also handing back the engine (every parse tree).
fn render_with_engine(
    inputs: &RenderInputs,
    helm: HelmVersion,
    env: Rc<RefCell<FuncEnv>>,
    limits: &RenderLimits,
) -> Result<(Rendered, Templates), RenderError> {
    let _func_limits = crate::funcs::limits::scoped(limits.funcs);
    let t = parse_all(inputs, helm, env, limits, Parser::Serial)?;
    let (out, _) = execute_all(inputs, &t, helm, limits, None, None, None)?;
    Ok((out, t))
}

/// Helm's parse of every template into one set (pkg/engine/engine.go `render`): in Helm's
/// order, the first error in that order wins. `parser` may have the parses run on several
/// threads (see [`TemplateRequest::parse_map`], [`EarlyParses`]).
fn parse_all(
    inputs: &RenderInputs,
    helm: HelmVersion,
    env: Rc<RefCell<FuncEnv>>,
    limits: &RenderLimits,
    parser: Parser,
) -> Result<Templates, RenderError> {
    #[cfg(test)]
    PARSES.with(|n| n.set(n.get() + 1));
    let mut t = engine(helm, env, limits);
    let map = match parser {
        Parser::Serial => None,
        Parser::Map(map) => Some(map),
        Parser::Early(early) if t.parses_as(early.setup()) => {
            for tpl in &inputs.templates {
                let early = early
                    .take(&tpl.source)
                    .and_then(Result::ok)
                    .and_then(|p| p.renamed(&tpl.name));
                match early {
                    Some(parsed) => t.add_parsed(tpl.source.clone(), parsed),
                    // Not parsed ahead, or not under this name; or an error, whose text
                    // names the template: parsed here, in Helm's order.
                    None => t
                        .add_shared(&tpl.name, tpl.source.clone())
                        .map_err(|e| errors::parse_error(&tpl.name, &e))?,
                }
            }
            return Ok(t);
        }
        Parser::Early(_) => None,
    };
    let texts: Vec<(&str, Rc<str>)> = inputs
        .templates
        .iter()
        .map(|tpl| (tpl.name.as_str(), tpl.source.clone()))
        .collect();
    t.add_all(&texts, map)
        .map_err(|(i, e)| errors::parse_error(&inputs.templates[i].name, &e))?;
    Ok(t)
}

#[cfg(test)]
thread_local! {
    /// How many times this thread parsed a chart's templates (tests of parse-tree reuse).
    pub(crate) static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A host's thread that decodes the rendered manifests' document heads while the render
/// goes on (the CLI's `template`: the next templates run here meanwhile).
pub trait HeadsAhead {
    /// A manifest file just rendered, handed over to have its heads decoded
    /// ([`crate::manifest::decode_heads`]).
    fn send(&self, file: RenderedFile);
    /// Every file sent, back in the order sent, and the heads decoded, by path.
    fn finish(
        &self,
    ) -> (
        Vec<RenderedFile>,
        HashMap<String, Vec<crate::manifest::Document>>,
    );
}

/// Execute every non-partial template of a parsed set, in Helm's order; with `heads`, the
/// manifests' heads are decoded as they come (returned with the files).
fn execute_all(
    inputs: &RenderInputs,
    t: &Templates,
    helm: HelmVersion,
    limits: &RenderLimits,
    heads: Option<&dyn HeadsAhead>,
    mut recorder: Option<(&mut reuse::Recorder, &Rc<RefCell<FuncEnv>>)>,
    env: Option<&Rc<RefCell<FuncEnv>>>,
) -> Result<(Rendered, HashMap<String, Vec<crate::manifest::Document>>), RenderError> {
    // `include`'s outputs are kept when nothing else watches the executions (see
    // `include_memo`).
    let memo_env = env.filter(|_| recorder.is_none());
    let memo_watch = memo_env
        .map(|_| include_memo::IncludeMemo::watch(inputs.templates.iter().map(|t| &t.vals)));
    let mut host = HelmHost {
        included: HashMap::new(),
        include_limit: limits.include_depth,
        memo: memo_env.map(|env| include_memo::IncludeMemo::new(env.clone())),
    };
    let mut out = Rendered::default();
    let mut sent = Vec::new();
    for (position, tpl) in inputs.templates.iter().enumerate() {
        if tpl.is_partial {
            continue;
        }
        let text = match recorder.as_mut() {
            None => execute_one(t, tpl, &mut host, helm, memo_watch.as_ref())?,
            Some((rec, env)) => {
                let mut stream = env.borrow().stream_state();
                match rec.reuse(position, &mut stream) {
                    Some(text) => {
                        // What the execution would have left: this chart's `.Template`, the
                        // random stream.
                        tpl.data();
                        env.borrow_mut().set_stream_state(&stream);
                        text
                    }
                    None => {
                        let watch = rec.start();
                        match execute_one(t, tpl, &mut host, helm, Some(watch)) {
                            Ok(text) => {
                                let after = env.borrow().stream_state();
                                rec.executed(position, &text, stream, after);
                                text
                            }
                            Err(e) => {
                                rec.failed();
                                return Err(e);
                            }
                        }
                    }
                }
            }
        };
        let file = RenderedFile {
            path: tpl.name.clone(),
            content: text,
        };
        match heads {
            // The manifests only (as `Rendered::manifest_refs`): their place is kept.
            Some(heads) if !file.path.ends_with("NOTES.txt") => {
                sent.push(out.files.len());
                out.files.push(RenderedFile {
                    path: String::new(),
                    content: String::new(),
                });
                heads.send(file);
            }
            _ => out.files.push(file),
        }
    }
    let Some(heads) = heads else {
        return Ok((out, HashMap::new()));
    };
    let (files, decoded) = heads.finish();
    for (at, file) in sent.into_iter().zip(files) {
        out.files[at] = file;
    }
    Ok((out, decoded))
}

/// A parsed template set kept between renders of one chart (a scenario's steps): when the next
/// render has the same templates (names and texts, in the same order) for the same Helm version
/// and limits, their parse trees are reused. Only the data differs between such renders
/// (`.Release`, `.Values`, `.Capabilities`), and Helm's parse does not depend on it: the
/// result is the one a fresh parse gives. The random and time functions start afresh.
pub struct ParsedTemplates {
    key: Vec<(String, Rc<str>)>,
    helm: HelmVersion,
    limits: RenderLimits,
    engine: Templates,
    env: Rc<RefCell<FuncEnv>>,
}

impl ParsedTemplates {
    /// What a parse of `inputs` for `helm` and `limits` made: `engine`, calling into `env`.
    fn new(
        inputs: &RenderInputs,
        helm: HelmVersion,
        limits: &RenderLimits,
        engine: Templates,
        env: Rc<RefCell<FuncEnv>>,
    ) -> ParsedTemplates {
        ParsedTemplates {
            key: inputs
                .templates
                .iter()
                .map(|t| (t.name.clone(), t.source.clone()))
                .collect(),
            helm,
            limits: limits.clone(),
            engine,
            env,
        }
    }

    fn matches(&self, inputs: &RenderInputs, helm: HelmVersion, limits: &RenderLimits) -> bool {
        self.helm == helm
            && self.limits == *limits
            && self.key.len() == inputs.templates.len()
            && self
                .key
                .iter()
                .zip(&inputs.templates)
                .all(|((name, source), t)| {
                    *name == t.name && crate::same_bytes::same_text(source, &t.source)
                })
    }
}

fn execute_one(
    t: &Templates,
    tpl: &TemplateInput,
    host: &mut HelmHost,
    helm: HelmVersion,
    watch: Option<&gotemplate::Watch>,
) -> Result<String, RenderError> {
    let data = tpl.data();
    match t.execute_watched(&tpl.name, &data, host, watch) {
        Ok(s) if s.contains("<no value>") => Ok(s.replace("<no value>", "")),
        Ok(s) => Ok(s),
        Err(e) => Err(errors::exec_error(&tpl.name, &e, helm)),
    }
}

/// `helm template`'s settings.
#[derive(Clone, Debug)]
pub struct TemplateRequest {
    pub release_name: String,
    pub namespace: String,
    pub helm: HelmVersion,
    pub is_upgrade: bool,
    /// `.Release.Revision` (1 for `helm template` and installs).
    pub revision: i64,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub output: output::OutputOptions,
    /// Seed of `randAlphaNum` and friends, and what `now` returns (ns since the epoch).
    pub seed: u64,
    pub now_unix_nanos: i64,
    pub limits: RenderLimits,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// Hand the render's intermediate state (parse trees, prepared values) back in
    /// [`ChartRender::retained`] instead of freeing it: a command that exits right after one
    /// render can skip the work of freeing hundreds of thousands of small allocations.
    pub retain_intermediates: bool,
    /// How to run the parses of the chart's templates: `None` one after the other; a host
    /// with threads (the CLI) passes one that spreads them (the core itself has no threads).
    pub parse_map: Option<gotemplate::ParseMap>,
    /// How to decode the rendered documents' heads: `None` one after the other; the CLI
    /// passes one that spreads them over its threads.
    pub for_each: Option<crate::manifest::ForEach>,
}

impl TemplateRequest {
    pub fn new(release_name: &str, namespace: &str, helm: HelmVersion) -> TemplateRequest {
        TemplateRequest {
            release_name: release_name.to_string(),
            namespace: namespace.to_string(),
            helm,
            is_upgrade: false,
            revision: 1,
            kube_version: None,
            api_versions: Vec::new(),
            output: output::OutputOptions::default(),
            seed: 0,
            // 2026-01-01T00:00:00Z: a fixed clock keeps renders reproducible.
            now_unix_nanos: 1_767_225_600_000_000_000,
            limits: RenderLimits::default(),
            skip_schema_validation: false,
            retain_intermediates: false,
            parse_map: None,
            for_each: None,
        }
    }
}

/// Why `helm template` failed: Helm's text, whether Helm adds its `--debug` hint (failures
/// while rendering resources), and the position for an editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub message: String,
    pub during_render: bool,
    pub file: Option<String>,
    pub line: usize,
    pub col: usize,
}

impl TemplateError {
    fn plain(message: String) -> TemplateError {
        TemplateError {
            message,
            during_render: false,
            file: None,
            line: 0,
            col: 0,
        }
    }

    /// What Helm prints on stderr.
    pub fn helm_text(&self) -> String {
        if self.during_render {
            format!(
                "Error: {}\n\nUse --debug flag to render out invalid YAML",
                self.message
            )
        } else {
            format!("Error: {}", self.message)
        }
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The render options of a request (release, capabilities).
pub fn render_options(req: &TemplateRequest) -> Result<crate::chart::RenderOptions, String> {
    let mut opts = crate::chart::RenderOptions::new(&req.release_name, &req.namespace, req.helm);
    if req.is_upgrade {
        opts.release = crate::chart::ReleaseOptions::upgrade(&req.release_name, &req.namespace);
    }
    opts.release.revision = req.revision;
    opts.skip_schema_validation = req.skip_schema_validation;
    // The `--kube-version` / `--api-versions` flag handling of `helm template` (error text,
    // comma-separated lists) lives with the capabilities.
    if let Some(v) = &req.kube_version {
        opts.capabilities.set_kube_version_flag(v, req.helm)?;
    }
    opts.capabilities.add_api_versions_flags(&req.api_versions);
    Ok(opts)
}

/// Everything one render of a chart gives: the split manifests (hooks and resources), the
/// CRD files, the rendered files and the notes.
#[derive(Clone, Debug, Default)]
pub struct ChartRender {
    pub rendered: Rendered,
    pub sorted: crate::manifest::SortedManifests,
    pub crds: Vec<crate::chart::CrdFile>,
    pub notes: Option<String>,
    /// What [`TemplateRequest::retain_intermediates`] kept alive (empty otherwise).
    pub retained: Vec<Rc<dyn std::any::Any>>,
    /// How many templates gave the previous render's output again without running (see
    /// [`reuse`]).
    pub reused: usize,
}

/// Load-independent part of `helm template`/`helm install`: prepare, render, split.
pub fn render_chart(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
) -> Result<ChartRender, TemplateError> {
    render_chart_reusing(chart, user_values, req, None)
}

/// [`render_chart`] that reuses the parse trees of the previous render kept in `parsed` when
/// they are of the same templates (see [`ParsedTemplates`]), and keeps this render's there.
pub fn render_chart_reusing(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
    parsed: Option<&mut Option<ParsedTemplates>>,
) -> Result<ChartRender, TemplateError> {
    let parser = match req.parse_map {
        Some(map) => Parser::Map(map),
        None => Parser::Serial,
    };
    render_chart_parsing(chart, user_values, req, parsed, parser, None)
}

/// Whether renders reuse the outputs of templates that could not differ (see [`reuse`]). The
/// playground leaves it out: its download budget (issue #11) is the tighter one there (the
/// upgrade's full render keeps kube-prometheus-stack's render + plan in the browser at about
/// 60-70 ms), and LLVM drops the recording when it is never made. The outputs are the same
/// either way.
const REUSE_OUTPUTS: bool = cfg!(not(target_arch = "wasm32"));

/// The release-independent preparation of a render (see [`crate::chart::PreparedValues`])
/// and what it was prepared from: the next render of the same chart prepares from a copy of
/// it when its user values, capabilities, Helm version and schema setting are the same
/// (Helm prepares every render anew, pkg/action/upgrade.go `prepareUpgrade`; what it
/// computes before the release enters is a function of those alone).
#[derive(Clone, Debug)]
pub struct PreparedRender {
    user_values: gotemplate::Map,
    capabilities: crate::chart::Capabilities,
    helm: HelmVersion,
    skip_schema_validation: bool,
    prepared: crate::chart::PreparedValues,
    /// What the last render prepared from it executed (see [`reuse`]).
    executions: Option<reuse::Executions>,
}

impl PreparedRender {
    fn matches(&self, user_values: &gotemplate::Map, opts: &crate::chart::RenderOptions) -> bool {
        self.helm == opts.helm
            && self.skip_schema_validation == opts.skip_schema_validation
            && self.capabilities == opts.capabilities
            && self.user_values == *user_values
    }
}

/// [`render_chart_reusing`] that also reuses the preparation kept in `prepared` for the same
/// chart (the caller keeps it per chart) when it matches (see [`PreparedRender`]), and keeps
/// this render's there.
#[cfg(test)]
pub(crate) fn render_chart_reusing_prepared(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
    parsed: &mut Option<ParsedTemplates>,
    prepared: &mut Option<PreparedRender>,
) -> Result<ChartRender, TemplateError> {
    render_chart_reusing_prepared_ahead(chart, user_values, req, parsed, prepared, None)
}

/// [`render_chart_reusing_prepared`] that, when given, has `heads` decode the manifests'
/// heads while the templates run (see [`HeadsAhead`]).
pub(crate) fn render_chart_reusing_prepared_ahead(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
    parsed: &mut Option<ParsedTemplates>,
    prepared: &mut Option<PreparedRender>,
    heads: Option<&dyn HeadsAhead>,
) -> Result<ChartRender, TemplateError> {
    let parser = match req.parse_map {
        Some(map) => Parser::Map(map),
        None => Parser::Serial,
    };
    render_chart_prepared(
        chart,
        user_values,
        req,
        Some(parsed),
        parser,
        heads,
        Some(prepared),
    )
}

/// [`render_chart`] that takes the template parses `early` made ahead (see [`EarlyParses`])
/// and, when given, has `heads` decode the manifests' heads while the templates run.
pub fn render_chart_early(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
    early: &dyn EarlyParses,
    heads: Option<&dyn HeadsAhead>,
) -> Result<ChartRender, TemplateError> {
    render_chart_parsing(chart, user_values, req, None, Parser::Early(early), heads)
}

fn render_chart_parsing(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
    parsed: Option<&mut Option<ParsedTemplates>>,
    parser: Parser,
    heads: Option<&dyn HeadsAhead>,
) -> Result<ChartRender, TemplateError> {
    render_chart_prepared(chart, user_values, req, parsed, parser, heads, None)
}

fn render_chart_prepared(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
    mut parsed: Option<&mut Option<ParsedTemplates>>,
    parser: Parser,
    heads: Option<&dyn HeadsAhead>,
    mut prepared: Option<&mut Option<PreparedRender>>,
) -> Result<ChartRender, TemplateError> {
    let opts = render_options(req).map_err(TemplateError::plain)?;
    // With a kept preparation: what the last render prepared from it executed.
    let mut executions = None;
    let inputs = match prepared.as_deref_mut() {
        None => crate::chart::prepare_render(chart, user_values, &opts)
            .map_err(|e| TemplateError::plain(e.to_string()))?,
        Some(slot) => match slot.as_mut().filter(|p| p.matches(user_values, &opts)) {
            Some(kept) => {
                executions = Some(kept.executions.take());
                kept.prepared.fresh_copy().into_inputs(&opts)
            }
            None => {
                *slot = None;
                let prepared = crate::chart::prepare_values(chart, user_values, &opts)
                    .map_err(|e| TemplateError::plain(e.to_string()))?;
                *slot = Some(PreparedRender {
                    user_values: user_values.clone(),
                    capabilities: opts.capabilities.clone(),
                    helm: opts.helm,
                    skip_schema_validation: opts.skip_schema_validation,
                    prepared: prepared.fresh_copy(),
                    executions: None,
                });
                executions = Some(None);
                prepared.into_inputs(&opts)
            }
        },
    };
    let func_limits = crate::funcs::limits::scoped(req.limits.funcs);
    let during_render = |e: RenderError| TemplateError {
        message: e.message,
        during_render: true,
        file: Some(e.file),
        line: e.line,
        col: e.col,
    };
    let (engine, env) = engine_for(
        &inputs,
        req.helm,
        (req.seed, req.now_unix_nanos),
        &req.limits,
        parsed.as_deref_mut().and_then(Option::take),
        parser,
    )
    .map_err(during_render)?;
    let mut recorder = executions.filter(|_| REUSE_OUTPUTS).map(|previous| {
        let key = reuse::ReuseKey {
            release_name: req.release_name.clone(),
            namespace: req.namespace.clone(),
            seed: req.seed,
            now: req.now_unix_nanos,
            limits: req.limits.clone(),
        };
        reuse::Recorder::new(&inputs, key, previous)
    });
    let (rendered, decoded) = execute_all(
        &inputs,
        &engine,
        req.helm,
        &req.limits,
        heads,
        recorder.as_mut().map(|r| (r, &env)),
        Some(&env),
    )
    .map_err(during_render)?;
    let reused = recorder.as_ref().map_or(0, |r| r.reused);
    if let (Some(recorder), Some(Some(kept))) = (recorder, prepared) {
        kept.executions = Some(recorder.finish());
    }
    // A file read for a template only now (a directory load defers what no load step needs)
    // that could not be read: Helm's load would have failed with that error.
    if let Some(e) = chart.read_error() {
        return Err(TemplateError::plain(e.to_string()));
    }
    // The function limits hold while templates are parsed and executed, as in [`render`].
    drop(func_limits);
    let (files, order) = (
        rendered.manifest_refs(),
        crate::kind_order::KindOrder::Install,
    );
    let sorted = match heads {
        Some(_) => {
            crate::manifest::split_rendered_decoded(files, order, req.helm, req.for_each, decoded)
        }
        None => crate::manifest::split_rendered_with(files, order, req.helm, req.for_each),
    }
    .map_err(|e| TemplateError {
        message: e.to_string(),
        during_render: true,
        file: Some(e.path.clone()),
        line: 0,
        col: 0,
    })?;
    let notes = rendered.notes(inputs.chart.name());
    let mut retained: Vec<Rc<dyn std::any::Any>> = Vec::new();
    let crds = if let Some(slot) = parsed {
        *slot = Some(ParsedTemplates::new(
            &inputs,
            req.helm,
            &req.limits,
            engine,
            env,
        ));
        inputs.crds
    } else if req.retain_intermediates {
        let crds = inputs.crds.clone();
        retained.push(Rc::new(engine));
        retained.push(Rc::new(inputs));
        crds
    } else {
        inputs.crds
    };
    Ok(ChartRender {
        rendered,
        sorted,
        crds,
        reused,
        notes,
        retained,
    })
}

/// `helm template`: the text Helm prints on stdout.
pub fn helm_template(
    chart: &crate::chart::Chart,
    user_values: &gotemplate::Map,
    req: &TemplateRequest,
) -> Result<String, TemplateError> {
    let r = render_chart(chart, user_values, req)?;
    output::template_output(&r.crds, &r.sorted, &req.output).map_err(TemplateError::plain)
}
