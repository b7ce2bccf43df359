/** Management API, users and profiles (openapi/management.yaml): each request signed, naming a fixture user. */
const { build, prepare, fixtures, signManagement } = require('../support.cjs');

build(
  'POST /management/users/get',
  'POST /management/users/list',
  'POST /management/users',
  'POST /management/users/update',
  'POST /management/users/import',
  'POST /management/profiles',
);

/** The documented `data` with the uid of the fixture user put in. */
const naming = (field) => (t) =>
  signManagement(t, undefined, { ...JSON.parse(t.request.body), [field]: fixtures.managed.uid });

prepare('POST /management/users/get', 201, naming('uid'));
prepare('POST /management/users/update', 201, naming('uid'));
prepare('POST /management/profiles', 201, naming('uid'));
