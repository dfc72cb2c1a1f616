package com.connectycube.test.legacy

import android.os.Bundle
import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeSessionManager
import com.connectycube.auth.ConnectycubeAuth
import com.connectycube.core.exception.ResponseException
import com.connectycube.core.helper.StringifyArrayList
import com.connectycube.core.request.PagingKeys
import com.connectycube.storage.model.ConnectycubeFile
import com.connectycube.test.Emulator
import com.connectycube.test.assertEquals
import com.connectycube.test.assertThrows
import com.connectycube.test.assertTrue
import com.connectycube.users.ConnectycubeUsers
import com.connectycube.users.model.ConnectycubeUser
import java.io.File
import kotlinx.coroutines.runBlocking
import com.connectycube.ConnectycubeUser as UserRecord

// Runs each legacy Kotlin snippet of the Android guide (LegacyDocsSnippets.kt) against the
// emulator and checks what its callback received. Each test first makes the world the snippet
// expects (the user it looks up, the session it needs) with the new API.

fun legacyDocsTests(): List<Pair<String, () -> Any?>> = listOf(
    "legacy docs (Kotlin): signIn" to ::docsSignIn,
    "legacy docs (Kotlin): deleteSession" to ::docsDeleteSession,
    "legacy docs (Kotlin): signUp with StringifyArrayList tags" to ::docsSignUp,
    "legacy docs (Kotlin): updateUser" to ::docsUpdateUser,
    "legacy docs (Kotlin): avatar upload, customData, private URL" to ::docsAvatar,
    "legacy docs (Kotlin): resetPassword" to ::docsResetPassword,
    "legacy docs (Kotlin): getUsersByIDs, paging in the Bundle" to ::docsGetUsersByIds,
    "legacy docs (Kotlin): getUserByLogin" to ::docsGetUserByLogin,
    "legacy docs (Kotlin): getUserByEmail" to ::docsGetUserByEmail,
    "legacy docs (Kotlin): getUsersByFullName" to ::docsGetUsersByFullName,
    "legacy docs (Kotlin): getUsersByPhoneNumbers" to ::docsGetUsersByPhoneNumbers,
    "legacy docs (Kotlin): getUserByExternalId" to ::docsGetUserByExternalId,
    "legacy docs (Kotlin): getUsersByTags" to ::docsGetUsersByTags,
    "legacy docs (Kotlin): deleteUser" to ::docsDeleteUser,
)

const val DOCS_PASSWORD = "supersecurepwd"

/** A user made with the new API, for a snippet to find. */
fun seedUser(record: UserRecord): UserRecord = runBlocking {
    ConnectyCube.signUp(record.copy(password = record.password ?: DOCS_PASSWORD))
}

/** Signs in as the docs' `marvin18` (made first), with the blocking 1.x form. */
fun signedInMarvin(): ConnectycubeUser {
    seedUser(UserRecord(login = "marvin18", email = "awesomeman@gmail.com"))
    return ConnectycubeUsers.signIn("marvin18", DOCS_PASSWORD).perform()
}

/** The ids of a list result. */
fun ids(users: List<ConnectycubeUser>): List<Int?> = users.map { it.id }

fun docsSignIn() {
    val created = seedUser(UserRecord(login = "marvin18"))
    val outcome = Outcome<ConnectycubeUser>()
    legacySignIn(outcome)
    val user = outcome.await()
    assertEquals(created.id, user.id, "signed-in user id")
    assertEquals("marvin18", user.login, "login")
    assertEquals(created.id, ConnectycubeSessionManager.activeSession?.userId, "the session is the user's")
}

fun docsDeleteSession() {
    signedInMarvin()
    val token = ConnectycubeSessionManager.getToken()
    val outcome = Outcome<Void?>()
    legacyDeleteSession(outcome)
    assertEquals(null, outcome.await(), "onSuccess result")
    assertEquals(401, Emulator.sessionStatus(token), "the deleted token on the server")
}

fun docsSignUp() {
    val outcome = Outcome<ConnectycubeUser>()
    legacySignUp(outcome)
    val user = outcome.await()
    assertTrue((user.id ?: 0) > 0) { "no id: $user" }
    assertEquals("marvin18", user.login, "login")
    assertEquals("awesomeman@gmail.com", user.email, "email")
    assertEquals("Marvin Simon", user.fullName, "fullName")
    assertEquals("https://dozensofdreams.com", user.website, "website")
    assertEquals(listOf("iphone", "apple"), user.tags, "tags")
    assertEquals("iphone,apple", user.tags.toString(), "StringifyArrayList prints comma-joined")
    assertEquals(null, user.password, "a returned user has no password")
    // The password works: the account was made with it.
    assertEquals(user.id, ConnectycubeUsers.signIn("marvin18", DOCS_PASSWORD).perform().id, "sign in after sign-up")
}

fun docsUpdateUser() {
    val me = signedInMarvin()
    val outcome = Outcome<ConnectycubeUser>()
    legacyUpdateUser(outcome)
    val updated = outcome.await()
    assertEquals(me.id, updated.id, "the signed-in user was updated")
    assertEquals("Marvin Simon", updated.fullName, "fullName")
    assertEquals("Marvin Simon", ConnectycubeUsers.getUser(me.id!!).perform().fullName, "stored fullName")
}

fun docsAvatar() {
    val me = signedInMarvin()
    val bytes = ByteArray(3000) { (it % 251).toByte() }
    val imageFile = File.createTempFile("avatar", ".png").apply {
        deleteOnExit()
        writeBytes(bytes)
    }
    val uploaded = Outcome<ConnectycubeFile>()
    val updated = Outcome<ConnectycubeUser>()
    legacyUploadAvatar(imageFile, ConnectycubeUser(), uploaded, updated)
    val file = uploaded.await()
    val uid = file.uid ?: throw AssertionError("no uid: $file")
    assertEquals(bytes.size.toLong(), file.size, "file size")
    assertEquals(false, file.isPublic, "private upload")
    val user = updated.await()
    assertEquals(me.id, user.id, "updated user")
    assertEquals("""{"avatar_uid":"$uid"}""", user.customData, "customData")
    // Another user reads it back, as the guide's second snippet does.
    val other = ConnectycubeUsers.getUser(me.id!!).perform()
    val url = legacyAvatarUrl(other) ?: throw AssertionError("no URL")
    assertEquals(file.getPrivateUrl(), url, "instance and static URL")
    val (status, body) = Emulator.getUrl(url)
    assertEquals(200, status, "GET private URL")
    assertTrue(body.contentEquals(bytes)) { "the downloaded bytes differ" }
}

fun docsResetPassword() {
    seedUser(UserRecord(login = "marvin18", email = "awesomeman@gmail.com"))
    val outcome = Outcome<Void?>()
    legacyResetPassword(outcome)
    assertEquals(null, outcome.await(), "onSuccess result")
    val outbox = Emulator.outbox()
    assertTrue("awesomeman@gmail.com" in outbox) { "outbox: $outbox" }
}

fun docsGetUsersByIds() {
    // The guide's ids 22 and 23: the emulator numbers users from 1.
    val made = (1..23).map { seedUser(UserRecord(login = "user$it")) }
    assertEquals(listOf(22, 23), made.takeLast(2).map { it.id }, "ids of the 22nd and 23rd users")
    val params = Bundle()
    val outcome = Outcome<ArrayList<ConnectycubeUser>>()
    legacyGetUsersByIds(params, outcome)
    val users = outcome.await()
    assertEquals(listOf(22, 23), ids(users).sortedBy { it }, "users")
    assertEquals(listOf("user22", "user23"), users.map { it.login }.sortedBy { it }, "logins")
    val args = outcome.params()
    assertTrue(args === params) { "onSuccess receives the Bundle given to the call" }
    assertEquals(1, args.getInt(PagingKeys.CURRENT_PAGE), PagingKeys.CURRENT_PAGE)
    assertEquals(50, args.getInt(PagingKeys.PER_PAGE), PagingKeys.PER_PAGE)
    assertEquals(2, args.getInt(PagingKeys.TOTAL_ENTRIES), PagingKeys.TOTAL_ENTRIES)
    assertEquals(1, args.getInt(PagingKeys.TOTAL_PAGES), PagingKeys.TOTAL_PAGES)
    assertEquals(0, args.getInt(PagingKeys.SKIP), PagingKeys.SKIP)
    assertEquals(50, args.getInt(PagingKeys.LIMIT), PagingKeys.LIMIT)
}

fun docsGetUserByLogin() {
    val amigo = seedUser(UserRecord(login = "amigo"))
    val outcome = Outcome<ConnectycubeUser>()
    legacyGetUserByLogin(outcome)
    assertEquals(amigo.id, outcome.await().id, "user by login")
}

fun docsGetUserByEmail() {
    val amigo = seedUser(UserRecord(login = "amigo", email = "amigo@gmail.com"))
    val outcome = Outcome<ConnectycubeUser>()
    legacyGetUserByEmail(outcome)
    val user = outcome.await()
    assertEquals(amigo.id, user.id, "user by email")
    assertEquals("amigo@gmail.com", user.email, "email")
}

fun docsGetUsersByFullName() {
    val samuel = seedUser(UserRecord(login = "samuel", fullName = "Marvin Samuel"))
    seedUser(UserRecord(login = "simon", fullName = "Marvin Simon"))
    val outcome = Outcome<ArrayList<ConnectycubeUser>>()
    legacyGetUsersByFullName(Bundle(), outcome)
    assertEquals(listOf(samuel.id), ids(outcome.await()), "users by full name")
    assertEquals(1, outcome.params().getInt(PagingKeys.TOTAL_ENTRIES), "total_entries")
}

fun docsGetUsersByPhoneNumbers() {
    val phoned = seedUser(UserRecord(login = "phoned", phone = "+4427123314"))
    seedUser(UserRecord(login = "other", phone = "+4400000000"))
    val outcome = Outcome<ArrayList<ConnectycubeUser>>()
    legacyGetUsersByPhoneNumbers(Bundle(), outcome)
    assertEquals(listOf(phoned.id), ids(outcome.await()), "users by phone")
}

fun docsGetUserByExternalId() {
    val external = seedUser(UserRecord(login = "external", externalId = "3789"))
    val outcome = Outcome<ConnectycubeUser>()
    legacyGetUserByExternalId(outcome)
    val user = outcome.await()
    assertEquals(external.id, user.id, "user by external id")
    assertEquals("3789", user.externalId, "externalId")
}

fun docsGetUsersByTags() {
    val iphone = seedUser(UserRecord(login = "iphoner", tags = "iphone,apple"))
    seedUser(UserRecord(login = "droid", tags = "android"))
    val outcome = Outcome<ArrayList<ConnectycubeUser>>()
    legacyGetUsersByTags(Bundle(), outcome)
    val users = outcome.await()
    assertEquals(listOf(iphone.id), ids(users), "users by tag")
    assertEquals(StringifyArrayList(listOf("iphone", "apple")), users.single().tags, "tags")
}

fun docsDeleteUser() {
    val me = signedInMarvin()
    val outcome = Outcome<Void?>()
    legacyDeleteUser(outcome)
    assertEquals(null, outcome.await(), "onSuccess result")
    ConnectycubeAuth.createSession().perform()
    val gone = assertThrows<ResponseException> { ConnectycubeUsers.getUser(me.id!!).perform() }
    assertEquals(404, gone.getHttpStatusCode(), "the deleted user")
}
