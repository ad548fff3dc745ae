//! SQLite's heap served by mimalloc. The bundled SQLite allocates with the C library's malloc:
//! each connection answers on a worker thread of its own, glibc gave every such thread an arena,
//! and each arena kept about 7 MB resident after a dashboard's rows passed through it (10
//! connections, 74 MB). mimalloc returns freed pages and frees across threads cheaply.

use std::ffi::{c_int, c_void};
use std::sync::Once;

use libmimalloc_sys::{mi_free, mi_good_size, mi_malloc, mi_realloc, mi_usable_size};
use libsqlite3_sys::{SQLITE_CONFIG_MALLOC, SQLITE_OK, sqlite3_config, sqlite3_mem_methods};

/// Sizes SQLite asks for are `int`; what mimalloc reports back is clamped into one.
fn to_int(size: usize) -> c_int {
    c_int::try_from(size).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn allocate(size: c_int) -> *mut c_void {
    // SAFETY: mi_malloc takes any size; SQLite never asks for a negative one.
    unsafe { mi_malloc(usize::try_from(size).unwrap_or(0)) }
}

unsafe extern "C" fn free(pointer: *mut c_void) {
    // SAFETY: SQLite frees only what `allocate` or `reallocate` returned (or null).
    unsafe { mi_free(pointer) }
}

unsafe extern "C" fn reallocate(pointer: *mut c_void, size: c_int) -> *mut c_void {
    // SAFETY: as for `free`; mimalloc keeps the contents up to the smaller size.
    unsafe { mi_realloc(pointer, usize::try_from(size).unwrap_or(0)) }
}

unsafe extern "C" fn size_of(pointer: *mut c_void) -> c_int {
    // SAFETY: `pointer` came from this allocator (mimalloc answers 0 for null).
    to_int(unsafe { mi_usable_size(pointer) })
}

unsafe extern "C" fn round_up(size: c_int) -> c_int {
    // SAFETY: a pure size computation.
    to_int(unsafe { mi_good_size(usize::try_from(size).unwrap_or(0)) })
}

unsafe extern "C" fn initialise(_: *mut c_void) -> c_int {
    SQLITE_OK
}

unsafe extern "C" fn shut_down(_: *mut c_void) {}

/// Hands SQLite's allocations to mimalloc, once per process, before the first connection opens.
/// SQLite accepts this only before it initialises; when something opened a database earlier
/// it answers SQLITE_MISUSE and keeps its default allocator, which is correct, only larger.
pub fn use_mimalloc() {
    static CONFIGURED: Once = Once::new();
    CONFIGURED.call_once(|| {
        let methods = sqlite3_mem_methods {
            xMalloc: Some(allocate),
            xFree: Some(free),
            xRealloc: Some(reallocate),
            xSize: Some(size_of),
            xRoundup: Some(round_up),
            xInit: Some(initialise),
            xShutdown: Some(shut_down),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: SQLite copies the methods; `Once` keeps this from racing with itself, and the
        // store calls it before opening any connection.
        let answer = unsafe { sqlite3_config(SQLITE_CONFIG_MALLOC, &methods as *const sqlite3_mem_methods) };
        if answer != SQLITE_OK {
            tracing::warn!(
                answer,
                "SQLite was initialised before its allocator could be set; it keeps the C library's"
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_allocates_from_mimalloc() {
        use_mimalloc();
        // SAFETY: a plain allocation through SQLite's public allocator, freed by it.
        unsafe {
            let pointer = libsqlite3_sys::sqlite3_malloc(64);
            assert!(!pointer.is_null());
            assert!(libmimalloc_sys::mi_is_in_heap_region(pointer), "SQLite's memory should come from mimalloc's heap");
            libsqlite3_sys::sqlite3_free(pointer);
        }
    }
}
