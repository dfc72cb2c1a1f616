package com.connectycube.test.legacy

import android.os.Bundle
import com.connectycube.core.EntityCallback
import com.connectycube.core.exception.ResponseException
import com.connectycube.test.CALLBACK_TIMEOUT_SECONDS
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * What a 1.x callback received: the snippets call [success] / [error] where the docs leave
 * the callback's body empty, and the tests [await] it. Fails on a second callback and on a
 * callback off `ConnectyCube.callbackExecutor` (the JVM's `connectycube-callbacks` thread).
 * Usable from Java (`outcome.success(user, args)`) and as an [EntityCallback] itself.
 */
class Outcome<T> : EntityCallback<T> {
    private val latch = CountDownLatch(1)
    private val calls = AtomicInteger()

    @Volatile private var value: T? = null

    @Volatile private var failure: ResponseException? = null

    @Volatile private var received: Bundle? = null

    @Volatile private var thread: String? = null

    fun success(result: T, params: Bundle) {
        value = result
        received = params
        finish()
    }

    fun error(responseException: ResponseException) {
        failure = responseException
        finish()
    }

    override fun onSuccess(result: T, params: Bundle) = success(result, params)

    override fun onError(responseException: ResponseException) = error(responseException)

    private fun finish() {
        thread = Thread.currentThread().name
        calls.incrementAndGet()
        latch.countDown()
    }

    /** Waits for the callback; the value `onSuccess` received, or the error rethrown. */
    fun await(): T {
        waitForCallback()
        failure?.let { throw it }
        @Suppress("UNCHECKED_CAST")
        return value as T
    }

    /** The error `onError` received (fails if `onSuccess` ran). */
    fun awaitError(): ResponseException {
        waitForCallback()
        return failure ?: throw AssertionError("expected onError, onSuccess received <$value>")
    }

    /** The `Bundle` `onSuccess` received. */
    fun params(): Bundle {
        await()
        return received ?: throw AssertionError("no Bundle")
    }

    /** Whether any callback ran within [millis]. */
    fun calledWithin(millis: Long): Boolean = latch.await(millis, TimeUnit.MILLISECONDS)

    private fun waitForCallback() {
        if (!latch.await(CALLBACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw AssertionError("no callback within $CALLBACK_TIMEOUT_SECONDS s")
        }
        if (thread != "connectycube-callbacks") throw AssertionError("callback on $thread")
        if (calls.get() != 1) throw AssertionError("${calls.get()} callbacks")
    }
}
