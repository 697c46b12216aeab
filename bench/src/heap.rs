//! Live heap bytes, counted by a wrapper around the system allocator, for the sections whose
//! point is memory. Resident memory (`VmHWM`) also counts what the allocator keeps after a
//! free, which depends on the allocator's habits; the live heap is what the program itself
//! held. Counting is off unless a child process turns it on with [`enable`] (otherwise it
//! costs one relaxed load per allocation), so the throughput sections measure the plain
//! allocator.
//!
//! The one module in the project with unsafe code: a `GlobalAlloc` cannot be written without
//! it, and every call is handed to `System` unchanged.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The system allocator, counting live bytes once [`enable`] is called.
#[derive(Debug)]
pub(crate) struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(by: usize) {
    // A block from before counting began may be freed: never below zero.
    let _ = LIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
        Some(l.saturating_sub(by))
    });
}

// SAFETY: every call is passed to `System` unchanged; the wrapper only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && ON.load(Ordering::Relaxed) {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        if ON.load(Ordering::Relaxed) {
            shrank(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && ON.load(Ordering::Relaxed) {
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

/// Starts counting. Call it first thing in a process that measures its heap, so that every
/// block freed later was counted when it was allocated.
pub(crate) fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// A point to measure from: what was live then.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark(usize);

/// Marks now, and restarts the peak from what is live now.
pub(crate) fn mark() -> Mark {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    Mark(live)
}

impl Mark {
    /// The most bytes live at once since the mark, beyond what was live at it.
    pub(crate) fn peak_growth(self) -> usize {
        PEAK.load(Ordering::Relaxed).saturating_sub(self.0)
    }

    /// The bytes live now beyond what was live at the mark.
    pub(crate) fn growth(self) -> usize {
        LIVE.load(Ordering::Relaxed).saturating_sub(self.0)
    }
}
