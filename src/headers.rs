//! Case-insensitive header lookup over whatever the caller holds.
//!
//! Verification needs only a handful of headers, so the core asks for them by name instead of
//! requiring the caller to copy every header into a map first.

#[allow(unused_imports)]
use crate::prelude::*;
/// Something that can answer "what is the value of header `name`?".
///
/// `name` is always lowercase ASCII. When a header occurs several times, return the values joined
/// with `", "`, the way the Fetch API's `Headers.get` does.
pub trait HeaderSource {
    fn header(&self, name: &str) -> Option<Cow<'_, str>>;
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderSource for [(K, V)] {
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        let mut found: Option<Cow<'_, str>> = None;
        for (k, v) in self {
            if !k.as_ref().eq_ignore_ascii_case(name) {
                continue;
            }
            found = Some(match found {
                None => Cow::Borrowed(v.as_ref()),
                Some(prev) => Cow::Owned([prev.as_ref(), ", ", v.as_ref()].concat()),
            });
        }
        found
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderSource for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> HeaderSource for [(K, V); N] {
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        self.as_slice().header(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_joins_duplicates() {
        let h = [("Webhook-ID", "a"), ("x", "1"), ("X", "2")];
        assert_eq!(h.header("webhook-id").as_deref(), Some("a"));
        assert_eq!(h.header("x").as_deref(), Some("1, 2"));
        assert_eq!(h.header("missing"), None);
    }
}
