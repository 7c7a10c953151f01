// Tenant-scoped tokens for the management API: a token lets its bearer act for one tenant until
// it expires, optionally only read. I/O only: the core signs and checks them (`TenantTokens`: a
// key derived from the operator's secret with HKDF, an HMAC-SHA256 tag compared in constant
// time, the expiry, the tenant and read-only rules); this file brings the clock and the nonce.
import { TenantTokens } from "hookline";

/** Tokens signed with a key derived from `secret` (16+ characters); `clock` is unix ms. */
export function tenantTokens(secret, clock = () => Date.now()) {
  const tokens = new TenantTokens(secret);
  return {
    /** `{ token, tenant, readOnly, expiresAtMs, expiresAt }` for `tenant`; `options`: `{ expiresInMs?, readOnly? }`. */
    issue: (tenant, options) => tokens.issue(tenant, options ?? {}, clock(), globalThis.crypto.getRandomValues(new Uint8Array(16))),
    /** The grant of `token` for `access` ("read", "write", "issue") to `tenant`; throws `invalid_token`, `token_expired` or `forbidden`. */
    check: (token, tenant, access) => tokens.check(token, tenant, access, clock()),
  };
}
