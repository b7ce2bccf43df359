/** Management API, labels (openapi/management.yaml): each request signed, naming a fixture user. */
const { build, prepare, fixtures, signManagement, http } = require('../support.cjs');

build(
  'POST /management/labels/filter/users',
  'POST /management/labels/list',
  'POST /management/labels',
  'PUT /management/labels',
  'POST /management/labels/delete',
);

const documented = (t) => ({ ...JSON.parse(t.request.body), user_uid: fixtures.labelled.uid });
const naming = (t) => signManagement(t, undefined, documented(t));

prepare('POST /management/labels/list', 201, naming);
prepare('POST /management/labels', 201, naming);
prepare('PUT /management/labels', 200, naming);
// The label the documented request deletes exists whatever ran before: set it through the API first.
prepare('POST /management/labels/delete', 204, async (t) => {
  const label = { ...documented(t), value: 'pending' };
  const put = { request: { body: '{}', headers: {} } };
  await signManagement(put, undefined, label);
  const res = await http('PUT', '/management/labels', { json: JSON.parse(put.request.body) });
  if (res.status !== 200) throw new Error(`label not set: ${res.status} ${JSON.stringify(res.body)}`);
  await naming(t);
});
