package com.connectycube

/**
 * The session the SDK holds, without network calls — as the official SDK's
 * `ConnectycubeSessionManager`: `ConnectycubeSessionManager.activeSession`,
 * `ConnectycubeSessionManager.isActiveSessionValid()`, `ConnectycubeSessionManager.getToken()`.
 *
 * uniffi objects have methods, not properties, and cannot be Kotlin `object`s; the generated
 * class is [ConnectycubeSessionManagerNative] (renamed in `uniffi.toml`) and this object forwards
 * to its shared instance.
 */
object ConnectycubeSessionManager {
    private val native: ConnectycubeSessionManagerNative by lazy { ConnectycubeSessionManagerNative() }

    /**
     * The session held, if any. Setting a session uses it (its token, expiry and user id);
     * setting `null` forgets the session locally (it stays valid on the server).
     */
    @JvmStatic
    var activeSession: ConnectycubeSession?
        get() = native.activeSession()
        set(value) {
            if (value == null) native.deleteActiveSession() else native.saveActiveSession(value)
        }

    /** Whether a session is held and live by its known expiry. */
    @JvmStatic
    fun isActiveSessionValid(): Boolean = native.isActiveSessionValid()

    @JvmStatic
    fun getToken(): String? = native.getToken()

    /** Uses a token obtained elsewhere (an app backend, storage). */
    @JvmStatic
    fun setToken(token: String) = native.setToken(token)

    /** Expiry of the token, epoch milliseconds. */
    @JvmStatic
    fun getTokenExpirationDate(): Long? = native.getTokenExpirationDate()

    @JvmStatic
    fun saveActiveSession(session: ConnectycubeSession) = native.saveActiveSession(session)

    @JvmStatic
    fun deleteActiveSession() = native.deleteActiveSession()
}
