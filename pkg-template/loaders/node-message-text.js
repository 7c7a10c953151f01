// lib/message-text.js in Node and Bun: node.cjs carries this stand-in, and the table itself
// (pkg/messages.cjs, built from lib/message-text.js) is required the first time an error's text is
// written, so a receiver's start-up neither parses nor runs it (scripts/build.mjs maps the import).
import { createRequire } from "node:module";

let text = null;
const table = () => (text ??= createRequire(__filename)("./messages.cjs"));

export const messageOf = (d) => table().messageOf(d);
export const hintOf = (d) => table().hintOf(d);
export const reasonText = (d) => table().reasonText(d);
