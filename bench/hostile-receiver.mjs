// The benchmark's bad endpoints, in their own process, on 127.0.0.1: POST /endless answers 200
// with no Content-Length and streams 64 KiB chunks until the client closes the socket; any
// /503/... path answers 503 at once.
import { createServer } from "node:http";

const chunk = Buffer.alloc(64 * 1024, "x");

const server = createServer((req, res) => {
  req.resume();
  if (req.url === "/endless") {
    res.writeHead(200, { "content-type": "text/plain" });
    let open = true;
    // Write while the socket takes it, again on each drain; stop once the client is gone.
    const pump = () => {
      while (open && res.write(chunk));
    };
    res.on("drain", pump);
    res.on("close", () => (open = false));
    pump();
    return;
  }
  req.on("end", () => res.writeHead(req.url.startsWith("/503/") ? 503 : 404).end());
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("message", (m) => {
  if (m !== "stop") return;
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
