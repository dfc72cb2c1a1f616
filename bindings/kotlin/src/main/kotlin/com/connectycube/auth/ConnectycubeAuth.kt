package com.connectycube.auth

import com.connectycube.ConnectyCube
import com.connectycube.auth.session.ConnectycubeSession
import com.connectycube.core.server.Performer
import com.connectycube.core.server.performer
import com.connectycube.core.server.voidPerformer
import com.connectycube.users.model.ConnectycubeUser
import com.connectycube.users.model.toRecord

/**
 * The 1.x sessions service: `ConnectycubeAuth.createSession(user).performAsync(callback)`,
 * static from Java; each operation is one call of the new API (`object ConnectyCube`).
 */
object ConnectycubeAuth {
    /** An application session. */
    @JvmStatic
    fun createSession(): Performer<ConnectycubeSession> =
        performer { ConnectycubeSession(ConnectyCube.createSession()) }

    /** A user session: login (or email) + password, or a CIdP token in `login`. */
    @JvmStatic
    fun createSession(user: ConnectycubeUser): Performer<ConnectycubeSession> =
        performer { ConnectycubeSession(ConnectyCube.createSession(user.toRecord())) }

    @JvmStatic
    fun createSession(login: String, password: String): Performer<ConnectycubeSession> =
        createSession(ConnectycubeUser(login, password))

    /** A user session for the user's email and password (its login is not sent). */
    @JvmStatic
    fun createSessionByEmail(user: ConnectycubeUser): Performer<ConnectycubeSession> =
        createSessionByEmail(user.email.orEmpty(), user.password.orEmpty())

    @JvmStatic
    fun createSessionByEmail(email: String, password: String): Performer<ConnectycubeSession> =
        createSession(ConnectycubeUser().apply { this.email = email; this.password = password })

    @JvmStatic
    fun createSessionUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String?,
    ): Performer<ConnectycubeSession> = performer {
        ConnectycubeSession(ConnectyCube.createSessionUsingSocialProvider(socialProvider, accessToken, accessTokenSecret))
    }

    /** Firebase phone authentication, as 1.x. */
    @JvmStatic
    fun createSessionUsingFirebase(projectId: String, accessToken: String): Performer<ConnectycubeSession> =
        performer { ConnectycubeSession(ConnectyCube.createSessionUsingFirebasePhone(projectId, accessToken)) }

    /** The session as the server has it (`GET /session`). */
    @JvmStatic
    fun getSession(): Performer<ConnectycubeSession> = performer { ConnectycubeSession(ConnectyCube.getSession()) }

    /** Ends the current session on the server. */
    @JvmStatic
    fun deleteSession(): Performer<Void?> = voidPerformer { ConnectyCube.destroySession() }

    /** Ends the user's other sessions (other devices). */
    @JvmStatic
    fun deleteUserSessionsExceptCurrent(): Performer<Void?> =
        voidPerformer { ConnectyCube.deleteSessionsExceptCurrent() }

    @JvmStatic
    fun deleteUserSessionById(sessionId: Int): Performer<Void?> =
        voidPerformer { ConnectyCube.deleteSession(sessionId) }
}
