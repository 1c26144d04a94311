//! Sprig's crypto.go: bcrypt/htpasswd, keys and certificates, AES, derivePassword.
//! (filled in below)

use std::cell::RefCell;
use std::rc::Rc;

use gotemplate::{FuncError, Param, PureFn, Signature, Value};

use super::env::{EnvFn, FuncEnv};

fn unavailable(_: &[Value]) -> Result<Value, FuncError> {
    Err(FuncError("not available in this build of hookline".into()))
}

pub fn pure_functions() -> Vec<(&'static str, Signature, PureFn)> {
    use Param::*;
    vec![
        (
            "buildCustomCert",
            Signature::new(&[String, String]),
            unavailable as PureFn,
        ),
        ("decryptAES", Signature::new(&[String, String]), unavailable),
        (
            "derivePassword",
            Signature::new(&[Int, String, String, String, String]),
            unavailable,
        ),
    ]
}

pub fn env_functions(_env: Rc<RefCell<FuncEnv>>) -> Vec<(&'static str, Signature, EnvFn)> {
    use Param::*;
    let u = || -> EnvFn { Rc::new(unavailable) };
    vec![
        ("bcrypt", Signature::new(&[String]), u()),
        ("htpasswd", Signature::new(&[String, String]), u()),
        ("genPrivateKey", Signature::new(&[String]), u()),
        ("genCA", Signature::new(&[String, Int]), u()),
        ("genCAWithKey", Signature::new(&[String, Int, String]), u()),
        (
            "genSelfSignedCert",
            Signature::new(&[String, List, List, Int]),
            u(),
        ),
        (
            "genSelfSignedCertWithKey",
            Signature::new(&[String, List, List, Int, String]),
            u(),
        ),
        (
            "genSignedCert",
            Signature::new(&[String, List, List, Int, Any]),
            u(),
        ),
        (
            "genSignedCertWithKey",
            Signature::new(&[String, List, List, Int, Any, String]),
            u(),
        ),
        ("encryptAES", Signature::new(&[String, String]), u()),
    ]
}
