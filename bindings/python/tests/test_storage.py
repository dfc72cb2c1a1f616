"""Storage: an avatar upload with progress, then reading it back by its URLs."""

import os
import tempfile
import threading
import unittest
import urllib.error

import connectycube as cc
from support import EmulatorTestCase, http_get


class Progress(cc.UploadProgressListener):
    """Records the percentages it hears (called on an SDK thread)."""

    def __init__(self):
        self.percents = []
        self.threads = set()

    def on_progress(self, percent: int) -> None:
        self.percents.append(percent)
        self.threads.add(threading.get_ident())


class StorageTests(EmulatorTestCase):
    def setUp(self):
        super().setUp()
        self.content = os.urandom(200_000)
        handle, self.path = tempfile.mkstemp(suffix=".jpg")
        with os.fdopen(handle, "wb") as file:
            file.write(self.content)

    def tearDown(self):
        os.unlink(self.path)
        super().tearDown()

    async def test_avatar_upload_with_progress(self):
        await self.sign_up("pictured")
        await self.user_session("pictured")
        progress = Progress()

        file = await self.cube.upload_file(self.path, False, progress)
        self.assertTrue(file.uid)
        self.assertEqual(file.size, len(self.content))
        self.assertFalse(file.is_public)
        self.assertEqual(file.name, os.path.basename(self.path))

        self.assertTrue(progress.percents, "the listener heard nothing")
        self.assertEqual(progress.percents[-1], 100)
        self.assertEqual(progress.percents, sorted(progress.percents))
        self.assertTrue(all(0 <= p <= 100 for p in progress.percents))

        user = await self.cube.update_user(cc.ConnectycubeUser(avatar=file.uid))
        self.assertEqual(user.avatar, file.uid)

        url = cc.get_private_url_for_uid(user.avatar)
        self.assertIsNotNone(url)
        self.assertTrue(url.startswith(self.url + "/blobs/" + file.uid))
        self.assertEqual(http_get(url), self.content)
        self.assertEqual(cc.get_private_url_for_UID(file.uid), url)

    async def test_public_upload_with_a_progress_callback(self):
        await self.sign_up("publisher")
        await self.user_session("publisher")
        heard = []

        file = await self.cube.upload_file(self.path, public=True, progress=cc.ProgressCallback(heard.append))
        self.assertTrue(file.is_public)
        self.assertEqual(heard[-1], 100)

        url = cc.get_public_url_for_UID(file.uid)
        self.assertEqual(url, f"{self.url}/blobs/{file.uid}")
        self.assertEqual(http_get(url), self.content)

    async def test_private_file_needs_a_live_session(self):
        await self.sign_up("private")
        await self.user_session("private")
        file = await self.cube.upload_file(self.path)
        url = cc.get_private_url_for_uid(file.uid)
        self.assertEqual(http_get(url), self.content)

        await self.cube.destroy_session()
        self.assertIsNone(cc.get_private_url_for_uid(file.uid), "no URL without a session")
        with self.assertRaises(urllib.error.HTTPError) as caught:
            http_get(url)
        self.assertEqual(caught.exception.code, 401)
        self.assertIsNone(cc.get_private_url_for_uid(None))

    async def test_upload_of_a_missing_file(self):
        await self.sign_up("careless")
        await self.user_session("careless")
        with self.assertRaises(cc.ConnectycubeError.InvalidArgument) as caught:
            await self.cube.upload_file(self.path + ".missing")
        self.assertIn("cannot read the file", caught.exception.reason)


if __name__ == "__main__":
    unittest.main()
