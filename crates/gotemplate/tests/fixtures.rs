//! Runs every case in `tests/fixtures/*.case`. Expected outputs come from Go (real helm, see
//! `tests/oracle.py`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::fs;
use std::path::Path;

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    files.sort();
    let only = std::env::var("CASE").ok();
    let (mut passed, mut failed) = (0, Vec::new());
    for f in files {
        let text = fs::read_to_string(&f).expect("read fixture");
        let fname = f.file_name().unwrap().to_string_lossy().to_string();
        for c in common::parse_cases(&fname, &text) {
            if only.as_deref().is_some_and(|o| !c.name.contains(o)) {
                continue;
            }
            // Run on a thread with a roomy stack: some cases recurse deeply on purpose.
            let case = c.clone();
            let got = std::thread::Builder::new()
                .stack_size(512 << 20)
                .spawn(move || common::run_case(&case))
                .unwrap()
                .join()
                .unwrap_or_else(|_| "PANIC".into());
            let got = got.trim_end_matches('\n').to_string();
            if got == c.expected {
                passed += 1;
            } else {
                failed.push(format!(
                    "{}: {}\n  template: {:?}\n  expected: {:?}\n  got:      {:?}",
                    c.file, c.name, c.template, c.expected, got
                ));
            }
        }
    }
    for f in &failed {
        eprintln!("FAIL {f}");
    }
    eprintln!("fixtures: {passed} passed, {} failed", failed.len());
    assert!(failed.is_empty(), "{} fixture cases failed", failed.len());
}
