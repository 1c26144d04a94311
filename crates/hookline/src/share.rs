//! Share links: the whole playground state in a URL fragment.
//!
//! `#h1.` + base64url(raw deflate(canonical JSON)). The same state always gives the same link:
//! the JSON is written from structs in declaration order and sorted maps, and deflate runs at a
//! fixed level. The version prefix lets later formats open old links. A link is untrusted input,
//! so decoding is strict and capped before and after inflating.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The prefix of version 1 links (after `#`).
pub const PREFIX_V1: &str = "h1.";
/// Links longer than this are refused before decoding (characters after the prefix).
pub const MAX_LINK_CHARS: usize = 4 * 1024 * 1024;
/// Inflated state larger than this is refused (decompression bombs).
pub const MAX_STATE_BYTES: usize = 16 * 1024 * 1024;

/// The size caps [`decode_with`] applies: a link is untrusted input (`--limit link=N`,
/// `--limit link-bytes=N` on the command line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShareLimits {
    /// Characters after the prefix, checked before anything is decoded.
    pub link_chars: usize,
    /// Bytes the state may inflate to (the inflater stops one byte past it).
    pub state_bytes: usize,
}

impl Default for ShareLimits {
    fn default() -> Self {
        ShareLimits {
            link_chars: MAX_LINK_CHARS,
            state_bytes: MAX_STATE_BYTES,
        }
    }
}

/// A file's content: UTF-8 text, or bytes for binary files (subchart archives).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FileContent {
    Text(String),
    Binary { base64: String },
}

impl FileContent {
    pub fn from_bytes(bytes: &[u8]) -> FileContent {
        match std::str::from_utf8(bytes) {
            Ok(s) => FileContent::Text(s.to_string()),
            Err(_) => FileContent::Binary {
                base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            },
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, ShareError> {
        match self {
            FileContent::Text(s) => Ok(s.as_bytes().to_vec()),
            FileContent::Binary { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(|e| ShareError::Invalid(format!("a binary file is damaged: {e}"))),
        }
    }
}

/// Where the chart comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum ChartSource {
    /// Every file travels in the link.
    Files {
        files: BTreeMap<String, FileContent>,
    },
    /// A chart of the built-in gallery, named by id and content hash, plus the user's edits
    /// (`None` deletes a file).
    Gallery {
        id: String,
        hash: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        edits: BTreeMap<String, Option<FileContent>>,
    },
}

impl Default for ChartSource {
    fn default() -> ChartSource {
        ChartSource::Files {
            files: BTreeMap::new(),
        }
    }
}

/// Everything a link carries. View settings (theme, selected view) are not state: they go in
/// the query string.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareState {
    pub chart: ChartSource,
    /// Extra values (YAML text, like `-f`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub values: String,
    /// `--set` lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `v3` or `v4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
    /// The scenario, in the structure of the scenario file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<serde_json::Value>,
    /// The selected step (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
}

/// Why a link cannot be opened. Every variant reads as a sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    NotALink,
    NewerVersion(String),
    TooLong { chars: usize, limit: usize },
    BadCharacter { ch: char, position: usize },
    Truncated,
    TooLarge { limit: usize },
    Invalid(String),
    GalleryMissing(String),
    GalleryChanged { id: String },
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::NotALink => write!(f, "this is not a Hookline link: its fragment should start with #{PREFIX_V1}"),
            ShareError::NewerVersion(v) => write!(f, "this link was made by a newer version of Hookline (format {v}); update Hookline to open it"),
            ShareError::TooLong { chars, limit } => write!(f, "this link is too long to open ({chars} characters; the limit is {limit}){}", gotemplate::limit_hint("link")),
            ShareError::BadCharacter { ch, position } => write!(f, "this link is damaged: unexpected character {ch:?} at position {position} (was it cut or changed when it was copied?)"),
            ShareError::Truncated => write!(f, "this link is truncated or damaged: its compressed data ends early (was it cut when it was copied?)"),
            ShareError::TooLarge { limit } => write!(f, "this link expands to more than {limit} bytes; it is refused{}", gotemplate::limit_hint("link-bytes")),
            ShareError::Invalid(m) => write!(f, "this link's content is not valid: {m}"),
            ShareError::GalleryMissing(id) => write!(f, "this link refers to the gallery chart {id:?}, which this version of Hookline does not have"),
            ShareError::GalleryChanged { id } => write!(f, "this link was made with another version of the gallery chart {id:?}, and that version is not available here"),
        }
    }
}

impl std::error::Error for ShareError {}

/// The content hash that names a version of a gallery chart: the first 16 hex digits of the
/// SHA-256 of the canonical JSON of its files.
pub fn content_hash(files: &BTreeMap<String, FileContent>) -> String {
    let json = serde_json::to_vec(files).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The canonical JSON of a state (what is compressed).
pub fn canonical_json(state: &ShareState) -> String {
    // Serialising plain structs, sorted maps and serde_json values cannot fail.
    serde_json::to_string(state).unwrap_or_default()
}

/// Encode a state as a URL fragment body (without `#`): `h1.` + base64url(deflate(json)).
pub fn encode(state: &ShareState) -> String {
    encode_json(&canonical_json(state))
}

/// [`encode`] of a state's [`canonical_json`]: the playground's page writes the JSON and its
/// second module compresses it (deflate stays out of the first download; issue #11).
pub fn encode_json(json: &str) -> String {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(json.as_bytes());
    let compressed = enc.finish().unwrap_or_default();
    format!("{PREFIX_V1}{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// Take the fragment out of whatever the user gave: a whole URL, `#h1.…`, or `h1.…`.
fn fragment(input: &str) -> &str {
    let input = input.trim();
    match input.find('#') {
        Some(i) => &input[i + 1..],
        None => input,
    }
}

/// Decode a link (a whole URL, a fragment with or without `#`).
pub fn decode(input: &str) -> Result<ShareState, ShareError> {
    decode_with(input, ShareLimits::default())
}

/// [`decode`] with explicit size caps.
pub fn decode_with(input: &str, limits: ShareLimits) -> Result<ShareState, ShareError> {
    let frag = fragment(input);
    let Some(body) = frag.strip_prefix(PREFIX_V1) else {
        if let Some((v, _)) = frag.split_once('.') {
            if v.len() <= 4
                && v.starts_with('h')
                && v[1..].chars().all(|c| c.is_ascii_digit())
                && v.len() > 1
            {
                return Err(ShareError::NewerVersion(v.to_string()));
            }
        }
        return Err(ShareError::NotALink);
    };
    if body.len() > limits.link_chars {
        return Err(ShareError::TooLong {
            chars: body.len(),
            limit: limits.link_chars,
        });
    }
    if let Some((position, ch)) = body
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(ShareError::BadCharacter {
            ch,
            position: position + PREFIX_V1.len(),
        });
    }
    // A length of 1 mod 4 can never be valid base64; other decode failures (non-zero trailing
    // bits) mean the end was cut or changed.
    let compressed = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| ShareError::Truncated)?;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(limits.state_bytes as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| ShareError::Truncated)?;
    if out.len() > limits.state_bytes {
        return Err(ShareError::TooLarge {
            limit: limits.state_bytes,
        });
    }
    if out.is_empty() {
        return Err(ShareError::Truncated);
    }
    let text = std::str::from_utf8(&out)
        .map_err(|_| ShareError::Invalid("it is not UTF-8 text".into()))?;
    serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            ShareError::Truncated
        } else {
            ShareError::Invalid(e.to_string())
        }
    })
}

/// The chart files a state stands for, given the gallery this build carries
/// (`gallery(id)` returns that chart's files).
pub fn resolve_files(
    state: &ShareState,
    gallery: &dyn Fn(&str) -> Option<BTreeMap<String, FileContent>>,
) -> Result<BTreeMap<String, FileContent>, ShareError> {
    match &state.chart {
        ChartSource::Files { files } => Ok(files.clone()),
        ChartSource::Gallery { id, hash, edits } => {
            let mut files = gallery(id).ok_or_else(|| ShareError::GalleryMissing(id.clone()))?;
            if content_hash(&files) != *hash {
                return Err(ShareError::GalleryChanged { id: id.clone() });
            }
            for (path, edit) in edits {
                match edit {
                    Some(content) => {
                        files.insert(path.clone(), content.clone());
                    }
                    None => {
                        files.remove(path);
                    }
                }
            }
            Ok(files)
        }
    }
}

/// The edits that turn a gallery chart into `current` (for links that carry only edits).
pub fn gallery_edits(
    original: &BTreeMap<String, FileContent>,
    current: &BTreeMap<String, FileContent>,
) -> BTreeMap<String, Option<FileContent>> {
    let mut edits = BTreeMap::new();
    for (path, content) in current {
        if original.get(path) != Some(content) {
            edits.insert(path.clone(), Some(content.clone()));
        }
    }
    for path in original.keys() {
        if !current.contains_key(path) {
            edits.insert(path.clone(), None);
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ShareState {
        let mut files = BTreeMap::new();
        files.insert(
            "Chart.yaml".to_string(),
            FileContent::Text("apiVersion: v2\nname: demo\nversion: 0.1.0\n".into()),
        );
        files.insert(
            "charts/sub.tgz".to_string(),
            FileContent::from_bytes(&[0x1f, 0x8b, 0xff, 0x00]),
        );
        ShareState {
            chart: ChartSource::Files { files },
            values: "a: 1\n".into(),
            set: vec!["b=2".into()],
            release: Some("demo".into()),
            namespace: None,
            helm: Some("v3".into()),
            kube_version: None,
            scenario: Some(serde_json::json!({"steps": [{"op": "install"}, {"op": "upgrade"}]})),
            step: Some(1),
        }
    }

    #[test]
    fn round_trip_and_determinism() {
        let s = sample();
        let link = encode(&s);
        assert!(link.starts_with("h1."));
        assert_eq!(link, encode(&s.clone()));
        assert_eq!(decode(&link).unwrap(), s);
        assert_eq!(
            decode(&format!("https://x.test/app/?embed=1#{link}")).unwrap(),
            s
        );
    }

    #[test]
    fn broken_links_get_sentences() {
        let link = encode(&sample());
        assert_eq!(decode("https://x.test/"), Err(ShareError::NotALink));
        assert_eq!(
            decode("#h2.abcd"),
            Err(ShareError::NewerVersion("h2".into()))
        );
        let cut = &link[..link.len() / 2];
        assert!(matches!(
            decode(cut),
            Err(ShareError::Truncated) | Err(ShareError::Invalid(_))
        ));
        assert!(matches!(
            decode(&format!("{}%20", &link)),
            Err(ShareError::BadCharacter { ch: '%', .. })
        ));
        assert_eq!(decode("h1."), Err(ShareError::Truncated));
    }

    #[test]
    fn decompression_bombs_are_refused() {
        let zeros = vec![b' '; MAX_STATE_BYTES + 10];
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&zeros).unwrap();
        let link = format!("h1.{}", URL_SAFE_NO_PAD.encode(enc.finish().unwrap()));
        assert!(link.len() < 40_000, "{}", link.len());
        assert_eq!(
            decode(&link),
            Err(ShareError::TooLarge {
                limit: MAX_STATE_BYTES
            })
        );
    }

    #[test]
    fn gallery_links_carry_only_edits() {
        let mut original = BTreeMap::new();
        original.insert("a.yaml".to_string(), FileContent::Text("a".into()));
        original.insert("b.yaml".to_string(), FileContent::Text("b".into()));
        let mut current = original.clone();
        current.insert("a.yaml".to_string(), FileContent::Text("A".into()));
        current.remove("b.yaml");
        current.insert("c.yaml".to_string(), FileContent::Text("c".into()));
        let state = ShareState {
            chart: ChartSource::Gallery {
                id: "demo".into(),
                hash: content_hash(&original),
                edits: gallery_edits(&original, &current),
            },
            ..ShareState::default()
        };
        let back = decode(&encode(&state)).unwrap();
        let orig = original.clone();
        let files = resolve_files(&back, &|id| (id == "demo").then(|| orig.clone())).unwrap();
        assert_eq!(files, current);
        let mut changed = original.clone();
        changed.insert("z".into(), FileContent::Text("z".into()));
        assert_eq!(
            resolve_files(&back, &|_| Some(changed.clone())),
            Err(ShareError::GalleryChanged { id: "demo".into() })
        );
        assert_eq!(
            resolve_files(&back, &|_| None),
            Err(ShareError::GalleryMissing("demo".into()))
        );
    }

    /// Round trip over seeded random states (a property test without a framework: the seed is
    /// printed on failure so a case can be replayed).
    #[test]
    fn random_states_round_trip() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = "aZ09 -_:#\n\t\"'{}[]é✓\u{0}".chars().collect();
        for case in 0..300 {
            let mut rand_text = |n: u64| -> String {
                let len = (next() % n) as usize;
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            };
            let mut files = BTreeMap::new();
            for _ in 0..(case % 5) {
                files.insert(rand_text(12), FileContent::Text(rand_text(200)));
            }
            let state = ShareState {
                chart: ChartSource::Files { files },
                values: rand_text(50),
                set: (0..case % 3).map(|_| rand_text(10)).collect(),
                release: (case % 2 == 0).then(|| rand_text(8)),
                namespace: None,
                helm: Some(if case % 2 == 0 { "v3" } else { "v4" }.into()),
                kube_version: None,
                scenario: Some(serde_json::json!({"steps": [{"op": rand_text(6)}]})),
                step: Some(case),
            };
            let link = encode(&state);
            assert_eq!(decode(&link).as_ref(), Ok(&state), "case {case}");
        }
    }
}
