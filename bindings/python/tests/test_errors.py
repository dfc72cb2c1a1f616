"""Typed errors: every failure is a `ConnectycubeError` variant with what the app needs."""

import asyncio
import os
import subprocess
import sys
import unittest

import connectycube as cc
from support import EmulatorTestCase, emulator


class ErrorTests(EmulatorTestCase):
    async def test_wrong_password_is_a_401_response(self):
        await self.sign_up("victim")
        with self.assertRaises(cc.ConnectycubeError.Response) as caught:
            await self.user_session("victim", "not-the-password")
        error = caught.exception
        self.assertIsInstance(error, cc.ConnectycubeError)
        self.assertEqual(error.http_status_code, 401)
        self.assertTrue(error.errors, "the server's messages are kept")
        self.assertEqual(str(error), "the server answered 401: " + "; ".join(error.errors))

    async def test_unknown_user_is_not_found(self):
        await self.cube.create_session()
        with self.assertRaises(cc.ConnectycubeError.NotFound) as caught:
            await self.cube.get_user_by_id(424242)
        self.assertEqual(caught.exception.http_status_code, 404)
        self.assertEqual(caught.exception.errors, ["User not found"])
        with self.assertRaises(cc.ConnectycubeError.NotFound):
            await self.cube.get_user_by_login("nobody")
        with self.assertRaises(cc.ConnectycubeError.NotFound):
            await self.cube.get_user_by_email("nobody@example.com")

    async def test_duplicate_login_is_a_validation_error(self):
        await self.sign_up("taken")
        with self.assertRaises(cc.ConnectycubeError.Validation) as caught:
            await self.sign_up("taken")
        self.assertEqual(caught.exception.http_status_code, 422)
        self.assertEqual(caught.exception.errors, ["login must be unique"])

    async def test_validation_error_maps_fields(self):
        emulator(
            "POST",
            "faults",
            {
                "path_prefix": "/users",
                "method": "POST",
                "status": 422,
                "body": {"errors": {"email": ["has already been taken"], "login": ["is reserved"]}},
            },
        )
        with self.assertRaises(cc.ConnectycubeError.Validation) as caught:
            await self.sign_up("reserved", email="reserved@example.com")
        self.assertEqual(
            caught.exception.field_errors, {"email": ["has already been taken"], "login": ["is reserved"]}
        )
        self.assertIn("validation failed", str(caught.exception))

    async def test_server_error_is_a_response(self):
        emulator("POST", "faults", {"path_prefix": "/users", "method": "POST", "status": 500})
        with self.assertRaises(cc.ConnectycubeError.Response) as caught:
            await self.sign_up("unlucky")
        self.assertEqual(caught.exception.http_status_code, 500)

    async def test_invalid_arguments_are_refused_locally(self):
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument) as caught:
            await self.sign_up("ab")
        self.assertIn("login", caught.exception.reason)
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            await self.sign_up("shortpass", password="short")
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            await self.cube.create_session(cc.ConnectycubeUser(full_name="no credentials"))
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            await self.cube.get_users_by_ids([1], sorter=cc.RequestSorter(field_name="login", sort_type="sideways"))
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            await self.cube.get_users(cc.to_param_values({"login[nin]": ["admin"]}))
        for bad in (1.5, [1, "a"], [True], [2.5]):
            with self.subTest(bad=bad), self.assertRaises(cc.ConnectycubeError.InvalidArgument) as refused:
                await self.cube.get_users(cc.to_param_values({"id": bad}))
            self.assertIn("parameter 'id'", str(refused.exception))
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            self.cube.do_init("not-a-number", "key")
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument):
            self.cube.do_init("1", "key", cc.ConnectycubeConfig(api_endpoint=""))
        self.assertEqual(emulator("GET", "stats")["total"], 0, "nothing was sent")
        page = await self.cube.get_users(cc.to_param_values({"id": 2.0}))
        self.assertEqual(page.items, [], "a whole float is a whole number")

    async def test_wrong_auth_key_is_a_401_response(self):
        self.cube.do_init("1", "wrong-key", cc.ConnectycubeConfig(api_endpoint=self.url))
        with self.assertRaises(cc.ConnectycubeError.Response) as caught:
            await self.cube.create_session()
        self.assertEqual(caught.exception.http_status_code, 401)

    async def test_unreachable_server_is_a_network_error(self):
        self.cube.do_init("1", "key", cc.ConnectycubeConfig(api_endpoint="http://127.0.0.1:9"))
        with self.assertRaises(cc.ConnectycubeError.Network) as caught:
            await self.cube.create_session()
        self.assertTrue(caught.exception.reason)

    async def test_user_write_without_a_user_session(self):
        with self.assertRaises(cc.ConnectycubeError.SessionExpired) as caught:
            await self.cube.update_user(cc.ConnectycubeUser(full_name="Nobody"))
        self.assertEqual(str(caught.exception), "the session expired and could not be renewed; sign in again")

    async def test_not_initialized_in_a_fresh_process(self):
        # ConnectyCube is a process singleton that setUp has initialised: ask a new process.
        script = (
            "import asyncio, connectycube as cc\n"
            "print(cc.get_private_url_for_uid('abc'))\n"
            "try:\n"
            "    asyncio.run(cc.ConnectyCube().get_user_by_id(1))\n"
            "except cc.ConnectycubeError.NotInitialized as e:\n"
            "    print('NotInitialized:', e)\n"
        )
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(cc.__file__)))
        env = dict(os.environ, PYTHONPATH=package_root)
        result = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.splitlines(),
            ["None", "NotInitialized: ConnectyCube is not initialised: call doInit (Kotlin: init, Python: do_init) first"],
        )


if __name__ == "__main__":
    unittest.main()
