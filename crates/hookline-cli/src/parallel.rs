//! Work of a render spread over two threads: the core has no threads of its own and takes
//! these as its [`gotemplate::ParseMap`] (`TemplateRequest::parse_map`: the template parses,
//! most of a large chart's render) and its [`hookline::manifest::ForEach`]
//! (`TemplateRequest::for_each`: decoding the rendered documents' heads). Both kinds of job
//! are independent of each other; the core puts the results in Helm's order and reports the
//! first error in that order, so the result is the one of one thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use gotemplate::{Error, Parsed};

/// Runs `job(0..n)` on this thread and one more, each taking the next index not yet taken
/// (jobs differ a lot in size).
pub fn for_each(n: usize, job: &(dyn Fn(usize) + Sync)) {
    let next = AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= n {
            return;
        }
        job(i);
    };
    std::thread::scope(|scope| {
        // The same stack as the thread the command runs on: a job may nest as deep there.
        let helper = std::thread::Builder::new()
            .name("hookline-helper".into())
            .stack_size(crate::limits::thread_stack(
                gotemplate::default_stack_budget(),
            ))
            .spawn_scoped(scope, work);
        // No second thread (no room for its stack): this one takes every job.
        work();
        if let Ok(helper) = helper {
            if let Err(panic) = helper.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// The template parses through [`for_each`]; the results come back in index order.
pub fn parse_map(
    n: usize,
    job: &(dyn Fn(usize) -> Result<Parsed, Error> + Sync),
) -> Vec<Result<Parsed, Error>> {
    let slots: Vec<OnceLock<Result<Parsed, Error>>> = (0..n).map(|_| OnceLock::new()).collect();
    for_each(n, &|i| {
        let _ = slots[i].set(job(i));
    });
    slots
        .into_iter()
        .map(|r| {
            r.into_inner()
                .expect("every index is taken by one of the threads")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gotemplate::Templates;
    use std::rc::Rc;

    fn texts() -> Vec<(String, Rc<str>)> {
        let mut v: Vec<(String, Rc<str>)> = (0..40)
            .map(|i| {
                let body = format!(
                    "{{{{ define \"d{}\" }}}}{i}{{{{ end }}}}x{{{{ template \"d{}\" . }}}}{}",
                    i % 7,
                    i % 7,
                    "{{ if .a }}{{ .b | printf \"%v\" }}{{ end }}".repeat(i)
                );
                (format!("t{i}"), Rc::from(body.as_str()))
            })
            .collect();
        // Errors at 25 and 31: the first in order wins.
        v[25].1 = Rc::from("{{ if }}");
        v[31].1 = Rc::from("{{ nofunc }}");
        v
    }

    fn add_all(
        texts: &[(String, Rc<str>)],
        map: Option<gotemplate::ParseMap>,
    ) -> (Templates, String) {
        let mut t = Templates::new();
        let refs: Vec<(&str, Rc<str>)> =
            texts.iter().map(|(n, s)| (n.as_str(), s.clone())).collect();
        let err = match t.add_all(&refs, map) {
            Ok(()) => String::new(),
            Err((i, e)) => format!("{i}: {e}"),
        };
        (t, err)
    }

    fn dump(t: &Templates) -> String {
        t.names()
            .iter()
            .map(|n| format!("{n}={}\n", t.tree(n).unwrap().root_string()))
            .collect()
    }

    #[test]
    fn two_threads_give_the_serial_trees_and_first_error() {
        let all = texts();
        let (serial, serial_err) = add_all(&all, None);
        let (parallel, parallel_err) = add_all(&all, Some(parse_map));
        assert_eq!(serial_err, "25: template: t25:1: missing value for if");
        assert_eq!(parallel_err, serial_err);
        assert_eq!(dump(&parallel), dump(&serial));
        // Without errors: every template, later defines replacing earlier ones as in Go.
        let ok: Vec<_> = all
            .into_iter()
            .filter(|(n, _)| n != "t25" && n != "t31")
            .collect();
        let (serial, e1) = add_all(&ok, None);
        let (parallel, e2) = add_all(&ok, Some(parse_map));
        assert_eq!((e1.as_str(), e2.as_str()), ("", ""));
        assert_eq!(dump(&parallel), dump(&serial));
        assert_eq!(
            parallel.execute("t37", &gotemplate::Value::Nil).unwrap(),
            serial.execute("t37", &gotemplate::Value::Nil).unwrap()
        );
        assert_eq!(
            parallel.execute("d2", &gotemplate::Value::Nil).unwrap(),
            "37"
        );
    }

    #[test]
    fn no_jobs() {
        assert!(parse_map(0, &|_| unreachable!()).is_empty());
    }
}
