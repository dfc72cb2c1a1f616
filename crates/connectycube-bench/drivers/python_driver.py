"""`cargo xtask bench` driver for our Python binding: the `connectycube` package (bindings/python)
over the uniffi-generated module and the release FFI library, called with asyncio as an app would.

The driver protocol is described at the top of crates/connectycube-bench/src/bin/bench-sdk/main.rs (drivers/js-driver.mjs is
the reference driver): arguments ``--url --token --user-id --scenario --mode --concurrency
--requests --warmup-requests --seconds --warmup --login-prefix``, one JSON record line on stdout,
anything else on stderr.

Run by xtask/src/bench_drivers.rs with PYTHONPATH pointing at a copy of bindings/python whose
package directory holds the generated ``connectycube_ffi.py`` and the release library.
"""

import asyncio
import json
import math
import os
import sys
import time

import connectycube as cc

APP_ID = "1"
AUTH_KEY = "29WfrNWdvkhmX6V"
PASSWORD = "benchpass1"
NUMERIC = {"user_id", "concurrency", "requests", "warmup_requests"}
SECONDS = {"seconds", "warmup"}


def parse_args(argv):
    options = {
        "mode": "sequential",
        "concurrency": 1,
        "requests": 2000,
        "warmup_requests": 200,
        "seconds": 3.0,
        "warmup": 1.0,
        "login_prefix": f"py{os.getpid()}x",
    }
    if len(argv) % 2:
        raise SystemExit(f"arguments come in pairs: {argv}")
    for flag, value in zip(argv[::2], argv[1::2]):
        if not flag.startswith("--"):
            raise SystemExit(f"unexpected argument {flag}")
        key = flag[2:].replace("-", "_")
        try:
            options[key] = int(value) if key in NUMERIC else float(value) if key in SECONDS else value
        except ValueError:
            raise SystemExit(f"{flag}: '{value}' is not a number") from None
    for required in ("url", "scenario"):
        if required not in options:
            raise SystemExit(f"--{required.replace('_', '-')} is required")
    return options


class Tally:
    def __init__(self):
        self.latencies = []
        self.errors = 0
        self.first_error = None

    def error(self, error):
        self.errors += 1
        if self.first_error is None:
            self.first_error = f"{type(error).__name__}: {error}"


def percentile(ordered, p):
    if not ordered:
        return 0
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


class DroppingLogger(cc.ConnectycubeLogger):
    """Hears every line and keeps none: what remains is the SDK's cost of logging (filter,
    format, queue, its thread, the call into Python)."""

    def __init__(self):
        self.lines = 0

    def log(self, level, target, message):
        self.lines += 1


def configure_log(options):
    """``--log off|debug|trace|debug-devnull`` (not part of the driver protocol; bench-sdk's
    logging cost passes it): the debug switch, at that level, with a logger that drops every
    line; ``debug-devnull``: at Debug with no Python logger, the SDK's own stderr writer, with
    this process's stderr sent to /dev/null (what logging costs when no line enters Python)."""
    mode = options.get("log", "off")
    settings = cc.ConnectycubeSettings()
    if mode == "off":
        settings.is_debug_enabled = False
        return None
    if mode == "debug-devnull":
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        # The generated setter: the package's own turns None into its `logging` default.
        cc.logs._native_set_logger(settings, None)
        settings.log_level = cc.ConnectycubeLogLevel.DEBUG
        settings.is_debug_enabled = True
        return None
    levels = {"debug": cc.ConnectycubeLogLevel.DEBUG, "trace": cc.ConnectycubeLogLevel.TRACE}
    if mode not in levels:
        raise SystemExit(f"--log: '{mode}' is not off, debug or trace")
    logger = DroppingLogger()
    settings.set_logger(logger)
    settings.log_level = levels[mode]
    settings.is_debug_enabled = True
    return logger


def make_call(options):
    cube = cc.ConnectyCube()  # the one shared instance
    cube.do_init(APP_ID, AUTH_KEY, cc.ConnectycubeConfig(api_endpoint=options["url"].rstrip("/")))
    scenario = options["scenario"]
    if scenario == "get":
        # An app restoring a stored user session: its token, no network call.
        cc.ConnectycubeSessionManager().set_token(options["token"])
        user_id = options["user_id"]
        return lambda _n: cube.get_user_by_id(user_id)
    if scenario == "session":
        return lambda _n: cube.create_session()
    if scenario == "signup":
        prefix = options["login_prefix"]
        return lambda n: cube.sign_up(cc.ConnectycubeUser(login=f"{prefix}{n}", password=PASSWORD))
    raise SystemExit(f"unknown scenario {scenario}")


async def sequential(call, options, tally):
    warmup = options["warmup_requests"]
    for n in range(warmup):
        try:
            await call(n)
        except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
            tally.error(error)
    started = time.perf_counter_ns()
    for n in range(warmup, warmup + options["requests"]):
        before = time.perf_counter_ns()
        try:
            await call(n)
        except Exception as error:  # noqa: BLE001
            tally.error(error)
            continue
        tally.latencies.append((time.perf_counter_ns() - before) // 1000)
    return (time.perf_counter_ns() - started) / 1e9


async def throughput(call, options, tally):
    concurrency = options["concurrency"]
    measure_from = time.perf_counter_ns() + int(options["warmup"] * 1e9)
    end = measure_from + int(options["seconds"] * 1e9)

    # Worker w signs up w, w + C, w + 2C…: unique logins without a shared counter.
    async def worker(n):
        while time.perf_counter_ns() < end:
            before = time.perf_counter_ns()
            try:
                await call(n)
            except Exception as error:  # noqa: BLE001
                tally.error(error)
            else:
                done = time.perf_counter_ns()
                if measure_from <= done < end:
                    tally.latencies.append((done - before) // 1000)
            n += concurrency

    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return options["seconds"]


async def main():
    options = parse_args(sys.argv[1:])
    call = make_call(options)
    logger = configure_log(options)
    tally = Tally()
    sequential_mode = options["mode"] == "sequential"
    if sequential_mode:
        seconds = await sequential(call, options, tally)
    else:
        seconds = await throughput(call, options, tally)
    ordered = sorted(tally.latencies)
    requests = len(ordered)
    record = {
        "client": "python",
        "scenario": options["scenario"],
        "mode": options["mode"],
        "concurrency": 1 if sequential_mode else options["concurrency"],
        "requests": requests,
        "errors": tally.errors,
        "seconds": seconds,
        "rps": requests / seconds if seconds > 0 else 0,
        "p50_us": percentile(ordered, 50),
        "p99_us": percentile(ordered, 99),
        "first_error": tally.first_error,
    }
    if logger is not None:
        # Lines the logger heard by now (the last few may still be on their way).
        record["log_lines"] = logger.lines
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
