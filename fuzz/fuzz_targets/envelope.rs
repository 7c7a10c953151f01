//! Envelope building from arbitrary JSON event input and options.
#![no_main]

use hookline::envelope::{build_envelope, validate_event_type, EnvelopeOptions, EventInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8], i64, [u8; 10], String)| {
    let (event, options, now, random, event_type) = input;
    let _ = validate_event_type(&event_type);
    let Ok(event) = serde_json::from_slice::<EventInput>(event) else { return };
    let options = serde_json::from_slice::<EnvelopeOptions>(options).unwrap_or_default();
    if let Ok(e) = build_envelope(&event, &options, now, random) {
        assert!(e.body.len() <= options.max_payload_bytes);
        assert!(serde_json::from_slice::<serde_json::Value>(&e.body).is_ok());
    }
});
