/**
 * KYC: profiles, documents and proofs of address. Dredd sends a multipart body whose `upload` part is the
 * documented file name as text (it cannot make files); the preparation turns that one part into a real file
 * (a tiny PNG, or a tiny PDF for a `.pdf` name) and leaves every other documented field as it is.
 * Acting users: `member` creates a profile and uploads; `kyc` has a drafted profile (edit, list, duplicate);
 * `kycNone` has no profile (404s); `kycFull` holds the maximum number of documents (400 limit_reached).
 */
const {
  build,
  prepare,
  http,
  session,
  actAs,
  anonymous,
  BASE,
  expectStatus,
  unreadable,
  withFields,
} = require('../support.cjs');

build(
  'GET /resource/profiles/me',
  'POST /resource/profiles',
  'PUT /resource/profiles',
  'GET /resource/documents',
  'POST /resource/documents',
  'POST /resource/addresses',
);

const SERVER = process.env.DREDD_SERVER;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const NOT_AN_IMAGE = Buffer.from('plain text pretending to be a file');
const DOC_LIMIT = 10;

/** Replaces the text `upload` part of Dredd's multipart body with a file part (name from the documented example). */
function attachFile(t, bytes) {
  const boundary = /boundary=([^;]+)/.exec(t.request.headers['Content-Type'] || '')[1];
  const body = t.request.body;
  const marker = 'Content-Disposition: form-data; name="upload"\r\n\r\n';
  const start = body.indexOf(marker);
  if (start < 0) throw new Error('no upload part in the documented body');
  const valueStart = start + marker.length;
  const valueEnd = body.indexOf(`\r\n--${boundary}`, valueStart);
  const filename = body.slice(valueStart, valueEnd);
  const type = filename.endsWith('.pdf') ? 'application/pdf' : 'image/png';
  const file = bytes || (type === 'application/pdf' ? PDF : PNG);
  const head = `${body.slice(0, start)}Content-Disposition: form-data; name="upload"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  t.request.body = Buffer.concat([Buffer.from(head), file, Buffer.from(body.slice(valueEnd))]).toString('base64');
  t.request.bodyEncoding = 'base64';
}

async function as(name, method, path, form) {
  const s = await session(name);
  return http(method, path, { form, cookie: s.cookie, csrf: s.csrf });
}

/** The fixture `kyc` has a drafted profile (made once; later calls answer 409). */
async function ensureDraftedProfile() {
  const res = await as('kyc', 'POST', '/resource/profiles', { first_name: 'Kyc', city: 'Lisbon' });
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`profile set-up failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Uploads `count` PNG documents as a fixture user, in one multipart request. */
async function uploadDocuments(name, count) {
  const s = await session(name);
  const form = new FormData();
  for (const [k, v] of Object.entries({ doc_type: 'Passport', doc_number: 'AB123456', doc_expire: '2035-01-01' }))
    form.append(k, v);
  for (let i = 0; i < count; i++) form.append('upload', new Blob([PNG], { type: 'image/png' }), `page-${i}.png`);
  const res = await fetch(`${SERVER}${BASE}/resource/documents`, {
    method: 'POST',
    headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'User-Agent': 'Dredd/contract' },
    body: form,
  });
  if (res.status !== 201) throw new Error(`document set-up failed: ${res.status} ${await res.text()}`);
}

async function documentCount(name) {
  const res = await as(name, 'GET', '/resource/documents');
  if (res.status !== 200) throw new Error(`document list failed: ${res.status}`);
  return res.body.length;
}

/** The fixture `kycFull` holds the per-user maximum of documents. */
async function fillDocuments() {
  const missing = DOC_LIMIT - (await documentCount('kycFull'));
  if (missing > 0) await uploadDocuments('kycFull', missing);
}

// Profiles
prepare('PUT /resource/profiles', 200, async (t) => {
  await actAs(t, 'kyc');
  await ensureDraftedProfile();
});
prepare('PUT /resource/profiles', 401, anonymous);
prepare('PUT /resource/profiles', 404, (t) => actAs(t, 'kycNone'));
prepare('POST /resource/profiles', 401, anonymous);
prepare('POST /resource/profiles', 409, async (t) => {
  await actAs(t, 'kyc');
  await ensureDraftedProfile();
});
prepare('GET /resource/profiles/me', 200, async (t) => {
  await actAs(t, 'kyc');
  await ensureDraftedProfile();
});
prepare('GET /resource/profiles/me', 401, anonymous);
prepare('GET /resource/profiles/me', 404, (t) => actAs(t, 'kycNone'));

// Documents
prepare('POST /resource/documents', 201, (t) => attachFile(t));
prepare('POST /resource/documents', 400, async (t) => {
  await actAs(t, 'kycFull');
  await fillDocuments();
  attachFile(t);
});
prepare('POST /resource/documents', 401, (t) => {
  anonymous(t);
  attachFile(t);
});
prepare('POST /resource/documents', 422, (t) => attachFile(t, NOT_AN_IMAGE));
prepare('GET /resource/documents', 200, async () => {
  if ((await documentCount('member')) === 0) await uploadDocuments('member', 1);
});
prepare('GET /resource/documents', 401, anonymous);

// Proofs of address
prepare('POST /resource/addresses', 201, (t) => attachFile(t));
prepare('POST /resource/addresses', 400, async (t) => {
  await actAs(t, 'kycFull');
  await fillDocuments();
  attachFile(t);
});
prepare('POST /resource/addresses', 401, (t) => {
  anonymous(t);
  attachFile(t);
});
prepare('POST /resource/addresses', 422, (t) => attachFile(t, NOT_AN_IMAGE));

expectStatus('PUT /resource/profiles', 400, async (t) => {
  await actAs(t, 'kyc');
  unreadable(t);
});
expectStatus('PUT /resource/profiles', 422, async (t) => {
  await actAs(t, 'kyc');
  await ensureDraftedProfile();
  withFields({ dob: 'not-a-date' })(t);
});
expectStatus('POST /resource/profiles', 400, async (t) => {
  await actAs(t, 'kycNone');
  unreadable(t);
});
expectStatus('POST /resource/profiles', 422, async (t) => {
  await actAs(t, 'kycNone');
  withFields({ dob: 'not-a-date' })(t);
});
