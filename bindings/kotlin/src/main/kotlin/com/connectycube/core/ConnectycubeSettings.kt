package com.connectycube.core

import android.content.Context
import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.core.server.MainThread

/** The 1.x service zones; only the endpoints given with one matter. */
enum class ServiceZone { AUTOMATIC, PRODUCTION, DEVELOPMENT, STAGE }

/**
 * The 1.x SDK's settings, as 1.x launch code sets them:
 * `ConnectycubeSettings.getInstance().init(context, appId, authKey, authSecret)`, then
 * `setEndpoints(…)` and `isAutoCreateSession`. Every change after [init] re-runs
 * `ConnectyCube.init` with the whole configuration, so it starts without a session, as
 * settings are applied at launch. On Android, callbacks are delivered on the main thread,
 * as `ConnectyCubeAndroid.init` does.
 */
class ConnectycubeSettings private constructor() {
    private class App(val id: String, val authKey: String, val authSecret: String?)

    @Volatile
    private var app: App? = null

    /** The application context given to [init]. */
    @Volatile
    var context: Context? = null
        private set

    @Volatile
    var apiEndpoint: String = DEFAULT_API_ENDPOINT
        private set

    @Volatile
    var chatEndpoint: String = DEFAULT_CHAT_ENDPOINT
        private set

    /** Kept for 1.x code that sets it; the account key selects nothing here. */
    @Volatile
    var accountKey: String? = null

    /**
     * 1.x's `setAutoCreateSession`: true (the default) keeps a login/email + password sign-in
     * in memory so an expired session renews itself; false turns that off (`retainCredentials`).
     */
    @Volatile
    var isAutoCreateSession: Boolean = true
        set(value) {
            field = value
            apply()
        }

    /** 1.x's debug switch: the new API's `ConnectycubeSettings.isDebugEnabled`. */
    var isDebugEnabled: Boolean
        get() = com.connectycube.ConnectycubeSettings.isDebugEnabled
        set(value) {
            com.connectycube.ConnectycubeSettings.isDebugEnabled = value
        }

    /** `DEBUG` logs (see [isDebugEnabled]), `NOTHING` does not. */
    fun setLogLevel(logLevel: LogLevel) {
        isDebugEnabled = logLevel == LogLevel.DEBUG
    }

    fun getLogLevel(): LogLevel = if (isDebugEnabled) LogLevel.DEBUG else LogLevel.NOTHING

    /** Sets up the SDK for an application; a null or empty [authorizationSecret] leaves sessions unsigned. */
    @JvmOverloads
    fun init(context: Context, applicationId: String, authorizationKey: String, authorizationSecret: String? = null) {
        this.context = context.getApplicationContext() ?: context
        app = App(applicationId, authorizationKey, authorizationSecret?.takeIf { it.isNotEmpty() })
        MainThread.executorOrNull()?.let { ConnectyCube.callbackExecutor = it }
        apply()
    }

    /** The API and chat endpoints (a staging server, a local emulator). */
    fun setEndpoints(apiEndpoint: String, chatEndpoint: String, serviceZone: ServiceZone) {
        this.apiEndpoint = apiEndpoint
        this.chatEndpoint = chatEndpoint
        apply()
    }

    private fun apply() {
        val app = app ?: return
        val config = ConnectycubeConfig(apiEndpoint, chatEndpoint, retainCredentials = isAutoCreateSession)
        if (app.authSecret == null) {
            ConnectyCube.init(app.id, app.authKey, config)
        } else {
            @Suppress("DEPRECATION")
            ConnectyCube.init(app.id, app.authKey, app.authSecret, config)
        }
    }

    companion object {
        const val DEFAULT_API_ENDPOINT = "https://api.connectycube.com"
        const val DEFAULT_CHAT_ENDPOINT = "chat.connectycube.com"

        private val instance = ConnectycubeSettings()

        @JvmStatic
        fun getInstance(): ConnectycubeSettings = instance
    }
}
