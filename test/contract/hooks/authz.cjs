/**
 * The gateway authorization endpoint (issue 5): every method, as the member fixture's browser behind a gateway
 * (session cookie, CSRF token, the login's User-Agent), for the upstream path of its own account
 * (`api/v2/barong/resource/users/me`, which members may reach). Each answers 200 with `Authorization: Bearer <JWT>`.
 * Dredd sends the documented optional X-Auth-* headers empty; blank ones leave the endpoint in session mode.
 */
const hooks = require('hooks');
const { build, prepare, actAs, http, session } = require('../support.cjs');

// HEAD is left out (test/contract/unreachable.cjs): Dredd 14's HTTP client refuses every HEAD request.
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const UPSTREAM = '/api/v2/barong/auth/api/v2/barong/resource/users/me';

for (const method of METHODS) {
  const key = `${method} /auth/{path}`;
  build(key);
  prepare(key, 200, async (t) => {
    await actAs(t, 'member');
    // The path parameter holds slashes; Dredd would percent-encode them.
    t.fullPath = t.request.uri = UPSTREAM;
  });
}

// Refusals a gateway sees most: no session, an incomplete API-key signature, a path that is not valid encoding.
for (const method of METHODS) {
  const key = `${method} /auth/{path}`;
  prepare(key, 401, (t) => {
    t.fullPath = t.request.uri = UPSTREAM;
  });
  prepare(key, 422, (t) => {
    t.fullPath = t.request.uri = UPSTREAM;
    t.request.headers['X-Auth-Apikey'] = '0123456789abcdef';
  });
  prepare(key, 400, (t) => {
    t.fullPath = t.request.uri = '/api/v2/barong/auth/api/v2/%E0%A4%A';
  });
}

/**
 * Restrictions (403 ip_subnet, 423 country or continent, 471 maintenance): the superadmin adds an enabled
 * restriction whose answer is that status for a client of its own (192.0.2.80, sent as X-Forwarded-For: loopback is
 * a trusted proxy, and a loopback restriction would lock the hooks out too): an `ip_subnet` row for 403, an `ip`
 * row with the status as its code for 423, a maintenance row for 471. Restrictions come before the session, so the
 * request carries none. The row is deleted after the transaction; both wait until the gateway sees the change.
 */
const CLIENT = '192.0.2.80';
const RESTRICTIONS = {
  403: { category: 'blacklist', scope: 'ip_subnet', value: '192.0.2.0/24' },
  423: { category: 'blacklist', scope: 'ip', value: CLIENT, code: '423' },
  471: { category: 'maintenance', scope: 'ip', value: CLIENT },
};
let restrictionId;

async function asAdmin(method, path, form) {
  const s = await session('admin');
  return http(method, path, { form, cookie: s.cookie, csrf: s.csrf });
}

/** Waits until the restricted client's gateway request answers `status` (`unrestricted`: anything but a 403/423/471). */
async function gatewayAnswers(status) {
  let last;
  for (let i = 0; i < 200; i++) {
    last = await http('GET', '/auth/api/v2/barong/resource/users/me', { headers: { 'X-Forwarded-For': CLIENT } });
    if (status === 'unrestricted' ? !(last.status in RESTRICTIONS) : last.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the gateway never answered ${status} (last: ${last.status} ${JSON.stringify(last.body)})`);
}

for (const method of METHODS) {
  for (const [status, row] of Object.entries(RESTRICTIONS)) {
    prepare(`${method} /auth/{path}`, Number(status), async (t) => {
      t.fullPath = t.request.uri = UPSTREAM;
      t.request.headers['X-Forwarded-For'] = CLIENT;
      const res = await asAdmin('POST', '/admin/restrictions', { ...row, state: 'enabled' });
      if (res.status !== 200) throw new Error(`restriction set-up failed: ${res.status} ${JSON.stringify(res.body)}`);
      const list = await asAdmin('GET', `/admin/restrictions?scope=${row.scope}&category=${row.category}&limit=100`);
      const made = (Array.isArray(list.body) ? list.body : []).find((r) => r.value === row.value);
      if (!made) throw new Error(`restriction not listed: ${list.status} ${JSON.stringify(list.body)}`);
      restrictionId = made.id;
      await gatewayAnswers(Number(status));
    });
  }
}

hooks.afterEach(async (t, done) => {
  try {
    if (restrictionId !== undefined) {
      const id = restrictionId;
      restrictionId = undefined;
      const res = await asAdmin('DELETE', `/admin/restrictions?id=${id}`);
      if (res.status !== 200 && res.status !== 204) throw new Error(`restriction clean-up failed: ${res.status}`);
      await gatewayAnswers('unrestricted');
    }
  } catch (err) {
    t.fail = `clean-up failed: ${err.message}`;
  }
  done();
});

// A success has no body, so no Content-Type; Dredd's Swagger reader expects the global `produces` one anyway (as for 204).
hooks.beforeEachValidation((t, done) => {
  if (t.origin.resourceName.endsWith('/auth/{path}') && Number(t.expected.statusCode) === 200 && t.expected.headers) {
    delete t.expected.headers['Content-Type'];
  }
  done();
});
