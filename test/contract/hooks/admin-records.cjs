/**
 * The admin API on a user's records, called as the fixture superadmin. The fixture `records` holds the data storage
 * record the deletion removes and an API key; each comment edit or deletion first adds the comment it acts on.
 */
const { build, prepare, fixtures, http, session, setFormField, setQuery, anonymous } = require('../support.cjs');

build(
  'DELETE /admin/users/data_storage',
  'POST /admin/users/comments',
  'PUT /admin/users/comments',
  'DELETE /admin/users/comments',
  'GET /admin/api_keys',
);

const UNKNOWN_UID = 'IDNOSUCHUSER';
const UNKNOWN_ID = '999999999';

/** Drops one query parameter of the transaction's URI. */
function dropQuery(t, name) {
  const url = new URL(t.request.uri, 'http://dredd');
  url.searchParams.delete(name);
  t.fullPath = t.request.uri = url.pathname + url.search;
}

/** Drops one form field of the documented body. */
function dropFormField(t, name) {
  const params = new URLSearchParams(t.request.body);
  params.delete(name);
  t.request.body = params.toString();
}

/** A new comment about the fixture `records`, by the fixture superadmin: its id. */
async function newComment() {
  const s = await session('admin');
  const form = { uid: fixtures.records.uid, title: 'Contract test', data: 'Made by the hook.' };
  const res = await http('POST', '/admin/users/comments', { form, cookie: s.cookie, csrf: s.csrf });
  if (res.status !== 201) throw new Error(`comment set-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.comments[res.body.comments.length - 1].id);
}

// --- data storage ---
prepare('DELETE /admin/users/data_storage', 200, (t) => setQuery(t, 'uid', fixtures.records.uid));
prepare('DELETE /admin/users/data_storage', 401, anonymous);
prepare('DELETE /admin/users/data_storage', 404, (t) => setQuery(t, 'uid', UNKNOWN_UID));
prepare('DELETE /admin/users/data_storage', 422, (t) => dropQuery(t, 'title'));

// --- comments ---
prepare('POST /admin/users/comments', 201, (t) => setFormField(t, 'uid', fixtures.records.uid));
prepare('POST /admin/users/comments', 401, anonymous);
prepare('POST /admin/users/comments', 404, (t) => setFormField(t, 'uid', UNKNOWN_UID));
prepare('POST /admin/users/comments', 422, (t) => dropFormField(t, 'data'));

prepare('PUT /admin/users/comments', 200, async (t) => setFormField(t, 'id', await newComment()));
prepare('PUT /admin/users/comments', 401, anonymous);
prepare('PUT /admin/users/comments', 404, (t) => setFormField(t, 'id', UNKNOWN_ID));
prepare('PUT /admin/users/comments', 422, (t) => dropFormField(t, 'id'));

prepare('DELETE /admin/users/comments', 200, async (t) => setQuery(t, 'id', await newComment()));
prepare('DELETE /admin/users/comments', 401, anonymous);
prepare('DELETE /admin/users/comments', 404, (t) => setQuery(t, 'id', UNKNOWN_ID));
prepare('DELETE /admin/users/comments', 422, (t) => dropQuery(t, 'id'));

// --- API keys ---
prepare('GET /admin/api_keys', 200, (t) => setQuery(t, 'uid', fixtures.records.uid));
prepare('GET /admin/api_keys', 401, anonymous);
prepare('GET /admin/api_keys', 404, (t) => setQuery(t, 'uid', UNKNOWN_UID));
prepare('GET /admin/api_keys', 422, (t) => setQuery(t, 'ordering', 'sideways'));
