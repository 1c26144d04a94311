//! Masterminds/semver v3 as Helm's chart code uses it (chart versions, dependency version
//! ranges, `kubeVersion`). Helm and Sprig share that library, so one implementation serves
//! both: [`crate::funcs::semver`].

pub use crate::funcs::semver::{Constraints, Version};

/// pkg/chart/v2/util/compatible.go `IsCompatibleRange`: does `ver` satisfy `constraint`?
/// False when either does not parse.
pub fn is_compatible_range(constraint: &str, ver: &str) -> bool {
    let Ok(v) = Version::parse(ver) else {
        return false;
    };
    match Constraints::parse(constraint) {
        Ok(c) => c.check(&v),
        Err(_) => false,
    }
}
