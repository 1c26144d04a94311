//! Replays the fuzz targets' seed corpora (`fuzz/corpus/<target>/`) and minimised crash
//! reproducers (`fuzz/regressions/<target>/`) through the same entry points the libFuzzer
//! targets call (`hookline::fuzzing`), so CI checks them with stable Rust and no sanitizer.
//! A panic in any entry point fails the test and names the file.

use std::path::{Path, PathBuf};

/// Seed files replayed per target (sorted by name), to keep a debug build under a minute.
/// Regression files are always all replayed.
const MAX_SEEDS_PER_TARGET: usize = 400;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn replay(kind: &str, limit: usize) -> usize {
    let mut n = 0;
    for (target, run) in hookline::fuzzing::TARGETS {
        for path in files(&fuzz_dir().join(kind).join(target))
            .into_iter()
            .take(limit)
        {
            let data = std::fs::read(&path).unwrap();
            let result = std::panic::catch_unwind(|| run(&data));
            assert!(result.is_ok(), "{target} panicked on {}", path.display());
            n += 1;
        }
    }
    n
}

#[test]
fn seed_corpora_replay_without_panics() {
    let n = replay("corpus", MAX_SEEDS_PER_TARGET);
    assert!(n > 0, "no seed files under {}", fuzz_dir().display());
}

#[test]
fn crash_reproducers_replay_without_panics() {
    replay("regressions", usize::MAX);
}

#[test]
fn every_target_has_seeds() {
    for (target, _) in hookline::fuzzing::TARGETS {
        let dir = fuzz_dir().join("corpus").join(target);
        assert!(!files(&dir).is_empty(), "no seeds in {}", dir.display());
    }
}
