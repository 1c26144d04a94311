//! Reading a chart archive (`.tgz`) safely, as pkg/chart/loader/archive/archive.go
//! `LoadArchiveFiles` does: the top directory is stripped, absolute paths, `..` and drive
//! letters are refused, and the inflated size is capped. On top of Helm's caps: a cap on the
//! number of entries, and links are never followed (a link pointing outside is an error,
//! others are skipped).

use super::ChartError;

/// Caps against decompression bombs. Defaults are Helm's (100 MiB per chart, 5 MiB per file)
/// plus 10,000 entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchiveLimits {
    pub max_entries: usize,
    pub max_total_bytes: u64,
    pub max_file_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_entries: 10_000,
            max_total_bytes: 100 * 1024 * 1024,
            max_file_bytes: 5 * 1024 * 1024,
        }
    }
}

/// What is left of the limits while loading a chart and its nested archives.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "archive"), allow(dead_code))]
pub(crate) struct Budget {
    pub limits: ArchiveLimits,
    pub entries_left: usize,
    pub bytes_left: u64,
}

impl Budget {
    pub fn new(limits: ArchiveLimits) -> Budget {
        Budget {
            limits,
            entries_left: limits.max_entries,
            bytes_left: limits.max_total_bytes,
        }
    }
}

/// One file of a chart: a path relative to the chart root and its bytes (shared: the chart's
/// `raw` list and its `files`/`templates` hold the same buffer).
pub type BufferedFile = (String, std::rc::Rc<[u8]>);

fn err(msg: impl Into<String>) -> ChartError {
    ChartError::new(msg)
}

/// Go's `path.Clean` for a relative slash path.
pub(crate) fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(l) if *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

#[cfg(feature = "archive")]
fn is_drive_path(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// Whether this build reads `.tgz` archives itself (feature `archive`). The playground's page
/// is built without it (gzip's CRC tables and the tar reader are not in its first download,
/// issue #11): it unpacks the archives a user opens in its second module, so the charts it
/// loads never hold one.
pub const BUILT_IN: bool = cfg!(feature = "archive");

/// Without the `archive` feature: every archive is refused (see [`BUILT_IN`]).
#[cfg(not(feature = "archive"))]
pub(crate) fn read_archive(
    _data: &[u8],
    _budget: &mut Budget,
) -> Result<Vec<BufferedFile>, ChartError> {
    Err(err(
        "chart archives are unpacked when they are opened (this build has no archive reader)",
    ))
}

/// Inflate and untar `data` into chart-relative files (top directory stripped).
#[cfg(feature = "archive")]
pub(crate) fn read_archive(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Vec<BufferedFile>, ChartError> {
    use std::io::Read;
    if data.len() < 3 || data[0] != 0x1f || data[1] != 0x8b {
        return Err(err("gzip: invalid header"));
    }
    let gz = flate2::read::MultiGzDecoder::new(data);
    let mut archive = tar::Archive::new(gz);
    let entries = archive.entries().map_err(|e| err(e.to_string()))?;
    let mut files = Vec::new();
    let max_total = budget.limits.max_total_bytes;
    for entry in entries {
        let mut entry = entry.map_err(|e| err(e.to_string()))?;
        if budget.entries_left == 0 {
            return Err(err(format!(
                "chart archive has more than the maximum number of entries {}{}",
                budget.limits.max_entries,
                gotemplate::limit_hint("files")
            )));
        }
        budget.entries_left -= 1;
        let header = entry.header();
        let kind = header.entry_type();
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let delimiter = if raw_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw_name.split(delimiter).collect();
        let n = parts[1..].join("/");
        if n.starts_with('/') {
            return Err(err("chart illegally contains absolute paths"));
        }
        let n = clean_path(&n);
        if n == "." {
            return Err(err(format!(
                "chart illegally contains content outside the base directory: {}",
                crate::values::strvals::go_quote(&raw_name)
            )));
        }
        if n.starts_with("..") {
            return Err(err("chart illegally references parent directory"));
        }
        if is_drive_path(&n) {
            return Err(err("chart contains illegally named files"));
        }
        if parts[0] == "Chart.yaml" {
            return Err(err("chart yaml not in base directory"));
        }
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let base = match n.rfind('/') {
                Some(i) if kind.is_symlink() => &n[..i],
                _ => "",
            };
            let resolved = clean_path(format!("{base}/{target}").trim_start_matches('/'));
            if target.starts_with('/') || resolved.starts_with("..") {
                return Err(err(format!(
                    "chart archive contains a link pointing outside the chart: {}",
                    crate::values::strvals::go_quote(&raw_name)
                )));
            }
            continue;
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > budget.bytes_left {
            return Err(err(format!(
                "decompressed chart is larger than the maximum size {max_total}"
            )));
        }
        if size > budget.limits.max_file_bytes {
            return Err(err(format!(
                "decompressed chart file {} is larger than the maximum file size {}",
                crate::values::strvals::go_quote(&raw_name),
                budget.limits.max_file_bytes
            )));
        }
        let mut buf = Vec::new();
        let limit = budget
            .bytes_left
            .min(budget.limits.max_file_bytes.saturating_add(1));
        (&mut entry)
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| err(e.to_string()))?;
        let written = buf.len() as u64;
        budget.bytes_left = budget.bytes_left.saturating_sub(written);
        if written < size || budget.bytes_left == 0 {
            return Err(err(format!(
                "decompressed chart is larger than the maximum size {max_total}"
            )));
        }
        if written > budget.limits.max_file_bytes {
            return Err(err(format!(
                "decompressed chart file {} is larger than the maximum file size {}",
                crate::values::strvals::go_quote(&raw_name),
                budget.limits.max_file_bytes
            )));
        }
        if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            buf.drain(..3);
        }
        files.push((n, buf.into()));
    }
    if files.is_empty() {
        return Err(err("no files in chart archive"));
    }
    Ok(files)
}
