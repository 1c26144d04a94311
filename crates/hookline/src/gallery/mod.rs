//! The built-in gallery of teaching charts (`public/examples/<id>/`), compiled in so that a
//! share link can name one by id and content hash instead of carrying its files, and so that
//! the playground and the command line open the same links.

use std::collections::BTreeMap;

use crate::share::{self, FileContent};

mod list;

pub use list::EXAMPLES;

pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// Chart-relative path and content.
    pub files: &'static [(&'static str, &'static str)],
    /// The preset scenario (the scenario file format).
    pub scenario: &'static str,
}

pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

/// The files of a gallery chart, as [`share::resolve_files`] asks for them.
pub fn share_files(id: &str) -> Option<BTreeMap<String, FileContent>> {
    find(id).map(Example::share_files)
}

impl Example {
    pub fn file_map(&self) -> BTreeMap<String, String> {
        crate::stable_sort::map_from(
            self.files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string())),
        )
    }

    /// The chart as the share codec sees it (for the content hash).
    pub fn share_files(&self) -> BTreeMap<String, FileContent> {
        crate::stable_sort::map_from(
            self.files
                .iter()
                .map(|(p, t)| (p.to_string(), FileContent::Text(t.to_string()))),
        )
    }

    pub fn hash(&self) -> String {
        share::content_hash(&self.share_files())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chart under public/examples/ is in the list with all its files (the list is
    /// written by hand because `include_str!` needs literal paths).
    #[test]
    fn the_list_holds_every_example_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/examples");
        let mut on_disk = Vec::new();
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            let id = dir.file_name().unwrap().to_string_lossy().to_string();
            let ex = find(&id).unwrap_or_else(|| panic!("public/examples/{id} is not in the list"));
            let mut files = Vec::new();
            let mut stack = vec![dir.clone()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                    } else {
                        let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
                        if rel != "scenario.yaml" {
                            files.push(rel);
                        }
                    }
                }
            }
            files.sort();
            let listed: Vec<&str> = ex.files.iter().map(|(p, _)| *p).collect();
            assert_eq!(listed, files, "{id}");
            on_disk.push(id);
        }
        assert_eq!(on_disk.len(), EXAMPLES.len());
    }
}
