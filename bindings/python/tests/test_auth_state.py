"""Who is signed in: ``async for state in cube.auth_states()`` and listeners, through a
session's whole life, against the emulator."""

import asyncio
import threading
import unittest

import connectycube as cc
from support import PASSWORD, EmulatorTestCase, emulator

K = cc.AuthStateKind
R = cc.AuthChangeReason
TWO_HOURS_AND_A_SECOND = 2 * 3600 + 1


def seen(state: cc.AuthState):
    return (state.kind, state.user_id, state.reason)


async def take(states: cc.AuthStates, count: int):
    return [seen(await asyncio.wait_for(states.__anext__(), timeout=10)) for _ in range(count)]


class AuthStateTests(EmulatorTestCase):
    async def test_a_session_life_is_one_sequence_of_states(self):
        user = await self.sign_up("marvin18")
        me = user.id
        async with self.cube.auth_states() as states:
            await self.user_session("marvin18")
            emulator("POST", "clock", {"advance_secs": TWO_HOURS_AND_A_SECOND})
            await self.cube.get_user_by_id(me)
            await self.cube.update_user(cc.ConnectycubeUser(password="brand-new-pass", old_password=PASSWORD))
            await self.cube.sign_out()
            await self.cube.destroy_session()
            self.assertEqual(
                await take(states, 7),
                [
                    (K.NO_SESSION, None, R.INITIAL),
                    (K.SIGNED_IN, me, R.SIGNED_IN),
                    (K.NO_SESSION, None, R.EXPIRED),
                    (K.SIGNED_IN, me, R.RENEWED),
                    (K.SIGNED_IN, me, R.PASSWORD_CHANGED),
                    (K.APP_SESSION, None, R.SIGNED_OUT),
                    (K.NO_SESSION, None, R.DESTROYED),
                ],
            )
        # A fresh iterator hears the current state first.
        async with self.cube.auth_states() as fresh:
            self.assertEqual(await take(fresh, 1), [(K.NO_SESSION, None, R.INITIAL)])
        self.assertEqual(self.cube.auth_state().kind, K.NO_SESSION)

    async def test_closing_stops_the_listener_and_a_throwing_listener_keeps_listening(self):
        class Throws(cc.AuthStateListener):
            def __init__(self):
                self.heard = []
                self.lock = threading.Lock()

            def on_auth_state_changed(self, state):
                with self.lock:
                    self.heard.append(seen(state))
                raise ValueError("the app's listener failed")

        throws = Throws()
        subscription = self.cube.add_auth_state_listener(throws)
        states = self.cube.auth_states()
        self.assertEqual(await take(states, 1), [(K.NO_SESSION, None, R.INITIAL)])
        await states.aclose()
        with self.assertRaises(StopAsyncIteration):
            await states.__anext__()
        session = await self.cube.create_session()
        self.assertIsNotNone(session.token)
        for _ in range(200):
            if len(throws.heard) == 2:
                break
            await asyncio.sleep(0.01)
        self.assertEqual(throws.heard, [(K.NO_SESSION, None, R.INITIAL), (K.APP_SESSION, None, R.CREATED)])
        subscription.cancel()
        self.assertTrue(self.sessions.is_active_session_valid(), "the SDK works on after the listener threw")


if __name__ == "__main__":
    unittest.main()
