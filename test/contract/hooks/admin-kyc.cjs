/**
 * The admin API's KYC group: profiles, user and admin activities, metrics; called as the fixture superadmin.
 * Fixtures: `profileReview` has a submitted profile the PUT decides on; `profileNew` has none, so the POST opens one.
 */
const { build, prepare, fixtures, setFormField } = require('../support.cjs');

build(
  'GET /admin/profiles',
  'PUT /admin/profiles',
  'POST /admin/profiles',
  'GET /admin/activities',
  'GET /admin/activities/admin',
  'GET /admin/metrics',
);

const UNKNOWN_UID = 'IDNOSUCHUSER';

/** Sets (value given) or drops (undefined) query parameters of the transaction's URI. */
function query(t, params) {
  const url = new URL(t.request.uri, 'http://dredd');
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  t.fullPath = t.request.uri = url.pathname + url.search;
}

function dropFormField(t, name) {
  const params = new URLSearchParams(t.request.body);
  params.delete(name);
  t.request.body = params.toString();
}

function anonymous(t) {
  delete t.request.headers.Cookie;
  delete t.request.headers['X-CSRF-Token'];
}

/** A JSON body cut short: the body parser cannot read it. */
function unreadable(t) {
  t.request.headers['Content-Type'] = 'application/json';
  t.request.body = '{"uid":';
}

// --- profiles ---
prepare('GET /admin/profiles', 401, anonymous);
prepare('GET /admin/profiles', 422, (t) => query(t, { page: '0' }));

prepare('PUT /admin/profiles', 200, (t) => setFormField(t, 'uid', fixtures.profileReview.uid));
prepare('PUT /admin/profiles', 400, unreadable);
prepare('PUT /admin/profiles', 401, anonymous);
prepare('PUT /admin/profiles', 404, (t) => setFormField(t, 'uid', UNKNOWN_UID));
prepare('PUT /admin/profiles', 422, (t) => dropFormField(t, 'uid'));

prepare('POST /admin/profiles', 201, (t) => setFormField(t, 'uid', fixtures.profileNew.uid));
prepare('POST /admin/profiles', 400, unreadable);
prepare('POST /admin/profiles', 401, anonymous);
prepare('POST /admin/profiles', 404, (t) => setFormField(t, 'uid', UNKNOWN_UID));
prepare('POST /admin/profiles', 422, (t) => dropFormField(t, 'uid'));

// --- activities: the documented filters name users of the examples; the fixtures' own logins are listed instead ---
prepare('GET /admin/activities', 200, (t) => query(t, { uid: undefined, email: undefined }));
prepare('GET /admin/activities', 401, anonymous);
prepare('GET /admin/activities', 422, (t) => query(t, { from: 'yesterday' }));

prepare('GET /admin/activities/admin', 200, (t) =>
  query(t, { uid: fixtures.admin.uid, email: undefined, topic: undefined, action: undefined, target_uid: undefined }),
);
prepare('GET /admin/activities/admin', 401, anonymous);
prepare('GET /admin/activities/admin', 422, (t) => query(t, { range: 'updated' }));

// --- metrics ---
prepare('GET /admin/metrics', 401, anonymous);
prepare('GET /admin/metrics', 422, (t) => query(t, { created_from: '2021-02-30' }));
