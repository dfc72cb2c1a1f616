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
 * the application context. This file is compiled only by the Android build (`src/androidMain`,
 * wired in `build.gradle.kts`); the JVM tests compile the rest of the module without the SDK.
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
        this.context = context.applicationContext ?: context
        ConnectyCube.callbackExecutor = MainThreadExecutor
    }
}

/** Runs callbacks on the main looper (`Handler(Looper.getMainLooper())`). */
private object MainThreadExecutor : Executor {
    private val handler = Handler(Looper.getMainLooper())

    // Always posted, never run inline: callbacks keep the order they were sent in.
    override fun execute(command: Runnable) {
        handler.post(command)
    }
}
