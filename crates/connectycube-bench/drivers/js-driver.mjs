// `cargo xtask bench` driver for the official ConnectyCube JS SDK (npm `connectycube` 6.x, node build).
//
// The driver protocol (every driver, whatever its language, follows it; see crates/connectycube-bench/src/bin/bench-sdk/main.rs):
//
//   <driver> --url URL --token T --user-id N --scenario get|session|signup
//            --mode sequential|throughput --concurrency C
//            [--requests N] [--warmup-requests N]     (sequential: one in flight, N measured after the warm-up)
//            [--seconds S] [--warmup S]               (throughput: C in flight for S seconds after W of warm-up)
//            [--login-prefix P]                       (signup: logins are P + a counter, unique per run)
//
// and prints exactly one JSON line on stdout:
//
//   {"client":"js","scenario":"get","mode":"throughput","concurrency":64,"requests":N,"errors":0,
//    "seconds":S,"rps":X,"p50_us":..,"p99_us":..,"first_error":null}
//
// `requests` counts successful calls completed in the measured part; latencies are of those calls.
// Anything else goes to stderr. The exit status is 0 whenever the line was printed.
//
// Needs CONNECTYCUBE_JS_SDK_DIR: a directory whose node_modules holds connectycube 6.x.

import { createRequire } from 'node:module';
import path from 'node:path';

import { parseFlags } from './args.mjs';

function parseArgs(argv) {
  const options = {
    scenario: 'get',
    mode: 'throughput',
    concurrency: 1,
    requests: 2000,
    warmupRequests: 200,
    seconds: 3,
    warmup: 1,
    loginPrefix: `js${process.pid}x`,
  };
  parseFlags(argv, options, new Set(['userId', 'concurrency', 'requests', 'warmupRequests', 'seconds', 'warmup']));
  if (!options.url) throw new Error('--url is required');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const SDK_DIR = process.env.CONNECTYCUBE_JS_SDK_DIR;
if (!SDK_DIR) throw new Error('set CONNECTYCUBE_JS_SDK_DIR (where node_modules/connectycube is)');
const requireFromSdk = createRequire(path.join(path.resolve(SDK_DIR), 'resolve-from-here.cjs'));
const sdkModule = requireFromSdk('connectycube');
const ConnectyCube = sdkModule.default ?? sdkModule;

ConnectyCube.init(
  { appId: 1, authKey: '29WfrNWdvkhmX6V' },
  { endpoints: { api_url: options.url.replace(/\/+$/, '') }, debug: { mode: 0 } },
);

let counter = 0;
const calls = {
  // v1 by id: GET /users/{id}.json with the user session's token.
  get: () => ConnectyCube.users.get(options.userId),
  // An application session: POST /session.
  session: () => ConnectyCube.createSession(),
  // Sign-up without a session: POST /users with CB-AuthKey.
  signup: () => {
    counter += 1;
    return ConnectyCube.users.signup({ login: `${options.loginPrefix}${counter}`, password: 'benchpass1' });
  },
};
const call = calls[options.scenario];
if (!call) throw new Error(`unknown scenario ${options.scenario}`);
if (options.scenario === 'get') {
  if (!options.token || !Number.isFinite(options.userId)) throw new Error('get needs --token and --user-id');
  ConnectyCube.setSession({ token: options.token, user_id: options.userId });
}

const tally = { latencies: [], errors: 0, firstError: null };

function describe(error) {
  if (error && typeof error === 'object') {
    return JSON.stringify({ code: error.code, info: error.info, message: error.message });
  }
  return String(error);
}

/** One call; its latency in µs is kept when `keep(endNs)` says it completed in the measured part. */
async function timed(keep) {
  const started = process.hrtime.bigint();
  try {
    await call();
  } catch (error) {
    tally.errors += 1;
    tally.firstError ??= describe(error);
    return;
  }
  const done = process.hrtime.bigint();
  if (keep(done)) tally.latencies.push(Number((done - started) / 1000n));
}

async function sequential() {
  for (let i = 0; i < options.warmupRequests; i += 1) await timed(() => false);
  const started = process.hrtime.bigint();
  for (let i = 0; i < options.requests; i += 1) await timed(() => true);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function throughput() {
  const now = process.hrtime.bigint();
  const measureFrom = now + BigInt(Math.round(options.warmup * 1e9));
  const end = measureFrom + BigInt(Math.round(options.seconds * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < end) {
      await timed((done) => done >= measureFrom && done < end);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return options.seconds;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

const seconds = options.mode === 'sequential' ? await sequential() : await throughput();
const sorted = Float64Array.from(tally.latencies).sort();
const requests = sorted.length;
process.stdout.write(
  `${JSON.stringify({
    client: 'js',
    scenario: options.scenario,
    mode: options.mode,
    concurrency: options.mode === 'sequential' ? 1 : options.concurrency,
    requests,
    errors: tally.errors,
    seconds,
    rps: seconds > 0 ? requests / seconds : 0,
    p50_us: percentile(sorted, 50),
    p99_us: percentile(sorted, 99),
    first_error: tally.firstError,
  })}\n`,
);
// node-fetch keeps sockets alive; leave without waiting for them to idle out.
process.exit(0);
