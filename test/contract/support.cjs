/**
 * Shared by every Dredd hooks file (test/contract/hooks/*.cjs): which operations are built, per-operation
 * preparations, and small HTTP helpers against the server under test. Hooks may log in and set headers or ids;
 * they never rewrite documented bodies (only the file part of a multipart body, which Dredd cannot make).
 */
const BASE = '/api/v2/barong';
const SERVER = process.env.DREDD_SERVER;
const MAILBOX = process.env.DREDD_MAILBOX;
const fixtures = JSON.parse(process.env.DREDD_FIXTURES || '{}');
// `--server URL` mode (test/contract/qa/): the run's tag; every e-mail the hooks make or send carries it.
const RUN_TAG = process.env.DREDD_RUN_TAG;
const EMAIL_DOMAIN = process.env.DREDD_EMAIL_DOMAIN || 'example.com';
// ... and its area code in place of 202 in the documented numbers (+1 202 555 01xx): a server counts codes per
// number for an hour, so runs that follow each other must not share numbers.
const PHONE_AREA = process.env.DREDD_PHONE_AREA;

const built = new Set();
const preparations = new Map();
const skipReasons = [];

/** Declares operations ('POST /identity/users') whose documented success answers Dredd runs. */
function build(...keys) {
  for (const key of keys) built.add(key);
}

/** Runs `fn(transaction)` before the transaction of `key` expecting `status` (an error status runs only with one). */
function prepare(key, status, fn) {
  preparations.set(`${key} ${status}`, fn);
}

/** Why operations under a path prefix are skipped, printed with each skipped transaction. */
function skipReason(prefix, reason) {
  skipReasons.push([prefix, reason]);
}

/**
 * The address of the hooks' user `name`: `dredd.<name>@example.com` locally (a fresh database), and on a server
 * QA runs `dredd+<tag>.<name>@<domain>`, so a run never meets another's users and its clean-up finds its own.
 */
function email(name) {
  return RUN_TAG ? `dredd+${RUN_TAG}.${name}@${EMAIL_DOMAIN}` : `dredd.${name}@example.com`;
}

const DOCUMENTED_PHONE = /1202(555\d{4})/g;
/** A hooks' phone number (+1202555xxxx, with or without the +): on a server QA runs, in the run's area code. */
function phone(number) {
  return PHONE_AREA ? number.replace(DOCUMENTED_PHONE, `1${PHONE_AREA}$1`) : number;
}

const DOCUMENTED_EMAIL = /dredd\.([a-z0-9.-]+)(?:@|%40)example\.com/g;
/** On a server QA runs: the documented addresses (dredd.user@example.com …), numbers and username become the run's own. */
function retag(t) {
  if (!RUN_TAG) return;
  // In a query or a form body `+` reads as a space: the tagged address travels percent-encoded there.
  // The documented username too: a server that bans rather than erases keeps the last run's taken.
  const swap = (text, encode) =>
    phone(
      text.replace(DOCUMENTED_EMAIL, (_, name) => (encode ? encodeURIComponent(email(name)) : email(name))),
    ).replace(/\bdredduser\b/g, `dr${RUN_TAG}`);
  const form = /x-www-form-urlencoded/.test(t.request.headers['Content-Type'] || '');
  if (typeof t.request.body === 'string' && t.request.bodyEncoding !== 'base64')
    t.request.body = swap(t.request.body, form);
  t.fullPath = t.request.uri = swap(t.request.uri, true);
}

function operationKey(t) {
  return `${t.request.method} ${t.origin.resourceName.replace(BASE, '')}`;
}

async function http(method, path, { form, json, cookie, csrf, headers = {} } = {}) {
  const h = { 'User-Agent': 'Dredd/contract', ...headers };
  let body;
  if (form) {
    h['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  } else if (json) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  if (cookie) h.Cookie = cookie;
  if (csrf) h['X-CSRF-Token'] = csrf;
  const res = await fetch(SERVER + BASE + path, { method, headers: h, body });
  const text = await res.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  const setCookie = res.headers.get('set-cookie') || '';
  const session = /(_barong_session=[^;]+)/.exec(setCookie);
  return { status: res.status, body: data, cookie: session ? session[1] : undefined };
}

const sessions = new Map();
/** A logged-in session (cookie and CSRF token) of a fixture user, made once. */
async function session(name) {
  if (!sessions.has(name)) {
    const user = fixtures[name];
    if (!user) throw new Error(`no fixture user ${name}`);
    const form = { email: user.email, password: user.password };
    if (user.otpSecret) form.otp_code = await totp(user.otpSecret);
    const res = await http('POST', '/identity/sessions', { form });
    if (res.status !== 201) throw new Error(`fixture login ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
    sessions.set(name, { cookie: res.cookie, csrf: res.body.csrf_token });
  }
  return sessions.get(name);
}

/** Sends the transaction as a fixture user's browser would: session cookie and CSRF token. */
async function actAs(t, name) {
  const s = await session(name);
  t.request.headers.Cookie = s.cookie;
  t.request.headers['X-CSRF-Token'] = s.csrf;
  t.request.headers['User-Agent'] = 'Dredd/contract';
}

/** The n-th mail to `to` whose subject matches `subject` (waits for it), as { subject, text }. */
async function mail(to, subject = '', n = 1) {
  const query = new URLSearchParams({ to, subject, n: String(n) });
  const res = await fetch(`${MAILBOX}/mail?${query}`);
  if (!res.ok) throw new Error(`no mail #${n} to ${to}`);
  return res.json();
}

/** A TOTP code for a base32 secret (otplib is ESM; loaded on first use). */
async function totp(secret, offsetSteps = 0) {
  const { generate } = await import('otplib');
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

const managementKeys = JSON.parse(process.env.DREDD_MANAGEMENT_KEYS || '{}');

/**
 * The management API's transport: the documented body (the request's `data`) travels signed, as a JWS in general
 * JSON serialisation, by the named test signers (test/support/management-client.ts wrote their public keys into
 * the server's management configuration). `data` replaces the documented body first when given.
 */
async function signManagement(t, signers = ['applogic', 'peatio'], data) {
  const { GeneralSign, importPKCS8 } = await import('jose');
  const body = data !== undefined ? data : t.request.body ? JSON.parse(t.request.body) : {};
  const now = Math.floor(Date.now() / 1000);
  const payload = { iat: now, exp: now + 60, jti: require('node:crypto').randomUUID(), data: body };
  const jws = new GeneralSign(new TextEncoder().encode(JSON.stringify(payload)));
  // A server QA runs trusts QA's one key (`kid`: the signer name its management_api.yml gives it), as `applogic`.
  for (const name of signers.filter((n) => managementKeys[n])) {
    const { algorithm, pem, kid = name } = managementKeys[name];
    jws
      .addSignature(await importPKCS8(pem, algorithm))
      .setProtectedHeader({ alg: algorithm })
      .setUnprotectedHeader({ kid });
  }
  t.request.body = JSON.stringify(await jws.sign());
  t.request.headers['Content-Type'] = 'application/json';
}

/** Replaces one form field of a documented body (ids and tokens only). */
function setFormField(t, name, value) {
  const params = new URLSearchParams(t.request.body);
  params.set(name, value);
  t.request.body = params.toString();
}

/** Replaces (or adds) one query parameter of the transaction's URI. */
function setQuery(t, name, value) {
  const url = new URL(t.request.uri, 'http://dredd');
  url.searchParams.set(name, value);
  t.fullPath = t.request.uri = url.pathname + url.search;
}

/** Sends the transaction without the session the common hook gave it. */
function anonymous(t) {
  delete t.request.headers.Cookie;
  delete t.request.headers['X-CSRF-Token'];
}

let totpBudgetSpent;
/** Spends the TOTP budget of the fixture otpLimited (wrong codes until 429), once; its 429s then need no code. */
function spendTotpBudget() {
  totpBudgetSpent ??= (async () => {
    const s = await session('otpLimited');
    for (let i = 0; i < 20; i++) {
      const code = await totp(fixtures.otpLimited.otpSecret, -10);
      const res = await http('POST', '/resource/otp/verify', { form: { code }, cookie: s.cookie, csrf: s.csrf });
      if (res.status === 429) return;
    }
    throw new Error('the TOTP budget of otpLimited was never spent');
  })();
  return totpBudgetSpent;
}

// --- Provoking documented error answers: "this transaction expects status S: send request R" ---

/** `provoke(t)` turns the transaction of each key expecting `status` into the request that produces it. */
function expectStatus(keys, status, provoke) {
  for (const key of [].concat(keys)) prepare(key, status, provoke);
}

/** A JSON body the server cannot read (the documented 400 `<scope>.invalid_body`). */
function unreadable(t) {
  t.request.headers['Content-Type'] = 'application/json';
  t.request.body = '{"uid":';
}

/** Keeps only the named form fields of the documented body (none: an empty form). */
function keepFormFields(t, names = []) {
  const params = new URLSearchParams(t.request.body);
  for (const name of [...params.keys()]) if (!names.includes(name)) params.delete(name);
  t.request.body = params.toString();
  t.request.headers['Content-Type'] = 'application/x-www-form-urlencoded';
}

/** Sends only the given form fields, with these values (`undefined`: the documented one). */
function onlyFields(fields) {
  return (t) => {
    keepFormFields(t, Object.keys(fields));
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) setFormField(t, name, value);
  };
}

/** The documented body with these form fields changed (or added). */
function withFields(fields) {
  return (t) => {
    for (const [name, value] of Object.entries(fields)) setFormField(t, name, value);
  };
}

/**
 * Sends `request()` (an http() call for `clientIp`) until the server answers 429, then sends the transaction as
 * that client: per-IP limits are spent by another address (X-Forwarded-For, from loopback, a trusted proxy).
 */
function asSpentClient(clientIp, request) {
  return async (t) => {
    for (let i = 0; i < 200; i++) {
      const res = await request(i, { 'X-Forwarded-For': clientIp });
      if (res.status === 429) {
        t.request.headers['X-Forwarded-For'] = clientIp;
        return;
      }
    }
    throw new Error(`the limit of ${clientIp} was never spent`);
  };
}

/** Replaces the path of the transaction (below BASE), keeping its query. */
function setPath(t, path) {
  const query = t.request.uri.includes('?') ? t.request.uri.slice(t.request.uri.indexOf('?')) : '';
  t.fullPath = t.request.uri = BASE + path + query;
}

/** Replaces one documented path segment (an id) with another value. */
function replaceInPath(from, to) {
  return (t) => {
    t.fullPath = t.request.uri = t.request.uri.replace(from, to);
  };
}

module.exports = {
  BASE,
  fixtures,
  email,
  phone,
  retag,
  built,
  preparations,
  skipReasons,
  build,
  prepare,
  skipReason,
  operationKey,
  http,
  session,
  actAs,
  mail,
  totp,
  setFormField,
  signManagement,
  setQuery,
  anonymous,
  expectStatus,
  asSpentClient,
  spendTotpBudget,
  unreadable,
  keepFormFields,
  onlyFields,
  withFields,
  setPath,
  replaceInPath,
};
