// Endpoint secrets at rest: sealed with AES-256-GCM through WebCrypto (the platform's AES, not
// ours), under a key id so keys can rotate. The endpoint id is the additional data: a sealed
// secret copied onto another row does not open. I/O only: the secrets themselves come from the
// core (`generateSecret`).
import { SenderError } from "hookline/errors";

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const invalid = (message) => new SenderError("invalid_argument", message);

/**
 * The sealing keys: `{ current: "k2", keys: { k1: "<base64 of 32 bytes>", k2: ... } }` or one
 * base64 key (id "k1"). New secrets are sealed with `current`; any listed key opens what it
 * sealed, so the key is rotated by adding a new one as `current` and re-sealing at leisure.
 */
export async function sealingKeys(spec) {
  const normalized = typeof spec === "string" ? { current: "k1", keys: { k1: spec } } : spec;
  if (!normalized || typeof normalized.current !== "string" || typeof normalized.keys !== "object" || !normalized.keys[normalized.current]) {
    throw invalid("createStore: encryptionKey must be a base64 32-byte key, or { current, keys: { id: key } } with the current id among the keys");
  }
  const keys = new Map();
  for (const [id, text] of Object.entries(normalized.keys)) {
    let raw;
    try {
      raw = unb64(String(text));
    } catch {
      raw = null;
    }
    if (!raw || raw.length !== 32 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      throw invalid(`createStore: encryption key ${JSON.stringify(id)} must be 32 bytes in base64 under an id of [A-Za-z0-9_-]`);
    }
    keys.set(id, await globalThis.crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  return { current: normalized.current, keys };
}

/** The key id a sealed text names (`v1.<key id>.<iv>.<ciphertext>`), or null. */
export const sealedKeyId = (sealed) => {
  const parts = String(sealed).split(".");
  return parts.length === 4 && parts[0] === "v1" ? parts[1] : null;
};

/** Seal and open secrets with `sealing` (from sealingKeys). */
export function sealer(sealing) {
  async function seal(endpointId, secret) {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(secret);
    const aad = new TextEncoder().encode(endpointId);
    const ct = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, sealing.keys.get(sealing.current), data));
    return `v1.${sealing.current}.${b64(iv)}.${b64(ct)}`;
  }

  async function open(endpointId, sealed) {
    const [, , iv, ct] = String(sealed).split(".");
    const keyId = sealedKeyId(sealed);
    const key = keyId === null ? undefined : sealing.keys.get(keyId);
    if (!key) throw new SenderError("keys_unavailable", `endpoint ${endpointId}: its secret is sealed with key ${JSON.stringify(keyId)}, which this store was not given`);
    try {
      const aad = new TextEncoder().encode(endpointId);
      const plain = await globalThis.crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv), additionalData: aad }, key, unb64(ct));
      return new TextDecoder().decode(plain);
    } catch {
      throw new SenderError("keys_unavailable", `endpoint ${endpointId}: its secret does not open with key ${JSON.stringify(keyId)}`);
    }
  }

  // Opened secrets by endpoint and sealed text (which names its key and nonce, so it never
  // changes meaning): an attempt does not pay a decryption each time. Bounded.
  const opened = new Map();
  function openOnce(endpointId, sealed) {
    const k = `${endpointId}|${sealed}`;
    let secret = opened.get(k);
    if (!secret) {
      if (opened.size >= 10_000) opened.clear();
      secret = open(endpointId, sealed);
      opened.set(k, secret);
      secret.catch(() => opened.delete(k));
    }
    return secret;
  }

  /** Whether `sealed` is sealed with the current key. */
  const current = (sealed) => sealedKeyId(sealed) === sealing.current;

  return { seal, open, openOnce, current, has: (keyId) => sealing.keys.has(keyId) };
}

/**
 * What the keys can open of what is stored: for every key id that sealed a secret, how many
 * secrets it sealed, and whether the configured key of that id opens one of them. Throws
 * `keys_unavailable` naming the key id when a configured key does not open its secrets (the
 * wrong key under that id): a store with it would sign nothing. Ids not configured are
 * counted in `missing` (their endpoints get `keys_unavailable` attempts), never skipped
 * silently. Counted in SQL, so it reads one row per key id, whatever the number of endpoints.
 */
export async function checkKeys(sql, seal) {
  // Every sealed text is "v1.<key id>.<iv>.<ciphertext>": the key id starts at character 4.
  const keyOf = (column) =>
    sql.dialect === "sqlite" ? `substr(${column}, 4, instr(substr(${column}, 4), '.') - 1)` : `split_part(${column}, '.', 2)`;
  const counted = await sql.rows(
    `SELECT key_id, count(*) AS n, min(id) AS sample FROM (
       SELECT id, ${keyOf("secret_sealed")} AS key_id FROM hookline_endpoints
       UNION ALL
       SELECT id, ${keyOf("previous_sealed")} AS key_id FROM hookline_endpoints WHERE previous_sealed IS NOT NULL
     ) s GROUP BY key_id`,
  );
  const report = { keys: {}, missing: {} };
  for (const { key_id: keyId, n, sample } of counted) {
    const count = Number(n);
    if (!seal.has(keyId)) {
      report.missing[keyId] = count;
      continue;
    }
    const [row] = await sql.rows("SELECT secret_sealed, previous_sealed FROM hookline_endpoints WHERE id = $1", [sample]);
    const sealed = [row?.secret_sealed, row?.previous_sealed].find((t) => t && sealedKeyId(t) === keyId);
    if (sealed === undefined) continue; // changed meanwhile: nothing to try
    try {
      await seal.open(sample, sealed);
    } catch {
      throw new SenderError(
        "keys_unavailable",
        `encryption key ${JSON.stringify(keyId)} does not open the secrets stored under that id (${count} of them, endpoint ${sample} among them): it is not the key they were sealed with`,
      );
    }
    report.keys[keyId] = count;
  }
  return report;
}
