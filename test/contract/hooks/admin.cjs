/** The admin API (openapi/admin.yaml), called as the fixture superadmin (00-common.cjs). */
const { build, expectStatus, unreadable, anonymous, keepFormFields, withFields } = require('../support.cjs');

build('GET /admin/levels', 'GET /admin/abilities');

expectStatus(['GET /admin/levels', 'GET /admin/abilities'], 401, anonymous);
expectStatus(
  [
    'POST /admin/users/labels/update',
    'POST /admin/users/labels',
    'PUT /admin/users/labels',
    'POST /admin/users/comments',
    'PUT /admin/users/comments',
    'POST /admin/permissions',
    'PUT /admin/permissions',
    'POST /admin/restrictions/whitelink',
    'POST /admin/restrictions',
    'PUT /admin/restrictions',
  ],
  400,
  unreadable,
);
expectStatus('POST /admin/permissions', 422, (t) => keepFormFields(t));
expectStatus('POST /admin/restrictions/whitelink', 422, withFields({ expire_time: '999999999' }));
