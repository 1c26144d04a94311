//! A chart's files crossing between wasm instances a change at a time (issue #11): the page
//! sends its render worker only the files that changed since its last job, and the worker
//! sends the playground's second module (which renders charts) only what changed since its
//! last render. kube-prometheus-stack is 7 MB of files; encoding and decoding them all as
//! JSON on every edit cost more than the render.

use std::collections::BTreeMap;

/// The difference between the files a receiver holds and the files of the next job.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilesDelta {
    /// The receiver holds nothing yet (it was just started): start from no files.
    pub reset: bool,
    /// Files added or changed, by chart-relative path.
    pub set: BTreeMap<String, String>,
    /// Files removed.
    pub remove: Vec<String>,
}

/// Joins the removed paths in a message (a path cannot hold it: Helm's loader reads paths
/// from a file system or an archive, neither of which allows NUL).
const SEP: char = '\0';

impl FilesDelta {
    /// What turns `held` (the receiver's files) into `files`; `held` becomes `files`.
    pub fn between(
        held: &mut BTreeMap<String, String>,
        files: &BTreeMap<String, String>,
    ) -> FilesDelta {
        let remove: Vec<String> = held
            .keys()
            .filter(|k| !files.contains_key(*k))
            .cloned()
            .collect();
        for k in &remove {
            held.remove(k);
        }
        let mut set = BTreeMap::new();
        for (k, v) in files {
            if !held
                .get(k)
                .is_some_and(|h| crate::same_bytes::same_text(h, v))
            {
                held.insert(k.clone(), v.clone());
                set.insert(k.clone(), v.clone());
            }
        }
        FilesDelta {
            reset: false,
            set,
            remove,
        }
    }

    /// What to send a receiver that holds `held` (`None`: it was just started, or what it
    /// holds is not known: it gets every file and starts afresh); `held` becomes `files`.
    pub fn for_receiver(
        held: &mut Option<BTreeMap<String, String>>,
        files: &BTreeMap<String, String>,
    ) -> FilesDelta {
        match held {
            Some(held) => FilesDelta::between(held, files),
            None => {
                *held = Some(files.clone());
                FilesDelta {
                    reset: true,
                    set: files.clone(),
                    remove: Vec::new(),
                }
            }
        }
    }

    /// Bring the receiver's files up to the job's. Applying the same delta twice gives the
    /// same files (a job runs again once the second module has loaded).
    pub fn apply(self, held: &mut BTreeMap<String, String>) {
        if self.reset {
            held.clear();
        }
        for k in &self.remove {
            held.remove(k);
        }
        held.extend(self.set);
    }

    /// [`FilesDelta::remove`] as one string, for a message.
    pub fn removed_text(&self) -> String {
        self.remove.join(&SEP.to_string())
    }

    /// The removed paths of [`FilesDelta::removed_text`].
    pub fn removed_from_text(text: &str) -> Vec<String> {
        text.split(SEP)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_delta_lists_exactly_what_changed() {
        let mut held = files(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let d = FilesDelta::between(&mut held, &files(&[("a", "1"), ("b", "20"), ("d", "4")]));
        assert_eq!(
            d,
            FilesDelta {
                reset: false,
                set: files(&[("b", "20"), ("d", "4")]),
                remove: vec!["c".into()],
            }
        );
        assert_eq!(held, files(&[("a", "1"), ("b", "20"), ("d", "4")]));
        let mut receiver = files(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let text = d.removed_text();
        FilesDelta {
            remove: FilesDelta::removed_from_text(&text),
            ..d
        }
        .apply(&mut receiver);
        assert_eq!(receiver, held);
    }

    /// A receiver that is sent each delta in turn holds each set of files, and only the first
    /// send (or the first after its state is forgotten) carries every file.
    #[test]
    fn a_receiver_follows_each_set_of_files() {
        let sets = [
            files(&[("a", "1"), ("b", "2")]),
            files(&[("a", "1"), ("b", "2")]),
            files(&[("a", "1"), ("b", "3")]),
            files(&[("c", "4")]),
            files(&[]),
        ];
        let mut sent = None;
        let mut receiver = files(&[("stale", "x")]);
        for (i, set) in sets.iter().enumerate() {
            let d = FilesDelta::for_receiver(&mut sent, set);
            assert_eq!(d.reset, i == 0, "send {i}");
            if i == 1 {
                assert!(d.set.is_empty() && d.remove.is_empty(), "nothing changed");
            }
            d.apply(&mut receiver);
            assert_eq!(&receiver, set, "send {i}");
            assert_eq!(sent.as_ref(), Some(set));
        }
        sent = None;
        let d = FilesDelta::for_receiver(&mut sent, &sets[2]);
        assert!(d.reset);
        assert_eq!(d.set, sets[2]);
    }

    #[test]
    fn removed_paths_cross_as_one_text() {
        let d = FilesDelta {
            remove: vec!["a b".into(), "templates/x.yaml".into()],
            ..FilesDelta::default()
        };
        assert_eq!(FilesDelta::removed_from_text(&d.removed_text()), d.remove);
        assert!(FilesDelta::removed_from_text("").is_empty());
    }
}
