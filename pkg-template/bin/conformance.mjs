// hookline conformance: the published vectors (hookline/vectors) run through hookline and through
// the peer SDKs installed in the current project, one table. I/O and glue only: what a case means
// is in the vectors; each adapter maps a case onto a peer's own API and reports "valid" or
// "refused". A case a peer cannot take (a scheme it does not implement, an option it lacks) is
// counted as not applicable with its reason, never as passed.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const payloadOf = (c) => (c.input.payload_base64 !== undefined ? Buffer.from(c.input.payload_base64, "base64") : Buffer.from(c.input.payload, "utf8"));
const headerOf = (c, name) => Object.entries(c.input.headers).find(([k]) => k.toLowerCase() === name)?.[1];
const keysOf = (c) => c.input.secrets ?? c.input.public_keys;

/** Runs `fn` with Date.now() answering the case's clock: for peers that read the clock themselves. */
function at(c, fn) {
  const real = Date.now;
  Date.now = () => c.input.now * 1000;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

/** "valid" when any of the case's keys verifies (how a caller rotating with a one-key SDK does it). */
async function anyKey(c, verifyOne) {
  let last;
  for (const key of keysOf(c)) {
    try {
      if ((await verifyOne(key)) !== false) return { verdict: "valid" };
      last = "returned false";
    } catch (e) {
      last = `${e?.name ?? "Error"}: ${e?.message ?? e}`;
    }
  }
  return { verdict: "refused", detail: last };
}

/** standardwebhooks and svix: `new Webhook(secret).verify(payload, headers)`, reading Date.now(). */
function standardAdapter(module) {
  return {
    schemes: ["standard-webhooks"],
    notApplicable: (c) => (c.input.tolerance !== undefined ? "takes no tolerance option" : null),
    run: (mod, c) =>
      anyKey(c, (secret) =>
        at(c, () => {
          const Webhook = mod.Webhook ?? mod.default.Webhook;
          try {
            new Webhook(secret).verify(payloadOf(c), c.input.headers);
          } catch (e) {
            // The signature matched and the peer then parsed the body as JSON.
            if (e instanceof SyntaxError) return true;
            throw e;
          }
          return true;
        }),
      ),
    module,
  };
}

export const PEERS = {
  standardwebhooks: standardAdapter("standardwebhooks"),
  svix: standardAdapter("svix"),
  stripe: {
    schemes: ["stripe"],
    notApplicable: () => null,
    // signature.verifyHeader: the check constructEvent makes, without parsing the body; the clock
    // is its receivedAt argument (milliseconds).
    run: (mod, c) => {
      const Stripe = mod.default ?? mod.Stripe ?? mod;
      const webhooks = new Stripe("sk_test_hookline_conformance").webhooks;
      return anyKey(c, (secret) => webhooks.signature.verifyHeader(payloadOf(c), headerOf(c, "stripe-signature"), secret, c.input.tolerance ?? 300, undefined, c.input.now * 1000));
    },
    module: "stripe",
  },
  "@octokit/webhooks-methods": {
    schemes: ["github"],
    notApplicable: () => null,
    run: (mod, c) => anyKey(c, (secret) => mod.verify(secret, payloadOf(c).toString("utf8"), headerOf(c, "x-hub-signature-256"))),
    module: "@octokit/webhooks-methods",
  },
};

/** The package's directory in the project at `from` (node_modules of it or of a parent), or null. */
function packageDir(name, from) {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** The file an ESM import of the package's main entry loads (exports conditions: node, import, default). */
function entryFile(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const pick = (x) => {
    if (typeof x === "string") return x;
    if (Array.isArray(x)) return x.map(pick).find(Boolean);
    if (x && typeof x === "object") {
      if (Object.keys(x).some((k) => k.startsWith("."))) return pick(x["."]);
      for (const [k, v] of Object.entries(x)) if (["node", "import", "default"].includes(k)) return pick(v);
    }
    return undefined;
  };
  return { file: join(dir, pick(pkg.exports) ?? pkg.module ?? pkg.main ?? "index.js"), version: pkg.version };
}

/** One case through hookline; it must give the expected verdict and the expected error code. */
function runHookline(hookline, c) {
  const opts = { scheme: c.scheme.replace(/-v1a$/, ""), now: c.input.now, jsonParse: false };
  if (c.input.public_keys) opts.publicKeys = c.input.public_keys;
  else opts.secrets = c.input.secrets;
  if (c.input.tolerance !== undefined) opts.tolerance = c.input.tolerance;
  if (c.input.config !== undefined) opts.custom = c.input.config;
  if (c.input.url !== undefined) opts.url = c.input.url;
  if (c.input.method !== undefined) opts.method = c.input.method;
  // A case with input.detect names no scheme: hookline finds it from the headers.
  if (c.input.detect) delete opts.scheme;
  try {
    hookline.verifyWebhook(new Uint8Array(payloadOf(c)), c.input.headers, opts);
    return { verdict: "valid" };
  } catch (e) {
    if (typeof e?.code !== "string") throw e;
    return { verdict: "refused", code: e.code, detail: e.message };
  }
}

const expected = (c) => (c.expect.valid ? "valid" : `refused (${c.expect.code})`);
const got = (r) => (r.verdict === "valid" ? "valid" : `refused${r.code ? ` (${r.code})` : ""}${r.detail ? `: ${r.detail}` : ""}`);

/** Runs every case; returns one report per verifier (hookline first). */
export async function conformance(hookline, { version, vectors, peers, cwd }) {
  const reports = [];
  const hl = { name: "hookline", version, installed: true, results: [] };
  for (const c of vectors.cases) {
    const r = runHookline(hookline, c);
    const pass = c.expect.valid ? r.verdict === "valid" : r.verdict === "refused" && r.code === c.expect.code;
    hl.results.push({ id: c.id, scheme: c.scheme, bug_class: c.bug_class, status: pass ? "pass" : "fail", expected: expected(c), got: got(r) });
  }
  reports.push(hl);
  for (const name of peers) {
    const adapter = PEERS[name];
    const dir = packageDir(adapter.module, cwd);
    const report = { name, version: null, installed: dir !== null, results: [] };
    reports.push(report);
    if (!dir) {
      for (const c of vectors.cases) report.results.push({ id: c.id, scheme: c.scheme, bug_class: c.bug_class, status: "n/a", reason: "not installed" });
      continue;
    }
    const { file, version } = entryFile(dir);
    report.version = version;
    let mod;
    let loadError = null;
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (e) {
      loadError = `could not be loaded (${e?.message ?? e})`;
      report.load_error = loadError;
    }
    for (const c of vectors.cases) {
      const base = { id: c.id, scheme: c.scheme, bug_class: c.bug_class };
      const na =
        loadError ??
        (!adapter.schemes.includes(c.scheme) ? `does not implement ${c.scheme}` : c.input.detect ? "names its scheme (the case is hookline's detection)" : adapter.notApplicable(c));
      if (na) {
        report.results.push({ ...base, status: "n/a", reason: na });
        continue;
      }
      const r = await adapter.run(mod, c);
      const pass = c.expect.valid === (r.verdict === "valid");
      report.results.push({ ...base, status: pass ? "pass" : "fail", expected: expected(c), got: got(r) });
    }
  }
  for (const r of reports) {
    const n = (s) => r.results.filter((x) => x.status === s).length;
    Object.assign(r, { run: n("pass") + n("fail"), passed: n("pass"), failed: n("fail"), not_applicable: n("n/a") });
  }
  return reports;
}

const pad = (s, n) => String(s).padEnd(n);
const padl = (s, n) => String(s).padStart(n);

/** The text tables: one row per verifier, a scheme-by-verifier grid, then the failures by bug class. */
export function formatReports(reports, vectors) {
  const lines = [];
  const schemes = Object.keys(vectors.schemes);
  lines.push(`hookline conformance: ${vectors.cases.length} cases (vectors v${vectors.version}) across ${schemes.length} schemes`, "");
  const label = (r) => `${r.name}${r.version ? ` ${r.version}` : ""}`;
  const w = Math.max(9, ...reports.map((r) => label(r).length)) + 2;
  lines.push(`${pad("verifier", w)}${padl("run", 5)}${padl("passed", 8)}${padl("failed", 8)}${padl("n/a", 6)}`);
  for (const r of reports) {
    const note = r.load_error ? `   ${r.load_error}` : r.installed ? "" : `   not installed in this project (npm install ${PEERS[r.name].module} to compare)`;
    lines.push(`${pad(label(r), w)}${padl(r.run, 5)}${padl(r.passed, 8)}${padl(r.failed, 8)}${padl(r.not_applicable, 6)}${note}`);
  }
  lines.push("", "passed/run by scheme ('–': not applicable)");
  const cols = reports.map((r) => Math.max(r.name.length, 7) + 2);
  const sw = Math.max(...schemes.map((s) => s.length)) + 2;
  lines.push(pad("scheme", sw) + reports.map((r, i) => padl(r.name, cols[i])).join(""));
  for (const s of schemes) {
    const cells = reports.map((r, i) => {
      const rs = r.results.filter((x) => x.scheme === s && x.status !== "n/a");
      return padl(rs.length ? `${rs.filter((x) => x.status === "pass").length}/${rs.length}` : "–", cols[i]);
    });
    lines.push(pad(s, sw) + cells.join(""));
  }
  for (const r of reports) {
    const failed = r.results.filter((x) => x.status === "fail");
    const partial = [...new Set(r.results.filter((x) => x.status === "n/a" && !x.reason.startsWith("does not implement") && x.reason !== "not installed" && x.reason !== r.load_error).map((x) => x.reason))];
    if (!failed.length && !partial.length) continue;
    lines.push("", `${r.name}: ${failed.length} failed`);
    for (const cls of [...new Set(failed.map((x) => x.bug_class))]) {
      lines.push(`  ${cls}:`);
      for (const x of failed.filter((f) => f.bug_class === cls)) lines.push(`    ${x.id}: expected ${x.expected}, got ${x.got}`);
    }
    for (const reason of partial) {
      const ids = r.results.filter((x) => x.reason === reason).map((x) => x.id);
      lines.push(`  not applicable (${reason}): ${ids.join(", ")}`);
    }
  }
  return lines.join("\n");
}
