/** The token keys (issue 5, item 3): the JWKS needs no credentials and no data; the body is checked against its schema. */
const { build } = require('../support.cjs');

build('GET /identity/.well-known/jwks.json');
