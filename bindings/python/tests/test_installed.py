"""The package as `pip install ./bindings/python` installed it: imported from site-packages
with its generated module, native library and `py.typed`, at the Cargo workspace's version;
and the README's quickstart (examples/quickstart.py) run as a user runs it."""

import asyncio
import importlib
import importlib.metadata
import os
import re
import site
import subprocess
import sys
import sysconfig
import unittest
from pathlib import Path

import connectycube as cc
from support import EmulatorTestCase, api_endpoint

BINDINGS = Path(__file__).resolve().parents[1]
REPOSITORY = BINDINGS.parents[1]
PACKAGE = Path(cc.__file__).resolve().parent


def cargo_workspace_version() -> str:
    manifest = (REPOSITORY / "Cargo.toml").read_text(encoding="utf-8")
    match = re.search(r'^\[workspace\.package\]$[^\[]*?^version = "([^"]+)"$', manifest, re.MULTILINE)
    if match is None:
        raise AssertionError("no version in the workspace's [workspace.package]")
    return match.group(1)


class InstalledPackageTests(unittest.TestCase):
    def test_imported_from_site_packages_not_from_the_source_folder(self):
        site_packages = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
        site_packages.add(Path(site.getusersitepackages()).resolve())  # `pip install --user`
        self.assertIn(PACKAGE.parent, site_packages)
        self.assertNotEqual(PACKAGE, BINDINGS / "connectycube")

    def test_native_library_loaded_from_the_installed_package(self):
        generated = importlib.import_module("connectycube.connectycube_ffi.connectycube_ffi")
        self.assertEqual(Path(generated.__file__).resolve().parent, PACKAGE / "connectycube_ffi")
        library = Path(generated._UniffiLib._name).resolve()
        self.assertEqual(library.parent, PACKAGE / "connectycube_ffi")
        self.assertTrue(library.name.startswith("libconnectycube_ffi."), library.name)

    def test_version_is_the_cargo_workspace_version(self):
        self.assertEqual(importlib.metadata.version("connectycube"), cargo_workspace_version())

    def test_typed_package(self):
        self.assertTrue((PACKAGE / "py.typed").is_file())
        files = {str(file) for file in importlib.metadata.files("connectycube") or []}
        self.assertIn("connectycube/py.typed", files)
        self.assertIn("connectycube/connectycube_ffi/connectycube_ffi.py", files)


class QuickstartTests(EmulatorTestCase):
    EXAMPLE = BINDINGS / "examples" / "quickstart.py"

    def test_the_readmes_show_the_example_verbatim(self):
        example = "```python\n" + self.EXAMPLE.read_text(encoding="utf-8") + "```\n"
        for readme in (BINDINGS / "README.md", REPOSITORY / "README.md"):
            with self.subTest(readme=str(readme)):
                self.assertIn(example, readme.read_text(encoding="utf-8"))

    async def test_the_example_signs_up_signs_in_and_reads_the_user(self):
        # In a thread: the test's event loop stays free while the example runs in its own process.
        run = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, str(self.EXAMPLE)],
            env={**os.environ, "CONNECTYCUBE_API_ENDPOINT": api_endpoint()},
            cwd=str(self.EXAMPLE.parent),
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(run.returncode, 0, run.stderr)
        # The user it made exists on the emulator, with the password it chose.
        session = await self.cube.create_session(cc.ConnectycubeUser(login="marvin18", password="supersecurepwd"))
        self.assertEqual(run.stdout, f"signed in as marvin18 (Marvin), user id {session.user_id}\n")


if __name__ == "__main__":
    unittest.main()
