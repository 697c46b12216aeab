//! Resource ids: random (version 4) UUIDs.

use super::Id;

/// A new id: a random (version 4) UUID, from the operating system's generator. Each thread
/// takes 4 KiB of randomness at a time: one `getrandom` call per id was 2% of a create.
pub(super) fn new_id() -> Id {
    const IDS_PER_FILL: usize = 256;
    thread_local! {
        static POOL: std::cell::RefCell<(usize, [[u8; 16]; IDS_PER_FILL])> =
            const { std::cell::RefCell::new((IDS_PER_FILL, [[0; 16]; IDS_PER_FILL])) };
    }
    let random = POOL.with_borrow_mut(|(next, ids)| {
        if *next == IDS_PER_FILL {
            if getrandom::fill(ids.as_flattened_mut()).is_err() {
                // As `Uuid::new_v4` does it (and fails as it does).
                return *uuid::Uuid::new_v4().as_bytes();
            }
            *next = 0;
        }
        let id = ids[*next];
        // Each id is used once: the pool keeps no copy of what it gave out.
        ids[*next] = [0; 16];
        *next += 1;
        id
    });
    let uuid = uuid::Builder::from_random_bytes(random).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    Id::from(&*uuid.hyphenated().encode_lower(&mut text))
}

#[cfg(test)]
mod tests {
    use super::new_id;

    #[test]
    fn ids_are_distinct_version_4_uuids_across_refills() {
        let ids: Vec<_> = (0..1000).map(|_| new_id()).collect();
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            let uuid = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(uuid.get_version_num(), 4, "{id}");
            assert_eq!(uuid.get_variant(), uuid::Variant::RFC4122, "{id}");
            assert_eq!(uuid.hyphenated().to_string(), **id);
        }
    }
}
