//! What support staff ask of a sender's delivery log, and what they may do to it (sender side).
//!
//! - [`read_query`]: the filters of a list (`GET endpoints/{id}/attempts`, `GET deliveries`,
//!   `GET events`, `GET endpoints`; any other route takes none) from its query parameters: each
//!   parameter known to that list,
//!   given once, with a value of its form; anything else is refused naming the parameter. A
//!   store reads the same filters from its callers' option objects, so the API and the library
//!   accept exactly the same things.
//! - [`attempt_outcomes`]: what a status word means for attempt records: `delivered`, `failed`
//!   (the attempt did not deliver and ended: a retry is planned, or the delivery failed, or it was
//!   blocked or the endpoint disabled), `skipped` (the circuit was open: nothing was sent, the same
//!   attempt comes later), `pending` (started: in flight now), `unknown` (its worker stopped
//!   before recording it), `cancelled`. For deliveries a status is their state.
//! - [`status_class`]: `1xx` to `5xx` as the range of the receiver's status, or `none` for an
//!   attempt that got no answer.
//! - [`parse_time`]: a time filter is unix milliseconds (digits) or an RFC 3339 time with its
//!   offset (`2026-12-07T10:00:00Z`, `2026-12-07T11:00:00.250+01:00`); nothing else.
//! - [`cancel`]: what cancelling a delivery does: a pending one ends `cancelled`
//!   (`cancelled_by_owner`), an attempt in flight keeps its record (its worker completes it; the
//!   delivery does not move on); a cancelled one stays as it is; a delivered or failed one is
//!   refused (`delivery_ended`).
//! - [`recovery`]: "send again every failed delivery of an endpoint since T":
//!   the deliveries created at or after T that failed, or were cancelled because their endpoint
//!   was disabled (an outage that disabled it), each sent again once as a new delivery, at most
//!   `limit` per call (default 100, at most 500), so a call is bounded and a second one sends
//!   nothing twice.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::delivery::{AttemptOutcome, DeliveryState, EndpointReason};
use crate::error::Error;

/// Rows in one page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most rows one page holds.
pub const MAX_LIMIT: u32 = 100;
/// Deliveries one recovery call sends again when `limit` is not given.
pub const DEFAULT_RECOVER_LIMIT: u32 = 100;
/// The most deliveries one recovery call sends again.
pub const MAX_RECOVER_LIMIT: u32 = 500;
/// Why an owner's cancel ended a delivery: its `endedReason`.
pub const CANCELLED_BY_OWNER: &str = "cancelled_by_owner";
/// The latest time a filter takes: 9999-12-31T23:59:59.999Z.
const MAX_TIME_MS: i64 = 253_402_300_799_999;
/// The longest value of a query parameter (an id, a cursor, a time).
const MAX_VALUE_LEN: usize = 256;
/// The longest cursor read: a place in a list is a time and an id of up to [`MAX_VALUE_LEN`]
/// characters, base64url-encoded (`<tag><ms>.<id>`: 357 characters for the longest id).
const MAX_CURSOR_LEN: usize = 512;

/// The lists support staff read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Listing {
    /// An endpoint's attempt records, newest first.
    Attempts,
    /// A tenant's deliveries, newest first.
    Deliveries,
    /// A tenant's events, newest first.
    Events,
    /// A tenant's endpoints, in creation order.
    Endpoints,
    /// Any other route (one row, or a change): it takes no query parameter.
    Item,
}

impl Listing {
    /// The query parameters this list takes.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Listing::Attempts => &["limit", "cursor", "status", "statusClass", "since", "until"],
            Listing::Deliveries => &[
                "limit", "cursor", "status", "endpoint", "event", "since", "until",
            ],
            Listing::Events => &["limit", "cursor", "type", "since", "until"],
            Listing::Endpoints => &["limit", "cursor"],
            Listing::Item => &[],
        }
    }
}

/// What an attempt record's status word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttemptStatus {
    Delivered,
    Failed,
    Skipped,
    Pending,
    Unknown,
    Cancelled,
}

/// The record outcomes a status word stands for (`started` is a store's outcome for an attempt
/// in flight, so it is named as text). In the order the log's vocabulary lists them.
pub fn attempt_outcomes(status: AttemptStatus) -> &'static [&'static str] {
    match status {
        AttemptStatus::Delivered => &["delivered"],
        AttemptStatus::Failed => &["retry", "failed", "endpointDisabled", "blocked"],
        AttemptStatus::Skipped => &["circuitOpen"],
        AttemptStatus::Pending => &["started"],
        AttemptStatus::Unknown => &["unknown"],
        AttemptStatus::Cancelled => &["cancelled"],
    }
}

/// The status word of an attempt whose record says `outcome`.
pub fn attempt_status(outcome: AttemptOutcome) -> AttemptStatus {
    match outcome {
        AttemptOutcome::Delivered => AttemptStatus::Delivered,
        AttemptOutcome::Retry
        | AttemptOutcome::Failed
        | AttemptOutcome::EndpointDisabled
        | AttemptOutcome::Blocked => AttemptStatus::Failed,
        AttemptOutcome::CircuitOpen => AttemptStatus::Skipped,
        AttemptOutcome::Cancelled => AttemptStatus::Cancelled,
        AttemptOutcome::Unknown => AttemptStatus::Unknown,
    }
}

/// The status word `text` names (as it is written in JSON), if any.
fn attempt_status_word(text: &str) -> Option<AttemptStatus> {
    Some(match text {
        "delivered" => AttemptStatus::Delivered,
        "failed" => AttemptStatus::Failed,
        "skipped" => AttemptStatus::Skipped,
        "pending" => AttemptStatus::Pending,
        "unknown" => AttemptStatus::Unknown,
        "cancelled" => AttemptStatus::Cancelled,
        _ => return None,
    })
}

/// The delivery state `text` names (as it is written in JSON), if any.
fn delivery_state_word(text: &str) -> Option<DeliveryState> {
    Some(match text {
        "pending" => DeliveryState::Pending,
        "delivered" => DeliveryState::Delivered,
        "failed" => DeliveryState::Failed,
        "cancelled" => DeliveryState::Cancelled,
        _ => return None,
    })
}

/// A class of the receiver's answers: `[min, max]` of its status, or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StatusClass {
    /// `{ "range": [500, 599] }` for `5xx`.
    Range([u16; 2]),
    /// `"none"`: no response arrived (a timeout, a refused connection, nothing sent).
    None,
}

/// `1xx` to `5xx` or `none`; anything else is `None`.
pub fn status_class(text: &str) -> Option<StatusClass> {
    let hundreds: u16 = match text {
        "none" => return Some(StatusClass::None),
        "1xx" => 1,
        "2xx" => 2,
        "3xx" => 3,
        "4xx" => 4,
        "5xx" => 5,
        _ => return None,
    };
    let min = hundreds.saturating_mul(100);
    Some(StatusClass::Range([min, min.saturating_add(99)]))
}

/// A time filter as unix milliseconds: digits are unix ms, anything else must be an RFC 3339
/// time with its offset. Between 1970 and 9999.
pub fn parse_time(text: &str) -> Result<i64, &'static str> {
    const FORMS: &str =
        "must be unix milliseconds or an RFC 3339 time with its offset, such as 2026-12-07T10:00:00Z";
    let ms = if !text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<i64>().map_err(|_| FORMS)?
    } else {
        let at = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| FORMS)?;
        let ms = at.unix_timestamp_nanos().div_euclid(1_000_000);
        i64::try_from(ms).map_err(|_| FORMS)?
    };
    if !(0..=MAX_TIME_MS).contains(&ms) {
        return Err("must be between 1970 and 9999");
    }
    Ok(ms)
}

/// A time given as a JSON value (a request body's, an option's): a number of unix ms, or a
/// string as [`parse_time`] reads it.
fn time_value(value: &Value) -> Result<i64, &'static str> {
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(ms) if (0..=MAX_TIME_MS).contains(&ms) => Ok(ms),
            _ => Err("must be whole unix milliseconds between 1970 and 9999"),
        },
        Value::String(s) if s.len() <= MAX_VALUE_LEN => parse_time(s),
        _ => Err("must be unix milliseconds or an RFC 3339 time"),
    }
}

/// A list's filters, read from its query parameters by [`read_query`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Query {
    /// Rows per page, 1 to [`MAX_LIMIT`].
    pub limit: u32,
    /// Where the page starts: a cursor the store gave (its form is the store's).
    pub cursor: Option<String>,
    /// The status word given.
    pub status: Option<String>,
    /// Attempts: the record outcomes `status` stands for.
    pub outcomes: Option<Vec<String>>,
    /// Deliveries: the state `status` names.
    pub states: Option<Vec<DeliveryState>>,
    /// Attempts: the receiver's status class.
    pub status_class: Option<StatusClass>,
    /// At or after (unix ms).
    pub since_ms: Option<i64>,
    /// Before (unix ms).
    pub until_ms: Option<i64>,
    /// Deliveries: of this endpoint.
    pub endpoint: Option<String>,
    /// Deliveries: of this event.
    pub event: Option<String>,
    /// Events: of this type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
}

/// A parameter's name as a message may show it: visible ASCII, at most 64 characters.
fn shown(name: &str) -> String {
    name.chars()
        .take(64)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

fn bad(name: &str, reason: &'static str) -> Error {
    Error::InvalidParameter {
        name: shown(name),
        reason,
    }
}

/// An id: 1 to 256 visible ASCII characters (it names a row, or nothing).
fn token_text(name: &str, value: &str) -> Result<String, Error> {
    visible_text(
        name,
        value,
        MAX_VALUE_LEN,
        "must be 1 to 256 visible ASCII characters",
    )
}

/// A cursor: 1 to 512 visible ASCII characters (a place in a list, or nothing).
fn cursor_text(name: &str, value: &str) -> Result<String, Error> {
    visible_text(
        name,
        value,
        MAX_CURSOR_LEN,
        "must be 1 to 512 visible ASCII characters",
    )
}

/// 1 to `max` visible ASCII characters, or `reason`.
fn visible_text(
    name: &str,
    value: &str,
    max: usize,
    reason: &'static str,
) -> Result<String, Error> {
    if value.is_empty() || value.len() > max || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad(name, reason));
    }
    Ok(value.to_owned())
}

/// The filters of `listing` from its query parameters, in the order given. Each parameter must
/// be one the list takes, given once; `since` must come before `until`.
pub fn read_query(listing: Listing, params: &[(String, String)]) -> Result<Query, Error> {
    let known = listing.parameters();
    let mut q = Query {
        limit: DEFAULT_LIMIT,
        ..Query::default()
    };
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in params {
        let Some(&known_name) = known.iter().find(|k| **k == name.as_str()) else {
            return Err(Error::InvalidParameter {
                name: shown(name),
                reason: "is not a parameter of this list",
            });
        };
        if seen.contains(&known_name) {
            return Err(bad(name, "is given more than once"));
        }
        seen.push(known_name);
        match known_name {
            "limit" => {
                q.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n) && value.len() <= 3)
                    .ok_or_else(|| bad(name, "must be a whole number from 1 to 100"))?;
            }
            "cursor" => q.cursor = Some(cursor_text(name, value)?),
            "status" => {
                if listing == Listing::Attempts {
                    let status = attempt_status_word(value).ok_or_else(|| {
                        bad(
                            name,
                            "must be delivered, failed, skipped, pending, unknown or cancelled",
                        )
                    })?;
                    let outcomes = attempt_outcomes(status).iter().map(|s| (*s).to_owned());
                    q.outcomes = Some(outcomes.collect());
                } else {
                    let state = delivery_state_word(value).ok_or_else(|| {
                        bad(name, "must be pending, delivered, failed or cancelled")
                    })?;
                    q.states = Some(vec![state]);
                }
                q.status = Some(value.clone());
            }
            "statusClass" => {
                q.status_class = Some(
                    status_class(value)
                        .ok_or_else(|| bad(name, "must be 1xx, 2xx, 3xx, 4xx, 5xx or none"))?,
                );
            }
            "since" => q.since_ms = Some(parse_time(value).map_err(|r| bad(name, r))?),
            "until" => q.until_ms = Some(parse_time(value).map_err(|r| bad(name, r))?),
            "endpoint" => q.endpoint = Some(token_text(name, value)?),
            "event" => q.event = Some(token_text(name, value)?),
            "type" => {
                crate::envelope::validate_event_type(value)
                    .map_err(|_| bad(name, "must be an event type, such as invoice.paid"))?;
                q.event_type = Some(value.clone());
            }
            _ => return Err(bad(name, "is not a parameter of this list")),
        }
    }
    if let (Some(since), Some(until)) = (q.since_ms, q.until_ms) {
        if since >= until {
            return Err(bad("since", "must be before until"));
        }
    }
    Ok(q)
}

/// A delivery as cancelling it sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryNow {
    pub state: DeliveryState,
    /// Until when a worker holds it (an attempt in flight), if one does.
    #[serde(default)]
    pub lease_until_ms: Option<i64>,
}

/// What cancelling a delivery does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cancelled {
    /// Whether the delivery changes (false: it was cancelled already).
    pub changed: bool,
    /// Its state after: always `cancelled`.
    pub state: DeliveryState,
    /// Why it ended, to store when `changed` (`cancelled_by_owner`).
    pub ended_reason: Option<String>,
    /// An attempt is in flight: its record stays, completed by its worker, and the delivery
    /// stays cancelled whatever that attempt's outcome.
    pub in_flight: bool,
}

/// What cancelling `delivery` at `now_ms` does; `delivery_ended` for one delivered or failed.
pub fn cancel(delivery: &DeliveryNow, now_ms: i64) -> Result<Cancelled, Error> {
    match delivery.state {
        DeliveryState::Pending => Ok(Cancelled {
            changed: true,
            state: DeliveryState::Cancelled,
            ended_reason: Some(CANCELLED_BY_OWNER.to_owned()),
            in_flight: delivery.lease_until_ms.is_some_and(|until| until > now_ms),
        }),
        DeliveryState::Cancelled => Ok(Cancelled {
            changed: false,
            state: DeliveryState::Cancelled,
            ended_reason: None,
            in_flight: false,
        }),
        DeliveryState::Delivered => Err(Error::DeliveryEnded { state: "delivered" }),
        DeliveryState::Failed => Err(Error::DeliveryEnded { state: "failed" }),
    }
}

/// Which deliveries a recovery sends again, and how many at most in one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recovery {
    /// Deliveries created at or after this time (unix ms).
    pub since_ms: i64,
    /// At most this many in one call; the answer says whether more are left.
    pub limit: u32,
    /// Deliveries in these states are sent again.
    pub states: Vec<DeliveryState>,
    /// And cancelled ones that ended for one of these reasons.
    pub cancelled_reasons: Vec<EndpointReason>,
}

/// The fields of a request body (a JSON object) when each is one of `known`; else the first
/// unknown one, named.
pub(crate) fn fields<'a>(
    body: &'a Value,
    known: &[&str],
) -> Result<&'a serde_json::Map<String, Value>, Error> {
    let Value::Object(map) = body else {
        return Err(bad("body", "must be a JSON object"));
    };
    if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(bad(unknown, "is not a field of this request"));
    }
    Ok(map)
}

/// A recovery from its request body, `{ since, limit? }`: `since` unix ms or an RFC 3339 time,
/// `limit` 1 to 500 (default 100). `invalid_argument` naming what is wrong.
pub fn recovery(body: &Value) -> Result<Recovery, Error> {
    let map = fields(body, &["since", "limit"])?;
    let since = map
        .get("since")
        .ok_or_else(|| bad("since", "is required"))?;
    let since_ms = time_value(since).map_err(|r| bad("since", r))?;
    let limit = match map.get("limit") {
        None | Some(Value::Null) => DEFAULT_RECOVER_LIMIT,
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (1..=MAX_RECOVER_LIMIT).contains(n))
            .ok_or_else(|| bad("limit", "must be a whole number from 1 to 500"))?,
    };
    Ok(Recovery {
        since_ms,
        limit,
        states: vec![DeliveryState::Failed],
        cancelled_reasons: vec![EndpointReason::EndpointDisabled],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn every_outcome_has_one_status_and_the_lists_agree() {
        use AttemptOutcome::*;
        for outcome in [
            Delivered,
            Retry,
            Failed,
            EndpointDisabled,
            CircuitOpen,
            Blocked,
            Cancelled,
            Unknown,
        ] {
            let word = serde_json::to_value(outcome).unwrap();
            let status = attempt_status(outcome);
            assert!(
                attempt_outcomes(status).contains(&word.as_str().unwrap()),
                "{word}"
            );
        }
    }

    #[test]
    fn times_read_in_both_forms_and_nothing_else() {
        assert_eq!(parse_time("0"), Ok(0));
        assert_eq!(parse_time("2026-12-07T10:00:00Z"), Ok(1_796_637_600_000));
        assert_eq!(
            parse_time("2026-12-07T11:00:00.250+01:00"),
            Ok(1_796_637_600_250)
        );
        for bad in [
            "",
            "-1",
            "1e3",
            "2026-12-07",
            "2026-12-07T10:00:00",
            "yesterday",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_query_names_what_it_refuses() {
        let e = read_query(Listing::Events, &pairs(&[("statuss", "x")])).unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
        assert!(e.to_string().contains("statuss"), "{e}");
        let twice = read_query(Listing::Events, &pairs(&[("limit", "1"), ("limit", "2")]));
        assert!(twice.is_err());
        let q = read_query(
            Listing::Attempts,
            &pairs(&[("status", "failed"), ("statusClass", "5xx")]),
        )
        .unwrap();
        assert_eq!(q.status_class, Some(StatusClass::Range([500, 599])));
        assert_eq!(q.limit, DEFAULT_LIMIT);
    }
}
