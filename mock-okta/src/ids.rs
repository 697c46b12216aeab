//! Okta-style ids (`00u...`, `00g...`) and Okta's placeholder passwords, from a seeded
//! generator: each new org draws its seed at random, so two orgs never hand out the same ids
//! (a server that holds `externalId` unique would refuse the second), and the seed is kept
//! in the org's state, so a state file fully describes what comes next. Tests fix the seed.

use serde::{Deserialize, Serialize};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A deterministic generator: SplitMix64 over a seed and a counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdGen {
    seed: u64,
    counter: u64,
}

impl IdGen {
    /// A generator with a seed.
    pub fn new(seed: u64) -> Self {
        IdGen { seed, counter: 0 }
    }

    /// A generator with a random seed (from the operating system).
    pub fn random() -> Self {
        IdGen::new(uuid::Uuid::new_v4().as_u64_pair().0)
    }

    fn next_u64(&mut self) -> u64 {
        self.counter += 1;
        let mut z = self
            .seed
            .wrapping_add(self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[(self.next_u64() % alphabet.len() as u64) as usize]))
            .collect()
    }

    /// An Okta id with a prefix such as `00u`: 20 characters in all, like Okta's.
    pub fn okta_id(&mut self, prefix: &str) -> String {
        format!(
            "{prefix}{}",
            self.chars(BASE62, 20usize.saturating_sub(prefix.len()))
        )
    }

    /// Okta's placeholder password for a create request: 8 lower-case letters and digits
    /// (okta-wire §2b: "a random 8-character value was observed").
    pub fn placeholder_password(&mut self) -> String {
        self.chars(
            &BASE62[..36]
                .iter()
                .map(u8::to_ascii_lowercase)
                .collect::<Vec<_>>(),
            8,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_oktas_and_are_reproducible() {
        let mut a = IdGen::new(1);
        let mut b = IdGen::new(1);
        let id = a.okta_id("00u");
        assert_eq!(id.len(), 20);
        assert!(id.starts_with("00u"));
        assert_eq!(id, b.okta_id("00u"));
        assert_ne!(a.okta_id("00u"), id);
        let p = a.placeholder_password();
        assert_eq!(p.len(), 8);
        assert!(
            p.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn random_generators_differ() {
        let ids: std::collections::BTreeSet<String> =
            (0..100).map(|_| IdGen::random().okta_id("00u")).collect();
        assert_eq!(ids.len(), 100);
    }
}
