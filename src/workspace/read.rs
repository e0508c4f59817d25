//! The one way leakls reads a file it did not write: Go sources, `go.mod`, `go.work`,
//! `leakls.toml`, in the server and on the command line.
//!
//! A workspace may hold anything under a Go-looking name: a FIFO (opening it for reading would
//! wait for a writer for ever), a device, a sparse file of gigabytes, a binary. So the file is
//! opened without blocking, checked on the open descriptor (a swap between a check by name and
//! the open cannot fool it) to be a regular file no larger than [`MAX_FILE_BYTES`], read no
//! further than that, and turned away when it is not text: NUL bytes, or bytes that are not
//! UTF-8. Each refusal says why, for the log or the command line.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest file leakls reads. Larger Go files are generated tables, not code anyone edits
/// by hand; a larger `go.mod` or `leakls.toml` is not one.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, socket, device or folder.
    NotRegular(&'static str),
    TooLarge(u64),
    /// Binary content: the offset of the first NUL byte.
    HasNul(usize),
    /// The offset where the bytes stop being UTF-8.
    NotUtf8(usize),
    Io(std::io::Error),
}

impl ReadError {
    /// The file is not there (any more): no message is worth showing.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind}), skipped"),
            ReadError::TooLarge(size) => write!(
                f,
                "{:.1} MiB, larger than the {} MiB leakls reads, skipped",
                *size as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES >> 20
            ),
            ReadError::HasNul(at) => {
                write!(f, "binary content (a NUL byte at offset {at}), skipped")
            }
            ReadError::NotUtf8(at) => write!(f, "not valid UTF-8 (at byte {at}), skipped"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<ReadError> for String {
    fn from(e: ReadError) -> String {
        e.to_string()
    }
}

/// Reads `path` as text, within the limits above.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    // One byte past the limit shows a file that grew after the check.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(ReadError::HasNul(at));
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// Opens `path` for reading if it is a regular file within the size limit, without ever
/// blocking on the open.
fn open_regular(path: &Path) -> Result<File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opens at once instead of waiting for a writer; reads of a regular file are
        // not affected.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular(describe(&kind)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    Ok(file)
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_refuses_what_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("a.go");
        std::fs::write(&ok, "package a\n").unwrap();
        assert_eq!(read_text(&ok).unwrap(), "package a\n");

        let nul = dir.path().join("nul.go");
        std::fs::write(&nul, b"package a\n\0\0").unwrap();
        assert!(matches!(read_text(&nul), Err(ReadError::HasNul(10))));

        let latin1 = dir.path().join("l.go");
        std::fs::write(&latin1, b"package \xe9\n").unwrap();
        assert!(matches!(read_text(&latin1), Err(ReadError::NotUtf8(8))));

        let big = dir.path().join("big.go");
        let f = File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap(); // sparse: no disk used
        assert!(matches!(read_text(&big), Err(ReadError::TooLarge(_))));

        assert!(matches!(
            read_text(dir.path()),
            Err(ReadError::NotRegular("a folder")) | Err(ReadError::Io(_))
        ));
        assert!(read_text(&dir.path().join("gone.go"))
            .unwrap_err()
            .is_not_found());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.go");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(matches!(
            read_text(&fifo),
            Err(ReadError::NotRegular("a FIFO"))
        ));
    }
}
