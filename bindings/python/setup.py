"""Tags the wheel `py3-none-<platform>`: it carries a native library, loaded with ctypes
(not a CPython extension), so it depends on the platform but not on the Python version."""

from setuptools import setup

try:  # setuptools >= 70.1
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # older setuptools build wheels with the `wheel` package
    from wheel.bdist_wheel import bdist_wheel


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(cmdclass={"bdist_wheel": PlatformWheel})
