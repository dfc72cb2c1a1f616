package com.connectycube

/**
 * `getUsers(params: Map<String, Any>)` as in the official SDK, converted to the FFI's
 * [ParamValue]s as they are: which values a search takes (a whole number, not 1.5; a list of
 * only text or only whole numbers) is decided in Rust, the same for every language, and a
 * refused value is [ConnectycubeException.InvalidArgument] naming the parameter.
 */
internal fun paramValues(params: Map<String, Any>): Map<String, ParamValue> =
    params.mapValues { (key, value) -> paramValue(key, value) }

private fun paramValue(key: String, value: Any?): ParamValue = when (value) {
    is ParamValue -> value
    is String -> ParamValue.Str(value)
    is Boolean -> ParamValue.Bool(value)
    is Int, is Long, is Short, is Byte -> ParamValue.Int((value as Number).toLong())
    is Number -> ParamValue.Float(value.toDouble())
    is Char, is Enum<*> -> ParamValue.Str(value.toString())
    is IntArray -> ParamValue.IntList(value.map(Int::toLong))
    is LongArray -> ParamValue.IntList(value.toList())
    is DoubleArray -> ParamValue.AnyList(value.map { ParamValue.Float(it) })
    is Array<*> -> listValue(key, value.toList())
    is Iterable<*> -> listValue(key, value.toList())
    null -> throw IllegalArgumentException("getUsers: parameter '$key' holds null")
    else -> throw IllegalArgumentException(
        "getUsers: parameter '$key' has a ${value::class.java.name}; use a String, a number, a Boolean or a list",
    )
}

private fun listValue(key: String, values: List<Any?>): ParamValue = when {
    values.all { it is String } -> ParamValue.StrList(values.map { it as String })
    values.all { it is Int || it is Long || it is Short || it is Byte } ->
        ParamValue.IntList(values.map { (it as Number).toLong() })
    else -> ParamValue.AnyList(values.map { paramValue(key, it) })
}
