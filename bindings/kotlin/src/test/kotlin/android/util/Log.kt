package android.util

/**
 * A test-only stand-in for Android's `Log`, with the one method the SDK's logcat logger calls
 * (by reflection, as on a device); it keeps what it was given. Never packaged: it lives in the
 * test sources.
 */
object Log {
    data class Line(val priority: Int, val tag: String, val message: String)

    val lines: MutableList<Line> = java.util.Collections.synchronizedList(mutableListOf())

    @JvmStatic
    fun println(priority: Int, tag: String, msg: String): Int {
        lines.add(Line(priority, tag, msg))
        return msg.length
    }
}
