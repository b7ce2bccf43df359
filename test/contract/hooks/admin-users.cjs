/**
 * The admin API on users, called as the fixture superadmin. Lists and reads are narrowed to a fixture by its uid and
 * e-mail (`usersTarget`: a US profile; `usersPending`: level 2 with a pending document); each change acts on a
 * fixture of its own (`usersBan`, `usersLock`, `usersRole`, `usersErase`). Dredd sends every documented form field,
 * and PUT /users and POST /users/update take exactly one change: their hooks keep `uid` and `state`.
 */
const { build, prepare, fixtures, setFormField, setQuery, anonymous } = require('../support.cjs');

build(
  'GET /admin/users',
  'PUT /admin/users',
  'POST /admin/users/update',
  'POST /admin/users/role',
  'POST /admin/users/erase',
  'GET /admin/users/documents/pending',
  'GET /admin/users/{uid}',
);

const UNKNOWN_UID = 'IDNOSUCHUSER';
const DOCUMENTED_UID = 'ID30DD0DD986';

/** Narrows a list to one fixture user. */
function listOnly(name) {
  return (t) => {
    setQuery(t, 'uid', fixtures[name].uid);
    setQuery(t, 'email', fixtures[name].email);
  };
}

/** Keeps only the named form fields of the documented body. */
function keepFormFields(t, names) {
  const params = new URLSearchParams(t.request.body);
  for (const name of [...params.keys()]) if (!names.includes(name)) params.delete(name);
  t.request.body = params.toString();
}

/** Sends only the given form fields, with these values (`undefined`: the documented one). */
function only(fields) {
  return (t) => {
    keepFormFields(t, Object.keys(fields));
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) setFormField(t, name, value);
  };
}

function userPath(t, uid) {
  t.fullPath = t.request.uri = t.request.uri.replace(DOCUMENTED_UID, uid);
}

/** A form body the server cannot read. */
function unreadable(t) {
  t.request.headers['Content-Type'] = 'application/json';
  t.request.body = '{"uid":';
}

// --- lists ---
prepare('GET /admin/users', 200, listOnly('usersTarget'));
prepare('GET /admin/users', 401, anonymous);
prepare('GET /admin/users', 422, (t) => setQuery(t, 'ordering', 'sideways'));

prepare('GET /admin/users/documents/pending', 200, listOnly('usersPending'));
prepare('GET /admin/users/documents/pending', 401, anonymous);
prepare('GET /admin/users/documents/pending', 422, (t) => setQuery(t, 'range', 'soon'));

// --- one user ---
prepare('GET /admin/users/{uid}', 200, (t) => userPath(t, fixtures.usersTarget.uid));
prepare('GET /admin/users/{uid}', 401, anonymous);
prepare('GET /admin/users/{uid}', 404, (t) => userPath(t, UNKNOWN_UID));

// --- changes ---
prepare('PUT /admin/users', 200, only({ uid: fixtures.usersBan.uid, state: undefined }));
prepare('PUT /admin/users', 400, unreadable);
prepare('PUT /admin/users', 401, anonymous);
prepare('PUT /admin/users', 404, only({ uid: UNKNOWN_UID, state: undefined }));
prepare('PUT /admin/users', 422, only({ uid: fixtures.usersTarget.uid }));

prepare('POST /admin/users/update', 200, only({ uid: fixtures.usersLock.uid, state: undefined }));
prepare('POST /admin/users/update', 400, unreadable);
prepare('POST /admin/users/update', 401, anonymous);
prepare('POST /admin/users/update', 404, only({ uid: UNKNOWN_UID, state: undefined }));
prepare('POST /admin/users/update', 422, only({ uid: fixtures.usersTarget.uid, state: 'active' }));

prepare('POST /admin/users/role', 200, only({ uid: fixtures.usersRole.uid, role: undefined }));
prepare('POST /admin/users/role', 400, unreadable);
prepare('POST /admin/users/role', 401, anonymous);
prepare('POST /admin/users/role', 404, only({ uid: UNKNOWN_UID, role: undefined }));
prepare('POST /admin/users/role', 422, only({ uid: fixtures.usersTarget.uid, role: 'nobody' }));

// The caller erasing themself is refused (the hold is off for the contract run: its fixtures are minutes old).
prepare('POST /admin/users/erase', 200, only({ uid: fixtures.usersErase.uid }));
prepare('POST /admin/users/erase', 400, unreadable);
prepare('POST /admin/users/erase', 401, anonymous);
prepare('POST /admin/users/erase', 404, only({ uid: UNKNOWN_UID }));
prepare('POST /admin/users/erase', 422, only({ uid: fixtures.admin.uid }));
