//! Scenarios: the format (`model`), loading with located errors (`load`), and `${variables}`
//! (`vars`).

mod load;
mod model;
pub mod vars;

pub use load::{Diagnostic, Loaded, load_paths, load_sources, load_str};
pub use model::*;

/// The candidate nearest to `word` by edit distance, when it is close enough to be what was
/// meant ("did you mean").
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(
            nearest("asign_user", ["assign_user", "import_now"]),
            Some("assign_user")
        );
        assert_eq!(nearest("zzz", ["assign_user"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
