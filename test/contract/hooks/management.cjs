/** The management API (openapi/management.yaml): every request signed by the test signers (00-common.cjs). */
const { build } = require('../support.cjs');

build('POST /management/timestamp');
