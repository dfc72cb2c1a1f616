"""String constants of the official SDKs (``com.connectycube.core.utils``), for Python.

uniffi exports no constants, and the FFI takes these values as plain strings, so they are
plain classes of ``str`` attributes: ``RequestSorter(field_name="login",
sort_type=OrderType.ASC)``. The Rust side lists them once (``sdk_constants()``); a test
checks these classes hold exactly that list, as each language's tests do.
"""

__all__ = ["OrderType", "ConnectycubeProvider", "QueryRule", "RequestFieldType"]


class OrderType:
    """``RequestSorter.sort_type`` values."""

    ASC = "asc"
    DESC = "desc"


class ConnectycubeProvider:
    """``social_provider`` values of ``create_session_using_social_provider``.

    Firebase sign-in has its own calls (``create_session_using_firebase_phone`` and
    ``create_session_using_firebase_email``); the constants exist for parity.
    """

    FACEBOOK = "facebook"
    TWITTER = "twitter"
    FIREBASE_PHONE = "firebase_phone"
    FIREBASE_EMAIL = "firebase_email"


class QueryRule:
    """Operators of ``get_users`` parameters: ``{f"login[{QueryRule.START_WITH}]": "hunt"}``.

    ``users/v2`` understands ``eq in nin start_with gt lt gte lte``; ``ne ge le between``
    are kept for parity with the official SDKs' v1 filters.
    """

    GT = "gt"
    GTE = "gte"
    LT = "lt"
    GE = "ge"
    LE = "le"
    LTE = "lte"
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NIN = "nin"
    START_WITH = "start_with"
    BETWEEN = "between"


class RequestFieldType:
    """``RequestSorter.field_type`` values."""

    DATE = "date"
    NUMBER = "number"
    STRING = "string"
