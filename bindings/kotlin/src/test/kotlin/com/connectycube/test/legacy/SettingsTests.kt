package com.connectycube.test.legacy

import android.content.Context
import android.os.Bundle
import android.os.Looper
import com.connectycube.ConnectyCube
import com.connectycube.core.ConnectycubeSettings
import com.connectycube.core.EntityCallback
import com.connectycube.core.ServiceZone
import com.connectycube.core.exception.ResponseException
import com.connectycube.test.APP_ID
import com.connectycube.test.AUTH_KEY
import com.connectycube.test.CALLBACK_TIMEOUT_SECONDS
import com.connectycube.test.Emulator
import com.connectycube.test.assertEquals
import com.connectycube.test.assertThrows
import com.connectycube.test.assertTrue
import com.connectycube.test.endpoint
import com.connectycube.users.ConnectycubeUsers
import com.connectycube.users.model.ConnectycubeUser
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference
import com.connectycube.ConnectycubeUser as UserRecord

fun legacySettingsTests(): List<Pair<String, () -> Any?>> = listOf(
    "legacy settings: init(context, …), setEndpoints, main-thread callbacks, isAutoCreateSession" to ::settings,
)

/** 1.x launch code: `ConnectycubeSettings.getInstance().init(context, appId, authKey, authSecret)`. */
fun settings() {
    val jvmExecutor = ConnectyCube.callbackExecutor
    val app = object : Context() {
        override fun getApplicationContext(): Context? = null
    }
    Thread { Looper.prepareMainLooper() }.apply { start() }.join()
    val settings = ConnectycubeSettings.getInstance()
    try {
        seedUser(UserRecord(login = "marvin18"))
        settings.init(app, APP_ID, AUTH_KEY, "")
        settings.setEndpoints(endpoint, "chat.example.com", ServiceZone.DEVELOPMENT)
        assertTrue(settings.context === app) { "the context kept (its own, having no application context)" }
        assertEquals(endpoint, settings.apiEndpoint, "apiEndpoint")

        // Callbacks now come on the main looper, as after ConnectyCubeAndroid.init.
        val thread = AtomicReference<String>()
        val signedIn = CountDownLatch(1)
        ConnectycubeUsers.signIn(ConnectycubeUser("marvin18", DOCS_PASSWORD))
            .performAsync(object : EntityCallback<ConnectycubeUser> {
                override fun onSuccess(user: ConnectycubeUser, args: Bundle) {
                    thread.set(Thread.currentThread().name)
                    signedIn.countDown()
                }

                override fun onError(error: ResponseException) {
                    thread.set("error: $error")
                    signedIn.countDown()
                }
            })
        assertTrue(signedIn.await(CALLBACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) { "no callback" }
        assertEquals("android-main", thread.get(), "callback thread")

        // autoCreateSession off: an expired session is not renewed (1.x: the app signs in again).
        settings.isAutoCreateSession = false
        ConnectycubeUsers.signIn(ConnectycubeUser("marvin18", DOCS_PASSWORD)).perform()
        Emulator.advanceClock(2 * 3600 + 60)
        val expired = assertThrows<ResponseException> { ConnectycubeUsers.getUserByLogin("marvin18").perform() }
        assertEquals(401, expired.getHttpStatusCode(), "expired, not renewed")

        // Back on (the 1.x default): the next expiry renews by itself.
        settings.isAutoCreateSession = true
        ConnectycubeUsers.signIn(ConnectycubeUser("marvin18", DOCS_PASSWORD)).perform()
        Emulator.advanceClock(2 * 3600 + 60)
        assertEquals("marvin18", ConnectycubeUsers.getUserByLogin("marvin18").perform().login, "renewed")
    } finally {
        ConnectyCube.callbackExecutor = jvmExecutor
    }
}
