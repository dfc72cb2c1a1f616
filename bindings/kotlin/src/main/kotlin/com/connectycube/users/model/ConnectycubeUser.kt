package com.connectycube.users.model

import com.connectycube.core.helper.StringifyArrayList
import java.time.OffsetDateTime
import java.util.Date
import com.connectycube.ConnectycubeUser as UserRecord

/**
 * The 1.x user, a Java bean: `new ConnectycubeUser("marvin18", "supersecurepwd")`,
 * `user.setFullName(…)` from Java, `user.fullName = …` from Kotlin. It is converted to and from
 * the new API's record on each call; [password] and [oldPassword] are only sent, never read
 * back, and never printed.
 */
class ConnectycubeUser() {
    var id: Int? = null
    var login: String? = null
    var password: String? = null
    var oldPassword: String? = null
    var email: String? = null
    var fullName: String? = null
    var phone: String? = null
    var website: String? = null
    var externalId: String? = null
    var facebookId: String? = null
    var twitterId: String? = null
    var customData: String? = null
    /** A file UID or a URL. */
    var avatar: String? = null
    /** The id of the user's blob (avatar file). */
    var fileId: Int? = null
    var tags: StringifyArrayList<String>? = null
    var lastRequestAt: Date? = null
    var createdAt: Date? = null
    var updatedAt: Date? = null

    constructor(login: String?, password: String?) : this() {
        this.login = login
        this.password = password
    }

    constructor(login: String?, password: String?, email: String?) : this(login, password) {
        this.email = email
    }

    constructor(id: Int?) : this() {
        this.id = id
    }

    constructor(login: String?) : this() {
        this.login = login
    }

    override fun toString(): String = listOfNotNull(
        "id=$id",
        login?.let { "login=$it" },
        email?.let { "email=$it" },
        fullName?.let { "fullName=$it" },
        phone?.let { "phone=$it" },
        website?.let { "website=$it" },
        externalId?.let { "externalId=$it" },
        facebookId?.let { "facebookId=$it" },
        twitterId?.let { "twitterId=$it" },
        fileId?.let { "fileId=$it" },
        avatar?.let { "avatar=$it" },
        tags?.let { "tags=$it" },
        customData?.let { "customData=$it" },
        lastRequestAt?.let { "lastRequestAt=${it.toInstant()}" },
        password?.let { "password=<redacted>" },
        oldPassword?.let { "oldPassword=<redacted>" },
    ).joinToString(", ", "ConnectycubeUser{", "}")
}

/** The new API's record for this user: what the SDK sends. */
internal fun ConnectycubeUser.toRecord(): UserRecord = UserRecord(
    id = id ?: 0,
    login = login,
    password = password,
    oldPassword = oldPassword,
    email = email,
    fullName = fullName,
    phone = phone,
    website = website,
    externalId = externalId,
    faceBookId = facebookId,
    twitterId = twitterId,
    customData = customData,
    avatar = avatar,
    blobId = fileId?.toString(),
    tags = tags?.getItemsAsString(),
)

/** A user the SDK returned, as the 1.x bean. */
internal fun UserRecord.toLegacy(): ConnectycubeUser = ConnectycubeUser().also { user ->
    user.id = id
    user.login = login
    user.email = email
    user.fullName = fullName
    user.phone = phone
    user.website = website
    user.externalId = externalId
    user.facebookId = faceBookId
    user.twitterId = twitterId
    user.customData = customData
    user.avatar = avatar
    user.fileId = blobId?.toIntOrNull()
    user.tags = tags?.let { joined -> StringifyArrayList(joined.split(',').filter(String::isNotEmpty)) }
    user.lastRequestAt = date(lastRequestAt)
    user.createdAt = date(createdAt)
    user.updatedAt = date(updatedAt)
}

/** The RFC 3339 dates of the records as `java.util.Date`. */
internal fun date(rfc3339: String?): Date? = rfc3339?.let { Date.from(OffsetDateTime.parse(it).toInstant()) }
