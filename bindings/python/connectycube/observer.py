"""The request observer as a plain callable: ``cube.set_request_observer(lambda event: …)``.

What an event holds (method, route template, HTTP status or error code, attempts, duration,
whether a session was renewed) and when it comes are decided in Rust; this module only lets
a function stand for the generated ``RequestObserver`` class. The SDK calls it on its own
thread, one event at a time, in the order the calls ended.
"""

import logging
from typing import Callable, Optional, Union

from .connectycube_ffi import ConnectyCube, RequestEvent, RequestObserver

_native_set_request_observer = ConnectyCube.set_request_observer


class _CallableObserver(RequestObserver):
    def __init__(self, callback: Callable[[RequestEvent], None]) -> None:
        self._callback = callback

    def on_request(self, event: RequestEvent) -> None:
        try:
            self._callback(event)
        except Exception as error:  # logged by type only: its text may hold app data
            logging.getLogger("connectycube").warning("a request observer raised %s", type(error).__name__)


def set_request_observer(
    self: ConnectyCube, observer: Optional[Union[RequestObserver, Callable[[RequestEvent], None]]]
) -> None:
    """Sets the one request observer (``None`` removes it): a ``RequestObserver`` or any
    function of a ``RequestEvent``. It stays through ``do_init``."""
    if observer is not None and not isinstance(observer, RequestObserver):
        observer = _CallableObserver(observer)
    _native_set_request_observer(self, observer)
