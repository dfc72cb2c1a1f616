// The official ConnectyCube JavaScript SDK (npm `connectycube` 6.x, node build) against the
// local emulator. Every test follows a flow of the JS guide "Authentication and Users" and checks
// what an application would check: returned values and fields, and `error.code` / `error.info`
// on failures.
//
// Run by `cargo xtask js-compat`, which installs the SDK outside the repository and starts the
// emulator, over HTTP and over HTTPS. By hand:
//   CONNECTYCUBE_JS_SDK_DIR=<dir containing node_modules/connectycube> \
//   EMULATOR_URL=http://127.0.0.1:PORT node --test crates/connectycube-emulator/tests/js/compat.test.mjs
// Over HTTPS (emulator started with `--generate-tls DIR`), node must trust the emulator's CA:
//   NODE_EXTRA_CA_CERTS=DIR/ca.pem EMULATOR_URL=https://127.0.0.1:PORT … node --test …
//
// Tests run one after another (node:test runs the top-level tests of a file sequentially); each
// starts from `POST /__emulator/reset` and a fresh `ConnectyCube.init(...)`.

import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';

const SDK_DIR = process.env.CONNECTYCUBE_JS_SDK_DIR;
const EMULATOR_URL = (process.env.EMULATOR_URL ?? '').replace(/\/+$/, '');
if (!SDK_DIR || !EMULATOR_URL) {
  throw new Error('set CONNECTYCUBE_JS_SDK_DIR (where node_modules/connectycube is) and EMULATOR_URL');
}

// Resolve the package from SDK_DIR (its node_modules), not from this repository.
const requireFromSdk = createRequire(path.join(path.resolve(SDK_DIR), 'resolve-from-here.cjs'));
const sdkModule = requireFromSdk('connectycube');
const ConnectyCube = sdkModule.default ?? sdkModule;
const sdkVersion = requireFromSdk('connectycube/package.json').version;

const CREDENTIALS = { appId: 1, authKey: '29WfrNWdvkhmX6V' };
// A hung request (or an endless session-expired retry loop) fails the test instead of hanging.
const T = { timeout: 30_000 };

// Over HTTPS the SDK gets the address as applications configure it, `endpoints.api` without a
// scheme, and adds `https://` itself; over HTTP only the full `endpoints.api_url` can say so.
const ENDPOINTS = EMULATOR_URL.startsWith('https://')
  ? { api: EMULATOR_URL.slice('https://'.length) }
  : { api_url: EMULATOR_URL };

/**
 * (Re-)initialises the SDK singleton. `init` builds a new ProxyService (so the session is
 * cleared), but the config object is shared: `endpoints.api_url` is overwritten on every call and
 * `on.sessionExpired` must be reset explicitly.
 */
function initSdk(sessionExpired) {
  ConnectyCube.init(CREDENTIALS, {
    endpoints: ENDPOINTS,
    debug: { mode: 0 },
    on: { sessionExpired },
  });
}

async function control(method, route, body) {
  const response = await fetch(`${EMULATOR_URL}/__emulator/${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} /__emulator/${route} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const registerIdentity = (identity) => control('POST', 'identities', identity);

/** Awaits a promise that must reject with an SDK error `{code, info}`; returns the error. */
async function rejection(promise, expectedCode) {
  let error;
  try {
    const value = await promise;
    assert.fail(`expected an error ${expectedCode ?? ''}, got ${JSON.stringify(value)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    error = e;
  }
  assert.equal(typeof error, 'object', `not an SDK error object: ${error}`);
  if (expectedCode !== undefined) {
    assert.equal(error.code, expectedCode, `error: ${JSON.stringify(error)}`);
  }
  assert.ok(error.info && error.info.errors, `error.info has no "errors": ${JSON.stringify(error)}`);
  return error;
}

/** Flattens `errors` (array of strings or object of arrays) into one list of messages. */
function errorMessages(error) {
  const errors = error.info.errors;
  return Array.isArray(errors) ? errors : Object.values(errors).flat();
}

beforeEach(async () => {
  await control('POST', 'reset');
  initSdk(undefined);
});

test(`SDK ${sdkVersion} loads and is the node build`, T, () => {
  assert.match(sdkVersion, /^6\./);
  assert.equal(ConnectyCube.platform, 'node');
  assert.equal(typeof ConnectyCube.createSession, 'function');
});

// ---------------------------------------------------------------------------------------------
// Sessions

test('app session: createSession() without a user', T, async () => {
  const session = await ConnectyCube.createSession();
  assert.equal(typeof session.token, 'string');
  assert.ok(session.token.length > 0);
  assert.equal(Number(session.application_id), CREDENTIALS.appId);
  assert.ok(!session.user_id, `app session has user_id ${session.user_id}`);
  assert.equal(typeof session.id, 'number');
  assert.ok(session.created_at && session.updated_at);
});

test('user session by login + password creates the user on the fly, then signs in again', T, async () => {
  const creds = { login: 'cubeuser', password: 'awesomepwd' };
  const session = await ConnectyCube.createSession(creds);
  assert.ok(session.token);
  assert.ok(session.user_id > 0);
  assert.equal(session.user.id, session.user_id);
  assert.equal(session.user.login, 'cubeuser');

  initSdk(undefined);
  const again = await ConnectyCube.createSession(creds);
  assert.equal(again.user_id, session.user_id);
  assert.notEqual(again.token, session.token);

  initSdk(undefined);
  const error = await rejection(ConnectyCube.createSession({ login: 'cubeuser', password: 'wrongpassword' }), 401);
  assert.ok(errorMessages(error).length > 0);
});

test('user session by email + password creates the user on the fly', T, async () => {
  const session = await ConnectyCube.createSession({ email: 'cube@example.com', password: 'awesomepwd' });
  assert.ok(session.user_id > 0);
  assert.equal(session.user.email, 'cube@example.com');

  initSdk(undefined);
  const again = await ConnectyCube.createSession({ email: 'cube@example.com', password: 'awesomepwd' });
  assert.equal(again.user_id, session.user_id);
});

test('guest session: {guest: "1", full_name} gives a guest user', T, async () => {
  const session = await ConnectyCube.createSession({ guest: '1', full_name: 'Awesome Smith' });
  assert.ok(session.user_id > 0);
  assert.equal(session.user.is_guest, true);
  assert.equal(session.user.full_name, 'Awesome Smith');
  assert.match(session.user.login, /^guest_login_/);
});

test('Firebase phone session (after an app session, as the guide says)', T, async () => {
  await registerIdentity({
    provider: 'firebase_phone',
    token: 'firebase-phone-id-token',
    uid: 'firebase-uid-phone-1',
    phone: '+380501234567',
    project_id: 'cube-project',
  });
  await ConnectyCube.createSession();
  const credentials = {
    provider: 'firebase_phone',
    firebase_phone: { project_id: 'cube-project', access_token: 'firebase-phone-id-token' },
  };
  const session = await ConnectyCube.createSession(credentials);
  assert.ok(session.user_id > 0);
  assert.equal(session.user.phone, '+380501234567');

  // The same identity signs in to the same user.
  const again = await ConnectyCube.createSession(credentials);
  assert.equal(again.user_id, session.user_id);
});

test('Firebase email session', T, async () => {
  await registerIdentity({
    provider: 'firebase_email',
    token: 'firebase-email-id-token',
    uid: 'firebase-uid-email-1',
    email: 'firebase.user@example.com',
    full_name: 'Fire Base',
    project_id: 'cube-project',
  });
  await ConnectyCube.createSession();
  const session = await ConnectyCube.createSession({
    provider: 'firebase_email',
    firebase_email: { project_id: 'cube-project', access_token: 'firebase-email-id-token' },
  });
  assert.ok(session.user_id > 0);
  assert.equal(session.user.email, 'firebase.user@example.com');
});

test('Firebase session with an unknown token is rejected', T, async () => {
  const error = await rejection(
    ConnectyCube.createSession({
      provider: 'firebase_phone',
      firebase_phone: { project_id: 'cube-project', access_token: 'not-a-registered-token' },
    })
  );
  assert.ok([401, 422].includes(error.code), `unexpected status ${error.code}`);
  assert.ok(errorMessages(error).length > 0);
});

test('Custom Identity Provider: login = external token, any password', T, async () => {
  const token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.sig';
  await registerIdentity({ provider: 'custom', token, uid: '123456789', full_name: 'Joseph' });
  const session = await ConnectyCube.createSession({ login: token, password: 'any' });
  assert.ok(session.user_id > 0);
  assert.equal(session.user.id, session.user_id);

  initSdk(undefined);
  const again = await ConnectyCube.createSession({ login: token, password: 'whatever' });
  assert.equal(again.user_id, session.user_id, 'the same external user maps to the same ConnectyCube user');
});

test('getSession returns the current session', T, async () => {
  const created = await ConnectyCube.createSession({ login: 'sessionuser', password: 'awesomepwd' });
  const session = await ConnectyCube.getSession();
  assert.equal(session.id, created.id);
  assert.equal(session.token, created.token);
  assert.equal(session.user_id, created.user_id);
  assert.equal(session.user?.login, 'sessionuser');
});

test('destroySession ends the session; its token is then refused', T, async () => {
  const created = await ConnectyCube.createSession({ login: 'sessionuser', password: 'awesomepwd' });
  await ConnectyCube.destroySession();

  ConnectyCube.setSession({ token: created.token });
  const error = await rejection(ConnectyCube.getSession(), 401);
  assert.deepEqual(error.info, { errors: { base: ['Required session does not exist'] } });
});

// ---------------------------------------------------------------------------------------------
// Sign-up and profile

const DOCS_PROFILE = {
  login: 'marvin18',
  password: 'supersecurepwd',
  email: 'awesomeman@gmail.com',
  full_name: 'Marvin Simon',
  phone: '47802323143',
  website: 'https://dozensofdreams.com',
  tag_list: ['iphone', 'apple'],
  custom_data: JSON.stringify({ middle_name: 'Bartoleo' }),
};

test('users.signup with the guide profile returns its fields', T, async () => {
  await ConnectyCube.createSession();
  const { user } = await ConnectyCube.users.signup(DOCS_PROFILE);
  assert.ok(user.id > 0);
  assert.equal(user.login, 'marvin18');
  assert.equal(user.email, 'awesomeman@gmail.com');
  assert.equal(user.full_name, 'Marvin Simon');
  assert.equal(user.phone, '47802323143');
  assert.equal(user.website, 'https://dozensofdreams.com');
  assert.equal(user.user_tags, 'iphone,apple');
  assert.deepEqual(JSON.parse(user.custom_data), { middle_name: 'Bartoleo' });
  assert.equal(user.password, undefined, 'password must never be returned');

  // The new user can sign in.
  initSdk(undefined);
  const session = await ConnectyCube.createSession({ login: 'marvin18', password: 'supersecurepwd' });
  assert.equal(session.user_id, user.id);
});

test('users.signup without a session (SDK sends CB-AuthKey)', T, async () => {
  const { user } = await ConnectyCube.users.signup({ login: 'nosessionuser', password: 'supersecurepwd' });
  assert.ok(user.id > 0);
  assert.equal(user.login, 'nosessionuser');

  const session = await ConnectyCube.createSession({ login: 'nosessionuser', password: 'supersecurepwd' });
  assert.equal(session.user_id, user.id);
});

test('users.signup with a taken login fails with 422', T, async () => {
  await ConnectyCube.createSession();
  await ConnectyCube.users.signup({ login: 'marvin18', password: 'supersecurepwd' });
  const error = await rejection(ConnectyCube.users.signup({ login: 'marvin18', password: 'otherpassword' }), 422);
  assert.ok(
    errorMessages(error).some((m) => /login/i.test(m)) || 'login' in error.info.errors,
    `error does not mention the login: ${JSON.stringify(error.info)}`
  );
});

test('users.update changes the profile', T, async () => {
  await ConnectyCube.createSession({ login: 'marvin18', password: 'supersecurepwd' });
  const { user } = await ConnectyCube.users.update({ login: 'marvin18sim', full_name: 'Mar Sim' });
  assert.equal(user.login, 'marvin18sim');
  assert.equal(user.full_name, 'Mar Sim');

  const session = await ConnectyCube.getSession();
  assert.equal(session.user?.login, 'marvin18sim');
});

test('users.update password with old_password; new password works, old one gives 401', T, async () => {
  const first = await ConnectyCube.createSession({ login: 'marvin18', password: 'supersecurepwd' });
  const { user } = await ConnectyCube.users.update({ password: 'evenmoresecure', old_password: 'supersecurepwd' });
  assert.equal(user.id, first.user_id);

  initSdk(undefined);
  const session = await ConnectyCube.createSession({ login: 'marvin18', password: 'evenmoresecure' });
  assert.equal(session.user_id, first.user_id);

  initSdk(undefined);
  await rejection(ConnectyCube.createSession({ login: 'marvin18', password: 'supersecurepwd' }), 401);
});

test('avatar: storage.createAndUpload (Buffer), users.update({avatar}), privateUrl serves the bytes', T, async () => {
  const session = await ConnectyCube.createSession({ login: 'marvin18', password: 'supersecurepwd' });
  // Every byte value, so any text re-encoding on the way would show.
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)),
  ]);
  const blob = await ConnectyCube.storage.createAndUpload({
    name: 'avatar.png',
    file: bytes,
    type: 'image/png',
    size: bytes.length,
    public: false,
  });
  assert.equal(typeof blob.uid, 'string');
  assert.ok(blob.uid.length > 0);
  assert.ok(blob.id > 0);
  assert.equal(blob.size, bytes.length);
  assert.equal(blob.name, 'avatar.png');
  assert.equal(blob.content_type, 'image/png');

  const { user } = await ConnectyCube.users.update({ avatar: blob.uid });
  assert.equal(user.id, session.user_id);
  assert.equal(user.avatar, blob.uid);

  const url = ConnectyCube.storage.privateUrl(user.avatar);
  assert.ok(url.startsWith(`${EMULATOR_URL}/blobs/${blob.uid}?token=`), url);
  const response = await fetch(url);
  assert.equal(response.status, 200);
  const downloaded = Buffer.from(await response.arrayBuffer());
  assert.ok(downloaded.equals(bytes), `downloaded ${downloaded.length} bytes differ from the ${bytes.length} uploaded`);
});

test('users.resetPassword(email) sends an email', T, async () => {
  await ConnectyCube.createSession();
  await ConnectyCube.users.signup({ login: 'marvin18', password: 'supersecurepwd', email: 'awesomeman@gmail.com' });
  await ConnectyCube.users.resetPassword('awesomeman@gmail.com');
  const outbox = await control('GET', 'outbox');
  assert.ok(Array.isArray(outbox));
  assert.equal(outbox.filter((mail) => mail.to === 'awesomeman@gmail.com').length, 1, JSON.stringify(outbox));
});

// ---------------------------------------------------------------------------------------------
// Search

/** Creates users through user sessions (so their last_request_at is set); returns them. */
async function createActiveUsers(specs) {
  const users = [];
  for (const spec of specs) {
    initSdk(undefined);
    const session = await ConnectyCube.createSession({ login: spec.login, password: 'supersecurepwd' });
    const { user } = await ConnectyCube.users.update(spec.profile ?? {});
    assert.equal(user.id, session.user_id);
    users.push(user);
  }
  initSdk(undefined);
  return users;
}

test('users.getV2: id in list with limit and offset', T, async () => {
  const users = await createActiveUsers([{ login: 'alpha1' }, { login: 'bravo2' }, { login: 'charlie3' }]);
  await ConnectyCube.createSession({ login: 'alpha1', password: 'supersecurepwd' });
  const ids = users.map((u) => u.id);

  const all = await ConnectyCube.users.getV2({ id: { in: ids } });
  assert.equal(all.total_entries, 3);
  assert.deepEqual(all.items.map((u) => u.id).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
  assert.ok(all.items.every((u) => typeof u.login === 'string' && !('user' in u)), 'v2 items are not wrapped');

  const page1 = await ConnectyCube.users.getV2({ limit: 2, offset: 0, id: { in: ids } });
  assert.equal(page1.limit, 2);
  assert.equal(page1.skip, 0);
  assert.equal(page1.total_entries, 3);
  assert.equal(page1.items.length, 2);

  const page2 = await ConnectyCube.users.getV2({ limit: 2, offset: 2, id: { in: ids } });
  assert.equal(page2.skip, 2);
  assert.equal(page2.items.length, 1);
  const seen = [...page1.items, ...page2.items].map((u) => u.id).sort((a, b) => a - b);
  assert.deepEqual(seen, [...ids].sort((a, b) => a - b));
});

test('users.getV2: by login', T, async () => {
  await createActiveUsers([{ login: 'adminFirstUser' }, { login: 'someoneElse' }]);
  await ConnectyCube.createSession();
  const result = await ConnectyCube.users.getV2({ login: 'adminFirstUser' });
  assert.equal(result.total_entries, 1);
  assert.equal(result.items[0].login, 'adminFirstUser');
});

test('users.getV2: last_request_at {gt: Date} with a primary field; a date alone is refused (422)', T, async () => {
  const users = await createActiveUsers([{ login: 'alpha1' }, { login: 'bravo2' }]);
  await ConnectyCube.createSession({ login: 'alpha1', password: 'supersecurepwd' });
  const ids = users.map((u) => u.id);

  // As in the guide: a JS Date (the SDK sends String(date)).
  const since = await ConnectyCube.users.getV2({ id: { in: ids }, last_request_at: { gt: new Date(2017, 10, 10) } });
  assert.equal(since.total_entries, 2);

  const future = new Date(Date.now() + 400 * 24 * 3600 * 1000);
  const none = await ConnectyCube.users.getV2({ id: { in: ids }, last_request_at: { gt: future } });
  assert.equal(none.total_entries, 0);
  assert.deepEqual(none.items, []);

  await rejection(ConnectyCube.users.getV2({ last_request_at: { gt: new Date(2017, 10, 10) } }), 422);
});

test('users.getV2: full_name start_with', T, async () => {
  await createActiveUsers([
    { login: 'diver1', profile: { full_name: 'Diver Dan' } },
    { login: 'diver2', profile: { full_name: 'Diverse Team' } },
    { login: 'other3', profile: { full_name: 'Someone Else' } },
  ]);
  await ConnectyCube.createSession();
  const result = await ConnectyCube.users.getV2({ full_name: { start_with: 'Dive' } });
  assert.deepEqual(result.items.map((u) => u.full_name).sort(), ['Diver Dan', 'Diverse Team']);
});

test('users.get (deprecated): by id, login, email, full_name, phone, external id, tags, filter', T, async () => {
  await ConnectyCube.createSession();
  const { user: marvin } = await ConnectyCube.users.signup({
    ...DOCS_PROFILE,
    full_name: 'Marvin Samuel',
    phone: '44678162873',
    external_user_id: 675373912,
    tag_list: ['apple', 'iphone'],
  });
  const { user: other } = await ConnectyCube.users.signup({
    login: 'otheruser',
    password: 'supersecurepwd',
    email: 'other@example.com',
    tag_list: ['android'],
  });

  const byId = await ConnectyCube.users.get(marvin.id);
  assert.equal(byId.user.id, marvin.id);
  assert.equal(byId.user.login, 'marvin18');

  const byLogin = await ConnectyCube.users.get({ login: 'marvin18' });
  assert.equal(byLogin.user.id, marvin.id);

  const byEmail = await ConnectyCube.users.get({ email: 'awesomeman@gmail.com' });
  assert.equal(byEmail.user.id, marvin.id);

  const byFullName = await ConnectyCube.users.get({ full_name: 'Marvin Samuel' });
  assert.ok(Array.isArray(byFullName.items), JSON.stringify(byFullName));
  assert.deepEqual(byFullName.items.map((i) => i.user.id), [marvin.id]);

  const byPhone = await ConnectyCube.users.get({ phone: '44678162873' });
  const phoneUsers = byPhone.user ? [byPhone.user] : (byPhone.items ?? []).map((i) => i.user ?? i);
  assert.deepEqual(phoneUsers.map((u) => u.id), [marvin.id], JSON.stringify(byPhone));

  // The SDK route for an external id: {external: id} → GET /users/external/{id}.
  const byExternal = await ConnectyCube.users.get({ external: 675373912 });
  assert.equal(byExternal.user.id, marvin.id);

  // The guide's {external_user_id} has no special route in the SDK: it becomes
  // GET /users.json?external_user_id=..., a v1 list call. Whatever the server does with the
  // parameter, the answer is a v1 list that contains the user.
  const byExternalUserId = await ConnectyCube.users.get({ external_user_id: '675373912' });
  assert.ok(Array.isArray(byExternalUserId.items), JSON.stringify(byExternalUserId));
  assert.ok(byExternalUserId.items.some((i) => i.user.id === marvin.id));

  const byTags = await ConnectyCube.users.get({ tags: ['apple'] });
  assert.deepEqual(byTags.items.map((i) => i.user.id), [marvin.id]);
  const byTwoTags = await ConnectyCube.users.get({ tags: ['apple', 'android'] });
  assert.deepEqual(byTwoTags.items.map((i) => i.user.id).sort((a, b) => a - b), [marvin.id, other.id].sort((a, b) => a - b));

  const filtered = await ConnectyCube.users.get({
    page: 1,
    per_page: 5,
    filter: { field: 'id', param: 'in', value: [marvin.id, other.id] },
  });
  assert.equal(filtered.current_page, 1);
  assert.equal(filtered.per_page, 5);
  assert.equal(filtered.total_entries, 2);
  assert.deepEqual(filtered.items.map((i) => i.user.id).sort((a, b) => a - b), [marvin.id, other.id].sort((a, b) => a - b));

  const missing = await rejection(ConnectyCube.users.get({ login: 'nobody-here' }), 404);
  assert.ok(errorMessages(missing).length > 0);
});

// ---------------------------------------------------------------------------------------------
// Session expiry and deletion

test('expired session: on.sessionExpired recreates the session and the call is retried', T, async () => {
  const creds = { login: 'expiring', password: 'supersecurepwd' };
  let hookCalls = 0;
  initSdk((handleResponse, retry) => {
    hookCalls += 1;
    ConnectyCube.createSession(creds).then(retry).catch(handleResponse);
  });
  const first = await ConnectyCube.createSession(creds);

  await control('POST', 'clock', { advance_secs: 2 * 3600 + 1 });

  const result = await ConnectyCube.users.getV2({ login: 'expiring' });
  assert.equal(hookCalls, 1);
  assert.equal(result.total_entries, 1);
  assert.equal(result.items[0].id, first.user_id);

  const renewed = ConnectyCube.service.getSession();
  assert.notEqual(renewed.token, first.token);

  const stats = await control('GET', 'stats');
  assert.equal(stats.requests['POST /session'], 2, JSON.stringify(stats));
  assert.equal(stats.requests['GET /users/v2'], 2, JSON.stringify(stats));
});

test('expired session without the hook rejects with 401 "Required session does not exist"', T, async () => {
  await ConnectyCube.createSession({ login: 'expiring', password: 'supersecurepwd' });
  await control('POST', 'clock', { advance_secs: 2 * 3600 + 1 });
  const error = await rejection(ConnectyCube.users.getV2({ login: 'expiring' }), 401);
  assert.deepEqual(error.info, { errors: { base: ['Required session does not exist'] } });
});

test('users.delete removes the user; looking it up gives 404', T, async () => {
  const session = await ConnectyCube.createSession({ login: 'shortlived', password: 'supersecurepwd' });
  await ConnectyCube.users.delete();

  initSdk(undefined);
  await ConnectyCube.createSession();
  const error = await rejection(ConnectyCube.users.get(session.user_id), 404);
  assert.ok(errorMessages(error).length > 0);

  const search = await ConnectyCube.users.getV2({ id: { in: [session.user_id] } });
  assert.equal(search.total_entries, 0);
});
