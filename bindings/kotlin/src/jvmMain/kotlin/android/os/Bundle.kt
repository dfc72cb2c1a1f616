package android.os

/**
 * The JVM stand-in for Android's `android.os.Bundle`, so that the 1.x-shaped callbacks
 * (`EntityCallback.onSuccess(result, Bundle)`) compile and run off Android. It has only the
 * members the 1.x paging keys and the docs' snippets use, with the platform's signatures, so
 * code written against it compiles unchanged against the real class.
 *
 * This folder (`src/jvmMain`) is compiled by `cargo xtask test-bindings --lang kotlin` and the
 * bench driver only; the Android build (`build.gradle.kts`) never sees it, so the AAR uses the
 * platform class.
 */
class Bundle() {
    private val values = LinkedHashMap<String, Any?>()

    fun putInt(key: String?, value: Int) {
        values[key.orEmpty()] = value
    }

    fun getInt(key: String?): Int = getInt(key, 0)

    fun getInt(key: String?, defaultValue: Int): Int = values[key.orEmpty()] as? Int ?: defaultValue

    fun putString(key: String?, value: String?) {
        values[key.orEmpty()] = value
    }

    fun getString(key: String?): String? = values[key.orEmpty()] as? String

    fun containsKey(key: String?): Boolean = values.containsKey(key.orEmpty())

    fun keySet(): Set<String> = values.keys

    fun size(): Int = values.size

    fun isEmpty(): Boolean = values.isEmpty()

    override fun toString(): String = "Bundle[$values]"
}
