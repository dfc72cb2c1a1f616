package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeUser
import com.connectycube.RequestEvent
import com.connectycube.ConnectycubeException
import kotlinx.coroutines.runBlocking

fun requestObserverTests(): List<Pair<String, () -> Any?>> = listOf(
    "request observer: events carry route templates and statuses, and add up to the emulator's counts" to
        ::requestEventsMatchTheServer,
    "request observer: a lambda that throws is logged and hears every event; null removes it" to
        ::throwingRequestObserver,
)

private const val PASSWORD = "supersecurepwd"

/** (`GET /users/{id}`, status, error code, attempts, session renewed): what analytics reads. */
private fun RequestEvent.step() = listOf("$method $route", httpStatus, errorCode, attempts, sessionRenewed)

fun requestEventsMatchTheServer() = runBlocking {
    val events = Received<RequestEvent>()
    ConnectyCube.setRequestObserver { events.add(it) }
    try {
        val login = unique("observed")
        val me = ConnectyCube.signUp(ConnectycubeUser(login = login, password = PASSWORD)).id
        ConnectyCube.createSession(ConnectycubeUser(login = login, password = PASSWORD))
        ConnectyCube.getUserById(me)
        try {
            ConnectyCube.getUserById(me + 1000)
            error("a missing user must fail")
        } catch (e: ConnectycubeException) {
            check(e.code() == "not_found") { "code ${e.code()}" }
        }
        ConnectyCube.signOut()

        val heard = events.await(5, "request events")
        assertEquals(
            listOf(
                listOf("POST /users", 201, null, 1, false),
                listOf("POST /session", 201, null, 1, false),
                listOf("GET /users/{id}", 200, null, 1, false),
                listOf("GET /users/{id}", 404, "not_found", 1, false),
                listOf("DELETE /login", 200, null, 1, false),
            ),
            heard.map { it.step() },
            "events",
        )
        for ((route, attempts) in heard.groupBy { "${it.method} ${it.route}" }.mapValues { (_, e) -> e.sumOf { it.attempts } }) {
            assertEquals(Emulator.requests(route), attempts, "attempts of $route against the emulator's count")
        }
        check(heard.none { it.toString().contains(login) || it.toString().contains(PASSWORD) }) { "$heard" }
    } finally {
        ConnectyCube.setRequestObserver(null)
    }
}

fun throwingRequestObserver() = capturingSdkLog { records ->
    val events = Received<RequestEvent>()
    ConnectyCube.setRequestObserver {
        events.add(it)
        throw IllegalStateException("analytics bug")
    }
    try {
        runBlocking {
            ConnectyCube.createSession()
            runCatching { ConnectyCube.getUserById(1) }
        }
        assertEquals(2, events.await(2, "events despite throws").size, "events heard")
    } finally {
        ConnectyCube.setRequestObserver(null)
    }
    runBlocking { ConnectyCube.createSession() }
    Thread.sleep(150)
    assertEquals(2, events.snapshot().size, "events after the observer was removed")
    val warnings = records.map { it.message }.filter { it.contains("a request observer threw") }
    assertEquals(2, warnings.size, "a warning per throw: ${records.map { it.message }}")
}
