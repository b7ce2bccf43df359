/**
 * Runs first: skips what is not built (with the reason), runs each transaction's preparation, and lets
 * `application/json; charset=utf-8` satisfy `application/json`.
 */
const hooks = require('hooks');
const support = require('../support.cjs');
const { unreachableReason } = require('../unreachable.cjs');

// DREDD_ONLY=<text>: run only transactions whose 'METHOD /path' contains the text (iterating on one area).
const ONLY = process.env.DREDD_ONLY;

hooks.beforeEach(async (t, done) => {
  try {
    const key = support.operationKey(t);
    const status = Number(t.expected.statusCode);
    const prepare = support.preparations.get(`${key} ${status}`);
    const unreachable = unreachableReason(key, status);
    if (ONLY && !key.includes(ONLY)) {
      t.skip = true;
    } else if (unreachable) {
      t.skip = true;
      hooks.log(`skip ${key} ${status}: ${unreachable}`);
    } else if (!support.built.has(key)) {
      const path = key.split(' ')[1];
      const found = support.skipReasons.find(([prefix]) => path.startsWith(prefix));
      t.skip = true;
      hooks.log(`skip ${key} ${status}: ${found ? found[1] : 'not built yet'}`);
    } else if (status >= 300 && !prepare) {
      // Error answers run only where a preparation provokes them.
      t.skip = true;
      hooks.log(`skip ${key} ${status}: no preparation provokes it`);
    } else {
      support.retag(t);
      if (key.includes(' /resource/') && !key.includes('swagger_doc')) await support.actAs(t, 'member');
      if (key.includes(' /admin/')) await support.actAs(t, 'admin');
      if (key.includes(' /management/') && !prepare) await support.signManagement(t);
      if (prepare) {
        t.skip = false;
        await prepare(t);
      }
    }
  } catch (err) {
    t.fail = `preparation failed: ${err.message}`;
  }
  done();
});

hooks.beforeEachValidation((t, done) => {
  // A 204 has no body and so no Content-Type; Dredd's Swagger reader expects the `produces` one anyway.
  if (Number(t.expected.statusCode) === 204 && t.expected.headers) delete t.expected.headers['Content-Type'];
  const expected = t.expected.headers && t.expected.headers['Content-Type'];
  const real = t.real.headers['content-type'] || '';
  if (expected && real.split(';')[0].trim() === expected) t.expected.headers['Content-Type'] = real;
  done();
});
