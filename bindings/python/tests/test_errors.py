"""Typed errors, what is about Python: plain values refused through `to_param_values`, the
error a fresh process gets before `do_init`. Each variant, its code and words against the
emulator are checked once in Rust (crates/connectycube-ffi/tests/ffi/errors.rs)."""

import asyncio
import os
import subprocess
import sys
import unittest

import connectycube as cc
from support import EmulatorTestCase, emulator


class ErrorTests(EmulatorTestCase):
    async def test_python_values_reach_the_rust_parameter_policy(self):
        for bad in (1.5, [1, "a"], [True], [2.5]):
            with self.subTest(bad=bad), self.assertRaises(cc.ConnectycubeError.InvalidArgument) as refused:
                await self.cube.get_users(cc.to_param_values({"id": bad}))
            self.assertIn("parameter 'id'", str(refused.exception))
        self.assertEqual(emulator("GET", "stats")["total"], 0, "nothing was sent")
        page = await self.cube.get_users(cc.to_param_values({"id": 2.0}))
        self.assertEqual(page.items, [], "a whole float is a whole number")

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
