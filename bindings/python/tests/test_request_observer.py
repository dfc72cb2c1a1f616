"""The request observer as a Python callable, against the emulator: events carry the route
template, status or error code, attempts and the renewal flag, and add up to what the
emulator counted per route; one that raises is logged and hears every event; None removes it."""

import asyncio
import threading
import time
from collections import Counter

import connectycube as cc
from support import PASSWORD, EmulatorTestCase, emulator


class Heard:
    """Events from the SDK's thread, for a test to wait on."""

    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def __call__(self, event):
        with self.lock:
            self.events.append(event)

    async def wait_for(self, count):
        deadline = time.monotonic() + 10
        while len(self.events) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        with self.lock:
            return list(self.events)


def step(event):
    return (f"{event.method} {event.route}", event.http_status, event.error_code, event.attempts, event.session_renewed)


class RequestObserverTests(EmulatorTestCase):
    def tearDown(self) -> None:
        self.cube.set_request_observer(None)
        super().tearDown()

    async def test_events_match_the_emulator_counts(self):
        heard = Heard()
        self.cube.set_request_observer(heard)
        me = (await self.sign_up("observed_login")).id
        await self.user_session("observed_login")
        await self.cube.get_user_by_id(me)
        with self.assertRaises(cc.ConnectycubeError) as missing:
            await self.cube.get_user_by_id(me + 1000)
        self.assertEqual(missing.exception.code(), "not_found")
        await self.cube.sign_out()

        events = await heard.wait_for(5)
        self.assertEqual(
            [step(e) for e in events],
            [
                ("POST /users", 201, None, 1, False),
                ("POST /session", 201, None, 1, False),
                ("GET /users/{id}", 200, None, 1, False),
                ("GET /users/{id}", 404, "not_found", 1, False),
                ("DELETE /login", 200, None, 1, False),
            ],
        )
        attempts = Counter()
        for event in events:
            attempts[f"{event.method} {event.route}"] += event.attempts
        self.assertEqual(dict(attempts), emulator("GET", "stats")["requests"])
        for event in events:
            self.assertNotIn("observed_login", repr(event))
            self.assertNotIn(PASSWORD, repr(event))

    async def test_a_raising_observer_is_logged_and_none_removes_it(self):
        heard = Heard()

        def raises(event):
            heard(event)
            raise ValueError("analytics bug with app data")

        self.cube.set_request_observer(raises)
        with self.assertLogs("connectycube", level="WARNING") as logs:
            await self.cube.create_session(None)
            await self.cube.get_session()
            self.assertEqual([e.route for e in await heard.wait_for(2)], ["/session", "/session"])
            # The warning follows the call that raised, on the SDK's thread.
            deadline = time.monotonic() + 10
            while len(logs.output) < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        self.assertEqual(logs.output, ["WARNING:connectycube:a request observer raised ValueError"] * 2)
        self.cube.set_request_observer(None)
        await self.cube.get_session()
        await asyncio.sleep(0.15)
        self.assertEqual(len(heard.events), 2)
