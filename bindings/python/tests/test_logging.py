"""The SDK's log in Python: ``ConnectycubeSettings().is_debug_enabled`` sends a full flow's
lines to the ``logging`` logger ``connectycube`` with no secret (canary passwords, the auth key
and secret, every session token); switched off, nothing; an app logger at INFO hears the
session's life only."""

import asyncio
import logging
import os
import subprocess
import sys
import threading
from typing import List, Tuple

import connectycube as cc
from support import APP_ID, AUTH_KEY, EmulatorTestCase, api_endpoint, emulator

CANARY = "CANARY"
CANARY_PASSWORD = "CANARY-PASSWORD-6d02"
CANARY_NEW_PASSWORD = "CANARY-PASSWORD-NEW-a915"
#: The emulator's default auth secret: the flows' sessions are signed with it.
AUTH_SECRET = "SECRETsecret123"


class Records(logging.Handler):
    """Keeps what reaches the ``connectycube`` logger, as ``LEVEL message`` lines."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self._lock = threading.Lock()
        self._lines: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            self._lines.append(f"{record.levelname} {record.getMessage()}")

    def lines(self) -> List[str]:
        with self._lock:
            return list(self._lines)


class LoggingTests(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.settings = cc.ConnectycubeSettings()
        self.records = Records()
        self.logger = logging.getLogger("connectycube")
        self.logger.addHandler(self.records)

    def tearDown(self) -> None:
        self.settings.is_debug_enabled = False
        self.settings.log_level = cc.ConnectycubeLogLevel.DEBUG
        self.settings.set_logger(None)
        self.logger.removeHandler(self.records)
        self.logger.setLevel(logging.NOTSET)
        super().tearDown()

    async def flow(self) -> List[str]:
        """Sign up, sign in (signed session, sign-in kept), expire and renew, change the
        password, sign out, destroy. Returns every secret used or seen."""
        me = await self.sign_up(f"logged{id(self)}", password=CANARY_PASSWORD)
        self.cube.do_init_with_secret(
            APP_ID, AUTH_KEY, AUTH_SECRET, cc.ConnectycubeConfig(api_endpoint=self.url, retain_credentials=True)
        )
        secrets = [AUTH_KEY, AUTH_SECRET, CANARY_PASSWORD, CANARY_NEW_PASSWORD]
        session = await self.user_session(me.login, CANARY_PASSWORD)
        secrets.append(session.token)
        emulator("POST", "clock", {"advance_secs": 7201})
        self.assertEqual((await self.cube.get_user_by_id(me.id)).id, me.id)
        secrets.append(self.sessions.get_token())
        await self.cube.update_user(cc.ConnectycubeUser(password=CANARY_NEW_PASSWORD, old_password=CANARY_PASSWORD))
        await self.cube.sign_out()
        secrets.append(self.sessions.get_token())
        await self.cube.destroy_session()
        return [s for s in secrets if s]

    async def wait_for(self, lines, part: str) -> List[str]:
        for _ in range(1000):
            if any(part in line for line in lines()):
                return lines()
            await asyncio.sleep(0.01)
        self.fail(f"no line with {part!r} in {lines()}")

    def assert_no_secret(self, lines: List[str], secrets: List[str]) -> None:
        for line in lines:
            self.assertNotIn(CANARY, line)
            for secret in secrets:
                self.assertNotIn(secret, line)

    async def test_debug_on_at_trace_a_full_flow_reaches_logging_without_a_secret(self) -> None:
        self.settings.log_level = cc.ConnectycubeLogLevel.TRACE
        self.settings.is_debug_enabled = True
        self.assertTrue(self.settings.is_debug_enabled)
        self.assertEqual(self.logger.level, cc.logs.TRACE, "the logger opened to TRACE")
        secrets = await self.flow()
        lines = await self.wait_for(self.records.lines, "reason=Destroyed")
        self.assert_no_secret(lines, secrets)
        for expected in [
            ("INFO connectycube::session::auth_state: session state changed", "kind=SignedIn", "reason=SignedIn"),
            ("INFO", "kind=NoSession", "reason=Expired"),
            ("INFO", "kind=SignedIn", "reason=Renewed"),
            ("INFO", "reason=PasswordChanged"),
            ("INFO", "kind=AppSession", "reason=SignedOut"),
            ("DEBUG connectycube::client: sending", "method=GET", "/users/"),
            ("DEBUG connectycube::client: answered", "status=200"),
        ]:
            self.assertTrue(any(all(p in line for p in expected) for line in lines), f"{expected} in {lines}")
        for line in lines:
            self.assertTrue(line.split(" ", 1)[1].startswith("connectycube"), line)

    async def test_debug_off_logs_nothing(self) -> None:
        self.settings.log_level = cc.ConnectycubeLogLevel.TRACE
        self.settings.is_debug_enabled = False
        await self.flow()
        # Lines reach the logger in order: once this call's arrive, any the flow had queued
        # would have arrived first.
        self.settings.is_debug_enabled = True
        await self.cube.create_session()
        lines = await self.wait_for(self.records.lines, "reason=Created")
        self.assertIn("sending method=POST", lines[0])
        self.assertTrue(lines[0].endswith("/session attempt=1"), lines)
        self.assertFalse(any("/users" in line or "SignedIn" in line for line in lines), lines)

    async def test_an_app_logger_at_info_hears_the_session_life_only(self) -> None:
        heard: List[Tuple[cc.ConnectycubeLogLevel, str, str]] = []
        lock = threading.Lock()

        class AppLogger(cc.ConnectycubeLogger):
            def log(self, level: cc.ConnectycubeLogLevel, target: str, message: str) -> None:
                with lock:
                    heard.append((level, target, message))

        def lines() -> List[str]:
            with lock:
                return [f"{level.name} {target}: {message}" for level, target, message in heard]

        self.settings.set_logger(AppLogger())
        self.settings.log_level = cc.ConnectycubeLogLevel.INFO
        self.settings.is_debug_enabled = True
        secrets = await self.flow()
        got = await self.wait_for(lines, "reason=Destroyed")
        self.assert_no_secret(got, secrets)
        self.assertTrue(any("reason=Renewed" in line for line in got), got)
        levels = {cc.ConnectycubeLogLevel.ERROR, cc.ConnectycubeLogLevel.WARN, cc.ConnectycubeLogLevel.INFO}
        with lock:
            self.assertTrue(all(level in levels for level, _, _ in heard), got)
        self.assertEqual(self.records.lines(), [], "logging records while an app logger is set")

    async def test_a_function_logger_that_raises_loses_its_line_only(self) -> None:
        calls: List[str] = []

        def raising(level: cc.ConnectycubeLogLevel, target: str, message: str) -> None:
            calls.append(message)
            raise RuntimeError("the app's logger failed")

        self.settings.set_logger(raising)
        self.settings.is_debug_enabled = True
        await self.cube.create_session()
        await self.wait_for(lambda: list(calls), "reason=Created")
        await self.cube.destroy_session()
        await self.wait_for(lambda: list(calls), "reason=Destroyed")


EXIT_WHILE_LOGGING = """
import asyncio, sys, time
import connectycube as cc

class Slow(cc.ConnectycubeLogger):
    def log(self, level, target, message):
        time.sleep(0.005)

settings = cc.ConnectycubeSettings()
settings.set_logger(Slow())
settings.is_debug_enabled = True

async def main():
    cube = cc.ConnectyCube()
    cube.do_init(sys.argv[1], sys.argv[2], cc.ConnectycubeConfig(api_endpoint=sys.argv[3]))
    for _ in range(50):
        await cube.create_session()

asyncio.run(main())
print("done", flush=True)
"""


class ExitTests(EmulatorTestCase):
    def test_an_app_that_exits_while_lines_are_queued_for_a_python_logger_exits_cleanly(self) -> None:
        # Lines queue up behind a slow logger; at exit they are delivered before the
        # interpreter finalises (a native thread entering Python then would abort the process).
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(cc.__file__)))
        env = dict(os.environ, PYTHONPATH=package_root)
        done = subprocess.run(
            [sys.executable, "-c", EXIT_WHILE_LOGGING, APP_ID, AUTH_KEY, api_endpoint()],
            env=env, capture_output=True, text=True, timeout=60,
        )
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        self.assertIn("done", done.stdout)
