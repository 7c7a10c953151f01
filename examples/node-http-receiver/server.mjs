// Receive webhooks of any scheme with plain node:http.
//   WEBHOOK_SECRET=whsec_... PORT=3000 node server.mjs
import http from "node:http";
import { Verifier, WebhookVerificationError } from "hookline/receiver";

// Keys prepared once; with no `scheme`, each request's scheme is detected from its headers.
const verifier = new Verifier({ secret: process.env.WEBHOOK_SECRET });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    try {
      // The raw bytes and node's header object (repeated headers, given as arrays, are handled).
      const { scheme, payload } = verifier.verify(Buffer.concat(chunks), req.headers);
      console.log(`verified ${scheme} webhook: ${payload?.type}`);
      res.writeHead(204).end();
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: e.code }));
    }
  });
});

server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
});
