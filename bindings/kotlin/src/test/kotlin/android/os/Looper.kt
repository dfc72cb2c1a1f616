package android.os

/**
 * A test-only stand-in for Android's `Looper`, with the three static methods of the platform
 * class that a test needs to make a JVM thread "the main thread": `prepareMainLooper()` on that
 * thread, then `getMainLooper()` / `myLooper()` as the SDK reads them (by reflection, as on a
 * device). Never packaged: it lives in the test sources.
 */
class Looper private constructor(private val thread: Thread) {
    override fun toString(): String = "Looper(${thread.name})"

    companion object {
        @Volatile
        private var main: Looper? = null
        private val mine = ThreadLocal<Looper?>()

        @JvmStatic
        fun prepareMainLooper() {
            val looper = Looper(Thread.currentThread())
            mine.set(looper)
            main = looper
        }

        @JvmStatic
        fun getMainLooper(): Looper? = main

        @JvmStatic
        fun myLooper(): Looper? = mine.get()
    }
}
