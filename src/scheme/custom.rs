//! Custom HMAC-SHA256 headers, as the dispatchers many teams wrote themselves send them:
//! `X-Foreman-Signature: sha256=<hex>` over the body, `X-MuseHub-Signature: <base64>`,
//! `X-DevCard-Signature: <hex>` over `{ts}.{body}` with a timestamp header, or Stripe's
//! `t=<unix>,v1=<hex>` layout under any header name. Keys are the UTF-8 of the secret.

use super::keys::{Keys, Verified};
use super::{check_length, decode_base64, decode_hex, encode_base64, stripe, HmacKey};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

/// How the signature bytes are written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Hex,
    Base64,
}

/// What is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The raw body alone.
    Body,
    /// `{timestamp}.{body}`, the timestamp taken verbatim from the timestamp header.
    TimestampDotBody,
}

/// The header's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `<prefix><signature>`.
    Plain,
    /// `t=<unix>,v1=<hex>[,v1=...]` signed over `{t}.{body}` (prefix, encoding, content unused).
    Stripe,
}

/// A custom scheme's configuration. Header names are stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomScheme {
    header: String,
    prefix: String,
    encoding: Encoding,
    content: Content,
    timestamp_header: Option<String>,
    id_header: Option<String>,
    event_header: Option<String>,
    format: Format,
}

fn header_name(name: &str) -> Result<String, Error> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if ok {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(Error::InvalidArgument {
            reason: "custom_header_name",
        })
    }
}

impl CustomScheme {
    /// A scheme reading `header`: no prefix, hex, over the body, unless configured otherwise.
    pub fn new(header: &str) -> Result<Self, Error> {
        Ok(CustomScheme {
            header: header_name(header)?,
            prefix: String::new(),
            encoding: Encoding::Hex,
            content: Content::Body,
            timestamp_header: None,
            id_header: None,
            event_header: None,
            format: Format::Plain,
        })
    }

    pub fn with_prefix(mut self, prefix: &str) -> Result<Self, Error> {
        if prefix.len() > 32 || !prefix.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidArgument {
                reason: "custom_prefix",
            });
        }
        self.prefix = prefix.to_owned();
        Ok(self)
    }

    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Sign `{timestamp}.{body}`, the timestamp read from `header`.
    pub fn with_timestamp_header(mut self, header: &str) -> Result<Self, Error> {
        self.timestamp_header = Some(header_name(header)?);
        self.content = Content::TimestampDotBody;
        Ok(self)
    }

    /// A header whose value is reported as the message id.
    pub fn with_id_header(mut self, header: &str) -> Result<Self, Error> {
        self.id_header = Some(header_name(header)?);
        Ok(self)
    }

    /// A header whose value is reported as the event type.
    pub fn with_event_header(mut self, header: &str) -> Result<Self, Error> {
        self.event_header = Some(header_name(header)?);
        Ok(self)
    }

    pub fn header(&self) -> &str {
        &self.header
    }

    /// The headers this layout reads.
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.header.as_str()),
            self.timestamp_header.as_deref(),
            self.id_header.as_deref(),
            self.event_header.as_deref(),
        ]
        .into_iter()
        .flatten()
    }

    pub fn timestamp_header(&self) -> Option<&str> {
        self.timestamp_header.as_deref()
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn content(&self) -> Content {
        self.content
    }

    fn decode(&self, text: &str) -> Option<[u8; 32]> {
        match self.encoding {
            Encoding::Hex => decode_hex::<32>(text),
            Encoding::Base64 => decode_base64::<32>(text),
        }
    }

    fn encode(&self, tag: &[u8]) -> String {
        match self.encoding {
            Encoding::Hex => hex::encode(tag),
            Encoding::Base64 => encode_base64(tag),
        }
    }

    #[cfg_attr(not(feature = "sender"), inline(never))]
    pub(crate) fn verify(
        &self,
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
        tolerance: u64,
    ) -> Result<Verified, Error> {
        let value = super::required(headers, &self.header)?;
        let verified = |key_index, timestamp| Verified {
            scheme: super::Scheme::Custom,
            key_index,
            id: self
                .id_header
                .as_deref()
                .and_then(|h| super::optional(headers, h)),
            timestamp,
            event_type: self
                .event_header
                .as_deref()
                .and_then(|h| super::optional(headers, h)),
        };
        if self.format == Format::Stripe {
            let (index, ts) =
                stripe::verify_timestamped(keys, &value, &self.header, payload, now, tolerance)?;
            return Ok(verified(index, Some(ts)));
        }
        check_length(&value, &self.header)?;
        let (ts_text, timestamp) = match (&self.content, &self.timestamp_header) {
            (Content::TimestampDotBody, Some(name)) => {
                let (text, ts) = super::timestamp_in_window(headers, name, now, tolerance)?;
                (Some(text), Some(ts))
            }
            _ => (None, None),
        };
        let candidate = value
            .trim()
            .strip_prefix(self.prefix.as_str())
            .and_then(|s| self.decode(s))
            .ok_or(Error::NoMatchingSignature)?;
        let index = match &ts_text {
            Some(ts) => {
                super::keys::matching_key(keys, &[ts.as_bytes(), b".", payload], &[candidate])
            }
            None => super::keys::matching_key(keys, &[payload], &[candidate]),
        }
        .ok_or(Error::NoMatchingSignature)?;
        Ok(verified(index, timestamp))
    }

    pub(crate) fn sign(
        &self,
        keys: &[HmacKey],
        timestamp: i64,
        payload: &[u8],
    ) -> Result<Vec<(String, String)>, Error> {
        if self.format == Format::Stripe {
            return Ok(vec![(
                self.header.clone(),
                stripe::header_value(keys, timestamp, payload),
            )]);
        }
        let [key] = keys else {
            return Err(Error::InvalidArgument {
                reason: "one_signature_header",
            });
        };
        let ts = itoa::Buffer::new().format(timestamp).to_owned();
        let mut out = Vec::with_capacity(2);
        let tag = match (&self.content, &self.timestamp_header) {
            (Content::TimestampDotBody, Some(name)) => {
                out.push((name.clone(), ts.clone()));
                key.tag_bytes(&[ts.as_bytes(), b".", payload])
            }
            _ => key.tag_bytes(&[payload]),
        };
        out.insert(
            0,
            (
                self.header.clone(),
                [self.prefix.as_str(), &self.encode(&tag)].concat(),
            ),
        );
        Ok(out)
    }
}
