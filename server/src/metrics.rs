//! Prometheus metrics without a global registry: counters live in the app state, so tests
//! can run many apps in one process.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, u16), u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Clone, Default)]
pub struct Metrics(Arc<Mutex<Inner>>);

impl Metrics {
    fn observe(&self, method: &str, status: u16, secs: f64) {
        if let Ok(mut m) = self.0.lock() {
            *m.requests.entry((method.to_string(), status)).or_default() += 1;
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    m.buckets[i] += 1;
                }
            }
            m.count += 1;
            m.sum += secs;
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let Ok(m) = self.0.lock() else {
            return String::new();
        };
        let mut s = String::from(
            "# HELP trellis_http_requests_total HTTP requests by method and status.\n\
             # TYPE trellis_http_requests_total counter\n",
        );
        for ((method, status), n) in &m.requests {
            s.push_str(&format!(
                "trellis_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}\n"
            ));
        }
        s.push_str(
            "# HELP trellis_http_request_duration_seconds Time to the response head.\n\
             # TYPE trellis_http_request_duration_seconds histogram\n",
        );
        for (i, b) in BUCKETS.iter().enumerate() {
            s.push_str(&format!(
                "trellis_http_request_duration_seconds_bucket{{le=\"{b}\"}} {}\n",
                m.buckets[i]
            ));
        }
        s.push_str(&format!(
            "trellis_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n\
             trellis_http_request_duration_seconds_sum {}\n\
             trellis_http_request_duration_seconds_count {}\n",
            m.count, m.sum, m.count
        ));
        s
    }
}

/// The method as a label: the standard ones by name, anything else as `other`, so a client
/// cannot grow the label set without bound.
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The `/metrics` route. It answers only requests bearing `TRELLIS_METRICS_TOKEN`; without
/// that setting it is off (404), as a secret never gets a default.
pub async fn serve(
    State((metrics, token)): State<(Metrics, Option<Arc<str>>)>,
    headers: axum::http::HeaderMap,
) -> Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let Some(want) = token else {
        return (
            StatusCode::NOT_FOUND,
            "metrics are off: set TRELLIS_METRICS_TOKEN",
        )
            .into_response();
    };
    let ok = crate::api::bearer(&headers).is_some_and(|got| {
        app::server::security::constant_time_eq(got.as_bytes(), want.as_bytes())
    });
    if !ok {
        let mut res = (StatusCode::UNAUTHORIZED, "a bearer token is required").into_response();
        res.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
        return res;
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        metrics.render(),
    )
        .into_response()
}

pub async fn track(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let res = next.run(req).await;
    metrics.observe(method, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}
