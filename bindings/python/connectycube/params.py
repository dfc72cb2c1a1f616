"""Plain Python values to the ``ParamValue`` map ``ConnectyCube.get_users`` takes."""

from typing import Any, Dict, Mapping, Optional

from .connectycube_ffi import ParamValue

__all__ = ["to_param_values"]


def _param_value(key: str, value: Any) -> ParamValue:
    if isinstance(value, ParamValue):
        return value
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return ParamValue.BOOL(value)
    if isinstance(value, int):
        return ParamValue.INT(value)
    if isinstance(value, str):
        return ParamValue.STR(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            # An empty list lands here too; the server reads it as no value either way.
            return ParamValue.INT_LIST(items)
        if all(isinstance(v, str) for v in items):
            return ParamValue.STR_LIST(items)
        raise TypeError(f"parameter {key!r}: a list must hold only ints or only strings, got {items!r}")
    raise TypeError(f"parameter {key!r}: unsupported value {value!r} ({type(value).__name__})")


def to_param_values(params: Optional[Mapping[str, Any]] = None, **more: Any) -> Dict[str, ParamValue]:
    """Turns plain values into the ``ParamValue`` map of ``get_users``.

    ``str``, ``int``, ``bool`` and lists (or tuples, sets) of ints or of strings are
    accepted; ``ParamValue`` values pass through. Keyword arguments add plain keys::

        page = await cube.get_users(to_param_values({"id[in]": [1, 2]}, login="hunter"))

    Raises ``TypeError`` for anything else (floats, ``None``, mixed lists).
    """
    result = {str(key): _param_value(str(key), value) for key, value in (params or {}).items()}
    result.update({key: _param_value(key, value) for key, value in more.items()})
    return result
