// The benchmark's receiver, in its own process: answers 204 to every POST on 127.0.0.1, at once,
// or after N ms for a path /after/N/... (an endpoint with a real endpoint's latency).
import { createServer } from "node:http";

const server = createServer((req, res) => {
  req.resume();
  const after = /^\/after\/(\d+)\//.exec(req.url);
  req.on("end", () => (after ? setTimeout(() => res.writeHead(204).end(), Number(after[1])) : res.writeHead(204).end()));
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("message", (m) => m === "stop" && server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
