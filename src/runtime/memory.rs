//! Gives back what the allocator keeps after the cache's parts are read.
//!
//! glibc's malloc returns freed memory to the system only from the top of a heap; the
//! parts a million-row cache is read in leave some 12 MB free below live rows, resident
//! until asked for. Elsewhere (musl, macOS, Windows) the allocator returns it itself.

/// Asks the allocator, on a blocking thread, to return the free pages of every arena.
pub(super) fn give_back() {
    tokio::task::spawn_blocking(trim);
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: `malloc_trim` takes no pointers and touches only glibc's own free lists,
    // which it locks while it runs.
    let released = unsafe { libc::malloc_trim(0) } == 1;
    tracing::debug!(released, "gave the allocator's free pages back");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
