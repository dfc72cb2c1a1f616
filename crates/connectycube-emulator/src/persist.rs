//! `--data-dir`: the emulator's state kept across restarts.
//!
//! Design: a whole-state snapshot per acknowledged write. The state is small (a
//! developer's test users and sessions), so writing all of it costs little, and it is the
//! simplest thing that is atomic: `state.json.tmp` is written and fsynced, renamed over
//! `state.json`, and the directory fsynced. A `kill -9` at any moment leaves either the
//! old snapshot or the new one, never half of one, so there is no torn tail to repair
//! and loading never guesses. Uploaded bytes are files of their own under `blobs/`,
//! named by their SHA-1 and written the same way *before* the snapshot that names them;
//! files no snapshot names are removed after the next snapshot and at load.
//!
//! When to save is `saving.rs`'s: every write request (any POST, PUT or DELETE, and
//! `GET /users/password/reset`) is saved before its answer is sent: acknowledged means durable. A failed save turns the
//! answer into a 500. Snapshots are serialized by one lock, taken before the state is
//! read, so they reach the disk in the order of the changes they hold; a request whose
//! change an earlier snapshot already covered writes nothing (concurrent writers share
//! one fsync). Reads change a little too (a session's sliding expiry, a user's
//! `last_request_at`); those are saved within a second by a background task, by the next
//! write, and at shutdown.
//!
//! Not kept: fault rules, request and connection counts, and the app's settings (they
//! come from the command line).

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::store::Store;
use crate::store::snapshot::StoreSnapshot;

/// Names the kind of file, so that any other JSON file is refused rather than misread.
const FORMAT: &str = "connectycube-emulator-state";
/// Bumped when the file changes in a way older emulators cannot read.
const VERSION: u32 = 1;
const STATE_FILE: &str = "state.json";
const TEMP_SUFFIX: &str = ".tmp";
const BLOB_DIR: &str = "blobs";
/// Locked for as long as an emulator uses the directory (the OS drops the lock when the
/// process ends, `kill -9` included, so it never goes stale).
const LOCK_FILE: &str = "lock";

/// A data directory that cannot be used: what was tried, on which file, and why. The
/// emulator refuses to start on it and leaves the files as they are.
#[derive(Debug)]
pub struct DataDirError {
    path: PathBuf,
    problem: String,
}

impl DataDirError {
    fn new(path: &Path, problem: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            problem: problem.into(),
        }
    }

    fn io(path: &Path, doing: &str, error: &std::io::Error) -> Self {
        Self::new(path, format!("cannot {doing}: {error}"))
    }

    /// The file or directory at fault.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl std::fmt::Display for DataDirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "data directory: {}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for DataDirError {}

impl From<DataDirError> for std::io::Error {
    fn from(error: DataDirError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, error)
    }
}

/// What `state.json` holds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    format: String,
    version: u32,
    /// The virtual clock's distance from real time; a restart keeps it.
    clock_offset_ms: i64,
    store: StoreSnapshot,
}

/// Writes snapshots to one data directory.
pub struct Persister {
    dir: PathBuf,
    written: Mutex<Written>,
    /// Held, never read: two emulators saving to one directory would each overwrite the
    /// other's acknowledged writes.
    _lock: File,
}

/// What the last durable snapshot covered. Its lock is the one that orders snapshots.
struct Written {
    /// `AppState::changes` as of that snapshot.
    changes: u64,
    clock_offset_ms: i64,
    /// Blob id → its bytes and the file holding them. The `Bytes` held here keep their
    /// buffer alive, so an equal pointer means the same, unchanged upload: no rehashing.
    blob_files: HashMap<i64, (Bytes, String)>,
}

/// The state found in a data directory.
pub struct Restored {
    pub persister: Persister,
    pub store: Store,
    pub clock_offset_ms: i64,
}

/// Opens (creating it if needed) the data directory and reads the state it holds; an
/// empty store when there is none yet.
pub fn open(dir: &Path) -> Result<Restored, DataDirError> {
    let lock = lock(dir)?;
    // Read everything before touching anything: a directory that fails to load is left as it was.
    let state_path = dir.join(STATE_FILE);
    let (store, clock_offset_ms, blob_files) = match fs::read(&state_path) {
        Ok(bytes) => read_state(dir, &state_path, &bytes)?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => (Store::default(), 0, HashMap::new()),
        Err(error) => return Err(DataDirError::io(&state_path, "read", &error)),
    };
    let blob_dir = dir.join(BLOB_DIR);
    fs::create_dir_all(&blob_dir).map_err(|e| DataDirError::io(&blob_dir, "create the directory", &e))?;
    // A temporary file is a snapshot that was never renamed into place: never acknowledged.
    let temp = temp_path(&state_path);
    if temp.exists() {
        fs::remove_file(&temp).map_err(|e| DataDirError::io(&temp, "remove an unfinished snapshot", &e))?;
    }
    let keep: HashSet<&str> = blob_files.values().map(|(_, name)| name.as_str()).collect();
    remove_unnamed_blob_files(&blob_dir, &keep);
    Ok(Restored {
        persister: Persister {
            _lock: lock,
            dir: dir.to_owned(),
            written: Mutex::new(Written {
                // The restored state is what the file holds: nothing to write until it changes.
                changes: 0,
                clock_offset_ms,
                blob_files,
            }),
        },
        store,
        clock_offset_ms,
    })
}

/// Takes the directory for this emulator alone, creating it if needed.
fn lock(dir: &Path) -> Result<File, DataDirError> {
    fs::create_dir_all(dir).map_err(|e| DataDirError::io(dir, "create the directory", &e))?;
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| DataDirError::io(&path, "open", &e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(DataDirError::new(
            dir,
            "another emulator is using this directory; stop it or give this one another --data-dir",
        )),
        Err(fs::TryLockError::Error(e)) => Err(DataDirError::io(&path, "lock", &e)),
    }
}

type Loaded = (Store, i64, HashMap<i64, (Bytes, String)>);

fn read_state(dir: &Path, path: &Path, bytes: &[u8]) -> Result<Loaded, DataDirError> {
    let corrupt = |problem: String| {
        DataDirError::new(
            path,
            format!("{problem}; the emulator did not start and changed nothing (move the file away to start empty)"),
        )
    };
    // Format and version first, so a newer file gets a clear error rather than a parse error.
    #[derive(Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<u32>,
    }
    let header: Header =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not a readable emulator state file ({e})")))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(corrupt("not an emulator state file".to_owned()));
    }
    match header.version {
        Some(VERSION) => {}
        Some(version) if version > VERSION => {
            return Err(corrupt(format!(
                "written by a newer emulator (format version {version}; this one reads version {VERSION})"
            )));
        }
        Some(version) => return Err(corrupt(format!("unknown format version {version}"))),
        None => return Err(corrupt("no format version".to_owned())),
    }
    let mut state: StateFile =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not a readable emulator state file ({e})")))?;
    let mut blob_files = HashMap::new();
    for blob in &mut state.store.blobs {
        let Some(name) = &blob.data_file else { continue };
        // Only a name this emulator writes: never a path out of the directory.
        if !is_blob_file_name(name) {
            return Err(corrupt(format!(
                "blob {} names a data file {name:?} this emulator never writes",
                blob.id
            )));
        }
        let file = dir.join(BLOB_DIR).join(name);
        let data = fs::read(&file).map_err(|e| {
            DataDirError::new(
                &file,
                format!("cannot read the bytes of blob {} named in {STATE_FILE}: {e}", blob.id),
            )
        })?;
        if name != &sha1_hex(&data) {
            return Err(DataDirError::new(
                &file,
                format!(
                    "the bytes of blob {} do not match their checksum (the file was changed)",
                    blob.id
                ),
            ));
        }
        let data = Bytes::from(data);
        blob_files.insert(blob.id, (data.clone(), name.clone()));
        blob.data = Some(data);
    }
    let store = Store::restore(state.store).map_err(corrupt)?;
    Ok((store, state.clock_offset_ms, blob_files))
}

fn remove_unnamed_blob_files(blob_dir: &Path, keep: &HashSet<&str>) {
    let Ok(entries) = fs::read_dir(blob_dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(|name| keep.contains(name)) {
            // Best effort: an orphan costs disk space, never correctness.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A SHA-1 in lower-case hex: the only names blob files get.
fn is_blob_file_name(name: &str) -> bool {
    name.len() == 40 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn sha1_hex(data: &[u8]) -> String {
    hex::encode(Sha1::digest(data))
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(TEMP_SUFFIX);
    PathBuf::from(name)
}

/// Writes `bytes` to `path` so that `path` holds either its old content or all of the
/// new one, durably: a temporary file, fsynced, renamed over `path`, the directory fsynced.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_then_rename(path, bytes)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// A temporary file written and fsynced, then renamed to `path`: whoever finds `path`
/// finds all of `bytes`. The rename itself is durable once the directory is fsynced.
fn write_then_rename(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = temp_path(path);
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        // Session tokens, password hashes and private files: readable by the owner only.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, path)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    // Makes a rename durable. Only Unix can open a directory as a file to fsync it.
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

impl Persister {
    /// Writes a snapshot unless the last one covers the state; returns once it is on disk.
    /// `read` runs under the lock that orders snapshots, is given what the last snapshot
    /// covered (change count, clock offset), and returns the state to write with its own
    /// change count and clock offset, or `None` when nothing changed.
    pub fn save_with(&self, read: impl FnOnce(u64, i64) -> Option<(StoreSnapshot, u64, i64)>) -> std::io::Result<()> {
        let mut written = self.written.lock();
        let Some((mut snapshot, changes, clock_offset_ms)) = read(written.changes, written.clock_offset_ms) else {
            return Ok(());
        };
        let mut blob_files = HashMap::new();
        let mut new_files = false;
        for blob in &mut snapshot.blobs {
            let Some(data) = blob.data.take() else { continue };
            let name = match written.blob_files.get(&blob.id) {
                Some((known, name)) if known.as_ptr() == data.as_ptr() && known.len() == data.len() => name.clone(),
                _ => {
                    let name = sha1_hex(&data);
                    let path = self.dir.join(BLOB_DIR).join(&name);
                    if !path.exists() {
                        write_then_rename(&path, &data)?;
                        new_files = true;
                    }
                    name
                }
            };
            blob.data_file = Some(name.clone());
            blob_files.insert(blob.id, (data, name));
        }
        if new_files {
            sync_dir(&self.dir.join(BLOB_DIR))?;
        }
        let file = StateFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            clock_offset_ms,
            store: snapshot,
        };
        let json = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
        write_atomically(&self.dir.join(STATE_FILE), &json)?;
        let kept: HashSet<&str> = blob_files.values().map(|(_, name)| name.as_str()).collect();
        for (_, old) in written.blob_files.values() {
            if !kept.contains(old.as_str()) {
                // Best effort: a file left behind is removed at the next start.
                let _ = fs::remove_file(self.dir.join(BLOB_DIR).join(old));
            }
        }
        *written = Written {
            changes,
            clock_offset_ms,
            blob_files,
        };
        Ok(())
    }
}
