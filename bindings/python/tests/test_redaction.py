"""Canary secrets (passwords, tokens, an endpoint's user:password@) show nowhere: not in
records' str/repr (the Rust form every language prints, field names as the official SDKs
spell them), not in the errors of calls that carried them (message, repr, args,
fields, formatted traceback)."""

import traceback
import unittest

import connectycube as cc
from support import EmulatorTestCase

CANARY = "CANARY-7f3a9c"
CANARY_PASSWORD = CANARY + "-password"
CANARY_TOKEN = CANARY + "-token"


def every_text(error: BaseException) -> str:
    """Everything an app could print or log about an error."""
    texts = [str(error), repr(error), repr(error.args), "".join(traceback.format_exception(error))]
    texts += [f"{name}={value!r}" for name, value in vars(error).items()]
    return "\n".join(texts)


class RecordRedactionTests(unittest.TestCase):
    def test_users_sessions_and_pages_never_print_secrets(self):
        user = cc.ConnectycubeUser(login="marvin18", password=CANARY_PASSWORD, old_password=CANARY_PASSWORD)
        session = cc.ConnectycubeSession(token=CANARY_TOKEN, user_id=7, user=user)
        page = cc.PagedUsersResult(page=0, per_page=10, total_entries=1, skip=0, limit=10, items=[user])
        for text in (str(user), repr(user), str(session), repr(session), f"{session}", f"{[user, session]}", repr(page)):
            self.assertNotIn(CANARY, text)
        # Still useful in a log: the other fields are there, the secrets marked.
        self.assertIn("marvin18", repr(user))
        self.assertIn("password=<redacted>", repr(user))
        self.assertIn("token=<redacted>", str(session))
        self.assertIn("userId=7", str(session))
        # The values themselves are untouched.
        self.assertEqual(user.password, CANARY_PASSWORD)
        self.assertEqual(session.token, CANARY_TOKEN)


class ConfigRedactionTests(unittest.TestCase):
    def test_configs_never_print_endpoint_userinfo_or_pem_text(self):
        pem = "-----BEGIN CERTIFICATE-----\nMII" + CANARY + "\n-----END CERTIFICATE-----\n"
        config = cc.ConnectycubeConfig(
            api_endpoint=f"https://user:{CANARY}@host",
            chat_endpoint=f"wss://user:{CANARY}@chat.host/ws?x=1",
            trusted_root_certificates=[pem, pem],
            certificate_pins=["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
        )
        for text in (str(config), repr(config), f"{[config]}"):
            self.assertNotIn(CANARY, text)
            self.assertNotIn("user:", text)
            self.assertNotIn("BEGIN CERTIFICATE", text)
        # Still useful in a log: the hosts, the number of roots, the other settings.
        self.assertIn("apiEndpoint=https://<redacted>@host,", repr(config))
        self.assertIn("chatEndpoint=wss://<redacted>@chat.host/ws?x=1,", repr(config))
        self.assertIn("trustedRootCertificates=2,", repr(config))
        self.assertIn("sha256/AAAA", repr(config))
        self.assertIn("maxResponseBytes=4194304", repr(config))
        # An endpoint without userinfo shows as it is, an `@` in its path included.
        plain = cc.ConnectycubeConfig(api_endpoint="https://h.example/a@b")
        self.assertIn("apiEndpoint=https://h.example/a@b,", repr(plain))
        self.assertIn("trustedRootCertificates=0,", repr(plain))
        # Only the text is redacted.
        self.assertEqual(config.api_endpoint, f"https://user:{CANARY}@host")
        self.assertEqual(config.trusted_root_certificates, [pem, pem])

    def test_do_init_refuses_a_canary_endpoint_without_echoing_it(self):
        cube = cc.ConnectyCube()
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument) as caught:
            cube.do_init("1", "key", cc.ConnectycubeConfig(api_endpoint=f"https://user:{CANARY}@host"))
        self.assertNotIn(CANARY, every_text(caught.exception))
        self.assertIn("user:password@", str(caught.exception))


class ErrorRedactionTests(EmulatorTestCase):
    def assert_no_canary(self, error: BaseException) -> None:
        text = every_text(error)
        self.assertNotIn(CANARY, text)
        self.assertTrue(str(error), "the error still says what happened")

    async def test_sign_in_with_a_wrong_canary_password(self):
        await self.sign_up("victim")
        with self.assertRaises(cc.ConnectycubeError.Response) as caught:
            await self.user_session("victim", CANARY_PASSWORD)
        self.assertEqual(caught.exception.http_status_code, 401)
        self.assert_no_canary(caught.exception)

    async def test_sign_up_of_a_taken_login_with_a_canary_password(self):
        await self.sign_up("taken")
        with self.assertRaises(cc.ConnectycubeError.Validation) as caught:
            await self.sign_up("taken", password=CANARY_PASSWORD)
        self.assertEqual(caught.exception.http_status_code, 422)
        self.assert_no_canary(caught.exception)

    async def test_password_change_with_a_wrong_canary_old_password(self):
        await self.sign_up("forgetful")
        await self.user_session("forgetful")
        with self.assertRaises(cc.ConnectycubeError.Validation) as caught:
            await self.cube.update_user(cc.ConnectycubeUser(password=CANARY_PASSWORD, old_password=CANARY + "-old"))
        self.assertIn("old_password", caught.exception.field_errors)
        self.assert_no_canary(caught.exception)

    async def test_a_session_with_a_canary_token_is_rejected(self):
        user = await self.sign_up("injected")
        self.sessions.save_active_session(cc.ConnectycubeSession(token=CANARY_TOKEN, user_id=user.id))
        with self.assertRaises(cc.ConnectycubeError.SessionExpired) as caught:
            await self.cube.get_user_by_id(user.id)
        self.assert_no_canary(caught.exception)

    async def test_a_social_sign_in_with_a_canary_access_token_is_rejected(self):
        with self.assertRaises(cc.ConnectycubeError.Response) as caught:
            await self.cube.create_session_using_social_provider(cc.ConnectycubeProvider.FACEBOOK, CANARY_TOKEN)
        self.assertEqual(caught.exception.http_status_code, 401)
        self.assert_no_canary(caught.exception)


if __name__ == "__main__":
    unittest.main()
