//! Deal registration's background work on the job queue.

use crate::server::AppState;
use crate::server::jobs::Job;

/// Expires approved registrations whose protection ended. Queued every ten minutes by
/// every server with one dedupe key per slot, so it runs once per slot in all.
pub const EXPIRE_JOB: &str = "deals.expire";

/// The sweep is a guarded update: running it twice expires nothing twice.
pub async fn run_expire_job(state: AppState, _job: Job) -> Result<(), String> {
    match super::service::expire_due(&state.db).await {
        Ok(0) => Ok(()),
        Ok(n) => {
            tracing::info!(expired = n, "expired registrations");
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}
