package com.connectycube.core.server

import android.os.Bundle
import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeException
import com.connectycube.core.EntityCallback
import com.connectycube.core.exception.ResponseException
import com.connectycube.core.exception.toResponseException
import java.util.Collections
import java.util.concurrent.Executor
import kotlin.coroutines.cancellation.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/**
 * A 1.x request, ready to run: `ConnectycubeUsers.signIn(user).performAsync(callback)`.
 *
 * Each call of [performAsync] or [perform] sends the request once, through the new API
 * (`object ConnectyCube`); sessions, retries and renewal are the Rust SDK's.
 */
interface Performer<T> {
    /**
     * Runs the request in the SDK's scope; [callback] hears the outcome on
     * `ConnectyCube.callbackExecutor` (the main thread on Android). A null callback runs the
     * request and ignores its outcome.
     */
    fun performAsync(callback: EntityCallback<T>?)

    /**
     * Runs the request and blocks the calling thread until it ends. Refused with an
     * [IllegalStateException] on the Android main thread, where blocking freezes the app.
     */
    @Throws(ResponseException::class)
    fun perform(): T

    /** Drops the request in Rust; no callback runs afterwards, and a blocked [perform] throws. */
    fun cancel()

    fun isCanceled(): Boolean
}

/**
 * The one [Performer]: [request] calls the new API's suspend functions and may fill [bundle]
 * (the paging values), which is what `onSuccess` receives.
 */
internal class SuspendPerformer<T>(
    internal val bundle: Bundle,
    private val request: suspend SuspendPerformer<T>.() -> T,
) : Performer<T> {
    @Volatile
    private var canceled = false
    private val jobs: MutableSet<Job> = Collections.synchronizedSet(HashSet())

    override fun performAsync(callback: EntityCallback<T>?) {
        val job = ConnectyCube.scope.launch(start = CoroutineStart.LAZY) {
            val outcome = try {
                Result.success(request())
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                Result.failure(e)
            }
            if (callback != null) {
                post {
                    outcome.fold({ callback.onSuccess(it, bundle) }, { callback.onError(it.toResponseException()) })
                }
            }
        }
        start(job)
    }

    override fun perform(): T {
        MainThread.refuseBlocking()
        val deferred = ConnectyCube.scope.async(start = CoroutineStart.LAZY) { request() }
        start(deferred)
        return try {
            runBlocking { deferred.await() }
        } catch (e: CancellationException) {
            throw ConnectycubeException.Cancelled().toResponseException()
        } catch (e: Exception) {
            throw e.toResponseException()
        }
    }

    override fun cancel() {
        canceled = true
        synchronized(jobs) { jobs.toList() }.forEach { it.cancel() }
    }

    override fun isCanceled(): Boolean = canceled

    /** Runs [block] on the callback executor unless this performer was cancelled by then. */
    internal fun post(block: () -> Unit) {
        ConnectyCube.callbackExecutor.execute {
            if (!canceled) block()
        }
    }

    private fun start(job: Job) {
        jobs.add(job)
        job.invokeOnCompletion { jobs.remove(job) }
        // A performer cancelled before it ran sends nothing.
        if (canceled) job.cancel() else job.start()
    }
}

/**
 * The Android main thread, found reflectively (`Looper.getMainLooper() == Looper.myLooper()`),
 * so that this file compiles for the JVM, where there is no main looper and nothing is refused.
 */
internal object MainThread {
    private val looper: Class<*>? = try {
        Class.forName("android.os.Looper")
    } catch (e: ClassNotFoundException) {
        null
    }

    fun isCurrent(): Boolean {
        val looper = looper ?: return false
        val main = looper.getMethod("getMainLooper").invoke(null) ?: return false
        return main == looper.getMethod("myLooper").invoke(null)
    }

    /**
     * An executor posting to the Android main looper (`Handler(Looper.getMainLooper()).post`),
     * found reflectively like [isCurrent]; null off Android.
     */
    fun executorOrNull(): Executor? {
        val looper = looper ?: return null
        val handlerClass = try {
            Class.forName("android.os.Handler")
        } catch (e: ClassNotFoundException) {
            return null
        }
        val main = looper.getMethod("getMainLooper").invoke(null) ?: return null
        val handler = handlerClass.getConstructor(looper).newInstance(main)
        val post = handlerClass.getMethod("post", Runnable::class.java)
        return Executor { command -> post.invoke(handler, command) }
    }

    fun refuseBlocking() {
        check(!isCurrent()) {
            "perform() blocks until the server answers and is refused on the main thread; use performAsync(callback)"
        }
    }
}
