package com.connectycube.test.legacy

import android.os.Bundle
import android.os.Looper
import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeConfig
import com.connectycube.ConnectycubeException
import com.connectycube.ConnectycubeProvider
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.auth.ConnectycubeAuth
import com.connectycube.core.exception.ResponseException
import com.connectycube.core.helper.StringifyArrayList
import com.connectycube.core.request.PagedRequestBuilder
import com.connectycube.core.request.PagingKeys
import com.connectycube.storage.ConnectycubeStorage
import com.connectycube.storage.model.ConnectycubeFile
import com.connectycube.test.Emulator
import com.connectycube.test.assertEquals
import com.connectycube.test.assertThrows
import com.connectycube.test.assertTrue
import com.connectycube.test.APP_ID
import com.connectycube.test.AUTH_KEY
import com.connectycube.test.endpoint
import com.connectycube.test.initSdk
import com.connectycube.users.ConnectycubeUsers
import com.connectycube.users.model.ConnectycubeUser
import java.io.File
import java.util.Collections
import java.util.concurrent.atomic.AtomicReference
import com.connectycube.ConnectycubeUser as UserRecord

// The rest of the 1.x auth + users surface, the Performer contract (blocking, main-thread
// refusal, cancel), the error mapping and the documented session renewal.

fun legacyApiTests(): List<Pair<String, () -> Any?>> = listOf(
    "legacy auth: app and user sessions, by email, getSession, isValidToken" to ::authSessions,
    "legacy auth: social and Firebase sessions" to ::authProviderSessions,
    "legacy auth: deleteUserSessionById, deleteUserSessionsExceptCurrent" to ::authOtherSessions,
    "legacy users: signIn(login, pwd), signInByEmail, signOut" to ::usersSignInForms,
    "legacy users: signInUsingSocialProvider, signInUsingFirebase" to ::usersProviderSignIns,
    "legacy users: signUpSignInTask" to ::usersSignUpSignIn,
    "legacy users: updateUser password change with oldPassword" to ::usersPasswordChange,
    "legacy users: getUser, by Facebook / Twitter id" to ::usersSingleLookups,
    "legacy users: by emails, logins, Facebook, Twitter ids (with and without Bundle)" to ::usersListLookups,
    "legacy users: getUsers and getUsersByFilter (v1 list, 1-based pages)" to ::usersV1Lists,
    "legacy users: deleteByExternalId" to ::usersDeleteByExternalId,
    "legacy errors: ResponseException status, reasons, cause; no secret" to ::errorsMapping,
    "legacy Performer: perform() refused on the main thread, works off it" to ::performMainThread,
    "legacy Performer: cancel() before and during a request" to ::performCancel,
    "legacy storage: uploadFileTask progress, public URL" to ::storageUpload,
    "legacy models: ConnectycubeUser bean, toString without password" to ::userBean,
    "legacy: a password sign-in renews itself after 2 h (one POST /session)" to ::renewalAfterExpiry,
)

private fun newAccount(login: String, email: String? = null): UserRecord =
    seedUser(UserRecord(login = login, email = email))

fun authSessions() {
    val app = ConnectycubeAuth.createSession().perform()
    assertEquals(null, app.getUserId(), "an application session has no user")
    assertEquals(1, ConnectycubeAuth.getSession().perform().getAppId(), "appId (GET /session)")
    assertTrue(app.isValidToken()) { "the new application session is valid" }
    val user = newAccount("marvin18", "awesomeman@gmail.com")
    val byUser = ConnectycubeAuth.createSession(ConnectycubeUser("marvin18", DOCS_PASSWORD)).perform()
    assertEquals(user.id, byUser.getUserId(), "createSession(user)")
    assertTrue((byUser.getTokenExpirationDate()?.time ?: 0) > System.currentTimeMillis()) { "expiry ahead" }
    assertTrue(!app.isValidToken()) { "the replaced application session is no longer the SDK's" }
    assertTrue(byUser.toString().contains(byUser.getToken()!!).not()) { "toString shows the token: $byUser" }
    initSdk()
    val byLogin = ConnectycubeAuth.createSession("marvin18", DOCS_PASSWORD).perform()
    assertEquals(user.id, byLogin.getUserId(), "createSession(login, password)")
    initSdk()
    val byEmailUser = ConnectycubeUser().apply { email = "awesomeman@gmail.com"; password = DOCS_PASSWORD }
    assertEquals(user.id, ConnectycubeAuth.createSessionByEmail(byEmailUser).perform().getUserId(), "by email (user)")
    initSdk()
    val byEmail = ConnectycubeAuth.createSessionByEmail("awesomeman@gmail.com", DOCS_PASSWORD).perform()
    assertEquals(user.id, byEmail.getUserId(), "by email")
    val server = Outcome<com.connectycube.auth.session.ConnectycubeSession>()
    ConnectycubeAuth.getSession().performAsync(server)
    assertEquals(byEmail.getId(), server.await().getId(), "getSession id")
    assertEquals(user.id, server.await().getUserId(), "getSession user")
}

private fun registerIdentities() {
    Emulator.post("/__emulator/identities", """{"provider":"facebook","token":"fb-token","uid":"fb-1","full_name":"Face Book"}""")
    Emulator.post(
        "/__emulator/identities",
        """{"provider":"twitter","token":"tw-token","secret":"tw-secret","uid":"tw-1","full_name":"Twit Ter"}""",
    )
    Emulator.post(
        "/__emulator/identities",
        """{"provider":"firebase_phone","token":"fp-token","uid":"fp-1","project_id":"proj","phone":"+100200300"}""",
    )
}

fun authProviderSessions() {
    registerIdentities()
    val facebook = ConnectycubeAuth.createSessionUsingSocialProvider(ConnectycubeProvider.FACEBOOK, "fb-token", null).perform()
    val fbUser = ConnectycubeUsers.getUserByFacebookId("fb-1").perform()
    assertEquals(facebook.getUserId(), fbUser.id, "facebook session user")
    initSdk()
    val twitter = Outcome<com.connectycube.auth.session.ConnectycubeSession>()
    ConnectycubeAuth.createSessionUsingSocialProvider(ConnectycubeProvider.TWITTER, "tw-token", "tw-secret").performAsync(twitter)
    // The session first: the Twitter sign-in creates the user the lookup finds.
    val twitterUserId = twitter.await().getUserId()
    assertEquals(ConnectycubeUsers.getUserByTwitterId("tw-1").perform().id, twitterUserId, "twitter")
    initSdk()
    val firebase = ConnectycubeAuth.createSessionUsingFirebase("proj", "fp-token").perform()
    assertEquals(ConnectycubeUsers.getUsersByPhoneNumbers(listOf("+100200300"), null).perform().single().id,
        firebase.getUserId(), "firebase phone user")
    initSdk()
    val refused = assertThrows<ResponseException> {
        ConnectycubeAuth.createSessionUsingSocialProvider(ConnectycubeProvider.FACEBOOK, "unknown-token", null).perform()
    }
    assertEquals(401, refused.getHttpStatusCode(), "unregistered token")
}

fun authOtherSessions() {
    newAccount("marvin18")
    val first = ConnectycubeAuth.createSession("marvin18", DOCS_PASSWORD).perform()
    initSdk()
    val second = ConnectycubeAuth.createSession("marvin18", DOCS_PASSWORD).perform()
    initSdk()
    val current = ConnectycubeAuth.createSession("marvin18", DOCS_PASSWORD).perform()
    val byId = Outcome<Void?>()
    ConnectycubeAuth.deleteUserSessionById(first.getId()).performAsync(byId)
    assertEquals(null, byId.await(), "deleteUserSessionById")
    assertEquals(401, Emulator.sessionStatus(first.getToken()), "the first session")
    assertEquals(200, Emulator.sessionStatus(second.getToken()), "the second session still lives")
    assertEquals(null, ConnectycubeAuth.deleteUserSessionsExceptCurrent().perform(), "deleteUserSessionsExceptCurrent")
    assertEquals(401, Emulator.sessionStatus(second.getToken()), "the second session")
    assertEquals(200, Emulator.sessionStatus(current.getToken()), "the current session")
}

fun usersSignInForms() {
    val user = newAccount("marvin18", "awesomeman@gmail.com")
    ConnectycubeAuth.createSession().perform()
    assertEquals(user.id, ConnectycubeUsers.signIn("marvin18", DOCS_PASSWORD).perform().id, "signIn(login, password)")
    val signOut = Outcome<Void?>()
    ConnectycubeUsers.signOut().performAsync(signOut)
    assertEquals(null, signOut.await(), "signOut")
    assertEquals(null, ConnectycubeSessionManager.activeSession?.userId, "after signOut the session has no user")
    val byEmail = Outcome<ConnectycubeUser>()
    ConnectycubeUsers.signInByEmail("awesomeman@gmail.com", DOCS_PASSWORD).performAsync(byEmail)
    assertEquals(user.id, byEmail.await().id, "signInByEmail")
    val wrong = assertThrows<ResponseException> { ConnectycubeUsers.signIn("marvin18", "wrong-password").perform() }
    assertEquals(401, wrong.getHttpStatusCode(), "wrong password")
}

fun usersProviderSignIns() {
    registerIdentities()
    ConnectycubeAuth.createSession().perform()
    val facebook = ConnectycubeUsers.signInUsingSocialProvider(ConnectycubeProvider.FACEBOOK, "fb-token", null).perform()
    assertEquals("fb-1", facebook.facebookId, "facebook user")
    assertEquals(facebook.id, ConnectycubeSessionManager.activeSession?.userId, "the session is the facebook user's")
    initSdk()
    ConnectycubeAuth.createSession().perform()
    val phone = Outcome<ConnectycubeUser>()
    ConnectycubeUsers.signInUsingFirebase("proj", "fp-token").performAsync(phone)
    assertEquals("+100200300", phone.await().phone, "firebase phone user")
}

fun usersSignUpSignIn() {
    val outcome = Outcome<ConnectycubeUser>()
    ConnectycubeUsers.signUpSignInTask(ConnectycubeUser("marvin18", DOCS_PASSWORD, "awesomeman@gmail.com")).performAsync(outcome)
    val user = outcome.await()
    assertEquals("marvin18", user.login, "login")
    assertEquals(user.id, ConnectycubeAuth.getSession().perform().getUserId(), "the session is the new user's")
}

fun usersPasswordChange() {
    signedInMarvin()
    val change = ConnectycubeUser().apply { password = "newsecurepwd"; oldPassword = DOCS_PASSWORD }
    ConnectycubeUsers.updateUser(change).perform()
    initSdk()
    assertThrows<ResponseException> { ConnectycubeUsers.signIn("marvin18", DOCS_PASSWORD).perform() }
    assertEquals("marvin18", ConnectycubeUsers.signIn("marvin18", "newsecurepwd").perform().login, "new password")
}

fun usersSingleLookups() {
    val plain = newAccount("plain")
    val fb = seedUser(UserRecord(login = "fbuser", faceBookId = "100200"))
    val tw = seedUser(UserRecord(login = "twuser", twitterId = "300400"))
    val byId = ConnectycubeUsers.getUser(plain.id).perform()
    assertEquals("plain", byId.login, "getUser(id)")
    assertTrue(byId.createdAt != null && byId.updatedAt != null) { "dates: $byId" }
    assertEquals(fb.id, ConnectycubeUsers.getUserByFacebookId("100200").perform().id, "getUserByFacebookId")
    val byTwitter = Outcome<ConnectycubeUser>()
    ConnectycubeUsers.getUserByTwitterId("300400").performAsync(byTwitter)
    assertEquals(tw.id, byTwitter.await().id, "getUserByTwitterId")
    val missing = assertThrows<ResponseException> { ConnectycubeUsers.getUser(9999).perform() }
    assertEquals(404, missing.getHttpStatusCode(), "unknown id")
}

fun usersListLookups() {
    val a = seedUser(UserRecord(login = "alpha", email = "a@example.com", faceBookId = "f1", twitterId = "t1"))
    val b = seedUser(UserRecord(login = "beta", email = "b@example.com", faceBookId = "f2", twitterId = "t2"))
    seedUser(UserRecord(login = "gamma", email = "c@example.com"))
    val both = listOf(a.id, b.id)
    val builder = PagedRequestBuilder(1, 10)
    assertEquals(both, ids(ConnectycubeUsers.getUsersByEmails(listOf("a@example.com", "b@example.com"), builder).perform()).sortedBy { it }, "by emails")
    assertEquals(both, ids(ConnectycubeUsers.getUsersByLogins(listOf("alpha", "beta"), builder).perform()).sortedBy { it }, "by logins")
    assertEquals(both, ids(ConnectycubeUsers.getUsersByFacebookId(listOf("f1", "f2"), builder).perform()).sortedBy { it }, "by Facebook ids")
    val params = Bundle()
    val outcome = Outcome<ArrayList<ConnectycubeUser>>()
    ConnectycubeUsers.getUsersByTwitterId(listOf("t1", "t2"), PagedRequestBuilder(2, 1), params).performAsync(outcome)
    assertEquals(1, outcome.await().size, "page 2 of 1")
    assertEquals(2, params.getInt(PagingKeys.CURRENT_PAGE), "current_page")
    assertEquals(2, params.getInt(PagingKeys.TOTAL_ENTRIES), "total_entries")
    assertEquals(2, params.getInt(PagingKeys.TOTAL_PAGES), "total_pages")
    assertEquals(1, params.getInt(PagingKeys.SKIP), "skip")
    val zeroPage = assertThrows<ResponseException> {
        ConnectycubeUsers.getUsersByLogins(listOf("alpha"), PagedRequestBuilder(0, 10)).perform()
    }
    assertTrue(zeroPage.cause is ConnectycubeException.InvalidArgument) { "page 0: ${zeroPage.cause}" }
}

fun usersV1Lists() {
    val made = (1..5).map { seedUser(UserRecord(login = "v1user$it")) }
    ConnectycubeAuth.createSession().perform()
    val params = Bundle()
    val page2 = ConnectycubeUsers.getUsers(PagedRequestBuilder(2, 2), params).perform()
    assertEquals(2, page2.size, "page 2 size")
    assertEquals(2, params.getInt(PagingKeys.CURRENT_PAGE), "current_page")
    assertEquals(5, params.getInt(PagingKeys.TOTAL_ENTRIES), "total_entries")
    assertEquals(3, params.getInt(PagingKeys.TOTAL_PAGES), "total_pages")
    val wanted = listOf(made[0].id, made[3].id)
    val filtered = ConnectycubeUsers.getUsersByFilter(wanted, "number id in", PagedRequestBuilder()).perform()
    assertEquals(wanted, ids(filtered).sortedBy { it }, "getUsersByFilter")
    val bad = assertThrows<ResponseException> {
        ConnectycubeUsers.getUsersByFilter(listOf("x"), "number id", null).perform()
    }
    assertEquals(0, bad.getHttpStatusCode(), "a malformed filter is refused before sending")
    assertTrue(bad.cause is ConnectycubeException.InvalidArgument) { "cause: ${bad.cause}" }
}

fun usersDeleteByExternalId() {
    val user = seedUser(UserRecord(login = "external", externalId = "ext-42"))
    ConnectycubeUsers.signIn("external", DOCS_PASSWORD).perform()
    assertEquals(null, ConnectycubeUsers.deleteByExternalId("ext-42").perform(), "deleteByExternalId")
    ConnectycubeAuth.createSession().perform()
    assertEquals(404, assertThrows<ResponseException> { ConnectycubeUsers.getUser(user.id).perform() }.getHttpStatusCode(), "deleted")
}

fun errorsMapping() {
    newAccount("marvin18")
    val secret = "wrong-secret-password"
    val outcome = Outcome<ConnectycubeUser>()
    ConnectycubeUsers.signIn("marvin18", secret).performAsync(outcome)
    val error = outcome.awaitError()
    assertEquals(401, error.getHttpStatusCode(), "status")
    assertTrue(error.getErrors().isNotEmpty()) { "the server's reasons" }
    assertTrue(error.cause is ConnectycubeException.Response) { "cause: ${error.cause}" }
    for (text in listOf(error.toString(), error.message.orEmpty(), error.getErrors().joinToString())) {
        assertTrue(secret !in text) { "a password in the error: $text" }
    }
    ConnectycubeUsers.signIn("marvin18", DOCS_PASSWORD).perform()
    val taken = assertThrows<ResponseException> { ConnectycubeUsers.signUp(ConnectycubeUser("marvin18", DOCS_PASSWORD)).perform() }
    assertEquals(422, taken.getHttpStatusCode(), "login taken")
    assertTrue(taken.getErrors().any { "login" in it }) { "reasons: ${taken.getErrors()}" }
    val invalid = assertThrows<ResponseException> { ConnectycubeUsers.resetPassword("not-an-address").perform() }
    assertEquals(0, invalid.getHttpStatusCode(), "refused before sending")
    assertEquals(listOf("x"), ResponseException(listOf("x")).getErrors(), "(List) constructor")
    assertEquals(404, ResponseException(404, listOf("Not found")).getHttpStatusCode(), "(int, List) constructor")
    assertEquals(listOf("boom"), ResponseException("boom").getErrors(), "(String) constructor")
}

fun performMainThread() {
    newAccount("marvin18")
    // Off the main thread (this test thread): perform() blocks and returns the user.
    assertEquals("marvin18", ConnectycubeUsers.getUserByLogin("marvin18").perform().login, "perform off main")
    val refused = AtomicReference<Throwable?>()
    val main = Thread {
        Looper.prepareMainLooper()
        try {
            ConnectycubeUsers.getUserByLogin("marvin18").perform()
        } catch (e: Throwable) {
            refused.set(e)
        }
    }
    main.start()
    main.join()
    assertTrue(refused.get() is IllegalStateException) { "perform on the main thread: ${refused.get()}" }
    assertEquals(1, Emulator.requests("GET /users/v2"), "the refused call sent nothing")
}

fun performCancel() {
    newAccount("marvin18")
    ConnectycubeAuth.createSession().perform()
    // Cancelled before it runs: no callback, nothing sent.
    val before = Emulator.requests("GET /users/v2")
    val early = ConnectycubeUsers.getUserByLogin("marvin18")
    early.cancel()
    val earlyOutcome = Outcome<ConnectycubeUser>()
    early.performAsync(earlyOutcome)
    assertTrue(!earlyOutcome.calledWithin(500)) { "a callback after cancel()" }
    assertTrue(early.isCanceled()) { "isCanceled" }
    assertEquals(before, Emulator.requests("GET /users/v2"), "nothing sent")
    // Cancelled while the server delays: no callback; a blocked perform() throws.
    Emulator.fault("""{"path_prefix":"/users/v2","delay_ms":3000,"times":2}""")
    val slow = ConnectycubeUsers.getUserByLogin("marvin18")
    val slowOutcome = Outcome<ConnectycubeUser>()
    slow.performAsync(slowOutcome)
    Thread.sleep(300)
    slow.cancel()
    assertTrue(!slowOutcome.calledWithin(1500)) { "a callback after cancel()" }
    val blocked = ConnectycubeUsers.getUserByLogin("marvin18")
    val canceller = Thread {
        Thread.sleep(300)
        blocked.cancel()
    }
    canceller.start()
    val started = System.nanoTime()
    val cancelled = assertThrows<ResponseException> { blocked.perform() }
    canceller.join()
    assertTrue((System.nanoTime() - started) / 1_000_000 < 2500) { "perform() returned only when the server answered" }
    assertTrue(cancelled.cause is ConnectycubeException.Cancelled) { "cause: ${cancelled.cause}" }
}

fun storageUpload() {
    signedInMarvin()
    val bytes = ByteArray(200_000) { it.toByte() }
    val file = File.createTempFile("public", ".bin").apply {
        deleteOnExit()
        writeBytes(bytes)
    }
    val progress = Collections.synchronizedList(ArrayList<Pair<Int, String>>())
    val outcome = Outcome<ConnectycubeFile>()
    ConnectycubeStorage.uploadFileTask(file, true) { percent -> progress.add(percent to Thread.currentThread().name) }
        .performAsync(outcome)
    val uploaded = outcome.await()
    assertEquals(true, uploaded.isPublic, "public")
    assertTrue(progress.isNotEmpty() && progress.last().first == 100) { "progress: $progress" }
    assertTrue(progress.all { it.second == "connectycube-callbacks" }) { "progress threads: $progress" }
    val url = ConnectycubeFile.getPublicUrlForUID(uploaded.uid) ?: throw AssertionError("no URL")
    assertEquals(uploaded.getPublicUrl(), url, "instance and static public URL")
    val (status, body) = Emulator.getUrl(url)
    assertEquals(200, status, "GET public URL")
    assertTrue(body.contentEquals(bytes)) { "the downloaded bytes differ" }
}

fun userBean() {
    val user = ConnectycubeUser("marvin18", "supersecurepwd", "awesomeman@gmail.com").apply {
        oldPassword = "oldsecurepwd"
        tags = StringifyArrayList(listOf("a", "b"))
    }
    val text = user.toString()
    assertTrue("supersecurepwd" !in text && "oldsecurepwd" !in text) { "toString: $text" }
    assertTrue("marvin18" in text && "tags=a,b" in text) { "toString: $text" }
    assertEquals(7, ConnectycubeUser(7).id, "(Integer id)")
    assertEquals("solo", ConnectycubeUser("solo").login, "(String login)")
    assertEquals(1, PagedRequestBuilder().page, "default page")
}

/**
 * The guide: "Expiration time for session token is 2 hours after the last request … it will be
 * renewed automatically with next request". The default config, as an app written from the docs.
 */
fun renewalAfterExpiry() {
    // The default config, as an app written from the docs has it (no retainCredentials opt-in).
    ConnectyCube.init(APP_ID, AUTH_KEY, ConnectycubeConfig(endpoint))
    val user = newAccount("marvin18")
    val signedIn = ConnectycubeUsers.signIn(ConnectycubeUser("marvin18", DOCS_PASSWORD)).perform()
    assertEquals(user.id, signedIn.id, "signed in")
    val sessionsBefore = Emulator.requests("POST /session")
    Emulator.advanceClock(2 * 3600 + 60)
    val outcome = Outcome<ConnectycubeUser>()
    ConnectycubeUsers.getUser(user.id).performAsync(outcome)
    assertEquals("marvin18", outcome.await().login, "the call after expiry")
    assertEquals(sessionsBefore + 1, Emulator.requests("POST /session"), "one renewal")
    assertEquals(user.id, ConnectycubeAuth.getSession().perform().getUserId(), "still the user's session")
}
