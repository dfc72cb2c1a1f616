package com.connectycube

/**
 * Hands each request event to a Kotlin lambda, on the SDK's background thread, in the order
 * the calls ended. A lambda that throws is logged to the `com.connectycube` logger (never its
 * message, which may hold app data) and hears the next event.
 */
internal class LambdaRequestObserver(private val observer: (RequestEvent) -> Unit) : RequestObserver {
    override fun onRequest(event: RequestEvent) = deliverLogged("a request observer") { observer(event) }
}
