@file:Suppress("UNUSED_VARIABLE", "unused", "NAME_SHADOWING")

package com.connectycube.test.legacy

import android.os.Bundle
import com.connectycube.auth.ConnectycubeAuth
import com.connectycube.core.EntityCallback
import com.connectycube.core.exception.ResponseException
import com.connectycube.core.helper.StringifyArrayList
import com.connectycube.core.request.PagedRequestBuilder
import com.connectycube.storage.ConnectycubeStorage
import com.connectycube.storage.model.ConnectycubeFile
import com.connectycube.users.ConnectycubeUsers
import com.connectycube.users.model.ConnectycubeUser
import java.io.File

// The legacy (SDK 1.x) Kotlin snippets of the Android "Authentication and Users" guide
// (shared/seeds/002_1aa15d264106168f.txt), with the 1.x imports, run by LegacyTests.kt.
//
// The guide's text is kept, except where a `// FIX:` comment says why. The seed is a text
// extraction that drops some lines (closing braces, a `login = …` its Java twin shows, the
// `add(…)` calls of a list); those are restored and marked `// FIX: restored`. The guide leaves
// every callback body empty: here each body hands what it received to an `outcome` parameter,
// which the test awaits and checks. Declarations the guide elides (`val imageFile: File = ...`,
// the `user` and `params` it uses) are parameters.

/** "Create session token". */
fun legacySignIn(outcome: Outcome<ConnectycubeUser>) {
    val user = ConnectycubeUser().apply {
        login = "marvin18" // FIX: restored (the Java twin sets it)
        password = "supersecurepwd"
    }

    ConnectycubeUsers.signIn(user).performAsync(object : EntityCallback<ConnectycubeUser> {
        override fun onSuccess(user: ConnectycubeUser, args: Bundle) {
            outcome.success(user, args) // FIX: the guide's body is empty
        }

        override fun onError(error: ResponseException) {
            outcome.error(error) // FIX: the guide's body is empty
        }
    })
}

/** "Destroy session token". */
fun legacyDeleteSession(outcome: Outcome<Void?>) {
    ConnectycubeAuth.deleteSession().performAsync(object : EntityCallback<Void?> {
        override fun onSuccess(result: Void?, params: Bundle) {
            outcome.success(result, params) // FIX: the guide's body is empty
        }

        override fun onError(responseException: ResponseException) {
            outcome.error(responseException) // FIX: the guide's body is empty
        }
    })
}

/** "User signup". */
fun legacySignUp(outcome: Outcome<ConnectycubeUser>) {
    val userTags = StringifyArrayList<String>().apply {
        add("iphone") // FIX: restored (the new-style snippet's tags)
        add("apple") // FIX: restored
    }

    val user = ConnectycubeUser("marvin18", "supersecurepwd").apply {
        password = "supersecurepwd"
        email = "awesomeman@gmail.com"
        fullName = "Marvin Simon"
        website = "https://dozensofdreams.com"
        tags = userTags // FIX: restored
    }

    ConnectycubeUsers.signUp(user).performAsync(object : EntityCallback<ConnectycubeUser> {
        override fun onSuccess(user: ConnectycubeUser, args: Bundle) {
            outcome.success(user, args) // FIX: the guide's body is empty
        }

        override fun onError(error: ResponseException) {
            outcome.error(error) // FIX: the guide's body is empty
        }
    })
}

/** "User profile update". */
fun legacyUpdateUser(outcome: Outcome<ConnectycubeUser>) {
    val user = ConnectycubeUser().apply {
        fullName = "Marvin Simon"
    }

    ConnectycubeUsers.updateUser(user).performAsync(object : EntityCallback<ConnectycubeUser> {
        override fun onSuccess(user: ConnectycubeUser, args: Bundle) {
            outcome.success(user, args) // FIX: the guide's body is empty
        }

        override fun onError(error: ResponseException) {
            outcome.error(error) // FIX: the guide's body is empty
        }
    })
}

/** "User avatar": upload, keep the file's uid in customData, update the user. */
// FIX: `imageFile` and `user` are parameters (the guide elides where they come from), and so
// are the outcomes of the upload and of the update the snippet chains.
fun legacyUploadAvatar(
    imageFile: File,
    user: ConnectycubeUser,
    uploaded: Outcome<ConnectycubeFile>,
    updated: Outcome<ConnectycubeUser>,
) {
    ConnectycubeStorage.uploadFileTask(imageFile, false, null).performAsync(object : EntityCallback<ConnectycubeFile> {
        override fun onSuccess(connectycubeFile: ConnectycubeFile, params: Bundle) {
            val jo = JsonObject() // FIX: restored; the test-local stand-in of Gson's JsonObject
            jo.add("avatar_uid", JsonPrimitive(connectycubeFile.uid))
            user.customData = jo.toString()
            ConnectycubeUsers.updateUser(user).performAsync(updated) // FIX: the guide elides this callback (`...`)
            uploaded.success(connectycubeFile, params) // FIX: records the upload
        }

        override fun onError(responseException: ResponseException) {
            uploaded.error(responseException) // FIX: the guide's body is empty
        }
    })
}

/** "User avatar": other users read the uid back and build the URL. */
// FIX: `user` is a parameter and the URL is returned, for the test to fetch.
fun legacyAvatarUrl(user: ConnectycubeUser): String? {
    val obj = JsonParser().parse(user.customData).asJsonObject
    val fileUID = obj.getAsJsonPrimitive("avatar_uid").asString
    val avatarUrl = ConnectycubeFile.getPrivateUrlForUID(fileUID)
    return avatarUrl // FIX: returned for the test
}

/** "Password reset". */
fun legacyResetPassword(outcome: Outcome<Void?>) {
    ConnectycubeUsers.resetPassword("awesomeman@gmail.com").performAsync(object : EntityCallback<Void?> {
        override fun onSuccess(result: Void?, params: Bundle) {
            outcome.success(result, params) // FIX: the guide's body is empty
        }

        override fun onError(responseException: ResponseException) {
            outcome.error(responseException) // FIX: the guide's body is empty
        }
    })
}

/** "Retrieve users by ID". */
// FIX: `params` (elided in the Kotlin snippet; the Java twin makes `new Bundle()`) is a parameter.
fun legacyGetUsersByIds(params: Bundle, outcome: Outcome<ArrayList<ConnectycubeUser>>) {
    val pagedRequestBuilder = PagedRequestBuilder().apply {
        page = 1 // FIX: restored (the Java twin's setPage(1))
        perPage = 50 // FIX: restored (the Java twin's setPerPage(50))
    }

    val usersIds: MutableList<Int> = ArrayList<Int>().apply {
        add(22) // FIX: restored (the new-style snippet's ids)
        add(23) // FIX: restored
    }

    ConnectycubeUsers.getUsersByIDs(usersIds, pagedRequestBuilder, params).performAsync(object : EntityCallback<ArrayList<ConnectycubeUser>> {
        override fun onSuccess(users: ArrayList<ConnectycubeUser>, args: Bundle) {
            outcome.success(users, args) // FIX: the guide's body is empty
        }

        override fun onError(error: ResponseException) {
            outcome.error(error) // FIX: the guide's body is empty
        }
    })
}

/** "Retrieve user by login". */
fun legacyGetUserByLogin(outcome: Outcome<ConnectycubeUser>) {
    ConnectycubeUsers.getUserByLogin("amigo").performAsync(object : EntityCallback<ConnectycubeUser> {
        override fun onSuccess(user: ConnectycubeUser, args: Bundle) {
            outcome.success(user, args) // FIX: the guide's body is empty
        }

        override fun onError(error: ResponseException) {
            outcome.error(error) // FIX: the guide's body is empty
        }
    })
}

/** "Retrieve user by email". */
fun legacyGetUserByEmail(outcome: Outcome<ConnectycubeUser>) {
    ConnectycubeUsers.getUserByEmail("amigo@gmail.com").performAsync(object : EntityCallback<ConnectycubeUser> {
        override fun onSuccess(user: ConnectycubeUser, args: Bundle) {
            outcome.success(user, args) // FIX: the guide's body is empty
        }

        override fun onError(error: ResponseException) {
            outcome.error(error) // FIX: the guide's body is empty
        }
    })
}

/** "Retrieve users by full name". */
// FIX: `params` is a parameter, as above.
fun legacyGetUsersByFullName(params: Bundle, outcome: Outcome<ArrayList<ConnectycubeUser>>) {
    val pagedRequestBuilder = PagedRequestBuilder().apply {
        page = 1 // FIX: restored (the Java twin's setPage(1))
        perPage = 50 // FIX: restored (the Java twin's setPerPage(50))
    }

    ConnectycubeUsers.getUsersByFullName("Marvin Samuel", pagedRequestBuilder, params)
        .performAsync(object : EntityCallback<ArrayList<ConnectycubeUser>> {
            override fun onSuccess(users: ArrayList<ConnectycubeUser>, args: Bundle) {
                outcome.success(users, args) // FIX: the guide's body is empty
            }

            override fun onError(error: ResponseException) {
                outcome.error(error) // FIX: the guide's body is empty
            }
        })
}

/** "Retrieve user by phone number". */
// FIX: `params` is a parameter, as above.
fun legacyGetUsersByPhoneNumbers(params: Bundle, outcome: Outcome<ArrayList<ConnectycubeUser>>) {
    val pagedRequestBuilder = PagedRequestBuilder().apply {
        page = 1 // FIX: restored (the Java twin's setPage(1))
        perPage = 50 // FIX: restored (the Java twin's setPerPage(50))
    }

    val usersPhones: ArrayList<String> = ArrayList<String>().apply {
        add("+4427123314") // FIX: restored (the Java twin's number)
    }

    ConnectycubeUsers.getUsersByPhoneNumbers(usersPhones, pagedRequestBuilder, params)
        .performAsync(object : EntityCallback<ArrayList<ConnectycubeUser>> {
            override fun onSuccess(users: ArrayList<ConnectycubeUser>, args: Bundle) {
                outcome.success(users, args) // FIX: the guide's body is empty
            }

            override fun onError(error: ResponseException) {
                outcome.error(error) // FIX: the guide's body is empty
            }
        })
}

/** "Retrieve user by external ID". */
fun legacyGetUserByExternalId(outcome: Outcome<ConnectycubeUser>) {
    ConnectycubeUsers.getUserByExternalId("3789").performAsync(object : EntityCallback<ConnectycubeUser> {
        override fun onSuccess(users: ConnectycubeUser, args: Bundle) {
            outcome.success(users, args) // FIX: the guide's body is empty
        }

        override fun onError(error: ResponseException) {
            outcome.error(error) // FIX: the guide's body is empty
        }
    })
}

/** "Retrieve users by tags". */
// FIX: `params` is a parameter, as above.
fun legacyGetUsersByTags(params: Bundle, outcome: Outcome<ArrayList<ConnectycubeUser>>) {
    val pagedRequestBuilder = PagedRequestBuilder().apply {
        page = 1 // FIX: restored (the Java twin's setPage(1))
        perPage = 50 // FIX: restored (the Java twin's setPerPage(50))
    }

    val userTags: ArrayList<String> = ArrayList<String>().apply {
        add("iphone") // FIX: restored (the new-style snippet's tag)
    }

    ConnectycubeUsers.getUsersByTags(userTags, pagedRequestBuilder, params)
        .performAsync(object : EntityCallback<ArrayList<ConnectycubeUser>> {
            override fun onSuccess(users: ArrayList<ConnectycubeUser>, args: Bundle) {
                outcome.success(users, args) // FIX: the guide's body is empty
            }

            override fun onError(error: ResponseException) {
                outcome.error(error) // FIX: the guide's body is empty
            }
        })
}

/** "Delete user". */
fun legacyDeleteUser(outcome: Outcome<Void?>) {
    ConnectycubeUsers.deleteUser().performAsync(object : EntityCallback<Void?> {
        override fun onSuccess(result: Void?, params: Bundle) {
            outcome.success(result, params) // FIX: the guide's body is empty
        }

        override fun onError(responseException: ResponseException) {
            outcome.error(responseException) // FIX: the guide's body is empty
        }
    })
}
