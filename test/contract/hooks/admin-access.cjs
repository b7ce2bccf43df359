/**
 * Admin API: permissions, restrictions and whitelinks, as the fixture superadmin (00-common.cjs). Updates and
 * deletions act on rows made for them (run.ts, `access`), never on the seeded ones the documented ids name.
 * Refusals act as an accountant, whom the permission table or the abilities keep out of every one of these.
 */
const { build, prepare, fixtures, actAs, setFormField, setQuery } = require('../support.cjs');

const OPERATIONS = [
  'GET /admin/permissions',
  'POST /admin/permissions',
  'PUT /admin/permissions',
  'DELETE /admin/permissions',
  'GET /admin/restrictions',
  'POST /admin/restrictions',
  'PUT /admin/restrictions',
  'DELETE /admin/restrictions',
  'POST /admin/restrictions/whitelink',
];

build(...OPERATIONS);

const UNKNOWN_ID = '999999';

prepare('PUT /admin/permissions', 200, (t) => setFormField(t, 'id', fixtures.access.permissionUpdate));
prepare('DELETE /admin/permissions', 200, (t) => setQuery(t, 'id', fixtures.access.permissionDelete));
prepare('PUT /admin/restrictions', 200, (t) => setFormField(t, 'id', fixtures.access.restrictionUpdate));
prepare('DELETE /admin/restrictions', 200, (t) => setQuery(t, 'id', fixtures.access.restrictionDelete));

for (const key of OPERATIONS) prepare(key, 401, (t) => actAs(t, 'accessAccountant'));

prepare('PUT /admin/permissions', 404, (t) => setFormField(t, 'id', UNKNOWN_ID));
prepare('DELETE /admin/permissions', 404, (t) => setQuery(t, 'id', UNKNOWN_ID));
prepare('PUT /admin/restrictions', 404, (t) => setFormField(t, 'id', UNKNOWN_ID));
prepare('DELETE /admin/restrictions', 404, (t) => setQuery(t, 'id', UNKNOWN_ID));

prepare('GET /admin/permissions', 422, (t) => setQuery(t, 'limit', '101'));
prepare('PUT /admin/permissions', 422, (t) => setFormField(t, 'id', 'one'));
prepare('DELETE /admin/permissions', 422, (t) => setQuery(t, 'id', 'one'));
prepare('GET /admin/restrictions', 422, (t) => setQuery(t, 'scope', 'planet'));
// Runs after the 200: the documented restriction exists.
prepare('POST /admin/restrictions', 422, () => {});
// Runs after the 200, which gave the documented value to another row.
prepare('PUT /admin/restrictions', 422, (t) => setFormField(t, 'id', fixtures.access.restrictionTaken));
prepare('DELETE /admin/restrictions', 422, (t) => setQuery(t, 'id', 'one'));
