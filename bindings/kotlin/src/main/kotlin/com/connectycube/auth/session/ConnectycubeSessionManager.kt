package com.connectycube.auth.session

import com.connectycube.AuthChangeReason
import com.connectycube.AuthState
import com.connectycube.ConnectyCube
import com.connectycube.deliverLogged
import java.util.Date
import java.util.concurrent.CopyOnWriteArrayList
import com.connectycube.ConnectycubeSessionManager as SessionManager

/**
 * The 1.x session manager: `ConnectycubeSessionManager.getInstance()`, its getters and its
 * [SessionListener]s. The package is the one this SDK gives the 1.x `ConnectycubeSession`
 * (1.x's own package for this class is not documented); `com.connectycube.ConnectycubeSessionManager`
 * is the 2.x object.
 *
 * The listeners are fed by the SDK's auth state (the source of [ConnectyCube.authState]),
 * registered on the first [addListener]; each state maps to one callback on
 * [ConnectyCube.callbackExecutor]:
 *
 * | state's reason | callback |
 * |---|---|
 * | `CREATED`, `SIGNED_IN` | `onSessionCreated(session)` |
 * | `RENEWED`, `PASSWORD_CHANGED`, `SIGNED_OUT` | `onSessionUpdated(session)` |
 * | `RESTORED` | `onSessionRestored(session)` |
 * | `DESTROYED`, `USER_DELETED` | `onSessionDeleted()` |
 * | `EXPIRED`, `RENEWAL_FAILED` | `onSessionExpired()` |
 * | `INITIAL` | none |
 */
class ConnectycubeSessionManager private constructor() {
    /** 1.x's session callbacks. */
    interface SessionListener {
        /** A session was created or a user signed in. `session` is null if it was gone again before delivery. */
        fun onSessionCreated(session: ConnectycubeSession?)

        /** The session was renewed, its user's password changed, or its user signed out. */
        fun onSessionUpdated(session: ConnectycubeSession?)

        /** The session was destroyed or its user deleted. */
        fun onSessionDeleted()

        /** A saved session was confirmed by the server. */
        fun onSessionRestored(session: ConnectycubeSession?)

        /** The server no longer accepts the session, or its renewal failed. */
        fun onSessionExpired()

        /** Never called: the SDK keeps no provider (Facebook, Firebase) session to expire. */
        fun onProviderSessionExpired(provider: String)
    }

    private val listeners = CopyOnWriteArrayList<SessionListener>()

    /** Registered with the auth state while any listener is. */
    private val observer: (AuthState) -> Unit = ::dispatch

    fun addListener(listener: SessionListener) {
        synchronized(listeners) {
            if (listeners.addIfAbsent(listener) && listeners.size == 1) ConnectyCube.observeAuthStates(observer)
        }
    }

    fun removeListener(listener: SessionListener) {
        synchronized(listeners) {
            if (listeners.remove(listener) && listeners.isEmpty()) ConnectyCube.stopObservingAuthStates(observer)
        }
    }

    /** The session the SDK holds (no network call), or null. */
    fun getActiveSession(): ConnectycubeSession? = SessionManager.activeSession?.let(::ConnectycubeSession)

    /** Whether a session is held and live by its known expiry. */
    fun isValidActiveSession(): Boolean = SessionManager.isActiveSessionValid()

    fun getToken(): String? = SessionManager.getToken()

    fun getTokenExpirationDate(): Date? = SessionManager.getTokenExpirationDate()?.let(::Date)

    /**
     * Runs on the auth state's thread, one state at a time, so the session read here is the
     * one of this state (or a later one, if it changed meanwhile).
     */
    private fun dispatch(state: AuthState) {
        val call: (SessionListener) -> Unit = when (state.reason) {
            AuthChangeReason.CREATED, AuthChangeReason.SIGNED_IN -> getActiveSession().let { s -> { it.onSessionCreated(s) } }
            AuthChangeReason.RENEWED, AuthChangeReason.PASSWORD_CHANGED, AuthChangeReason.SIGNED_OUT ->
                getActiveSession().let { s -> { it.onSessionUpdated(s) } }
            AuthChangeReason.RESTORED -> getActiveSession().let { s -> { it.onSessionRestored(s) } }
            AuthChangeReason.DESTROYED, AuthChangeReason.USER_DELETED -> { listener -> listener.onSessionDeleted() }
            AuthChangeReason.EXPIRED, AuthChangeReason.RENEWAL_FAILED -> { listener -> listener.onSessionExpired() }
            AuthChangeReason.INITIAL -> return
        }
        // The listeners of this moment (one added later starts with the next state), less any
        // removed before the callback runs.
        val targets = listeners.toList()
        ConnectyCube.callbackExecutor.execute {
            for (listener in targets) {
                if (listener in listeners) deliverLogged("a SessionListener") { call(listener) }
            }
        }
    }

    companion object {
        private val instance = ConnectycubeSessionManager()

        @JvmStatic
        fun getInstance(): ConnectycubeSessionManager = instance
    }
}
