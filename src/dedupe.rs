//! Deduplication of verified deliveries: the key under which a receiver remembers a delivery and
//! how long it must remember it. The store itself is the caller's (memory, KV, a database); this
//! module only decides what to store, so every store agrees.
//!
//! A key names only what the signature covers, and the key that verified it:
//! - Standard Webhooks signs its `webhook-id` (`{id}.{timestamp}.{body}`): keyed by the id, and
//!   remembered for the retention (default 7 days, longer than the common senders' retry spans),
//!   since a sender's retry carries the same id under a fresh timestamp.
//! - A scheme with a signed timestamp and no signed id (Stripe, Slack, Discord, Linear, a custom
//!   layout with a timestamp) is keyed by the timestamp and the body's SHA-256, and remembered
//!   until the timestamp has passed out of the tolerance twice over (after that the same bytes no
//!   longer verify). This catches a replay; a sender's retry, signed again at a new time, is a new
//!   key. GitHub's, Shopify's and Linear's delivery ids are not signed: a replay under a new id
//!   is still the same signed body.
//! - Neither (GitHub, Shopify, a custom layout without a timestamp): the body's SHA-256, for the
//!   retention.
//!
//! Every key carries the scheme and an 8-byte id of the verifier's keys for it, all of them
//! whichever verified (see [`crate::Verifier::key_id`]: a delivery signed by several keys during a
//! rotation is one delivery, whichever signature is kept), so receivers of different senders
//! (tenants, secrets) can share one store. The schemes that sign the URL and method (Twilio,
//! Square, HubSpot) have them in the key too. Only a verified delivery is ever remembered, so an attacker cannot fill the store
//! with keys that would make genuine deliveries look like duplicates.
//!
//! A claim is held in two steps: for [`CLAIM_LEASE_SECS`] while the delivery is handled (a
//! receiver that dies mid-way gives the sender's next retry its chance), then, once the handler
//! succeeds, until [`DedupeEntry::until_ms`]; a handler that fails releases it.

#[allow(unused_imports)]
use crate::prelude::*;
use sha2::{Digest, Sha256};

use crate::scheme::keys::{Target, Verified};
use crate::scheme::Scheme;

/// The retention of an entry without a signed timestamp when the caller does not choose one: 7 days.
pub const DEFAULT_RETENTION_SECS: u64 = 7 * 86_400;
/// The longest retention accepted: 1e9 seconds, as for the tolerance.
pub const MAX_RETENTION_SECS: u64 = 1_000_000_000;
/// How long a claim is held while the delivery is being handled, at most: after it, a receiver
/// that died mid-way no longer holds the delivery against the sender's retries.
pub const CLAIM_LEASE_SECS: u64 = 300;
/// Ids longer than this are hashed into the key, so a key stays short whatever the sender sent.
const MAX_ID_IN_KEY: usize = 200;

/// What a dedupe store is asked to hold: `key`, first until `lease_until_ms` (while the delivery
/// is handled), then, once it was handled, until `until_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupeEntry {
    pub key: String,
    /// Unix milliseconds until which a claim holds while the delivery is being handled.
    pub lease_until_ms: i64,
    /// Unix milliseconds after which a handled delivery's entry may be forgotten.
    pub until_ms: i64,
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

/// Whether the scheme's signature covers its delivery id.
fn signs_id(scheme: Scheme) -> bool {
    matches!(scheme, Scheme::StandardWebhooks)
}

/// The entry for a delivery `verified` by a verifier whose keys' id is `key_id` (see
/// [`crate::Verifier::key_id`]) with `body`, sent to `target` (the URL and method the schemes
/// that sign them covered), at `now` (unix seconds), under the verifier's `tolerance_secs` and
/// the caller's `retention_secs`.
pub fn dedupe_entry(
    verified: &Verified,
    key_id: [u8; 8],
    body: &[u8],
    target: Target<'_>,
    tolerance_secs: u64,
    retention_secs: u64,
    now: i64,
) -> DedupeEntry {
    let now = i128::from(now);
    let head = [verified.scheme.name(), ":", &hex::encode(key_id)].concat();
    let retained = now.saturating_add(i128::from(retention_secs.min(MAX_RETENTION_SECS)));
    // A signed timestamp verifies until it is out of the tolerance: the entry outlives that twice
    // over, however short the retention.
    let window = verified
        .timestamp
        .map(|ts| i128::from(ts).saturating_add(i128::from(tolerance_secs).saturating_mul(2)));
    let id = verified
        .id
        .as_deref()
        .filter(|id| !id.is_empty() && signs_id(verified.scheme));
    // What the signature covers besides an id and a timestamp: the body, and for the schemes
    // that sign them the URL and method too (two deliveries with one body to two URLs are two).
    let content = || {
        if !verified.scheme.needs_url() {
            return sha256_hex(body);
        }
        let mut h = Sha256::new();
        for part in [
            target.method.unwrap_or_default().as_bytes(),
            target.url.unwrap_or_default().as_bytes(),
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.update(body);
        hex::encode(h.finalize())
    };
    let (key, until) = match (id, verified.timestamp) {
        (Some(id), _) => {
            let key = if id.len() <= MAX_ID_IN_KEY && !id.contains(char::is_control) {
                [&head, ":id:", id].concat()
            } else {
                [&head, ":idh:", &sha256_hex(id.as_bytes())].concat()
            };
            (key, window.map_or(retained, |w| w.max(retained)))
        }
        (None, Some(ts)) => (
            [
                &head,
                ":ts:",
                itoa::Buffer::new().format(ts),
                ":",
                &content(),
            ]
            .concat(),
            window.unwrap_or(retained),
        ),
        (None, None) => ([&head, ":body:", &content()].concat(), retained),
    };
    // Never already expired: the store must hold it past this request at least.
    let until = until.max(now.saturating_add(1));
    let lease = now.saturating_add(i128::from(CLAIM_LEASE_SECS)).min(until);
    DedupeEntry {
        key,
        lease_until_ms: ms(lease),
        until_ms: ms(until),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 8] = [0xab; 8];

    fn verified(scheme: Scheme, id: Option<&str>, timestamp: Option<i64>) -> Verified {
        Verified {
            scheme,
            key_index: 0,
            id: id.map(str::to_owned),
            timestamp,
            event_type: None,
        }
    }

    /// Twilio, Square and HubSpot sign the URL (HubSpot the method too): two deliveries of one
    /// body to two URLs, or with two methods, are two deliveries.
    #[test]
    fn the_schemes_that_sign_the_url_key_by_it() {
        let at = |scheme, url, method| {
            dedupe_entry(
                &verified(scheme, None, None),
                KEY,
                b"",
                Target {
                    url: Some(url),
                    method: Some(method),
                },
                300,
                DEFAULT_RETENTION_SECS,
                1_000,
            )
            .key
        };
        for scheme in [Scheme::Twilio, Scheme::Square, Scheme::HubSpot] {
            let a = at(scheme, "https://example.com/voice?CallSid=CA1", "GET");
            assert_eq!(
                a,
                at(scheme, "https://example.com/voice?CallSid=CA1", "GET")
            );
            assert_ne!(
                a,
                at(scheme, "https://example.com/voice?CallSid=CA2", "GET")
            );
            assert_ne!(
                a,
                at(scheme, "https://example.com/voice?CallSid=CA1", "POST")
            );
            // The parts are length-prefixed: moving a byte from the method to the URL changes it.
            assert_ne!(
                at(scheme, "Thttps://a", "GE"),
                at(scheme, "https://a", "GET")
            );
        }
        // A scheme that signs no URL keys by the body alone, whatever the target.
        assert_eq!(
            at(Scheme::GitHub, "https://a/1", "GET"),
            at(Scheme::GitHub, "https://a/2", "POST")
        );
    }

    #[test]
    fn a_signed_id_keys_by_scheme_key_and_id_for_the_retention() {
        let e = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some("msg_1"), Some(1_000)),
            KEY,
            b"{}",
            Target::default(),
            300,
            DEFAULT_RETENTION_SECS,
            1_000,
        );
        assert_eq!(e.key, "standard-webhooks:abababababababab:id:msg_1");
        assert_eq!(e.until_ms, (1_000 + 7 * 86_400) * 1000);
        assert_eq!(e.lease_until_ms, (1_000 + 300) * 1000);
        // A retry: same id, new timestamp and time: the same key.
        let retry = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some("msg_1"), Some(5_000)),
            KEY,
            b"{}",
            Target::default(),
            300,
            DEFAULT_RETENTION_SECS,
            5_000,
        );
        assert_eq!(retry.key, e.key);
        // Another key (another tenant's secret): another entry.
        let other = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some("msg_1"), Some(1_000)),
            [1; 8],
            b"{}",
            Target::default(),
            300,
            DEFAULT_RETENTION_SECS,
            1_000,
        );
        assert_ne!(other.key, e.key);
    }

    #[test]
    fn an_unsigned_id_is_not_the_key() {
        // GitHub's delivery id travels beside the signature: a replay under a new id is the
        // same signed body, and the same key.
        let a = dedupe_entry(
            &verified(Scheme::GitHub, Some("id-1"), None),
            KEY,
            b"{}",
            Target::default(),
            300,
            60,
            1_000,
        );
        let b = dedupe_entry(
            &verified(Scheme::GitHub, Some("id-2"), None),
            KEY,
            b"{}",
            Target::default(),
            300,
            60,
            1_000,
        );
        assert_eq!(a.key, b.key);
        assert!(a.key.starts_with("github:abababababababab:body:"));
        // Linear's timestamp is signed (in the body): keyed by it and the body.
        let l = dedupe_entry(
            &verified(Scheme::Linear, Some("lin-1"), Some(50)),
            KEY,
            b"b",
            Target::default(),
            60,
            3600,
            50,
        );
        assert!(l.key.starts_with("linear:abababababababab:ts:50:"));
        assert_eq!(l.until_ms, 170_000);
    }

    #[test]
    fn a_short_retention_never_ends_an_entry_while_its_timestamp_verifies() {
        let e = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some("msg_1"), Some(1_000)),
            KEY,
            b"{}",
            Target::default(),
            300,
            1,
            1_000,
        );
        assert_eq!(e.until_ms, 1_600_000);
        assert_eq!(e.lease_until_ms, 1_300_000);
    }

    #[test]
    fn no_id_keys_by_timestamp_and_body_until_the_window_has_passed() {
        let e = dedupe_entry(
            &verified(Scheme::Stripe, None, Some(1_700_000_000)),
            KEY,
            b"{\"id\":\"evt_1\"}",
            Target::default(),
            300,
            DEFAULT_RETENTION_SECS,
            1_700_000_010,
        );
        assert!(e.key.starts_with("stripe:abababababababab:ts:1700000000:"));
        assert_eq!(
            e.key.len(),
            "stripe:abababababababab:ts:1700000000:".len() + 64
        );
        assert_eq!(e.until_ms, (1_700_000_000 + 600) * 1000);
        let other_body = dedupe_entry(
            &verified(Scheme::Stripe, None, Some(1_700_000_000)),
            KEY,
            b"{\"id\":\"evt_2\"}",
            Target::default(),
            300,
            DEFAULT_RETENTION_SECS,
            1_700_000_010,
        );
        assert_ne!(other_body.key, e.key);
        // A zero tolerance still keeps the entry past now, and the lease within it.
        let tight = dedupe_entry(
            &verified(Scheme::Slack, None, Some(100)),
            KEY,
            b"x",
            Target::default(),
            0,
            DEFAULT_RETENTION_SECS,
            100,
        );
        assert_eq!(tight.until_ms, 101_000);
        assert_eq!(tight.lease_until_ms, 101_000);
    }

    #[test]
    fn long_or_odd_ids_are_hashed_and_nothing_overflows() {
        let long = "x".repeat(5_000);
        let e = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some(&long), None),
            KEY,
            b"",
            Target::default(),
            300,
            u64::MAX,
            i64::MAX,
        );
        assert!(e.key.starts_with("standard-webhooks:abababababababab:idh:") && e.key.len() < 120);
        assert_eq!(e.until_ms, i64::MAX);
        let ctl = dedupe_entry(
            &verified(Scheme::StandardWebhooks, Some("a\nb"), None),
            KEY,
            b"",
            Target::default(),
            300,
            10,
            i64::MIN,
        );
        assert!(ctl.key.contains(":idh:"));
        assert_eq!(ctl.until_ms, i64::MIN);
        let neither = dedupe_entry(
            &verified(Scheme::Custom, None, None),
            KEY,
            b"body",
            Target::default(),
            300,
            60,
            10,
        );
        assert!(neither.key.starts_with("custom:abababababababab:body:"));
        assert_eq!(neither.until_ms, 70_000);
        assert_eq!(neither.lease_until_ms, 70_000);
    }
}
