"""TLS: the SDK over HTTPS against an emulator serving a throwaway CA's certificate
(`CONNECTYCUBE_TLS_API_ENDPOINT`, `CONNECTYCUBE_TLS_CA_CERT`, `CONNECTYCUBE_TLS_PIN`, set by
`cargo xtask test-bindings`): a whole flow with the CA trusted, public-key pins, and the
refusals, each one failed handshake (a TLS failure is never retried)."""

import asyncio
import base64
import json
import os
import ssl
import tempfile
import time
import unittest
import urllib.request
from typing import Any, Optional

import connectycube as cc
from support import APP_ID, AUTH_KEY, PASSWORD, api_endpoint

# The pin of no key the emulator has: 32 zero bytes.
WRONG_PIN = "sha256/" + base64.b64encode(bytes(32)).decode()


def tls_setting(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(
            f"set {name}: the TLS tests need an emulator started with --generate-tls DIR "
            "(`cargo xtask test-bindings` starts one)"
        )
    return value


class TlsTests(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        self.url = tls_setting("CONNECTYCUBE_TLS_API_ENDPOINT").rstrip("/")
        self.ca_file = tls_setting("CONNECTYCUBE_TLS_CA_CERT")
        self.pin = tls_setting("CONNECTYCUBE_TLS_PIN")
        with open(self.ca_file, encoding="ascii") as file:
            self.ca_pem = file.read()
        # The control API is read over HTTPS too, trusting only the emulator's CA.
        self.trusting_the_ca = ssl.create_default_context(cafile=self.ca_file)
        self.control("POST", "reset")
        self.cube = cc.ConnectyCube()
        self.cube.set_session_persistence(None)
        self.cube.set_session_restore_handler(None)

    def tearDown(self) -> None:
        # The shared instance goes back to the plain emulator the other tests expect.
        self.cube.do_init(APP_ID, AUTH_KEY, cc.ConnectycubeConfig(api_endpoint=api_endpoint()))

    def control(self, method: str, route: str) -> Any:
        request = urllib.request.Request(f"{self.url}/__emulator/{route}", method=method)
        with urllib.request.urlopen(request, timeout=10, context=self.trusting_the_ca) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def https_get(self, url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=10, context=self.trusting_the_ca) as response:
            return response.read()

    def failed_handshakes(self) -> int:
        return int(self.control("GET", "stats")["tls_handshakes"]["failed"])

    async def settled_failed_handshakes(self, at_least: int) -> int:
        """The failed-handshake count once the emulator has seen `at_least` and nothing more
        arrives: it counts a failure when the client's alert reaches it, after the SDK has
        already answered the app."""
        deadline = time.monotonic() + 5
        count = self.failed_handshakes()
        while count < at_least and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            count = self.failed_handshakes()
        await asyncio.sleep(0.5)
        return self.failed_handshakes()

    def init(self, roots: Optional[list] = None, pins: Optional[list] = None) -> None:
        config = cc.ConnectycubeConfig(
            api_endpoint=self.url,
            trusted_root_certificates=roots if roots is not None else [self.ca_pem],
            certificate_pins=pins or [],
        )
        self.cube.do_init(APP_ID, AUTH_KEY, config)

    async def test_the_whole_flow_over_https_with_the_ca_trusted(self):
        self.init()
        created = await self.cube.sign_up(cc.ConnectycubeUser(login="secure", password=PASSWORD))
        session = await self.cube.create_session(cc.ConnectycubeUser(login="secure", password=PASSWORD))
        self.assertEqual(session.user_id, created.id)
        me = await self.cube.get_user_by_id(created.id)
        self.assertEqual(me.login, "secure")

        content = os.urandom(100_000)
        handle, path = tempfile.mkstemp(suffix=".png")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            # The emulator hands out an https upload address; the SDK refuses a plain one
            # when the API is https, so this upload went over TLS.
            uploaded = await self.cube.upload_file(path)
        finally:
            os.unlink(path)
        updated = await self.cube.update_user(cc.ConnectycubeUser(avatar=uploaded.uid))
        self.assertEqual(updated.avatar, uploaded.uid)
        url = cc.get_private_url_for_uid(uploaded.uid)
        self.assertTrue(url.startswith(self.url + "/blobs/"), url)
        self.assertEqual(self.https_get(url), content)

        await self.cube.destroy_session()
        self.assertIsNone(cc.get_private_url_for_uid(uploaded.uid), "no URL without a session")
        stats = self.control("GET", "stats")
        self.assertEqual(stats["tls_handshakes"]["failed"], 0)
        self.assertGreaterEqual(stats["tls_handshakes"]["completed"], 1)

    async def test_the_right_pin_works_and_a_wrong_one_is_a_tls_error(self):
        self.init(pins=[self.pin])
        session = await self.cube.create_session()
        self.assertTrue(session.token)
        # A backup pin beside the right one changes nothing.
        self.init(pins=[WRONG_PIN, self.pin])
        self.assertTrue((await self.cube.create_session()).token)

        before = self.failed_handshakes()
        self.init(pins=[WRONG_PIN])
        with self.assertRaises(cc.ConnectycubeError.Tls) as caught:
            await self.cube.create_session()
        self.assertIn("matches none of the pinned keys", caught.exception.reason)
        self.assertEqual(str(caught.exception), "TLS error: " + caught.exception.reason)
        self.assertEqual(await self.settled_failed_handshakes(before + 1), before + 1, "one handshake, no retry")

    async def test_without_the_ca_the_server_is_refused_after_one_handshake(self):
        before = self.failed_handshakes()
        self.init(roots=[])
        with self.assertRaises(cc.ConnectycubeError.Tls) as caught:
            await self.cube.create_session()
        self.assertIn("trusted root", caught.exception.reason)
        self.assertIsInstance(caught.exception, cc.ConnectycubeError)
        self.assertEqual(await self.settled_failed_handshakes(before + 1), before + 1, "one handshake, no retry")
        # The same SDK trusting the CA gets through.
        self.init()
        self.assertTrue((await self.cube.create_session()).token)


if __name__ == "__main__":
    unittest.main()
