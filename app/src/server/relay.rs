//! Handing many messages to the SMTP relay at once. A plain relay (`smtp://host[:port]`
//! with no credentials, TLS parameter or HELO name: the usual local MTA) gets our own
//! connections with `TCP_NODELAY` set: lettre writes a message and its closing dot in two
//! writes, and with Nagle's algorithm the second waits for the relay's delayed
//! acknowledgement, about 40 ms a message per connection. Any other URL goes through
//! lettre's pooled transport as before.

use super::mail::{Failure, Mail, message};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

pub enum Relay {
    Plain { host: String, port: u16 },
    Pooled(AsyncSmtpTransport<Tokio1Executor>),
}

/// `Some((host, port))` when `url` names a plain relay that needs nothing but a connection.
fn plain(url: &str) -> Option<(String, u16)> {
    let u = url::Url::parse(url).ok()?;
    let bare = u.scheme() == "smtp"
        && u.username().is_empty()
        && u.password().is_none()
        && u.query().is_none()
        && u.path().len() <= 1;
    // An IPv6 literal is written in brackets in a URL, but connects without them.
    let host = u.host_str()?.trim_start_matches('[').trim_end_matches(']');
    bare.then(|| (host.to_string(), u.port().unwrap_or(25)))
}

impl Relay {
    pub fn new(url: &str, connections: usize) -> Result<Relay, String> {
        if let Some((host, port)) = plain(url) {
            return Ok(Relay::Plain { host, port });
        }
        Ok(Relay::Pooled(
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| format!("SMTP_URL: {e}"))?
                .timeout(Some(TIMEOUT))
                .pool_config(
                    lettre::transport::smtp::PoolConfig::new()
                        .max_size(u32::try_from(connections).unwrap_or(16)),
                )
                .build(),
        ))
    }

    /// Sends every message, `connections` at a time; each id with how its message fared.
    pub async fn send_all(
        &self,
        from: &str,
        mails: Vec<(i64, Mail)>,
        connections: usize,
    ) -> Vec<(i64, Result<(), Failure>)> {
        use futures::StreamExt;
        let connections = connections.max(1);
        match self {
            Relay::Plain { host, port } => {
                let queue = Arc::new(Mutex::new(VecDeque::from(mails)));
                let workers = (0..connections).map(|_| worker(host, *port, from, queue.clone()));
                futures::future::join_all(workers)
                    .await
                    .into_iter()
                    .flatten()
                    .collect()
            }
            Relay::Pooled(transport) => {
                futures::stream::iter(mails)
                    .map(|(id, mail)| async move {
                        let sent = match message(from, &mail) {
                            Err(e) => Err(Failure::Refused(e)),
                            Ok(m) => transport.send(m).await.map(|_| ()).map_err(classify),
                        };
                        (id, sent)
                    })
                    .buffer_unordered(connections)
                    .collect()
                    .await
            }
        }
    }
}

/// A refusal for good (5xx) or a fault worth another try.
pub fn classify(e: lettre::transport::smtp::Error) -> Failure {
    if e.is_permanent() {
        Failure::Refused(e.to_string())
    } else {
        Failure::Later(e.to_string())
    }
}

async fn connect(host: &str, port: u16) -> Result<AsyncSmtpConnection, String> {
    let stream = tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect((host, port)))
        .await
        .map_err(|_| "connecting to the relay timed out".to_string())?
        .map_err(|e| format!("connecting to the relay: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    tokio::time::timeout(
        TIMEOUT,
        AsyncSmtpConnection::connect_with_transport(Box::new(stream), &ClientId::default()),
    )
    .await
    .map_err(|_| "the relay did not greet in time".to_string())?
    .map_err(|e| e.to_string())
}

/// One connection taking messages from the shared queue until it is empty. A connection
/// that breaks (lettre closes it after any error, a refusal included) is opened again for
/// the next message.
async fn worker(
    host: &str,
    port: u16,
    from: &str,
    queue: Arc<Mutex<VecDeque<(i64, Mail)>>>,
) -> Vec<(i64, Result<(), Failure>)> {
    let mut out = Vec::new();
    let mut conn: Option<AsyncSmtpConnection> = None;
    loop {
        let next = queue.lock().map(|mut q| q.pop_front()).unwrap_or(None);
        let Some((id, mail)) = next else { break };
        let m = match message(from, &mail) {
            Ok(m) => m,
            Err(e) => {
                out.push((id, Err(Failure::Refused(e))));
                continue;
            }
        };
        if conn.as_ref().is_none_or(AsyncSmtpConnection::has_broken) {
            match connect(host, port).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    conn = None;
                    out.push((id, Err(Failure::Later(e))));
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let result = match tokio::time::timeout(TIMEOUT, c.send(m.envelope(), &m.formatted())).await
        {
            Err(_) => {
                conn = None;
                Err(Failure::Later("the relay did not answer in time".into()))
            }
            Ok(r) => r.map(|_| ()).map_err(classify),
        };
        out.push((id, result));
    }
    if let Some(mut c) = conn
        && !c.has_broken()
    {
        let _ = c.quit().await;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn only_a_bare_smtp_url_is_a_plain_relay() {
        assert_eq!(
            plain("smtp://127.0.0.1:2525"),
            Some(("127.0.0.1".into(), 2525))
        );
        assert_eq!(plain("smtp://mail.local"), Some(("mail.local".into(), 25)));
        assert_eq!(plain("smtp://[::1]:2525"), Some(("::1".into(), 2525)));
        assert_eq!(plain("smtp://u:p@mail.local:587"), None);
        assert_eq!(plain("smtp://mail.local:587?tls=required"), None);
        assert_eq!(plain("smtps://mail.local"), None);
        assert_eq!(plain("smtp://mail.local/helo.example"), None);
        assert_eq!(plain("not a url"), None);
    }
}
