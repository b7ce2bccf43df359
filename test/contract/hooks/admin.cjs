/** The admin API (openapi/admin.yaml), called as the fixture superadmin (00-common.cjs). */
const { build } = require('../support.cjs');

build('GET /admin/levels', 'GET /admin/abilities');
