package com.connectycube.test.legacy

// A test-local stand-in for the few Gson classes the docs' avatar snippets use (`JsonObject`,
// `JsonPrimitive`, `JsonParser`), so those snippets keep their text: Gson is no dependency of
// this SDK, and neither is org.json on the JVM. It handles what the snippets write and read,
// one object of string values; it is not a JSON library.

class JsonPrimitive(private val value: String?) {
    val asString: String get() = value ?: throw IllegalStateException("a null primitive")
}

class JsonObject {
    private val members = LinkedHashMap<String, JsonPrimitive>()

    fun add(property: String, value: JsonPrimitive) {
        members[property] = value
    }

    fun getAsJsonPrimitive(memberName: String): JsonPrimitive =
        members[memberName] ?: throw IllegalStateException("no member $memberName")

    override fun toString(): String = members.entries.joinToString(",", "{", "}") { (key, value) ->
        "${quote(key)}:${quote(value.asString)}"
    }

    private fun quote(text: String) = "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
}

class JsonElement internal constructor(val asJsonObject: JsonObject)

class JsonParser {
    fun parse(json: String?): JsonElement {
        val text = json?.trim() ?: throw IllegalArgumentException("no JSON")
        require(text.startsWith("{") && text.endsWith("}")) { "not a JSON object: $text" }
        val member = Regex("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
        val result = JsonObject()
        member.findAll(text).forEach { match ->
            result.add(unquote(match.groupValues[1]), JsonPrimitive(unquote(match.groupValues[2])))
        }
        return JsonElement(result)
    }

    private fun unquote(text: String) = text.replace("\\\"", "\"").replace("\\\\", "\\")
}
