//! Limits Sprig does not have: Go would allocate until memory runs out, so a template asking for
//! a billion-element `until` or a gigabyte `repeat` would take the tab or the CI runner down.
//! The longest list `until`, `untilStep` and `seq` may make and the most bytes `repeat`,
//! `indent` and the random strings may make are per thread, set for the length of a render
//! ([`scoped`]), because Sprig's functions are plain `fn`s with no environment of their own.

use std::cell::Cell;

use gotemplate::FuncError;

/// Default of [`FuncLimits::list_len`].
pub const DEFAULT_LIST_LEN: usize = 1_000_000;
/// Default of [`FuncLimits::string_bytes`].
pub const DEFAULT_STRING_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncLimits {
    /// Elements of one `until`, `untilStep` or `seq` list (`--limit list=N`).
    pub list_len: usize,
    /// Bytes of one `repeat`, `indent` or random-string result (`--limit string=N`).
    pub string_bytes: usize,
}

impl Default for FuncLimits {
    fn default() -> Self {
        FuncLimits {
            list_len: DEFAULT_LIST_LEN,
            string_bytes: DEFAULT_STRING_BYTES,
        }
    }
}

thread_local! {
    static CURRENT: Cell<FuncLimits> = Cell::new(FuncLimits::default());
}

/// The limits in force on this thread.
pub fn current() -> FuncLimits {
    CURRENT.with(Cell::get)
}

/// Puts the previous limits back when dropped (renders nest through `tpl` and lint).
#[must_use]
pub struct Scope(FuncLimits);

impl Drop for Scope {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// Use `limits` on this thread until the returned guard is dropped.
pub fn scoped(limits: FuncLimits) -> Scope {
    Scope(CURRENT.with(|c| c.replace(limits)))
}

/// A list of `count` elements, or the `list` limit's error.
pub(crate) fn check_list(count: u128) -> Result<(), FuncError> {
    let max = current().list_len;
    if count > max as u128 {
        return Err(FuncError(format!(
            "list of {count} elements exceeds the limit of {max}{}",
            gotemplate::limit_hint("list")
        )));
    }
    Ok(())
}

/// A result of `total` bytes (or characters), or the `string` limit's error; `what` says what
/// would be made, e.g. "repeat: result would be 300 bytes".
pub(crate) fn check_string(total: u128, what: impl FnOnce() -> String) -> Result<(), FuncError> {
    let max = current().string_bytes;
    if total > max as u128 {
        return Err(FuncError(format!(
            "{}, more than the limit of {max}{}",
            what(),
            gotemplate::limit_hint("string")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_restore() {
        assert_eq!(current(), FuncLimits::default());
        {
            let _outer = scoped(FuncLimits {
                list_len: 5,
                string_bytes: 7,
            });
            assert!(check_list(5).is_ok());
            assert!(check_list(6).is_err());
            {
                let _inner = scoped(FuncLimits {
                    list_len: 1,
                    string_bytes: 1,
                });
                assert!(check_list(2).is_err());
            }
            assert_eq!(current().list_len, 5);
            let e = check_string(8, || "repeat: result would be 8 bytes".into()).unwrap_err();
            assert_eq!(
                e.0,
                "repeat: result would be 8 bytes, more than the limit of 7"
            );
        }
        assert_eq!(current(), FuncLimits::default());
    }
}
