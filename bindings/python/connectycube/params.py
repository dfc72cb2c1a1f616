"""Plain Python values to the ``ParamValue`` map ``ConnectyCube.get_users`` takes."""

from typing import Any, Dict, Mapping, Optional

from .connectycube_ffi import ParamValue

__all__ = ["to_param_values"]


def _param_value(key: str, value: Any) -> ParamValue:
    """The value as it is; which values a search takes is decided in Rust, for every language."""
    if isinstance(value, ParamValue):
        return value
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return ParamValue.BOOL(value)
    if isinstance(value, int):
        return ParamValue.INT(value)
    if isinstance(value, float):
        return ParamValue.FLOAT(value)
    if isinstance(value, str):
        return ParamValue.STR(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            # An empty list lands here too; the server reads it as no value either way.
            return ParamValue.INT_LIST(items)
        if all(isinstance(v, str) for v in items):
            return ParamValue.STR_LIST(items)
        return ParamValue.ANY_LIST([_param_value(key, v) for v in items])
    raise TypeError(f"parameter {key!r}: unsupported value {value!r} ({type(value).__name__})")


def to_param_values(params: Optional[Mapping[str, Any]] = None, **more: Any) -> Dict[str, ParamValue]:
    """Turns plain values into the ``ParamValue`` map of ``get_users``.

    ``str``, ``int``, ``float``, ``bool`` and lists (or tuples, sets) of them are passed
    on; ``ParamValue`` values pass through. Keyword arguments add plain keys::

        page = await cube.get_users(to_param_values({"id[in]": [1, 2]}, login="hunter"))

    ``get_users`` then raises ``ConnectycubeError.InvalidArgument`` naming the parameter for
    a number that is not whole (``1.5``) or a list mixing text and numbers, as in every
    language. Raises ``TypeError`` for what has no search form (``None``, a ``dict``).
    """
    result = {str(key): _param_value(str(key), value) for key, value in (params or {}).items()}
    result.update({key: _param_value(key, value) for key, value in more.items()})
    return result
