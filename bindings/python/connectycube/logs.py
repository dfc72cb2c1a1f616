"""The SDK's log, where Python developers look: the standard ``logging`` logger ``connectycube``.

    from connectycube import ConnectycubeSettings, ConnectycubeLogLevel

    settings = ConnectycubeSettings()        # the one shared instance
    settings.is_debug_enabled = True         # off by default
    settings.log_level = ConnectycubeLogLevel.TRACE   # DEBUG unless set

Which lines pass (the level, only the SDK's own modules), their words and the redaction of
secrets are decided in Rust, before anything reaches Python. Lines arrive on the SDK's own
thread (``connectycube-log``), in order. ``settings.set_logger(logger)`` sends them elsewhere:
a ``ConnectycubeLogger`` subclass or a function ``(level, target, message)``; ``None`` brings
back the ``logging`` default.
"""

import atexit
import logging
from typing import Callable, Optional, Union

from .connectycube_ffi import ConnectycubeLogger, ConnectycubeLogLevel, ConnectycubeSettings

#: ``logging`` has no level below DEBUG; TRACE lines use this one.
TRACE = 5

_LEVELS = {
    ConnectycubeLogLevel.ERROR: logging.ERROR,
    ConnectycubeLogLevel.WARN: logging.WARNING,
    ConnectycubeLogLevel.INFO: logging.INFO,
    ConnectycubeLogLevel.DEBUG: logging.DEBUG,
    ConnectycubeLogLevel.TRACE: TRACE,
}

_logger = logging.getLogger("connectycube")


class LoggingLogger(ConnectycubeLogger):
    """The default: each line to the ``connectycube`` logger at the matching level, as
    ``"target: message"`` (the SDK module that wrote it is also the record's ``sdk_target``)."""

    def log(self, level: ConnectycubeLogLevel, target: str, message: str) -> None:
        python_level = _LEVELS.get(level, logging.DEBUG)
        if _logger.isEnabledFor(python_level):
            _logger.log(python_level, "%s: %s", target, message, extra={"sdk_target": target})


class _FunctionLogger(ConnectycubeLogger):
    def __init__(self, function: Callable[[ConnectycubeLogLevel, str, str], None]) -> None:
        self._function = function

    def log(self, level: ConnectycubeLogLevel, target: str, message: str) -> None:
        self._function(level, target, message)


_DEFAULT = LoggingLogger()
# The level ``_open`` gave the ``connectycube`` logger, told apart from one the app set.
_opened: Optional[int] = None


def _open(level: ConnectycubeLogLevel) -> None:
    """Lets records down to ``level`` through the ``connectycube`` logger, unless the app
    set its level."""
    global _opened
    if _logger.level in (logging.NOTSET, _opened):
        _opened = _LEVELS.get(level, logging.DEBUG)
        _logger.setLevel(_opened)


def _set_debug_enabled(self: ConnectycubeSettings, enabled: bool) -> None:
    if enabled:
        _open(self.level())
    _native_set_debug_enabled(self, enabled)


def _set_level(self: ConnectycubeSettings, level: ConnectycubeLogLevel) -> None:
    _native_set_level(self, level)
    if self.debug_enabled():
        _open(level)


def _set_logger(
    self: ConnectycubeSettings,
    logger: Union[ConnectycubeLogger, Callable[[ConnectycubeLogLevel, str, str], None], None],
) -> None:
    if logger is None:
        logger = _DEFAULT
    elif not isinstance(logger, ConnectycubeLogger):
        logger = _FunctionLogger(logger)
    _native_set_logger(self, logger)


_native_set_debug_enabled = ConnectycubeSettings.set_debug_enabled
_native_set_level = ConnectycubeSettings.set_level
_native_set_logger = ConnectycubeSettings.set_logger


def _quiet_at_exit() -> None:
    """Before the interpreter finalises: no new line, the queued ones delivered (turning debug
    off waits for them), and no Python logger left for the SDK's thread to call. A native
    thread entering Python during finalisation is ended by the interpreter, which would abort
    the process."""
    settings = ConnectycubeSettings()
    _native_set_debug_enabled(settings, False)
    _native_set_logger(settings, None)


def install() -> None:
    """Adds the Python spellings to the generated class and makes ``logging`` the default."""
    if logging.getLevelName(TRACE) == f"Level {TRACE}":
        logging.addLevelName(TRACE, "TRACE")
    ConnectycubeSettings.set_debug_enabled = _set_debug_enabled  # type: ignore[method-assign]
    ConnectycubeSettings.set_level = _set_level  # type: ignore[method-assign]
    ConnectycubeSettings.set_logger = _set_logger  # type: ignore[method-assign,assignment]
    ConnectycubeSettings.is_debug_enabled = property(  # type: ignore[attr-defined]
        ConnectycubeSettings.debug_enabled, _set_debug_enabled, doc="Whether the SDK logs (off by default)."
    )
    ConnectycubeSettings.log_level = property(  # type: ignore[attr-defined]
        ConnectycubeSettings.level, _set_level, doc="The most verbose level logged while debug is on."
    )
    _native_set_logger(ConnectycubeSettings(), _DEFAULT)
    atexit.register(_quiet_at_exit)
