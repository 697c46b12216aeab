//! Keeping the load generator and the server on cores of their own (Linux).
//!
//! When the generator shares the machine's cores with the server, a second server worker
//! takes CPU from the generator, which then sends fewer requests: the rate falls though the
//! server did nothing worse. Bare hyper shows the same fall. With the generator on the last
//! core and the server (and any busy process) on the others, a worker sweep measures the
//! server rather than the machine's over-subscription (docs/benchmarks.md, "Issue 15").
//!
//! A thread's affinity is inherited by the threads and processes it starts, so pinning the
//! current thread around `Runtimes::new` pins the generator's runtime, and around a child's
//! `spawn` pins the child and every thread it makes.
//!
//! The cores are the kernel's logical CPUs. With SMT the generator's may be a sibling of a
//! server core, and a 2-vCPU virtual machine may be one physical core: there the sides
//! still share execution units, and the sweep says less.

/// The cores this process may use, split between the generator and the server.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Split {
    /// The last allowed core.
    pub(crate) generator: imp::Cores,
    /// The others.
    pub(crate) server: imp::Cores,
}

/// The split of the cores this program was started with; `None` with fewer than two
/// cores, or off Linux. Worked out once, before anything is pinned: asked later, from a
/// pinned thread, it would see only that thread's cores.
pub(crate) fn split() -> Option<Split> {
    static SPLIT: std::sync::OnceLock<Option<Split>> = std::sync::OnceLock::new();
    *SPLIT.get_or_init(imp::split)
}

/// Keeps the current thread on some cores until dropped, then puts back what it had.
#[derive(Debug)]
#[must_use = "the thread is unpinned when this is dropped"]
pub(crate) struct Pinned {
    previous: imp::Cores,
    /// Not `Send`: dropped on another thread, it would give that thread these cores.
    _here: std::marker::PhantomData<*const ()>,
}

impl Pinned {
    /// Pins the current thread to `cores`.
    pub(crate) fn to(cores: imp::Cores) -> anyhow::Result<Pinned> {
        let previous = imp::current()?;
        imp::set(cores)?;
        Ok(Pinned {
            previous,
            _here: std::marker::PhantomData,
        })
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        // A drop cannot fail, so say it: the thread keeps the narrower set, and whatever it
        // starts later (servers of unpinned setups included) would run there too.
        if let Err(e) = imp::set(self.previous) {
            eprintln!("warning: {e:#}; later measurements may run on too few cores");
        }
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use anyhow::Context;
    use rustix::thread::{CpuSet, sched_getaffinity, sched_setaffinity};

    /// A set of cores.
    #[derive(Clone, Copy)]
    pub(crate) struct Cores(CpuSet);

    impl Cores {
        /// The cores' numbers, in order.
        pub(crate) fn list(&self) -> Vec<usize> {
            list(&self.0)
        }
    }

    impl std::fmt::Debug for Cores {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_list().entries(self.list()).finish()
        }
    }

    fn list(set: &CpuSet) -> Vec<usize> {
        (0..CpuSet::MAX_CPU).filter(|&c| set.is_set(c)).collect()
    }

    pub(super) fn current() -> anyhow::Result<Cores> {
        sched_getaffinity(None)
            .map(Cores)
            .context("cannot read this thread's cores")
    }

    pub(super) fn set(cores: Cores) -> anyhow::Result<()> {
        sched_setaffinity(None, &cores.0).context("cannot pin this thread")
    }

    pub(super) fn split() -> Option<super::Split> {
        let all = current().ok()?.0;
        let allowed = list(&all);
        let (&last, rest) = allowed.split_last()?;
        if rest.is_empty() {
            return None;
        }
        let mut generator = CpuSet::new();
        generator.set(last);
        let mut server = all;
        server.unset(last);
        Some(super::Split {
            generator: Cores(generator),
            server: Cores(server),
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    /// A set of cores (never made off Linux).
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Cores;

    impl Cores {
        pub(crate) fn list(&self) -> Vec<usize> {
            Vec::new()
        }
    }

    pub(super) fn current() -> anyhow::Result<Cores> {
        anyhow::bail!("pinning is only done on Linux")
    }

    pub(super) fn set(_: Cores) -> anyhow::Result<()> {
        anyhow::bail!("pinning is only done on Linux")
    }

    pub(super) fn split() -> Option<super::Split> {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_thread_runs_on_its_cores_and_gets_its_own_back() {
        let before = imp::current().unwrap().list();
        let Some(split) = split() else {
            // One core: nothing to split, which `split` says rather than pinning both
            // sides to the same core.
            assert_eq!(before.len(), 1);
            return;
        };
        let generator = split.generator.list();
        let mut both = split.server.list();
        assert_eq!(generator, [*before.last().unwrap()]);
        both.extend(&generator);
        assert_eq!(
            both, before,
            "the two sides share no core and leave none out"
        );
        {
            let _pinned = Pinned::to(split.generator).unwrap();
            assert_eq!(imp::current().unwrap().list(), generator);
            // A thread started now inherits the pin.
            let inherited = std::thread::spawn(|| imp::current().unwrap().list())
                .join()
                .unwrap();
            assert_eq!(inherited, generator);
        }
        assert_eq!(imp::current().unwrap().list(), before);
    }
}
