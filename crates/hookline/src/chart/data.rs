//! A chart file's bytes: in memory, or read from disk the first time something asks for them.
//!
//! Helm reads every file of a chart directory when it loads it (pkg/chart/v2/loader/directory.go
//! `LoadDir`: `os.ReadFile` of each), but only Chart.yaml, values, requirements, the schema,
//! templates and subchart archives are looked at during a load; the rest (crds/, files a
//! template may read through `.Files`, READMEs) is used only if a render asks for it. A
//! directory load (native) therefore reads those files lazily: on a large chart most of its
//! bytes (kube-prometheus-stack: 4.6 of its 6.9 MB, CRDs that `helm template` does not print
//! by default) are never read. The loader still checks each of them as Helm's walk does
//! (regular file, size limit) and opens it, so an unreadable file fails the load as in Helm.
//! A file that cannot be read when it is finally used (it vanished after the load) reads as
//! empty and its error is kept: [`super::Chart::read_error`] reports it, and a render returns
//! it instead of its output (Helm would have failed the load with it).

use std::cell::OnceCell;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

/// Reads a file's bytes (a directory load's closure over the file's path). `Send` and `Sync`:
/// another thread may read a file this thread has not needed yet (see [`FileData::unread`]).
pub type ReadFn = Box<dyn Fn() -> Result<Vec<u8>, String> + Send + Sync>;

/// A deferred file's read that another thread can run (see [`FileData::unread`]).
#[derive(Clone)]
pub struct SharedRead {
    read: Arc<ReadFn>,
    size: u64,
}

impl SharedRead {
    /// The file's size when the chart was loaded.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The file's bytes as [`FileData::bytes`] would give them (a UTF-8 BOM dropped).
    pub fn read(&self) -> Result<Vec<u8>, String> {
        (self.read)().map(|mut v| {
            if v.starts_with(UTF8_BOM) {
                v.drain(..UTF8_BOM.len());
            }
            v
        })
    }
}

/// A chart file's bytes, shared by every holder (`raw`, `files`, `.Files`, CRD lists).
#[derive(Clone)]
pub struct FileData(Rc<Inner>);

enum Inner {
    Ready(Rc<[u8]>),
    Deferred {
        read: SharedRead,
        cell: OnceCell<Result<Rc<[u8]>, String>>,
    },
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

impl FileData {
    /// Bytes already in memory.
    pub fn ready(data: Rc<[u8]>) -> FileData {
        FileData(Rc::new(Inner::Ready(data)))
    }

    /// Bytes that `read` gives on first use (a UTF-8 BOM dropped, as the loader does); `size`
    /// is the file's size as the load saw it.
    pub fn deferred(read: ReadFn, size: u64) -> FileData {
        FileData(Rc::new(Inner::Deferred {
            read: SharedRead {
                read: Arc::new(read),
                size,
            },
            cell: OnceCell::new(),
        }))
    }

    /// The read of deferred bytes that nothing has asked for yet, for another thread: what it
    /// reads is not kept here (this file is read again if something here asks for it).
    pub fn unread(&self) -> Option<SharedRead> {
        match &*self.0 {
            Inner::Deferred { read, cell } if cell.get().is_none() => Some(read.clone()),
            _ => None,
        }
    }

    /// The bytes (read now if they were deferred; empty when that read failed, see
    /// [`FileData::read_error`]).
    pub fn bytes(&self) -> Rc<[u8]> {
        match &*self.0 {
            Inner::Ready(d) => d.clone(),
            Inner::Deferred { read, cell } => match cell.get_or_init(|| {
                (read.read)().map(|v| match v.strip_prefix(UTF8_BOM) {
                    Some(rest) => Rc::from(rest),
                    None => Rc::from(v),
                })
            }) {
                Ok(d) => d.clone(),
                Err(_) => Rc::from(Vec::new()),
            },
        }
    }

    /// The bytes when they are in memory already (never reads).
    pub fn loaded(&self) -> Option<&Rc<[u8]>> {
        match &*self.0 {
            Inner::Ready(d) => Some(d),
            Inner::Deferred { cell, .. } => cell.get().and_then(|r| r.as_ref().ok()),
        }
    }

    /// Why a deferred read failed, once it was tried.
    pub fn read_error(&self) -> Option<&str> {
        match &*self.0 {
            Inner::Ready(_) => None,
            Inner::Deferred { cell, .. } => cell.get().and_then(|r| r.as_ref().err()).map(|e| &**e),
        }
    }

    /// Whether both are the same file (the same shared bytes or the same deferred read).
    pub fn ptr_eq(&self, other: &FileData) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl From<Rc<[u8]>> for FileData {
    fn from(data: Rc<[u8]>) -> FileData {
        FileData::ready(data)
    }
}

impl From<Vec<u8>> for FileData {
    fn from(data: Vec<u8>) -> FileData {
        FileData::ready(Rc::from(data))
    }
}

impl PartialEq for FileData {
    fn eq(&self, other: &FileData) -> bool {
        self.ptr_eq(other) || self.bytes() == other.bytes()
    }
}

impl Eq for FileData {}

/// As the bytes' own `Debug` (reads deferred bytes).
impl fmt::Debug for FileData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.bytes(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A deferred file of 10 bytes (a byte-order mark and `key: v`), and how often it was read.
    fn counted_file() -> (FileData, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let d = FileData::deferred(
            Box::new(move || {
                c.fetch_add(1, Ordering::Relaxed);
                Ok(b"\xEF\xBB\xBFkey: v\n".to_vec())
            }),
            10,
        );
        (d, calls)
    }

    #[test]
    fn deferred_reads_once_and_drops_a_bom() {
        let (d, calls) = counted_file();
        assert!(d.loaded().is_none());
        assert_eq!(&*d.bytes(), b"key: v\n");
        assert_eq!(&*d.clone().bytes(), b"key: v\n");
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert!(d.loaded().is_some());
        assert_eq!(d.read_error(), None);
    }

    #[test]
    fn an_unread_file_is_read_on_another_thread_without_being_kept() {
        let (d, calls) = counted_file();
        let read = d.unread().expect("not read yet");
        assert_eq!(read.size(), 10);
        let bytes = std::thread::spawn(move || read.read()).join().unwrap();
        assert_eq!(bytes.unwrap(), b"key: v\n");
        assert!(d.loaded().is_none(), "the other thread's read is its own");
        assert_eq!(&*d.bytes(), b"key: v\n");
        assert_eq!(calls.load(Ordering::Relaxed), 2);
        assert!(d.unread().is_none(), "read here now");
        assert!(FileData::from(b"x".to_vec()).unread().is_none());
        let failing = FileData::deferred(Box::new(|| Err("error reading crds/x: gone".into())), 1);
        let err = failing.unread().unwrap().read().unwrap_err();
        assert_eq!(err, "error reading crds/x: gone");
        assert_eq!(failing.read_error(), None, "not tried here");
    }

    #[test]
    fn a_failed_read_is_empty_and_kept() {
        let d = FileData::deferred(Box::new(|| Err("error reading files/x: gone".into())), 1);
        assert_eq!(d.read_error(), None, "not tried yet");
        assert!(d.bytes().is_empty());
        assert_eq!(d.read_error(), Some("error reading files/x: gone"));
        assert!(d.loaded().is_none());
    }

    #[test]
    fn equality_is_by_content() {
        let a = FileData::from(b"x".to_vec());
        let b = FileData::deferred(Box::new(|| Ok(b"x".to_vec())), 1);
        assert_eq!(a, b);
        assert_ne!(a, FileData::from(b"y".to_vec()));
        assert_eq!(format!("{a:?}"), "[120]");
    }
}
