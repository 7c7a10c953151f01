//! Helpers the vector tests share: reading `tests/vectors/<name>.json`, a case's keys and
//! headers, and comparing a result with the fields a vector names.

use hookline::verify::KeyInput;
use serde_json::Value;

/// A case's list of keys (secrets or public keys, as text).
#[allow(dead_code)] // for the receiver's vector tests only
pub fn text_keys(list: &Value) -> Vec<KeyInput<'_>> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|k| KeyInput::Text(k.as_str().unwrap()))
        .collect()
}

/// A case's headers object as (name, value) pairs.
#[allow(dead_code)] // for the receiver's vector tests only
pub fn header_pairs(headers: &Value) -> Vec<(String, String)> {
    headers
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// The known answers in `tests/vectors/<name>.json`.
pub fn read_vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every key of `want` must be in `got` with the same value; objects are compared the same way,
/// key by key, so a vector names only the fields it cares about (and a misspelled one fails).
pub fn assert_partial(got: &Value, want: &Value, at: &str) {
    match want {
        Value::Object(fields) => {
            for (key, w) in fields {
                let g = got
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key}: no such field in {got}"));
                assert_partial(g, w, &format!("{at}.{key}"));
            }
        }
        _ => assert_eq!(got, want, "{at}"),
    }
}
