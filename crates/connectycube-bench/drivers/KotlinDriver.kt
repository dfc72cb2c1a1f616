// `cargo xtask bench` driver for our Kotlin binding on the JVM: the handwritten `object ConnectyCube`
// (bindings/kotlin/src/main/kotlin) over the uniffi-generated code and the release FFI library,
// called through its `suspend` functions as an app would.
//
// The driver protocol is described at the top of crates/connectycube-bench/src/bin/bench-sdk/main.rs (drivers/js-driver.mjs is
// the reference driver): arguments `--url --token --user-id --scenario --mode --concurrency
// --requests --warmup-requests --seconds --warmup --login-prefix`, one JSON record line on stdout,
// anything else on stderr.
//
// Built and run by xtask/src/bench_drivers.rs (one kotlinc call with the generated bindings and the
// handwritten layer; `java -Djna.library.path=<release dir> -cp ... com.connectycube.bench.KotlinDriverKt`).
package com.connectycube.bench

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.ConnectycubeUser
import kotlin.system.exitProcess
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking

private const val APP_ID = "1"
private const val AUTH_KEY = "29WfrNWdvkhmX6V"
private const val PASSWORD = "benchpass1"

private class Options(args: Array<String>) {
    val values = HashMap<String, String>()

    init {
        var i = 0
        while (i < args.size) {
            val flag = args[i]
            require(flag.startsWith("--")) { "unexpected argument $flag" }
            require(i + 1 < args.size) { "$flag needs a value" }
            values[flag.removePrefix("--")] = args[i + 1]
            i += 2
        }
    }

    fun text(name: String, default: String? = null): String =
        values[name] ?: default ?: throw IllegalArgumentException("--$name is required")

    fun long(name: String, default: Long): Long =
        values[name]?.let { it.toLongOrNull() ?: throw IllegalArgumentException("--$name: '$it' is not a number") }
            ?: default

    fun seconds(name: String, default: Double): Double =
        values[name]?.let { it.toDoubleOrNull() ?: throw IllegalArgumentException("--$name: '$it' is not a number") }
            ?: default
}

/** One worker's latencies (µs) and errors; merged at the end, so no sharing while measuring. */
private class Tally {
    var latencies = LongArray(1024)
    var count = 0
    var errors = 0L
    var firstError: String? = null

    fun add(micros: Long) {
        if (count == latencies.size) latencies = latencies.copyOf(count * 2)
        latencies[count++] = micros
    }

    fun error(e: Throwable) {
        errors++
        if (firstError == null) firstError = e.toString()
    }

    fun merge(other: Tally) {
        for (i in 0 until other.count) add(other.latencies[i])
        errors += other.errors
        if (firstError == null) firstError = other.firstError
    }
}

private fun percentile(sorted: LongArray, p: Double): Long {
    if (sorted.isEmpty()) return 0
    val rank = Math.ceil(p / 100.0 * sorted.size).toInt()
    return sorted[rank.coerceIn(1, sorted.size) - 1]
}

private fun jsonString(text: String?): String {
    if (text == null) return "null"
    val out = StringBuilder("\"")
    for (c in text) {
        when {
            c == '"' -> out.append("\\\"")
            c == '\\' -> out.append("\\\\")
            c < ' ' -> out.append(String.format("\\u%04x", c.code))
            else -> out.append(c)
        }
    }
    return out.append('"').toString()
}

fun main(args: Array<String>) {
    val options = Options(args)
    val scenario = options.text("scenario")
    val mode = options.text("mode")
    val concurrency = if (mode == "sequential") 1 else options.long("concurrency", 1).toInt()
    val prefix = options.text("login-prefix", "kotlin${ProcessHandle.current().pid()}x")

    ConnectyCube.init(APP_ID, AUTH_KEY, ConnectycubeConfig(apiEndpoint = options.text("url").trimEnd('/')))
    // Every call returns Unit to the loop (a `when` branch cannot be a bare lambda).
    val call: suspend (Long) -> Unit = when (scenario) {
        "get" -> {
            val id = options.long("user-id", 0).toInt()
            // An app restoring a stored user session: its token, no network call.
            ConnectycubeSessionManager.setToken(options.text("token"))
            val get: suspend (Long) -> Unit = { ConnectyCube.getUserById(id) }
            get
        }
        "session" -> {
            val session: suspend (Long) -> Unit = { ConnectyCube.createSession() }
            session
        }
        "signup" -> {
            val signUp: suspend (Long) -> Unit = { n ->
                ConnectyCube.signUp(ConnectycubeUser(login = "$prefix$n", password = PASSWORD))
            }
            signUp
        }
        else -> throw IllegalArgumentException("unknown scenario $scenario")
    }

    val total = Tally()
    val seconds: Double
    if (mode == "sequential") {
        val warmup = options.long("warmup-requests", 200)
        val requests = options.long("requests", 2000)
        // runBlocking's event loop on this thread: the calling thread an app's coroutine resumes on.
        seconds = runBlocking {
            for (i in 0 until warmup) {
                try { call(i) } catch (e: Exception) { total.error(e) }
            }
            val from = System.nanoTime()
            for (i in warmup until warmup + requests) {
                val started = System.nanoTime()
                try {
                    call(i)
                    total.add((System.nanoTime() - started) / 1000)
                } catch (e: Exception) {
                    total.error(e)
                }
            }
            (System.nanoTime() - from) / 1e9
        }
    } else {
        val measured = options.seconds("seconds", 3.0)
        val start = System.nanoTime()
        val measureFrom = start + (options.seconds("warmup", 1.0) * 1e9).toLong()
        val end = measureFrom + (measured * 1e9).toLong()
        // C coroutines on Dispatchers.Default (a thread per core), each looping one call at a time;
        // worker w uses the logins w, w + C, w + 2C… (unique without shared state).
        val tallies = runBlocking(Dispatchers.Default) {
            (0 until concurrency).map { worker ->
                async {
                    val tally = Tally()
                    var n = worker.toLong()
                    while (System.nanoTime() < end) {
                        val started = System.nanoTime()
                        try {
                            call(n)
                            val done = System.nanoTime()
                            if (done >= measureFrom && done < end) tally.add((done - started) / 1000)
                        } catch (e: Exception) {
                            tally.error(e)
                        }
                        n += concurrency
                    }
                    tally
                }
            }.awaitAll()
        }
        tallies.forEach(total::merge)
        seconds = measured
    }

    val sorted = total.latencies.copyOf(total.count).also { it.sort() }
    val requests = sorted.size
    println(
        "{\"client\":\"kotlin\",\"scenario\":${jsonString(scenario)},\"mode\":${jsonString(mode)}," +
            "\"concurrency\":$concurrency,\"requests\":$requests,\"errors\":${total.errors}," +
            "\"seconds\":$seconds,\"rps\":${if (seconds > 0) requests / seconds else 0.0}," +
            "\"p50_us\":${percentile(sorted, 50.0)},\"p99_us\":${percentile(sorted, 99.0)}," +
            "\"first_error\":${jsonString(total.firstError)}}",
    )
    System.out.flush()
    // The SDK's scope and JNA's threads are not daemons everywhere: leave now the line is out.
    exitProcess(0)
}
