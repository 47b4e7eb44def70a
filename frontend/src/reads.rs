//! Values a screen reads asynchronously (from the device's store, or the server), run again
//! whenever what the read's source tracks changes.
//!
//! A smaller stand-in for Leptos's `LocalResource` in the field build: its asynchronous
//! derived machinery (and the `Transition`s around it) cost about 7 KB brotli of a build that
//! must fit a field tablet's budget (docs/BENCHMARKS.md, session 22). What a screen sees is
//! the same: nothing until the first read ends, then the last finished read's value, kept
//! while a newer read runs (no flash of an empty list); a read that a newer one overtook
//! changes nothing.

use std::future::Future;

use leptos::prelude::*;

/// The latest finished result of [`read`].
pub struct Read<T: 'static>(RwSignal<Option<T>, LocalStorage>);

impl<T: 'static> Clone for Read<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Read<T> {}

impl<T: Clone + 'static> Read<T> {
    /// The value, tracked; `None` until the first read ends.
    pub fn get(&self) -> Option<T> {
        self.0.get()
    }

    /// The value, untracked.
    pub fn get_untracked(&self) -> Option<T> {
        self.0.get_untracked()
    }
}

impl<T: 'static> Read<T> {
    /// Looks at the value without cloning it, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&Option<T>) -> R) -> R {
        self.0.with(f)
    }
}

/// Runs `source` (tracked: whatever signals it reads start a new read when they change) and
/// keeps what the future it returns yields.
pub fn read<T, Fut>(source: impl Fn() -> Fut + 'static) -> Read<T>
where
    T: 'static,
    Fut: Future<Output = T> + 'static,
{
    let value = RwSignal::new_local(None);
    let reads = StoredValue::new(0u64);
    Effect::new(move |_| {
        let pending = source();
        let read = reads.get_value() + 1;
        reads.set_value(read);
        leptos::task::spawn_local(async move {
            let done = pending.await;
            // A page already left, or a read a later one overtook, changes nothing.
            if reads.try_get_value() == Some(read) {
                value.try_set(Some(done));
            }
        });
    });
    Read(value)
}
