// `cargo xtask footprint` driver for the official ConnectyCube JS SDK (npm `connectycube` 6.x,
// node build): cold start, threads, resident memory and idle wake-ups, read from /proc/self.
// The protocol (arguments and the JSON lines printed) is described in
// crates/connectycube-bench/src/bin/bench-footprint/main.rs; the Rust driver
// (crates/connectycube-bench/src/bin/footprint-driver.rs) is the reference.
//
//   node footprint-driver.mjs --url URL --user-id N [--phase cold|full] [--calls N]
//                             [--idle-seconds S] [--settle-seconds S] [--no-sdk]
//
// The emulator's CA comes from NODE_EXTRA_CA_CERTS (read by node at start, as the docs say to
// trust a private CA). Needs CONNECTYCUBE_JS_SDK_DIR: a directory whose node_modules holds
// connectycube 6.x.

// First statement: where node's own start ends and the driver's work begins (the imports
// above are hoisted, but only node built-ins are imported statically).
const mainUs = nowUs();

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

// Loaded after `mainUs`, like everything that is not a node built-in.
const { parseFlags } = await import('./args.mjs');

function parseArgs(argv) {
  const options = parseFlags(
    argv,
    { phase: 'cold', calls: 1000, idleSeconds: 10, settleSeconds: 1, sdk: true },
    new Set(['userId', 'calls', 'idleSeconds', 'settleSeconds']),
    { '--no-sdk': (o) => { o.sdk = false; } },
  );
  if (options.sdk && (!options.url || !Number.isFinite(options.userId))) {
    throw new Error('--url and --user-id are required');
  }
  return options;
}

function statusField(status, name) {
  const line = status.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(name.length).trim().split(/\s+/)[0]) : null;
}

/** Every thread of this process with its context-switch counts. */
function threads() {
  const out = [];
  for (const entry of fs.readdirSync('/proc/self/task')) {
    try {
      const status = fs.readFileSync(`/proc/self/task/${entry}/status`, 'utf8');
      out.push({
        tid: Number(entry),
        name: fs.readFileSync(`/proc/self/task/${entry}/comm`, 'utf8').trimEnd(),
        voluntary: statusField(status, 'voluntary_ctxt_switches:'),
        nonvoluntary: statusField(status, 'nonvoluntary_ctxt_switches:'),
      });
    } catch {
      // The thread exited between the listing and the read.
    }
  }
  return out.sort((a, b) => a.tid - b.tid);
}

function snapshot(at) {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return {
    at,
    threads: threads().length,
    rss_kb: statusField(status, 'VmRSS:'),
    hwm_kb: statusField(status, 'VmHWM:'),
    anon_kb: statusField(status, 'RssAnon:'),
    file_kb: statusField(status, 'RssFile:'),
  };
}

function switchesBetween(before, after) {
  const out = [];
  for (const b of before) {
    const a = after.find((t) => t.tid === b.tid);
    out.push(
      a
        ? {
            tid: b.tid,
            name: b.name,
            main: b.tid === process.pid,
            state: 'alive',
            voluntary: a.voluntary - b.voluntary,
            nonvoluntary: a.nonvoluntary - b.nonvoluntary,
          }
        : { tid: b.tid, name: b.name, main: false, state: 'exited', voluntary: 0, nonvoluntary: 0 },
    );
  }
  for (const a of after.filter((t) => !before.some((b) => b.tid === t.tid))) {
    out.push({ ...a, main: false, state: 'started' });
  }
  return out;
}

function emit(value) {
  fs.writeSync(1, `${JSON.stringify(value)}\n`);
}

function describe(error) {
  if (error && typeof error === 'object') {
    return JSON.stringify({ code: error.code, info: error.info, message: error.message });
  }
  return String(error);
}

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

const options = parseArgs(process.argv.slice(2));
const full = options.phase === 'full';
const points = [];
if (full) points.push(snapshot('before_init'));

let ConnectyCube = null;
if (options.sdk) {
  const sdkDir = process.env.CONNECTYCUBE_JS_SDK_DIR;
  if (!sdkDir) throw new Error('set CONNECTYCUBE_JS_SDK_DIR (where node_modules/connectycube is)');
  const requireFromSdk = createRequire(path.join(path.resolve(sdkDir), 'resolve-from-here.cjs'));
  const sdkModule = requireFromSdk('connectycube');
  ConnectyCube = sdkModule.default ?? sdkModule;
  ConnectyCube.init(
    { appId: 1, authKey: '29WfrNWdvkhmX6V' },
    { endpoints: { api_url: options.url.replace(/\/+$/, '') }, debug: { mode: 0 } },
  );
}
const initUs = nowUs();
if (full) points.push(snapshot('after_init'));

let firstError = null;
if (ConnectyCube) {
  try {
    // The first authenticated call: an application session, then GET /users/{id} with it.
    await ConnectyCube.createSession();
    await ConnectyCube.users.get(options.userId);
  } catch (error) {
    firstError = describe(error);
  }
}
const firstCallUs = nowUs();
emit({
  event: 'first_call',
  main_unix_us: mainUs,
  init_unix_us: initUs,
  first_call_unix_us: firstCallUs,
  error: firstError,
});
if (!full || firstError) process.exit(firstError ? 1 : 0);
points.push(snapshot('after_first_call'));

let errors = 0;
let firstCallError = null;
const calls = ConnectyCube ? options.calls : 0;
for (let i = 0; i < calls; i += 1) {
  try {
    await ConnectyCube.users.get(options.userId);
  } catch (error) {
    errors += 1;
    firstCallError ??= describe(error);
  }
}
points.push(snapshot('after_calls'));
const threadsAfterCalls = threads().map((t) => t.name);

const settleStart = threads();
await sleep(options.settleSeconds);
const idleStart = threads();
await sleep(options.idleSeconds);
const idleEnd = threads();
points.push(snapshot('after_idle'));

emit({
  event: 'footprint',
  client: 'js',
  sdk: options.sdk,
  runtime: `node ${process.version}: the SDK on node's event loop (main thread), fetch from node (undici)`,
  points,
  calls,
  errors,
  first_error: firstCallError,
  settle_seconds: options.settleSeconds,
  settle_threads: switchesBetween(settleStart, idleStart),
  idle_seconds: options.idleSeconds,
  idle_threads: switchesBetween(idleStart, idleEnd),
  threads_after_calls: threadsAfterCalls,
});
// Keep-alive sockets would hold the process open; nothing is left to measure.
process.exit(0);
