package com.connectycube.test

import com.connectycube.AuthChangeReason
import com.connectycube.AuthChangeReason.DESTROYED
import com.connectycube.AuthChangeReason.EXPIRED
import com.connectycube.AuthChangeReason.INITIAL
import com.connectycube.AuthChangeReason.PASSWORD_CHANGED
import com.connectycube.AuthChangeReason.RENEWED
import com.connectycube.AuthChangeReason.SIGNED_IN
import com.connectycube.AuthChangeReason.SIGNED_OUT
import com.connectycube.AuthState
import com.connectycube.AuthStateKind
import com.connectycube.AuthStateKind.APP_SESSION
import com.connectycube.AuthStateKind.NO_SESSION
import com.connectycube.AuthStateKind.SIGNED_IN as SIGNED_IN_KIND
import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeUser
import com.connectycube.auth.session.ConnectycubeSession
import com.connectycube.auth.session.ConnectycubeSessionManager
import java.util.logging.Handler
import java.util.logging.LogRecord
import java.util.logging.Logger
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout

fun authStateTests(): List<Pair<String, () -> Any?>> = listOf(
    "auth state: authStates() hears a session's life in order, stops when collection stops" to ::authStatesFlowLife,
    "auth state: addAuthStateListener on callbackExecutor; a throwing listener is logged, keeps hearing" to
        ::listenerLife,
    "auth state: a fresh subscriber starts with the current state (Initial); authState.value follows" to
        ::freshSubscriberAndStateFlow,
    "auth state: listeners and authState follow init to the new start" to ::followsInit,
    "auth state: 1.x SessionListener hears the mapped callbacks in order, despite another's throws; removeListener stops it" to
        ::legacySessionListener,
)

private const val PASSWORD = "supersecurepwd"
private const val NEW_PASSWORD = "brand-new-pass"

/** (kind, userId, reason): what an app checks of a state. */
typealias StateTriple = Triple<AuthStateKind, Int?, AuthChangeReason>

fun AuthState.triple(): StateTriple = Triple(kind, userId, reason)

/** The documented sequence of [sessionLife] for a subscriber added before it starts. */
fun documentedSequence(me: Int): List<StateTriple> = listOf(
    Triple(NO_SESSION, null, INITIAL),
    Triple(SIGNED_IN_KIND, me, SIGNED_IN),
    Triple(NO_SESSION, null, EXPIRED),
    Triple(SIGNED_IN_KIND, me, RENEWED),
    Triple(SIGNED_IN_KIND, me, PASSWORD_CHANGED),
    Triple(APP_SESSION, null, SIGNED_OUT),
    Triple(NO_SESSION, null, DESTROYED),
)

/**
 * Signs a user up and returns its id, then starts the SDK as an app written from the docs has
 * it (the sign-in is kept to renew an expired session), with no session.
 */
fun initForRenewal(login: String): Int = runBlocking {
    val id = ConnectyCube.signUp(ConnectycubeUser(login = login, password = PASSWORD)).id
    ConnectyCube.init(APP_ID, AUTH_KEY, ConnectycubeConfig(endpoint))
    id
}

/**
 * Sign in, let the session expire and renew, change the password, sign out, destroy.
 * [between] runs after each step (to wait for a slower observer before the next one).
 */
fun sessionLife(me: Int, login: String, between: () -> Unit = {}) = runBlocking {
    val session = ConnectyCube.createSession(ConnectycubeUser(login = login, password = PASSWORD))
    assertEquals(me, session.userId, "signed-in user")
    between()
    Emulator.advanceClock(7201)
    assertEquals(me, ConnectyCube.getUserById(me).id, "a call on the expired session")
    between()
    ConnectyCube.updateUser(ConnectycubeUser(password = NEW_PASSWORD, oldPassword = PASSWORD))
    between()
    ConnectyCube.signOut()
    between()
    ConnectyCube.destroySession()
    between()
}

/** What a subscriber heard, in order, for tests to wait on; usable from Java. */
class Received<T> {
    private val items = mutableListOf<T>()
    private val lock = Object()

    fun add(item: T) = synchronized(lock) {
        items.add(item)
        lock.notifyAll()
    }

    /** Waits for [count] items, then a moment more, and returns all of them (so extras show). */
    fun await(count: Int, what: String): List<T> {
        val deadline = System.currentTimeMillis() + CALLBACK_TIMEOUT_SECONDS * 1000
        synchronized(lock) {
            while (items.size < count) {
                val left = deadline - System.currentTimeMillis()
                if (left <= 0) throw AssertionError("$what: ${items.size} of $count within the timeout: $items")
                lock.wait(left)
            }
        }
        Thread.sleep(150)
        return snapshot()
    }

    fun snapshot(): List<T> = synchronized(lock) { items.toList() }
}

/** Records what the `com.connectycube` logger receives while [block] runs. */
fun <R> capturingSdkLog(block: (List<LogRecord>) -> R): R {
    val logger = Logger.getLogger("com.connectycube")
    val records = java.util.Collections.synchronizedList(mutableListOf<LogRecord>())
    val handler = object : Handler() {
        override fun publish(record: LogRecord) {
            records.add(record)
        }
        override fun flush() {}
        override fun close() {}
    }
    logger.addHandler(handler)
    try {
        return block(records)
    } finally {
        logger.removeHandler(handler)
    }
}

// ------------------------------------------------------------------ the tests

fun authStatesFlowLife() = runBlocking {
    val login = unique("marvin")
    val me = initForRenewal(login)
    val heard = Received<StateTriple>()
    // Started before the flow runs (UNDISPATCHED registers the native listener at once).
    val collector = launch(Dispatchers.Default, start = CoroutineStart.UNDISPATCHED) {
        ConnectyCube.authStates().collect { heard.add(it.triple()) }
    }
    try {
        heard.await(1, "the first state")
        sessionLife(me, login)
        val expected = documentedSequence(me)
        assertEquals(expected, heard.await(expected.size, "authStates()"), "the states collected")
    } finally {
        collector.cancel()
        collector.join()
    }
    // Collection stopped: its native listener is cancelled, so nothing more arrives.
    val count = heard.snapshot().size
    ConnectyCube.createSession()
    Thread.sleep(300)
    assertEquals(count, heard.snapshot().size, "states after the collector stopped")
}

fun listenerLife() = capturingSdkLog { log ->
    val login = unique("marvin")
    val me = initForRenewal(login)
    val heard = Received<StateTriple>()
    val threads = Received<String>()
    val thrower = Received<StateTriple>()
    val listening = ConnectyCube.addAuthStateListener { state ->
        threads.add(Thread.currentThread().name)
        heard.add(state.triple())
    }
    val throwing = ConnectyCube.addAuthStateListener { state ->
        thrower.add(state.triple())
        throw IllegalStateException("the app's listener failed for $PASSWORD")
    }
    try {
        heard.await(1, "the first state")
        sessionLife(me, login)
        val expected = documentedSequence(me)
        assertEquals(expected, heard.await(expected.size, "listener"), "the states heard")
        assertEquals(expected, thrower.await(expected.size, "throwing listener"), "a listener that throws keeps hearing")
        assertTrue(threads.snapshot().all { it == "connectycube-callbacks" }) { "threads: ${threads.snapshot()}" }
        val warnings = log.toList().filter { it.message.contains("auth state listener threw") }
        assertEquals(expected.size, warnings.size, "one warning per throw")
        assertTrue(warnings.all { it.message.contains("IllegalStateException") && !it.message.contains(PASSWORD) }) {
            "warnings: ${warnings.map { it.message }}"
        }
        // The SDK keeps working after the listener threw.
        val user = runBlocking { ConnectyCube.createSession(ConnectycubeUser(login = login, password = NEW_PASSWORD)) }
        assertEquals(me, user.userId, "a sign-in after the throws")
    } finally {
        listening.cancel()
        throwing.cancel()
    }
    // Cancelled: nothing more is delivered.
    val count = heard.snapshot().size
    runBlocking { ConnectyCube.signOut() }
    Thread.sleep(300)
    assertEquals(count, heard.snapshot().size, "states after cancel()")
}

fun freshSubscriberAndStateFlow() = runBlocking {
    val login = unique("marvin")
    val me = initForRenewal(login)
    // Right after init the StateFlow holds no session.
    awaitStateFlow("after init") { it.kind == NO_SESSION }
    ConnectyCube.createSession(ConnectycubeUser(login = login, password = PASSWORD))
    assertEquals(Triple(SIGNED_IN_KIND, me, SIGNED_IN), awaitStateFlow("signed in") { it.kind == SIGNED_IN_KIND }.triple(), "authState.value")
    assertEquals(Triple(SIGNED_IN_KIND, me, SIGNED_IN), ConnectyCube.authState().triple(), "authState()")

    // A fresh subscriber: the current state first, reason Initial.
    val first = withTimeout(CALLBACK_TIMEOUT_SECONDS * 1000) { ConnectyCube.authStates().first() }
    assertEquals(Triple(SIGNED_IN_KIND, me, INITIAL), first.triple(), "authStates().first()")
    val heard = Received<StateTriple>()
    val subscription = ConnectyCube.addAuthStateListener { heard.add(it.triple()) }
    try {
        assertEquals(listOf(Triple(SIGNED_IN_KIND, me, INITIAL)), heard.await(1, "fresh listener"), "fresh listener")
    } finally {
        subscription.cancel()
    }

    ConnectyCube.signOut()
    assertEquals(Triple(APP_SESSION, null, SIGNED_OUT), awaitStateFlow("signed out") { it.kind == APP_SESSION }.triple(), "authState.value")
    ConnectyCube.destroySession()
    assertEquals(Triple(NO_SESSION, null, DESTROYED), awaitStateFlow("destroyed") { it.kind == NO_SESSION }.triple(), "authState.value")
    assertEquals(Triple(NO_SESSION, null, DESTROYED), ConnectyCube.authState.value.triple(), "authState.value read directly")
}

private suspend fun awaitStateFlow(what: String, predicate: (AuthState) -> Boolean): AuthState =
    try {
        withTimeout(CALLBACK_TIMEOUT_SECONDS * 1000) { ConnectyCube.authState.first(predicate) }
    } catch (e: kotlinx.coroutines.TimeoutCancellationException) {
        throw AssertionError("$what: authState.value stayed ${ConnectyCube.authState.value}")
    }

fun followsInit() = runBlocking {
    initForRenewal(unique("marvin"))
    val heard = Received<StateTriple>()
    val subscription = ConnectyCube.addAuthStateListener { heard.add(it.triple()) }
    try {
        heard.await(1, "the first state")
        ConnectyCube.createSession()
        assertEquals(Triple(APP_SESSION, null, AuthChangeReason.CREATED), awaitStateFlow("app session") { it.kind == APP_SESSION }.triple(), "authState.value")
        ConnectyCube.init(APP_ID, AUTH_KEY, ConnectycubeConfig(endpoint))
        val expected = listOf(
            Triple(NO_SESSION, null, INITIAL),
            Triple(APP_SESSION, null, AuthChangeReason.CREATED),
            Triple(NO_SESSION, null, INITIAL),
        )
        assertEquals(expected, heard.await(expected.size, "listener across init"), "the states heard")
        assertEquals(Triple(NO_SESSION, null, INITIAL), awaitStateFlow("after init") { it.kind == NO_SESSION }.triple(), "authState.value")
    } finally {
        subscription.cancel()
    }
}

/** A 1.x listener recording its callbacks as `name:userId` (`-` where none is passed). */
class RecordingSessionListener : ConnectycubeSessionManager.SessionListener {
    val heard = Received<String>()
    val threads = Received<String>()

    private fun record(callback: String, session: ConnectycubeSession?) {
        threads.add(Thread.currentThread().name)
        heard.add("$callback:${session?.getUserId() ?: "-"}")
    }

    override fun onSessionCreated(session: ConnectycubeSession?) = record("created", session)
    override fun onSessionUpdated(session: ConnectycubeSession?) = record("updated", session)
    override fun onSessionDeleted() = record("deleted", null)
    override fun onSessionRestored(session: ConnectycubeSession?) = record("restored", session)
    override fun onSessionExpired() = record("expired", null)
    override fun onProviderSessionExpired(provider: String) = record("provider:$provider", null)
}

/** What [sessionLife] gives a 1.x listener: a signed-out session is an app session (no user). */
fun legacySequence(me: Int): List<String> =
    listOf("created:$me", "expired:-", "updated:$me", "updated:$me", "updated:-", "deleted:-")

fun legacySessionListener() = capturingSdkLog { log ->
    val login = unique("marvin")
    val me = initForRenewal(login)
    val manager = ConnectycubeSessionManager.getInstance()
    // Added first, so its throws come before the recording listener's callbacks.
    val throwing = object : ConnectycubeSessionManager.SessionListener {
        override fun onSessionCreated(session: ConnectycubeSession?) = throw IllegalStateException("app bug")
        override fun onSessionUpdated(session: ConnectycubeSession?) = throw IllegalStateException("app bug")
        override fun onSessionDeleted() = throw IllegalStateException("app bug")
        override fun onSessionRestored(session: ConnectycubeSession?) = throw IllegalStateException("app bug")
        override fun onSessionExpired() = throw IllegalStateException("app bug")
        override fun onProviderSessionExpired(provider: String) = throw IllegalStateException("app bug")
    }
    val listener = RecordingSessionListener()
    manager.addListener(throwing)
    manager.addListener(listener)
    try {
        var steps = 0
        // Each step waits for its callbacks, so the session each one carries is that step's.
        sessionLife(me, login) {
            steps += if (steps == 1) 2 else 1
            listener.heard.await(steps, "1.x callbacks")
        }
        val expected = legacySequence(me)
        assertEquals(expected, listener.heard.await(expected.size, "1.x callbacks"), "1.x callbacks")
        assertTrue(listener.threads.snapshot().all { it == "connectycube-callbacks" }) { "threads" }
        val warnings = log.toList().filter { it.message == "a SessionListener threw java.lang.IllegalStateException" }
        assertEquals(expected.size, warnings.size, "a warning per throwing callback")
        assertEquals(null, manager.getActiveSession(), "getActiveSession() after destroy")
        assertEquals(false, manager.isValidActiveSession(), "isValidActiveSession() after destroy")
        runBlocking { ConnectyCube.createSession(ConnectycubeUser(login = login, password = NEW_PASSWORD)) }
        assertEquals("created:$me", listener.heard.await(expected.size + 1, "after sign-in").last(), "created")
        assertEquals(me, manager.getActiveSession()?.getUserId(), "getActiveSession().userId")
        assertTrue(manager.isValidActiveSession()) { "isValidActiveSession()" }
        assertTrue(!manager.getToken().isNullOrEmpty()) { "getToken()" }
        assertTrue(manager.getTokenExpirationDate()!!.time > System.currentTimeMillis()) { "getTokenExpirationDate()" }
    } finally {
        manager.removeListener(throwing)
        manager.removeListener(listener)
    }
    val count = listener.heard.snapshot().size
    runBlocking { ConnectyCube.destroySession() }
    Thread.sleep(300)
    assertEquals(count, listener.heard.snapshot().size, "callbacks after removeListener")
}
