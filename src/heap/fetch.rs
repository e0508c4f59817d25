//! Taking a heap profile from a running service on this machine: `GET` over plain HTTP to a
//! loopback address, and nothing else. This is the one place leakls opens a connection, only
//! when asked with `--url`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::decode::{self, HeapProfile, MAX_FILE_BYTES};

/// How long a connection may take to open, and a response to come.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// A parsed `http://host:port/path` whose host is this machine.
#[derive(Debug, Clone)]
pub struct LoopbackUrl {
    pub host: String,
    pub path: String,
    pub addrs: Vec<SocketAddr>,
}

/// Parses `url` and checks that every address its host names is a loopback address.
pub fn parse_url(url: &str) -> Result<LoopbackUrl, String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!("{url}: only http:// URLs of this machine are read (a pprof endpoint)")
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/debug/pprof/heap".to_string()),
    };
    if authority.contains('@') {
        return Err(format!("{url}: no user information in the URL"));
    }
    let with_port = if authority.starts_with('[') {
        if authority.contains("]:") {
            authority.to_string()
        } else {
            format!("{authority}:80")
        }
    } else if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addrs: Vec<SocketAddr> = with_port
        .to_socket_addrs()
        .map_err(|e| format!("{url}: {e}"))?
        .collect();
    if addrs.is_empty() || addrs.iter().any(|a| !a.ip().is_loopback()) {
        return Err(format!(
            "{url}: not a loopback address (127.0.0.0/8, ::1, localhost): leakls only reads \
             profiles from services on this machine"
        ));
    }
    // A heap profile is as of the last garbage collection: `gc=1` asks the service for one
    // first, so that each snapshot shows the heap as it is (Go's pprof handler takes it).
    let path = if path.contains("gc=") {
        path
    } else if path.contains('?') {
        format!("{path}&gc=1")
    } else {
        format!("{path}?gc=1")
    };
    Ok(LoopbackUrl {
        host: authority.to_string(),
        path,
        addrs,
    })
}

/// `GET`s the profile and decodes it.
pub fn fetch(url: &LoopbackUrl) -> Result<HeapProfile, String> {
    let shown = format!("http://{}{}", url.host, url.path);
    let body = get(url).map_err(|e| format!("{shown}: {e}"))?;
    decode::decode(&body).map_err(|e| format!("{shown}: {e}"))
}

fn get(url: &LoopbackUrl) -> Result<Vec<u8>, String> {
    let mut last = String::from("no address");
    let mut stream = None;
    for addr in &url.addrs {
        match TcpStream::connect_timeout(addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = e.to_string(),
        }
    }
    let mut stream = stream.ok_or(last)?;
    stream
        .set_read_timeout(Some(READ_TIMEOUT))
        .map_err(|e| e.to_string())?;
    // HTTP/1.0: the server closes the connection after the body, and does not chunk it.
    let request = format!(
        "GET {} HTTP/1.0\r\nHost: {}\r\nUser-Agent: leakls\r\n\r\n",
        url.path, url.host
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .take(MAX_FILE_BYTES + 64 * 1024)
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP response")?;
    let head = String::from_utf8_lossy(&response[..end]);
    let status = head.lines().next().unwrap_or("");
    let code = status.split_whitespace().nth(1).unwrap_or("");
    if code != "200" {
        return Err(format!("the server answered {status:?}"));
    }
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = response[end + 4..].to_vec();
    if chunked {
        dechunk(&body)
    } else {
        Ok(body)
    }
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a truncated chunked body")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "a bad chunk size".to_string())?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("a truncated chunked body".to_string());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_urls_are_accepted() {
        assert!(parse_url("http://127.0.0.1:6060/debug/pprof/heap").is_ok());
        assert!(parse_url("http://[::1]:6060/debug/pprof/heap").is_ok());
        assert!(parse_url("http://localhost:6060").is_ok());
        for bad in [
            "https://127.0.0.1:6060/debug/pprof/heap",
            "http://10.1.2.3:6060/debug/pprof/heap",
            "http://192.168.0.1/debug/pprof/heap",
            "ftp://127.0.0.1/x",
            "http://user@127.0.0.1:6060/",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").unwrap(),
            b"abcde"
        );
        assert!(dechunk(b"5\r\nab").is_err());
    }
}
