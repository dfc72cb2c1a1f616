package com.connectycube.storage.model

import com.connectycube.getPrivateUrlForUid
import com.connectycube.getPublicUrlForUid
import com.connectycube.users.model.date
import java.util.Date
import com.connectycube.ConnectycubeFile as FileRecord

/**
 * The 1.x stored file: `connectycubeFile.uid` (Java `getUid()`) and the URLs
 * `ConnectycubeFile.getPrivateUrlForUID(uid)` (a static method from Java and Kotlin alike).
 */
class ConnectycubeFile() {
    var id: Int? = null
    var uid: String? = null
    var name: String? = null
    var contentType: String? = null
    var size: Long? = null
    var isPublic: Boolean = false
    var createdAt: Date? = null
    var updatedAt: Date? = null

    /** `{api}/blobs/{uid}?token=…`, readable with the current session. */
    fun getPrivateUrl(): String? = getPrivateUrlForUID(uid)

    /** `{api}/blobs/{uid}`, for a public file. */
    fun getPublicUrl(): String? = getPublicUrlForUID(uid)

    override fun toString(): String =
        "ConnectycubeFile{id=$id, uid=$uid, name=$name, contentType=$contentType, size=$size, isPublic=$isPublic}"

    companion object {
        @JvmStatic
        fun getPrivateUrlForUID(uid: String?): String? = getPrivateUrlForUid(uid)

        @JvmStatic
        fun getPublicUrlForUID(uid: String?): String? = getPublicUrlForUid(uid)
    }
}

internal fun FileRecord.toLegacy(): ConnectycubeFile = ConnectycubeFile().also { file ->
    file.id = id
    file.uid = uid
    file.name = name
    file.contentType = contentType
    file.size = size
    file.isPublic = isPublic
    file.createdAt = date(createdAt)
    file.updatedAt = date(updatedAt)
}
