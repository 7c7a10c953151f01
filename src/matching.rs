//! Which subscriptions get an event (sender side).
//!
//! A subscription receives an event when all of these hold:
//! - it is `enabled`;
//! - **tenant**: a subscription with a `tenant` receives only events of that same tenant (compared
//!   exactly; an event without a tenant reaches none of them). A subscription *without* a tenant
//!   receives the events of every tenant and the events without one: it is a platform-wide
//!   subscription. In a multi-tenant system, give every customer's subscription its tenant, or it
//!   will see other customers' events;
//! - **event type**: `eventTypes` is empty (all events) or one of its patterns matches the type;
//! - **channels**: `channels` is empty (all events) or the event carries at least one of them.
//!
//! Patterns are event types, case-sensitive, in which a segment may be a lone `*`:
//! - `*` matches every event type;
//! - a trailing `*` matches one or more segments: `invoice.*` matches `invoice.paid` and
//!   `invoice.payment.failed` but not `invoice` itself;
//! - any other `*` matches exactly one segment: `invoice.*.failed` matches `invoice.payment.failed`
//!   but neither `invoice.failed` nor `invoice.a.b.failed`;
//! - every other segment matches itself only.
//!
//! Matching 10,000 subscriptions one by one would be slow from JavaScript (every call would carry
//! them across the wasm boundary), so [`Matcher`] indexes them once: by tenant, then by exact type,
//! by wildcard prefix, and by pattern with inner wildcards. A call then only looks at the
//! subscriptions that can match and returns their indices. [`subscription_matches`] is the same
//! rule for one subscription, written plainly; the tests check that the two agree.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::envelope::{validate_event_type, MAX_EVENT_TYPE_LEN};
use crate::error::Error;

/// A subscription as the caller stores it. Fields other than these are ignored when read from
/// JSON, so records can be passed as they come from the database.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// The caller's id; not used for matching, and not required to be unique.
    pub id: String,
    /// Where deliveries go; not used for matching.
    pub url: String,
    /// A disabled subscription receives nothing. Default `true`.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Receive only this tenant's events; absent: every tenant's events.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Event type patterns (`invoice.paid`, `invoice.*`, `*`); empty or absent: every type.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub event_types: Vec<String>,
    /// Receive only events carrying at least one of these channels; empty or absent: every event.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub channels: Vec<String>,
}

impl Subscription {
    /// An enabled subscription to every event of every tenant.
    pub fn new(id: impl Into<String>, url: impl Into<String>) -> Self {
        Subscription {
            id: id.into(),
            url: url.into(),
            enabled: true,
            tenant: None,
            event_types: Vec::new(),
            channels: Vec::new(),
        }
    }
}

// NOTE: webhook URLs often carry a token in their path (Slack, Discord), so Debug leaves it out.
impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("url", &"<redacted>")
            .field("enabled", &self.enabled)
            .field("tenant", &self.tenant)
            .field("event_types", &self.event_types)
            .field("channels", &self.channels)
            .finish()
    }
}

/// What matching needs to know about an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventMeta {
    /// The event type, e.g. `invoice.paid`; a wildcard is not an event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The tenant the event belongs to, if any.
    #[serde(default)]
    pub tenant: Option<String>,
    /// The channels the event is published on, if any.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub channels: Vec<String>,
}

impl EventMeta {
    /// An event of `event_type` without tenant or channels.
    pub fn new(event_type: impl Into<String>) -> Self {
        EventMeta {
            event_type: event_type.into(),
            tenant: None,
            channels: Vec::new(),
        }
    }
}

fn default_true() -> bool {
    true
}

/// Databases hand out `null` for an empty list; read it as empty rather than fail.
fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// A subscription that cannot be indexed, with its position in the list given to the matcher.
///
/// Only the index is reported: a subscription's URL may hold a token, and its id and patterns are
/// the caller's data, not something to copy into logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("subscription {index}: {error}")]
pub struct SubscriptionError {
    /// 0-based position in the list given to [`Matcher::new`].
    pub index: usize,
    /// What is wrong with it (`invalid_event_type`).
    #[source]
    pub error: Error,
}

impl SubscriptionError {
    /// The stable code of the underlying error.
    pub fn code(&self) -> &'static str {
        self.error.code()
    }
}

impl From<SubscriptionError> for Error {
    fn from(e: SubscriptionError) -> Self {
        e.error
    }
}

/// Check an event type pattern: dot-separated segments, each `[A-Za-z0-9_-]+` or a lone `*`, at
/// most 256 characters in all.
pub fn validate_pattern(pattern: &str) -> Result<(), Error> {
    let bad = |reason| Err(Error::InvalidEventType { reason });
    if pattern.is_empty() {
        return bad("event type pattern is empty");
    }
    if pattern.len() > MAX_EVENT_TYPE_LEN {
        return bad("event type pattern is longer than 256 characters");
    }
    for segment in pattern.split('.') {
        if segment.is_empty() {
            return bad(
                "event type pattern has an empty segment (leading, trailing or double dot)",
            );
        }
        if segment == "*" {
            continue;
        }
        if segment.contains('*') {
            return bad("* must be a whole segment of an event type pattern");
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return bad("event type pattern segments may hold only A-Z, a-z, 0-9, _, - or *");
        }
    }
    Ok(())
}

/// Check everything in a subscription that matching relies on (its patterns). Check on write, so
/// that one bad record never stops [`Matcher::new`] later.
pub fn validate_subscription(subscription: &Subscription) -> Result<(), Error> {
    subscription
        .event_types
        .iter()
        .try_for_each(|p| validate_pattern(p))
}

/// Whether `pattern` matches `event_type`. An invalid pattern or event type matches nothing.
pub fn pattern_matches(pattern: &str, event_type: &str) -> bool {
    if validate_pattern(pattern).is_err() || validate_event_type(event_type).is_err() {
        return false;
    }
    let mut pattern = pattern.split('.').peekable();
    let mut event = event_type.split('.');
    loop {
        match (pattern.next(), event.next()) {
            (None, None) => return true,
            // a trailing `*` takes this segment and all that follow
            (Some("*"), Some(_)) if pattern.peek().is_none() => return true,
            (Some("*"), Some(_)) => {}
            (Some(p), Some(e)) if p == e => {}
            _ => return false,
        }
    }
}

/// Whether `subscription` receives `event`: the reference rule, one subscription at a time. Use a
/// [`Matcher`] for many subscriptions. An event whose type is not valid reaches no subscription.
pub fn subscription_matches(subscription: &Subscription, event: &EventMeta) -> bool {
    let tenant_ok = match (&subscription.tenant, &event.tenant) {
        (None, _) => true,
        (Some(s), Some(e)) => s == e,
        (Some(_), None) => false,
    };
    let type_ok = validate_event_type(&event.event_type).is_ok()
        && (subscription.event_types.is_empty()
            || subscription
                .event_types
                .iter()
                .any(|p| pattern_matches(p, &event.event_type)));
    let channel_ok = subscription.channels.is_empty()
        || subscription
            .channels
            .iter()
            .any(|c| event.channels.contains(c));
    subscription.enabled && tenant_ok && type_ok && channel_ok
}

/// A pattern segment with an inner wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Any,
    Literal(String),
}

/// A pattern with a `*` other than (or besides) a trailing one, e.g. `a.*.b` or `*.created.*`.
#[derive(Debug, Clone)]
struct InnerPattern {
    index: usize,
    /// The segments before a trailing `*`, or all of them.
    segments: Vec<Segment>,
    /// Ended in `*`: the event needs at least one more segment than `segments`.
    open: bool,
}

impl InnerPattern {
    fn matches(&self, event: &[&str]) -> bool {
        let len_ok = if self.open {
            event.len() > self.segments.len()
        } else {
            event.len() == self.segments.len()
        };
        len_ok
            && self.segments.iter().zip(event).all(|(s, e)| match s {
                Segment::Any => true,
                Segment::Literal(l) => l == e,
            })
    }
}

/// The index of the subscriptions of one tenant (or of those without a tenant).
#[derive(Debug, Clone, Default)]
struct Bucket {
    /// Subscriptions to every type (no patterns, or `*`).
    all: Vec<usize>,
    /// Patterns without wildcard, by event type.
    exact: HashMap<String, Vec<usize>>,
    /// `prefix.*` patterns (no other wildcard), by `prefix`.
    prefix: HashMap<String, Vec<usize>>,
    /// Patterns with an inner wildcard, by their first segment when it is not `*`.
    inner_by_first: HashMap<String, Vec<InnerPattern>>,
    /// Patterns with an inner wildcard that start with `*`.
    inner_any_first: Vec<InnerPattern>,
}

impl Bucket {
    fn add(&mut self, index: usize, patterns: &[String]) {
        if patterns.is_empty() || patterns.iter().any(|p| p == "*") {
            self.all.push(index);
            return;
        }
        let mut patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        patterns.sort_unstable();
        patterns.dedup();
        for pattern in patterns {
            self.add_pattern(index, pattern);
        }
    }

    fn add_pattern(&mut self, index: usize, pattern: &str) {
        let (body, open) = match pattern.strip_suffix(".*") {
            Some(body) => (body, true),
            None => (pattern, false),
        };
        if !body.split('.').any(|s| s == "*") {
            let map = if open {
                &mut self.prefix
            } else {
                &mut self.exact
            };
            map.entry(body.to_owned()).or_default().push(index);
            return;
        }
        let segments: Vec<Segment> = body
            .split('.')
            .map(|s| match s {
                "*" => Segment::Any,
                lit => Segment::Literal(lit.to_owned()),
            })
            .collect();
        let first = match segments.first() {
            Some(Segment::Literal(l)) => Some(l.clone()),
            _ => None,
        };
        let inner = InnerPattern {
            index,
            segments,
            open,
        };
        match first {
            Some(l) => self.inner_by_first.entry(l).or_default().push(inner),
            None => self.inner_any_first.push(inner),
        }
    }

    /// Push the index of every subscription in this bucket whose patterns match (maybe twice).
    fn collect(&self, event_type: &str, out: &mut Vec<usize>) {
        out.extend_from_slice(&self.all);
        if let Some(v) = self.exact.get(event_type) {
            out.extend_from_slice(v);
        }
        if !self.prefix.is_empty() {
            for (pos, _) in event_type.match_indices('.') {
                if let Some(v) = event_type.get(..pos).and_then(|p| self.prefix.get(p)) {
                    out.extend_from_slice(v);
                }
            }
        }
        if self.inner_by_first.is_empty() && self.inner_any_first.is_empty() {
            return;
        }
        let segments: Vec<&str> = event_type.split('.').collect();
        let by_first = segments
            .first()
            .and_then(|first| self.inner_by_first.get(*first));
        for p in by_first.into_iter().flatten().chain(&self.inner_any_first) {
            if p.matches(&segments) {
                out.push(p.index);
            }
        }
    }
}

/// Subscriptions indexed for matching many events. Build it once per subscription list (and again
/// when the list changes), then call [`Matcher::matches`] per event.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    /// How many subscriptions were given (indices are below this).
    len: usize,
    /// Subscriptions without a tenant.
    global: Bucket,
    /// Subscriptions with a tenant, by tenant.
    tenants: HashMap<String, Bucket>,
    /// Each subscription's channels, sorted; empty when it takes every channel.
    channels: Vec<Vec<String>>,
}

impl Matcher {
    /// Index `subscriptions`. Fails on the first subscription with an invalid pattern, disabled
    /// or not (so enabling it later cannot fail), and reports its index.
    pub fn new(subscriptions: &[Subscription]) -> Result<Self, SubscriptionError> {
        let (matcher, mut errors) = Self::build(subscriptions, true);
        match errors.pop() {
            Some(e) => Err(e),
            None => Ok(matcher),
        }
    }

    /// Index `subscriptions`, leaving out the invalid ones (they match nothing) and returning
    /// their errors: one bad record does not stop deliveries to all the others.
    pub fn new_lenient(subscriptions: &[Subscription]) -> (Self, Vec<SubscriptionError>) {
        Self::build(subscriptions, false)
    }

    fn build(subscriptions: &[Subscription], stop_early: bool) -> (Self, Vec<SubscriptionError>) {
        let mut matcher = Matcher {
            len: subscriptions.len(),
            channels: Vec::with_capacity(subscriptions.len()),
            ..Matcher::default()
        };
        let mut errors = Vec::new();
        for (index, sub) in subscriptions.iter().enumerate() {
            let mut channels = Vec::new();
            match validate_subscription(sub) {
                Err(error) => {
                    errors.push(SubscriptionError { index, error });
                    if stop_early {
                        return (Matcher::default(), errors);
                    }
                }
                Ok(()) if sub.enabled => {
                    let bucket = match &sub.tenant {
                        None => &mut matcher.global,
                        Some(t) => matcher.tenants.entry(t.clone()).or_default(),
                    };
                    bucket.add(index, &sub.event_types);
                    channels.clone_from(&sub.channels);
                    channels.sort_unstable();
                    channels.dedup();
                }
                Ok(()) => {}
            }
            matcher.channels.push(channels);
        }
        (matcher, errors)
    }

    /// How many subscriptions the matcher was built from, including disabled and invalid ones.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the matcher was built from an empty list.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The indices (into the list the matcher was built from, ascending, each once) of the
    /// subscriptions that receive `event`. An event whose type is not valid reaches none; use
    /// [`Matcher::try_matches`] to be told.
    pub fn matches(&self, event: &EventMeta) -> Vec<usize> {
        self.try_matches(event).unwrap_or_default()
    }

    /// Like [`Matcher::matches`], but an invalid event type is an `invalid_event_type` error.
    pub fn try_matches(&self, event: &EventMeta) -> Result<Vec<usize>, Error> {
        validate_event_type(&event.event_type)?;
        let mut candidates = Vec::new();
        self.global.collect(&event.event_type, &mut candidates);
        if let Some(bucket) = event.tenant.as_ref().and_then(|t| self.tenants.get(t)) {
            bucket.collect(&event.event_type, &mut candidates);
        }
        let mut out = self.ascending_unique(candidates);
        out.retain(|&i| self.channel_ok(i, &event.channels));
        Ok(out)
    }

    fn channel_ok(&self, index: usize, event_channels: &[String]) -> bool {
        match self.channels.get(index) {
            Some(wanted) if wanted.is_empty() => true,
            Some(wanted) => event_channels
                .iter()
                .any(|c| wanted.binary_search(c).is_ok()),
            None => false,
        }
    }

    /// Sort and deduplicate: by sorting when there are few candidates, with a bitset over all
    /// subscriptions when there are many.
    fn ascending_unique(&self, mut candidates: Vec<usize>) -> Vec<usize> {
        if candidates.len() < self.len / 16 {
            candidates.sort_unstable();
            candidates.dedup();
            return candidates;
        }
        let mut bits = vec![0u64; self.len.div_ceil(64)];
        for i in candidates {
            if let Some(word) = bits.get_mut(i / 64) {
                *word |= 1u64 << (i % 64);
            }
        }
        let mut out = Vec::new();
        for (w, &word) in bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest.wrapping_sub(1);
                if let Some(i) = w.checked_mul(64).and_then(|b| b.checked_add(bit)) {
                    out.push(i);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sub(id: &str, types: &[&str]) -> Subscription {
        Subscription {
            event_types: types.iter().map(|s| s.to_string()).collect(),
            ..Subscription::new(id, "https://example.com/hook")
        }
    }

    #[test]
    fn patterns() {
        let yes = [
            ("*", "a"),
            ("*", "a.b.c"),
            ("a", "a"),
            ("a.*", "a.b"),
            ("a.*", "a.b.c"),
            ("a.*.c", "a.b.c"),
            ("*.c", "b.c"),
            ("a.*.*", "a.b.c"),
            ("a.*.*", "a.b.c.d"),
        ];
        let no = [
            ("a", "A"),
            ("a", "a.b"),
            ("a.*", "a"),
            ("a.*", "ab.c"),
            ("a.*.c", "a.c"),
            ("a.*.c", "a.b.b.c"),
            ("*.c", "c"),
            ("a.*.*", "a.b"),
            ("a.*", "a.*"),
            ("a*", "ab"),
        ];
        for (p, e) in yes {
            assert!(pattern_matches(p, e), "{p} should match {e}");
        }
        for (p, e) in no {
            assert!(!pattern_matches(p, e), "{p} should not match {e}");
        }
    }

    #[test]
    fn pattern_validation() {
        for ok in [
            "*",
            "a",
            "a.*",
            "*.a",
            "a.*.b",
            "A-Z_09.x",
            &"a".repeat(256),
        ] {
            assert!(validate_pattern(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            ".",
            "a.",
            ".a",
            "a..b",
            "a*",
            "**",
            "a.b*",
            "a b",
            "café",
            &"a".repeat(257),
        ] {
            let err = validate_pattern(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_event_type", "{bad}");
        }
    }

    #[test]
    fn error_reports_index_only() {
        let subs = [sub("ok", &["a"]), sub("s3cr3t-id", &["bad..type"])];
        let err = Matcher::new(&subs).unwrap_err();
        assert_eq!(err.index, 1);
        assert_eq!(err.code(), "invalid_event_type");
        assert!(!err.to_string().contains("s3cr3t"));
        assert!(!err.to_string().contains("bad..type"));
        let (m, errors) = Matcher::new_lenient(&subs);
        assert_eq!(errors.len(), 1);
        assert_eq!(m.matches(&EventMeta::new("a")), vec![0]);
    }

    #[test]
    fn invalid_event_type_matches_nothing() {
        let m = Matcher::new(&[sub("all", &[])]).unwrap();
        assert_eq!(m.matches(&EventMeta::new("a")), vec![0]);
        for bad in ["", "a..b", "*", "a.*", "é"] {
            assert!(m.matches(&EventMeta::new(bad)).is_empty());
            assert_eq!(
                m.try_matches(&EventMeta::new(bad)).unwrap_err().code(),
                "invalid_event_type"
            );
        }
    }

    #[test]
    fn debug_redacts_url() {
        let s = Subscription::new("x", "https://hooks.example.com/T000/B000/XXXX");
        assert!(!format!("{s:?}").contains("XXXX"));
    }

    #[test]
    fn both_result_orderings() {
        // many candidates (bitset) and few (sort) give the same ascending, unique result
        let mut subs: Vec<Subscription> = (0..200)
            .map(|i| sub(&i.to_string(), &["a.*", "a.b", "*.b"]))
            .collect();
        subs.push(sub("last", &["x"]));
        let m = Matcher::new(&subs).unwrap();
        assert_eq!(
            m.matches(&EventMeta::new("a.b")),
            (0..200).collect::<Vec<_>>()
        );
        assert_eq!(m.matches(&EventMeta::new("x")), vec![200]);
    }

    #[test]
    fn null_lists_read_as_empty() {
        let s: Subscription = serde_json::from_str(
            r#"{"id":"a","url":"u","eventTypes":null,"channels":null,"extra":1}"#,
        )
        .unwrap();
        assert!(s.enabled && s.event_types.is_empty() && s.channels.is_empty());
    }

    fn arb_pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(prop_oneof!["a", "b", "c", Just("*".to_owned())], 1..4)
            .prop_map(|v| v.join("."))
    }

    fn arb_sub() -> impl Strategy<Value = Subscription> {
        (
            any::<bool>(),
            prop::option::of(prop_oneof!["t1", "t2"]),
            prop::collection::vec(arb_pattern(), 0..3),
            prop::collection::vec(prop_oneof!["x", "y", "z"], 0..2),
        )
            .prop_map(|(enabled, tenant, event_types, channels)| Subscription {
                enabled,
                tenant,
                event_types,
                channels,
                ..Subscription::new("s", "u")
            })
    }

    fn arb_event() -> impl Strategy<Value = EventMeta> {
        (
            prop::collection::vec(prop_oneof!["a", "b", "c"], 1..5),
            prop::option::of(prop_oneof!["t1", "t2", "t3"]),
            prop::collection::vec(prop_oneof!["x", "y", "w"], 0..3),
        )
            .prop_map(|(segs, tenant, channels)| EventMeta {
                event_type: segs.join("."),
                tenant,
                channels,
            })
    }

    proptest! {
        #[test]
        fn matcher_agrees_with_reference(
            subs in prop::collection::vec(arb_sub(), 0..80),
            events in prop::collection::vec(arb_event(), 1..8),
        ) {
            let m = Matcher::new(&subs).unwrap();
            for e in &events {
                let want: Vec<usize> = subs
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| subscription_matches(s, e))
                    .map(|(i, _)| i)
                    .collect();
                prop_assert_eq!(m.matches(e), want);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(pattern in ".{0,40}", event in ".{0,40}") {
            let s = Subscription { event_types: vec![pattern.clone()], ..Subscription::new("s", "u") };
            let valid = validate_pattern(&pattern).is_ok();
            prop_assert_eq!(Matcher::new(std::slice::from_ref(&s)).is_ok(), valid);
            let (m, _) = Matcher::new_lenient(std::slice::from_ref(&s));
            let e = EventMeta::new(event);
            prop_assert_eq!(!m.matches(&e).is_empty(), subscription_matches(&s, &e));
        }
    }
}
