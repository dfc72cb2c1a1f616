"""Sessions from external identities (Facebook, Twitter, Firebase phone and email, a Custom
Identity Provider), sessions deleted by id, a user deleted by external id."""

import unittest

import connectycube as cc
from support import PASSWORD, EmulatorTestCase, emulator, request_count


def register(provider: str, token: str, uid: str, **fields: str) -> None:
    emulator("POST", "identities", {"provider": provider, "token": token, "uid": uid, **fields})


class ProviderTests(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        register("facebook", "fb-token", "fb-1", full_name="Face Book")
        register("twitter", "tw-token", "tw-1", secret="tw-secret", full_name="Twit Ter")
        register("firebase_phone", "fp-token", "fp-1", project_id="proj", phone="+100200300")
        register("firebase_email", "fe-token", "fe-1", project_id="proj", email="fe@example.com")

    async def test_facebook_and_twitter_sessions(self):
        facebook = await self.cube.create_session_using_social_provider(cc.ConnectycubeProvider.FACEBOOK, "fb-token")
        self.assertEqual((await self.cube.get_user_by_facebook_id("fb-1")).id, facebook.user_id)
        self.init()
        twitter = await self.cube.create_session_using_social_provider(
            cc.ConnectycubeProvider.TWITTER, "tw-token", "tw-secret"
        )
        self.assertEqual((await self.cube.get_user_by_twitter_id("tw-1")).id, twitter.user_id)
        self.assertNotEqual(facebook.user_id, twitter.user_id)

        with self.assertRaises(cc.ConnectycubeError.InvalidArgument) as no_secret:
            await self.cube.create_session_using_social_provider(cc.ConnectycubeProvider.TWITTER, "tw-token")
        self.assertIn("secret", str(no_secret.exception).lower())
        with self.assertRaises(cc.ConnectycubeError.Response) as unknown:
            await self.cube.create_session_using_social_provider(cc.ConnectycubeProvider.FACEBOOK, "nobody")
        self.assertEqual(unknown.exception.http_status_code, 401)

    async def test_firebase_phone_and_email_sessions(self):
        phone = await self.cube.create_session_using_firebase_phone("proj", "fp-token")
        self.assertEqual((await self.cube.get_session()).user_id, phone.user_id)
        self.assertEqual((await self.cube.get_user_by_id(phone.user_id)).phone, "+100200300")
        self.init()
        email = await self.cube.create_session_using_firebase_email("proj", "fe-token")
        self.assertIsNotNone(email.user_id)
        self.assertNotEqual(email.user_id, phone.user_id)
        self.init()
        with self.assertRaises(cc.ConnectycubeError.Response):
            await self.cube.create_session_using_firebase_phone("other-project", "fp-token")

    async def test_signing_in_with_providers_on_an_application_session(self):
        app = await self.cube.create_session()
        facebook = await self.cube.sign_in_using_social_provider(cc.ConnectycubeProvider.FACEBOOK, "fb-token")
        self.assertEqual((await self.cube.get_session()).user_id, facebook.id)
        self.assertEqual(self.sessions.get_token(), app.token, "signing in keeps the token")
        await self.cube.sign_out()
        self.assertIsNone((await self.cube.get_session()).user_id)
        phone = await self.cube.sign_in_using_firebase_phone("proj", "fp-token")
        self.assertEqual((await self.cube.get_session()).user_id, phone.id)
        await self.cube.sign_out()
        email = await self.cube.sign_in_using_firebase_email("proj", "fe-token")
        self.assertEqual((await self.cube.get_session()).user_id, email.id)

    async def test_custom_identity_provider_token_as_login(self):
        token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5fQ.cidp"
        register("custom", token, "ext-cidp-1", full_name="Joseph")
        session = await self.cube.create_session(cc.ConnectycubeUser(login=token, password="any"))
        user = await self.cube.get_user_by_id(session.user_id)
        self.assertEqual(user.external_id, "ext-cidp-1")
        self.assertEqual(user.full_name, "Joseph")
        # the same token again is the same user, not a second one
        self.init()
        again = await self.cube.create_session(cc.ConnectycubeUser(login=token, password="any"))
        self.assertEqual(again.user_id, session.user_id)


class SessionAndUserDeletionTests(EmulatorTestCase):
    async def test_delete_a_session_by_id(self):
        await self.sign_up("twodevices")
        other = await self.user_session("twodevices")
        self.init()
        current = await self.user_session("twodevices")
        await self.cube.delete_session(other.id)
        self.assertEqual((await self.cube.get_session()).id, current.id, "the current session lives")
        # the other device's token is refused by the server now
        self.sessions.save_active_session(other)
        with self.assertRaises(cc.ConnectycubeError.SessionExpired):
            await self.cube.get_session()
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            await self.cube.delete_session(-1)

    async def test_delete_the_signed_in_user_by_external_id(self):
        user = await self.sign_up("externally", external_id="ext-77")
        await self.user_session("externally")
        await self.cube.delete_user_by_external_id("ext-77")
        self.assertEqual(request_count("DELETE /users/external/{id}"), 1)
        self.init()
        await self.cube.create_session()
        with self.assertRaises(cc.ConnectycubeError.NotFound):
            await self.cube.get_user_by_id(user.id)


class OneXCallsTests(EmulatorTestCase):
    """What the 1.x SDKs offered: numeric external ids, the v1 list, online users,
    sign-up-and-sign-in, uploads from memory."""

    async def test_sign_up_and_sign_in(self):
        user = await self.cube.sign_up_and_sign_in(cc.ConnectycubeUser(login="newcomer", password=PASSWORD))
        self.assertEqual(user.login, "newcomer")
        self.assertEqual((await self.cube.get_session()).user_id, user.id)
        online = await self.cube.get_online_users()
        self.assertIn(user.id, [u.id for u in online])
        self.assertGreaterEqual(await self.cube.get_online_users_count(), 1)

    async def test_numeric_external_id_and_v1_list(self):
        numbered = await self.sign_up("numbered", external_user_id=3789)
        await self.sign_up("listed1")
        await self.sign_up("listed2")
        self.assertEqual((await self.cube.get_user_by_external_user_id(3789)).id, numbered.id)
        with self.assertRaises(cc.ConnectycubeError.NotFound):
            await self.cube.get_user_by_external_user_id(1)

        page = await self.cube.get_users_v1(
            ["string login in listed1,listed2,numbered"], order="asc string login", page=1, per_page=2
        )
        self.assertEqual([u.login for u in page.items], ["listed1", "listed2"])
        self.assertEqual(page.total_entries, 3)
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            await self.cube.get_users_v1(["number id eq one"])

    async def test_upload_from_bytes(self):
        await self.sign_up("painter")
        await self.user_session("painter")
        data = bytes(range(256)) * 40
        blob = await self.cube.upload_file_data(data, "avatar.png")
        self.assertEqual((blob.name, blob.content_type, blob.size), ("avatar.png", "image/png", len(data)))
        self.assertFalse(blob.is_public)


if __name__ == "__main__":
    unittest.main()
