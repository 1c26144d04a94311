//! The simulated plan beside the observed one: every difference, step by step.

use hookline::plan::{Plan, Step};

/// What differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    /// The action sequence (compact form: phase, verb, object, result, reason, error or not).
    Actions,
    Status,
    Revision,
    /// One side failed and the other did not.
    Failed,
    /// Both failed, with different messages (the simulator's texts are Helm's; a real API
    /// server words its errors its own way, e.g. an admission webhook's message).
    ErrorText,
    /// The objects present after the step.
    Cluster,
    /// A step only one side has.
    Missing,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// 1-based step number.
    pub step: usize,
    pub aspect: Aspect,
    pub simulated: String,
    pub observed: String,
}

impl Difference {
    /// Everything but the wording of an error.
    pub fn is_semantic(&self) -> bool {
        self.aspect != Aspect::ErrorText
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "step {} {:?}:\n  simulated: {}\n  observed:  {}",
            self.step, self.aspect, self.simulated, self.observed
        )
    }
}

fn actions(s: &Step) -> Vec<String> {
    s.actions.iter().map(|a| a.compact()).collect()
}

/// Every difference between a simulated and an observed plan of the same scenario.
pub fn compare(simulated: &Plan, observed: &Plan) -> Vec<Difference> {
    let mut out = Vec::new();
    let n = simulated.steps.len().max(observed.steps.len());
    for i in 0..n {
        let step = i + 1;
        let (Some(s), Some(o)) = (simulated.steps.get(i), observed.steps.get(i)) else {
            out.push(Difference {
                step,
                aspect: Aspect::Missing,
                simulated: simulated
                    .steps
                    .get(i)
                    .map(|s| s.op.clone())
                    .unwrap_or_default(),
                observed: observed
                    .steps
                    .get(i)
                    .map(|s| s.op.clone())
                    .unwrap_or_default(),
            });
            continue;
        };
        let mut diff = |aspect, a: String, b: String| {
            if a != b {
                out.push(Difference {
                    step,
                    aspect,
                    simulated: a,
                    observed: b,
                });
            }
        };
        let (sa, oa) = (actions(s), actions(o));
        if sa != oa {
            // Show the first divergence and what follows on each side.
            let first = sa.iter().zip(&oa).take_while(|(a, b)| a == b).count();
            diff(
                Aspect::Actions,
                format!(
                    "from action {}: {:?}",
                    first + 1,
                    &sa[first.min(sa.len())..]
                ),
                format!(
                    "from action {}: {:?}",
                    first + 1,
                    &oa[first.min(oa.len())..]
                ),
            );
        }
        diff(Aspect::Status, s.status.clone(), o.status.clone());
        diff(
            Aspect::Revision,
            format!("{:?}", s.revision),
            format!("{:?}", o.revision),
        );
        match (&s.error, &o.error) {
            (Some(a), Some(b)) => diff(Aspect::ErrorText, a.clone(), b.clone()),
            (a, b) => diff(
                Aspect::Failed,
                a.clone().unwrap_or_else(|| "no error".into()),
                b.clone().unwrap_or_else(|| "no error".into()),
            ),
        }
        diff(Aspect::Cluster, s.cluster.join(", "), o.cluster.join(", "));
    }
    out
}

fn at(ms: Option<u64>) -> String {
    match ms {
        Some(ms) => format!("{:>4}.{:03}s", ms / 1000, ms % 1000),
        None => "         ".to_string(),
    }
}

/// The observed timeline beside the simulated one, step by step, then every difference.
pub fn report(simulated: &Plan, observed: &Plan) -> String {
    let mut out = String::from("\nObserved (left, with time since start) and simulated (right):\n");
    let n = simulated.steps.len().max(observed.steps.len());
    for i in 0..n {
        let s = simulated.steps.get(i);
        let o = observed.steps.get(i);
        let op = o.or(s).map(|st| st.op.as_str()).unwrap_or_default();
        out.push_str(&format!("\nstep {} {op}\n", i + 1));
        let sa = s.map(actions).unwrap_or_default();
        let oa: Vec<(Option<u64>, String)> = o
            .map(|st| st.actions.iter().map(|a| (a.at_ms, a.compact())).collect())
            .unwrap_or_default();
        let width = oa.iter().map(|(_, a)| a.len()).max().unwrap_or(0).max(20);
        for j in 0..sa.len().max(oa.len()) {
            let (t, left) = oa.get(j).cloned().unwrap_or((None, String::new()));
            let right = sa.get(j).cloned().unwrap_or_default();
            let mark = if left == right { ' ' } else { '≠' };
            out.push_str(&format!("  {} {left:<width$} {mark} {right}\n", at(t)));
        }
        let line = |st: Option<&Step>| {
            st.map(|st| {
                format!(
                    "{} (revision {})",
                    st.status,
                    st.revision
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "-".into())
                )
            })
            .unwrap_or_default()
        };
        out.push_str(&format!(
            "  status: observed {} / simulated {}\n",
            line(o),
            line(s)
        ));
        if let Some(e) = o.and_then(|st| st.error.as_ref()) {
            out.push_str(&format!("  observed error: {e}\n"));
        }
    }
    let diffs = compare(simulated, observed);
    if diffs.is_empty() {
        out.push_str("\nNo differences: the cluster did what the simulation said.\n");
    } else {
        out.push_str(&format!("\n{} difference(s):\n", diffs.len()));
        for d in diffs {
            out.push_str(&format!("{d}\n"));
        }
    }
    out
}
