package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeException
import com.connectycube.ConnectycubeFile
import com.connectycube.ConnectycubeUser
import com.connectycube.PagedUsersResult
import com.connectycube.getPublicUrlForUID
import java.util.Collections
import kotlinx.coroutines.runBlocking

// The operations the FFI serves besides the official 2.x surface: upload from bytes, the
// numeric external id, the v1 list, online users, sign-up-and-sign-in. Suspend and callback forms.

fun parityTests(): List<Pair<String, () -> Any?>> = listOf(
    "uploadFileData: bytes, guessed and given content type, progress (suspend + callbacks)" to ::uploadFileData,
    "getUserByExternalUserId: GET /users/external/{id} (suspend + callbacks)" to ::externalUserId,
    "getUsersV1: filters, order, 1-based page, invalid filter (suspend + callbacks)" to ::usersV1,
    "getOnlineUsers, getOnlineUsersCount (suspend + callbacks)" to ::onlineUsers,
    "signUpAndSignIn: the session is the new user's (suspend + callbacks)" to ::signUpAndSignIn,
)

private const val PARITY_PASSWORD = "supersecurepwd"

private fun signedUpAndIn(login: String): ConnectycubeUser = runBlocking {
    val user = ConnectyCube.signUp(ConnectycubeUser(login = login, password = PARITY_PASSWORD))
    ConnectyCube.createSession(ConnectycubeUser(login = login, password = PARITY_PASSWORD))
    user
}

fun uploadFileData() {
    signedUpAndIn("uploader")
    val bytes = ByteArray(100_000) { (it * 7).toByte() }
    val guessed = runBlocking { ConnectyCube.uploadFileData(bytes, "photo.png", public = true) }
    assertEquals("image/png", guessed.contentType, "content type guessed from the name")
    assertEquals(bytes.size.toLong(), guessed.size, "size")
    val (status, body) = Emulator.getUrl(getPublicUrlForUID(guessed.uid) ?: error("no URL"))
    assertEquals(200, status, "GET public URL")
    assertTrue(body.contentEquals(bytes)) { "downloaded bytes differ" }
    val progress = Collections.synchronizedList(ArrayList<Int>())
    val given = awaitCallback<ConnectycubeFile> { ok, err ->
        ConnectyCube.uploadFileData(bytes, "notes", "text/plain", false, ok, err) { progress.add(it) }
    }
    assertEquals("text/plain", given.contentType, "content type given")
    assertEquals(false, given.isPublic, "private")
    assertTrue(progress.isNotEmpty() && progress.last() == 100) { "progress: $progress" }
}

fun externalUserId() {
    val user = runBlocking {
        ConnectyCube.signUp(ConnectycubeUser(login = "numbered", password = PARITY_PASSWORD, externalUserId = 3789))
    }
    assertEquals(user.id, runBlocking { ConnectyCube.getUserByExternalUserId(3789) }.id, "suspend")
    val found = awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.getUserByExternalUserId(3789L, ok, err) }
    assertEquals(3789L, found.externalUserId, "externalUserId")
    val missing = awaitCallbackError<ConnectycubeUser> { ok, err -> ConnectyCube.getUserByExternalUserId(1L, ok, err) }
    assertTrue(missing is ConnectycubeException.NotFound) { "unknown id: $missing" }
}

fun usersV1() {
    val made = runBlocking {
        listOf("carol", "alice", "bob", "dave").map { ConnectyCube.signUp(ConnectycubeUser(login = it, password = PARITY_PASSWORD)) }
    }
    val page = runBlocking {
        ConnectyCube.getUsersV1(listOf("string login in alice,bob,carol"), "asc string login", page = 2, perPage = 2)
    }
    assertEquals(1, page.page, "0-based page of the result")
    assertEquals(3, page.totalEntries, "totalEntries")
    assertEquals(listOf("carol"), page.items.map { it.login }, "page 2 sorted by login")
    val all = runBlocking { ConnectyCube.getUsersV1() }
    assertEquals(made.map { it.id }.sorted(), all.items.map { it.id }.sorted(), "no filter: every user")
    val ids = awaitCallback<PagedUsersResult> { ok, err ->
        ConnectyCube.getUsersV1(listOf("number id in ${made[0].id},${made[3].id}"), null, 1, 10, ok, err)
    }
    assertEquals(listOf(made[0].id, made[3].id).sorted(), ids.items.map { it.id }.sorted(), "by ids (callbacks)")
    assertThrows<ConnectycubeException.InvalidArgument> {
        runBlocking { ConnectyCube.getUsersV1(listOf("number id")) }
    }
}

fun onlineUsers() {
    val user = signedUpAndIn("online")
    runBlocking { ConnectyCube.getUserById(user.id) } // a request: now online
    val online = runBlocking { ConnectyCube.getOnlineUsers() }
    assertTrue(online.any { it.id == user.id }) { "online: $online" }
    val count = runBlocking { ConnectyCube.getOnlineUsersCount() }
    assertEquals(online.size, count, "count")
    val viaCallback = awaitCallback<List<ConnectycubeUser>> { ok, err -> ConnectyCube.getOnlineUsers(10, 0, ok, err) }
    assertEquals(online.map { it.id }, viaCallback.map { it.id }, "callbacks")
    assertEquals(count, awaitCallback<Int> { ok, err -> ConnectyCube.getOnlineUsersCount(ok, err) }, "count (callbacks)")
}

fun signUpAndSignIn() {
    val user = runBlocking {
        ConnectyCube.signUpAndSignIn(ConnectycubeUser(login = "newcomer", password = PARITY_PASSWORD))
    }
    assertEquals(user.id, runBlocking { ConnectyCube.getSession() }.userId, "session (suspend)")
    initSdk()
    val second = awaitCallback<ConnectycubeUser> { ok, err ->
        ConnectyCube.signUpAndSignIn(ConnectycubeUser(login = "second", password = PARITY_PASSWORD), ok, err)
    }
    assertEquals("second", second.login, "login")
    assertEquals(second.id, runBlocking { ConnectyCube.getSession() }.userId, "session (callbacks)")
}
