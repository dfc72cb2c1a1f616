"""Who is signed in, as an async iterator: ``async for state in cube.auth_states(): …``.

Each iterator registers its own listener with the SDK (``add_auth_state_listener``): it
yields the current state first (reason ``INITIAL``), then every change once and in order —
sign-in, renewal, expiry, password change, sign-out, destroy. The SDK calls the listener on
its own thread; the states are handed to the event loop the iterator was made on. Closing
the iterator (``await states.aclose()``, leaving ``async with``, or cancelling the loop that
iterates) cancels the listener.
"""

import asyncio
import logging
from typing import Optional

from .connectycube_ffi import AuthState, AuthStateListener, AuthStateSubscription, ConnectyCube


class _ToLoop(AuthStateListener):
    """Hands each state to an asyncio queue, from the SDK's thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: "asyncio.Queue[AuthState]") -> None:
        self._loop = loop
        self._queue = queue

    def on_auth_state_changed(self, state: AuthState) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, state)
        except RuntimeError:  # the loop is closed: nobody iterates any more
            logging.getLogger("connectycube").debug("auth state dropped: its event loop is closed")


class AuthStates:
    """The states of the shared ``ConnectyCube``, for ``async for`` on the current loop."""

    def __init__(self, cube: ConnectyCube) -> None:
        self._queue: "asyncio.Queue[AuthState]" = asyncio.Queue()
        listener = _ToLoop(asyncio.get_running_loop(), self._queue)
        self._subscription: Optional[AuthStateSubscription] = cube.add_auth_state_listener(listener)

    def __aiter__(self) -> "AuthStates":
        return self

    async def __anext__(self) -> AuthState:
        if self._subscription is None:
            raise StopAsyncIteration
        try:
            return await self._queue.get()
        except asyncio.CancelledError:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stops listening; iterating then ends."""
        if self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None

    async def __aenter__(self) -> "AuthStates":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()


def auth_states(self: ConnectyCube) -> AuthStates:
    """The session's states from now on, the current one first (see :class:`AuthStates`).
    Call it inside a running event loop."""
    return AuthStates(self)
