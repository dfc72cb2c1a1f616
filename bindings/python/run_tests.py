"""Runs the binding tests (stdlib unittest) and prints `python: N passed, N failed`.

    CONNECTYCUBE_API_ENDPOINT=http://127.0.0.1:PORT python3 run_tests.py [-k PATTERN]

The TLS tests (`tests/test_tls.py`) also need an emulator serving HTTPS: its URL, CA file and
key pin in `CONNECTYCUBE_TLS_API_ENDPOINT`, `CONNECTYCUBE_TLS_CA_CERT`, `CONNECTYCUBE_TLS_PIN`.

The tests import the INSTALLED `connectycube` (`pip install ./bindings/python` in the
environment running this script; `cargo xtask test-bindings --lang python` does it in a
venv under target/), never the source folder beside this file. The summary line also
goes to the file named by `CONNECTYCUBE_TEST_SUMMARY`, if set. The exit status is 0 only
when at least one test ran and none failed.
"""

import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="patterns", action="append", help="only tests matching this substring")
    parser.add_argument("-q", "--quiet", action="store_true", help="one character per test")
    args = parser.parse_args()

    # Python puts this script's folder first on sys.path, where the source package (without
    # its generated module and native library) would shadow the installed one.
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE]
    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [f"*{p}*" for p in args.patterns]
    suite = loader.discover(start_dir=os.path.join(HERE, "tests"), top_level_dir=os.path.join(HERE, "tests"))
    result = unittest.TextTestRunner(verbosity=1 if args.quiet else 2).run(suite)

    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped) - len(result.expectedFailures)
    summary = f"python: {passed} passed, {failed} failed"
    print(summary, flush=True)
    summary_file = os.environ.get("CONNECTYCUBE_TEST_SUMMARY")
    if summary_file:
        with open(summary_file, "w", encoding="utf-8") as file:
            file.write(summary + "\n")
    return 0 if result.testsRun > 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
