"""`cargo xtask footprint` driver for the mobile library itself: the FFI cdylib through our
Python binding (bindings/python over the uniffi-generated module), called with asyncio as an
app would. Cold start, threads, resident memory and idle wake-ups, read from /proc/self.

The protocol (arguments and the JSON lines printed) is described in crates/connectycube-bench/src/bin/bench-footprint/main.rs;
the Rust driver (crates/connectycube-bench/src/bin/footprint-driver.rs) is the reference.

    python3 footprint_driver.py --url URL --user-id N [--ca PEM_FILE] [--phase cold|full]
                                [--calls N] [--idle-seconds S] [--settle-seconds S] [--no-sdk]

Run by crates/connectycube-bench/src/bin/bench-footprint/main.rs with PYTHONPATH pointing at a copy of bindings/python whose
package directory holds the generated ``connectycube_ffi.py`` and the release library.
"""

import time

# First statement: where the interpreter's own start ends and the driver's work begins.
MAIN_US = time.time_ns() // 1000

import asyncio  # noqa: E402 - after the timestamp on purpose: the driver's own needs
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

APP_ID = "1"
AUTH_KEY = "29WfrNWdvkhmX6V"
NUMERIC = {"user_id", "calls"}
SECONDS = {"idle_seconds", "settle_seconds"}


def parse_args(argv):
    options = {"phase": "cold", "calls": 1000, "idle_seconds": 10.0, "settle_seconds": 1.0, "sdk": True, "ca": None}
    words = iter(argv)
    for flag in words:
        if flag == "--no-sdk":
            options["sdk"] = False
            continue
        if not flag.startswith("--"):
            raise SystemExit(f"unexpected argument {flag}")
        key = flag[2:].replace("-", "_")
        value = next(words, None)
        if value is None:
            raise SystemExit(f"{flag} needs a value")
        try:
            options[key] = int(value) if key in NUMERIC else float(value) if key in SECONDS else value
        except ValueError:
            raise SystemExit(f"{flag}: '{value}' is not a number") from None
    if options["sdk"] and ("url" not in options or "user_id" not in options):
        raise SystemExit("--url and --user-id are required")
    return options


def status_field(status, name):
    for line in status.splitlines():
        if line.startswith(name):
            return int(line[len(name):].split()[0])
    return None


def threads():
    """Every thread of this process with its context-switch counts."""
    out = []
    for entry in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{entry}/status") as f:
                status = f.read()
            with open(f"/proc/self/task/{entry}/comm") as f:
                name = f.read().rstrip("\n")
        except OSError:
            continue  # the thread exited between the listing and the read
        out.append({
            "tid": int(entry),
            "name": name,
            "voluntary": status_field(status, "voluntary_ctxt_switches:"),
            "nonvoluntary": status_field(status, "nonvoluntary_ctxt_switches:"),
        })
    return sorted(out, key=lambda t: t["tid"])


def snapshot(at):
    with open("/proc/self/status") as f:
        status = f.read()
    return {
        "at": at,
        "threads": len(threads()),
        "rss_kb": status_field(status, "VmRSS:"),
        "hwm_kb": status_field(status, "VmHWM:"),
        "anon_kb": status_field(status, "RssAnon:"),
        "file_kb": status_field(status, "RssFile:"),
        "sdk_code_kb": mapped_rss_kb("libconnectycube_ffi.so"),
    }


def mapped_rss_kb(suffix):
    """Resident KiB of the mappings of the file whose path ends with `suffix` (the library's
    code and data pages), from /proc/self/smaps."""
    total, in_mapping = 0, False
    with open("/proc/self/smaps") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0].endswith(":"):
                if in_mapping and words[0] == "Rss:":
                    total += int(words[1])
            else:
                # A mapping's first line: `start-end perms offset dev inode [path]`.
                in_mapping = line.rstrip("\n").endswith(suffix)
    return total


def switches_between(before, after):
    out = []
    after_by_tid = {t["tid"]: t for t in after}
    before_tids = {t["tid"] for t in before}
    for b in before:
        a = after_by_tid.get(b["tid"])
        if a is None:
            out.append({**b, "main": False, "state": "exited", "voluntary": 0, "nonvoluntary": 0})
        else:
            out.append({
                "tid": b["tid"],
                "name": b["name"],
                "main": b["tid"] == os.getpid(),
                "state": "alive",
                "voluntary": a["voluntary"] - b["voluntary"],
                "nonvoluntary": a["nonvoluntary"] - b["nonvoluntary"],
            })
    out.extend({**a, "main": False, "state": "started"} for a in after if a["tid"] not in before_tids)
    return out


def emit(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def main():
    options = parse_args(sys.argv[1:])
    full = options["phase"] == "full"
    points = [snapshot("before_init")] if full else []

    cube = None
    if options["sdk"]:
        import ctypes
        import importlib.util

        # The native library alone first (the generated module loads the same file, which the
        # dynamic loader then shares): what it adds apart from the Python modules over it.
        package_dir = importlib.util.find_spec("connectycube").submodule_search_locations[0]
        ctypes.CDLL(os.path.join(package_dir, "libconnectycube_ffi.so"))
        if full:
            points.append(snapshot("after_library_load"))
        import connectycube as cc

        roots = []
        if options["ca"]:
            # Read at init, as an app reads a bundled CA: part of what init costs.
            with open(options["ca"]) as f:
                roots.append(f.read())
        cube = cc.ConnectyCube()  # the one shared instance
        config = cc.ConnectycubeConfig(api_endpoint=options["url"].rstrip("/"), trusted_root_certificates=roots)
        cube.do_init(APP_ID, AUTH_KEY, config)
    init_us = time.time_ns() // 1000
    if full:
        points.append(snapshot("after_init"))

    async def measured():
        first_error = None
        if cube is not None:
            try:
                # The first authenticated call: an application session, then GET /users/{id}.
                await cube.create_session()
                await cube.get_user_by_id(options["user_id"])
            except Exception as error:  # noqa: BLE001 - reported, not raised
                first_error = f"{type(error).__name__}: {error}"
        emit({
            "event": "first_call",
            "main_unix_us": MAIN_US,
            "init_unix_us": init_us,
            "first_call_unix_us": time.time_ns() // 1000,
            "error": first_error,
        })
        if not full or first_error:
            return 1 if first_error else 0
        points.append(snapshot("after_first_call"))

        errors, call_error = 0, None
        calls = options["calls"] if cube is not None else 0
        for _ in range(calls):
            try:
                await cube.get_user_by_id(options["user_id"])
            except Exception as error:  # noqa: BLE001 - counted
                errors += 1
                call_error = call_error or f"{type(error).__name__}: {error}"
        points.append(snapshot("after_calls"))
        threads_after_calls = [t["name"] for t in threads()]

        settle_start = threads()
        await asyncio.sleep(options["settle_seconds"])
        idle_start = threads()
        await asyncio.sleep(options["idle_seconds"])
        idle_end = threads()
        points.append(snapshot("after_idle"))
        emit({
            "event": "footprint",
            "client": "python",
            "sdk": options["sdk"],
            "runtime": f"CPython {sys.version.split()[0]}, asyncio on the main thread; the FFI library's own runtime",
            "points": points,
            "calls": calls,
            "errors": errors,
            "first_error": call_error,
            "settle_seconds": options["settle_seconds"],
            "settle_threads": switches_between(settle_start, idle_start),
            "idle_seconds": options["idle_seconds"],
            "idle_threads": switches_between(idle_start, idle_end),
            "threads_after_calls": threads_after_calls,
        })
        return 0

    return asyncio.run(measured())


if __name__ == "__main__":
    sys.exit(main())
