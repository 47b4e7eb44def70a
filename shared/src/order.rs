//! Sorting that costs the browser build one sort routine. The standard library's sort is
//! generic over the element and the comparison, so each `sort_by_key` call site brought its
//! own copy (about 3 KB of wasm each); in the browser these sort a permutation of indices
//! with one shared, non-generic routine and a dynamic comparison, then move the elements into
//! place. Elsewhere they are the standard stable sort. Both are stable. Ordered maps and sets
//! are built by inserting, for the same reason.

use std::{
    cmp::Ordering,
    collections::{BTreeMap, BTreeSet},
};

/// A map of `pairs` (of a repeated key the last value kept), built by inserting: collecting
/// into a `BTreeMap` sorts the pairs first, with a sort instantiated per iterator type.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    map
}

/// A set of `items`, built by inserting (see [`map_of`]).
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// Sorts `v` stably by `cmp`.
// A `Vec`, not a slice: the browser's way moves the elements out and back.
#[allow(clippy::ptr_arg)]
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    #[cfg(target_arch = "wasm32")]
    {
        if v.len() < 2 {
            return;
        }
        let order = indices_sorted(v.len(), &|a, b| cmp(&v[a], &v[b]));
        let mut old: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
        v.extend(
            order
                .into_iter()
                .map(|i| old[i].take().expect("each index once")),
        );
    }
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(cmp);
}

/// Sorts `v` stably by `key`.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably in its natural order.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// `0..n` ordered by `cmp`: the one sort instantiation of the browser build.
#[cfg(target_arch = "wasm32")]
#[inline(never)]
fn indices_sorted(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorts_stably() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        super::sort_by_key(&mut v, |x| x.0);
        assert_eq!(v, vec![(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        let mut w = vec![3, 1, 2];
        super::sort(&mut w);
        assert_eq!(w, vec![1, 2, 3]);
    }
}
