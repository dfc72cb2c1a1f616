"""What every binding test shares: the emulator's address and control API, a fresh SDK."""

import json
import os
import threading
import unittest
import urllib.request
from typing import Any, List, Optional

import connectycube as cc

APP_ID = "1"
AUTH_KEY = "29WfrNWdvkhmX6V"
PASSWORD = "password1"


def api_endpoint() -> str:
    url = os.environ.get("CONNECTYCUBE_API_ENDPOINT", "").rstrip("/")
    if not url:
        raise RuntimeError("set CONNECTYCUBE_API_ENDPOINT to an emulator's URL (cargo xtask emulator)")
    return url


def emulator(method: str, path: str, body: Optional[Any] = None) -> Any:
    """Calls the emulator's control API (`/__emulator/...`); returns the decoded JSON, if any."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        api_endpoint() + "/__emulator/" + path.lstrip("/"),
        data=data,
        method=method,
        headers={"Content-Type": "application/json"} if data is not None else {},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def http_get(url: str) -> bytes:
    """A plain GET, as an app would fetch a file URL."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def request_count(route: str) -> int:
    """How many requests the emulator served on `route` (e.g. `"POST /session"`)."""
    return int(emulator("GET", "stats")["requests"].get(route, 0))


class EmulatorTestCase(unittest.IsolatedAsyncioTestCase):
    """Resets the emulator, then initialises the shared `ConnectyCube` against it, with no
    persistence or restore handler left over from another test (it is a process singleton)."""

    def setUp(self) -> None:
        self.url = api_endpoint()
        emulator("POST", "reset")
        self.cube = cc.ConnectyCube()
        self.cube.set_session_persistence(None)
        self.cube.set_session_restore_handler(None)
        self.init()
        self.sessions = cc.ConnectycubeSessionManager()

    def tearDown(self) -> None:
        self.cube.set_session_persistence(None)
        self.cube.set_session_restore_handler(None)

    def init(self, **config: Any) -> None:
        """`do_init` against the emulator; `config` adds `ConnectycubeConfig` fields."""
        self.cube.do_init(APP_ID, AUTH_KEY, cc.ConnectycubeConfig(api_endpoint=self.url, **config))

    async def sign_up(self, login: str, **fields: Any) -> cc.ConnectycubeUser:
        """Signs a user up (with the app's auth key: no session needed)."""
        fields.setdefault("password", PASSWORD)
        return await self.cube.sign_up(cc.ConnectycubeUser(login=login, **fields))

    async def user_session(self, login: str, password: str = PASSWORD) -> cc.ConnectycubeSession:
        return await self.cube.create_session(cc.ConnectycubeUser(login=login, password=password))


class MemoryPersistence(cc.SessionPersistence):
    """A `SessionPersistence` in memory, recording what the SDK asks of it."""

    def __init__(self, stored: Optional[cc.ConnectycubeSession] = None) -> None:
        self.stored = stored
        self.saved: List[cc.ConnectycubeSession] = []
        self.loads = 0
        self.clears = 0
        self._lock = threading.Lock()

    def load(self) -> Optional[cc.ConnectycubeSession]:
        with self._lock:
            self.loads += 1
            return self.stored

    def save(self, session: cc.ConnectycubeSession) -> None:
        with self._lock:
            self.saved.append(session)
            self.stored = session

    def clear(self) -> None:
        with self._lock:
            self.clears += 1
            self.stored = None


class CountingRestore(cc.SessionRestoreHandler):
    """A `SessionRestoreHandler` that signs one user back in and counts its calls."""

    def __init__(self, login: str, password: str = PASSWORD) -> None:
        self.user = cc.ConnectycubeUser(login=login, password=password)
        self.calls = 0
        self._lock = threading.Lock()

    def restore(self) -> Optional[cc.ConnectycubeUser]:
        with self._lock:
            self.calls += 1
        return self.user


__all__ = [
    "APP_ID",
    "AUTH_KEY",
    "PASSWORD",
    "CountingRestore",
    "EmulatorTestCase",
    "MemoryPersistence",
    "api_endpoint",
    "emulator",
    "http_get",
    "request_count",
]
