// A real OpenID provider (oauth2-mock-server 9.3.0) on 127.0.0.1 for JWKS tests.
//
// stdout line 1: {"issuer":"...","jwks_uri":"...","port":N}
// then one JSON line per JSON command line read from stdin:
//   {"cmd":"token","kid":"rsa-1","claims":{...},"expiresIn":600} -> {"token":"<jwt>"}
//       claims are set over the defaults (iss, iat, exp, nbf); a null value deletes the claim
//   {"cmd":"rotate","alg":"ES256","kid":"ec-2"}                    -> {"ok":true}
//   {"cmd":"jwks"}                                                 -> {"jwks":{"keys":[...]}}
//   anything that fails                                            -> {"error":"..."}
import { createInterface } from 'node:readline';
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256', { kid: 'rsa-1' });
await server.issuer.keys.generate('ES256', { kid: 'ec-1' });
await server.start(0, '127.0.0.1');
const { port } = server.address();
// The library publishes http://localhost:PORT for a 127.* bind; "localhost" may
// resolve to ::1 first, where nothing listens, so publish the address we bound.
server.issuer.url = `http://127.0.0.1:${port}`;

// Read back what is actually served, so the harness reports the published values.
const getJson = async (url) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
};
const discovery = await getJson(`${server.issuer.url}/.well-known/openid-configuration`);
console.log(JSON.stringify({ issuer: discovery.issuer, jwks_uri: discovery.jwks_uri, port }));

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

const commands = {
  async token({ kid, claims = {}, expiresIn }) {
    if (typeof kid !== 'string') throw new Error('token: "kid" must be a string');
    if (!isObject(claims)) throw new Error('token: "claims" must be an object');
    if (expiresIn !== undefined && !Number.isFinite(expiresIn)) {
      throw new Error('token: "expiresIn" must be a number');
    }
    // issuer.buildToken picks the key by kid, signs with that key's alg and
    // runs this transform on the default payload just before signing.
    const token = await server.issuer.buildToken({
      kid,
      expiresIn,
      scopesOrTransform: (_header, payload) => {
        for (const [name, value] of Object.entries(claims)) {
          if (value === null) delete payload[name];
          else payload[name] = value;
        }
      },
    });
    return { token };
  },
  async rotate({ alg, kid }) {
    if (typeof alg !== 'string' || typeof kid !== 'string') {
      throw new Error('rotate: "alg" and "kid" must be strings');
    }
    // A kid already in the store replaces that key (the library's behaviour).
    await server.issuer.keys.generate(alg, { kid });
    return { ok: true };
  },
  async jwks() {
    return { jwks: await getJson(discovery.jwks_uri) };
  },
};

async function answer(line) {
  try {
    const msg = JSON.parse(line);
    const run = isObject(msg) && Object.hasOwn(commands, msg.cmd) ? commands[msg.cmd] : null;
    if (!run) throw new Error(`unknown command: ${JSON.stringify(isObject(msg) ? msg.cmd : msg)}`);
    return await run(msg);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

// Commands are async; chaining keeps answers in the order the commands came in.
let pending = Promise.resolve();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  pending = pending.then(async () => console.log(JSON.stringify(await answer(line))));
});

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await pending;
  // server.stop() waits for open keep-alive sockets; don't let a client hold us up.
  await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 1000).unref())]);
  process.exit(0);
}
lines.on('close', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
