//! Deduplication of verified deliveries: the key under which a receiver remembers a delivery and
//! how long it must remember it. The store itself is the caller's (memory, KV, a database); this
//! module only decides what to store, so every store agrees.
//!
//! - A scheme that sends a delivery id (Standard Webhooks' `webhook-id`, GitHub's
//!   `X-GitHub-Delivery`, Shopify's and Linear's ids) is keyed by scheme and id, and remembered
//!   for the retention (default 7 days, longer than the common senders' retry spans), since a
//!   sender's retry carries the same id under a fresh timestamp.
//! - A scheme without one (Stripe, Slack, Discord, a custom layout with a timestamp) is keyed by
//!   scheme, signed timestamp and the body's SHA-256, and remembered until the timestamp has
//!   passed out of the tolerance twice over (after that the same bytes no longer verify). This
//!   catches a replay; a sender's retry, signed again at a new time, is a new key.
//! - Neither id nor timestamp: scheme and the body's SHA-256, for the retention.
//!
//! Only a verified delivery is ever remembered, so an attacker cannot fill the store with ids
//! that would make genuine deliveries look like duplicates.

#[allow(unused_imports)]
use crate::prelude::*;
use sha2::{Digest, Sha256};

use crate::verify::Verified;

/// The retention of an id-keyed entry when the caller does not choose one: 7 days.
pub const DEFAULT_RETENTION_SECS: u64 = 7 * 86_400;
/// The longest retention accepted: 1e9 seconds, as for the tolerance.
pub const MAX_RETENTION_SECS: u64 = 1_000_000_000;
/// Ids longer than this are hashed into the key, so a key stays short whatever the sender sent.
const MAX_ID_IN_KEY: usize = 200;

/// What a dedupe store is asked to claim: `key` unless already held, kept until `expires_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupeEntry {
    pub key: String,
    /// Unix milliseconds after which the entry may be forgotten.
    pub expires_at_ms: i64,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn ms(seconds: i128) -> i64 {
    i64::try_from(seconds.saturating_mul(1000)).unwrap_or(if seconds < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// The entry for a delivery `verified` with `body` at `now` (unix seconds), under the
/// verifier's `tolerance_secs` and the caller's `retention_secs`.
pub fn dedupe_entry(
    verified: &Verified,
    body: &[u8],
    tolerance_secs: u64,
    retention_secs: u64,
    now: i64,
) -> DedupeEntry {
    let scheme = verified.scheme.name();
    let retained =
        ms(i128::from(now).saturating_add(i128::from(retention_secs.min(MAX_RETENTION_SECS))));
    match (&verified.id, verified.timestamp) {
        (Some(id), _) if !id.is_empty() => {
            let key = if id.len() <= MAX_ID_IN_KEY && !id.contains(char::is_control) {
                [scheme, ":id:", id].concat()
            } else {
                [scheme, ":idh:", &sha256_hex(id.as_bytes())].concat()
            };
            DedupeEntry {
                key,
                expires_at_ms: retained,
            }
        }
        (_, Some(ts)) => {
            let until = i128::from(ts).saturating_add(i128::from(tolerance_secs).saturating_mul(2));
            DedupeEntry {
                key: [
                    scheme,
                    ":ts:",
                    itoa::Buffer::new().format(ts),
                    ":",
                    &sha256_hex(body),
                ]
                .concat(),
                // Never already expired: the store must hold it past this request at least.
                expires_at_ms: ms(until.max(i128::from(now).saturating_add(1))),
            }
        }
        _ => DedupeEntry {
            key: [scheme, ":body:", &sha256_hex(body)].concat(),
            expires_at_ms: retained,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::Scheme;

    fn verified(scheme: Scheme, id: Option<&str>, timestamp: Option<i64>) -> Verified {
        Verified {
            scheme,
            key_index: 0,
            id: id.map(str::to_owned),
            timestamp,
            event_type: None,
        }
    }

    #[test]
    fn an_id_keys_by_scheme_and_id_for_the_retention() {
        let e = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some("msg_1"), Some(1_000)),
            b"{}",
            300,
            DEFAULT_RETENTION_SECS,
            1_000,
        );
        assert_eq!(e.key, "standard-webhooks:id:msg_1");
        assert_eq!(e.expires_at_ms, (1_000 + 7 * 86_400) * 1000);
        // A retry: same id, new timestamp and time: the same key.
        let retry = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some("msg_1"), Some(5_000)),
            b"{}",
            300,
            DEFAULT_RETENTION_SECS,
            5_000,
        );
        assert_eq!(retry.key, e.key);
        // Another scheme's delivery with the same id is another key.
        let gh = dedupe_entry(
            &verified(Scheme::GitHub, Some("msg_1"), None),
            b"{}",
            300,
            DEFAULT_RETENTION_SECS,
            1_000,
        );
        assert_ne!(gh.key, e.key);
    }

    #[test]
    fn no_id_keys_by_timestamp_and_body_until_the_window_has_passed() {
        let e = dedupe_entry(
            &verified(Scheme::Stripe, None, Some(1_700_000_000)),
            b"{\"id\":\"evt_1\"}",
            300,
            DEFAULT_RETENTION_SECS,
            1_700_000_010,
        );
        assert!(e.key.starts_with("stripe:ts:1700000000:"));
        assert_eq!(e.key.len(), "stripe:ts:1700000000:".len() + 64);
        assert_eq!(e.expires_at_ms, (1_700_000_000 + 600) * 1000);
        let other_body = dedupe_entry(
            &verified(Scheme::Stripe, None, Some(1_700_000_000)),
            b"{\"id\":\"evt_2\"}",
            300,
            DEFAULT_RETENTION_SECS,
            1_700_000_010,
        );
        assert_ne!(other_body.key, e.key);
        // A zero tolerance still keeps the entry past now.
        let tight = dedupe_entry(
            &verified(Scheme::Slack, None, Some(100)),
            b"x",
            0,
            DEFAULT_RETENTION_SECS,
            100,
        );
        assert_eq!(tight.expires_at_ms, 101_000);
    }

    #[test]
    fn long_or_odd_ids_are_hashed_and_nothing_overflows() {
        let long = "x".repeat(5_000);
        let e = dedupe_entry(
            &verified(Scheme::Custom, Some(&long), None),
            b"",
            300,
            u64::MAX,
            i64::MAX,
        );
        assert!(e.key.starts_with("custom:idh:") && e.key.len() < 100);
        assert_eq!(e.expires_at_ms, i64::MAX);
        let ctl = dedupe_entry(
            &verified(Scheme::Shopify, Some("a\nb"), None),
            b"",
            300,
            10,
            i64::MIN,
        );
        assert!(ctl.key.starts_with("shopify:idh:"));
        assert_eq!(ctl.expires_at_ms, i64::MIN);
        let neither = dedupe_entry(&verified(Scheme::Custom, None, None), b"body", 300, 60, 10);
        assert!(neither.key.starts_with("custom:body:"));
        assert_eq!(neither.expires_at_ms, 70_000);
        let empty_id = dedupe_entry(
            &verified(Scheme::Linear, Some(""), Some(50)),
            b"b",
            60,
            60,
            50,
        );
        assert!(empty_id.key.starts_with("linear:ts:50:"));
    }
}
