//! The sender's side of a scheme: a payload signed under one scheme, the headers to send.

use crate::error::Error;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::scheme::keys::{check_key_count, raw_secret, text_secret, KeyInput, SignKey};
use crate::scheme::{
    custom::CustomScheme, discord, github, linear, shopify, slack, standard, stripe, HmacKey,
    MacHost, Scheme,
};
use crate::secret::{Secret, SigningKey, PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX};

/// Parse a key for signing under `scheme`.
fn sign_key(scheme: Scheme, input: KeyInput<'_>) -> Result<SignKey, Error> {
    Ok(match (scheme, input) {
        (Scheme::StandardWebhooks, KeyInput::Text(t)) if t.starts_with(SIGNING_KEY_PREFIX) => {
            SignKey::Ed25519(SigningKey::parse_whsk(t)?)
        }
        (Scheme::StandardWebhooks, KeyInput::Text(t)) if t.starts_with(PUBLIC_KEY_PREFIX) => {
            return Err(Error::InvalidSecret {
                reason: "whpk_cannot_sign",
            })
        }
        (Scheme::StandardWebhooks, KeyInput::Text(t)) => {
            SignKey::Hmac(HmacKey::from_bytes(Secret::parse(t)?.expose_bytes())?)
        }
        (Scheme::Discord, KeyInput::Text(t)) => SignKey::Ed25519(SigningKey::parse_hex_seed(t)?),
        (Scheme::Discord, KeyInput::Bytes(b)) => SignKey::Ed25519(SigningKey::from_seed_slice(b)?),
        (_, KeyInput::Text(t)) => SignKey::Hmac(text_secret(t)?),
        (_, KeyInput::Bytes(b)) => SignKey::Hmac(raw_secret(b)?),
    })
}

/// The sender's side: signs a payload under one scheme and returns the headers to send.
#[derive(Debug, Clone)]
pub struct Signer {
    scheme: Scheme,
    custom: Option<CustomScheme>,
    keys: Vec<SignKey>,
}

impl Signer {
    pub fn new(scheme: Scheme, keys: &[KeyInput<'_>]) -> Result<Self, Error> {
        if scheme == Scheme::Custom {
            return Err(Error::InvalidArgument {
                reason: "custom_needs_config",
            });
        }
        if scheme.verify_only() {
            return Err(Error::InvalidArgument {
                reason: "scheme_verify_only",
            });
        }
        Self::build(scheme, None, keys)
    }

    pub fn custom(custom: CustomScheme, keys: &[KeyInput<'_>]) -> Result<Self, Error> {
        Self::build(Scheme::Custom, Some(custom), keys)
    }

    fn build(
        scheme: Scheme,
        custom: Option<CustomScheme>,
        inputs: &[KeyInput<'_>],
    ) -> Result<Self, Error> {
        check_key_count(inputs.len())?;
        let keys = inputs
            .iter()
            .map(|k| sign_key(scheme, *k))
            .collect::<Result<Vec<_>, _>>()?;
        let multi = matches!(
            scheme,
            Scheme::StandardWebhooks | Scheme::Stripe | Scheme::Custom
        );
        if keys.len() > 1 && !multi {
            return Err(Error::InvalidArgument {
                reason: "one_signature",
            });
        }
        Ok(Signer {
            scheme,
            custom,
            keys,
        })
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Take HMAC tags from `host` where it gives them (see [`MacHost`]); the signatures are the
    /// same.
    pub fn set_mac_host(&mut self, host: &'static dyn MacHost) {
        for key in &mut self.keys {
            if let SignKey::Hmac(h) = key {
                h.set_host(host);
            }
        }
    }

    fn hmac_keys(&self) -> Vec<HmacKey> {
        self.keys
            .iter()
            .filter_map(|k| match k {
                SignKey::Hmac(h) => Some(h.clone()),
                SignKey::Ed25519(_) => None,
            })
            .collect()
    }

    /// The headers (lowercase names) carrying the signature of `payload`. `id` is used by the
    /// schemes that sign one (Standard Webhooks); `timestamp` (unix seconds) by those with one.
    pub fn sign(
        &self,
        id: &str,
        timestamp: i64,
        payload: &[u8],
    ) -> Result<Vec<(String, String)>, Error> {
        if timestamp < 0 {
            return Err(Error::InvalidArgument {
                reason: "timestamp_before_1970",
            });
        }
        let one = |name: &str, value: String| Ok(vec![(name.to_owned(), value)]);
        let first = self.keys.first().ok_or(Error::InvalidSecret {
            reason: "no_signing_key",
        })?;
        match (self.scheme, first) {
            (Scheme::StandardWebhooks, _) => {
                if id.is_empty() {
                    return Err(Error::InvalidArgument {
                        reason: "message_id_empty",
                    });
                }
                Ok(standard::sign(&self.keys, id, timestamp, payload))
            }
            (Scheme::Stripe, _) => one(
                stripe::HEADER_SIGNATURE,
                stripe::header_value(&self.hmac_keys(), timestamp, payload),
            ),
            (Scheme::GitHub, SignKey::Hmac(k)) => {
                one(github::HEADER_SIGNATURE, github::header_value(k, payload))
            }
            (Scheme::Slack, SignKey::Hmac(k)) => Ok(vec![
                (
                    slack::HEADER_TIMESTAMP.to_owned(),
                    itoa::Buffer::new().format(timestamp).to_owned(),
                ),
                (
                    slack::HEADER_SIGNATURE.to_owned(),
                    slack::header_value(k, timestamp, payload),
                ),
            ]),
            (Scheme::Shopify, SignKey::Hmac(k)) => {
                one(shopify::HEADER_SIGNATURE, shopify::header_value(k, payload))
            }
            (Scheme::Discord, SignKey::Ed25519(k)) => Ok(vec![
                (
                    discord::HEADER_SIGNATURE.to_owned(),
                    discord::header_value(k, timestamp, payload),
                ),
                (
                    discord::HEADER_TIMESTAMP.to_owned(),
                    itoa::Buffer::new().format(timestamp).to_owned(),
                ),
            ]),
            (Scheme::Linear, SignKey::Hmac(k)) => {
                one(linear::HEADER_SIGNATURE, linear::header_value(k, payload))
            }
            (Scheme::Custom, _) => match &self.custom {
                Some(c) => c.sign(&self.hmac_keys(), timestamp, payload),
                None => Err(Error::InvalidArgument {
                    reason: "custom_needs_config",
                }),
            },
            _ => Err(Error::InvalidSecret {
                reason: "key_cannot_sign",
            }),
        }
    }
}
