package com.connectycube.test

import android.util.Log
import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeLogLevel
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.ConnectycubeSettings
import com.connectycube.ConnectycubeUser
import com.connectycube.JulLogger
import com.connectycube.LogcatLogger
import com.connectycube.core.LogLevel
import com.connectycube.defaultLoggerFor
import java.util.logging.Level
import java.util.logging.LogRecord
import java.util.logging.Logger
import kotlinx.coroutines.runBlocking

fun loggingTests(): List<Pair<String, () -> Any?>> = listOf(
    "logs: isDebugEnabled at TRACE, a full flow through the default JUL logger com.connectycube, no secret" to
        ::julAtTrace,
    "logs: debug off, a full flow logs nothing" to ::debugOffLogsNothing,
    "logs: setLogger(lambda) at INFO hears the session's life, no request lines, JUL nothing" to ::appLoggerAtInfo,
    "logs: logcat (tag ConnectyCube) through android.util.Log, the default on Android" to ::logcat,
    "logs: 1.x ConnectycubeSettings.getInstance().setLogLevel(LogLevel.DEBUG / NOTHING)" to ::legacyLogLevel,
)

private const val LOG_CANARY = "CANARY"
private const val LOG_CANARY_PASSWORD = "CANARY-PASSWORD-8e1f"
private const val LOG_CANARY_NEW_PASSWORD = "CANARY-PASSWORD-NEW-3b7a"

/** The emulator's default auth secret: sessions are signed with it in these flows. */
private const val LOG_AUTH_SECRET = "SECRETsecret123"

/**
 * Signs a user up with a canary password, starts the SDK with the auth secret (every session
 * signed) and the sign-in kept to renew, then: sign in, expire and renew, change the password,
 * sign out, destroy. Returns every secret the flow used (tokens, key, secret, passwords).
 */
fun loggedFlow(): List<String> = runBlocking {
    val login = unique("logged")
    val me = ConnectyCube.signUp(ConnectycubeUser(login = login, password = LOG_CANARY_PASSWORD)).id
    @Suppress("DEPRECATION")
    ConnectyCube.init(APP_ID, AUTH_KEY, LOG_AUTH_SECRET, ConnectycubeConfig(endpoint))
    val secrets = mutableListOf(AUTH_KEY, LOG_AUTH_SECRET, LOG_CANARY_PASSWORD, LOG_CANARY_NEW_PASSWORD)
    secrets += listOfNotNull(ConnectyCube.createSession(ConnectycubeUser(login = login, password = LOG_CANARY_PASSWORD)).token)
    Emulator.advanceClock(7201)
    assertEquals(me, ConnectyCube.getUserById(me).id, "a call on the expired session")
    secrets += listOfNotNull(ConnectycubeSessionManager.getToken())
    ConnectyCube.updateUser(ConnectycubeUser(password = LOG_CANARY_NEW_PASSWORD, oldPassword = LOG_CANARY_PASSWORD))
    ConnectyCube.signOut()
    secrets += listOfNotNull(ConnectycubeSessionManager.getToken())
    ConnectyCube.destroySession()
    secrets
}

/** Waits until a line containing [part] arrives (lines reach the logger on the SDK's thread). */
fun awaitLine(lines: () -> List<String>, part: String): List<String> {
    val deadline = System.currentTimeMillis() + CALLBACK_TIMEOUT_SECONDS * 1000
    while (lines().none { part in it }) {
        if (System.currentTimeMillis() > deadline) throw AssertionError("no line with '$part' in ${lines()}")
        Thread.sleep(10)
    }
    return lines()
}

fun assertNoSecret(lines: List<String>, secrets: List<String>) {
    for (line in lines) {
        assertTrue(LOG_CANARY !in line) { "a canary in: $line" }
        for (secret in secrets) assertTrue(secret !in line) { "a secret in: $line" }
    }
}

/** Debug logging as a test sets it, back to the defaults (off, DEBUG, default logger) after [block]. */
fun <R> withLogging(level: ConnectycubeLogLevel, enabled: Boolean = true, block: () -> R): R {
    ConnectycubeSettings.logLevel = level
    ConnectycubeSettings.isDebugEnabled = enabled
    try {
        return block()
    } finally {
        ConnectycubeSettings.isDebugEnabled = false
        ConnectycubeSettings.logLevel = ConnectycubeLogLevel.DEBUG
        ConnectycubeSettings.setLogger(null)
    }
}

private fun LogRecord.line(): String = "${level.name} $sourceClassName: $message"

fun julAtTrace() = capturingSdkLog { records ->
    val jul = Logger.getLogger("com.connectycube")
    withLogging(ConnectycubeLogLevel.TRACE) {
        assertEquals(Level.FINEST, jul.level, "the JUL logger opened to TRACE")
        val secrets = loggedFlow()
        val lines = awaitLine({ synchronized(records) { records.map { it.line() } } }, "reason=Destroyed")
        assertNoSecret(lines, secrets)
        for (expected in listOf(
            listOf("INFO connectycube::", "session state changed", "kind=SignedIn", "reason=SignedIn"),
            listOf("INFO", "kind=NoSession", "reason=Expired"),
            listOf("INFO", "kind=SignedIn", "reason=Renewed"),
            listOf("INFO", "reason=PasswordChanged"),
            listOf("INFO", "kind=AppSession", "reason=SignedOut"),
            listOf("FINE connectycube::client", "sending", "method=GET", "/users/"),
            listOf("FINE connectycube::client", "answered", "status=200"),
        )) {
            assertTrue(lines.any { line -> expected.all { it in line } }) { "no line with $expected in $lines" }
        }
        assertTrue(lines.all { it.split(" ")[1].startsWith("connectycube") }) { "a line of another crate: $lines" }
    }
    jul.level = null
}

fun debugOffLogsNothing() = capturingSdkLog { records ->
    withLogging(ConnectycubeLogLevel.TRACE, enabled = false) {
        loggedFlow()
        // Lines reach the logger in order: once this call's lines arrive, any the flow had
        // queued would have arrived before them.
        ConnectycubeSettings.isDebugEnabled = true
        runBlocking { ConnectyCube.createSession() }
        val lines = awaitLine({ synchronized(records) { records.map { it.line() } } }, "reason=Created")
        assertTrue(lines.first().contains("sending method=POST") && lines.first().endsWith("/session attempt=1")) {
            "lines before the marker call's: $lines"
        }
        assertTrue(lines.none { "/users" in it || "SignedIn" in it }) { "the flow was logged: $lines" }
    }
    Logger.getLogger("com.connectycube").level = null
}

fun appLoggerAtInfo() = capturingSdkLog { records ->
    val heard = java.util.Collections.synchronizedList(mutableListOf<Triple<ConnectycubeLogLevel, String, String>>())
    withLogging(ConnectycubeLogLevel.INFO) {
        ConnectycubeSettings.setLogger { level, target, message -> heard.add(Triple(level, target, message)) }
        val secrets = loggedFlow()
        val lines = awaitLine({ synchronized(heard) { heard.map { "${it.first} ${it.second}: ${it.third}" } } }, "reason=Destroyed")
        assertNoSecret(lines, secrets)
        assertTrue(lines.any { "reason=Renewed" in it }) { "no renewal in $lines" }
        assertTrue(synchronized(heard) { heard.all { it.first <= ConnectycubeLogLevel.INFO } }) { "a line above INFO: $lines" }
        assertEquals(0, records.size, "JUL records while an app logger is set")
    }
    Logger.getLogger("com.connectycube").level = null
}

fun logcat() {
    assertTrue(defaultLoggerFor("Dalvik") === LogcatLogger) { "the default on Android is not logcat" }
    assertTrue(defaultLoggerFor("OpenJDK 64-Bit Server VM") === JulLogger) { "the default on the JVM is not JUL" }
    Log.lines.clear()
    withLogging(ConnectycubeLogLevel.DEBUG) {
        ConnectycubeSettings.setLogger(LogcatLogger)
        runBlocking { ConnectyCube.createSession() }
        awaitLine({ synchronized(Log.lines) { Log.lines.map { it.message } } }, "reason=Created")
        val lines = synchronized(Log.lines) { Log.lines.toList() }
        assertTrue(lines.all { it.tag == "ConnectyCube" }) { "tags: $lines" }
        val created = lines.first { "reason=Created" in it.message }
        assertEquals(4, created.priority, "an INFO line's priority")
        assertTrue(created.message.startsWith("connectycube::session::auth_state: session state changed")) { created.message }
        assertEquals(3, lines.first { "sending" in it.message }.priority, "a DEBUG line's priority")
    }
    Logger.getLogger("com.connectycube").level = null
}

fun legacyLogLevel() {
    val legacy = com.connectycube.core.ConnectycubeSettings.getInstance()
    try {
        assertEquals(LogLevel.NOTHING, legacy.getLogLevel(), "1.x default")
        legacy.setLogLevel(LogLevel.DEBUG)
        assertTrue(ConnectycubeSettings.isDebugEnabled) { "DEBUG did not turn the log on" }
        assertTrue(legacy.isDebugEnabled) { "1.x isDebugEnabled" }
        legacy.setLogLevel(LogLevel.NOTHING)
        assertTrue(!ConnectycubeSettings.isDebugEnabled) { "NOTHING did not turn the log off" }
    } finally {
        ConnectycubeSettings.isDebugEnabled = false
        Logger.getLogger("com.connectycube").level = null
    }
}
