package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeException
import com.connectycube.ConnectycubeFile
import com.connectycube.ConnectycubeProvider
import com.connectycube.ConnectycubeSession
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.ConnectycubeUser
import com.connectycube.OrderType
import com.connectycube.PagedUsersResult
import com.connectycube.QueryRule
import com.connectycube.RequestPagination
import com.connectycube.RequestSorter
import com.connectycube.SessionPersistence
import com.connectycube.getPrivateUrlForUID
import com.connectycube.getPublicUrlForUID
import com.connectycube.test.legacy.legacyApiTests
import com.connectycube.test.legacy.legacyDocsTests
import com.connectycube.test.legacy.legacySettingsTests
import java.io.File
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout

fun allTests(): List<Pair<String, () -> Any?>> = listOf(
    "readme flow (suspend)" to ::readmeFlow,
    "app session (suspend)" to ::appSessionSuspend,
    "app session (callbacks)" to ::appSessionCallbacks,
    "user session (suspend)" to ::userSessionSuspend,
    "user session (callbacks)" to ::userSessionCallbacks,
    "guest session (suspend)" to ::guestSessionSuspend,
    "guest session (callbacks)" to ::guestSessionCallbacks,
    "sign up, docs fields (suspend)" to ::signUpSuspend,
    "sign up, docs fields (callbacks)" to ::signUpCallbacks,
    "update + password change (suspend)" to ::updateSuspend,
    "update + password change (callbacks)" to ::updateCallbacks,
    "lookups (suspend)" to ::lookupsSuspend,
    "lookups (callbacks)" to ::lookupsCallbacks,
    "searches, pagination, sorter, Set overloads (suspend)" to ::searchesSuspend,
    "searches, pagination, sorter, Set overloads (callbacks)" to ::searchesCallbacks,
    "reset password, outbox (suspend)" to ::resetPasswordSuspend,
    "reset password, outbox (callbacks)" to ::resetPasswordCallbacks,
    "avatar upload + progress + private URL (suspend)" to ::avatarSuspend,
    "avatar upload + progress + private URL (callbacks)" to ::avatarCallbacks,
    "session manager" to ::sessionManager,
    "sign out, destroy session (suspend)" to ::signOutDestroySuspend,
    "sign out, destroy session (callbacks)" to ::signOutDestroyCallbacks,
    "other sessions (suspend + callbacks)" to ::otherSessions,
    "delete user (suspend)" to ::deleteUserSuspend,
    "delete user (callbacks)" to ::deleteUserCallbacks,
    "typed error: wrong password 401 (suspend)" to ::wrongPasswordSuspend,
    "typed error: wrong password 401 (callbacks)" to ::wrongPasswordCallbacks,
    "coroutine cancellation: withTimeout(200) under a 5 s delay" to ::cancellation,
    "callback form: cancelling the Job delivers nothing" to ::callbackJobCancel,
    "20 concurrent calls on an expired session: one renewal" to ::concurrentRenewal,
    "session restore handler (lambda)" to ::restoreHandler,
    "session persistence across init" to ::sessionPersistence,
    "provider sessions: Facebook, Twitter, Firebase (suspend + callbacks)" to ::providerSessions,
) + paramsTests() + faultTests() + tlsTests() + docsSnippetTests() + parityTests() +
    legacyDocsTests() + legacyApiTests() + legacySettingsTests() + authStateTests() + errorCodeTests() + requestObserverTests() + loggingTests() + androidEntryTests() + javaTests()

private const val PASSWORD = "supersecurepwd"

private suspend fun newUser(login: String = unique("marvin"), tags: String? = null): ConnectycubeUser =
    ConnectyCube.signUp(ConnectycubeUser(login = login, password = PASSWORD, tags = tags))

// ------------------------------------------------------------------ the README flow

/** Sign up, sign in with createSession, update the profile, look a user up, handle an error. */
fun readmeFlow() = runBlocking {
    val user = ConnectyCube.signUp(
        ConnectycubeUser(login = "marvin18", password = "supersecurepwd", email = "awesomeman@gmail.com"),
    )

    val session = ConnectyCube.createSession(ConnectycubeUser(login = "marvin18", password = "supersecurepwd"))
    check(session.userId == user.id)

    val updated = ConnectyCube.updateUser(ConnectycubeUser(fullName = "Marvin Simon"))
    check(updated.fullName == "Marvin Simon")

    val found = ConnectyCube.getUserByLogin("marvin18")
    check(found.id == user.id && found.fullName == "Marvin Simon")

    try {
        ConnectyCube.createSession(ConnectycubeUser(login = "marvin18", password = "wrong-password"))
        error("a wrong password must fail")
    } catch (e: ConnectycubeException.Response) {
        check(e.httpStatusCode == 401) // e.errors holds the server's reasons
    }
}

// ------------------------------------------------------------------ sessions

fun appSessionSuspend() = runBlocking {
    val session = ConnectyCube.createSession()
    assertTrue(!session.token.isNullOrEmpty()) { "no token" }
    assertEquals(null, session.userId, "userId of an app session")
    assertEquals(session.token, ConnectycubeSessionManager.getToken(), "session manager token")
    val server = ConnectyCube.getSession()
    assertEquals(session.id, server.id, "GET /session id")
    assertEquals(1, server.applicationId, "applicationId")
}

fun appSessionCallbacks() {
    val session = awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.createSession(ok, err) }
    assertTrue(!session.token.isNullOrEmpty()) { "no token" }
    val server = awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.getSession(ok, err) }
    assertEquals(session.id, server.id, "GET /session id")
}

fun userSessionSuspend() = runBlocking {
    val user = newUser()
    val session = ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    assertEquals(user.id, session.userId, "session.userId")
    assertEquals(user.id, ConnectycubeSessionManager.activeSession?.userId, "activeSession.userId")
    // By email, too.
    val withEmail = ConnectyCube.updateUser(ConnectycubeUser(email = "${user.login}@example.com"))
    initSdk()
    val byEmail = ConnectyCube.createSession(ConnectycubeUser(email = withEmail.email, password = PASSWORD))
    assertEquals(user.id, byEmail.userId, "session by email")
}

fun userSessionCallbacks() {
    val user = runBlocking { newUser() }
    val session = awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD), ok, err)
    }
    assertEquals(user.id, session.userId, "session.userId")
    val server = awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.getSession(ok, err) }
    assertEquals(user.id, server.userId, "GET /session userId")
}

fun guestSessionSuspend() = runBlocking {
    val session = ConnectyCube.createSession(ConnectycubeUser(isGuest = true, fullName = "Guest Marvin"))
    val userId = session.userId ?: error("a guest session has a user")
    val me = ConnectyCube.getUserById(userId)
    assertTrue(me.isGuest) { "isGuest: $me" }
    assertEquals("Guest Marvin", me.fullName, "guest fullName")
}

fun guestSessionCallbacks() {
    val session = awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(isGuest = true, fullName = "Guest Marvin"), ok, err)
    }
    assertTrue((session.userId ?: 0) > 0) { "guest session without user: $session" }
}

// ------------------------------------------------------------------ sign up, update

private fun docsUser(login: String) = ConnectycubeUser(login = login, password = PASSWORD).apply {
    email = "$login@gmail.com"
    fullName = "Marvin Simon"
    website = "https://dozensofdreams.com"
    tags = listOf("iphone", "apple").joinToString(",")
}

private fun checkDocsUser(user: ConnectycubeUser, login: String) {
    assertTrue(user.id > 0) { "id: $user" }
    assertEquals(login, user.login, "login")
    assertEquals("$login@gmail.com", user.email, "email")
    assertEquals("Marvin Simon", user.fullName, "fullName")
    assertEquals("https://dozensofdreams.com", user.website, "website")
    assertEquals("iphone,apple", user.tags, "tags")
    assertEquals(null, user.password, "password echoed")
}

fun signUpSuspend() = runBlocking {
    // Without a session (CB-AuthKey), as the official SDK allows.
    val user = ConnectyCube.signUp(docsUser("marvin18"))
    checkDocsUser(user, "marvin18")
    assertThrows<ConnectycubeException.Validation> { ConnectyCube.signUp(docsUser("marvin18")) }
}

fun signUpCallbacks() {
    // With an app session this time (the suspend test signs up without one).
    awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.createSession(ok, err) }
    val user = awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.signUp(docsUser("marvin19"), ok, err) }
    checkDocsUser(user, "marvin19")
}

fun updateSuspend() = runBlocking {
    val user = newUser()
    ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    val updated = ConnectyCube.updateUser(ConnectycubeUser(fullName = "Marvin Simon", phone = "47802323143"))
    assertEquals("Marvin Simon", updated.fullName, "fullName")
    assertEquals("47802323143", updated.phone, "phone")
    assertEquals(user.login, updated.login, "login unchanged")

    // Password change: password + oldPassword.
    ConnectyCube.updateUser(ConnectycubeUser(password = "newsecurepwd", oldPassword = PASSWORD))
    initSdk()
    val old = assertThrows<ConnectycubeException.Response> {
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    }
    assertEquals(401, old.httpStatusCode, "old password")
    val session = ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = "newsecurepwd"))
    assertEquals(user.id, session.userId, "new password signs in")
}

fun updateCallbacks() {
    val user = runBlocking { newUser() }
    awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD), ok, err)
    }
    val updated = awaitCallback<ConnectycubeUser> { ok, err ->
        ConnectyCube.updateUser(ConnectycubeUser(fullName = "Marvin Callback"), ok, err)
    }
    assertEquals("Marvin Callback", updated.fullName, "fullName")
    // A wrong old password is a validation error on `old_password`.
    val wrong = awaitCallbackError<ConnectycubeUser> { ok, err ->
        ConnectyCube.updateUser(ConnectycubeUser(password = "newsecurepwd", oldPassword = "not-the-password"), ok, err)
    }
    assertTrue(wrong is ConnectycubeException.Validation && "old_password" in wrong.fieldErrors) { "wrong old: $wrong" }
    awaitCallback<ConnectycubeUser> { ok, err ->
        ConnectyCube.updateUser(ConnectycubeUser(password = "newsecurepwd", oldPassword = PASSWORD), ok, err)
    }
    initSdk()
    val session = awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = "newsecurepwd"), ok, err)
    }
    assertEquals(user.id, session.userId, "new password signs in")
}

// ------------------------------------------------------------------ lookups and searches

private suspend fun lookupFixture(): ConnectycubeUser {
    val user = ConnectyCube.signUp(
        ConnectycubeUser(
            login = "amigo",
            password = PASSWORD,
            email = "amigo@gmail.com",
            phone = "+4427123314",
            externalId = "3789",
            fullName = "Marvin Samuel",
        ),
    )
    ConnectyCube.createSession()
    return user
}

fun lookupsSuspend() = runBlocking {
    val user = lookupFixture()
    assertEquals(user.id, ConnectyCube.getUserById(user.id).id, "by id")
    assertEquals(user.id, ConnectyCube.getUserByLogin("amigo").id, "by login")
    assertEquals(user.id, ConnectyCube.getUserByEmail("amigo@gmail.com").id, "by email")
    assertEquals(user.id, ConnectyCube.getUserByPhoneNumber("+4427123314").id, "by phone")
    assertEquals(user.id, ConnectyCube.getUserByExternalId("3789").id, "by external id")
    assertThrows<ConnectycubeException.NotFound> { ConnectyCube.getUserByLogin("nobody-here") }
}

fun lookupsCallbacks() {
    val user = runBlocking { lookupFixture() }
    val byLogin = awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.getUserByLogin("amigo", ok, err) }
    assertEquals(user.id, byLogin.id, "by login")
    val byEmail = awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.getUserByEmail("amigo@gmail.com", ok, err) }
    assertEquals(user.id, byEmail.id, "by email")
    val byPhone = awaitCallback<ConnectycubeUser> { ok, err ->
        ConnectyCube.getUserByPhoneNumber("+4427123314", ok, err)
    }
    assertEquals(user.id, byPhone.id, "by phone")
    val byId = awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.getUserById(user.id, ok, err) }
    assertEquals("Marvin Samuel", byId.fullName, "by id")
    val byExternal = awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.getUserByExternalId("3789", ok, err) }
    assertEquals(user.id, byExternal.id, "by external id")
    val missing = awaitCallbackError<ConnectycubeUser> { ok, err -> ConnectyCube.getUserById(999_999, ok, err) }
    assertTrue(missing is ConnectycubeException.NotFound) { "missing: $missing" }
}

/** Five users `searchN` (N = 1…5) with tags, full names "Marvin Samuel N"; an app session. */
internal suspend fun searchFixture(): List<ConnectycubeUser> {
    val users = (1..5).map { n ->
        ConnectyCube.signUp(
            ConnectycubeUser(
                login = "search$n",
                password = PASSWORD,
                fullName = "Marvin Samuel $n",
                tags = if (n % 2 == 1) "iphone,apple" else "android",
            ),
        )
    }
    ConnectyCube.createSession()
    return users
}

internal fun logins(page: PagedUsersResult) = page.items.map { it.login }

fun searchesSuspend() = runBlocking {
    val users = searchFixture()
    val ids: Set<Int> = users.map { it.id }.toSet()

    val all = ConnectyCube.getUsersByIds(ids)
    assertEquals(5, all.totalEntries, "totalEntries")
    assertEquals(5, all.items.size, "items")

    val secondPage = ConnectyCube.getUsersByIds(
        ids,
        RequestPagination(1, 2),
        RequestSorter("login", OrderType.DESC),
    )
    assertEquals(listOf("search3", "search2"), logins(secondPage), "page 1 of 2, login desc")
    assertEquals(1, secondPage.page, "page")
    assertEquals(2, secondPage.perPage, "perPage")
    assertEquals(5, secondPage.totalEntries, "totalEntries")

    val asList = ConnectyCube.getUsersByIds(users.map { it.id }.take(2))
    assertEquals(2, asList.items.size, "List overload")

    val tagged = ConnectyCube.getUsersByTags(setOf("iphone"), sorter = RequestSorter("login", OrderType.ASC))
    assertEquals(listOf("search1", "search3", "search5"), logins(tagged), "by tags (Set)")
    val taggedList = ConnectyCube.getUsersByTags(listOf("android"))
    assertEquals(setOf("search2", "search4"), logins(taggedList).toSet(), "by tags (List)")

    // `full_name[start_with]` is limited to 5 answers by the server (rest-api.md), whatever the page size.
    val byName = ConnectyCube.getUsersByFullName("Marvin Samuel", sorter = RequestSorter("login", OrderType.DESC))
    assertEquals(listOf("search5", "search4", "search3", "search2", "search1"), logins(byName), "by full name")
}

fun searchesCallbacks() {
    val users = runBlocking { searchFixture() }
    val ids = users.map { it.id }.toSet()
    val all = awaitCallback<PagedUsersResult> { ok, err -> ConnectyCube.getUsersByIds(ids, ok, err) }
    assertEquals(5, all.items.size, "by ids")
    val page = awaitCallback<PagedUsersResult> { ok, err ->
        ConnectyCube.getUsersByIds(ids, RequestPagination(0, 2), RequestSorter("login", OrderType.ASC), ok, err)
    }
    assertEquals(listOf("search1", "search2"), logins(page), "first page, login asc")
    val tagged = awaitCallback<PagedUsersResult> { ok, err -> ConnectyCube.getUsersByTags(setOf("android"), ok, err) }
    assertEquals(setOf("search2", "search4"), logins(tagged).toSet(), "by tags")
    val byName = awaitCallback<PagedUsersResult> { ok, err ->
        ConnectyCube.getUsersByFullName("Marvin Samuel", ok, err)
    }
    assertEquals(5, byName.items.size, "by full name")
}

// ------------------------------------------------------------------ password reset

fun resetPasswordSuspend() = runBlocking {
    ConnectyCube.signUp(ConnectycubeUser(login = "marvin18", password = PASSWORD, email = "awesomeman@gmail.com"))
    ConnectyCube.createSession()
    ConnectyCube.resetPassword("awesomeman@gmail.com")
    ConnectyCube.resetPassword("nobody@gmail.com") // answers 200, sends nothing
    val outbox = Emulator.outbox()
    assertTrue("\"to\":\"awesomeman@gmail.com\"" in outbox.replace(" ", "")) { "outbox: $outbox" }
    assertTrue("nobody@gmail.com" !in outbox) { "outbox: $outbox" }
}

fun resetPasswordCallbacks() {
    runBlocking {
        ConnectyCube.signUp(ConnectycubeUser(login = "marvin18", password = PASSWORD, email = "awesomeman@gmail.com"))
    }
    awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.createSession(ok, err) }
    // The docs' form: `resetPassword("awesomeman@gmail.com", {}, { error -> })`.
    awaitUnitCallback { ok, err -> ConnectyCube.resetPassword("awesomeman@gmail.com", ok, err) }
    val outbox = Emulator.outbox()
    assertTrue("awesomeman@gmail.com" in outbox) { "outbox: $outbox" }
}

// ------------------------------------------------------------------ avatar

private fun avatarFile(): File = File.createTempFile("avatar", ".png").apply {
    deleteOnExit()
    writeBytes(ByteArray(300_000) { (it % 251).toByte() })
}

private fun checkProgress(progress: List<Int>) {
    assertTrue(progress.isNotEmpty()) { "no progress" }
    assertTrue(progress.all { it in 0..100 }) { "progress out of range: $progress" }
    assertTrue(progress.zipWithNext().all { (a, b) -> a <= b }) { "progress not monotonic: $progress" }
    assertEquals(100, progress.last(), "last progress")
}

private fun checkAvatar(file: File, uploaded: ConnectycubeFile, user: ConnectycubeUser) {
    val uid = uploaded.uid ?: error("no uid")
    assertEquals(file.length(), uploaded.size, "size")
    assertTrue(!uploaded.isPublic) { "private by default" }
    // The docs keep the uid in customData (JSON); other users read it back and build the URL.
    val fileUid = Regex("\"avatar_uid\":\"([^\"]+)\"").find(user.customData ?: "")?.groupValues?.get(1)
    assertEquals(uid, fileUid, "avatar_uid in customData")
    val url = getPrivateUrlForUID(fileUid) ?: error("no private URL")
    assertTrue(url.contains("token=")) { "private URL without token: $url" }
    val (status, bytes) = Emulator.getUrl(url)
    assertEquals(200, status, "GET private URL")
    assertTrue(bytes.contentEquals(file.readBytes())) { "downloaded bytes differ" }
    val publicUrl = getPublicUrlForUID(uid) ?: error("no public URL")
    assertTrue(publicUrl.endsWith("/blobs/$uid")) { "public URL: $publicUrl" }
    assertEquals(null, getPrivateUrlForUID(null), "private URL of null")
}

fun avatarSuspend() = runBlocking {
    val user = newUser()
    ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    val file = avatarFile()
    val progress = Collections.synchronizedList(mutableListOf<Int>())
    val uploaded = ConnectyCube.uploadFile(file.path, false) { progress.add(it) }
    checkProgress(progress.toList())
    val updated = ConnectyCube.updateUser(ConnectycubeUser(customData = """{"avatar_uid":"${uploaded.uid}"}"""))
    checkAvatar(file, uploaded, ConnectyCube.getUserById(updated.id))

    val public = ConnectyCube.uploadFile(file.path, `public` = true)
    assertTrue(public.isPublic) { "public upload: $public" }
    val (status, _) = Emulator.getUrl(getPublicUrlForUID(public.uid) ?: error("no public URL"))
    assertEquals(200, status, "public read without a token")
}

fun avatarCallbacks() {
    val user = runBlocking { newUser() }
    awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD), ok, err)
    }
    val file = avatarFile()
    val progress = Collections.synchronizedList(mutableListOf<Int>())
    val progressThreads = Collections.synchronizedSet(mutableSetOf<String>())
    // The docs' form: uploadFile(path, successCallback = { }, errorCallback = { }), progress last.
    val uploaded = awaitCallback<ConnectycubeFile> { ok, err ->
        ConnectyCube.uploadFile(file.path, successCallback = ok, errorCallback = err, progress = {
            progressThreads.add(Thread.currentThread().name)
            progress.add(it)
        })
    }
    // Progress is delivered on the callback executor, before the success callback.
    checkProgress(progress.toList())
    assertEquals(setOf("connectycube-callbacks"), progressThreads.toSet(), "progress thread")
    val updated = awaitCallback<ConnectycubeUser> { ok, err ->
        ConnectyCube.updateUser(ConnectycubeUser(customData = """{"avatar_uid":"${uploaded.uid}"}"""), ok, err)
    }
    checkAvatar(file, uploaded, updated)
    val missing = awaitCallbackError<ConnectycubeFile> { ok, err ->
        ConnectyCube.uploadFile("/no/such/file.png", false, ok, err)
    }
    assertTrue(missing is ConnectycubeException) { "missing file: $missing" }
}

// ------------------------------------------------------------------ session manager

fun sessionManager() = runBlocking {
    assertEquals(null, ConnectycubeSessionManager.activeSession, "no session after init")
    assertTrue(!ConnectycubeSessionManager.isActiveSessionValid()) { "valid without a session" }
    val user = newUser()
    val session = ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    assertTrue(ConnectycubeSessionManager.isActiveSessionValid()) { "not valid after createSession" }
    val active = ConnectycubeSessionManager.activeSession ?: error("no active session")
    assertEquals(user.id, active.userId, "activeSession.userId")
    assertEquals(session.token, ConnectycubeSessionManager.getToken(), "getToken")
    val expiry = ConnectycubeSessionManager.getTokenExpirationDate() ?: error("no expiry")
    assertTrue(expiry > System.currentTimeMillis() + 60 * 60 * 1000) { "expiry $expiry: less than 1 h away" }

    // Forget it locally, then use it again from its token (an app restoring it from storage).
    ConnectycubeSessionManager.activeSession = null
    assertEquals(null, ConnectycubeSessionManager.getToken(), "token after forgetting")
    assertTrue(!ConnectycubeSessionManager.isActiveSessionValid()) { "valid after forgetting" }
    assertEquals(200, Emulator.sessionStatus(session.token), "forgotten locally only: alive on the server")
    // With no session held, the SDK opens an application session by itself (automatic session management).
    assertEquals(null, ConnectyCube.getSession().userId, "an application session")
    ConnectycubeSessionManager.setToken(session.token ?: error("no token"))
    assertEquals(user.id, ConnectyCube.getSession().userId, "session from setToken")

    ConnectycubeSessionManager.deleteActiveSession()
    ConnectycubeSessionManager.activeSession = active
    assertEquals(user.id, ConnectycubeSessionManager.activeSession?.userId, "activeSession set back")
    assertEquals(user.id, ConnectyCube.getSession().userId, "server agrees")
}

// ------------------------------------------------------------------ sign out, destroy, delete

fun signOutDestroySuspend() = runBlocking {
    val user = newUser()
    ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    @Suppress("DEPRECATION")
    ConnectyCube.signOut()
    assertEquals(null, ConnectyCube.getSession().userId, "an app session after signOut")
    @Suppress("DEPRECATION")
    val signedIn = ConnectyCube.signIn(ConnectycubeUser(login = user.login, password = PASSWORD))
    assertEquals(user.id, signedIn.id, "signIn on the app session")
    val token = ConnectycubeSessionManager.getToken()
    ConnectyCube.destroySession()
    assertEquals(null, ConnectycubeSessionManager.activeSession, "no session after destroySession")
    assertEquals(401, Emulator.sessionStatus(token), "the destroyed token on the server")
}

@Suppress("DEPRECATION")
fun signOutDestroyCallbacks() {
    val user = runBlocking { newUser() }
    awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.createSession(ok, err) }
    val signedIn = awaitCallback<ConnectycubeUser> { ok, err ->
        ConnectyCube.signIn(ConnectycubeUser(login = user.login, password = PASSWORD), ok, err)
    }
    assertEquals(user.id, signedIn.id, "signIn")
    awaitUnitCallback { ok, err -> ConnectyCube.signOut(ok, err) }
    val app = awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.getSession(ok, err) }
    assertEquals(null, app.userId, "app session after signOut")
    val token = ConnectycubeSessionManager.getToken()
    awaitUnitCallback { ok, err -> ConnectyCube.destroySession(ok, err) }
    assertEquals(null, ConnectycubeSessionManager.getToken(), "token after destroySession")
    assertEquals(401, Emulator.sessionStatus(token), "the destroyed token on the server")
}

fun otherSessions() = runBlocking {
    val user = newUser()
    val credentials = ConnectycubeUser(login = user.login, password = PASSWORD)
    val first = ConnectyCube.createSession(credentials)
    initSdk()
    val second = ConnectyCube.createSession(credentials)
    initSdk()
    ConnectyCube.createSession(credentials)
    // Delete one session by id (suspend), then every other one (callbacks).
    ConnectyCube.deleteSession(first.id)
    awaitUnitCallback { ok, err -> ConnectyCube.deleteSessionsExceptCurrent(ok, err) }
    assertEquals(user.id, ConnectyCube.getSession().userId, "the current session lives")
    for (gone in listOf(first, second)) {
        assertEquals(401, Emulator.sessionStatus(gone.token), "a deleted session")
    }
}

fun deleteUserSuspend() = runBlocking {
    val user = newUser()
    ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    ConnectyCube.deleteUser()
    initSdk()
    ConnectyCube.createSession()
    assertThrows<ConnectycubeException.NotFound> { ConnectyCube.getUserById(user.id) }
}

fun deleteUserCallbacks() {
    val user = runBlocking { newUser() }
    awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD), ok, err)
    }
    // The docs' form: `deleteUser({}, { error -> })`.
    awaitUnitCallback { ok, err -> ConnectyCube.deleteUser(ok, err) }
    initSdk()
    awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.createSession(ok, err) }
    val missing = awaitCallbackError<ConnectycubeUser> { ok, err -> ConnectyCube.getUserById(user.id, ok, err) }
    assertTrue(missing is ConnectycubeException.NotFound) { "deleted user: $missing" }
}

// ------------------------------------------------------------------ errors

fun wrongPasswordSuspend() = runBlocking {
    val user = newUser()
    val error = assertThrows<ConnectycubeException.Response> {
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = "wrong-password"))
    }
    assertEquals(401, error.httpStatusCode, "httpStatusCode")
    assertTrue(error.errors.isNotEmpty()) { "no server reasons" }
    assertTrue(!error.message.isNullOrEmpty()) { "no message" }
}

fun wrongPasswordCallbacks() {
    val user = runBlocking { newUser() }
    val error = awaitCallbackError<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = "wrong-password"), ok, err)
    }
    // errorCallback receives `Exception`; the typed error is one `is` away.
    assertTrue(error is ConnectycubeException.Response && error.httpStatusCode == 401) { "got $error" }
}

// ------------------------------------------------------------------ cancellation, concurrency

fun cancellation() = runBlocking {
    val user = newUser()
    ConnectyCube.createSession()
    Emulator.fault("""{"path_prefix":"/users","delay_ms":5000}""")
    val started = System.nanoTime()
    assertThrows<TimeoutCancellationException> {
        withTimeout(200) { ConnectyCube.getUserById(user.id) }
    }
    val elapsedMs = (System.nanoTime() - started) / 1_000_000
    assertTrue(elapsedMs < 1_000) { "cancellation took $elapsedMs ms (the delay is 5000 ms)" }
    // The SDK stays usable: the fault was used up by the cancelled request.
    assertEquals(user.id, ConnectyCube.getUserById(user.id).id, "a call after the cancelled one")
}

fun callbackJobCancel() {
    val user = runBlocking { newUser() }
    awaitCallback<ConnectycubeSession> { ok, err -> ConnectyCube.createSession(ok, err) }
    Emulator.fault("""{"path_prefix":"/users","delay_ms":3000}""")
    val delivered = CountDownLatch(1)
    val job = ConnectyCube.getUserById(user.id, { delivered.countDown() }, { delivered.countDown() })
    Thread.sleep(100)
    val started = System.nanoTime()
    runBlocking { job.cancelAndJoinCompat() }
    val elapsedMs = (System.nanoTime() - started) / 1_000_000
    assertTrue(elapsedMs < 1_000) { "cancel took $elapsedMs ms" }
    assertTrue(!delivered.await(500, TimeUnit.MILLISECONDS)) { "a callback ran after cancel" }
}

private suspend fun kotlinx.coroutines.Job.cancelAndJoinCompat() {
    cancel()
    join()
}

fun concurrentRenewal() = runBlocking {
    resetWorld()
    // The default config, as an app written from the docs has it: the sign-in is kept in
    // memory and renews the expired session.
    ConnectyCube.init(APP_ID, AUTH_KEY, ConnectycubeConfig(endpoint))
    val user = newUser()
    ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    val before = Emulator.requests("POST /session")
    assertEquals(1, before, "POST /session before")
    Emulator.advanceClock(7201)
    val results = (1..20).map {
        async(Dispatchers.Default) { ConnectyCube.getUserById(user.id) }
    }.awaitAll()
    assertTrue(results.all { it.id == user.id }) { "a wrong user among the results" }
    assertEquals(before + 1, Emulator.requests("POST /session"), "POST /session after 20 calls")
    assertEquals(user.id, ConnectycubeSessionManager.activeSession?.userId, "still the user's session")
}

fun restoreHandler() = runBlocking {
    val user = newUser()
    val asked = AtomicInteger()
    ConnectyCube.setSessionRestoreHandler {
        asked.incrementAndGet()
        ConnectycubeUser(login = user.login, password = PASSWORD)
    }
    initSdk() // the handler takes effect at init
    ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    Emulator.advanceClock(7201)
    val results = (1..5).map { async(Dispatchers.Default) { ConnectyCube.getUserById(user.id) } }.awaitAll()
    assertTrue(results.all { it.id == user.id }) { "results" }
    assertEquals(1, asked.get(), "restore handler calls")
    assertEquals(2, Emulator.requests("POST /session"), "POST /session")
}

fun sessionPersistence() = runBlocking {
    val user = newUser()
    val store = object : SessionPersistence {
        @Volatile var saved: ConnectycubeSession? = null
        val cleared = AtomicInteger()

        override fun load(): ConnectycubeSession? = saved
        override fun save(session: ConnectycubeSession) {
            saved = session
        }
        override fun clear() {
            cleared.incrementAndGet()
            saved = null
        }
    }
    ConnectyCube.setSessionPersistence(store)
    initSdk()
    val session = ConnectyCube.createSession(ConnectycubeUser(login = user.login, password = PASSWORD))
    assertEquals(session.token, store.saved?.token, "saved token")
    assertEquals(user.id, store.saved?.userId, "saved user id")
    // An app restart: a fresh init loads the saved session, with no request.
    val sessionsBefore = Emulator.requests("POST /session")
    initSdk()
    assertEquals(session.token, ConnectycubeSessionManager.getToken(), "token loaded at init")
    assertEquals(user.id, ConnectyCube.getSession().userId, "the loaded session works")
    assertEquals(sessionsBefore, Emulator.requests("POST /session"), "no new session")
    ConnectyCube.destroySession()
    assertTrue(store.cleared.get() >= 1 && store.saved == null) { "not cleared on destroySession" }
}

fun providerSessions() = runBlocking {
    Emulator.post("/__emulator/identities", """{"provider":"facebook","token":"fb-token","uid":"fb-1","full_name":"Face Book"}""")
    Emulator.post(
        "/__emulator/identities",
        """{"provider":"twitter","token":"tw-token","secret":"tw-secret","uid":"tw-1","full_name":"Twit Ter"}""",
    )
    Emulator.post(
        "/__emulator/identities",
        """{"provider":"firebase_phone","token":"fp-token","uid":"fp-1","project_id":"proj","phone":"+100200300"}""",
    )
    Emulator.post(
        "/__emulator/identities",
        """{"provider":"firebase_email","token":"fe-token","uid":"fe-1","project_id":"proj","email":"fe@example.com"}""",
    )
    val facebook = ConnectyCube.createSessionUsingSocialProvider(ConnectycubeProvider.FACEBOOK, "fb-token")
    val fbUser = ConnectyCube.getUserByFacebookId("fb-1")
    assertEquals(facebook.userId, fbUser.id, "facebook user")
    initSdk()
    val twitter = awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSessionUsingSocialProvider(ConnectycubeProvider.TWITTER, "tw-token", "tw-secret", ok, err)
    }
    val twUser = awaitCallback<ConnectycubeUser> { ok, err -> ConnectyCube.getUserByTwitterId("tw-1", ok, err) }
    assertEquals(twitter.userId, twUser.id, "twitter user")
    val noSecret = assertThrows<ConnectycubeException.InvalidArgument> {
        ConnectyCube.createSessionUsingSocialProvider(ConnectycubeProvider.TWITTER, "tw-token")
    }
    assertTrue(noSecret.reason.contains("secret", ignoreCase = true)) { noSecret.reason }
    initSdk()
    val phone = ConnectyCube.createSessionUsingFirebasePhone("proj", "fp-token")
    assertTrue((phone.userId ?: 0) > 0) { "firebase phone session: $phone" }
    initSdk()
    val email = awaitCallback<ConnectycubeSession> { ok, err ->
        ConnectyCube.createSessionUsingFirebaseEmail("proj", "fe-token", ok, err)
    }
    assertTrue((email.userId ?: 0) > 0 && email.userId != phone.userId) { "firebase email session: $email" }
    // The deprecated sign-in forms, on an application session.
    initSdk()
    ConnectyCube.createSession()
    @Suppress("DEPRECATION")
    val signedIn = ConnectyCube.signInUsingSocialProvider(ConnectycubeProvider.FACEBOOK, "fb-token")
    assertEquals(fbUser.id, signedIn.id, "signInUsingSocialProvider")
    @Suppress("DEPRECATION")
    val phoneUser = awaitCallback<ConnectycubeUser> { ok, err ->
        ConnectyCube.signInUsingFirebasePhone("proj", "fp-token", ok, err)
    }
    assertEquals(phone.userId, phoneUser.id, "signInUsingFirebasePhone")
    val wrong = assertThrows<ConnectycubeException.Response> {
        ConnectyCube.createSessionUsingSocialProvider(ConnectycubeProvider.FACEBOOK, "unknown-token")
    }
    assertEquals(401, wrong.httpStatusCode, "unregistered token")
}
