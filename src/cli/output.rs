//! Where commands put what they produce: standard output, and files written all or nothing.
//!
//! Standard output goes through [`stdout`], which turns a failed write into an error (exit 1)
//! and a closed pipe (`cnsim run | head`) into a quiet stop. Files go through
//! [`write_all_or_nothing`]: every target is checked first (two outputs naming one file is a
//! usage error, exit 2; a directory is refused before anything is written), then regular files
//! are written to temporary names beside them and renamed over them only once every output
//! has been written. Paths are written through, never replaced, when replacing would lose
//! something: a symbolic link is followed to its target, and a FIFO, a device (`/dev/full`,
//! `/dev/stdout`) or a file with several hard links is opened and written in place.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::cli::CliError;

/// Writes `text` to standard output and flushes it.
pub fn stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| match e.kind() {
        ErrorKind::BrokenPipe => CliError::ClosedPipe,
        _ => CliError::Run(format!("cannot write to standard output: {e}")),
    })
}

/// Writes `text` to standard error, ignoring failures (there is nowhere left to report them).
pub fn stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// How one output reaches its path.
enum Target {
    /// A regular file (or nothing yet) at this real path: written beside it, then renamed.
    Replace(PathBuf),
    /// A FIFO, a device or a file with other hard links: opened and written in place.
    WriteThrough,
}

/// Checks the output paths before any work: no two name the same file (exit 2), none is a
/// directory (exit 1).
pub fn check_outputs(paths: &[&Path]) -> Result<(), CliError> {
    let mut seen: Vec<(PathBuf, &Path)> = Vec::new();
    for &path in paths {
        let key = identity(path);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(CliError::Input(format!(
                "two outputs name the same file ({} and {}): give each output its own path",
                first.display(),
                path.display()
            )));
        }
        if path.is_dir() {
            return Err(CliError::Run(format!("cannot write {}: it is a directory", path.display())));
        }
        seen.push((key, path));
    }
    Ok(())
}

/// The file a path names, as far as can be told: its real path when it exists, else its real
/// directory joined with its name.
fn identity(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let parent = fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    path.file_name().map_or(parent.clone(), |name| parent.join(name))
}

fn target(path: &Path) -> Target {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && !has_other_links(&meta) => Target::Replace(link_target(path)),
        Ok(_) => Target::WriteThrough,
        Err(_) => Target::Replace(link_target(path)),
    }
}

/// The path at the end of a chain of symbolic links (the path itself when it is none), even
/// when the last link points at nothing yet.
fn link_target(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::read_link(&current) {
            Ok(next) => current = current.parent().map_or(next.clone(), |dir| dir.join(&next)),
            Err(_) => break,
        }
    }
    current
}

#[cfg(unix)]
fn has_other_links(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

#[cfg(not(unix))]
fn has_other_links(_: &fs::Metadata) -> bool {
    false
}

/// The temporary name a file is written under before it is renamed into place.
pub(crate) fn temp_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".cnsim-tmp-{}", std::process::id()));
    path.with_file_name(name)
}

fn cannot_write(path: &Path, e: std::io::Error) -> CliError {
    CliError::Run(format!("cannot write {}: {e}", path.display()))
}

/// Writes every file or none: checks them all, writes regular files under temporary names,
/// writes FIFOs and devices through, then renames the temporary files over their targets. On
/// any failure before the renames, removes the temporary files and names the path that failed.
pub fn write_all_or_nothing(files: &[(&Path, Vec<u8>)]) -> Result<(), CliError> {
    check_outputs(&files.iter().map(|(p, _)| *p).collect::<Vec<_>>())?;
    let targets: Vec<Target> = files.iter().map(|(p, _)| target(p)).collect();
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let clean = |temps: &[(PathBuf, PathBuf)]| {
        for (temp, _) in temps {
            let _ = fs::remove_file(temp);
        }
    };
    for ((path, bytes), target) in files.iter().zip(&targets) {
        if let Target::Replace(real) = target {
            let temp = temp_of(real);
            if let Err(e) = fs::write(&temp, bytes) {
                let _ = fs::remove_file(&temp);
                clean(&temps);
                return Err(cannot_write(path, e));
            }
            temps.push((temp, real.clone()));
        }
    }
    for ((path, bytes), target) in files.iter().zip(&targets) {
        if let Target::WriteThrough = target {
            let written = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .or_else(|_| OpenOptions::new().write(true).open(path))
                .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()));
            if let Err(e) = written {
                clean(&temps);
                return Err(cannot_write(path, e));
            }
        }
    }
    for (i, (temp, real)) in temps.iter().enumerate() {
        if let Err(e) = fs::rename(temp, real) {
            clean(&temps[i..]);
            return Err(cannot_write(real, e));
        }
    }
    Ok(())
}
