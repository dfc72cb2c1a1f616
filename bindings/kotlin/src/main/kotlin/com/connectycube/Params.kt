package com.connectycube

/**
 * `getUsers(params: Map<String, Any>)` as in the official SDK, converted to the FFI's
 * [ParamValue]s. Integral numbers become `Int`, whole-number collections `IntList`; any other
 * collection or array becomes `StrList` of its elements' `toString()`.
 */
internal fun paramValues(params: Map<String, Any>): Map<String, ParamValue> =
    params.mapValues { (key, value) -> paramValue(key, value) }

private fun paramValue(key: String, value: Any): ParamValue = when (value) {
    is ParamValue -> value
    is String -> ParamValue.Str(value)
    is Boolean -> ParamValue.Bool(value)
    is Int, is Long, is Short, is Byte -> ParamValue.Int((value as Number).toLong())
    is Number, is Char, is Enum<*> -> ParamValue.Str(value.toString())
    is IntArray -> ParamValue.IntList(value.map(Int::toLong))
    is LongArray -> ParamValue.IntList(value.toList())
    is Array<*> -> listValue(key, value.toList())
    is Iterable<*> -> listValue(key, value.toList())
    else -> throw IllegalArgumentException(
        "getUsers: parameter '$key' has a ${value::class.java.name}; use a String, a number, a Boolean or a list",
    )
}

private fun listValue(key: String, values: List<Any?>): ParamValue {
    require(values.none { it == null }) { "getUsers: parameter '$key' holds null" }
    return if (values.isNotEmpty() && values.all { it is Int || it is Long || it is Short || it is Byte }) {
        ParamValue.IntList(values.map { (it as Number).toLong() })
    } else {
        ParamValue.StrList(values.map { it.toString() })
    }
}
