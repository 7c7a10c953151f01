//! Message and event ids: a prefix and a ULID, so ids sort by creation time and are unique
//! given 80 random bits from the caller.

/// `prefix` followed by the 26-character ULID of `unix_ms` and `random`.
pub fn message_id(prefix: &str, unix_ms: u64, random: [u8; 10]) -> String {
    let mut rand = [0u8; 16];
    if let Some(tail) = rand.get_mut(6..) {
        tail.copy_from_slice(&random);
    }
    let ulid = ulid::Ulid::from_parts(unix_ms, u128::from_be_bytes(rand));
    let mut buf = [0u8; ulid::ULID_LEN];
    let text = ulid.array_to_str(&mut buf);
    let mut out = String::with_capacity(prefix.len().saturating_add(text.len()));
    out.push_str(prefix);
    out.push_str(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_differ_by_randomness() {
        let a = message_id("msg_", 1_700_000_000_000, [0; 10]);
        let b = message_id("msg_", 1_700_000_000_001, [0; 10]);
        let c = message_id("msg_", 1_700_000_000_001, [1; 10]);
        assert!(a < b && b < c);
        assert_eq!(a.len(), 4 + 26);
        assert!(a.starts_with("msg_01HF"));
    }
}
