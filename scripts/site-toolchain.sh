# Sourced by the scripts that build the playground's release wasm (scripts/build-site.sh and,
# through Trunk's post-build hook, scripts/build-lazy-modules.sh); scripts/setup.sh installs it.
#
# Why a nightly: the page's download budget (issue #11). Rebuilding std for the page with
# `optimize_for_size` and aborting on panic without formatting a message (`immediate-abort`:
# no panic strings, locations or Debug impls in the module) took the page's wasm from 729,697
# to 671,536 bytes gzip -9 on the same source; `wasm-opt -Oz --converge` on top of it gains
# 54 bytes. A panic in the page or its worker is a trap either way (wasm32 does not unwind);
# the worker's trap is reported as it was. Only this release build uses the nightly: the
# CLI, the tests and `make run` (`trunk serve`, a debug build that keeps panic messages)
# stay on the stable toolchain.
SITE_TOOLCHAIN="nightly-2026-05-20"
export RUSTUP_TOOLCHAIN="$SITE_TOOLCHAIN"
export CARGO_UNSTABLE_BUILD_STD="std,panic_abort"
export CARGO_UNSTABLE_BUILD_STD_FEATURES="optimize_for_size"
# -Zpanic_abort_tests only lets test harnesses build with this panic strategy (the "engine depth
# in wasm" stage of scripts/test.sh runs on this build); it leaves other crates as they are.
# `--cfg erase_components`: Leptos's documented mode in which every component returns an AnyView
# and every reactive closure in a view is one shared closure type, so the view machinery is
# compiled once per output type rather than once per view shape and closure (issue #11: page
# wasm 624,118 -> 595,801 B gzip -9, same source). It changes no rendered DOM.
# `-Zlocation-detail=none` drops the file/line/column constants that nothing reads (panics abort
# without a message) and `-Zfmt-debug=shallow` makes derived Debug impls print the type's name
# only: no text the page shows comes from a derived Debug (its `{:?}` are on str, String, char
# and Vec<u8>, whose Debug is written by hand). Together 515 B gzip -9.
# `-Zmerge-functions=trampolines`: LLVM merges functions whose code is identical (generic code
# instantiated for types of one layout), the copies becoming calls to one body; each keeps its
# own address. rustc leaves merging off for wasm. `-inline-threshold=0` (opt-level z's is 5):
# 585,672 -> 582,190 B gzip -9; kube-prometheus-stack's render + plan in the page's module took
# a median 50 ms against 51 before (perf.test.mjs), and Helm's 1000 nested includes still fit
# (the "engine depth in wasm" stage of scripts/test.sh).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zpanic_abort_tests --cfg erase_components -Zlocation-detail=none -Zfmt-debug=shallow -Zmerge-functions=trampolines -Cllvm-args=-inline-threshold=0"
# Its own target directory: std and every crate are built by another compiler, and sharing
# target/ would rebuild the stable wasm tests' artefacts (and these) each time.
export CARGO_TARGET_DIR="${SITE_TARGET_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/site}"
