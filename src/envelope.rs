//! Event ids, event types and envelopes: what a sender signs.
//!
//! An envelope is the Standard Webhooks payload shape, `{ id, type, timestamp, data }`, with
//! optional `api_version`, `tenant_id` and custom top-level fields. It is serialized compactly and
//! canonically (object keys sorted, fixed top-level order), so the same input gives the same bytes
//! in every runtime; those bytes are what gets signed and sent.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;

/// The default limit on a serialized envelope: 256 KiB, what common receivers accept.
pub const DEFAULT_MAX_PAYLOAD_BYTES: usize = 256 * 1024;
/// The longest event type accepted.
pub const MAX_EVENT_TYPE_LEN: usize = 256;
/// Top-level names the envelope itself uses; custom fields may not take them.
pub const RESERVED_FIELDS: [&str; 6] = [
    "id",
    "type",
    "timestamp",
    "data",
    "api_version",
    "tenant_id",
];
/// The latest time an envelope timestamp may have: 9999-12-31T23:59:59.999Z.
const MAX_TIMESTAMP_MS: i64 = 253_402_300_799_999;

/// Check an event type: dot-separated segments of `[A-Za-z0-9_-]`, at most 256 characters.
pub fn validate_event_type(event_type: &str) -> Result<(), Error> {
    if event_type.is_empty() {
        return Err(Error::InvalidEventType {
            reason: "event type is empty",
        });
    }
    if event_type.len() > MAX_EVENT_TYPE_LEN {
        return Err(Error::InvalidEventType {
            reason: "event type is longer than 256 characters",
        });
    }
    for segment in event_type.split('.') {
        if segment.is_empty() {
            return Err(Error::InvalidEventType {
                reason: "event type has an empty segment (leading, trailing or double dot)",
            });
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(Error::InvalidEventType {
                reason: "event type segments may hold only A-Z, a-z, 0-9, _ and -",
            });
        }
    }
    Ok(())
}

/// Check an id prefix such as `msg_` or `evt_`: 1 to 16 characters of `[a-z0-9_]`.
pub fn validate_id_prefix(prefix: &str) -> Result<(), Error> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 16
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            reason: "id prefix must be 1 to 16 characters of a-z, 0-9 and _",
        })
    }
}

/// A new event id: `prefix` then a ULID of `unix_ms` and 80 random bits from the caller, so ids
/// sort by creation time and do not collide.
pub fn event_id(prefix: &str, unix_ms: i64, random: [u8; 10]) -> Result<String, Error> {
    validate_id_prefix(prefix)?;
    let ms = u64::try_from(unix_ms).map_err(|_| Error::InvalidArgument {
        reason: "time is before 1970",
    })?;
    if ms >= 1 << 48 {
        return Err(Error::InvalidArgument {
            reason: "time is past the year 10889",
        });
    }
    Ok(crate::id::message_id(prefix, ms, random))
}

/// RFC 3339 UTC with milliseconds, e.g. `2026-11-22T12:00:00.000Z`.
pub fn rfc3339_ms(unix_ms: i64) -> Result<String, Error> {
    if !(0..=MAX_TIMESTAMP_MS).contains(&unix_ms) {
        return Err(Error::InvalidArgument {
            reason: "timestamp must be between 1970 and 9999",
        });
    }
    let days = unix_ms.div_euclid(86_400_000);
    let ms_of_day = unix_ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    Ok(format!(
        "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}Z"
    ))
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar, for days in
/// 0..=2_932_896 (years 1970 to 9999), where none of the arithmetic can overflow.
#[allow(clippy::arithmetic_side_effects)] // bounded by the caller's range check
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// What the sender says about an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventInput {
    /// The event id; default a new `{idPrefix}<ULID>`.
    #[serde(default)]
    pub id: Option<String>,
    /// The event type, e.g. `invoice.paid`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The event's payload.
    #[serde(default)]
    pub data: Value,
    /// Written as `api_version` when present.
    #[serde(default)]
    pub api_version: Option<String>,
    /// Tenant or customer id, written as `tenant_id` and used by matching.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Channels, used by matching; not written into the envelope.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Extra top-level fields (not `id`, `type`, `timestamp`, `data`, `api_version`, `tenant_id`).
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// The envelope's time in unix milliseconds; default the `now` given to the builder.
    #[serde(default)]
    pub timestamp_ms: Option<i64>,
}

/// Where oversized parts of `data` go when the envelope would exceed the size limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OffloadOptions {
    /// Parts smaller than this stay inline. Default 1 KiB.
    #[serde(default = "default_offload_min")]
    pub min_bytes: usize,
    /// The reference URL; `{id}` becomes the event id and `{name}` the part's path.
    pub url_template: String,
}

fn default_offload_min() -> usize {
    1024
}

/// How envelopes are built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvelopeOptions {
    /// The limit on the serialized envelope in bytes. Default 256 KiB.
    #[serde(default = "default_max")]
    pub max_payload_bytes: usize,
    /// The prefix of generated ids. Default `msg_`.
    #[serde(default = "default_prefix")]
    pub id_prefix: String,
    /// Replace the largest parts of `data` by references instead of failing on size.
    #[serde(default)]
    pub offload: Option<OffloadOptions>,
}

fn default_max() -> usize {
    DEFAULT_MAX_PAYLOAD_BYTES
}

fn default_prefix() -> String {
    "msg_".to_owned()
}

impl Default for EnvelopeOptions {
    fn default() -> Self {
        EnvelopeOptions {
            max_payload_bytes: DEFAULT_MAX_PAYLOAD_BYTES,
            id_prefix: default_prefix(),
            offload: None,
        }
    }
}

/// A part of `data` moved out of the envelope: the caller uploads `body` to `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OffloadedPart {
    /// The dot path of the part inside `data`, e.g. `report` or `build.log`.
    pub name: String,
    pub size: usize,
    pub content_type: String,
    pub url: String,
    /// The bytes to store at `url`: the string itself, or the JSON of any other value.
    #[serde(skip)]
    pub body: Vec<u8>,
}

/// A built envelope: the exact bytes to sign and send, and what matching needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub id: String,
    pub event_type: String,
    /// The RFC 3339 timestamp written into the body.
    pub timestamp: String,
    /// The time in unix milliseconds, as used for signing headers.
    pub timestamp_ms: i64,
    pub tenant: Option<String>,
    pub channels: Vec<String>,
    /// The serialized envelope: sign and send exactly these bytes.
    pub body: Vec<u8>,
    /// Parts of `data` replaced by references (empty unless offloading was needed).
    pub offloaded: Vec<OffloadedPart>,
}

fn serialize(
    id: &str,
    input: &EventInput,
    timestamp: &str,
    data: &Value,
) -> Result<Vec<u8>, Error> {
    // NOTE: serde_json's Map is ordered by key (no preserve_order feature), which is what makes
    // the bytes canonical; the top level is written in a fixed order by hand.
    let mut out = Vec::with_capacity(256);
    let mut put = |key: &str, value: &Value, first: bool| -> Result<(), Error> {
        if !first {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, key).map_err(|_| Error::InvalidPayload {
            reason: "cannot serialize the event",
        })?;
        out.push(b':');
        serde_json::to_writer(&mut out, value).map_err(|_| Error::InvalidPayload {
            reason: "cannot serialize the event",
        })
    };
    put("id", &Value::from(id), true)?;
    put("type", &Value::from(input.event_type.as_str()), false)?;
    put("timestamp", &Value::from(timestamp), false)?;
    if let Some(v) = &input.api_version {
        put("api_version", &Value::from(v.as_str()), false)?;
    }
    if let Some(t) = &input.tenant {
        put("tenant_id", &Value::from(t.as_str()), false)?;
    }
    for (k, v) in &input.fields {
        put(k, v, false)?;
    }
    put("data", data, false)?;
    let mut body = Vec::with_capacity(out.len().saturating_add(2));
    body.push(b'{');
    body.extend_from_slice(&out);
    body.push(b'}');
    Ok(body)
}

/// Build the envelope for `input` at `now_ms`, drawing a new id from `random` when none is given.
pub fn build_envelope(
    input: &EventInput,
    options: &EnvelopeOptions,
    now_ms: i64,
    random: [u8; 10],
) -> Result<Envelope, Error> {
    validate_event_type(&input.event_type)?;
    for key in input.fields.keys() {
        if RESERVED_FIELDS.contains(&key.as_str()) {
            return Err(Error::InvalidArgument {
                reason: "custom fields may not be named id, type, timestamp, data, api_version or tenant_id",
            });
        }
    }
    let id = match &input.id {
        // The id travels in a header (`webhook-id`) and is signed as text: visible ASCII only.
        Some(id)
            if id.is_empty()
                || id.len() > 256
                || !id.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            return Err(Error::InvalidArgument {
                reason: "event id must be 1 to 256 visible ASCII characters (no spaces or control characters)",
            })
        }
        Some(id) => id.clone(),
        None => event_id(&options.id_prefix, now_ms, random)?,
    };
    let timestamp_ms = input.timestamp_ms.unwrap_or(now_ms);
    let timestamp = rfc3339_ms(timestamp_ms)?;
    let mut body = serialize(&id, input, &timestamp, &input.data)?;
    let mut offloaded = Vec::new();
    if body.len() > options.max_payload_bytes {
        let Some(offload) = &options.offload else {
            return Err(Error::PayloadTooLarge {
                size: body.len(),
                limit: options.max_payload_bytes,
            });
        };
        // NOTE: only an envelope that must shed parts pays for a copy of its data.
        let mut data = input.data.clone();
        // Move the largest part out, re-measure, and repeat (bounded) until it fits.
        for _ in 0..32 {
            if body.len() <= options.max_payload_bytes {
                break;
            }
            let Some((path, size)) = largest_part(&data, offload.min_bytes) else {
                break;
            };
            let part = take_part(&mut data, &path, size, &id, offload)?;
            offloaded.push(part);
            body = serialize(&id, input, &timestamp, &data)?;
        }
        if body.len() > options.max_payload_bytes {
            return Err(Error::PayloadTooLarge {
                size: body.len(),
                limit: options.max_payload_bytes,
            });
        }
    }
    Ok(Envelope {
        id,
        event_type: input.event_type.clone(),
        timestamp,
        timestamp_ms,
        tenant: input.tenant.clone(),
        channels: input.channels.clone(),
        body,
        offloaded,
    })
}

fn json_len(v: &Value) -> usize {
    serde_json::to_vec(v).map(|b| b.len()).unwrap_or(0)
}

/// The path (object keys) and serialized size of the largest member value at least `min` bytes
/// long, looking through nested objects (not arrays); ties go to the first in key order.
fn largest_part(data: &Value, min: usize) -> Option<(Vec<String>, usize)> {
    let mut best: Option<(Vec<String>, usize)> = None;
    let mut stack: Vec<(Vec<String>, &Value)> = vec![(Vec::new(), data)];
    while let Some((path, value)) = stack.pop() {
        let Value::Object(map) = value else { continue };
        for (k, v) in map {
            let mut p = path.clone();
            p.push(k.clone());
            let size = json_len(v);
            let is_reference = matches!(v, Value::Object(o) if o.contains_key("url") && o.contains_key("content_type"));
            if size >= min && !is_reference && best.as_ref().is_none_or(|(_, s)| size > *s) {
                best = Some((p.clone(), size));
            }
            if v.is_object() && p.len() < 16 {
                stack.push((p, v));
            }
        }
    }
    best
}

fn take_part(
    data: &mut Value,
    path: &[String],
    _size: usize,
    id: &str,
    offload: &OffloadOptions,
) -> Result<OffloadedPart, Error> {
    let not_found = || Error::InvalidPayload {
        reason: "offloaded part vanished",
    };
    let (last, parents) = path.split_last().ok_or_else(not_found)?;
    let mut cursor = data;
    for key in parents {
        cursor = cursor.get_mut(key.as_str()).ok_or_else(not_found)?;
    }
    let map = cursor.as_object_mut().ok_or_else(not_found)?;
    let value = map.remove(last.as_str()).ok_or_else(not_found)?;
    let (body, content_type) = match &value {
        Value::String(s) => (s.clone().into_bytes(), "text/plain; charset=utf-8"),
        other => (
            serde_json::to_vec(other).map_err(|_| not_found())?,
            "application/json",
        ),
    };
    let name = path.join(".");
    let url = offload
        .url_template
        .replace("{id}", id)
        .replace("{name}", &name);
    let part = OffloadedPart {
        name: name.clone(),
        size: body.len(),
        content_type: content_type.to_owned(),
        url: url.clone(),
        body,
    };
    let mut reference = Map::new();
    reference.insert("name".into(), Value::from(name));
    reference.insert("size".into(), Value::from(part.size));
    reference.insert("content_type".into(), Value::from(content_type));
    reference.insert("url".into(), Value::from(url));
    map.insert(last.clone(), Value::Object(reference));
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(event_type: &str, data: Value) -> EventInput {
        EventInput {
            id: None,
            event_type: event_type.into(),
            data,
            api_version: None,
            tenant: None,
            channels: vec![],
            fields: Map::new(),
            timestamp_ms: None,
        }
    }

    /// A number in the data is sent as the caller's JSON wrote it (read exactly: serde_json's
    /// float_roundtrip; its default reading changed about a sixth of doubles by one ULP).
    #[test]
    fn numbers_in_data_keep_their_value() {
        for text in [
            "104572057723999.03",
            "4.5121204853057865e-10",
            "1.2345678901234568e20",
            "0.1",
            "-2.2250738585072014e-308",
            "9007199254740993",
        ] {
            let data: Value = serde_json::from_str(&format!("{{\"n\":{text}}}")).unwrap();
            let sent = build_envelope(
                &input("a.b", data),
                &EnvelopeOptions::default(),
                1_700_000_000_000,
                [0; 10],
            )
            .unwrap();
            let body: Value = serde_json::from_slice(&sent.body).unwrap();
            let want: f64 = text.parse().unwrap();
            assert_eq!(
                body["data"]["n"].as_f64().map(f64::to_bits),
                Some(want.to_bits()),
                "{text}"
            );
        }
    }

    #[test]
    fn event_types() {
        for ok in ["invoice.paid", "a", "user_profile.updated-v2", "A.B.C"] {
            assert!(validate_event_type(ok).is_ok(), "{ok}");
        }
        let long = "a".repeat(257);
        for bad in [
            "",
            ".a",
            "a.",
            "a..b",
            "a b",
            "invoice.*",
            "é",
            long.as_str(),
        ] {
            assert_eq!(
                validate_event_type(bad).unwrap_err().code(),
                "invalid_event_type",
                "{bad}"
            );
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_ms(0).unwrap(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_ms(1_614_265_330_123).unwrap(),
            "2021-02-25T15:02:10.123Z"
        );
        assert_eq!(
            rfc3339_ms(951_782_400_000).unwrap(),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(
            rfc3339_ms(MAX_TIMESTAMP_MS).unwrap(),
            "9999-12-31T23:59:59.999Z"
        );
        assert!(rfc3339_ms(-1).is_err());
        assert!(rfc3339_ms(i64::MAX).is_err());
    }

    #[test]
    fn canonical_bytes() {
        let mut i = input(
            "invoice.paid",
            json!({"b": 1, "a": {"z": [3, 2], "y": "é"}}),
        );
        i.id = Some("msg_1".into());
        i.api_version = Some("2026-01-01".into());
        i.tenant = Some("t_1".into());
        i.fields.insert("source".into(), json!("billing"));
        let e =
            build_envelope(&i, &EnvelopeOptions::default(), 1_614_265_330_123, [0; 10]).unwrap();
        assert_eq!(
            String::from_utf8(e.body).unwrap(),
            r#"{"id":"msg_1","type":"invoice.paid","timestamp":"2021-02-25T15:02:10.123Z","api_version":"2026-01-01","tenant_id":"t_1","source":"billing","data":{"a":{"y":"é","z":[3,2]},"b":1}}"#
        );
    }

    #[test]
    fn size_limit_and_offload() {
        let big = "x".repeat(3000);
        let i = input("build.finished", json!({"log": big, "status": "ok"}));
        let mut o = EnvelopeOptions {
            max_payload_bytes: 1000,
            ..EnvelopeOptions::default()
        };
        let err = build_envelope(&i, &o, 0, [0; 10]).unwrap_err();
        assert_eq!(err.code(), "payload_too_large");
        o.offload = Some(OffloadOptions {
            min_bytes: 100,
            url_template: "https://files.example.com/{id}/{name}".into(),
        });
        let e = build_envelope(&i, &o, 0, [0; 10]).unwrap();
        assert!(e.body.len() <= 1000);
        assert_eq!(e.offloaded.len(), 1);
        assert_eq!(e.offloaded[0].name, "log");
        assert_eq!(e.offloaded[0].size, 3000);
        let v: Value = serde_json::from_slice(&e.body).unwrap();
        assert_eq!(
            v["data"]["log"]["url"],
            format!("https://files.example.com/{}/log", e.id)
        );
        assert_eq!(v["data"]["status"], "ok");
    }

    #[test]
    fn reserved_fields_and_ids() {
        let mut i = input("a", json!(null));
        i.fields.insert("type".into(), json!(1));
        assert_eq!(
            build_envelope(&i, &EnvelopeOptions::default(), 0, [0; 10])
                .unwrap_err()
                .code(),
            "invalid_argument"
        );
        assert!(event_id("evt_", 1_700_000_000_000, [1; 10])
            .unwrap()
            .starts_with("evt_01H"));
        assert!(event_id("EVT", 0, [0; 10]).is_err());
        assert!(event_id("evt_", -1, [0; 10]).is_err());
    }
}
