//! The fixture charts render natively exactly as the real helm printed them; the same cases
//! run in the browser build (web/tests/render.rs).

#[test]
fn native_render_matches_recorded_helm_output() {
    for case in hookline::render::selftest::CASES {
        let (got, want) = hookline::render::selftest::run(case);
        assert_eq!(got, want, "case {}", case.name);
    }
}
