"""The hand-written layer: constants, `…_UID` spellings, `to_param_values`, error messages."""

import unittest

import connectycube as cc
from support import EmulatorTestCase, emulator


class ParamValuesTests(unittest.TestCase):
    def test_plain_values(self):
        params = cc.to_param_values(
            {"login": "x", "id[in]": [1, 2], "user_tags[in]": ("vip", "team"), "id": 7, "flag": True}
        )
        self.assertEqual(params["login"], cc.ParamValue.STR("x"))
        self.assertEqual(params["id[in]"], cc.ParamValue.INT_LIST([1, 2]))
        self.assertEqual(params["user_tags[in]"], cc.ParamValue.STR_LIST(["vip", "team"]))
        self.assertEqual(params["id"], cc.ParamValue.INT(7))
        self.assertEqual(params["flag"], cc.ParamValue.BOOL(True), "a bool is not an int here")

    def test_keywords_sets_and_passthrough(self):
        params = cc.to_param_values({"login": cc.ParamValue.STR("kept")}, phone="123", id={3, 1, 2})
        self.assertEqual(params["login"], cc.ParamValue.STR("kept"))
        self.assertEqual(params["phone"], cc.ParamValue.STR("123"))
        self.assertEqual(params["id"], cc.ParamValue.INT_LIST([1, 2, 3]))
        self.assertEqual(cc.to_param_values(), {})

    def test_values_without_a_search_form(self):
        for bad in (None, {"a": 1}, [None]):
            with self.subTest(bad=bad), self.assertRaises(TypeError):
                cc.to_param_values({"key": bad})

    def test_other_values_pass_through_for_rust_to_judge(self):
        params = cc.to_param_values({"a": 1.5, "b": [1, "a"]})
        self.assertEqual(params["a"], cc.ParamValue.FLOAT(1.5))
        self.assertEqual(params["b"], cc.ParamValue.ANY_LIST([cc.ParamValue.INT(1), cc.ParamValue.STR("a")]))


class ConstantsTests(unittest.TestCase):
    def test_constants_match_the_official_sdks(self):
        self.assertEqual((cc.OrderType.ASC, cc.OrderType.DESC), ("asc", "desc"))
        self.assertEqual(cc.ConnectycubeProvider.FACEBOOK, "facebook")
        self.assertEqual(cc.ConnectycubeProvider.TWITTER, "twitter")
        self.assertEqual(cc.ConnectycubeProvider.FIREBASE_PHONE, "firebase_phone")
        self.assertEqual(cc.ConnectycubeProvider.FIREBASE_EMAIL, "firebase_email")
        self.assertEqual(cc.QueryRule.START_WITH, "start_with")
        self.assertEqual(cc.QueryRule.IN, "in")
        self.assertIs(cc.get_private_url_for_UID, cc.get_private_url_for_uid)
        self.assertIs(cc.get_public_url_for_UID, cc.get_public_url_for_uid)

    def test_the_same_constants_as_rust_exports(self):
        exported = {}
        for constant in cc.sdk_constants():
            exported.setdefault(constant.holder, {})[constant.name] = constant.value
        self.assertEqual(set(exported), {"OrderType", "ConnectycubeProvider", "QueryRule", "RequestFieldType"})
        for holder, constants in exported.items():
            declared = {k: v for k, v in vars(getattr(cc, holder)).items() if k.isupper()}
            self.assertEqual(declared, constants, holder)

    def test_error_messages(self):
        # Words and codes are Rust's (crates/connectycube-ffi/src/error.rs); these check they arrive.
        self.assertEqual(cc.ConnectycubeError.NotFound(404, []).code(), "not_found")
        self.assertEqual(cc.ConnectycubeError.InvalidArgument("bad").code(), "invalid_input")
        self.assertEqual(str(cc.ConnectycubeError.Timeout()), "the request timed out")
        self.assertEqual(str(cc.ConnectycubeError.NotFound(404, ["User not found"])), "not found: User not found")
        self.assertEqual(str(cc.ConnectycubeError.InvalidArgument("bad")), "invalid argument: bad")
        self.assertEqual(str(cc.ConnectycubeError.Tls("no trust")), "TLS error: no trust")
        self.assertEqual(
            str(cc.ConnectycubeError.RequestTooLarge(414, "split it")),
            "the request is too large for the server: split it",
        )
        self.assertEqual(
            str(cc.ConnectycubeError.ResponseTooLarge(4)), "the server's answer is larger than the 4-byte limit"
        )


class SocialProviderTests(EmulatorTestCase):
    async def test_facebook_session_with_the_provider_constant(self):
        emulator(
            "POST",
            "identities",
            {"provider": "facebook", "token": "fb-token", "uid": "100001", "full_name": "Face Booker"},
        )
        session = await self.cube.create_session_using_social_provider(cc.ConnectycubeProvider.FACEBOOK, "fb-token")
        user = await self.cube.get_user_by_id(session.user_id)
        self.assertEqual(user.face_book_id, "100001")
        self.assertEqual((await self.cube.get_user_by_facebook_id("100001")).id, user.id)
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            await self.cube.create_session_using_social_provider("myspace", "token")


if __name__ == "__main__":
    unittest.main()


class RedactionTests(unittest.TestCase):
    def test_records_never_print_passwords_or_tokens(self):
        import connectycube as cc

        user = cc.ConnectycubeUser(login="marvin18", password="CANARY-PASSWORD", old_password="CANARY-OLD")
        session = cc.ConnectycubeSession(token="CANARY-TOKEN", user=user)
        for text in (str(user), repr(user), str(session), repr(session), f"{[user, session]}"):
            self.assertNotIn("CANARY", text)
        self.assertIn("marvin18", repr(user))
        self.assertIn("<redacted>", repr(session))
