// The hookline workbench: every panel calls the package's browser build ("hookline", mapped in
// index.html) directly. Errors are shown as their code and message, never a stack; nothing here
// writes to the console, so no secret ever lands in it.

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
};

// ---------- errors: code + message (+ hint), nothing else ----------

function codeOf(e) {
  if (e && typeof e.code === "string") return e.code;
  if (e instanceof TypeError) return "type_error";
  if (e instanceof SyntaxError) return "syntax_error";
  return "error";
}

class UiError extends Error {
  constructor(code, message, hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

function errorBox(e) {
  const message = typeof e?.message === "string" ? e.message : String(e);
  return el(
    "div",
    { class: "error", role: "alert", dataset: { code: codeOf(e) } },
    el("code", { class: "err-code", text: codeOf(e) }),
    " ",
    el("span", { class: "err-message", text: message.split("\n")[0] }),
    typeof e?.hint === "string" && e.hint ? el("div", { class: "err-hint", text: `hint: ${e.hint}` }) : null,
  );
}

function showError(target, e) {
  target.replaceChildren(e ? errorBox(e) : "");
}

let uncaught = 0;
function toast(e) {
  uncaught++;
  document.body.dataset.uncaught = String(uncaught);
  const t = $("toast");
  t.replaceChildren(errorBox(e));
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 8000);
}
window.addEventListener("error", (ev) => toast(ev.error ?? { message: ev.message }));
window.addEventListener("unhandledrejection", (ev) => toast(ev.reason));

// ---------- small helpers ----------

const UNITS = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** "0, 30s, 5m, 1h" (or bare milliseconds) to an array of ms. */
function parseDelays(text) {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (!parts.length) throw new UiError("invalid_policy", "give at least one delay, e.g. 0, 30s, 5m");
  return parts.map((p) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|min|m|h|d)?$/.exec(p.trim());
    if (!m) throw new UiError("invalid_policy", `cannot read the delay "${p}" (use 500ms, 30s, 5m, 2h, 1d or plain ms)`);
    return Math.round(Number(m[1]) * UNITS[m[2] ?? "ms"]);
  });
}

function fmtDuration(ms) {
  if (ms === 0) return "0";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${+s.toFixed(1)} s`;
  const parts = [];
  let rest = Math.round(s);
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]]) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

const timeOfDay = (ms) => new Date(ms).toISOString().slice(11, 23);

// A moment relative to now in the largest unit that fits ("3 years ago", "in 5 minutes"): a
// timestamp from years back reads as years, not as thousands of days.
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const SPANS = [["year", 365.25 * 86_400_000], ["month", 30.44 * 86_400_000], ["week", 7 * 86_400_000], ["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000], ["second", 1000]];
function fromNow(ms, now = Date.now()) {
  const diff = ms - now;
  const [unit, size] = SPANS.find(([, size]) => Math.abs(diff) >= size) ?? SPANS[SPANS.length - 1];
  return relative.format(Math.round(diff / size), unit);
}

function parseHeaderText(text) {
  const trimmed = text.trim();
  if (!trimmed) throw new UiError("missing_header", "paste the request headers first");
  if (trimmed.startsWith("{")) {
    let parsed;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new UiError("invalid_header", `the headers look like JSON but do not parse: ${e.message}`);
    }
    return parsed;
  }
  const headers = {};
  for (const line of trimmed.split(/\r?\n/)) {
    if (!line.trim() || /^HTTP\//i.test(line)) continue;
    const at = line.indexOf(":");
    if (at <= 0) throw new UiError("invalid_header", `not a "name: value" line: ${line.slice(0, 60)}`);
    const name = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

function randomHex(bytes) {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
function hexToBase64(hex) {
  let bin = "";
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

function setValue(node, text) {
  node.textContent = text ?? "";
  node.classList.toggle("filled", Boolean(text));
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select & copy";
  }
  setTimeout(() => (button.textContent = "Copy"), 1500);
}

// ---------- tables: at phone width each row is a card, each cell labelled with its column ----------

function labelCells(table, rows) {
  const heads = [...table.tHead.rows[0].cells].map((th) => th.textContent);
  for (const tr of rows) {
    [...tr.cells].forEach((td, i) => {
      if (td.dataset.label === undefined) td.dataset.label = heads[i] ?? "";
    });
  }
}
for (const table of document.querySelectorAll("table.cards")) {
  new MutationObserver((changes) => labelCells(table, changes.flatMap((c) => [...c.addedNodes].filter((n) => n.nodeName === "TR")))).observe(table.tBodies[0], { childList: true });
}

// ---------- tabs ----------

function showTab(name) {
  const known = [...document.querySelectorAll("[data-panel]")].map((p) => p.dataset.panel);
  const tab = known.includes(name) ? name : "sign";
  for (const p of document.querySelectorAll("[data-panel]")) p.hidden = p.dataset.panel !== tab;
  for (const a of document.querySelectorAll("#tabs a")) a.classList.toggle("active", a.dataset.tab === tab);
}
window.addEventListener("hashchange", () => showTab(location.hash.slice(1)));

// ---------- boot ----------

let hookline;
try {
  hookline = await import("hookline");
} catch (e) {
  $("status").dataset.state = "error";
  $("status").textContent = "could not load hookline";
  showTab(location.hash.slice(1));
  document.querySelector("main").prepend(errorBox(new UiError(codeOf(e), e?.message ?? String(e), "is the workbench server running with a built package (--pkg)?")));
  throw new UiError("load_failed", "hookline did not load");
}
showTab(location.hash.slice(1));

let config = { receiverSecret: "", livePath: "/live/" };
try {
  const res = await fetch("/api/config", { cache: "no-store" });
  if (res.ok) config = await res.json();
} catch {
  // A static host without the workbench server: the live panel says so when used.
}

// ---------- sign ----------

const SIGN_NOTES = {
  "standard-webhooks": "whsec_… base64 (24–64 bytes advised)",
  svix: "whsec_… base64",
  v1a: "whsk_… ed25519 secret key",
  stripe: "the whole whsec_… string, as text",
  github: "the webhook secret text",
  slack: "the app's signing secret",
  shopify: "the app's client secret",
  linear: "the webhook signing secret",
  discord: "ed25519 seed, 64 hex characters",
  custom: "secret text (UTF-8 bytes are the key)",
};

function samplePayload(scheme) {
  const body = { id: "evt_1", type: "invoice.paid", timestamp: new Date().toISOString(), data: { invoice: "in_42", amount: 4200 } };
  if (scheme === "linear") return JSON.stringify({ action: "create", type: "Issue", data: { id: "iss_1", title: "Hello" }, webhookTimestamp: Date.now() });
  return JSON.stringify(body);
}

function newSecretFor(scheme) {
  if (scheme === "v1a") return hookline.generateKeyPair().secretKey;
  if (scheme === "discord") return randomHex(32);
  return hookline.generateSecret();
}

function signSchemeChanged() {
  const scheme = $("sign-scheme").value;
  $("sign-secret-note").textContent = SIGN_NOTES[scheme] ?? "";
  $("sign-custom").hidden = scheme !== "custom";
  if ($("sign-secret").dataset.auto === "1" || !$("sign-secret").value) {
    $("sign-secret").value = newSecretFor(scheme);
    $("sign-secret").dataset.auto = "1";
  }
  if ($("sign-payload").dataset.auto === "1" || !$("sign-payload").value) {
    $("sign-payload").value = samplePayload(scheme);
    $("sign-payload").dataset.auto = "1";
  }
}

function customFrom(prefix) {
  const custom = { header: $(`${prefix}-custom-header`).value.trim(), encoding: $(`${prefix}-custom-encoding`).value, format: $(`${prefix}-custom-format`).value };
  const p = $(`${prefix}-custom-prefix`).value;
  if (p) custom.prefix = p;
  const ts = $(`${prefix}-custom-ts`).value.trim();
  if (ts) custom.timestampHeader = ts;
  return custom;
}

let lastSigned = null;

function doSign() {
  const scheme = $("sign-scheme").value;
  const secret = $("sign-secret").value;
  const payload = $("sign-payload").value;
  const options = { scheme: scheme === "v1a" ? "standard-webhooks" : scheme, secret, payload };
  if (scheme === "custom") options.custom = customFrom("sign");
  const id = $("sign-id").value.trim();
  if (id) options.id = id;
  const ts = $("sign-ts").value.trim();
  if (ts) {
    if (!/^\d+$/.test(ts)) throw new UiError("invalid_argument", "the timestamp is whole unix seconds");
    options.timestamp = Number(ts);
  }
  const headers = hookline.signHeaders(options);
  const url = $("sign-url").value.trim() || `${location.origin}${config.livePath}ok/`;
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  setValue($("sign-headers"), lines.join("\n"));
  const curl = [`curl -i -X POST ${shellQuote(url)}`, `-H ${shellQuote("content-type: application/json")}`, ...lines.map((l) => `-H ${shellQuote(l)}`), `--data-binary ${shellQuote(payload)}`];
  setValue($("sign-curl"), curl.join(" \\\n  "));
  let verifyKey = { kind: "secret", key: secret };
  if (scheme === "v1a") verifyKey = { kind: "public", key: hookline.publicKeyFromSecretKey(secret).publicKey };
  if (scheme === "discord") verifyKey = { kind: "public", key: hookline.publicKeyFromSecretKey(`whsk_${hexToBase64(secret)}`).publicKeyHex };
  lastSigned = { headers: lines.join("\n"), payload, verifyKey, scheme: options.scheme, custom: options.custom };
  $("sign-copy").disabled = false;
  $("sign-to-verify").disabled = false;
}

$("sign-scheme").addEventListener("change", signSchemeChanged);
$("sign-secret").addEventListener("input", () => ($("sign-secret").dataset.auto = "0"));
$("sign-payload").addEventListener("input", () => ($("sign-payload").dataset.auto = "0"));
$("sign-gen").addEventListener("click", () => {
  $("sign-secret").value = newSecretFor($("sign-scheme").value);
  $("sign-secret").dataset.auto = "1";
});
$("sign-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  showError($("sign-error"), null);
  try {
    doSign();
  } catch (e) {
    setValue($("sign-headers"), "");
    setValue($("sign-curl"), "");
    $("sign-copy").disabled = true;
    $("sign-to-verify").disabled = true;
    lastSigned = null;
    showError($("sign-error"), e);
  }
});
$("sign-sample").addEventListener("click", (ev) => {
  ev.preventDefault();
  $("sign-payload").value = samplePayload($("sign-scheme").value);
  $("sign-payload").dataset.auto = "1";
});
$("sign-copy").addEventListener("click", () => copyText($("sign-curl").textContent, $("sign-copy")));
$("sign-to-verify").addEventListener("click", () => {
  if (!lastSigned) return;
  $("verify-headers").value = lastSigned.headers;
  $("verify-body").value = lastSigned.payload;
  $("verify-keys").replaceChildren();
  addKeyRow(lastSigned.verifyKey.kind, lastSigned.verifyKey.key);
  $("verify-scheme").value = lastSigned.scheme === "custom" ? "custom" : "";
  if (lastSigned.custom) {
    $("verify-custom-header").value = lastSigned.custom.header;
    $("verify-custom-prefix").value = lastSigned.custom.prefix ?? "";
    $("verify-custom-encoding").value = lastSigned.custom.encoding;
    $("verify-custom-format").value = lastSigned.custom.format;
    $("verify-custom-ts").value = lastSigned.custom.timestampHeader ?? "";
  }
  verifySchemeChanged();
  location.hash = "#verify";
});

// ---------- verify ----------

function addKeyRow(kind = "secret", value = "", id = "") {
  const kindSel = el("select", { class: "key-kind", "aria-label": "key kind" }, el("option", { value: "secret", text: "secret" }), el("option", { value: "public", text: "public key" }));
  kindSel.value = kind;
  const idIn = el("input", { class: "key-id mono", placeholder: "id (optional)", "aria-label": "key id", spellcheck: "false" });
  idIn.value = id;
  const keyIn = el("input", { class: "key-value mono", placeholder: "whsec_… / secret text / whpk_…", "aria-label": "key", spellcheck: "false" });
  keyIn.value = value;
  keyIn.addEventListener("input", () => {
    if (/^whpk_/.test(keyIn.value.trim())) kindSel.value = "public";
  });
  const remove = el("button", { type: "button", class: "small ghost key-remove", title: "remove this key", text: "×" });
  const row = el("div", { class: "keyrow" }, kindSel, idIn, keyIn, remove);
  remove.addEventListener("click", () => row.remove());
  $("verify-keys").append(row);
  return row;
}

function verifySchemeChanged() {
  $("verify-custom").hidden = $("verify-scheme").value !== "custom";
}

const KNOWN_SIG_HEADERS = {
  "webhook-signature": "standard-webhooks",
  "svix-signature": "svix",
  "stripe-signature": "stripe",
  "x-hub-signature-256": "github",
  "x-slack-signature": "slack",
  "x-shopify-hmac-sha256": "shopify",
  "x-signature-ed25519": "discord",
  "linear-signature": "linear",
};

function detail(dl, name, value) {
  if (value === undefined || value === null || value === "") return;
  dl.append(el("dt", { text: name }), el("dd", { class: "mono", dataset: { field: name }, text: String(value) }));
}

function doVerify() {
  const dl = $("verify-details");
  const verdict = $("verify-verdict");
  dl.replaceChildren();
  verdict.replaceChildren();
  verdict.removeAttribute("data-verdict");
  setValue($("verify-payload"), "");
  const rows = [...document.querySelectorAll("#verify-keys .keyrow")];
  rows.forEach((r) => r.classList.remove("matched"));
  try {
    const headers = parseHeaderText($("verify-headers").value);
    const body = $("verify-body").value;
    const secrets = [];
    const publicKeys = [];
    const order = [];
    for (const kind of ["secret", "public"]) {
      for (const r of rows) {
        if (r.querySelector(".key-kind").value !== kind) continue;
        const key = r.querySelector(".key-value").value;
        if (!key) continue;
        const id = r.querySelector(".key-id").value.trim();
        (kind === "secret" ? secrets : publicKeys).push(id ? { id, key } : key);
        order.push(r);
      }
    }
    if (!order.length) throw new UiError("invalid_secret", "add a secret or a public key to verify with");
    const options = {};
    if (secrets.length) options.secrets = secrets;
    if (publicKeys.length) options.publicKeys = publicKeys;
    const scheme = $("verify-scheme").value;
    if (scheme) options.scheme = scheme;
    if (scheme === "custom") options.custom = customFrom("verify");
    const tol = $("verify-tolerance").value.trim();
    if (tol) {
      if (!/^\d+$/.test(tol)) throw new UiError("invalid_argument", "the tolerance is whole seconds");
      options.tolerance = Number(tol);
    }
    const seen = Object.keys(headers).map((h) => KNOWN_SIG_HEADERS[h.toLowerCase()]).filter(Boolean);
    let r;
    try {
      r = hookline.verifyWebhook(body, headers, options);
    } catch (e) {
      verdict.dataset.verdict = "rejected";
      verdict.append(el("span", { class: "badge bad", text: "REJECTED" }), errorBox(e));
      detail(dl, "scheme", scheme || (seen.length ? `${seen.join(", ")} (signature headers seen)` : "none detected"));
      return;
    }
    verdict.dataset.verdict = "verified";
    verdict.append(el("span", { class: "badge good", text: "VERIFIED" }), el("span", { class: "verdict-text", text: ` ${r.scheme}, key ${r.keyId}` }));
    detail(dl, "scheme", r.scheme);
    detail(dl, "keyIndex", r.keyIndex);
    detail(dl, "keyId", r.keyId);
    detail(dl, "id", r.id);
    if (r.timestamp !== undefined) detail(dl, "timestamp", `${r.timestamp} (${new Date(r.timestamp * 1000).toISOString()}, ${fromNow(r.timestamp * 1000)})`);
    detail(dl, "eventType", r.eventType);
    order[r.keyIndex]?.classList.add("matched");
    setValue($("verify-payload"), typeof r.payload === "string" ? r.payload : r.payload === undefined ? "(empty or not UTF-8)" : JSON.stringify(r.payload, null, 2));
  } catch (e) {
    verdict.dataset.verdict = "error";
    verdict.append(errorBox(e));
  }
}

$("verify-add-key").addEventListener("click", () => addKeyRow().querySelector(".key-value").focus());
$("verify-scheme").addEventListener("change", verifySchemeChanged);
$("verify-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  doVerify();
});
addKeyRow();

// ---------- secrets ----------

$("secret-gen").addEventListener("click", () => setValue($("secret-out"), hookline.generateSecret()));
$("pair-gen").addEventListener("click", () => {
  const k = hookline.generateKeyPair();
  setValue($("pair-secret"), k.secretKey);
  setValue($("pair-public"), k.publicKey);
  setValue($("pair-hex"), k.publicKeyHex);
});
$("derive-go").addEventListener("click", () => {
  showError($("derive-error"), null);
  setValue($("derive-public"), "");
  setValue($("derive-hex"), "");
  try {
    const k = hookline.publicKeyFromSecretKey($("derive-in").value.trim());
    setValue($("derive-public"), k.publicKey);
    setValue($("derive-hex"), k.publicKeyHex);
  } catch (e) {
    showError($("derive-error"), e);
  }
});

// ---------- retry planner ----------

function retryPolicy() {
  const kind = $("retry-policy").value;
  let policy;
  if (kind === "standard-webhooks" || kind === "svix") policy = { preset: kind };
  else if (kind === "schedule") policy = { schedule: parseDelays($("retry-schedule").value) };
  else {
    const num = (id) => {
      const v = Number($(id).value);
      if (!Number.isFinite(v)) throw new UiError("invalid_policy", `${id.replace("retry-", "")} is not a number`);
      return v;
    };
    policy = { exponential: { baseMs: num("retry-base"), factor: num("retry-factor"), maxMs: num("retry-max"), attempts: num("retry-attempts") } };
  }
  const jitter = $("retry-jitter").value;
  if (jitter === "percent") policy.jitter = { kind: "percent", percent: Number($("retry-percent").value) };
  else if (jitter === "full") policy.jitter = { kind: "full" };
  return policy;
}

function outcomeFrom(value) {
  if (value === "timeout") return { kind: "timeout" };
  if (value === "network") return { kind: "networkError" };
  const status = Number(value);
  return status === 429 ? { kind: "status", status, retryAfter: "120" } : { kind: "status", status };
}

const SVG_NS = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}, text) => {
  const n = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
};

// Round durations for ticks: the log scale uses those inside the window, the linear scale the
// multiples of the smallest step that leaves room for its labels.
const TICKS = [1e3, 5e3, 3e4, 6e4, 3e5, 6e5, 18e5, 36e5, 72e5, 216e5, 432e5, 864e5, 1728e5, 2592e5, 6048e5];
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5, 1728e5, 2592e5, 6048e5, 12096e5, 2592e6];
const LABEL_GAP = 6;

let plotted = null;

/**
 * The timeline, drawn at the plot's own width in CSS pixels so its text stays legible at phone
 * width. Each label is measured once drawn and kept only if it clears the labels already kept
 * on its row and the plot's edges.
 */
function drawTimeline(offsets, jittered, scale) {
  plotted = { offsets, jittered, scale };
  const plot = $("retry-plot");
  const W = Math.floor(plot.clientWidth - 10);
  const caption = el("div", { class: "plot-caption note", text: `${scale === "log" ? "log scale" : "linear scale"}, time since the first attempt${jittered.some((t, i) => t !== offsets[i]) ? "; ○ one draw with jitter" : ""}` });
  // Hidden (another tab): drawn when the plot gets a width (the ResizeObserver below).
  if (W <= 0) return plot.replaceChildren(caption);
  const H = 130;
  const left = 16;
  const right = W - 16;
  const axisY = 96;
  const pointY = 46;
  const max = Math.max(1, ...offsets, ...jittered);
  const x =
    scale === "log"
      ? (t) => left + (Math.log10(1 + t / 1000) / Math.log10(1 + max / 1000)) * (right - left)
      : (t) => left + (t / max) * (right - left);
  const root = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img", "aria-label": `${offsets.length} attempts over ${fmtDuration(max)}` });
  plot.replaceChildren(root, caption);

  /** Draw `text` centred on `cx` (moved inside the plot if it would stick out); keep it only if it clears `row`'s spans. */
  const label = (row, cx, y, cls, text) => {
    const node = svg("text", { x: cx, y, class: cls, "text-anchor": "middle" }, text);
    root.append(node);
    const w = node.getComputedTextLength();
    const at = Math.min(Math.max(cx, w / 2 + 1), W - w / 2 - 1);
    node.setAttribute("x", String(at));
    const span = [at - w / 2 - LABEL_GAP / 2, at + w / 2 + LABEL_GAP / 2];
    if (row.some(([a, b]) => span[0] < b && a < span[1])) {
      node.remove();
      return false;
    }
    row.push(span);
    return true;
  };

  root.append(svg("line", { x1: left, y1: axisY, x2: right, y2: axisY, class: "axis" }));
  let ticks;
  if (scale === "log") ticks = TICKS.filter((t) => t <= max);
  else {
    const room = Math.max(1, Math.floor((right - left) / 55));
    const step = STEPS.find((s) => max / s <= room) ?? max;
    ticks = Array.from({ length: Math.floor(max / step) }, (_, i) => (i + 1) * step);
  }
  const tickRow = [];
  for (const t of [0, ...ticks]) {
    const tx = x(t);
    if (!label(tickRow, tx, axisY + 18, "tick-label", t === 0 ? "0" : fmtDuration(t))) continue;
    root.append(svg("line", { x1: tx, y1: axisY - 4, x2: tx, y2: axisY + 4, class: "tick" }));
  }
  const pointRow = [];
  offsets.forEach((t, i) => {
    const px = x(t);
    root.append(svg("line", { x1: px, y1: axisY, x2: px, y2: pointY, class: "stem" }));
    const c = svg("circle", { cx: px, cy: pointY, r: 7, class: "point", "data-attempt": i + 1, "data-offset": t });
    c.append(svg("title", {}, `attempt ${i + 1}: ${t === 0 ? "first try" : `${fmtDuration(t)} after the first`}`));
    root.append(c);
    label(pointRow, px, pointY - 14, "point-label", `#${i + 1}`);
  });
  jittered.forEach((t, i) => {
    if (t === offsets[i]) return;
    root.append(svg("circle", { cx: x(t), cy: axisY - 22, r: 5, class: "jitter-point", "data-attempt": i + 1 }));
  });
}

// Drawn again at the new width when the window or the panel changes size (in the next frame: a
// redraw inside the observer's callback would resize what it observes).
let plotWidth = 0;
new ResizeObserver(() => {
  const width = $("retry-plot").clientWidth;
  if (width === plotWidth) return;
  plotWidth = width;
  requestAnimationFrame(() => plotted && drawTimeline(plotted.offsets, plotted.jittered, plotted.scale));
}).observe($("retry-plot"));

function doPlan() {
  showError($("retry-error"), null);
  try {
    const policy = retryPolicy();
    const offsets = hookline.retrySchedule(policy);
    // One draw of the jittered schedule: attempt n failing with a 503 at the time it ran.
    const jittered = [0];
    let t = 0;
    for (let n = 1; n < offsets.length; n++) {
      const d = hookline.nextAttempt(policy, n, { kind: "status", status: 503 }, { now: t });
      if (d.kind !== "retry") break;
      t = d.atMs;
      jittered.push(t);
    }
    drawTimeline(offsets, jittered, $("retry-scale").value);
    const total = offsets[offsets.length - 1] ?? 0;
    $("retry-summary").textContent = `${offsets.length} attempts over ${fmtDuration(total)}`;
    $("retry-plot").dataset.points = String(offsets.length);
    const body = $("retry-table").tBodies[0];
    body.replaceChildren(
      ...offsets.map((o, i) =>
        el("tr", {}, el("td", { text: String(i + 1) }), el("td", { text: i === 0 ? "first try" : fmtDuration(o - offsets[i - 1]) }), el("td", { text: fmtDuration(o) }), el("td", { text: jittered[i] === undefined ? "—" : fmtDuration(jittered[i]) })),
      ),
    );
    const n = Number($("retry-n").value);
    const now = Date.now();
    const d = hookline.nextAttempt(policy, n, outcomeFrom($("retry-outcome").value), { now });
    const said =
      d.kind === "retry"
        ? `retry attempt ${d.attempt} in ${fmtDuration(d.delayMs)} (${d.reason}${d.retryAfterMs !== undefined ? `, Retry-After ${fmtDuration(d.retryAfterMs)}` : ""})`
        : d.kind === "delivered"
          ? "delivered"
          : d.kind === "giveUp"
            ? `give up (${d.reason}${d.cause ? `, last ${d.cause}` : ""})`
            : `disable the endpoint (${d.reason})`;
    setValue($("retry-decision"), `${said}\n${JSON.stringify(d, null, 2)}`);
    $("retry-decision").dataset.kind = d.kind;
  } catch (e) {
    plotted = null;
    $("retry-plot").replaceChildren();
    $("retry-plot").dataset.points = "0";
    $("retry-summary").textContent = "";
    $("retry-table").tBodies[0].replaceChildren();
    setValue($("retry-decision"), "");
    showError($("retry-error"), e);
  }
}

$("retry-policy").addEventListener("change", () => {
  $("retry-schedule-wrap").hidden = $("retry-policy").value !== "schedule";
  $("retry-exp-wrap").hidden = $("retry-policy").value !== "exponential";
  doPlan();
});
$("retry-jitter").addEventListener("change", () => {
  $("retry-percent").disabled = $("retry-jitter").value !== "percent";
  doPlan();
});
$("retry-scale").addEventListener("change", doPlan);
$("retry-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  doPlan();
});

// ---------- live ----------

let receiverSeq = 0;
const unclaimed = [];
let sending = false;

async function pollReceiver() {
  const res = await fetch(`/api/receiver?since=${receiverSeq}`, { cache: "no-store" });
  if (!res.ok) return;
  const { entries } = await res.json();
  for (const e of entries) {
    receiverSeq = Math.max(receiverSeq, e.seq);
    unclaimed.push(e);
    const ok = e.ok === true;
    $("live-receiver").tBodies[0].prepend(
      el(
        "tr",
        { dataset: { verdict: ok ? "verified" : "rejected", seq: String(e.seq) } },
        el("td", { class: "mono", text: String(e.at ?? "").slice(11, 23) }),
        el("td", {}, el("span", { class: `badge ${ok ? "good" : "bad"}`, text: ok ? "VERIFIED" : "REJECTED" })),
        el("td", { class: "mono", text: ok ? `${e.scheme} (key ${e.keyId})` : `${e.code}: ${e.message ?? ""}` }),
        el("td", { class: "mono", text: e.id ?? e.payload?.id ?? "—" }),
        el("td", { class: "mono", text: e.eventType ?? "—" }),
      ),
    );
  }
}

/** The receiver's line for an attempt that reached it (the workbench's simulated answers never do). */
async function receiverVerdictFor(record) {
  if (record.status !== 204 && record.status !== 401) return null;
  for (let i = 0; i < 40; i++) {
    await pollReceiver();
    if (unclaimed.length) return unclaimed.shift();
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

function outcomeBadge(outcome) {
  // `started`: the attempt is going out now (the log writes it before the request); `unknown`:
  // its worker stopped mid-attempt; `cancelled`: the endpoint went away first.
  const tone = outcome === "delivered" ? "good" : outcome === "retry" || outcome === "started" || outcome === "unknown" || outcome === "cancelled" ? "warn" : "bad";
  return el("span", { class: `badge ${tone}`, text: outcome });
}

const headerLines = (headers) => Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join("\n");

/** What the dispatcher recorded of one attempt's exchange: the headers it sent, what came back. */
function attemptExchange(record) {
  const why = record.error ? `: ${record.error}` : "";
  const sent = record.requestHeaders
    ? el("pre", { class: "mono code wrap req-headers", text: headerLines(record.requestHeaders) })
    : el("p", { class: "note req-none", text: `nothing was sent${why}` });
  const answer = record.responseHeaders
    ? [
        el("pre", { class: "mono code wrap res-headers", text: headerLines(record.responseHeaders) }),
        el("pre", { class: "mono code wrap res-body", dataset: { empty: "(empty body)", truncated: String(record.responseBodyTruncated) }, text: record.responseBody ?? "" }),
        record.responseBodyTruncated ? el("p", { class: "note res-truncated", text: "longer than shown: the record keeps only the beginning of the body" }) : null,
      ]
    : [el("p", { class: "note res-none", text: `no response${why}` })];
  return el(
    "div",
    { class: "exchange" },
    el("div", { class: "exchange-part" }, el("h4", {}, "Request headers sent to ", el("code", { text: record.url })), sent),
    el("div", { class: "exchange-part" }, el("h4", { text: record.status === null ? "Response" : `Response: status ${record.status}` }), ...answer),
  );
}

async function addAttemptRow(record) {
  const next = record.nextRetryAt ? `in ${fmtDuration(Math.max(0, Date.parse(record.nextRetryAt) - record.attemptedAtMs - record.durationMs))}` : "—";
  const receiverCell = el("td", { class: "receiver-cell", text: "…" });
  const detailId = `exchange-${record.deliveryId}-${record.attempt}`;
  const detail = el("tr", { class: "attempt-detail", id: detailId, hidden: "" }, el("td", { colspan: "8", dataset: { label: "" } }, attemptExchange(record)));
  const open = el("button", { type: "button", class: "small ghost expand mono", title: `${record.eventId}: show the request and the response`, "aria-expanded": "false", "aria-controls": detailId, text: `▸ ${record.eventId.slice(-8)}` });
  open.addEventListener("click", () => {
    const opening = detail.hidden;
    detail.hidden = !opening;
    open.setAttribute("aria-expanded", String(opening));
    open.textContent = `${opening ? "▾" : "▸"} ${record.eventId.slice(-8)}`;
  });
  const row = el(
    "tr",
    { class: "attempt", dataset: { outcome: record.outcome, status: String(record.status ?? ""), attempt: String(record.attempt), event: record.eventId } },
    el("td", {}, open),
    el("td", { text: String(record.attempt) }),
    el("td", { class: "mono", text: timeOfDay(record.attemptedAtMs) }),
    el("td", { class: `mono status-cell s${String(record.status ?? 0)[0]}`, text: record.status === null ? "—" : String(record.status) }),
    el("td", { class: "mono", text: String(record.durationMs) }),
    el("td", { class: "outcome" }, outcomeBadge(record.outcome)),
    el("td", { class: "mono", text: next }),
    receiverCell,
  );
  if (record.error) row.title = record.error;
  $("live-log").tBodies[0].prepend(row, detail);
  const verdict = await receiverVerdictFor(record);
  row.dataset.receiver = verdict ? (verdict.ok ? "verified" : "rejected") : record.status === null ? "none" : "simulated";
  receiverCell.replaceChildren(
    verdict
      ? el("span", { class: `badge ${verdict.ok ? "good" : "bad"}`, text: verdict.ok ? "verified" : verdict.code })
      : el("span", { class: "note", text: record.status === null ? record.error ?? "no answer" : "workbench (simulated)" }),
  );
}

async function doSend() {
  showError($("live-error"), null);
  let data;
  try {
    data = JSON.parse($("live-data").value || "{}");
  } catch (e) {
    throw new UiError("invalid_payload", `the data is not JSON: ${e.message}`);
  }
  const delays = parseDelays($("live-schedule").value);
  const timeoutMs = Number($("live-timeout").value);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UiError("invalid_argument", "the timeout is a positive number of ms");
  const secret = $("live-secret").value;
  if (!secret) throw new UiError("invalid_secret", "no signing secret (is the workbench server running?)");
  const mode = $("live-mode").value;
  const pendingRows = [];
  const dispatcher = hookline.createDispatcher({
    retry: { schedule: delays },
    timeoutMs,
    concurrency: 1,
    userAgent: "hookline-workbench",
    // The receiver is this server on loopback, which the SSRF guard refuses unless allowed.
    ssrf: { allow: [location.hostname] },
    onAttempt: (record) => pendingRows.push(addAttemptRow(record)),
  });
  const sub = { id: "ep_workbench", url: `${location.origin}${config.livePath}${mode}/`, secret, scheme: $("live-scheme").value };
  const summary = await dispatcher.dispatch({ type: $("live-type").value.trim(), data }, [sub]);
  await Promise.all(pendingRows);
  const last = summary.records[summary.records.length - 1];
  $("live-summary").textContent = `event ${summary.eventId}: ${summary.delivered ? "delivered" : "not delivered"} after ${summary.records.length} attempt(s)${last ? `, last ${last.outcome}${last.status ? ` (HTTP ${last.status})` : ""}` : ""}`;
  $("live-summary").dataset.result = summary.delivered ? "delivered" : "failed";
}

$("live-secret").value = config.receiverSecret ?? "";
$("live-wrong").addEventListener("click", () => {
  $("live-secret").value = hookline.generateSecret();
  $("live-secret-note").textContent = "NOT the receiver's secret: expect 401";
  $("live-secret-note").classList.add("warn-text");
});
$("live-right").addEventListener("click", () => {
  $("live-secret").value = config.receiverSecret ?? "";
  $("live-secret-note").textContent = "the receiver's secret";
  $("live-secret-note").classList.remove("warn-text");
});
$("live-clear").addEventListener("click", () => {
  $("live-log").tBodies[0].replaceChildren();
  $("live-receiver").tBodies[0].replaceChildren();
  $("live-summary").textContent = "";
});
$("live-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (sending) return;
  sending = true;
  $("live-send").disabled = true;
  $("live-send").textContent = "Sending…";
  try {
    await doSend();
  } catch (e) {
    showError($("live-error"), e);
  } finally {
    sending = false;
    $("live-send").disabled = false;
    $("live-send").textContent = "Send";
  }
});

// ---------- endpoints (the durable sender's management API) ----------

/** A call to the sender's API; a problem answer becomes an error with its code. */
async function senderApi(method, path, body) {
  const res = await fetch(`/api/sender/${path}`, {
    method,
    cache: "no-store",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const value = text ? JSON.parse(text) : null;
  if (!res.ok) throw new UiError(value?.code ?? `http_${res.status}`, value?.detail ?? value?.message ?? `HTTP ${res.status}`);
  return value;
}

let selectedEndpoint = null;
let endpointCursor = null;
let sinkSeq = 0;

function healthBadge(health) {
  const state = health?.state ?? "healthy";
  return el("span", { class: `badge ${state === "healthy" ? "good" : state === "disabled" ? "bad" : "warn"}`, text: state });
}

function endpointRow(ep) {
  const attempts = el("button", { type: "button", class: "small", dataset: { action: "attempts" }, text: "Log" });
  const rotate = el("button", { type: "button", class: "small", dataset: { action: "rotate" }, text: "Rotate" });
  const remove = el("button", { type: "button", class: "small", dataset: { action: "delete" }, text: "Delete" });
  attempts.addEventListener("click", () => selectEndpoint(ep.id));
  rotate.addEventListener("click", () =>
    run($("ep-error"), async () => {
      const { secret, endpoint } = await senderApi("POST", `endpoints/${encodeURIComponent(ep.id)}/rotate-secret`);
      showSecret(secret);
      row.replaceWith(endpointRow(endpoint));
    }),
  );
  remove.addEventListener("click", () =>
    run($("ep-error"), async () => {
      await senderApi("DELETE", `endpoints/${encodeURIComponent(ep.id)}`);
      row.remove();
      if (selectedEndpoint === ep.id) selectEndpoint(null);
    }),
  );
  const row = el(
    "tr",
    { dataset: { id: ep.id, version: String(ep.secretVersion) } },
    el("td", { class: "mono", title: ep.id, text: ep.id.slice(-10) }),
    el("td", { class: "mono", text: ep.url }),
    el("td", { class: "mono", text: ep.eventTypes.length ? ep.eventTypes.join(", ") : "all" }),
    el("td", { text: String(ep.secretVersion) }),
    el("td", {}, healthBadge(ep.health)),
    el("td", {}, el("span", { class: "buttons" }, attempts, rotate, remove)),
  );
  return row;
}

async function loadEndpoints(more = false) {
  const page = await senderApi("GET", `endpoints?limit=10${more && endpointCursor ? `&cursor=${encodeURIComponent(endpointCursor)}` : ""}`);
  const body = $("ep-table").tBodies[0];
  if (!more) body.replaceChildren();
  for (const ep of page.data) body.append(endpointRow(ep));
  endpointCursor = page.nextCursor;
  $("ep-more").hidden = !endpointCursor;
  $("ep-count").textContent = `${body.rows.length} shown`;
}

function showSecret(secret) {
  $("ep-secret-box").hidden = false;
  setValue($("ep-secret"), secret);
}

async function run(errorTarget, fn) {
  showError(errorTarget, null);
  try {
    await fn();
  } catch (e) {
    showError(errorTarget, e);
  }
}

function selectEndpoint(id) {
  selectedEndpoint = id;
  $("log-for").textContent = id ? `for ${id}` : "select an endpoint";
  $("log-table").tBodies[0].replaceChildren();
  for (const r of $("ep-table").tBodies[0].rows) r.classList.toggle("selected", r.dataset.id === id);
  if (id) refreshLog();
  else refreshChart();
}

// ---------- the selected endpoint's success rate and latency over time ----------

const CHART_BUCKET_MS = 60_000;
const CHART_BUCKETS = 30;
let charted = null;

/** The selected endpoint's last half hour, per minute, from the API's `endpoints/{id}/stats`. */
async function refreshChart() {
  if (!selectedEndpoint) {
    charted = null;
    $("ep-chart").replaceChildren();
    return;
  }
  const id = selectedEndpoint;
  const untilMs = Math.ceil(Date.now() / CHART_BUCKET_MS) * CHART_BUCKET_MS;
  const sinceMs = untilMs - CHART_BUCKETS * CHART_BUCKET_MS;
  const stats = await senderApi("GET", `endpoints/${encodeURIComponent(id)}/stats?sinceMs=${sinceMs}&untilMs=${untilMs}&bucketMs=${CHART_BUCKET_MS}`);
  if (id !== selectedEndpoint) return;
  charted = stats;
  drawChart();
}

/**
 * Success rate (the line, 0 to 100 %) and mean time to an answer (the bars, scaled to the
 * longest) per minute, drawn at the chart's own width in CSS pixels so its text stays legible at
 * phone width. Minutes without attempts are gaps.
 */
function drawChart() {
  const box = $("ep-chart");
  const stats = charted;
  if (!stats) return;
  const W = Math.floor(box.clientWidth - 10);
  const attempts = stats.data.reduce((n, b) => n + b.attempts, 0);
  const delivered = stats.data.reduce((n, b) => n + b.delivered, 0);
  const caption = el("div", {
    class: "plot-caption note",
    text: attempts
      ? `last 30 min, per minute: ● success rate (${delivered} of ${attempts} attempts delivered), ▮ mean time to an answer`
      : "last 30 min: no attempts yet",
  });
  if (W <= 0) return box.replaceChildren(caption);
  const H = 120;
  const left = 38;
  const right = W - 44;
  const top = 12;
  const bottom = H - 18;
  const slots = Math.round((stats.untilMs - stats.sinceMs) / stats.bucketMs);
  const slot = (right - left) / slots;
  const x = (b) => left + ((b.atMs - stats.sinceMs) / stats.bucketMs + 0.5) * slot;
  const maxMs = Math.max(1, ...stats.data.map((b) => b.meanDurationMs ?? 0));
  const root = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "chart-svg", role: "img", "aria-label": `success rate and latency: ${delivered} of ${attempts} attempts delivered in the last 30 minutes` });
  box.replaceChildren(root, caption);
  for (const [y, label] of [[top, "100%"], [(top + bottom) / 2, "50%"], [bottom, "0%"]]) {
    root.append(svg("line", { x1: left, y1: y, x2: right, y2: y, class: "grid" }));
    root.append(svg("text", { x: left - 4, y: y + 4, class: "axis-label", "text-anchor": "end" }, label));
  }
  root.append(svg("text", { x: right + 4, y: top + 4, class: "axis-label latency", "text-anchor": "start" }, `${maxMs} ms`));
  root.append(svg("text", { x: right + 4, y: bottom + 4, class: "axis-label latency", "text-anchor": "start" }, "0 ms"));
  root.append(svg("text", { x: left, y: H - 3, class: "axis-label", "text-anchor": "start" }, "−30 min"));
  root.append(svg("text", { x: right, y: H - 3, class: "axis-label", "text-anchor": "end" }, "now"));
  const points = [];
  for (const b of stats.data) {
    const cx = x(b);
    if (b.meanDurationMs !== null) {
      const h = ((bottom - top) * b.meanDurationMs) / maxMs;
      const bar = svg("rect", { x: cx - Math.max(1, slot * 0.35), y: bottom - h, width: Math.max(2, slot * 0.7), height: Math.max(1, h), class: "latency-bar", "data-ms": b.meanDurationMs });
      bar.append(svg("title", {}, `${timeOfDay(b.atMs)}: ${b.meanDurationMs} ms mean, ${b.maxDurationMs} ms longest`));
      root.append(bar);
    }
    const rate = b.attempts ? b.delivered / b.attempts : 0;
    points.push({ cx, cy: bottom - rate * (bottom - top), b, rate });
  }
  if (points.length > 1) root.append(svg("polyline", { points: points.map((p) => `${p.cx},${p.cy}`).join(" "), class: "rate-line" }));
  for (const p of points) {
    const c = svg("circle", { cx: p.cx, cy: p.cy, r: 3.5, class: "rate-point", "data-attempts": p.b.attempts, "data-delivered": p.b.delivered, "data-rate": Math.round(p.rate * 100) });
    c.append(svg("title", {}, `${timeOfDay(p.b.atMs)}: ${p.b.delivered} of ${p.b.attempts} delivered (${Math.round(p.rate * 100)} %)`));
    root.append(c);
  }
}

let chartWidth = 0;
new ResizeObserver(() => {
  const width = $("ep-chart").clientWidth;
  if (width === chartWidth) return;
  chartWidth = width;
  requestAnimationFrame(drawChart);
}).observe($("ep-chart"));

async function refreshLog() {
  if (!selectedEndpoint) return;
  refreshChart().catch((e) => showError($("pub-error"), e));
  const id = selectedEndpoint;
  const page = await senderApi("GET", `endpoints/${encodeURIComponent(id)}/attempts?limit=20`);
  if (id !== selectedEndpoint) return;
  $("log-table").tBodies[0].replaceChildren(
    ...page.data.map((r) => {
      const again = el("button", { type: "button", class: "small", dataset: { action: "redeliver" }, text: "Redeliver" });
      again.addEventListener("click", () =>
        run($("pub-error"), async () => {
          const out = await senderApi("POST", `deliveries/${encodeURIComponent(r.deliveryId)}/redeliver`);
          setValue($("pub-result"), `redelivery ${out.deliveryId} of ${out.eventId} queued`);
          refreshLog();
        }),
      );
      return el(
        "tr",
        { dataset: { outcome: r.outcome, attempt: String(r.attempt), delivery: r.deliveryId } },
        el("td", { class: "mono", text: timeOfDay(r.attemptedAtMs) }),
        el("td", { class: "mono", title: r.deliveryId, text: r.deliveryId.slice(-8) }),
        el("td", { text: String(r.attempt) }),
        el("td", { class: `mono status-cell s${String(r.status ?? 0)[0]}`, text: r.status === null ? "—" : String(r.status) }),
        el("td", { class: "mono", text: String(r.durationMs) }),
        el("td", { class: "outcome" }, outcomeBadge(r.outcome)),
        el("td", { class: "mono", text: r.nextRetryAt ? r.nextRetryAt.slice(11, 23) : "—" }),
        el("td", {}, again),
      );
    }),
  );
}

async function pollSink() {
  const res = await fetch(`/api/sink?since=${sinkSeq}`, { cache: "no-store" });
  if (!res.ok) return;
  for (const e of (await res.json()).entries) {
    sinkSeq = Math.max(sinkSeq, e.seq);
    $("sink-table").tBodies[0].prepend(
      el(
        "tr",
        { dataset: { verdict: e.ok ? "verified" : "rejected" } },
        el("td", { class: "mono", text: String(e.at).slice(11, 23) }),
        el("td", {}, el("span", { class: `badge ${e.ok ? "good" : "bad"}`, text: e.ok ? "VERIFIED" : e.code })),
        el("td", { class: "mono", text: e.id ?? "—" }),
        el("td", { class: "mono", text: e.eventType ?? "—" }),
      ),
    );
  }
}

const sinkUrl = () => `${location.origin}/sink/${$("ep-mode").value}/`;
$("ep-url").value = sinkUrl();
$("ep-mode").addEventListener("change", () => ($("ep-url").value = sinkUrl()));
$("ep-more").addEventListener("click", () => run($("ep-error"), () => loadEndpoints(true)));
$("ep-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run($("ep-error"), async () => {
    const eventTypes = $("ep-types").value.split(",").map((t) => t.trim()).filter(Boolean);
    const { endpoint, secret } = await senderApi("POST", "endpoints", { url: $("ep-url").value.trim(), eventTypes, description: $("ep-description").value });
    showSecret(secret);
    await loadEndpoints();
    selectEndpoint(endpoint.id);
  });
});
$("pub-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run($("pub-error"), async () => {
    let data;
    try {
      data = JSON.parse($("pub-data").value || "{}");
    } catch (e) {
      throw new UiError("invalid_payload", `the data is not JSON: ${e.message}`);
    }
    const id = $("pub-id").value.trim();
    const out = await senderApi("POST", "events", { type: $("pub-type").value.trim(), data, ...(id ? { id } : {}) });
    setValue($("pub-result"), `event ${out.eventId}: ${out.matched} endpoint(s) matched${out.duplicate ? " (a duplicate: nothing new)" : ""}`);
  });
});
// While the panel is open: the log and the sink, once a second.
setInterval(() => {
  if ($("panel-endpoints").hidden) return;
  refreshLog().catch((e) => showError($("pub-error"), e));
  pollSink().catch(() => {});
}, 1000);
window.addEventListener("hashchange", () => {
  if (location.hash === "#endpoints") loadEndpoints().catch((e) => showError($("ep-error"), e));
});
if (location.hash === "#endpoints") loadEndpoints().catch((e) => showError($("ep-error"), e));

// ---------- ready ----------

$("sign-url").value = `${location.origin}${config.livePath}ok/`;
signSchemeChanged();
doPlan();
$("status").dataset.state = "ready";
$("status").textContent = "ready";
