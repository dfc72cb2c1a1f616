"""Users: sign-up, profile and password updates, every lookup, search, password reset."""

import unittest

import connectycube as cc
from support import PASSWORD, EmulatorTestCase, emulator


class SignUpTests(EmulatorTestCase):
    async def test_sign_up_without_a_session(self):
        self.assertIsNone(self.sessions.get_token())
        user = await self.cube.sign_up(
            cc.ConnectycubeUser(
                login="marvin18",
                password="supersecurepwd",
                email="awesomeman@gmail.com",
                full_name="Marvin Simon",
                phone="47802323143",
                website="https://dozensofdreams.com",
                tags="iphone,apple",
                custom_data='{"middle_name": "Bartoleo"}',
            )
        )
        self.assertGreater(user.id, 0)
        self.assertEqual(user.login, "marvin18")
        self.assertEqual(user.full_name, "Marvin Simon")
        self.assertEqual(user.tags, "iphone,apple")
        self.assertEqual(user.custom_data, '{"middle_name": "Bartoleo"}')
        self.assertIsNone(user.password, "passwords never come back")
        self.assertIsNotNone(user.created_at)
        self.assertIsNone(self.sessions.get_token(), "sign-up does not create a session")

    async def test_sign_up_with_an_application_session(self):
        await self.cube.create_session()
        user = await self.cube.sign_up(cc.ConnectycubeUser(email="first@example.com", password=PASSWORD))
        self.assertEqual(user.email, "first@example.com")
        session = await self.cube.create_session(cc.ConnectycubeUser(email="first@example.com", password=PASSWORD))
        self.assertEqual(session.user_id, user.id)


class ProfileTests(EmulatorTestCase):
    async def test_update_profile(self):
        user = await self.sign_up("profiled", email="profiled@example.com")
        await self.user_session("profiled")
        updated = await self.cube.update_user(
            cc.ConnectycubeUser(full_name="Pro Filed", tags="vip,accountant", custom_data='{"x":1}', timezone=120)
        )
        self.assertEqual(updated.id, user.id)
        self.assertEqual(updated.full_name, "Pro Filed")
        self.assertEqual(updated.tags, "vip,accountant")
        self.assertEqual(updated.custom_data, '{"x":1}')
        self.assertEqual(updated.email, "profiled@example.com", "fields not sent stay as they were")
        self.assertEqual((await self.cube.get_user_by_id(user.id)).full_name, "Pro Filed")

    async def test_change_password(self):
        await self.sign_up("rotator")
        await self.user_session("rotator")
        await self.cube.update_user(cc.ConnectycubeUser(password="newpassword1", old_password=PASSWORD))

        session = await self.user_session("rotator", "newpassword1")
        self.assertIsNotNone(session.user_id)
        with self.assertRaises(cc.ConnectycubeError.Response) as caught:
            await self.user_session("rotator", PASSWORD)
        self.assertEqual(caught.exception.http_status_code, 401)

    async def test_change_password_with_a_wrong_old_one(self):
        await self.sign_up("forgetful")
        await self.user_session("forgetful")
        with self.assertRaises(cc.ConnectycubeError.Validation) as caught:
            await self.cube.update_user(cc.ConnectycubeUser(password="newpassword1", old_password="not-it-at-all"))
        self.assertEqual(caught.exception.http_status_code, 422)
        self.assertIn("old_password", caught.exception.field_errors)

    async def test_delete_user(self):
        user = await self.sign_up("goner")
        await self.user_session("goner")
        await self.cube.delete_user()
        await self.cube.create_session()
        with self.assertRaises(cc.ConnectycubeError.NotFound):
            await self.cube.get_user_by_id(user.id)


class LookupTests(EmulatorTestCase):
    async def asyncSetUp(self):
        # hunter0…hunter4 (tags vip on even ones), plus one "other"
        self.users = []
        for i in range(5):
            self.users.append(
                await self.sign_up(
                    f"hunter{i}",
                    email=f"hunter{i}@example.com",
                    phone=f"+3805000000{i}",
                    full_name=f"Hunter Number{i}",
                    tags="vip,team" if i % 2 == 0 else "team",
                    external_id=f"ext-{i}",
                )
            )
        self.other = await self.sign_up("other", full_name="Somebody Else")
        self.ids = [u.id for u in self.users]
        await self.cube.create_session()

    async def test_single_user_lookups(self):
        first = self.users[0]
        self.assertEqual((await self.cube.get_user_by_id(first.id)).login, "hunter0")
        self.assertEqual((await self.cube.get_user_by_login("hunter1")).id, self.ids[1])
        self.assertEqual((await self.cube.get_user_by_email("hunter2@example.com")).id, self.ids[2])
        self.assertEqual((await self.cube.get_user_by_phone_number("+38050000003")).id, self.ids[3])
        self.assertEqual((await self.cube.get_user_by_external_id("ext-4")).id, self.ids[4])

    async def test_by_ids_with_pagination_and_sorter(self):
        by_login_desc = cc.RequestSorter(field_name="login", sort_type=cc.OrderType.DESC)
        page0 = await self.cube.get_users_by_ids(
            self.ids, cc.RequestPagination(page=0, items_per_page=2), by_login_desc
        )
        self.assertEqual(page0.total_entries, 5)
        self.assertEqual(page0.page, 0)
        self.assertEqual(page0.limit, 2)
        self.assertEqual([u.login for u in page0.items], ["hunter4", "hunter3"])

        page1 = await self.cube.get_users_by_ids(
            self.ids, pagination=cc.RequestPagination(page=1, items_per_page=2), sorter=by_login_desc
        )
        self.assertEqual(page1.page, 1)
        self.assertEqual(page1.skip, 2)
        self.assertEqual([u.login for u in page1.items], ["hunter2", "hunter1"])

        everyone = await self.cube.get_users_by_ids(self.ids[:3])
        self.assertEqual(sorted(u.id for u in everyone.items), self.ids[:3])

    async def test_by_full_name(self):
        page = await self.cube.get_users_by_full_name(
            "hunter",
            cc.RequestPagination(page=0, items_per_page=5),
            cc.RequestSorter(field_name="id", sort_type=cc.OrderType.DESC),
        )
        self.assertEqual(page.total_entries, 5)
        self.assertEqual([u.id for u in page.items], self.ids[::-1])
        # a prefix search answers 5 at most, whatever the page size (the server's rule)
        page = await self.cube.get_users_by_full_name("Hunter Number", cc.RequestPagination(page=0, items_per_page=2))
        self.assertEqual(page.limit, 5)

    async def test_by_tags(self):
        page = await self.cube.get_users_by_tags(["vip"])
        self.assertEqual(sorted(u.login for u in page.items), ["hunter0", "hunter2", "hunter4"])
        page = await self.cube.get_users_by_tags(
            ["team"],
            cc.RequestPagination(page=0, items_per_page=10),
            cc.RequestSorter(field_name="login", sort_type=cc.OrderType.ASC),
        )
        self.assertEqual([u.login for u in page.items], [f"hunter{i}" for i in range(5)])

    async def test_get_users_with_params(self):
        page = await self.cube.get_users({"login": cc.ParamValue.STR("hunter3")})
        self.assertEqual([u.id for u in page.items], [self.ids[3]])

        page = await self.cube.get_users(cc.to_param_values({"id[in]": self.ids[1:3]}))
        self.assertEqual(sorted(u.id for u in page.items), self.ids[1:3])

        page = await self.cube.get_users(
            cc.to_param_values({f"login[{cc.QueryRule.START_WITH}]": "hunt"}),
            sorter=cc.RequestSorter(field_name="login", sort_type=cc.OrderType.DESC),
        )
        self.assertEqual(page.total_entries, 5)
        self.assertEqual([u.login for u in page.items], [f"hunter{i}" for i in range(4, -1, -1)])

        everyone = self.ids + [self.other.id]
        page = await self.cube.get_users(
            cc.to_param_values({"id[in]": everyone, "id[nin]": self.ids[:3]}),
            cc.RequestPagination(page=1, items_per_page=2),
            cc.RequestSorter(field_name="id", sort_type=cc.OrderType.ASC),
        )
        self.assertEqual(page.total_entries, 3)
        self.assertEqual([u.id for u in page.items], [self.other.id])

        page = await self.cube.get_users(cc.to_param_values(user_tags="vip", login=["hunter0", "hunter1"]))
        self.assertEqual([u.login for u in page.items], ["hunter0"])


class ResetPasswordTests(EmulatorTestCase):
    async def test_reset_password_sends_a_mail(self):
        user = await self.sign_up("resetter", email="resetter@example.com")
        await self.cube.create_session()
        await self.cube.reset_password("resetter@example.com")
        outbox = emulator("GET", "outbox")
        self.assertEqual(len(outbox), 1)
        self.assertEqual(outbox[0]["to"], "resetter@example.com")
        self.assertEqual(outbox[0]["user_id"], user.id)

    async def test_reset_password_of_an_unknown_address_sends_nothing(self):
        await self.cube.create_session()
        await self.cube.reset_password("nobody@example.com")
        self.assertEqual(emulator("GET", "outbox"), [])


if __name__ == "__main__":
    unittest.main()
