package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeException
import com.connectycube.ConnectycubeSession
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.ConnectycubeUser
import com.connectycube.PagedUsersResult
import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.runBlocking

// Runs every snippet of DocsSnippets.kt against the emulator, with the world each one
// assumes (the users it looks up, the session it needs), and checks what the documented call
// delivered to its callback.

/** What a snippet's callbacks heard: exactly one success value or one error. */
class Heard {
    private class Outcome(val value: Any?, val error: Exception?)

    private val outcome = AtomicReference<Outcome?>(null)
    private val latch = CountDownLatch(1)

    fun success(value: Any?) = record(Outcome(value, null))

    fun error(error: Exception) = record(Outcome(null, error))

    private fun record(heard: Outcome) {
        check(outcome.compareAndSet(null, heard)) { "a second callback" }
        latch.countDown()
    }

    /** The success value; the error, if that is what came, is thrown. */
    fun await(): Any? {
        check(latch.await(CALLBACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) { "no callback within $CALLBACK_TIMEOUT_SECONDS s" }
        val heard = outcome.get() ?: error("no outcome")
        heard.error?.let { throw it }
        return heard.value
    }
}

/** Runs a snippet and returns what its success callback received, as [T]. */
private inline fun <reified T> run(snippet: (Heard) -> Unit): T {
    val heard = Heard()
    snippet(heard)
    val value = heard.await()
    check(value is T) { "expected ${T::class.simpleName}, heard $value" }
    return value
}

private const val DOCS_PASSWORD = "supersecurepwd"

private fun signUp(user: ConnectycubeUser): ConnectycubeUser = runBlocking { ConnectyCube.signUp(user) }

private fun signedIn(login: String = "marvin18"): ConnectycubeUser = runBlocking {
    val user = ConnectyCube.signUp(ConnectycubeUser(login = login, password = DOCS_PASSWORD))
    ConnectyCube.createSession(ConnectycubeUser(login = login, password = DOCS_PASSWORD))
    user
}

fun docsSnippetTests(): List<Pair<String, () -> Any?>> = listOf(
    "docs: create session token (signIn)" to {
        // The guide's note that the user "is created automatically on the fly" holds for
        // session creation (the next test); the deprecated signIn is `POST /login`, which
        // signs in an existing user only.
        signUp(ConnectycubeUser(login = "marvin18", password = DOCS_PASSWORD))
        val user = run<ConnectycubeUser>(::docsSignIn)
        assertEquals("marvin18", user.login, "signed-in login")
        assertEquals(user.id, ConnectycubeSessionManager.activeSession?.userId, "the session is the user's")
    },
    "docs: create session token (createSession, user created on the fly)" to {
        val session = run<ConnectycubeSession>(::docsCreateSession)
        val user = runBlocking { ConnectyCube.getUserById(session.userId ?: error("no user in $session")) }
        assertEquals("marvin18", user.login, "the user made on the fly")
    },
    "docs: login via CIdP" to {
        Emulator.post(
            "/__emulator/identities",
            """{"provider":"custom","token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o","uid":"joseph-1","full_name":"Joseph"}""",
        )
        val user = run<ConnectycubeUser>(::docsSignInCidp)
        assertEquals("joseph-1", user.externalId, "the external user")
    },
    "docs: destroy session token" to {
        signedIn()
        val token = ConnectycubeSessionManager.getToken()
        run<Unit>(::docsDestroySession)
        assertEquals(null, ConnectycubeSessionManager.getToken(), "no session held")
        assertEquals(401, Emulator.sessionStatus(token), "the token on the server")
    },
    "docs: user signup" to {
        val user = run<ConnectycubeUser>(::docsSignUp)
        assertEquals(
            listOf("marvin18", "awesomeman@gmail.com", "Marvin Simon", "https://dozensofdreams.com", "iphone,apple"),
            listOf(user.login, user.email, user.fullName, user.website, user.tags),
            "the documented fields",
        )
    },
    "docs: user profile update" to {
        signedIn()
        // The guide's update sends `password` without `oldPassword`, which the server refuses;
        // the SDK refuses it first, with a typed error naming the missing field, and sends nothing.
        val before = Emulator.requests("PUT /users/{id}")
        val refused = assertThrows<ConnectycubeException.InvalidArgument> { run<ConnectycubeUser>(::docsUpdateUser) }
        assertTrue(refused.reason.contains("old_password")) { "names old_password: $refused" }
        assertEquals(before, Emulator.requests("PUT /users/{id}"), "nothing sent")
    },
    "docs: user password change" to {
        signedIn()
        val user = run<ConnectycubeUser>(::docsChangePassword)
        assertEquals("marvin18", user.login, "updated user")
        runBlocking { ConnectyCube.createSession(ConnectycubeUser(login = "marvin18", password = "newsecurepwd")) }
    },
    "docs: user avatar upload, then the URL others build" to {
        signedIn()
        val image = File.createTempFile("avatar", ".png").apply { writeBytes(ByteArray(3000) { it.toByte() }) }
        val updated = run<ConnectycubeUser> { heard -> docsUploadAvatar(image, ConnectycubeUser(), heard) }
        image.delete()
        assertTrue(updated.customData?.contains("avatar_uid") == true) { "customData: ${updated.customData}" }
        val url = run<String> { heard -> docsAvatarUrl(updated, heard) }
        val (status, body) = Emulator.getUrl(url)
        assertEquals(200 to 3000, status to body.size, "the avatar read back by its private URL")
        val uid = Regex("\"avatar_uid\":\"([^\"]+)\"").find(updated.customData!!)!!.groupValues[1]
        assertEquals(url, run<String> { heard -> docsAvatarUrlLegacy(uid, heard) }, "legacy spelling, same URL")
    },
    "docs: password reset" to {
        signUp(ConnectycubeUser(login = "marvin18", password = DOCS_PASSWORD, email = "awesomeman@gmail.com"))
        run<Unit>(::docsResetPassword)
        assertTrue(Emulator.outbox().contains("awesomeman@gmail.com")) { "a mail: ${Emulator.outbox()}" }
    },
    "docs: retrieve users by ID (22, 23)" to {
        repeat(23) { signUp(ConnectycubeUser(login = "user${it + 1}", password = DOCS_PASSWORD)) }
        val result = run<PagedUsersResult>(::docsGetUsersByIds)
        assertEquals(listOf(22, 23), result.items.map { it.id }.sorted(), "the two users")
    },
    "docs: retrieve user by login, email, phone, external id" to {
        signUp(
            ConnectycubeUser(
                login = "amigo",
                password = DOCS_PASSWORD,
                email = "amigo@gmail.com",
                phone = "+4427123314",
                externalId = "3789",
            ),
        )
        for (snippet in listOf(::docsGetUserByLogin, ::docsGetUserByEmail, ::docsGetUserByPhoneNumber, ::docsGetUserByExternalId)) {
            assertEquals("amigo", run<ConnectycubeUser>(snippet).login, "found by ${snippet.name}")
        }
    },
    "docs: retrieve users by full name and by tags" to {
        signUp(ConnectycubeUser(login = "samuel", password = DOCS_PASSWORD, fullName = "Marvin Samuel", tags = "iphone"))
        signUp(ConnectycubeUser(login = "other", password = DOCS_PASSWORD, fullName = "Someone Else", tags = "android"))
        assertEquals(listOf("samuel"), run<PagedUsersResult>(::docsGetUsersByFullName).items.map { it.login }, "by full name")
        assertEquals(listOf("samuel"), run<PagedUsersResult>(::docsGetUsersByTags).items.map { it.login }, "by tag")
    },
    "docs: delete user" to {
        val user = signedIn()
        run<Unit>(::docsDeleteUser)
        initSdk()
        assertThrows<ConnectycubeException.NotFound> { runBlocking { ConnectyCube.getUserById(user.id) } }
    },
)
