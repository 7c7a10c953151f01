// The management API's OpenAPI document (hookline/openapi.json, as the package ships it) as the
// tests' oracle: every response the store tests get from the API is checked against it with Ajv
// (JSON Schema 2020-12, the dialect of OpenAPI 3.1, strict mode, formats from ajv-formats; the
// document itself by @seriousme/openapi-schema-validator against the OpenAPI 3.1 schema): its
// path and method are an operation of the document (or the answer is a documented problem), its
// status is one that operation lists, its content type is the documented one and its body is
// valid under the documented schema. So the document cannot drift from what the API answers, and
// `unexercised()` says which operations no test reached. Node only (the store tests).
//
//   const api = checkedHandler(createManagementApi({ ... }));   // a fetch handler
//   const r = await checkedFetch(url, init);                      // over HTTP
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { assert } from "./harness.mjs";

const require = createRequire(import.meta.url);
export const openapi = JSON.parse(readFileSync(require.resolve("hookline/openapi.json"), "utf8"));
const addFormats = addFormatsModule.default ?? addFormatsModule;

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
// The document's own members are not JSON Schema keywords: declared as annotations, so the whole
// document can be the root that schemas' `#/components/schemas/...` references resolve against.
for (const keyword of ["openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags", "externalDocs"]) ajv.addKeyword(keyword);
ajv.addSchema(openapi, "openapi");

/**
 * The document itself: an OpenAPI 3.1 document by the specification's own schema (through
 * @seriousme/openapi-schema-validator), and every schema of its components compiles in strict
 * mode (a misspelt keyword fails here).
 */
export async function checkDocument() {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(openapi));
  assert.ok(result.valid && validator.version === "3.1", `openapi.json is not an OpenAPI 3.1 document: ${JSON.stringify(result.errors)?.slice(0, 1000)}`);
  for (const name of Object.keys(openapi.components.schemas)) schemaAt(`/components/schemas/${name}`);
}

const escape = (s) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const compiled = new Map();
/** The validator of the schema at JSON pointer `pointer` of the document. */
function schemaAt(pointer) {
  let v = compiled.get(pointer);
  if (!v) {
    v = ajv.getSchema(`openapi#${pointer}`);
    if (!v) throw new Error(`openapi.json has no schema at ${pointer}`);
    compiled.set(pointer, v);
  }
  return v;
}

/** `{ $ref }` of the document (a response, a parameter) followed to its object and pointer. */
function deref(node, pointer) {
  let at = node;
  let where = pointer;
  while (at && typeof at.$ref === "string") {
    where = at.$ref.slice(1);
    at = where.split("/").slice(1).reduce((o, k) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], openapi);
  }
  return { node: at, pointer: where };
}

const templates = Object.keys(openapi.paths).map((template) => ({
  template,
  re: new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
}));
const seen = new Set();

/**
 * Check `response` to `method` `url` against the document; returns the response (its body is
 * read from a clone). Throws an assertion naming what does not match.
 */
export async function checkResponse(method, url, response) {
  const path = new URL(url).pathname;
  const what = `${method} ${path} → ${response.status}`;
  const text = await response.clone().text();
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  const found = templates.find((t) => t.re.test(path));
  const op = found ? openapi.paths[found.template][method.toLowerCase()] : undefined;
  let documented;
  let pointer;
  if (!op) {
    // No operation: the API answers with a problem (no such route, no such method, or auth first).
    assert.ok([401, 403, 404, 405].includes(response.status), `${what}: no operation in openapi.json, and not a 401/403/404/405 problem`);
    ({ node: documented, pointer } = deref(openapi.components.responses[`P${response.status}`], `/components/responses/P${response.status}`));
  } else {
    const at = `/paths/${escape(found.template)}/${method.toLowerCase()}/responses/${response.status}`;
    assert.ok(op.responses[String(response.status)], `${what}: status ${response.status} is not documented for ${method} ${found.template} (documented: ${Object.keys(op.responses).join(", ")})`);
    ({ node: documented, pointer } = deref(op.responses[String(response.status)], at));
    seen.add(`${method.toUpperCase()} ${found.template}`);
  }
  if (!documented.content) {
    assert.equal(text, "", `${what}: a body where openapi.json documents none`);
    return response;
  }
  assert.ok(documented.content[type], `${what}: content type "${type}" is not documented (${Object.keys(documented.content).join(", ")})`);
  // Text (the Prometheus exposition): the document says a string; what it holds is the test's.
  if (type === "text/plain") return response;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${what}: the body is not JSON: ${text.slice(0, 200)}`);
  }
  const validate = schemaAt(`${pointer}/content/${escape(type)}/schema`);
  if (!validate(body)) {
    throw new Error(`${what}: the body does not match openapi.json: ${ajv.errorsText(validate.errors, { separator: "; " })}\n${text.slice(0, 600)}`);
  }
  return response;
}

/** A fetch handler whose every response is checked against the document. */
export const checkedHandler = (handler) => async (request) => {
  const method = request.method;
  const url = request.url;
  return checkResponse(method, url, await handler(request));
};

/** `fetch`, with the API's responses (paths under /v1/, /health and /metrics) checked against the document. */
export async function checkedFetch(input, init) {
  const response = await fetch(input, init);
  const url = String(input instanceof Request ? input.url : input);
  const { pathname } = new URL(url);
  if (!pathname.startsWith("/v1/") && pathname !== "/health" && pathname !== "/metrics") return response;
  return checkResponse(init?.method ?? (input instanceof Request ? input.method : "GET"), url, response);
}

/** The operations (`METHOD /path`) of the document that no checked response has come from. */
export function unexercised() {
  const all = Object.entries(openapi.paths).flatMap(([template, item]) =>
    Object.keys(item).filter((k) => ["get", "post", "put", "patch", "delete"].includes(k)).map((m) => `${m.toUpperCase()} ${template}`),
  );
  return all.filter((op) => !seen.has(op));
}
