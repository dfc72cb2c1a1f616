"""Session persistence, restore after expiry, single-flight renewal, cancellation."""

import asyncio
import socket
import time
import unittest

import connectycube as cc
from support import APP_ID, AUTH_KEY, CountingRestore, EmulatorTestCase, MemoryPersistence, emulator, request_count

TWO_HOURS_AND_A_SECOND = 2 * 3600 + 1


class PersistenceTests(EmulatorTestCase):
    async def test_session_is_saved_and_loaded_by_the_next_init(self):
        first = MemoryPersistence()
        self.cube.set_session_persistence(first)
        self.init()
        self.assertEqual(first.loads, 1, "doInit loads the saved session")

        await self.sign_up("persistent")
        session = await self.user_session("persistent")
        self.assertTrue(first.saved, "save was not called")
        saved = first.saved[-1]
        self.assertEqual(saved.token, session.token)
        self.assertEqual(saved.user_id, session.user_id)
        self.assertIsNotNone(saved.token_expiration_date)
        self.assertIsNone(saved.user, "only the token, its expiry and the user id are persisted")

        # an app restart: a new persistence instance holding what was saved
        second = MemoryPersistence(stored=saved)
        self.cube.set_session_persistence(second)
        self.init()
        self.assertEqual(second.loads, 1)
        self.assertTrue(self.sessions.is_active_session_valid())
        self.assertEqual(self.sessions.get_token(), session.token)
        self.assertEqual((await self.cube.get_session()).user_id, session.user_id)
        self.assertEqual(request_count("POST /session"), 1, "the loaded session was used, not a new one")

        await self.cube.destroy_session()
        self.assertGreaterEqual(second.clears, 1, "clear is called when the session ends")
        self.assertIsNone(second.stored)

    async def test_nothing_saved_starts_without_a_session(self):
        persistence = MemoryPersistence()
        self.cube.set_session_persistence(persistence)
        self.init()
        self.assertFalse(self.sessions.is_active_session_valid())
        self.assertIsNone(self.sessions.get_token())


class RestoreTests(EmulatorTestCase):
    async def test_restore_handler_renews_an_expired_session(self):
        user = await self.sign_up("restored")
        restore = CountingRestore("restored")
        self.cube.set_session_restore_handler(restore)
        self.init()
        old = await self.user_session("restored")

        emulator("POST", "clock", {"advance_secs": TWO_HOURS_AND_A_SECOND})
        me = await self.cube.get_user_by_id(user.id)
        self.assertEqual(me.login, "restored")
        self.assertEqual(restore.calls, 1)
        self.assertNotEqual(self.sessions.get_token(), old.token)
        self.assertEqual(self.sessions.active_session().user_id, user.id)
        self.assertEqual(request_count("POST /session"), 2)

    async def test_by_default_a_password_session_renews_itself(self):
        # The docs' promise, with nothing to opt into: the sign-in is kept in memory.
        user = await self.sign_up("retained")
        self.init()
        await self.user_session("retained")
        emulator("POST", "clock", {"advance_secs": TWO_HOURS_AND_A_SECOND})
        self.assertEqual((await self.cube.get_user_by_id(user.id)).id, user.id)
        self.assertEqual(request_count("POST /session"), 2)
        self.assertEqual(self.sessions.active_session().user_id, user.id)

    async def test_without_a_handler_or_a_kept_sign_in_the_expired_session_is_an_error(self):
        user = await self.sign_up("expired")
        self.init(retain_credentials=False)
        await self.user_session("expired")
        emulator("POST", "clock", {"advance_secs": TWO_HOURS_AND_A_SECOND})
        with self.assertRaises(cc.ConnectycubeError.SessionExpired):
            await self.cube.get_user_by_id(user.id)

    async def test_a_handler_that_gives_up(self):
        class GiveUp(cc.SessionRestoreHandler):
            def restore(self):
                return None

        user = await self.sign_up("abandoned")
        self.cube.set_session_restore_handler(GiveUp())
        self.init()
        await self.user_session("abandoned")
        emulator("POST", "clock", {"advance_secs": TWO_HOURS_AND_A_SECOND})
        with self.assertRaises(cc.ConnectycubeError.SessionExpired):
            await self.cube.get_user_by_id(user.id)

    async def test_twenty_concurrent_calls_renew_once(self):
        user = await self.sign_up("crowded")
        restore = CountingRestore("crowded")
        self.cube.set_session_restore_handler(restore)
        self.init()
        await self.user_session("crowded")
        self.assertEqual(request_count("POST /session"), 1)

        emulator("POST", "clock", {"advance_secs": TWO_HOURS_AND_A_SECOND})
        users = await asyncio.gather(*(self.cube.get_user_by_id(user.id) for _ in range(20)))
        self.assertEqual([u.id for u in users], [user.id] * 20)
        self.assertEqual(request_count("POST /session"), 2, "exactly one renewal for 20 waiting calls")
        self.assertEqual(restore.calls, 1)


class CancellationTests(EmulatorTestCase):
    async def test_wait_for_cancels_a_slow_request_promptly(self):
        user = await self.sign_up("patient")
        await self.user_session("patient")
        emulator("POST", "faults", {"path_prefix": "/users", "delay_ms": 3000})

        started = time.monotonic()
        with self.assertRaises(asyncio.TimeoutError):
            await asyncio.wait_for(self.cube.get_user_by_id(user.id), timeout=0.3)
        self.assertLess(time.monotonic() - started, 1.5, "the cancellation was not prompt")

        # the fault is spent and the SDK still works
        started = time.monotonic()
        self.assertEqual((await self.cube.get_user_by_id(user.id)).login, "patient")
        self.assertLess(time.monotonic() - started, 1.5)

    async def test_cancelling_a_task(self):
        user = await self.sign_up("cancelled")
        await self.user_session("cancelled")
        emulator("POST", "faults", {"path_prefix": "/users", "delay_ms": 3000})

        task = asyncio.ensure_future(self.cube.get_user_by_id(user.id))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertLess(time.monotonic() - started, 0.5)

    async def test_cancelling_a_task_closes_its_connection(self):
        # A server that reads the request and never answers: only the client can close.
        loop = asyncio.get_running_loop()
        with socket.create_server(("127.0.0.1", 0)) as listener:
            listener.setblocking(False)
            port = listener.getsockname()[1]
            self.cube.do_init(APP_ID, AUTH_KEY, cc.ConnectycubeConfig(api_endpoint=f"http://127.0.0.1:{port}"))
            task = asyncio.ensure_future(self.cube.create_session())
            connection, _ = await asyncio.wait_for(loop.sock_accept(listener), 5)
            with connection:
                request = await asyncio.wait_for(loop.sock_recv(connection, 4096), 5)
                self.assertTrue(request.startswith(b"POST /session"), request[:40])

                started = time.monotonic()
                task.cancel()

                async def until_closed() -> None:
                    try:
                        while await loop.sock_recv(connection, 4096):
                            pass
                    except ConnectionResetError:
                        pass

                try:
                    await asyncio.wait_for(until_closed(), 2)
                except asyncio.TimeoutError:
                    self.fail("the connection stayed open after the task was cancelled")
                self.assertLess(time.monotonic() - started, 0.5, "the connection closed, but not promptly")
                await asyncio.wait([task], timeout=2)
                self.assertTrue(task.cancelled(), f"the call did not end cancelled: {task}")

        # The same shared client, pointed back at the emulator, still works.
        self.init()
        session = await self.cube.create_session()
        self.assertTrue(session.token)


if __name__ == "__main__":
    unittest.main()
