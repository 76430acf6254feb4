//! Axum hello-world with the same listener setup as Trellis: the baseline that the SSR
//! benchmark (`scripts/bench`) compares against.

use axum::Router;
use axum::routing::get;
use axum::serve::ListenerExt;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("HELLO_ADDR").unwrap_or_else(|_| "127.0.0.1:3199".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|t| {
        let _ = t.set_nodelay(true);
    });
    let app = Router::new().route("/", get(|| async { "Hello, world!" }));
    axum::serve(listener, app).await
}
