/**
 * The admin API's labels on users, as the fixture superadmin (00-common.cjs). Each write names its own fixture
 * user (run.ts: `labels`); the documented uid belongs to nobody, which is the 404; the superadmin's own uid is
 * the 422 (`admin.user.update_himself`); a member is the 401 (the permission table).
 */
const { build, prepare, fixtures, actAs, setFormField, setQuery } = require('../support.cjs');

build(
  'GET /admin/users/labels/list',
  'GET /admin/users/labels',
  'POST /admin/users/labels',
  'PUT /admin/users/labels',
  'POST /admin/users/labels/update',
  'DELETE /admin/users/labels',
);

const asMember = (t) => actAs(t, 'member');
const FORM_WRITES = {
  'POST /admin/users/labels': 'add',
  'PUT /admin/users/labels': 'edit',
  'POST /admin/users/labels/update': 'upsert',
};

for (const [key, fixture] of Object.entries(FORM_WRITES)) {
  prepare(key, 200, (t) => setFormField(t, 'uid', fixtures.labels[fixture]));
  prepare(key, 401, asMember);
  prepare(key, 404, () => {});
  prepare(key, 422, (t) => setFormField(t, 'uid', fixtures.admin.uid));
}

prepare('DELETE /admin/users/labels', 200, (t) => setQuery(t, 'uid', fixtures.labels.delete));
prepare('DELETE /admin/users/labels', 401, asMember);
prepare('DELETE /admin/users/labels', 404, () => {});
prepare('DELETE /admin/users/labels', 422, (t) => setQuery(t, 'uid', fixtures.admin.uid));

prepare('GET /admin/users/labels/list', 401, asMember);
prepare('GET /admin/users/labels', 401, asMember);
prepare('GET /admin/users/labels', 422, (t) => setQuery(t, 'limit', '0'));
