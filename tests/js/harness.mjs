// A tiny test harness that runs unchanged in Node, Deno, Bun, workerd and browsers: no node:test,
// no globals beyond ECMAScript, results returned as data for each runtime's runner to print.

export class AssertionError extends Error {}

export function createHarness() {
  const tests = [];
  const test = (name, fn) => tests.push({ name, fn });
  const run = async (runtime) => {
    const failures = [];
    let passed = 0;
    for (const t of tests) {
      try {
        await t.fn();
        passed++;
      } catch (e) {
        failures.push({ name: t.name, error: `${e?.name}: ${e?.message}${e?.code ? ` [${e.code}]` : ""}` });
      }
    }
    return { runtime, passed, failed: failures.length, failures };
  };
  return { test, run };
}

const show = (v) => {
  try {
    return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

export const assert = {
  ok(value, message = "expected a truthy value") {
    if (!value) throw new AssertionError(message);
  },
  equal(actual, expected, message = "") {
    if (!Object.is(actual, expected)) {
      throw new AssertionError(`${message} expected ${show(expected)}, got ${show(actual)}`.trim());
    }
  },
  deepEqual(actual, expected, message = "") {
    if (show(actual) !== show(expected)) {
      throw new AssertionError(`${message} expected ${show(expected)}, got ${show(actual)}`.trim());
    }
  },
  /** Expect `fn` to throw an error of `Class` (if given) whose `code` is `code`; returns it. */
  throws(fn, code, Class, message = "") {
    let caught;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    if (caught === undefined) throw new AssertionError(`${message} expected an error (code ${code})`.trim());
    if (Class && !(caught instanceof Class)) {
      throw new AssertionError(`${message} expected ${Class.name}, got ${caught?.name}: ${caught?.message}`.trim());
    }
    if (code !== undefined && caught.code !== code) {
      throw new AssertionError(`${message} expected code ${code}, got ${caught?.code} (${caught?.message})`.trim());
    }
    return caught;
  },
};

export const hexToBytes = (hex) => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
};

export const utf8 = (s) => new TextEncoder().encode(s);

/**
 * Every key of `want` in `got` with the same value; nested objects compared the same way, so a
 * vector names only the fields it cares about (and a misspelled one fails). Arrays are compared
 * whole, or, with `{ arrays: true }`, item by item the same way (at the same length).
 */
export function assertPartial(got, want, at, options = {}) {
  if (options.arrays && Array.isArray(want)) {
    assert.ok(Array.isArray(got) && got.length === want.length, `${at}: ${JSON.stringify(got)} is not ${want.length} long`);
    want.forEach((w, i) => assertPartial(got[i], w, `${at}[${i}]`, options));
  } else if (want !== null && typeof want === "object" && !Array.isArray(want)) {
    for (const [key, w] of Object.entries(want)) {
      assert.ok(got !== null && typeof got === "object" && key in got, `${at}.${key}: no such field`);
      assertPartial(got[key], w, `${at}.${key}`, options);
    }
  } else {
    assert.deepEqual(got, want, at);
  }
}
