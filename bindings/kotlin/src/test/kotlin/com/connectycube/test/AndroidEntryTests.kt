package com.connectycube.test

import android.content.Context
import android.os.Looper
import com.connectycube.ConnectyCube
import com.connectycube.ConnectyCubeAndroid
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeUser
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

// `src/androidMain` (what only an Android app compiles) built against the stand-ins of the
// platform classes it names: `Context` (src/jvmMain), `Looper` and `Handler` (test sources).
fun androidEntryTests(): List<Pair<String, () -> Any?>> = listOf(
    "ConnectyCubeAndroid.init(…, context): the application context kept, callbacks on the main looper" to
        ::androidInit,
    "ConnectyCubeAndroid.init(…, secret, context): a context without an application context is kept itself" to
        ::androidInitWithSecret,
)

private class StandInContext(private val application: Context?) : Context() {
    override fun getApplicationContext(): Context? = application
}

/** Runs [test] with the JVM's callback executor put back afterwards, whatever it did. */
private fun keepingJvmExecutor(test: () -> Unit) {
    val jvmExecutor = ConnectyCube.callbackExecutor
    Thread { Looper.prepareMainLooper() }.apply { start() }.join()
    try {
        test()
    } finally {
        ConnectyCube.callbackExecutor = jvmExecutor
    }
}

/** The thread the callback form of a sign-up delivers on, or the error it delivers. */
private fun callbackThreadOfSignUp(): String {
    val thread = AtomicReference<String>()
    val done = CountDownLatch(1)
    ConnectyCube.signUp(
        ConnectycubeUser(login = unique("android"), password = "supersecurepwd"),
        { thread.set(Thread.currentThread().name); done.countDown() },
        { error -> thread.set("error: $error"); done.countDown() },
    )
    assertTrue(done.await(CALLBACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) { "no callback" }
    return thread.get()
}

private fun androidInit() = keepingJvmExecutor {
    val application = StandInContext(null)
    val activity = StandInContext(application)
    ConnectyCubeAndroid.init(APP_ID, AUTH_KEY, ConnectycubeConfig(endpoint), context = activity)
    assertTrue(ConnectyCubeAndroid.context === application) { "the application context kept, not the activity" }
    assertEquals("android-main", callbackThreadOfSignUp(), "callback thread")
}

private fun androidInitWithSecret() = keepingJvmExecutor {
    val application = StandInContext(null)
    @Suppress("DEPRECATION")
    ConnectyCubeAndroid.init(APP_ID, AUTH_KEY, "", ConnectycubeConfig(endpoint), context = application)
    assertTrue(ConnectyCubeAndroid.context === application) { "a context without an application context" }
    assertEquals("android-main", callbackThreadOfSignUp(), "callback thread")
}
