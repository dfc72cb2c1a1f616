@file:Suppress("DEPRECATION")

package com.connectycube.users

import android.os.Bundle
import com.connectycube.ConnectyCube
import com.connectycube.core.request.PagedRequestBuilder
import com.connectycube.core.request.toPagination
import com.connectycube.core.server.Performer
import com.connectycube.core.server.performer
import com.connectycube.core.server.usersPerformer
import com.connectycube.core.server.voidPerformer
import com.connectycube.users.model.ConnectycubeUser
import com.connectycube.users.model.toLegacy
import com.connectycube.users.model.toRecord
import com.connectycube.ConnectycubeUser as UserRecord

/**
 * The 1.x users service: `ConnectycubeUsers.signIn(user).performAsync(callback)`, static from
 * Java. Each operation is one call of the new API (`object ConnectyCube`); list operations
 * take 1-based [PagedRequestBuilder] paging and put the paging values into the `Bundle`.
 *
 * Searches by emails, logins, phones, Facebook or Twitter ids and tags use users/v2 (`field[in]`);
 * [getUsers] and [getUsersByFilter] are the deprecated v1 list, as in 1.x.
 */
object ConnectycubeUsers {
    // ---------------------------------------------------------------- sign in, sign up

    /** A user session for login (or email) + password, or a CIdP token in `login`. */
    @JvmStatic
    fun signIn(user: ConnectycubeUser): Performer<ConnectycubeUser> =
        performer { ConnectyCube.signIn(user.toRecord()).toLegacy() }

    @JvmStatic
    fun signIn(login: String, password: String): Performer<ConnectycubeUser> =
        signIn(ConnectycubeUser(login, password))

    @JvmStatic
    fun signInByEmail(email: String, password: String): Performer<ConnectycubeUser> =
        signIn(ConnectycubeUser().apply { this.email = email; this.password = password })

    @JvmStatic
    fun signInUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String?,
    ): Performer<ConnectycubeUser> = performer {
        ConnectyCube.signInUsingSocialProvider(socialProvider, accessToken, accessTokenSecret).toLegacy()
    }

    /** Firebase phone authentication, as 1.x. */
    @JvmStatic
    fun signInUsingFirebase(projectId: String, accessToken: String): Performer<ConnectycubeUser> =
        performer { ConnectyCube.signInUsingFirebasePhone(projectId, accessToken).toLegacy() }

    /** The session continues as an application session. */
    @JvmStatic
    fun signOut(): Performer<Void?> = voidPerformer { ConnectyCube.signOut() }

    @JvmStatic
    fun signUp(user: ConnectycubeUser): Performer<ConnectycubeUser> =
        performer { ConnectyCube.signUp(user.toRecord()).toLegacy() }

    /** Signs up, then the session is the new user's. */
    @JvmStatic
    fun signUpSignInTask(user: ConnectycubeUser): Performer<ConnectycubeUser> =
        performer { ConnectyCube.signUpAndSignIn(user.toRecord()).toLegacy() }

    // ---------------------------------------------------------------- the signed-in user

    /** Changes the signed-in user; `password` with `oldPassword` changes the password. */
    @JvmStatic
    fun updateUser(user: ConnectycubeUser): Performer<ConnectycubeUser> =
        performer { ConnectyCube.updateUser(user.toRecord()).toLegacy() }

    @JvmStatic
    fun deleteUser(): Performer<Void?> = voidPerformer { ConnectyCube.deleteUser() }

    /** Deletes the signed-in user, named by external id. */
    @JvmStatic
    fun deleteByExternalId(externalId: String): Performer<Void?> =
        voidPerformer { ConnectyCube.deleteUserByExternalId(externalId) }

    @JvmStatic
    fun resetPassword(email: String): Performer<Void?> = voidPerformer { ConnectyCube.resetPassword(email) }

    // ---------------------------------------------------------------- one user

    @JvmStatic
    fun getUser(id: Int): Performer<ConnectycubeUser> = one { ConnectyCube.getUserById(id) }

    @JvmStatic
    fun getUserByLogin(login: String): Performer<ConnectycubeUser> = one { ConnectyCube.getUserByLogin(login) }

    @JvmStatic
    fun getUserByEmail(email: String): Performer<ConnectycubeUser> = one { ConnectyCube.getUserByEmail(email) }

    @JvmStatic
    fun getUserByFacebookId(facebookId: String): Performer<ConnectycubeUser> =
        one { ConnectyCube.getUserByFacebookId(facebookId) }

    @JvmStatic
    fun getUserByTwitterId(twitterId: String): Performer<ConnectycubeUser> =
        one { ConnectyCube.getUserByTwitterId(twitterId) }

    /** The user whose `externalId` is this (users/v2 `external_id`). */
    @JvmStatic
    fun getUserByExternalId(externalId: String): Performer<ConnectycubeUser> =
        one { ConnectyCube.getUserByExternalId(externalId) }

    // ---------------------------------------------------------------- lists

    /** All users, a page of the v1 list. */
    @JvmStatic
    @JvmOverloads
    fun getUsers(builder: PagedRequestBuilder?, params: Bundle? = null): Performer<ArrayList<ConnectycubeUser>> =
        v1(emptyList(), builder, params)

    @JvmStatic
    @JvmOverloads
    fun getUsersByIDs(
        ids: Collection<Int>,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> =
        usersPerformer(params) { ConnectyCube.getUsersByIds(ids, builder.toPagination()) }

    /**
     * The v1 list with one filter: `filter` is its type, field and rule (`"number id in"`,
     * `"string login eq"`), `values` its values, comma-joined as 1.x sent them.
     */
    @JvmStatic
    @JvmOverloads
    fun getUsersByFilter(
        values: Collection<*>,
        filter: String,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> = v1(listOf("$filter ${values.joinToString(",")}"), builder, params)

    @JvmStatic
    @JvmOverloads
    fun getUsersByEmails(
        emails: Collection<String>,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> = anyOf("email", emails, builder, params)

    @JvmStatic
    @JvmOverloads
    fun getUsersByLogins(
        logins: Collection<String>,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> = anyOf("login", logins, builder, params)

    @JvmStatic
    @JvmOverloads
    fun getUsersByFacebookId(
        facebookIds: Collection<String>,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> = anyOf("facebook_id", facebookIds, builder, params)

    @JvmStatic
    @JvmOverloads
    fun getUsersByTwitterId(
        twitterIds: Collection<String>,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> = anyOf("twitter_id", twitterIds, builder, params)

    @JvmStatic
    @JvmOverloads
    fun getUsersByPhoneNumbers(
        phones: Collection<String>,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> = anyOf("phone", phones, builder, params)

    @JvmStatic
    @JvmOverloads
    fun getUsersByTags(
        tags: Collection<String>,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> =
        usersPerformer(params) { ConnectyCube.getUsersByTags(tags, builder.toPagination()) }

    /** Users whose full name starts with `fullName` (at least 4 characters, the server's rule). */
    @JvmStatic
    @JvmOverloads
    fun getUsersByFullName(
        fullName: String,
        builder: PagedRequestBuilder?,
        params: Bundle? = null,
    ): Performer<ArrayList<ConnectycubeUser>> =
        usersPerformer(params) { ConnectyCube.getUsersByFullName(fullName, builder.toPagination()) }

    // ---------------------------------------------------------------- plumbing

    private fun one(request: suspend () -> UserRecord): Performer<ConnectycubeUser> =
        performer { request().toLegacy() }

    /** users/v2 `field[in]=…`. */
    private fun anyOf(field: String, values: Collection<String>, builder: PagedRequestBuilder?, params: Bundle?) =
        usersPerformer(params) { ConnectyCube.getUsers(mapOf("$field[in]" to values.toList()), builder.toPagination()) }

    private fun v1(filters: List<String>, builder: PagedRequestBuilder?, params: Bundle?) = usersPerformer(params) {
        val paging = builder ?: PagedRequestBuilder()
        ConnectyCube.getUsersV1(filters, page = paging.page, perPage = paging.perPage)
    }
}
