"""What every error means for the app, as properties: ``error.is_retryable``,
``error.needs_sign_in``, ``error.hint``.

Rust decides them for every language from one table (``docs/errors.md``, generated from
``crates/connectycube/src/error_code.rs``); the generated variant classes expose them as
methods, which this turns into read-only properties, as Python reads an attribute that costs
nothing. ``code()`` and ``message()`` stay methods, as they were.
"""

from .connectycube_ffi import ConnectycubeError

#: The generated methods that read as attributes.
ERROR_PROPERTIES = ("is_retryable", "needs_sign_in", "hint")


def _install() -> None:
    for variant in ConnectycubeError.__subclasses__():
        for name in ERROR_PROPERTIES:
            method = variant.__dict__.get(name)
            if callable(method):
                setattr(variant, name, property(method, doc=method.__doc__))


_install()
