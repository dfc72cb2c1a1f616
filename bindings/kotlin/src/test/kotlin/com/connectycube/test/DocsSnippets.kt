@file:Suppress("UNUSED_VARIABLE", "UNUSED_ANONYMOUS_PARAMETER", "unused", "DEPRECATION")

package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeFile
import com.connectycube.ConnectycubeUser
import com.connectycube.getPrivateUrlForUID
import java.io.File

// The Kotlin (new style) snippets of the Android "Authentication and Users" guide
// (shared/seeds/002_1aa15d264106168f.txt), kept as source so the compiler checks that the
// documented calls still type-check against this SDK. They are compiled by
// `cargo xtask test-bindings --lang kotlin`, not run (the flows themselves are run in Tests.kt).
//
// The docs' text is kept as is, except where a comment starting with "CHANGED:" says why.
// Snippet bodies the guide elides (`{ user -> }`) stay empty.
// The one import `com.connectycube.*` replaces the official SDK's several packages
// (`com.connectycube.users.models.ConnectycubeUser`, …): uniffi emits one package.

/** "Create session token". */
fun docsSignIn() {
    val userToLogin = ConnectycubeUser(login = "marvin18", password = "supersecurepwd")

    ConnectyCube.signIn(userToLogin, { user -> }, { error -> })
}

/** "Create session token", the non-deprecated form the 2.0 changelog recommends. */
fun docsCreateSession() {
    val userToLogin = ConnectycubeUser(login = "marvin18", password = "supersecurepwd")

    // CHANGED: not in the guide; `signIn` is deprecated in SDK 2.0 in favour of `createSession(user)`.
    ConnectyCube.createSession(userToLogin, { session -> }, { error -> })
}

/** "How to login via CIdP". */
fun docsSignInCidp() {
    val userToLogin =
        ConnectycubeUser(login = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o")

    ConnectyCube.signIn(userToLogin, { user -> }, { error -> })
}

/** "Destroy session token". */
fun docsDestroySession() {
    ConnectyCube.destroySession({ }, { error -> })
}

/** "User signup". */
fun docsSignUp() {
    val userTags = listOf("iphone", "apple")

    val userToSignUp = ConnectycubeUser(login = "marvin18", password = "supersecurepwd").apply {
        email = "awesomeman@gmail.com"
        fullName = "Marvin Simon"
        website = "https://dozensofdreams.com"
        tags = userTags.joinToString(",")
    }

    ConnectyCube.signUp(userToSignUp, { user -> }, { error -> })
}

/** "User profile update". */
fun docsUpdateUser() {
    val userToUpdate = ConnectycubeUser(login = "marvin18", password = "supersecurepwd")

    ConnectyCube.updateUser(userToUpdate, { user -> }, { error -> })
}

/** "User profile update": the password change the text describes (no snippet in the guide). */
fun docsChangePassword() {
    // CHANGED: not in the guide as code; "provide 2 parameters: password and oldPassword".
    val userToUpdate = ConnectycubeUser(password = "newsecurepwd", oldPassword = "supersecurepwd")

    ConnectyCube.updateUser(userToUpdate, { user -> }, { error -> })
}

/** "User avatar": upload, then keep the file's uid in customData. */
// CHANGED: `val imageFile: File = ...` and the `user` the snippet updates are parameters here
// (the guide elides where they come from).
fun docsUploadAvatar(imageFile: File, user: ConnectycubeUser) {
    ConnectyCube.uploadFile(imageFile.path, successCallback = { cubeFile ->
        // CHANGED: the guide builds the JSON with Gson (`val jo = JsonObject()`,
        // `jo.add("avatar_uid", JsonPrimitive(cubeFile.uid))`); Gson is not a dependency of
        // this SDK, so the same one-field JSON object is written by hand.
        val jo = StringBuilder("""{"avatar_uid":"${cubeFile.uid}"}""")
        user.customData = jo.toString()
        ConnectyCube.updateUser(user, { user -> }, { error -> })
    }, errorCallback = { ex -> })
}

/** "User avatar": other users read the uid back and build the URL. */
fun docsAvatarUrl(user: ConnectycubeUser) {
    // CHANGED: the guide parses customData with Gson (`JsonParser().parse(user.customData).asJsonObject`,
    // `obj.getAsJsonPrimitive("avatar_uid").asString`); without Gson, a regular expression reads the field.
    val obj = Regex("\"avatar_uid\"\\s*:\\s*\"([^\"]*)\"").find(user.customData ?: "")
    val fileUID = obj?.groupValues?.get(1)
    val avatarUrl = getPrivateUrlForUID(fileUID)
}

/** "User avatar", the legacy spelling the guide shows next to it. */
fun docsAvatarUrlLegacy(fileUID: String) {
    val avatarUrl = ConnectycubeFile.getPrivateUrlForUID(fileUID)
}

/** "Password reset". */
fun docsResetPassword() {
    ConnectyCube.resetPassword("awesomeman@gmail.com", {}, { error -> })
}

/** "Retrieve users by ID". */
fun docsGetUsersByIds() {
    val usersIds = setOf(22, 23)
    ConnectyCube.getUsersByIds(usersIds, { usersResult -> }, { error -> })
}

/** "Retrieve user by login". */
fun docsGetUserByLogin() {
    ConnectyCube.getUserByLogin("amigo", { user -> }, { error -> })
}

/** "Retrieve user by email". */
fun docsGetUserByEmail() {
    ConnectyCube.getUserByEmail("amigo@gmail.com", { user -> }, { error -> })
}

/** "Retrieve users by full name". */
fun docsGetUsersByFullName() {
    ConnectyCube.getUsersByFullName("Marvin Samuel", { usersResult -> }, { error -> })
}

/** "Retrieve user by phone number". */
fun docsGetUserByPhoneNumber() {
    ConnectyCube.getUserByPhoneNumber("+4427123314", { user -> }, { error -> })
}

/** "Retrieve user by external ID". */
fun docsGetUserByExternalId() {
    // CHANGED: the guide shows only the legacy `ConnectycubeUsers.getUserByExternalId("3789")`;
    // this is the new-style form of the same call.
    ConnectyCube.getUserByExternalId("3789", { user -> }, { error -> })
}

/** "Retrieve users by tags". */
fun docsGetUsersByTags() {
    val userTags = setOf("iphone")
    ConnectyCube.getUsersByTags(userTags, { usersResult -> }, { error -> })
}

/** "Delete user". */
fun docsDeleteUser() {
    ConnectyCube.deleteUser({}, { error -> })
}
