//! Renders one template the way the fixture harness does (named `c/templates/t.yaml`, data
//! `{Values: <values file>}`, the test functions of `tests/common`), for `tests/oracle.py
//! --random`: `cargo run --example render -- VALUES.yaml TEMPLATE` prints the output, or
//! `error: MESSAGE`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(values), Some(template)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: render VALUES.yaml TEMPLATE");
        std::process::exit(2);
    };
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let case = common::Case {
        file: String::new(),
        name: String::new(),
        values: read(values),
        template: read(template),
        expected: String::new(),
    };
    let out = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || common::run_case(&case))
        .map(|h| h.join().unwrap_or_else(|_| "PANIC".into()))
        .unwrap_or_else(|e| format!("error: {e}"));
    print!("{out}");
}
