"""Sessions: application, user (login, email), guest, destroy, sign-in on an app session."""

import time
import unittest

import connectycube as cc
from support import PASSWORD, EmulatorTestCase


class SessionTests(EmulatorTestCase):
    async def test_application_session(self):
        session = await self.cube.create_session()
        self.assertTrue(session.token)
        self.assertGreater(session.id, 0)
        self.assertIsNone(session.user_id)
        self.assertIsNone(session.user)
        self.assertTrue(self.sessions.is_active_session_valid())
        self.assertEqual(self.sessions.get_token(), session.token)

        on_server = await self.cube.get_session()
        self.assertEqual(on_server.token, session.token)
        self.assertEqual(on_server.application_id, 1)

    async def test_user_session_with_login(self):
        user = await self.sign_up("hunter", email="hunter@example.com", full_name="Hunter")
        session = await self.user_session("hunter")
        self.assertEqual(session.user_id, user.id)
        self.assertIsNotNone(session.user)
        self.assertEqual(session.user.login, "hunter")
        self.assertEqual(self.sessions.active_session().user_id, user.id)

    async def test_user_session_with_email(self):
        user = await self.sign_up("mailer", email="mailer@example.com")
        session = await self.cube.create_session(cc.ConnectycubeUser(email="mailer@example.com", password=PASSWORD))
        self.assertEqual(session.user_id, user.id)
        self.assertEqual((await self.cube.get_session()).user_id, user.id)

    async def test_guest_session(self):
        session = await self.cube.create_session(cc.ConnectycubeUser(is_guest=True, full_name="Visitor"))
        self.assertIsNotNone(session.user_id)
        guest = await self.cube.get_user_by_id(session.user_id)
        self.assertTrue(guest.is_guest)
        self.assertEqual(guest.full_name, "Visitor")

    async def test_sign_in_and_out_on_an_application_session(self):
        await self.sign_up("upgrader")
        app = await self.cube.create_session()
        user = await self.cube.sign_in(cc.ConnectycubeUser(login="upgrader", password=PASSWORD))
        self.assertEqual(user.login, "upgrader")
        self.assertEqual((await self.cube.get_session()).user_id, user.id)
        self.assertEqual(self.sessions.get_token(), app.token, "sign-in keeps the token")
        await self.cube.sign_out()
        self.assertIsNone((await self.cube.get_session()).user_id)

    async def test_destroy_session(self):
        await self.sign_up("leaver")
        await self.user_session("leaver")
        self.assertTrue(self.sessions.is_active_session_valid())
        await self.cube.destroy_session()
        self.assertFalse(self.sessions.is_active_session_valid())
        self.assertIsNone(self.sessions.get_token())

    async def test_delete_other_sessions(self):
        await self.sign_up("multi")
        first = await self.user_session("multi")
        second = await self.user_session("multi")
        self.assertNotEqual(first.id, second.id)
        await self.cube.delete_sessions_except_current()
        self.assertEqual((await self.cube.get_session()).id, second.id)
        # The first token is gone on the server. As a user's session it cannot be renewed
        # without credentials (a bare token would be renewed as an application session).
        self.sessions.save_active_session(first)
        with self.assertRaises(cc.ConnectycubeError.SessionExpired):
            await self.cube.get_session()


class SessionManagerTests(EmulatorTestCase):
    async def test_token_and_expiration(self):
        self.assertFalse(self.sessions.is_active_session_valid())
        self.assertIsNone(self.sessions.get_token())
        self.assertIsNone(self.sessions.active_session())

        await self.sign_up("keeper")
        session = await self.user_session("keeper")
        self.assertTrue(self.sessions.is_active_session_valid())
        self.assertEqual(self.sessions.get_token(), session.token)
        expires = self.sessions.get_token_expiration_date()
        self.assertIsNotNone(expires)
        # sessions slide two hours on the emulator (its clock is real time after a reset)
        self.assertAlmostEqual(expires / 1000, time.time() + 2 * 3600, delta=300)
        self.assertEqual(session.token_expiration_date, expires)

    async def test_delete_and_inject_a_session(self):
        await self.sign_up("injector")
        session = await self.user_session("injector")
        self.sessions.delete_active_session()
        self.assertFalse(self.sessions.is_active_session_valid())
        self.assertIsNone(self.sessions.get_token())

        # a token obtained elsewhere (an app backend, storage)
        self.sessions.set_token(session.token)
        self.assertEqual(self.sessions.get_token(), session.token)
        self.assertEqual((await self.cube.get_session()).user_id, session.user_id)

        self.sessions.delete_active_session()
        self.sessions.save_active_session(session)
        self.assertTrue(self.sessions.is_active_session_valid())
        self.assertEqual(self.sessions.active_session().user_id, session.user_id)
        self.assertEqual(self.sessions.get_token_expiration_date(), session.token_expiration_date)
        self.assertEqual((await self.cube.get_session()).user_id, session.user_id)


if __name__ == "__main__":
    unittest.main()
