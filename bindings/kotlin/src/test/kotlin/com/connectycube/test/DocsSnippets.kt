@file:Suppress("UNUSED_VARIABLE", "UNUSED_ANONYMOUS_PARAMETER", "unused", "DEPRECATION")

package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeFile
import com.connectycube.ConnectycubeUser
import com.connectycube.getPrivateUrlForUID
import java.io.File

// The Kotlin (new style) snippets of the Android "Authentication and Users" guide
// (shared/seeds/002_1aa15d264106168f.txt), kept as source so the compiler checks that the
// documented calls still type-check against this SDK, and run against the emulator by
// DocsSnippetsRun.kt, which checks what each documented call delivers.
//
// The docs' text is kept as is, except where a comment starting with "CHANGED:" says why.
// One change is made everywhere without a comment: callback bodies the guide elides
// (`{ user -> }`, `{ error -> }`) report to `heard`, the test's ear.
// The one import `com.connectycube.*` replaces the official SDK's several packages
// (`com.connectycube.users.models.ConnectycubeUser`, …): uniffi emits one package.

/** "Create session token". */
fun docsSignIn(heard: Heard) {
    val userToLogin = ConnectycubeUser(login = "marvin18", password = "supersecurepwd")

    ConnectyCube.signIn(userToLogin, { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "Create session token", the non-deprecated form the 2.0 changelog recommends. */
fun docsCreateSession(heard: Heard) {
    val userToLogin = ConnectycubeUser(login = "marvin18", password = "supersecurepwd")

    // CHANGED: not in the guide; `signIn` is deprecated in SDK 2.0 in favour of `createSession(user)`.
    ConnectyCube.createSession(userToLogin, { session -> heard.success(session) }, { error -> heard.error(error) })
}

/** "How to login via CIdP". */
fun docsSignInCidp(heard: Heard) {
    val userToLogin =
        ConnectycubeUser(login = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o")

    ConnectyCube.signIn(userToLogin, { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "Destroy session token". */
fun docsDestroySession(heard: Heard) {
    ConnectyCube.destroySession({ heard.success(Unit) }, { error -> heard.error(error) })
}

/** "User signup". */
fun docsSignUp(heard: Heard) {
    val userTags = listOf("iphone", "apple")

    val userToSignUp = ConnectycubeUser(login = "marvin18", password = "supersecurepwd").apply {
        email = "awesomeman@gmail.com"
        fullName = "Marvin Simon"
        website = "https://dozensofdreams.com"
        tags = userTags.joinToString(",")
    }

    ConnectyCube.signUp(userToSignUp, { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "User profile update". */
fun docsUpdateUser(heard: Heard) {
    val userToUpdate = ConnectycubeUser(login = "marvin18", password = "supersecurepwd")

    ConnectyCube.updateUser(userToUpdate, { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "User profile update": the password change the text describes (no snippet in the guide). */
fun docsChangePassword(heard: Heard) {
    // CHANGED: not in the guide as code; "provide 2 parameters: password and oldPassword".
    val userToUpdate = ConnectycubeUser(password = "newsecurepwd", oldPassword = "supersecurepwd")

    ConnectyCube.updateUser(userToUpdate, { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "User avatar": upload, then keep the file's uid in customData. */
// CHANGED: `val imageFile: File = ...` and the `user` the snippet updates are parameters here
// (the guide elides where they come from).
fun docsUploadAvatar(imageFile: File, user: ConnectycubeUser, heard: Heard) {
    ConnectyCube.uploadFile(imageFile.path, successCallback = { cubeFile ->
        // CHANGED: the guide builds the JSON with Gson (`val jo = JsonObject()`,
        // `jo.add("avatar_uid", JsonPrimitive(cubeFile.uid))`); Gson is not a dependency of
        // this SDK, so the same one-field JSON object is written by hand.
        val jo = StringBuilder("""{"avatar_uid":"${cubeFile.uid}"}""")
        user.customData = jo.toString()
        ConnectyCube.updateUser(user, { user -> heard.success(user) }, { error -> heard.error(error) })
    }, errorCallback = { ex -> heard.error(ex) })
}

/** "User avatar": other users read the uid back and build the URL. */
fun docsAvatarUrl(user: ConnectycubeUser, heard: Heard) {
    // CHANGED: the guide parses customData with Gson (`JsonParser().parse(user.customData).asJsonObject`,
    // `obj.getAsJsonPrimitive("avatar_uid").asString`); without Gson, a regular expression reads the field.
    val obj = Regex("\"avatar_uid\"\\s*:\\s*\"([^\"]*)\"").find(user.customData ?: "")
    val fileUID = obj?.groupValues?.get(1)
    val avatarUrl = getPrivateUrlForUID(fileUID)
    heard.success(avatarUrl) // CHANGED: added, the docs leave the value unused.
}

/** "User avatar", the legacy spelling the guide shows next to it. */
fun docsAvatarUrlLegacy(fileUID: String, heard: Heard) {
    val avatarUrl = ConnectycubeFile.getPrivateUrlForUID(fileUID)
    heard.success(avatarUrl) // CHANGED: added, the docs leave the value unused.
}

/** "Password reset". */
fun docsResetPassword(heard: Heard) {
    ConnectyCube.resetPassword("awesomeman@gmail.com", { heard.success(Unit) }, { error -> heard.error(error) })
}

/** "Retrieve users by ID". */
fun docsGetUsersByIds(heard: Heard) {
    val usersIds = setOf(22, 23)
    ConnectyCube.getUsersByIds(usersIds, { usersResult -> heard.success(usersResult) }, { error -> heard.error(error) })
}

/** "Retrieve user by login". */
fun docsGetUserByLogin(heard: Heard) {
    ConnectyCube.getUserByLogin("amigo", { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "Retrieve user by email". */
fun docsGetUserByEmail(heard: Heard) {
    ConnectyCube.getUserByEmail("amigo@gmail.com", { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "Retrieve users by full name". */
fun docsGetUsersByFullName(heard: Heard) {
    ConnectyCube.getUsersByFullName("Marvin Samuel", { usersResult -> heard.success(usersResult) }, { error -> heard.error(error) })
}

/** "Retrieve user by phone number". */
fun docsGetUserByPhoneNumber(heard: Heard) {
    ConnectyCube.getUserByPhoneNumber("+4427123314", { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "Retrieve user by external ID". */
fun docsGetUserByExternalId(heard: Heard) {
    // CHANGED: the guide shows only the legacy `ConnectycubeUsers.getUserByExternalId("3789")`;
    // this is the new-style form of the same call.
    ConnectyCube.getUserByExternalId("3789", { user -> heard.success(user) }, { error -> heard.error(error) })
}

/** "Retrieve users by tags". */
fun docsGetUsersByTags(heard: Heard) {
    val userTags = setOf("iphone")
    ConnectyCube.getUsersByTags(userTags, { usersResult -> heard.success(usersResult) }, { error -> heard.error(error) })
}

/** "Delete user". */
fun docsDeleteUser(heard: Heard) {
    ConnectyCube.deleteUser({ heard.success(Unit) }, { error -> heard.error(error) })
}
