//! The same workspace under Helm 3 and Helm 4, side by side, with the differences marked
//! (a marker and text, not only colour).

use leptos::prelude::*;

use hookline::{Plan, Step};

use crate::app::Ctx;
use crate::worker::{self, Answer, Job, Outcome};

/// Align two lists of lines by their longest common subsequence.
pub fn align(a: &[String], b: &[String]) -> Vec<(Option<String>, Option<String>)> {
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if a[i] == b[j] {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut rows = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            rows.push((Some(a[i].clone()), Some(b[j].clone())));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && dp[i + 1][j] >= dp[i][j + 1]) {
            rows.push((Some(a[i].clone()), None));
            i += 1;
        } else {
            rows.push((None, Some(b[j].clone())));
            j += 1;
        }
    }
    rows
}

fn lines(step: Option<&Step>) -> Vec<String> {
    let Some(s) = step else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "status: {}{}",
        s.status,
        if s.error.is_some() { " (failed)" } else { "" }
    )];
    out.extend(s.actions.iter().map(|a| a.compact()));
    if let Some(e) = &s.error {
        out.push(format!("error: {e}"));
    }
    out.push(format!("cluster: {}", s.cluster.join(", ")));
    out
}

#[component]
pub fn Compare() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Two more runs of the engine: in the render worker, like the timeline's.
    let plans = RwSignal::new(None::<Result<(Option<Plan>, Option<Plan>), String>>);
    Effect::new(move |_| {
        let ws = ctx.committed.get();
        worker::submit(Job::Compare(ws), move |outcome| {
            let value = match outcome {
                Outcome::Done(Answer::Compared(v3, v4)) => Ok((v3, v4)),
                Outcome::Done(_) => return,
                Outcome::Stopped(message) => Err(message),
            };
            plans.try_set(Some(value));
        });
    });
    move || {
        plans.with(|p| {
            let (v3, v4) = match p {
                None => return view! { <p class="muted">"Rendering under Helm 3 and Helm 4…"</p> }.into_any(),
                Some(Err(message)) => return view! { <p class="muted" role="alert">{message.clone()}</p> }.into_any(),
                Some(Ok(pair)) => pair,
            };
            let (Some(v3), Some(v4)) = (v3, v4) else {
                return view! { <p class="muted">"Fix the problems first: there is no plan to compare."</p> }
                    .into_any();
            };
            let n = v3.steps.len().max(v4.steps.len());
            let mut total = 0;
            let steps = (0..n)
                .map(|i| {
                    let rows = align(&lines(v3.steps.get(i)), &lines(v4.steps.get(i)));
                    let diffs = rows.iter().filter(|(a, b)| a != b).count();
                    total += diffs;
                    let op = v4.steps.get(i).or(v3.steps.get(i)).map(|s| s.op.clone()).unwrap_or_default();
                    let body = rows
                        .into_iter()
                        .map(|(a, b)| {
                            let differs = a != b;
                            let mark = if differs { "≠ " } else { "" };
                            view! {
                                <tr class:diff=differs>
                                    <td>{format!("{mark}{}", a.unwrap_or_else(|| "—".into()))}</td>
                                    <td>{format!("{mark}{}", b.unwrap_or_else(|| "—".into()))}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    let head = if diffs == 0 {
                        format!("Step {} · helm {op}: the same under both", i + 1)
                    } else {
                        format!("Step {} · helm {op}: {diffs} line(s) differ", i + 1)
                    };
                    view! {
                        <section class="compare-step" data-differences=diffs>
                            <h3>{head}</h3>
                            <table class="compare-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Helm 3"</th>
                                        <th scope="col">"Helm 4"</th>
                                    </tr>
                                </thead>
                                <tbody>{body}</tbody>
                            </table>
                        </section>
                    }
                })
                .collect_view();
            view! {
                <div class="compare" id="compare">
                    <p class="compare-summary">
                        {if total == 0 {
                            "Helm 3 and Helm 4 do the same thing here.".to_string()
                        } else {
                            format!("{total} difference(s), marked ≠.")
                        }}
                    </p>
                    {steps}
                </div>
            }
            .into_any()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_keeps_common_lines_together() {
        let a: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
        let b: Vec<String> = ["x", "q", "z"].iter().map(|s| s.to_string()).collect();
        let rows = align(&a, &b);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], (Some("x".into()), Some("x".into())));
        assert_eq!(rows[3], (Some("z".into()), Some("z".into())));
    }
}
