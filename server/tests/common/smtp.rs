//! A real, minimal SMTP server on loopback that keeps what it receives, so tests read the
//! emails Trellis sends exactly as an SMTP relay would get them. Addresses starting with
//! `bounce` are refused for good (550), as a server refuses an unknown mailbox.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub rcpt: Vec<String>,
    pub data: String,
}

impl Received {
    /// The message with quoted-printable soft line breaks and `=3D` undone.
    pub fn decoded(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }
}

#[derive(Clone, Default)]
pub struct SmtpSink {
    pub messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts the sink; returns it and its `smtp://` URL.
    pub async fn start() -> (SmtpSink, String) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        Self::start_on(listener)
    }

    /// Starts the sink on a bound listener (a port chosen earlier, while it was down).
    pub fn start_on(listener: TcpListener) -> (SmtpSink, String) {
        let url = format!("smtp://{}", listener.local_addr().expect("addr"));
        let sink = SmtpSink::default();
        let s2 = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s3 = s2.clone();
                tokio::spawn(async move {
                    let _ = s3.session(stream).await;
                });
            }
        });
        (sink, url)
    }

    async fn session(&self, stream: tokio::net::TcpStream) -> std::io::Result<()> {
        let (r, mut w) = stream.into_split();
        let mut lines = BufReader::new(r).lines();
        w.write_all(b"220 sink ESMTP\r\n").await?;
        let mut rcpt = Vec::new();
        while let Some(line) = lines.next_line().await? {
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                w.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
            } else if upper.starts_with("MAIL FROM") {
                rcpt.clear();
                w.write_all(b"250 OK\r\n").await?;
            } else if upper.starts_with("RCPT TO") {
                let to = line[8..].trim().trim_matches(['<', '>']).to_string();
                // Like a real server for an address that does not exist: refused for good.
                if to.starts_with("bounce") {
                    w.write_all(b"550 5.1.1 <bounce>: no such user\r\n").await?;
                    continue;
                }
                rcpt.push(to);
                w.write_all(b"250 OK\r\n").await?;
            } else if upper == "DATA" {
                w.write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                while let Some(l) = lines.next_line().await? {
                    if l == "." {
                        break;
                    }
                    data.push_str(&l);
                    data.push_str("\r\n");
                }
                if let Ok(mut m) = self.messages.lock() {
                    m.push(Received {
                        rcpt: rcpt.clone(),
                        data,
                    });
                }
                w.write_all(b"250 queued\r\n").await?;
            } else if upper == "QUIT" {
                w.write_all(b"221 bye\r\n").await?;
                break;
            } else {
                w.write_all(b"250 OK\r\n").await?;
            }
        }
        Ok(())
    }

    /// Waits up to ten seconds for `n` messages to `to` (email goes out through the job
    /// queue, after the request that sent it has answered), then returns what arrived.
    pub async fn wait_for(&self, to: &str, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            if self.for_rcpt(to).len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.for_rcpt(to)
    }

    /// The messages received for `to`, oldest first.
    pub fn for_rcpt(&self, to: &str) -> Vec<Received> {
        self.messages
            .lock()
            .map(|m| {
                m.iter()
                    .filter(|r| r.rcpt.iter().any(|x| x == to))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The first link in a text that starts with `prefix`.
pub fn link(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)?;
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}
