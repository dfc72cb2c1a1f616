package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference
import kotlin.system.exitProcess

// A plain `main` runner (no JUnit: nothing can be resolved from Maven Central on CI). Each
// test starts from a reset emulator and a freshly initialised SDK. The last line is exactly
// `kotlin: N passed, N failed`, which `cargo xtask test-bindings` and CI read.
//
// `KOTLIN_TEST_FILTER=substring` runs only the tests whose names contain it.

const val APP_ID = "1"
const val AUTH_KEY = "29WfrNWdvkhmX6V"

val endpoint: String = System.getenv("CONNECTYCUBE_API_ENDPOINT")
    ?: error("CONNECTYCUBE_API_ENDPOINT is not set (the emulator's http://127.0.0.1:PORT)")

fun main() {
    val filter = System.getenv("KOTLIN_TEST_FILTER")
    val tests = allTests().filter { filter == null || it.first.contains(filter) }
    var passed = 0
    var failed = 0
    val started = System.nanoTime()
    for ((name, test) in tests) {
        val t0 = System.nanoTime()
        try {
            resetWorld()
            test()
            passed++
            println("ok   $name (${(System.nanoTime() - t0) / 1_000_000} ms)")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name (${(System.nanoTime() - t0) / 1_000_000} ms): $e")
            e.printStackTrace(System.out)
        }
    }
    println("total ${(System.nanoTime() - started) / 1_000_000} ms")
    println("kotlin: $passed passed, $failed failed")
    System.out.flush()
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}

/** Emulator wiped; SDK without persistence or restore handler, re-initialised (no session). */
fun resetWorld(retainCredentials: Boolean = false) {
    Emulator.post("/__emulator/reset")
    ConnectyCube.setSessionPersistence(null)
    ConnectyCube.setSessionRestoreHandler(null)
    initSdk(retainCredentials)
}

fun initSdk(retainCredentials: Boolean = false) {
    ConnectyCube.init(APP_ID, AUTH_KEY, ConnectycubeConfig(endpoint, retainCredentials = retainCredentials))
}

/** The emulator's control API (`/__emulator/…`) and raw reads. */
object Emulator {
    private val http: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    fun post(path: String, json: String = ""): String {
        val request = HttpRequest.newBuilder(URI.create(endpoint + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "POST $path -> ${response.statusCode()} ${response.body()}" }
        return response.body()
    }

    fun get(path: String): String = getUrl(endpoint + path).let { (status, body) ->
        check(status in 200..299) { "GET $path -> $status" }
        String(body)
    }

    fun getUrl(url: String): Pair<Int, ByteArray> {
        val request = HttpRequest.newBuilder(URI.create(url)).GET().build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofByteArray())
        return response.statusCode() to response.body()
    }

    /** The status of `GET /session` made with this token: 200 while the session lives. */
    fun sessionStatus(token: String?): Int {
        val request = HttpRequest.newBuilder(URI.create("$endpoint/session"))
            .header("CB-Token", token ?: "")
            .GET()
            .build()
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
    }

    /** How many requests the emulator counted for a route, e.g. `POST /session`. */
    fun requests(route: String): Int {
        val stats = get("/__emulator/stats")
        return Regex("\"${Regex.escape(route)}\"\\s*:\\s*(\\d+)").find(stats)?.groupValues?.get(1)?.toInt() ?: 0
    }

    fun outbox(): String = get("/__emulator/outbox")

    fun advanceClock(seconds: Int) {
        post("/__emulator/clock", """{"advance_secs":$seconds}""")
    }

    fun fault(json: String) {
        post("/__emulator/faults", json)
    }
}

// ---------------------------------------------------------------- callback-form helpers

const val CALLBACK_TIMEOUT_SECONDS = 15L

/** Calls a callback-form operation and waits for its one callback; the error is rethrown. */
fun <T> awaitCallback(call: (success: (T) -> Unit, error: (Exception) -> Unit) -> Unit): T {
    val latch = CountDownLatch(1)
    // Boxed: AtomicReference compares by identity, which Result (a value class) has none of.
    class Outcome(val result: Result<T>)
    val outcome = AtomicReference<Outcome?>(null)
    val thread = AtomicReference<String>()
    call(
        { value ->
            thread.set(Thread.currentThread().name)
            check(outcome.compareAndSet(null, Outcome(Result.success(value)))) { "a second callback" }
            latch.countDown()
        },
        { error ->
            thread.set(Thread.currentThread().name)
            check(outcome.compareAndSet(null, Outcome(Result.failure(error)))) { "a second callback" }
            latch.countDown()
        },
    )
    check(latch.await(CALLBACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) { "no callback within $CALLBACK_TIMEOUT_SECONDS s" }
    // The JVM default executor is one thread with this name (Android: the main thread).
    check(thread.get() == "connectycube-callbacks") { "callback on ${thread.get()}" }
    return (outcome.get() ?: error("no outcome")).result.getOrThrow()
}

/** As [awaitCallback], for operations whose success callback takes nothing. */
fun awaitUnitCallback(call: (success: () -> Unit, error: (Exception) -> Unit) -> Unit) {
    awaitCallback<Unit> { success, error -> call({ success(Unit) }, error) }
}

/** The exception a callback-form operation delivers (fails if it succeeds). */
fun <T> awaitCallbackError(call: (success: (T) -> Unit, error: (Exception) -> Unit) -> Unit): Exception =
    try {
        val value = awaitCallback(call)
        throw AssertionError("expected an error, got $value")
    } catch (e: AssertionError) {
        throw e
    } catch (e: Exception) {
        e
    }

// ---------------------------------------------------------------- assertions

fun assertEquals(expected: Any?, actual: Any?, what: String = "value") {
    if (expected != actual) throw AssertionError("$what: expected <$expected>, got <$actual>")
}

fun assertTrue(condition: Boolean, what: () -> String) {
    if (!condition) throw AssertionError(what())
}

inline fun <reified E : Throwable> assertThrows(block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got $e", e)
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

/** A unique-enough suffix for logins and emails within one test. */
private var counter = 0

fun unique(prefix: String): String = "$prefix${++counter}"
