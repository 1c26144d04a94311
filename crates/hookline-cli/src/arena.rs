//! Room made up front in this thread's malloc arena.
//!
//! glibc gives every thread but the process's first its own malloc arena and grows it only
//! as far as each allocation needs, one `mprotect` call per growth: some 700 calls on the
//! command's thread and 900 on the helper's for a large chart, each taking the process's
//! memory-map lock that the other thread's page faults wait for (the first thread's arena
//! grows with `brk`, 128 KiB at a time). Allocating blocks just under the size malloc would
//! map on their own, then freeing them, grows the arena once: the space is then ready
//! without an `mprotect` each time. Only the blocks' headers are written, and trimming the
//! freed space hands those pages back, so peak memory does not change.

/// Grow this thread's arena by about `bytes`.
pub fn reserve(bytes: usize) {
    // Under glibc's default mmap threshold (128 KiB), so that malloc takes them from the arena.
    const BLOCK: usize = 120 * 1024;
    let blocks: Vec<Vec<u8>> = (0..bytes.div_ceil(BLOCK))
        .map(|_| Vec::with_capacity(BLOCK))
        .collect();
    drop(std::hint::black_box(blocks));
}

/// What [`reserve`] makes room for on the command's thread and on a helper thread: about
/// their peaks on the largest charts measured.
pub const COMMAND_THREAD: usize = 12 << 20;
pub const HELPER_THREAD: usize = 8 << 20;
