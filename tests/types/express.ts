// Compiled with `tsc --strict` by npm test, with Express's own types (@types/express): the
// middleware fits a route as Express's docs write one, and the route reads `req.webhook` typed.
import express, { type Request, type Response } from "express";
import type { VerifiedRequest } from "hookline";
import { hooklineExpress } from "hookline/middleware";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const app = express();

app.post("/hook", hooklineExpress({ secret, maxPayloadBytes: 1 << 20 }), (req: Request, res: Response) => {
  // Set on this route once the middleware ran; typed on every Express request as optional.
  const webhook: VerifiedRequest | undefined = req.webhook;
  const raw: Uint8Array | undefined = webhook?.body;
  res.status(204).end(raw ? undefined : undefined);
});

// Options per request, from Express's own request (annotated: app.post's overloads give no one
// type to infer it from); its route params are typed.
const secrets: Record<string, string> = { acme: secret };
app.post(
  "/tenant/:tenant",
  hooklineExpress((req: Request<{ tenant: string }>) => ({ secret: secrets[req.params.tenant] ?? "" })),
  (req, res) => {
    res.status(req.webhook ? 204 : 500).end();
  },
);
// @ts-expect-error no such route param
hooklineExpress((req: Request<{ tenant: string }>) => ({ secret: req.params.nope }));
// Unannotated, the request is node:http's: headers, not Express's params.
hooklineExpress((req) => ({ secret: String(req.headers["x-tenant"]) }));

// A router takes it too.
const router = express.Router();
router.use(hooklineExpress({ secret }));

// @ts-expect-error a verified delivery is not a string
const wrong: string = ({} as Request).webhook;

export { app, router, wrong };
