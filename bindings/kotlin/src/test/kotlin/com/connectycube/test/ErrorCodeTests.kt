package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeException
import com.connectycube.ConnectycubeSession
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.ConnectycubeUser
import com.connectycube.hint
import com.connectycube.isRetryable
import com.connectycube.needsSignIn
import kotlinx.coroutines.runBlocking

// What an app reads of an error — code(), isRetryable, needsSignIn, hint — for answers of the
// emulator; every code's row is decided and tested in Rust (crates/connectycube/tests/error_codes.rs),
// this checks Kotlin reads the same values through the properties and the methods.

fun errorCodeTests(): List<Pair<String, () -> Any?>> = listOf(
    "error codes: need user, wrong password, taken login, 503 (properties and methods)" to ::errorCodesReadTheSame,
    "error codes: the callback form's exception carries them too" to ::errorCodesThroughCallbacks,
)

private const val PASSWORD = "supersecurepwd"

private fun assertReads(error: ConnectycubeException, code: String, retryable: Boolean, signIn: Boolean, hintMentions: String) {
    assertEquals(code, error.code(), "code of $error")
    assertEquals(retryable, error.isRetryable, "$code: isRetryable")
    assertEquals(signIn, error.needsSignIn, "$code: needsSignIn")
    assertEquals(error.isRetryable, error.isRetryable(), "$code: the property is the method")
    assertEquals(error.needsSignIn, error.needsSignIn(), "$code: the property is the method")
    assertEquals(error.hint, error.hint(), "$code: the property is the method")
    assertTrue(error.hint.contains(hintMentions)) { "$code: the hint '${error.hint}' does not mention '$hintMentions'" }
}

fun errorCodesReadTheSame() = runBlocking {
    val login = unique("marvin")
    val me = ConnectyCube.signUp(ConnectycubeUser(login = login, password = PASSWORD))
    ConnectyCube.createSession(ConnectycubeUser(login = login, password = PASSWORD))

    // A session saved as the user's that the server holds as signed out.
    val token = ConnectycubeSessionManager.getToken()
    ConnectyCube.signOut()
    ConnectycubeSessionManager.saveActiveSession(ConnectycubeSession(token = token, userId = me.id))
    val needUser = assertThrows<ConnectycubeException.Forbidden> {
        runBlocking { ConnectyCube.updateUser(ConnectycubeUser(fullName = "Marvin")) }
    }
    assertReads(needUser, "user_session_required", retryable = false, signIn = true, hintMentions = "Sign a user in")

    val wrong = assertThrows<ConnectycubeException.Response> {
        runBlocking { ConnectyCube.createSession(ConnectycubeUser(login = login, password = "wrong-password")) }
    }
    assertEquals(401, wrong.httpStatusCode, "status")
    assertReads(wrong, "invalid_credentials", retryable = false, signIn = true, hintMentions = "password")

    val taken = assertThrows<ConnectycubeException.Validation> {
        runBlocking { ConnectyCube.signUp(ConnectycubeUser(login = login, password = PASSWORD)) }
    }
    assertEquals(listOf("must be unique"), taken.fieldErrors["login"], "the login's field error")
    assertReads(taken, "login_taken", retryable = false, signIn = false, hintMentions = "another login")

    Emulator.fault("""{"path_prefix": "/users", "method": "GET", "status": 503, "times": 3}""")
    val unavailable = assertThrows<ConnectycubeException.Response> { runBlocking { ConnectyCube.getUserById(me.id) } }
    assertEquals(503, unavailable.httpStatusCode, "status")
    assertReads(unavailable, "server_error", retryable = true, signIn = false, hintMentions = "Try again later")
}

fun errorCodesThroughCallbacks() {
    val login = unique("marvin")
    awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.signUp(ConnectycubeUser(login = login, password = PASSWORD), ok, err) }
    val taken = awaitCallbackError<ConnectycubeUser> { ok, err ->
        ConnectyCube.signUp(ConnectycubeUser(login = login, password = PASSWORD), ok, err)
    }
    assertTrue(taken is ConnectycubeException.Validation) { "expected a validation error, got $taken" }
    assertReads(taken as ConnectycubeException, "login_taken", retryable = false, signIn = false, hintMentions = "another login")
}
