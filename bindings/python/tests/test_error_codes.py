"""What an app reads of an error — ``code()``, ``is_retryable``, ``needs_sign_in``, ``hint`` —
for answers of the emulator. Each code's row is decided and tested in Rust
(crates/connectycube/tests/error_codes.rs); this checks Python reads the same values, as
properties."""

import unittest

import connectycube as cc
from support import PASSWORD, EmulatorTestCase, emulator


class ErrorCodeTests(EmulatorTestCase):
    def assert_reads(self, error, code, retryable, needs_sign_in, hint_mentions):
        self.assertEqual(error.code(), code, repr(error))
        self.assertIs(error.is_retryable, retryable, f"{code}: is_retryable")
        self.assertIs(error.needs_sign_in, needs_sign_in, f"{code}: needs_sign_in")
        self.assertIsInstance(error.hint, str)
        self.assertIn(hint_mentions, error.hint, f"{code}: hint")

    async def test_need_user_wrong_password_taken_login_and_a_transient_failure(self):
        me = await self.sign_up("marvin18")
        await self.user_session("marvin18")
        # A session saved as the user's that the server holds as signed out.
        token = self.sessions.get_token()
        await self.cube.sign_out()
        self.sessions.save_active_session(cc.ConnectycubeSession(token=token, user_id=me.id))
        with self.assertRaises(cc.ConnectycubeError.Forbidden) as need_user:
            await self.cube.update_user(cc.ConnectycubeUser(full_name="Marvin"))
        self.assert_reads(need_user.exception, "user_session_required", False, True, "Sign a user in")

        with self.assertRaises(cc.ConnectycubeError.Response) as wrong:
            await self.user_session("marvin18", "wrong-password")
        self.assertEqual(wrong.exception.http_status_code, 401)
        self.assert_reads(wrong.exception, "invalid_credentials", False, True, "password")

        with self.assertRaises(cc.ConnectycubeError.Validation) as taken:
            await self.sign_up("marvin18")
        self.assertEqual(taken.exception.field_errors["login"], ["must be unique"])
        self.assert_reads(taken.exception, "login_taken", False, False, "another login")

        emulator("POST", "faults", {"path_prefix": "/users", "method": "GET", "status": 503, "times": 3})
        with self.assertRaises(cc.ConnectycubeError.Response) as unavailable:
            await self.cube.get_user_by_id(me.id)
        self.assertEqual(unavailable.exception.http_status_code, 503)
        self.assert_reads(unavailable.exception, "server_error", True, False, "Try again later")

    def test_every_variant_has_the_properties(self):
        for error in (
            cc.ConnectycubeError.Timeout(),
            cc.ConnectycubeError.NotInitialized(),
            cc.ConnectycubeError.Network("refused"),
            cc.ConnectycubeError.Forbidden(403, ["Forbidden. Need user."]),
        ):
            with self.subTest(error=repr(error)):
                self.assertIsInstance(error.is_retryable, bool)
                self.assertIsInstance(error.needs_sign_in, bool)
                self.assertTrue(error.hint)
        self.assertTrue(cc.ConnectycubeError.Timeout().is_retryable)
        self.assertTrue(cc.ConnectycubeError.Forbidden(403, ["Forbidden. Need user."]).needs_sign_in)
        self.assertIn("doInit", cc.ConnectycubeError.NotInitialized().hint)


if __name__ == "__main__":
    unittest.main()
