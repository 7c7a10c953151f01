//! Whether a sender is ready (sender side): the facts a process gathers in, one verdict out. A
//! health check (`GET /health`, a load balancer's probe, an orchestrator's readiness) answers
//! with it; nothing here reads a clock or a database: the caller passes `nowMs` and what it saw.
//!
//! The rules:
//! - `unavailable` (not ready: answer 503) when the database could not be reached just now, or
//!   this process runs a worker that stopped, cannot reach its database, or whose loop has not
//!   turned for `workerStalledAfterMs` (default 30 s; at least three of its idle waits);
//! - `degraded` (ready, but look) when secrets are sealed with keys this process was not given
//!   (their endpoints cannot be signed for), or the oldest due delivery has waited longer than
//!   `lateAfterMs` (default 5 minutes; `null`: never judged): the sender is behind;
//! - `ok` otherwise.
//!
//! A backlog makes a sender degraded, never unavailable: taking it out of service would not
//! make it catch up.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Thirty seconds, the default `workerStalledAfterMs`.
pub const DEFAULT_WORKER_STALLED_AFTER_MS: i64 = 30_000;
/// Five minutes, the default `lateAfterMs`.
pub const DEFAULT_LATE_AFTER_MS: i64 = 300_000;

/// What a process saw, at `nowMs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Facts {
    pub now_ms: i64,
    /// The database answered the check's query just now.
    pub database: bool,
    /// Stored secrets sealed with key ids this process was not given.
    #[serde(default)]
    pub keys_missing: u64,
    /// The delivery worker of this process, if it runs one.
    #[serde(default)]
    pub worker: Option<WorkerFacts>,
    /// When the oldest pending delivery that is due was due; `null` when none is.
    #[serde(default)]
    pub oldest_due_at_ms: Option<i64>,
}

/// What a delivery worker says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkerFacts {
    /// It has not been stopped.
    pub running: bool,
    /// Its last claim or record reached the database.
    pub database: bool,
    /// When its loop last turned (it turns at least every `idleMs` while running).
    pub last_loop_at_ms: Option<i64>,
    /// How long it waits when nothing is due.
    #[serde(default)]
    pub idle_ms: i64,
}

/// When a worker counts as stalled and a backlog as late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    #[serde(default = "default_stalled")]
    pub worker_stalled_after_ms: i64,
    #[serde(default = "default_late")]
    pub late_after_ms: Option<i64>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            worker_stalled_after_ms: default_stalled(),
            late_after_ms: default_late(),
        }
    }
}

fn default_stalled() -> i64 {
    DEFAULT_WORKER_STALLED_AFTER_MS
}

fn default_late() -> Option<i64> {
    Some(DEFAULT_LATE_AFTER_MS)
}

impl Policy {
    /// Both times must be positive (`lateAfterMs` may be `null`).
    pub fn validate(&self) -> Result<(), Error> {
        if self.worker_stalled_after_ms <= 0 || self.late_after_ms.is_some_and(|l| l <= 0) {
            return Err(Error::InvalidPolicy {
                reason: "workerStalledAfterMs and lateAfterMs must be positive milliseconds",
            });
        }
        Ok(())
    }
}

/// The verdict's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    Ok,
    Degraded,
    Unavailable,
}

/// Each fact's verdict: `"ok"` or what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    /// `ok` or `unavailable`.
    pub database: &'static str,
    /// `ok` or `missing` (secrets sealed with keys not given).
    pub keys: &'static str,
    /// `ok`, `none` (no worker here), `stopped`, `unavailable` (its database) or `stalled`.
    pub worker: &'static str,
    /// `ok` or `late` (the oldest due delivery waited past `lateAfterMs`).
    pub backlog: &'static str,
}

/// The verdict: `ready` is false only when `status` is `unavailable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub status: Level,
    pub ready: bool,
    pub checks: Checks,
    /// How long the oldest due delivery has waited (0 or more), `null` when none is due.
    pub oldest_due_age_ms: Option<i64>,
}

/// The verdict on `facts` under `policy`.
pub fn readiness(facts: &Facts, policy: &Policy) -> Readiness {
    let database = if facts.database { "ok" } else { "unavailable" };
    let keys = if facts.keys_missing > 0 {
        "missing"
    } else {
        "ok"
    };
    let worker = match &facts.worker {
        None => "none",
        Some(w) if !w.running => "stopped",
        Some(w) if !w.database => "unavailable",
        Some(w) => {
            let stalled_after = policy
                .worker_stalled_after_ms
                .max(w.idle_ms.saturating_mul(3))
                .max(1);
            match w.last_loop_at_ms {
                Some(at) if facts.now_ms.saturating_sub(at) < stalled_after => "ok",
                _ => "stalled",
            }
        }
    };
    let oldest_due_age_ms = facts
        .oldest_due_at_ms
        .map(|at| facts.now_ms.saturating_sub(at).max(0));
    let late = matches!((oldest_due_age_ms, policy.late_after_ms), (Some(age), Some(limit)) if age > limit);
    let backlog = if late { "late" } else { "ok" };
    let status = if database != "ok" || !matches!(worker, "ok" | "none") {
        Level::Unavailable
    } else if keys != "ok" || backlog != "ok" {
        Level::Degraded
    } else {
        Level::Ok
    };
    Readiness {
        ready: status != Level::Unavailable,
        status,
        checks: Checks {
            database,
            keys,
            worker,
            backlog,
        },
        oldest_due_age_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            now_ms: 100_000,
            database: true,
            keys_missing: 0,
            worker: Some(WorkerFacts {
                running: true,
                database: true,
                last_loop_at_ms: Some(99_900),
                idle_ms: 100,
            }),
            oldest_due_at_ms: None,
        }
    }

    #[test]
    fn levels() {
        let p = Policy::default();
        assert_eq!(readiness(&facts(), &p).status, Level::Ok);
        let mut f = facts();
        f.oldest_due_at_ms = Some(100_000 - DEFAULT_LATE_AFTER_MS - 1);
        let r = readiness(&f, &p);
        assert_eq!(
            (r.status, r.ready, r.checks.backlog),
            (Level::Degraded, true, "late")
        );
        f.database = false;
        assert_eq!(readiness(&f, &p).status, Level::Unavailable);
        let mut f = facts();
        f.worker = Some(WorkerFacts {
            running: true,
            database: true,
            last_loop_at_ms: Some(0),
            idle_ms: 100,
        });
        assert_eq!(readiness(&f, &p).checks.worker, "stalled");
        assert!(Policy {
            late_after_ms: Some(0),
            ..Policy::default()
        }
        .validate()
        .is_err());
    }
}
