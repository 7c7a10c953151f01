// The benchmark's receiver, in its own process: answers 204 to every POST on 127.0.0.1.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(204).end());
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("message", (m) => m === "stop" && server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
