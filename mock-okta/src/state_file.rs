//! The org's state file (`--state FILE`), written so that a failed write never leaves it cut:
//! the new state goes to a temporary file in the same directory, is flushed to disk, and only
//! then renamed over the old one. A reader sees the old state or the new, never half of one.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use crate::model::Org;

/// Why the state could not be saved; the old state file is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The org could not be serialised.
    #[error("cannot serialise the org: {0}")]
    Serialise(#[from] serde_json::Error),
    /// Writing, flushing or renaming failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The state file.
        path: String,
        /// Why.
        source: io::Error,
    },
}

/// Saves `org` to `path`, atomically.
pub fn save(path: &Path, org: &Org) -> Result<(), SaveError> {
    let text = serde_json::to_string_pretty(org)?;
    write_atomically(path, |file| file.write_all(text.as_bytes())).map_err(|source| SaveError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes `path` through `write` into a temporary file beside it, syncs it, and renames it
/// over `path`. When `write` (or anything after it) fails, `path` is untouched and the
/// temporary file is removed.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    write(temp.as_file_mut())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable once the directory is synced (where directories can be
    // opened; elsewhere the rename is still atomic).
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_state_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.json");
        std::fs::write(&path, "the old state").unwrap();
        // A write that fails halfway, as a full disk would.
        let failed = write_atomically(&path, |f| {
            f.write_all(b"the new st")?;
            Err(io::Error::other("no space left on device"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the old state");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed");

        write_atomically(&path, |f| f.write_all(b"the new state")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the new state");
    }

    #[test]
    fn an_org_round_trips_through_its_state_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.json");
        let org = Org::fivetran("http://127.0.0.1:9/scim/v2", crate::ClientMode::OinPatch);
        save(&path, &org).unwrap();
        let back: Org = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back.app.api.base_url, org.app.api.base_url);
        let nowhere = dir.path().join("no-such-dir").join("org.json");
        assert!(matches!(save(&nowhere, &org), Err(SaveError::Io { .. })));
    }
}
