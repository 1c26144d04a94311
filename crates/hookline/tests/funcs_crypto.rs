//! Key and certificate generation, bcrypt and the random functions: outputs are random in
//! Helm, so these check structure, determinism under a fixed FuncEnv, and (where openssl is
//! installed) that the certificates parse and chain like Helm's.
#![cfg(feature = "crypto")]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gotemplate::Value;
use hookline::funcs::{env_functions, EnvFn, FuncEnv};

const NOW: i64 = 1_700_000_000_000_000_000; // 2023-11-14T22:13:20Z

fn funcs(seed: u64) -> HashMap<&'static str, EnvFn> {
    let env = Rc::new(RefCell::new(FuncEnv::new(seed, NOW)));
    env_functions(env)
        .into_iter()
        .map(|(n, _, f)| (n, f))
        .collect()
}

fn s(x: &str) -> Value {
    Value::from(x)
}

fn field(v: &Value, name: &str) -> String {
    match v {
        Value::Object(o) => o
            .field(name)
            .and_then(|f| f.as_str().map(str::to_string))
            .unwrap(),
        other => panic!("not an object: {other:?}"),
    }
}

#[test]
fn bcrypt_matches_go_for_a_known_salt() {
    // From the real helm: htpasswd "user" "pass"
    let helm = "$2a$10$kjhWSUH1SKa6hSmmhUt0ZeIEA8yUvhY/omdK4Aw7tjf2tFf8dcbr6";
    let alphabet = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let salt_text = &helm.as_bytes()[7..29];
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut salt = Vec::new();
    for c in salt_text {
        bits = bits << 6 | alphabet.iter().position(|a| a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            salt.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    assert_eq!(salt.len(), 16);
    assert_eq!(
        hookline::funcs::crypto::bcrypt_with_salt(10, &salt, b"pass"),
        helm
    );
}

#[test]
fn random_functions_are_deterministic_per_seed() {
    let a = funcs(7);
    let b = funcs(7);
    let c = funcs(8);
    for (name, args) in [
        ("randAlphaNum", vec![Value::Int(20)]),
        ("randAscii", vec![Value::Int(20)]),
        ("uuidv4", vec![]),
        ("randBytes", vec![Value::Int(8)]),
        ("shuffle", vec![s("abcdefghijkl")]),
        ("randInt", vec![Value::Int(5), Value::Int(1000)]),
    ] {
        let x = a[name](&args).unwrap();
        assert_eq!(x, b[name](&args).unwrap(), "{name}");
        assert_ne!(x, c[name](&args).unwrap(), "{name}");
    }
    let u = a["uuidv4"](&[]).unwrap();
    let u = u.as_str().unwrap();
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    assert!("89ab".contains(&u[19..20]));
    let r = a["randInt"](&[Value::Int(5), Value::Int(6)]).unwrap();
    assert_eq!(r, Value::Int(5));
    assert!(a["randInt"](&[Value::Int(5), Value::Int(5)]).is_err());
    let n = a["randNumeric"](&[Value::Int(50)]).unwrap();
    assert!(n.as_str().unwrap().bytes().all(|c| c.is_ascii_digit()));
}

#[test]
fn now_and_dates_use_the_env_clock() {
    let f = funcs(0);
    let now = f["now"](&[]).unwrap();
    let d = f["date"](&[s("2006-01-02T15:04:05Z07:00"), now.clone()]).unwrap();
    assert_eq!(d, s("2023-11-14T22:13:20Z"));
    assert_eq!(
        f["unixEpoch"](std::slice::from_ref(&now)).unwrap(),
        s("1700000000")
    );
    assert_eq!(f["ago"](std::slice::from_ref(&now)).unwrap(), s("0s"));
    assert_eq!(f["ago"](&[Value::Int(1_699_996_400)]).unwrap(), s("1h0m0s"));
    assert_eq!(
        f["htmlDate"](&[Value::Float(1.0)]).unwrap(),
        s("2023-11-14"),
        "a float is not a date: Sprig uses now"
    );
    assert_eq!(
        hookline::funcs::conv::fmt_v(&now),
        "2023-11-14 22:13:20 +0000 UTC"
    );
}

fn openssl(args: &[&str], input: &str) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(input.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(text)
}

#[test]
fn certificates_have_sprigs_shape_and_chain() {
    let f = funcs(42);
    let ca = f["genCA"](&[s("my-ca"), Value::Int(365)]).unwrap();
    let ca_cert = field(&ca, "Cert");
    let ca_key = field(&ca, "Key");
    assert!(ca_cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(ca_cert.ends_with("-----END CERTIFICATE-----\n"));
    assert!(ca_key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(ca_cert.lines().all(|l| l.len() <= 64));

    let leaf = f["genSignedCert"](&[
        s("svc.example"),
        Value::list(vec![s("10.0.0.1")]),
        Value::list(vec![s("a.example"), s("b.example")]),
        Value::Int(30),
        ca.clone(),
    ])
    .unwrap();
    let leaf_cert = field(&leaf, "Cert");
    assert!(field(&leaf, "Key").starts_with("-----BEGIN RSA PRIVATE KEY-----"));

    // same seed, same bytes
    let g = funcs(42);
    let ca2 = g["genCA"](&[s("my-ca"), Value::Int(365)]).unwrap();
    assert_eq!(field(&ca2, "Cert"), ca_cert);

    // errors as Sprig words them
    let bad = f["genSignedCert"](&[
        s("x"),
        Value::list(vec![s("not-an-ip")]),
        Value::Nil,
        Value::Int(1),
        ca.clone(),
    ]);
    assert_eq!(bad.unwrap_err().0, "error parsing ip: not-an-ip");
    let bad = f["genSignedCert"](&[
        s("x"),
        Value::Nil,
        Value::Nil,
        Value::Int(1),
        Value::empty_map(),
    ]);
    assert_eq!(
        bad.unwrap_err().0,
        "wrong type for value; expected sprig.certificate; got map[string]interface {}"
    );

    // buildCustomCert round trip
    let b64 = |t: &str| hookline::funcs::encoding::b64_encode(t.as_bytes());
    let pure: HashMap<_, _> = hookline::funcs::sprig_functions()
        .into_iter()
        .map(|(n, _, f)| (n, f))
        .collect();
    let built = pure["buildCustomCert"](&[s(&b64(&ca_cert)), s(&b64(&ca_key))]).unwrap();
    assert_eq!(field(&built, "Cert"), ca_cert);

    // a self-signed cert with an empty CN marks the SAN critical, like Go
    let ss = f["genSelfSignedCert"](&[
        s(""),
        Value::Nil,
        Value::list(vec![s("x.example")]),
        Value::Int(10),
    ])
    .unwrap();
    let ss_cert = field(&ss, "Cert");

    let Some(text) = openssl(&["x509", "-noout", "-text"], &ca_cert) else {
        eprintln!("openssl not available: skipping the x509 checks");
        return;
    };
    for want in [
        "Version: 3 (0x2)",
        "Signature Algorithm: sha256WithRSAEncryption",
        "Issuer: CN=my-ca",
        "Not Before: Nov 14 22:13:20 2023 GMT",
        "Not After : Nov 13 22:13:20 2024 GMT",
        "Public-Key: (2048 bit)",
        "X509v3 Key Usage: critical",
        "Digital Signature, Key Encipherment, Certificate Sign",
        "TLS Web Server Authentication, TLS Web Client Authentication",
        "X509v3 Basic Constraints: critical",
        "CA:TRUE",
        "X509v3 Subject Key Identifier",
    ] {
        assert!(
            text.replace("CN = ", "CN=").contains(want),
            "CA lacks {want:?}:\n{text}"
        );
    }
    let text = openssl(&["x509", "-noout", "-text"], &leaf_cert).unwrap();
    for want in [
        "Issuer: CN=my-ca",
        "Subject: CN=svc.example",
        "DNS:a.example, DNS:b.example, IP Address:10.0.0.1",
        "X509v3 Authority Key Identifier",
        "Digital Signature, Key Encipherment",
    ] {
        assert!(
            text.replace("CN = ", "CN=").contains(want),
            "leaf lacks {want:?}:\n{text}"
        );
    }
    assert!(!text.contains("CA:TRUE"));
    let text = openssl(&["x509", "-noout", "-text"], &ss_cert).unwrap();
    assert!(
        text.contains("X509v3 Subject Alternative Name: critical"),
        "{text}"
    );

    // the leaf verifies against the CA
    let dir = std::env::temp_dir().join(format!("hookline-funcs-crypto-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ca.pem"), &ca_cert).unwrap();
    let ca_path = dir.join("ca.pem");
    let out = openssl(
        &[
            "verify",
            "-no_check_time",
            "-CAfile",
            ca_path.to_str().unwrap(),
        ],
        &leaf_cert,
    )
    .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.contains("OK"), "{out}");
    // the key matches the certificate
    let m1 = openssl(&["x509", "-noout", "-modulus"], &ca_cert).unwrap();
    let m2 = openssl(&["rsa", "-noout", "-modulus"], &ca_key).unwrap();
    assert_eq!(m1, m2);
}

#[test]
fn private_keys_have_gos_pem_types() {
    let f = funcs(3);
    let ec = f["genPrivateKey"](&[s("ecdsa")]).unwrap();
    assert!(ec
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    let ed = f["genPrivateKey"](&[s("ed25519")]).unwrap();
    let ed = ed.as_str().unwrap();
    assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"));
    if let Some(text) = openssl(&["pkey", "-noout", "-text"], ed) {
        assert!(text.contains("ED25519"), "{text}");
    }
    if let Some(text) = openssl(&["ec", "-noout", "-text"], ec.as_str().unwrap()) {
        assert!(
            text.contains("prime256v1") || text.contains("P-256"),
            "{text}"
        );
    }
    // an EC CA (SEC 1 key) signs with ECDSA-SHA256, and its leaves verify
    let ca = f["genCAWithKey"](&[s("ec-ca"), Value::Int(1), ec.clone()]).unwrap();
    assert_eq!(field(&ca, "Key"), ec.as_str().unwrap());
    let leaf = f["genSignedCert"](&[s("leaf"), Value::Nil, Value::Nil, Value::Int(1), ca.clone()])
        .unwrap();
    if let Some(text) = openssl(&["x509", "-noout", "-text"], &field(&ca, "Cert")) {
        assert!(text.contains("ecdsa-with-SHA256"), "{text}");
        assert!(text.contains("id-ecPublicKey"), "{text}");
        let dir = std::env::temp_dir().join(format!("hookline-funcs-ec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_path = dir.join("ca.pem");
        std::fs::write(&ca_path, field(&ca, "Cert")).unwrap();
        let out = openssl(
            &[
                "verify",
                "-no_check_time",
                "-CAfile",
                ca_path.to_str().unwrap(),
            ],
            &field(&leaf, "Cert"),
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert!(out.contains("OK"), "{out}");
    }
    // Ed25519 keys are not supported by the WithKey variants
    assert!(f["genCAWithKey"](&[s("x"), Value::Int(1), s(ed)]).is_err());
    let r = f["genCAWithKey"](&[s("x"), Value::Int(1), s("nonsense")]);
    assert_eq!(
        r.unwrap_err().0,
        "parsing private key: no PEM data in input"
    );
}

#[test]
fn reset_replays_the_stream_and_keys_are_memoised() {
    let env = Rc::new(RefCell::new(FuncEnv::new(9, NOW)));
    let f: HashMap<&'static str, EnvFn> = env_functions(env.clone())
        .into_iter()
        .map(|(n, _, f)| (n, f))
        .collect();
    let first = f["genCA"](&[s("a"), Value::Int(1)]).unwrap();
    let r1 = f["randAlphaNum"](&[Value::Int(8)]).unwrap();
    env.borrow_mut().reset();
    let t = std::time::Instant::now();
    let again = f["genCA"](&[s("a"), Value::Int(1)]).unwrap();
    let r2 = f["randAlphaNum"](&[Value::Int(8)]).unwrap();
    assert_eq!(field(&first, "Cert"), field(&again, "Cert"));
    assert_eq!(field(&first, "Key"), field(&again, "Key"));
    assert_eq!(
        r1, r2,
        "the stream continues exactly as after generating the key"
    );
    assert!(t.elapsed().as_secs() < 5, "memoised key should be quick");
    // without reset the stream moves on
    let third = f["genCA"](&[s("a"), Value::Int(1)]).unwrap();
    assert_ne!(field(&first, "Key"), field(&third, "Key"));
}
