package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeException
import com.connectycube.ConnectycubeSession
import com.connectycube.ConnectycubeUser
import com.connectycube.getPrivateUrlForUID
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.time.Duration
import java.util.Base64
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory
import kotlinx.coroutines.runBlocking

// TLS: the SDK over HTTPS against an emulator serving a throwaway CA's certificate
// (CONNECTYCUBE_TLS_API_ENDPOINT, CONNECTYCUBE_TLS_CA_CERT, CONNECTYCUBE_TLS_PIN, set by
// `cargo xtask test-bindings`): a whole flow with the CA trusted, public-key pins, and the
// refusals, each one failed handshake (a TLS failure is never retried). Every test starts
// with `resetWorld()`, which points the shared `ConnectyCube` back at the plain emulator.

fun tlsTests(): List<Pair<String, () -> Any?>> = listOf(
    "TLS: sign up, session, read, avatar, destroy over https with the CA trusted" to ::tlsFlow,
    "TLS: the right pin works, a wrong one is a Tls error after one handshake" to ::tlsPins,
    "TLS: without the CA the server is refused after one handshake" to ::tlsWithoutTheCa,
)

/** The pin of no key the emulator has: 32 zero bytes. */
private val WRONG_PIN = "sha256/" + Base64.getEncoder().encodeToString(ByteArray(32))

/** The HTTPS emulator, and its control API read over HTTPS trusting only its CA. */
private object TlsEmulator {
    private fun setting(name: String): String = System.getenv(name)?.takeIf { it.isNotEmpty() }
        ?: error("$name is not set: the TLS tests need an emulator started with --generate-tls DIR")

    val url: String by lazy { setting("CONNECTYCUBE_TLS_API_ENDPOINT").trimEnd('/') }
    val caPem: String by lazy { File(setting("CONNECTYCUBE_TLS_CA_CERT")).readText() }
    val pin: String by lazy { setting("CONNECTYCUBE_TLS_PIN") }

    private val http: HttpClient by lazy {
        val certificate = CertificateFactory.getInstance("X.509").generateCertificate(caPem.byteInputStream())
        val keyStore = KeyStore.getInstance(KeyStore.getDefaultType()).apply {
            load(null, null)
            setCertificateEntry("emulator-ca", certificate)
        }
        val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(keyStore) }
        val context = SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
        HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()
    }

    fun send(method: String, urlOrPath: String): Pair<Int, ByteArray> {
        val url = if (urlOrPath.startsWith("https://")) urlOrPath else url + urlOrPath
        val request = HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofByteArray())
        return response.statusCode() to response.body()
    }

    fun reset() {
        val (status, _) = send("POST", "/__emulator/reset")
        check(status == 200) { "HTTPS emulator reset -> $status" }
    }

    fun failedHandshakes(): Int {
        val (status, body) = send("GET", "/__emulator/stats")
        check(status == 200) { "HTTPS emulator stats -> $status" }
        val stats = String(body)
        val handshakes = Regex("\"tls_handshakes\"\\s*:\\s*\\{([^}]*)\\}").find(stats)?.groupValues?.get(1)
            ?: error("no tls_handshakes in $stats")
        return Regex("\"failed\"\\s*:\\s*(\\d+)").find(handshakes)?.groupValues?.get(1)?.toInt()
            ?: error("no failed count in $stats")
    }

    /**
     * The failed-handshake count once the emulator has seen [atLeast] and nothing more
     * arrives: it counts a failure when the client's alert reaches it, after the SDK has
     * already answered the app.
     */
    fun settledFailedHandshakes(atLeast: Int): Int {
        val deadline = System.nanoTime() + 5_000_000_000L
        while (failedHandshakes() < atLeast && System.nanoTime() < deadline) Thread.sleep(50)
        Thread.sleep(500)
        return failedHandshakes()
    }

    fun init(roots: List<String> = listOf(caPem), pins: List<String> = emptyList()) {
        ConnectyCube.init(
            APP_ID,
            AUTH_KEY,
            ConnectycubeConfig(url, trustedRootCertificates = roots, certificatePins = pins),
        )
    }
}

fun tlsFlow() = runBlocking {
    TlsEmulator.reset()
    TlsEmulator.init()
    val created = ConnectyCube.signUp(ConnectycubeUser(login = "secure", password = "supersecurepwd"))
    val session = ConnectyCube.createSession(ConnectycubeUser(login = "secure", password = "supersecurepwd"))
    assertEquals(created.id, session.userId, "session.userId")
    assertEquals("secure", ConnectyCube.getUserById(created.id).login, "login read back")

    val file = File.createTempFile("avatar", ".png").apply {
        deleteOnExit()
        writeBytes(ByteArray(100_000) { (it % 253).toByte() })
    }
    // The emulator hands out an https upload address; the SDK refuses a plain one when the
    // API is https, so this upload went over TLS.
    val uploaded = ConnectyCube.uploadFile(file.path, false)
    val updated = ConnectyCube.updateUser(ConnectycubeUser(avatar = uploaded.uid))
    assertEquals(uploaded.uid, updated.avatar, "avatar")
    val url = getPrivateUrlForUID(uploaded.uid) ?: error("no private URL")
    assertTrue(url.startsWith("${TlsEmulator.url}/blobs/")) { "private URL: $url" }
    val (status, bytes) = TlsEmulator.send("GET", url)
    assertEquals(200, status, "GET private URL")
    assertTrue(bytes.contentEquals(file.readBytes())) { "downloaded bytes differ" }

    ConnectyCube.destroySession()
    assertEquals(null, getPrivateUrlForUID(uploaded.uid), "private URL without a session")
    assertEquals(0, TlsEmulator.failedHandshakes(), "failed handshakes")
}

fun tlsPins() = runBlocking {
    TlsEmulator.reset()
    TlsEmulator.init(pins = listOf(TlsEmulator.pin))
    assertTrue(!ConnectyCube.createSession().token.isNullOrEmpty()) { "no token with the right pin" }
    // A backup pin beside the right one changes nothing.
    TlsEmulator.init(pins = listOf(WRONG_PIN, TlsEmulator.pin))
    assertTrue(!ConnectyCube.createSession().token.isNullOrEmpty()) { "no token with a backup pin" }

    val before = TlsEmulator.failedHandshakes()
    TlsEmulator.init(pins = listOf(WRONG_PIN))
    val refused = assertThrows<ConnectycubeException.Tls> { runBlocking { ConnectyCube.createSession() } }
    assertTrue("matches none of the pinned keys" in refused.reason) { refused.reason }
    assertEquals(before + 1, TlsEmulator.settledFailedHandshakes(before + 1), "failed handshakes (no retry)")

    // The callback form delivers the same error.
    val viaCallback = awaitCallbackError<ConnectycubeSession> { ok, err -> ConnectyCube.createSession(ok, err) }
    assertTrue(viaCallback is ConnectycubeException.Tls) { "errorCallback got $viaCallback" }
}

fun tlsWithoutTheCa() = runBlocking {
    TlsEmulator.reset()
    val before = TlsEmulator.failedHandshakes()
    TlsEmulator.init(roots = emptyList())
    val refused = assertThrows<ConnectycubeException.Tls> { runBlocking { ConnectyCube.createSession() } }
    assertTrue("trusted root" in refused.reason) { refused.reason }
    assertTrue(refused.message?.contains("trusted root") == true) { "message: ${refused.message}" }
    assertEquals(before + 1, TlsEmulator.settledFailedHandshakes(before + 1), "failed handshakes (no retry)")
    // The same SDK trusting the CA gets through.
    TlsEmulator.init()
    assertTrue(!ConnectyCube.createSession().token.isNullOrEmpty()) { "no token with the CA trusted" }
}
