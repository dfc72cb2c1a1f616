package com.connectycube.auth.session

import com.connectycube.ConnectycubeSessionManager
import java.util.Date
import com.connectycube.ConnectycubeSession as SessionRecord

/**
 * The 1.x session: its token, application and user. Whether it is still usable is asked of
 * the SDK ([isValidToken]), never computed here.
 */
class ConnectycubeSession internal constructor(private val record: SessionRecord) {
    fun getId(): Int = record.id

    fun getToken(): String? = record.token

    fun getAppId(): Int? = record.applicationId

    fun getUserId(): Int? = record.userId

    /** The token's expiry when the SDK knows it (a session it created), else null. */
    fun getTokenExpirationDate(): Date? = record.tokenExpirationDate?.let(::Date)

    /** Whether this is the session the SDK holds and it is live. */
    fun isValidToken(): Boolean =
        record.token != null && record.token == ConnectycubeSessionManager.getToken() &&
            ConnectycubeSessionManager.isActiveSessionValid()

    /** Prints through the record: never the token. */
    override fun toString(): String = record.toString()
}
