//! The timeline as a standalone SVG document (for a pull request, a wiki page or a slide):
//! every step, its phases in order, each hook with its weight and outcome, and the release's
//! status after the step. Plain SVG 1.1 with inline styles, so it renders the same in a
//! browser, an image viewer and GitHub's Markdown.

use std::fmt::Write as _;

use crate::plan::{Action, Plan, Step};

const WIDTH: u32 = 960;
const ROW: u32 = 22;
const STEP_HEAD: u32 = 34;
const PHASE_HEAD: u32 = 24;
const STEP_GAP: u32 = 16;
const MARGIN: u32 = 16;

/// Text for an XML text node or attribute value: markup characters escaped, and characters
/// XML 1.0 does not allow at all (most C0 controls) dropped, so any chart's names and error
/// texts give a well-formed document.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// At most `n` characters, with an ellipsis when cut (SVG text does not wrap).
fn clip(s: &str, n: usize) -> String {
    let one_line = s.replace('\n', " ");
    if one_line.chars().count() <= n {
        one_line
    } else {
        let mut t: String = one_line.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Hook phases run hooks; the others act on the release's resources (and CRDs).
fn is_hook_phase(phase: &str) -> bool {
    phase.starts_with("pre-") || phase.starts_with("post-") || phase == "test"
}

/// Fill and stroke of an action's marker.
fn marker_colour(a: &Action) -> (&'static str, &'static str) {
    if a.error.is_some() {
        return ("#d93f3f", "#8f1d1d");
    }
    match (a.verb.as_str(), a.result.as_deref()) {
        ("wait", Some("succeeded" | "ready")) => ("#2f9e44", "#1b5e2a"),
        ("wait", Some("failed" | "not-ready")) => ("#d93f3f", "#8f1d1d"),
        ("wait", Some(_)) => ("#e8890c", "#8a5208"),
        ("delete", _) => ("#ffffff", "#6b7280"),
        ("keep" | "skip", _) => ("#e5e7eb", "#6b7280"),
        _ => ("#3b82f6", "#1d4ed8"),
    }
}

fn outcome(a: &Action) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &a.result {
        parts.push(format!("→ {r}"));
    }
    if let Some(r) = &a.reason {
        parts.push(format!("({r})"));
    }
    if let Some(e) = &a.error {
        parts.push(format!("✗ {e}"));
    }
    parts.join(" ")
}

/// The phases of a step in order, each with its actions.
fn phases(step: &Step) -> Vec<(&str, Vec<&Action>)> {
    let mut out: Vec<(&str, Vec<&Action>)> = Vec::new();
    for a in &step.actions {
        match out.last_mut() {
            Some((p, list)) if *p == a.phase => list.push(a),
            _ => out.push((&a.phase, vec![a])),
        }
    }
    out
}

fn step_height(step: &Step) -> u32 {
    let phases = phases(step);
    let rows: u32 = phases.iter().map(|(_, l)| l.len() as u32).sum();
    let extra = u32::from(step.error.is_some()) + 1; // error line, status line
    STEP_HEAD + phases.len() as u32 * PHASE_HEAD + rows.max(1) * ROW + extra * ROW + 8
}

impl Plan {
    /// The timeline as an SVG document.
    pub fn to_svg(&self) -> String {
        let height: u32 = MARGIN * 2
            + 40
            + self
                .steps
                .iter()
                .map(|s| step_height(s) + STEP_GAP)
                .sum::<u32>();
        let mut s = String::new();
        let title = format!(
            "Hookline plan: release {} in {} (Helm {})",
            self.release,
            self.namespace,
            self.helm.as_str()
        );
        let _ = write!(
            s,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{WIDTH}\" height=\"{height}\" \
             viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"title\" \
             font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"13\">\n\
             <title id=\"title\">{}</title>\n\
             <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
             <text x=\"{MARGIN}\" y=\"{}\" font-size=\"18\" font-weight=\"600\" fill=\"#111827\">{}</text>\n",
            xml_escape(&title),
            MARGIN + 18,
            xml_escape(&title),
        );
        let mut y = MARGIN + 40;
        for (i, step) in self.steps.iter().enumerate() {
            y = self.step_svg(&mut s, i, step, y);
        }
        s.push_str("</svg>\n");
        s
    }

    fn step_svg(&self, s: &mut String, i: usize, step: &Step, top: u32) -> u32 {
        let h = step_height(step);
        let failed = step.error.is_some();
        let (border, band) = if failed {
            ("#d93f3f", "#fde8e8")
        } else {
            ("#9ca3af", "#f3f4f6")
        };
        let rev = step
            .revision
            .map(|r| format!("revision {r}"))
            .unwrap_or_else(|| "nothing written; release".into());
        let head = format!(
            "Step {}: helm {} → {rev} {}{}",
            i + 1,
            step.op,
            step.status,
            if failed { "  ✗ FAILED" } else { "" }
        );
        let _ = write!(
            s,
            "<g class=\"step\" data-step=\"{}\">\n\
             <rect x=\"{MARGIN}\" y=\"{top}\" width=\"{}\" height=\"{h}\" rx=\"8\" fill=\"#ffffff\" stroke=\"{border}\"/>\n\
             <path d=\"M{MARGIN} {} a8 8 0 0 1 8 -8 h{} a8 8 0 0 1 8 8 v{} h-{} z\" fill=\"{band}\"/>\n\
             <text x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"600\" fill=\"#111827\">{}</text>\n",
            i + 1,
            WIDTH - 2 * MARGIN,
            top + 8,
            WIDTH - 2 * MARGIN - 16,
            STEP_HEAD - 8,
            WIDTH - 2 * MARGIN,
            MARGIN + 12,
            top + 22,
            xml_escape(&head),
        );
        let mut y = top + STEP_HEAD;
        let phases = phases(step);
        if phases.is_empty() {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" fill=\"#6b7280\" font-style=\"italic\">no cluster actions</text>",
                MARGIN + 24,
                y + 15
            );
            y += ROW;
        }
        for (phase, actions) in phases {
            let hook = is_hook_phase(phase);
            let _ = write!(
                s,
                "<g class=\"phase\" data-phase=\"{}\">\n\
                 <text x=\"{}\" y=\"{}\" font-weight=\"600\" fill=\"{}\">{}</text>\n",
                xml_escape(phase),
                MARGIN + 12,
                y + 17,
                if hook { "#6d28d9" } else { "#374151" },
                xml_escape(&if hook {
                    format!("{phase} hooks")
                } else {
                    phase.to_string()
                }),
            );
            y += PHASE_HEAD;
            let line_top = y;
            for a in &actions {
                let (fill, stroke) = marker_colour(a);
                let cy = y + ROW / 2;
                let weight = a.weight.map(|w| format!("w={w}")).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "<g class=\"action\" data-verb=\"{verb}\" data-kind=\"{kind}\" data-name=\"{name}\">\
                     <circle cx=\"{}\" cy=\"{cy}\" r=\"5\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>\
                     <text x=\"{}\" y=\"{}\" fill=\"#374151\">{verb}</text>\
                     <text x=\"{}\" y=\"{}\" fill=\"#111827\" font-family=\"ui-monospace, SFMono-Regular, Menlo, monospace\" font-size=\"12\">{obj}</text>\
                     <text x=\"{}\" y=\"{}\" fill=\"#6b7280\">{}</text>\
                     <text x=\"{}\" y=\"{}\" fill=\"{}\">{}</text></g>",
                    MARGIN + 30,
                    MARGIN + 44,
                    cy + 4,
                    MARGIN + 104,
                    cy + 4,
                    MARGIN + 470,
                    cy + 4,
                    xml_escape(&weight),
                    MARGIN + 520,
                    cy + 4,
                    if a.error.is_some() || matches!(a.result.as_deref(), Some("failed" | "timeout" | "not-ready")) {
                        "#b91c1c"
                    } else {
                        "#374151"
                    },
                    xml_escape(&clip(&outcome(a), 60)),
                    verb = xml_escape(&a.verb),
                    kind = xml_escape(&a.kind),
                    name = xml_escape(&a.name),
                    obj = xml_escape(&clip(&format!("{}/{}", a.kind, a.name), 52)),
                );
                y += ROW;
            }
            // The phase's thread: a line joining its actions' markers, in order.
            let _ = writeln!(
                s,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#d1d5db\" stroke-width=\"2\"/>\n</g>",
                line_top + 4,
                y - 4,
                x = MARGIN + 30,
            );
        }
        if let Some(e) = &step.error {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" fill=\"#b91c1c\">{}</text>",
                MARGIN + 12,
                y + 15,
                xml_escape(&clip(&format!("error: {e}"), 130))
            );
            y += ROW;
        }
        let history = step
            .history
            .iter()
            .map(|e| format!("{}:{}", e.revision, e.status))
            .collect::<Vec<_>>()
            .join("  ");
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" fill=\"#4b5563\" font-size=\"12\">{}</text>\n</g>",
            MARGIN + 12,
            y + 15,
            xml_escape(&clip(
                &format!(
                    "history: {}   ·   on the cluster: {} object(s)   ·   worst case {}s of waiting",
                    if history.is_empty() { "(empty)" } else { &history },
                    step.cluster.len(),
                    step.worst_case_seconds
                ),
                140
            ))
        );
        top + h + STEP_GAP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_controls_dropped() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\u{7}d\u{FFFE}"),
            "a&lt;b&gt;&amp;&quot;c&apos;d"
        );
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
