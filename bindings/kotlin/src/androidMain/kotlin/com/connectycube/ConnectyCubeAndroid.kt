package com.connectycube

import android.content.Context
import android.os.Handler
import android.os.Looper
import java.util.concurrent.Executor

/**
 * The Android entry point, as in the official SDK:
 * `ConnectyCubeAndroid.init(appId, authKey, context = applicationContext)`.
 *
 * Besides [ConnectyCube.init], it makes the callback forms deliver on the main thread and keeps
 * the application context. The Android build compiles it against the platform (`src/androidMain`,
 * wired in `build.gradle.kts`); the JVM tests compile it against stand-ins of `Context`,
 * `Looper` and `Handler` and run it (`AndroidEntryTests.kt`).
 */
object ConnectyCubeAndroid {
    /** The application context given to [init]. */
    @JvmStatic
    lateinit var context: Context
        private set

    @JvmStatic
    @JvmOverloads
    fun init(
        applicationId: String,
        authorizationKey: String,
        connectycubeConfig: ConnectycubeConfig? = null,
        context: Context,
    ) {
        remember(context)
        ConnectyCube.init(applicationId, authorizationKey, connectycubeConfig)
    }

    @Deprecated("authorizationSecret is deprecated; use init(applicationId, authorizationKey, connectycubeConfig, context)")
    @JvmStatic
    @JvmOverloads
    fun init(
        applicationId: String,
        authorizationKey: String,
        authorizationSecret: String,
        connectycubeConfig: ConnectycubeConfig? = null,
        context: Context,
    ) {
        remember(context)
        @Suppress("DEPRECATION")
        ConnectyCube.init(applicationId, authorizationKey, authorizationSecret, connectycubeConfig)
    }

    private fun remember(context: Context) {
        this.context = context.getApplicationContext() ?: context
        ConnectyCube.callbackExecutor = MainThreadExecutor
    }
}

/** Runs callbacks on the main looper (`Handler(Looper.getMainLooper())`). */
private object MainThreadExecutor : Executor {
    // Never null on a device once the app runs; the check keeps it compiling against the
    // JVM stand-in, whose main looper exists only after a test prepares one.
    private val handler = Handler(checkNotNull(Looper.getMainLooper()) { "no main looper" })

    // Always posted, never run inline: callbacks keep the order they were sent in.
    override fun execute(command: Runnable) {
        handler.post(command)
    }
}
