// The full build's wasm exports that the hand-written JS calls (dispatcher.js), as live
// bindings: the generated glue (target/wasm-bindgen/hookline/api.js, written by
// scripts/build.mjs beside wasm-bindgen's output) binds them when it instantiates the wasm,
// before any entry hands out the API. A module of its own so that dispatcher.js imports a file
// in the repository, which an editor and tsc can follow; the glue exists only after a build.
// Types and docs: index.d.ts (wasm-bindgen's declarations).
export let checkOrderingPolicy, checkResolved, DeliveryEndpoint, EnvelopeBuilder, eventId, Matcher, matchSubscriptions, nextWait, orderedAttempt, traceChild, unstartedAttempt;

/** Called once, by the glue's instantiate, with wasm-bindgen's JS module (`hookline_bg.js`). */
export function bind(glue) {
  ({ checkOrderingPolicy, checkResolved, DeliveryEndpoint, EnvelopeBuilder, eventId, Matcher, matchSubscriptions, nextWait, orderedAttempt, traceChild, unstartedAttempt } = glue);
}
