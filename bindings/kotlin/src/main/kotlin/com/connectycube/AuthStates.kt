package com.connectycube

import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicBoolean
import java.util.logging.Level
import java.util.logging.Logger
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow

/**
 * The one native listener behind [ConnectyCube.authState] and the 1.x session listeners.
 * Created on first use, so an app that never watches the auth state registers nothing; it
 * stays registered for the life of the process (it follows every `init`, as native listeners do).
 *
 * The native side calls [onAuthStateChanged] one state at a time, in order, on a background
 * thread; [observers] are called there too, so each sees every state in order.
 */
internal class AuthStateSource(native: ConnectyCubeNative) : AuthStateListener {
    private val current = MutableStateFlow(native.authState())
    private val observers = CopyOnWriteArrayList<(AuthState) -> Unit>()

    val state: StateFlow<AuthState> = current.asStateFlow()

    init {
        native.addAuthStateListener(this)
    }

    override fun onAuthStateChanged(state: AuthState) {
        // The native listener starts with the current state again (reason Initial); the flow
        // already holds it with the reason it last changed for, which says more.
        val value = current.value
        val unchanged = state.reason == AuthChangeReason.INITIAL && state.kind == value.kind && state.userId == value.userId
        if (!unchanged) current.value = state
        for (observer in observers) observer(state)
    }

    /** Calls [observer] with every later state, in order, on the native listener's thread. */
    fun observe(observer: (AuthState) -> Unit) {
        observers.add(observer)
    }

    fun stopObserving(observer: (AuthState) -> Unit) {
        observers.remove(observer)
    }
}

/**
 * A cold flow of every state: each collector registers its own native listener (so it starts
 * with the current state, reason Initial) and cancels it when collection stops. The buffer is
 * unbounded so the SDK's thread never waits for a slow collector and no state is dropped.
 */
internal fun authStatesFlow(native: ConnectyCubeNative): Flow<AuthState> = callbackFlow {
    val subscription = native.addAuthStateListener(object : AuthStateListener {
        override fun onAuthStateChanged(state: AuthState) {
            trySend(state)
        }
    })
    awaitClose { subscription.cancel() }
}.buffer(Channel.UNLIMITED)

/**
 * Registers a native listener that hands each state to [listener] on
 * [ConnectyCube.callbackExecutor]. A listener that throws is logged (never its message, which
 * may hold app data) and keeps hearing later states.
 */
internal fun addExecutorListener(native: ConnectyCubeNative, listener: (AuthState) -> Unit): AuthStateSubscription {
    val active = AtomicBoolean(true)
    val registered = native.addAuthStateListener(object : AuthStateListener {
        override fun onAuthStateChanged(state: AuthState) {
            ConnectyCube.callbackExecutor.execute {
                if (active.get()) deliverLogged("an auth state listener") { listener(state) }
            }
        }
    })
    return ExecutorSubscription(registered, active)
}

/**
 * The native subscription, whose `cancel()` also drops the states already handed to the
 * executor: the contract is that nothing is delivered once `cancel()` returns. uniffi's class
 * is open, with a handle-less constructor, so the public type stays `AuthStateSubscription`.
 */
private class ExecutorSubscription(
    private val registered: AuthStateSubscription,
    private val active: AtomicBoolean,
) : AuthStateSubscription(NoHandle) {
    override fun cancel() {
        active.set(false)
        registered.cancel()
    }

    override fun destroy() = registered.destroy()
}

/** Runs an app's callback; an exception it throws is logged, so delivery continues. */
internal inline fun deliverLogged(what: String, callback: () -> Unit) {
    try {
        callback()
    } catch (e: Exception) {
        authStateLog.log(Level.WARNING, "$what threw ${e.javaClass.name}")
    }
}

/** The SDK's `java.util.logging` logger (on Android, JUL reaches logcat). */
internal val authStateLog: Logger = Logger.getLogger("com.connectycube")
