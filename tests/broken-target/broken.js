'use strict';
// tests/broken-target/broken.js: a small target for contract v1 (docs/CONTRACT.md)
// with exactly four mistakes planted on purpose (README.md; search "PLANTED").
// Everything else tries to follow the contract. Node.js 20, built-in modules only.
const https = require('https');
const fs = require('fs');
const path = require('path');
const child_process = require('child_process');
const crypto = require('crypto');
const net = require('net');

const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const MAX_RUN_ARG = 4096;
const MAX_XFCC = 8192;
const MAX_TOKEN = 8192; // bytes of a compact JWS
const MAX_HEADERS = 64; // header fields per request; more is 431
const HEADERS_TIMEOUT_MS = 2000; // slow-header clients are cut off (robust.*)
const SPIFFE_RE = /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._-]+)+$/;

function die(msg) { process.stderr.write(`broken: ${msg}\n`); process.exit(2); }

const fxDir = process.env.GATECRASH_FIXTURES;
const port = Number(process.env.GATECRASH_PORT);
if (!fxDir || !Number.isInteger(port) || port < 0 || port > 65535)
  die('need GATECRASH_FIXTURES and GATECRASH_PORT');
const fx = (p) => path.isAbsolute(p) ? p : path.join(fxDir, p);
let policy;
try { policy = JSON.parse(fs.readFileSync(fx('policy.json'), 'utf8')); } catch (e) { die(`policy.json: ${e.message}`); }
for (const [k, t] of [['issuer', 'string'], ['audience', 'string'], ['leeway_s', 'number'],
  ['max_chain_depth', 'number'], ['files_root', 'string'], ['helper', 'string']])
  if (typeof policy[k] !== t) die(`policy.json: ${k}: must be a ${t}`);
for (const k of ['keys', 'admin_identities', 'trusted_proxies', 'internal_networks'])
  if (!Array.isArray(policy[k])) die(`policy.json: ${k}: must be an array`);
const keys = new Map();
for (const k of policy.keys) {
  if (keys.has(k.kid)) die(`policy.json: keys: duplicate kid ${k.kid}`);
  const bytes = fs.readFileSync(fx(k.file));
  keys.set(k.kid, { alg: k.alg, key: k.alg === 'HS256' ? bytes : crypto.createPublicKey(bytes) });
}
const internal = new net.BlockList();
for (const cidr of policy.internal_networks) {
  const [a, len] = cidr.split('/');
  internal.addSubnet(a, Number(len), net.isIPv6(a) ? 'ipv6' : 'ipv4');
}
const www = fx(policy.files_root);

// Certificate identity (contract §3.1). OpenSSL has checked the chain to
// client-ca.pem, validity, pathlen, CA flags and critical extensions
// (socket.authorized); the depth, EKU and the single URI SAN are checked here.
function certIdentity(sock) {
  if (!sock.authorized) return null;
  const c = sock.getPeerCertificate(true);
  if (!c || !c.raw) return null;
  let depth = 1;
  for (let cur = c; cur.issuerCertificate && cur.issuerCertificate.fingerprint256 !== cur.fingerprint256;
    cur = cur.issuerCertificate)
    if (++depth > policy.max_chain_depth + 1) return null;
  const x = new crypto.X509Certificate(c.raw);
  if (!Array.isArray(x.keyUsage) || !x.keyUsage.includes(EKU_CLIENT_AUTH)) return null;
  const uris = (x.subjectAltName || '').split(', ').filter((s) => s.startsWith('URI:'));
  if (uris.length !== 1 || !SPIFFE_RE.test(uris[0].slice(4))) return null;
  return uris[0].slice(4);
}

// Strict JSON for tokens: JSON.parse keeps the last of duplicate members, the
// contract refuses duplicates (RFC 8259 §4 leaves it open; RFC 7515 §5.2 says reject).
function hasDuplicateKeys(text) {
  let dup = false;
  const stack = [];
  const re = /"(?:[^"\\]|\\.)*"|[{}[\]:,]/g;
  let m, prev = null;
  while ((m = re.exec(text)) !== null) {
    const t = m[0];
    if (t === '{') stack.push(new Set());
    else if (t === '[') stack.push(null);
    else if (t === '}' || t === ']') stack.pop();
    else if (t === ':' && prev && prev[0] === '"' && stack.length && stack[stack.length - 1]) {
      const key = JSON.parse(prev);
      if (stack[stack.length - 1].has(key)) dup = true;
      stack[stack.length - 1].add(key);
    }
    prev = t;
  }
  return dup;
}

const B64URL_RE = /^[A-Za-z0-9_-]*$/;
function b64json(seg) {
  if (!B64URL_RE.test(seg)) return null;
  const text = Buffer.from(seg, 'base64url').toString('utf8');
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) && !hasDuplicateKeys(text) ? v : null;
  } catch (e) { return null; }
}

function verifySig(alg, key, data, sig) {
  switch (alg) {
    case 'RS256': return crypto.verify('sha256', data, key, sig);
    case 'ES256': return sig.length === 64 && crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    case 'EdDSA': return crypto.verify(null, data, key, sig);
    case 'HS256': {
      const mac = crypto.createHmac('sha256', key).update(data).digest();
      return sig.length === mac.length && crypto.timingSafeEqual(sig, mac);
    }
    default: return false;
  }
}

// Contract §3.3. Returns {sub, roles} or null (present but invalid: no identity).
function verifyJwt(auth) {
  const m = /^bearer ([^ ]+)$/i.exec(auth);
  if (!m || m[1].length > MAX_TOKEN) return null;
  const parts = m[1].split('.');
  if (parts.length !== 3 || !B64URL_RE.test(parts[2])) return null;
  const h = b64json(parts[0]), p = b64json(parts[1]);
  if (!h || !p || typeof h.alg !== 'string') return null;
  if (h.crit !== undefined) return null; // no extension is understood
  if (h.alg.toLowerCase() !== 'none') { // PLANTED 2: alg none skips the signature check
    const k = keys.get(h.kid);
    if (typeof h.kid !== 'string' || !k || h.alg !== k.alg) return null;
    const sig = Buffer.from(parts[2], 'base64url');
    try {
      if (!verifySig(k.alg, k.key, Buffer.from(`${parts[0]}.${parts[1]}`), sig)) return null;
    } catch (e) { return null; }
  }
  const now = Math.floor(Date.now() / 1000), leeway = policy.leeway_s;
  if (p.iss !== policy.issuer) return null;
  if (!(p.aud === policy.audience || (Array.isArray(p.aud) && p.aud.includes(policy.audience)))) return null;
  if (typeof p.exp !== 'number' || now > p.exp + leeway) return null;
  if (p.nbf !== undefined && (typeof p.nbf !== 'number' || now + leeway < p.nbf)) return null;
  if (p.iat !== undefined && typeof p.iat !== 'number') return null;
  if (typeof p.sub !== 'string' || p.sub === '' || p.sub.includes('\0')) return null;
  if (p.roles !== undefined && !(Array.isArray(p.roles) && p.roles.every((r) => typeof r === 'string')))
    return null;
  return { sub: p.sub, roles: p.roles || [] };
}

class BadRequest extends Error {}

// XFCC (Envoy): the URI= of the right-most element, quotes honoured.
function xfccUri(v) {
  if (v.length > MAX_XFCC) throw new BadRequest('xfcc too long');
  const elems = [[]];
  let cur = '', q = false;
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (q && ch === '\\' && i + 1 < v.length) { cur += v[++i]; continue; }
    if (ch === '"') { q = !q; continue; }
    if (!q && (ch === ';' || ch === ',')) {
      elems[elems.length - 1].push(cur); cur = '';
      if (ch === ',') elems.push([]);
      continue;
    }
    cur += ch;
  }
  if (q) throw new BadRequest('xfcc: unterminated quote');
  elems[elems.length - 1].push(cur);
  const uris = elems[elems.length - 1].map((s) => s.trim()).filter((s) => /^uri=/i.test(s)).map((s) => s.slice(4));
  if (uris.length !== 1 || !SPIFFE_RE.test(uris[0])) throw new BadRequest('xfcc: URI');
  return uris[0];
}

function lastHop(list, isForwarded) {
  const hops = list.split(',').map((s) => s.trim());
  let a = hops[hops.length - 1];
  if (isForwarded) {
    const f = a.split(';').map((s) => s.trim()).find((s) => /^for=/i.test(s));
    if (!f) throw new BadRequest('forwarded: no for=');
    a = f.slice(4).replace(/^"(.*)"$/, '$1');
  }
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (v6) a = v6[1];
  else if (/^[0-9.]+:\d+$/.test(a)) a = a.split(':')[0];
  if (!net.isIP(a)) throw new BadRequest('forwarding address');
  return a;
}

function identify(req) {
  const certId = certIdentity(req.socket);
  let who = { identity: certId, source: certId ? 'cert' : 'none', roles: [] };
  let addr = (req.socket.remoteAddress || '').replace(/^::ffff:/, '');
  const hd = req.headersDistinct;
  const xfcc = hd['x-forwarded-client-cert'];
  if (xfcc) { // PLANTED 1: XFCC is believed from ANY peer, not only trusted_proxies
    if (xfcc.length !== 1) throw new BadRequest('two XFCC fields');
    who = { identity: xfccUri(xfcc[0]), source: 'forwarded', roles: [] };
  }
  if (certId && policy.trusted_proxies.includes(certId)) {
    if ((hd.forwarded || []).length > 1 || (hd['x-forwarded-for'] || []).length > 1)
      throw new BadRequest('duplicate forwarding header');
    if (hd.forwarded) addr = lastHop(hd.forwarded[0], true);
    else if (hd['x-forwarded-for']) addr = lastHop(hd['x-forwarded-for'][0], false);
  }
  if (req.headers.authorization !== undefined) {
    const t = verifyJwt(req.headers.authorization);
    who = t ? { identity: t.sub, source: 'jwt', roles: t.roles } : { identity: null, source: 'none', roles: [] };
  }
  who.admin = who.source === 'jwt' ? who.roles.includes('admin')
    : who.identity !== null && policy.admin_identities.includes(who.identity);
  if (who.source !== 'jwt') who.roles = who.admin ? ['admin'] : [];
  who.client_addr = addr;
  return who;
}

function send(res, status, body, type) {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  res.writeHead(status, { 'Content-Type': type || 'text/plain', 'Content-Length': b.length });
  res.end(b);
}
const json = (res, status, obj) => send(res, status, JSON.stringify(obj) + '\n', 'application/json');

// Percent-decode once into bytes; null on a bad escape. '+' stays '+'.
function pctDecode(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') { out.push(...Buffer.from(s[i])); continue; }
    if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) return null;
    out.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2;
  }
  return Buffer.from(out);
}

function route(req, res) {
  if (req.rawHeaders.length / 2 > MAX_HEADERS) return send(res, 431, 'too many header fields\n');
  if ((req.headersDistinct.host || []).length > 1) return send(res, 400, 'two Host fields\n');
  if (req.method !== 'GET') return send(res, 405, 'method not allowed\n');
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q), query = q < 0 ? null : req.url.slice(q + 1);
  if (!rawPath.startsWith('/')) return send(res, 400, 'bad request-target\n');
  const who = identify(req);
  const view = { identity: who.identity, source: who.source, client_addr: who.client_addr };
  if (rawPath.startsWith('/files/')) {
    if (!who.identity) return send(res, 401, 'no identity\n');
    let rest;
    try { rest = decodeURIComponent(rawPath.slice('/files/'.length)); } catch (e) { return send(res, 400, 'bad escape\n'); }
    // PLANTED 3: naive join, no confinement to www (.., symlinks, www-x)
    return fs.readFile(path.join(www, rest), (err, data) => err ? send(res, 404, 'not found\n') : send(res, 200, data));
  }
  if (/%(2f|5c|00)/i.test(rawPath)) return send(res, 400, 'encoded separator\n');
  const p = pctDecode(rawPath);
  switch (p === null ? null : p.toString('latin1')) {
    case '/public': return send(res, 200, 'public\n');
    case '/whoami': return json(res, 200, { identity: who.identity, source: who.source, roles: who.roles, client_addr: who.client_addr });
    case '/user': return who.identity ? json(res, 200, { route: 'user', ...view }) : send(res, 401, 'no identity\n');
    case '/admin':
      if (!who.identity) return send(res, 401, 'no identity\n');
      return who.admin ? json(res, 200, { route: 'admin', ...view }) : send(res, 403, 'not admin\n');
    case '/internal': {
      const fam = net.isIPv6(who.client_addr) ? 'ipv6' : 'ipv4';
      return internal.check(who.client_addr, fam) ? json(res, 200, { route: 'internal', ...view }) : send(res, 403, 'not internal\n');
    }
    case '/run': return runHelper(query, who, res);
    default: return send(res, 404, 'not found\n');
  }
}

function runHelper(query, who, res) {
  if (!who.identity) return send(res, 401, 'no identity\n');
  const args = (query || '').split('&').filter((kv) => kv === 'arg' || kv.startsWith('arg='));
  if (args.length !== 1) return send(res, 400, 'want exactly one arg\n');
  const arg = pctDecode(args[0].slice(4));
  if (arg === null || arg.includes(0) || arg.length > MAX_RUN_ARG) return send(res, 400, 'bad arg\n');
  // PLANTED 4: the argument goes through /bin/sh instead of argv [helper, "--", arg]
  child_process.exec(`${policy.helper} -- ${arg.toString('utf8')}`, { env: { PATH: '/usr/bin:/bin' } },
    (err, stdout) => err ? send(res, 500, 'helper failed\n') : send(res, 200, stdout));
}

const server = https.createServer({
  key: fs.readFileSync(fx('tls/server.key')),
  cert: fs.readFileSync(fx('tls/server.pem')),
  ca: fs.readFileSync(fx('tls/client-ca.pem')),
  requestCert: true,
  rejectUnauthorized: false, // certificates are requested, not required (contract §5)
  ciphers: 'DEFAULT:@SECLEVEL=2', // refuse RSA-1024 and SHA-1 client chains
  minVersion: 'TLSv1.2',
}, (req, res) => {
  try { route(req, res); } catch (e) {
    if (e instanceof BadRequest) send(res, 400, 'bad request\n');
    else { process.stderr.write(`broken: ${e.stack}\n`); send(res, 500, 'internal error\n'); }
  }
});
server.headersTimeout = HEADERS_TIMEOUT_MS;
server.maxHeadersCount = MAX_HEADERS + 1; // enough to tell "too many" (node keeps the first N)
server.requestTimeout = HEADERS_TIMEOUT_MS * 5;
server.listen(port, '127.0.0.1', () =>
  process.stderr.write(`broken: listening on 127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
