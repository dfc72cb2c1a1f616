package android.os

import java.util.concurrent.Executors

/**
 * A test-only stand-in for Android's `Handler`, with the constructor and `post` the SDK calls
 * (by reflection) to deliver callbacks on the main looper: posted work runs, in order, on one
 * thread named `android-main`. Never packaged: it lives in the test sources.
 */
class Handler(private val looper: Looper) {
    fun post(r: Runnable): Boolean {
        mainQueue.execute(r)
        return true
    }

    override fun toString(): String = "Handler($looper)"

    private companion object {
        val mainQueue = Executors.newSingleThreadExecutor { Thread(it, "android-main").apply { isDaemon = true } }
    }
}
