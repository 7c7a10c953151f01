// lib/message-text.js in Node and Bun: node.cjs carries this stand-in, and the table itself
// (pkg/messages.cjs, built from lib/message-text.js) is required the first time an error's text is
// written, so a receiver's start-up neither parses nor runs it (scripts/build.mjs maps the import).
// Should the file be missing (node.cjs bundled or copied without it), errors keep their class and
// code, with the message a code has when the table says nothing of it, and no hint: an invalid
// signature still answers as one, not as a missing module.
import { createRequire } from "node:module";

let text = null;

function table() {
  if (text === null) {
    try {
      text = createRequire(__filename)("./messages.cjs");
    } catch {
      text = {
        messageOf: (d) => String(d.code).replaceAll("_", " ") + (d.reason ? `: ${d.reason}` : ""),
        hintOf: () => undefined,
        reasonText: (d) => d.reason ?? "",
      };
    }
  }
  return text;
}

export const messageOf = (d) => table().messageOf(d);
export const hintOf = (d) => table().hintOf(d);
export const reasonText = (d) => table().reasonText(d);
