package com.connectycube.core.exception

import com.connectycube.ConnectycubeException
import java.io.IOException

/**
 * The 1.x error: the HTTP status of the server's answer and its reasons.
 *
 * Made from the SDK's typed [ConnectycubeException], which stays reachable as [cause]
 * (`(e.cause as? ConnectycubeException.NotFound)`). Errors without an HTTP answer (network,
 * timeout, invalid argument, cancelled) have status 0 and the Rust SDK's description as their
 * one reason; an expired session that could not be renewed is 401, what the server answers
 * for it. The reasons never hold a secret: they are the server's messages or the Rust SDK's
 * words.
 */
open class ResponseException : IOException {
    private val httpStatusCode: Int
    private val errors: List<String>

    constructor(message: String) : super(message) {
        httpStatusCode = 0
        errors = listOf(message)
    }

    constructor(httpStatusCode: Int, errors: List<String>) : super(describe(httpStatusCode, errors)) {
        this.httpStatusCode = httpStatusCode
        this.errors = errors.toList()
    }

    constructor(errors: List<String>) : this(0, errors)

    /** The HTTP status of the server's answer; 0 when there was none. */
    fun getHttpStatusCode(): Int = httpStatusCode

    /** The server's reasons (`"login has already been taken"`), or what failed locally. */
    fun getErrors(): List<String> = errors

    private companion object {
        fun describe(status: Int, errors: List<String>): String =
            if (status == 0) errors.joinToString("; ") else "$status: ${errors.joinToString("; ")}"
    }
}

/** A failure of the new API as the 1.x error; the original stays its cause. */
internal fun Throwable.toResponseException(): ResponseException = when (this) {
    is ResponseException -> this
    // The status and reasons are decided in Rust, alike for the Swift 1.x layer.
    is ConnectycubeException ->
        ResponseException(legacyStatusCode() ?: 0, reasons()).also { it.initCause(this) }
    else -> ResponseException(message ?: javaClass.simpleName).also { it.initCause(this) }
}
