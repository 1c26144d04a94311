//! What travels to a worker with a job. A chart's files cross once: a worker keeps the files
//! of its last job, and a later job carries only the files that changed since
//! ([`hookline::files_delta`]). Issue #11:
//! kube-prometheus-stack is 7 MB of files, and encoding them as JSON on the page and decoding
//! them in the worker on every edit cost about 40 ms of a 130 ms re-render.

use std::collections::BTreeMap;

use crate::worker::Job;

pub use hookline::files_delta::FilesDelta;

/// A job as it is posted: the job's JSON with only the changed files in its workspace, and
/// the rest of the [`FilesDelta`] beside it (no JSON of its own: the page's wasm then needs
/// no more (de)serialisers than the job's).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub job: String,
    pub reset: bool,
    /// Removed paths, joined by NUL.
    pub remove: String,
}

/// The message for a worker that holds `held` (`None`: a fresh one); `held` becomes the job's
/// files.
pub fn encode(
    job: &mut Job,
    held: &mut Option<BTreeMap<String, String>>,
) -> Result<Message, serde_json::Error> {
    let files = std::mem::take(&mut job.workspace_mut().files);
    let delta = FilesDelta::for_receiver(held, &files);
    let remove = delta.removed_text();
    let reset = delta.reset;
    job.workspace_mut().files = delta.set;
    let json = serde_json::to_string(&*job);
    job.workspace_mut().files = files;
    Ok(Message {
        job: json?,
        reset,
        remove,
    })
}

/// The job a message carries, with the files the worker held (`held`) brought up to date and
/// moved into the job's workspace; [`give_back`] returns them once the job has run.
pub fn decode(
    job: &str,
    reset: bool,
    remove: &str,
    held: &mut BTreeMap<String, String>,
) -> Result<Job, serde_json::Error> {
    let mut job: Job = serde_json::from_str(job)?;
    let ws = job.workspace_mut();
    FilesDelta {
        reset,
        set: std::mem::take(&mut ws.files),
        remove: FilesDelta::removed_from_text(remove),
    }
    .apply(held);
    ws.files = std::mem::take(held);
    Ok(job)
}

/// After a [`decode`]d job has run: the worker keeps its files for the next job.
pub fn give_back(job: &mut Job, held: &mut BTreeMap<String, String>) {
    *held = std::mem::take(&mut job.workspace_mut().files);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Workspace;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn job(pairs: &[(&str, &str)]) -> Job {
        Job::Compute(Workspace {
            files: files(pairs),
            release: "r".into(),
            ..Workspace::default()
        })
    }

    /// A page and a worker exchange a sequence of jobs; the worker must see each job's own
    /// files, and only the first message (or the first after a restart) carries them all.
    #[test]
    fn a_worker_sees_each_jobs_files_and_only_changes_travel() {
        let jobs = [
            job(&[("Chart.yaml", "name: a"), ("values.yaml", "x: 1")]),
            job(&[("Chart.yaml", "name: a"), ("values.yaml", "x: 1")]),
            job(&[("Chart.yaml", "name: a"), ("values.yaml", "x: 2")]),
            job(&[("Chart.yaml", "name: a"), ("templates/a.yaml", "kind: A")]),
            job(&[]),
            job(&[("Chart.yaml", "name: b")]),
        ];
        let mut page_held = None;
        let mut worker_held = BTreeMap::new();
        let mut sizes = Vec::new();
        for (i, original) in jobs.iter().enumerate() {
            let mut sent = original.clone();
            let m = encode(&mut sent, &mut page_held).unwrap();
            assert_eq!(&sent, original, "encoding leaves the page's job whole");
            let mut got = decode(&m.job, m.reset, &m.remove, &mut worker_held).unwrap();
            assert_eq!(&got, original, "job {i} arrives with its own files");
            // The crypto module's second run decodes the same message again.
            give_back(&mut got, &mut worker_held);
            let mut again = decode(&m.job, m.reset, &m.remove, &mut worker_held).unwrap();
            assert_eq!(&again, original, "job {i} decoded twice");
            give_back(&mut again, &mut worker_held);
            assert_eq!(m.reset, i == 0, "only a fresh worker is reset");
            if i == 3 {
                assert_eq!(m.remove, "values.yaml", "the removed file is named");
            }
            sizes.push(m.job.len());
        }
        assert!(
            sizes[1] < sizes[0],
            "an unchanged job carries no file: {sizes:?}"
        );

        // A fresh worker (the page forgets what the old one held) gets everything again.
        let mut fresh = BTreeMap::new();
        let mut page_held = None;
        let mut sent = jobs[2].clone();
        let m = encode(&mut sent, &mut page_held).unwrap();
        assert!(m.reset);
        assert_eq!(
            decode(&m.job, m.reset, &m.remove, &mut fresh).unwrap(),
            jobs[2]
        );
    }
}
