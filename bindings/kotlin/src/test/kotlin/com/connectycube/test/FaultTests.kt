package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeException
import com.connectycube.ConnectycubeProvider
import com.connectycube.ConnectycubeSession
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.ConnectycubeUser
import com.connectycube.PagedUsersResult
import java.io.IOException
import java.io.PrintWriter
import java.io.StringWriter
import java.net.InetAddress
import java.net.ServerSocket
import java.net.SocketTimeoutException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.coroutines.cancellation.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

// The fault suite's binding items: a cancelled call closes its connection; secrets (an
// endpoint's user:password@ too) never show in records' toString or in the errors of calls
// that carried them.

fun faultTests(): List<Pair<String, () -> Any?>> = listOf(
    "cancelled coroutine closes its connection promptly" to ::cancelledCoroutineClosesItsConnection,
    "cancelled callback Job closes its connection promptly" to ::cancelledCallbackJobClosesItsConnection,
    "records never print passwords or tokens" to ::recordsRedactSecrets,
    "configs never print an endpoint's user:password@ or PEM text" to ::configsRedactUserinfo,
    "errors of calls that carried a canary secret never show it" to ::errorsNeverShowCanaries,
)

// ------------------------------------------------------------------ cancellation

/**
 * Points the SDK at a server that reads the request and never answers, starts `createSession`
 * with [start], cancels the returned Job once the request arrived, and checks the server sees
 * the connection closed within 500 ms. Returns how the call ended: what [start] recorded
 * (a value, an exception), or [NOTHING].
 */
private fun cancelAndWatchTheSocket(start: (outcome: CompletableFuture<Any>) -> Job): Any {
    val outcome = CompletableFuture<Any>()
    ServerSocket(0, 8, InetAddress.getLoopbackAddress()).use { server ->
        server.soTimeout = 5_000
        ConnectyCube.init(APP_ID, AUTH_KEY, ConnectycubeConfig("http://127.0.0.1:${server.localPort}"))
        val job = start(outcome)
        server.accept().use { socket ->
            socket.soTimeout = 5_000
            val input = socket.getInputStream()
            val buffer = ByteArray(4096)
            val read = input.read(buffer)
            val request = if (read > 0) String(buffer, 0, read) else ""
            assertTrue(request.startsWith("POST /session")) { "request: ${request.take(40)}" }

            val started = System.nanoTime()
            job.cancel()
            socket.soTimeout = 2_000
            val closed = try {
                while (input.read(buffer) != -1) Unit
                true
            } catch (_: SocketTimeoutException) {
                false
            } catch (_: IOException) {
                true // reset by the client
            }
            val elapsedMs = (System.nanoTime() - started) / 1_000_000
            assertTrue(closed) { "the connection stayed open for 2 s after the Job was cancelled" }
            assertTrue(elapsedMs < 500) { "the connection closed $elapsedMs ms after the cancel (limit 500)" }
            runBlocking { job.join() }
            assertTrue(job.isCancelled) { "the Job is not cancelled: $job" }
        }
    }
    // The same SDK, pointed back at the emulator, still works.
    initSdk()
    val session = runBlocking { ConnectyCube.createSession() }
    assertTrue(!session.token.isNullOrEmpty()) { "no token from the emulator after the cancelled call" }
    return outcome.getNow(NOTHING)
}

private object NOTHING

fun cancelledCoroutineClosesItsConnection() {
    val ended = cancelAndWatchTheSocket { outcome ->
        CoroutineScope(Dispatchers.Default).launch {
            try {
                outcome.complete(ConnectyCube.createSession())
            } catch (e: Throwable) {
                outcome.complete(e)
                throw e
            }
        }
    }
    assertTrue(ended is CancellationException) { "the suspend call ended with $ended, not a CancellationException" }
}

fun cancelledCallbackJobClosesItsConnection() {
    val ended = cancelAndWatchTheSocket { outcome ->
        ConnectyCube.createSession({ outcome.complete(it) }, { outcome.complete(it) })
    }
    // The callback form delivers neither callback for a cancelled Job; the callback executor
    // is drained first so a late delivery would be seen.
    val drained = CompletableFuture<Unit>()
    ConnectyCube.callbackExecutor.execute { drained.complete(Unit) }
    drained.get(5, TimeUnit.SECONDS)
    assertEquals(NOTHING, ended, "what the callbacks delivered after the Job was cancelled")
}

// ------------------------------------------------------------------ redaction

private const val CANARY = "CANARY-7f3a9c"
private const val CANARY_PASSWORD = "$CANARY-password"
private const val CANARY_TOKEN = "$CANARY-token"

private fun assertNoCanary(text: String, what: String) {
    assertTrue(CANARY !in text) { "$what shows the canary: $text" }
}

fun recordsRedactSecrets() {
    val user = ConnectycubeUser(login = "marvin18", password = CANARY_PASSWORD, oldPassword = CANARY_PASSWORD)
    val session = ConnectycubeSession(token = CANARY_TOKEN, userId = 7, user = user)
    val page = PagedUsersResult(page = 0, perPage = 10, totalEntries = 1, skip = 0, limit = 10, items = listOf(user))
    for ((what, text) in listOf(
        "user.toString()" to user.toString(),
        "session.toString()" to session.toString(),
        "string template" to "$user / $session",
        "a list" to listOf(user, session).toString(),
        "a page" to page.toString(),
        "a copy" to session.copy(id = 3).toString(),
    )) {
        assertNoCanary(text, what)
    }
    // Still useful in a log: the other fields are there, the secrets marked.
    assertTrue("login=marvin18" in user.toString() && "password=<redacted>" in user.toString()) { "$user" }
    assertTrue("token=<redacted>" in session.toString() && "userId=7" in session.toString()) { "$session" }
    assertTrue("oldPassword=null" in ConnectycubeUser(password = "x").toString()) { "an unset secret shows as null" }
    // Only the text is redacted: the values, equality and copies are untouched.
    assertEquals(CANARY_PASSWORD, user.password, "password")
    assertEquals(CANARY_TOKEN, session.copy().token, "token")
    assertEquals(user, user.copy(), "equality")
}

fun configsRedactUserinfo() {
    val pem = "-----BEGIN CERTIFICATE-----\nMII$CANARY\n-----END CERTIFICATE-----\n"
    val config = ConnectycubeConfig(
        apiEndpoint = "https://user:$CANARY@host",
        chatEndpoint = "wss://user:$CANARY@chat.host/ws?x=1",
        trustedRootCertificates = listOf(pem, pem),
        certificatePins = listOf("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
    )
    for ((what, text) in listOf(
        "config.toString()" to config.toString(),
        "string template" to "$config",
        "a list" to listOf(config).toString(),
        "a copy" to config.copy(retainCredentials = true).toString(),
    )) {
        assertNoCanary(text, what)
        assertTrue("user:" !in text && "BEGIN CERTIFICATE" !in text) { "$what: $text" }
    }
    // Still useful in a log: the hosts, the number of roots, the other settings.
    val text = config.toString()
    assertTrue("apiEndpoint=https://<redacted>@host," in text) { text }
    assertTrue("chatEndpoint=wss://<redacted>@chat.host/ws?x=1," in text) { text }
    assertTrue("trustedRootCertificates=2," in text) { text }
    assertTrue("sha256/AAAA" in text && "maxResponseBytes=4194304" in text) { text }
    // An endpoint without userinfo shows as it is, an `@` in its path included.
    val plain = ConnectycubeConfig("https://h.example/a@b").toString()
    assertTrue("apiEndpoint=https://h.example/a@b," in plain && "trustedRootCertificates=0," in plain) { plain }
    assertEquals("https://user:$CANARY@host", config.apiEndpoint, "only the text is redacted")
    // init refuses such an endpoint, and does not echo it.
    val refused = assertThrows<ConnectycubeException.InvalidArgument> { ConnectyCube.init(APP_ID, AUTH_KEY, config) }
    assertNoCanary(everyText(refused), "init's error")
    assertTrue("user:password@" in refused.reason) { refused.reason }
}

/** Everything an app could print or log about an exception, its causes and fields included. */
private fun everyText(error: Throwable): String {
    val trace = StringWriter().also { error.printStackTrace(PrintWriter(it)) }.toString()
    val fields = when (error) {
        is ConnectycubeException.Response -> "${error.httpStatusCode} ${error.errors} ${error.fieldErrors}"
        is ConnectycubeException.Validation -> "${error.httpStatusCode} ${error.errors} ${error.fieldErrors}"
        is ConnectycubeException.Forbidden -> "${error.httpStatusCode} ${error.errors}"
        is ConnectycubeException.NotFound -> "${error.httpStatusCode} ${error.errors}"
        is ConnectycubeException.Network -> error.reason
        is ConnectycubeException.Tls -> error.reason
        is ConnectycubeException.Decode -> error.reason
        is ConnectycubeException.InvalidArgument -> error.reason
        else -> ""
    }
    return listOf(error.toString(), error.message, error.localizedMessage, trace, fields).joinToString("\n")
}

private inline fun <reified E : ConnectycubeException> assertRedactedError(what: String, block: () -> Unit): E {
    val error = assertThrows<E>(block)
    assertNoCanary(everyText(error), what)
    return error
}

fun errorsNeverShowCanaries() = runBlocking {
    val user = ConnectyCube.signUp(ConnectycubeUser(login = "victim", password = "supersecurepwd"))

    val wrongPassword = assertRedactedError<ConnectycubeException.Response>("sign-in with a wrong password") {
        runBlocking { ConnectyCube.createSession(ConnectycubeUser(login = "victim", password = CANARY_PASSWORD)) }
    }
    assertEquals(401, wrongPassword.httpStatusCode, "wrong password status")

    // The same through the callback form's errorCallback.
    val viaCallback = awaitCallbackError<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(login = "victim", password = CANARY_PASSWORD), ok, err)
    }
    assertNoCanary(everyText(viaCallback), "errorCallback of a wrong password")

    assertRedactedError<ConnectycubeException.Validation>("sign-up of a taken login") {
        runBlocking { ConnectyCube.signUp(ConnectycubeUser(login = "victim", password = CANARY_PASSWORD)) }
    }

    ConnectyCube.createSession(ConnectycubeUser(login = "victim", password = "supersecurepwd"))
    val oldPassword = assertRedactedError<ConnectycubeException.Validation>("a password change with a wrong old one") {
        runBlocking { ConnectyCube.updateUser(ConnectycubeUser(password = CANARY_PASSWORD, oldPassword = "$CANARY-old")) }
    }
    assertTrue("old_password" in oldPassword.fieldErrors) { "field errors: ${oldPassword.fieldErrors}" }

    initSdk()
    ConnectycubeSessionManager.saveActiveSession(ConnectycubeSession(token = CANARY_TOKEN, userId = user.id))
    assertRedactedError<ConnectycubeException.SessionExpired>("a session with a rejected token") {
        runBlocking { ConnectyCube.getUserById(user.id) }
    }

    initSdk()
    val social = assertRedactedError<ConnectycubeException.Response>("a social sign-in with a rejected token") {
        runBlocking { ConnectyCube.createSessionUsingSocialProvider(ConnectycubeProvider.FACEBOOK, CANARY_TOKEN) }
    }
    assertEquals(401, social.httpStatusCode, "rejected social token status")
}
