//! One kind of resource (users or teams) and its indexes, as a query reads them: where the
//! candidates come from (an index or a scan), and how they are filtered, sorted and paged.

use std::collections::HashMap;

use scim_core::sort::SortKey;
use scim_core::text::fold;
use smallvec::SmallVec;

use super::{Id, IndexHint, Page, Query, Rendered};

/// The ids under one key of a non-unique index: almost always one, kept inline.
pub(super) type IdList = SmallVec<[Id; 1]>;

/// One kind of resource (users or teams) and its indexes, as a query reads them.
pub(super) struct Table<'a, R> {
    pub(super) by_id: &'a HashMap<Id, R>,
    pub(super) order: &'a [(u64, Id)],
    pub(super) by_name: &'a HashMap<String, Id>,
    pub(super) by_external: &'a HashMap<String, IdList>,
}

impl<'a, R> Table<'a, R> {
    /// The records an index hint allows, in no particular order; `None` for a scan.
    fn indexed(&self, hint: &IndexHint) -> Option<Vec<&'a R>> {
        let ids: Vec<&Id> = match hint {
            IndexHint::Scan => return None,
            IndexHint::Id(id) => return Some(self.by_id.get(id.as_str()).into_iter().collect()),
            IndexHint::Name(n) => self.by_name.get(fold(n).as_ref()).into_iter().collect(),
            IndexHint::ExternalId(x) => self.by_external.get(x).into_iter().flatten().collect(),
        };
        Some(
            ids.into_iter()
                .filter_map(|id| self.by_id.get(id))
                .collect(),
        )
    }

    /// Every record, in creation order.
    fn scan(&self) -> impl Iterator<Item = &'a R> + 'a {
        let by_id = self.by_id;
        self.order.iter().filter_map(move |(_, id)| by_id.get(id))
    }

    /// Runs a query: candidates from the index or a scan, each rendered at most once, then
    /// filtered, sorted and paged. An unsorted query keeps only the page's renderings.
    pub(super) fn query<V>(
        &self,
        query: &Query<'_, V>,
        view: impl Fn(&R) -> V,
        seq: impl Fn(&R) -> u64,
    ) -> Page<Rendered<V>> {
        let render = |r: &R| (query.render)(view(r));
        // Rendered when it matches; dropped at once otherwise.
        let select = |r: &R| {
            let m = render(r);
            query.predicate.is_none_or(|p| p(&m)).then_some(m)
        };
        let indexed = self.indexed(&query.hint);
        if let Some(sort) = &query.sort {
            let candidates: Box<dyn Iterator<Item = &R>> = match indexed {
                None => Box::new(self.scan()),
                Some(records) => Box::new(records.into_iter()),
            };
            let mut keyed: Vec<(Option<SortKey>, u64, Rendered<V>)> = candidates
                .filter_map(|r| select(r).map(|m| ((sort.key)(&m), seq(r), m)))
                .collect();
            keyed.sort_by(|(a, sa, _), (b, sb, _)| (sort.compare)(a, b).then(sa.cmp(sb)));
            let total = keyed.len();
            let items = keyed
                .into_iter()
                .skip(query.offset)
                .take(query.count)
                .map(|(_, _, m)| m)
                .collect();
            return Page { total, items };
        }
        if indexed.is_none() && query.predicate.is_none() {
            // Everything, in creation order: the page is a slice.
            let total = self.order.len();
            let items = self.order[query.offset.min(total)..]
                .iter()
                .take(query.count)
                .filter_map(|(_, id)| self.by_id.get(id))
                .map(render)
                .collect();
            return Page { total, items };
        }
        let mut total = 0;
        let mut items = Vec::new();
        let mut visit = |r: &R| {
            if let Some(m) = select(r) {
                if total >= query.offset && items.len() < query.count {
                    items.push(m);
                }
                total += 1;
            }
        };
        match indexed {
            None => self.scan().for_each(&mut visit),
            Some(mut records) => {
                // Index lookups may come out of order; pages must be stable.
                records.sort_by_key(|r| seq(r));
                records.into_iter().for_each(&mut visit);
            }
        }
        Page { total, items }
    }
}
