//! Problems in a scenario file, as a person reads them: what is wrong, `file:line:column`,
//! the line with a caret under the place, and a suggestion where one helps.

use std::fmt;

use crate::yaml::Pos;

/// A problem in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub file: String,
    /// 1-based line (0 when the problem is the whole file).
    pub line: usize,
    /// 1-based column (0 when the problem is the whole file).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The offending line of the file.
    pub source_line: Option<String>,
    /// A suggestion.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (it cannot be read, or does not exist): no line to show.
    pub fn file_only(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            help: None,
        }
    }

    /// A problem at a place of `text`, the content of `file`.
    pub fn at(
        file: &str,
        text: &str,
        at: Pos,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: file.to_owned(),
            line: at.line,
            column: at.column,
            message: message.into(),
            source_line: (at.line > 0)
                .then(|| lines(text).nth(at.line - 1).map(str::to_owned))
                .flatten(),
            help,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if self.line == 0 {
            writeln!(f, "  --> {}", self.file)?;
        } else {
            writeln!(f, "  --> {}:{}:{}", self.file, self.line, self.column)?;
        }
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {src}")?;
            // Under a tab, a tab: the caret lines up however wide the terminal draws tabs.
            let under: String = src
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} | {under}^")?;
        }
        if let Some(h) = &self.help {
            writeln!(f, "  = help: {h}")?;
        }
        Ok(())
    }
}

/// The lines of a text, broken where YAML breaks them: at `\n`, `\r\n` or a lone `\r`.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.find(['\n', '\r']) {
            Some(i) => {
                let skip = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + skip..]);
                Some(&s[..i])
            }
            None => {
                rest = None;
                (!s.is_empty()).then_some(s)
            }
        }
    })
}

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

/// "did you mean `x`?" for the nearest candidate, if one is near.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    nearest(word, candidates).map(|n| format!("did you mean `{n}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_as_yaml_breaks_them() {
        let found: Vec<&str> = lines("a\nb\r\nc\rd\n").collect();
        assert_eq!(found, ["a", "b", "c", "d"]);
        let d = Diagnostic {
            file: "f".into(),
            line: 1,
            column: 3,
            message: "m".into(),
            source_line: Some("\tx: y".into()),
            help: None,
        };
        assert!(d.to_string().contains("  | \t ^"), "{d}");
    }

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
