package com.connectycube

import java.util.concurrent.Executor
import java.util.concurrent.Executors
import kotlin.coroutines.cancellation.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * The ConnectyCube SDK, in the shape of the official Android SDK 2.x: a Kotlin `object` called
 * statically, every operation in two forms.
 *
 * - `suspend fun op(args): T` — throws [ConnectycubeException] (a sealed `Exception`) on failure;
 *   cancelling the calling coroutine cancels the request in Rust.
 * - `fun op(args, successCallback: (T) -> Unit, errorCallback: (Exception) -> Unit)` — runs in
 *   the library's scope and delivers exactly one of the callbacks on [callbackExecutor]. It
 *   returns the [Job], which the official SDK does not: cancelling it drops the request and
 *   neither callback runs.
 *
 * The generated uniffi class is [ConnectyCubeNative] (renamed in `uniffi.toml` so that this
 * object can take the Android name in the same package); this object forwards to it.
 */
object ConnectyCube {
    /** The shared instance (uniffi's constructor returns the process-wide object). */
    private val native: ConnectyCubeNative by lazy { ConnectyCubeNative() }

    /**
     * Where the callback forms deliver `successCallback`, `errorCallback` and upload progress.
     * `ConnectyCubeAndroid.init` sets the main thread; on a plain JVM it is one daemon thread
     * (`connectycube-callbacks`), so callbacks never run concurrently with each other.
     */
    @Volatile
    @JvmStatic
    var callbackExecutor: Executor = JvmCallbackExecutor

    /**
     * The scope the callback forms run in. The uniffi `suspend` functions do not block a
     * thread while Rust works (Rust completes them through a continuation), so
     * `Dispatchers.Default` suffices; a `SupervisorJob` keeps one failure from cancelling
     * other calls.
     */
    @JvmStatic
    val scope: CoroutineScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    // ------------------------------------------------------------------ init

    /** Sets up the SDK for an application: its id and auth key, optionally custom endpoints. */
    @JvmStatic
    @JvmOverloads
    fun init(applicationId: String, authorizationKey: String, connectycubeConfig: ConnectycubeConfig? = null) {
        native.doInit(applicationId, authorizationKey, connectycubeConfig)
    }

    /** As the official SDK: the auth secret is deprecated (sessions are then signed). */
    @Deprecated("authorizationSecret is deprecated; use init(applicationId, authorizationKey, connectycubeConfig)")
    @JvmStatic
    @JvmOverloads
    fun init(
        applicationId: String,
        authorizationKey: String,
        authorizationSecret: String,
        connectycubeConfig: ConnectycubeConfig? = null,
    ) {
        native.doInitWithSecret(applicationId, authorizationKey, authorizationSecret, connectycubeConfig)
    }

    /** Persists the session across restarts. Takes effect at the next [init]. */
    @JvmStatic
    fun setSessionPersistence(persistence: SessionPersistence?) = native.setSessionPersistence(persistence)

    /** Renews an expired user session. Takes effect at the next [init]. */
    @JvmStatic
    fun setSessionRestoreHandler(handler: SessionRestoreHandler?) = native.setSessionRestoreHandler(handler)

    /** As above, with a lambda returning the user to sign in again with (null to give up). */
    @JvmStatic
    fun setSessionRestoreHandler(handler: () -> ConnectycubeUser?) =
        native.setSessionRestoreHandler(object : SessionRestoreHandler {
            override fun restore(): ConnectycubeUser? = handler()
        })

    // ------------------------------------------------------------------ who is signed in

    private val authStateSource by lazy { AuthStateSource(native) }

    /**
     * Who is signed in now, as a `StateFlow`: its `value` is the latest state, and collecting
     * it follows the changes. Reading it the first time registers one native listener for the
     * process; apps that never read it pay nothing. `value.reason` is why the state last
     * changed (`INITIAL` when nothing changed since it was first read or since [init]).
     *
     * A `StateFlow` conflates: a collector slower than the changes sees only the latest, so it
     * may miss an `EXPIRED` followed at once by `RENEWED`. To hear every state in order, collect
     * [authStates] or register [addAuthStateListener].
     */
    @JvmStatic
    val authState: StateFlow<AuthState>
        get() = authStateSource.state

    /** The current state (no network call), with the reason it last changed. */
    @JvmStatic
    fun authState(): AuthState = native.authState()

    /**
     * Every state, in order: the current one first (reason `INITIAL`), then each change once.
     * Cold: each collector registers its own native listener, cancelled when its collection
     * stops. States are buffered, so the SDK never waits for a slow collector.
     */
    @JvmStatic
    fun authStates(): Flow<AuthState> = authStatesFlow(native)

    /**
     * Calls [listener] with the current state (reason `INITIAL`), then with each change once and
     * in order, on [callbackExecutor] (in order as long as that executor runs one task at a
     * time, as the default and the main thread do). A listener that throws is logged to the
     * `java.util.logging` logger `com.connectycube` and keeps hearing later states. It stays
     * registered until the subscription's `cancel()`, after which nothing is delivered.
     */
    @JvmStatic
    fun addAuthStateListener(listener: (AuthState) -> Unit): AuthStateSubscription =
        addExecutorListener(native, listener)

    /** Calls [observer] with every later state on the shared listener's thread (the 1.x session listeners). */
    internal fun observeAuthStates(observer: (AuthState) -> Unit) = authStateSource.observe(observer)

    internal fun stopObservingAuthStates(observer: (AuthState) -> Unit) = authStateSource.stopObserving(observer)

    /**
     * Sets the one request observer, for analytics (null removes it): one [RequestEvent] per
     * call to a route — method, route template (`/users/{id}`, never ids or query values), HTTP
     * status or error code, attempts, duration, whether a session was renewed. Called on a
     * background thread, in order; it stays through [init]. See the README for what an event is.
     */
    @JvmStatic
    fun setRequestObserver(observer: ((RequestEvent) -> Unit)?) =
        native.setRequestObserver(observer?.let(::LambdaRequestObserver))

    // ------------------------------------------------------------------ sessions

    suspend fun createSession(user: ConnectycubeUser? = null): ConnectycubeSession = native.createSession(user)

    @JvmStatic
    fun createSession(successCallback: (ConnectycubeSession) -> Unit, errorCallback: (Exception) -> Unit): Job =
        call(successCallback, errorCallback) { native.createSession(null) }

    @JvmStatic
    fun createSession(
        user: ConnectycubeUser,
        successCallback: (ConnectycubeSession) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.createSession(user) }

    suspend fun createSessionUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String? = null,
    ): ConnectycubeSession = native.createSessionUsingSocialProvider(socialProvider, accessToken, accessTokenSecret)

    @JvmStatic
    fun createSessionUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String?,
        successCallback: (ConnectycubeSession) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) {
        native.createSessionUsingSocialProvider(socialProvider, accessToken, accessTokenSecret)
    }

    /** Facebook (no token secret): `createSessionUsingSocialProvider(FACEBOOK, token, { }, { })`. */
    @JvmStatic
    fun createSessionUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        successCallback: (ConnectycubeSession) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = createSessionUsingSocialProvider(socialProvider, accessToken, null, successCallback, errorCallback)

    suspend fun createSessionUsingFirebasePhone(projectId: String, accessToken: String): ConnectycubeSession =
        native.createSessionUsingFirebasePhone(projectId, accessToken)

    @JvmStatic
    fun createSessionUsingFirebasePhone(
        projectId: String,
        accessToken: String,
        successCallback: (ConnectycubeSession) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.createSessionUsingFirebasePhone(projectId, accessToken) }

    suspend fun createSessionUsingFirebaseEmail(projectId: String, accessToken: String): ConnectycubeSession =
        native.createSessionUsingFirebaseEmail(projectId, accessToken)

    @JvmStatic
    fun createSessionUsingFirebaseEmail(
        projectId: String,
        accessToken: String,
        successCallback: (ConnectycubeSession) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.createSessionUsingFirebaseEmail(projectId, accessToken) }

    suspend fun getSession(): ConnectycubeSession = native.getSession()

    @JvmStatic
    fun getSession(successCallback: (ConnectycubeSession) -> Unit, errorCallback: (Exception) -> Unit): Job =
        call(successCallback, errorCallback) { native.getSession() }

    suspend fun destroySession() = native.destroySession()

    @JvmStatic
    fun destroySession(successCallback: () -> Unit, errorCallback: (Exception) -> Unit): Job =
        callUnit(successCallback, errorCallback) { native.destroySession() }

    suspend fun deleteSession(sessionId: Int) = native.deleteSession(sessionId)

    @JvmStatic
    fun deleteSession(sessionId: Int, successCallback: () -> Unit, errorCallback: (Exception) -> Unit): Job =
        callUnit(successCallback, errorCallback) { native.deleteSession(sessionId) }

    suspend fun deleteSessionsExceptCurrent() = native.deleteSessionsExceptCurrent()

    @JvmStatic
    fun deleteSessionsExceptCurrent(successCallback: () -> Unit, errorCallback: (Exception) -> Unit): Job =
        callUnit(successCallback, errorCallback) { native.deleteSessionsExceptCurrent() }

    @Deprecated("use createSession(user)", ReplaceWith("createSession(user)"))
    suspend fun signIn(user: ConnectycubeUser): ConnectycubeUser = native.signIn(user)

    @Deprecated("use createSession(user, successCallback, errorCallback)")
    @JvmStatic
    fun signIn(
        user: ConnectycubeUser,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.signIn(user) }

    @Deprecated("use createSessionUsingSocialProvider")
    suspend fun signInUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String? = null,
    ): ConnectycubeUser = native.signInUsingSocialProvider(socialProvider, accessToken, accessTokenSecret)

    @Deprecated("use createSessionUsingSocialProvider")
    @JvmStatic
    fun signInUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String?,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) {
        native.signInUsingSocialProvider(socialProvider, accessToken, accessTokenSecret)
    }

    @Deprecated("use createSessionUsingSocialProvider")
    @JvmStatic
    fun signInUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = signInUsingSocialProvider(socialProvider, accessToken, null, successCallback, errorCallback)

    @Deprecated("use createSessionUsingFirebasePhone")
    suspend fun signInUsingFirebasePhone(projectId: String, accessToken: String): ConnectycubeUser =
        native.signInUsingFirebasePhone(projectId, accessToken)

    @Deprecated("use createSessionUsingFirebasePhone")
    @JvmStatic
    fun signInUsingFirebasePhone(
        projectId: String,
        accessToken: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.signInUsingFirebasePhone(projectId, accessToken) }

    @Deprecated("use createSessionUsingFirebaseEmail")
    suspend fun signInUsingFirebaseEmail(projectId: String, accessToken: String): ConnectycubeUser =
        native.signInUsingFirebaseEmail(projectId, accessToken)

    @Deprecated("use createSessionUsingFirebaseEmail")
    @JvmStatic
    fun signInUsingFirebaseEmail(
        projectId: String,
        accessToken: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.signInUsingFirebaseEmail(projectId, accessToken) }

    @Deprecated("use destroySession", ReplaceWith("destroySession()"))
    suspend fun signOut() = native.signOut()

    @Deprecated("use destroySession", ReplaceWith("destroySession(successCallback, errorCallback)"))
    @JvmStatic
    fun signOut(successCallback: () -> Unit, errorCallback: (Exception) -> Unit): Job =
        callUnit(successCallback, errorCallback) { native.signOut() }

    // ------------------------------------------------------------------ users

    suspend fun signUp(user: ConnectycubeUser): ConnectycubeUser = native.signUp(user)

    @JvmStatic
    fun signUp(
        user: ConnectycubeUser,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.signUp(user) }

    /** Signs up, then the session is that user's (the 1.x `signUpSignInTask`). */
    suspend fun signUpAndSignIn(user: ConnectycubeUser): ConnectycubeUser = native.signUpAndSignIn(user)

    @JvmStatic
    fun signUpAndSignIn(
        user: ConnectycubeUser,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.signUpAndSignIn(user) }

    suspend fun updateUser(user: ConnectycubeUser): ConnectycubeUser = native.updateUser(user)

    @JvmStatic
    fun updateUser(
        user: ConnectycubeUser,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.updateUser(user) }

    suspend fun deleteUser() = native.deleteUser()

    @JvmStatic
    fun deleteUser(successCallback: () -> Unit, errorCallback: (Exception) -> Unit): Job =
        callUnit(successCallback, errorCallback) { native.deleteUser() }

    suspend fun deleteUserByExternalId(externalId: String) = native.deleteUserByExternalId(externalId)

    @JvmStatic
    fun deleteUserByExternalId(
        externalId: String,
        successCallback: () -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = callUnit(successCallback, errorCallback) { native.deleteUserByExternalId(externalId) }

    suspend fun resetPassword(email: String) = native.resetPassword(email)

    @JvmStatic
    fun resetPassword(email: String, successCallback: () -> Unit, errorCallback: (Exception) -> Unit): Job =
        callUnit(successCallback, errorCallback) { native.resetPassword(email) }

    suspend fun getUserById(id: Int): ConnectycubeUser = native.getUserById(id)

    @JvmStatic
    fun getUserById(id: Int, successCallback: (ConnectycubeUser) -> Unit, errorCallback: (Exception) -> Unit): Job =
        call(successCallback, errorCallback) { native.getUserById(id) }

    suspend fun getUserByLogin(login: String): ConnectycubeUser = native.getUserByLogin(login)

    @JvmStatic
    fun getUserByLogin(
        login: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUserByLogin(login) }

    suspend fun getUserByEmail(email: String): ConnectycubeUser = native.getUserByEmail(email)

    @JvmStatic
    fun getUserByEmail(
        email: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUserByEmail(email) }

    suspend fun getUserByPhoneNumber(phone: String): ConnectycubeUser = native.getUserByPhoneNumber(phone)

    @JvmStatic
    fun getUserByPhoneNumber(
        phone: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUserByPhoneNumber(phone) }

    suspend fun getUserByExternalId(id: String): ConnectycubeUser = native.getUserByExternalId(id)

    @JvmStatic
    fun getUserByExternalId(
        id: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUserByExternalId(id) }

    suspend fun getUserByFacebookId(id: String): ConnectycubeUser = native.getUserByFacebookId(id)

    @JvmStatic
    fun getUserByFacebookId(
        id: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUserByFacebookId(id) }

    suspend fun getUserByTwitterId(id: String): ConnectycubeUser = native.getUserByTwitterId(id)

    @JvmStatic
    fun getUserByTwitterId(
        id: String,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUserByTwitterId(id) }

    /** By the deprecated numeric `externalUserId` (`GET /users/external/{id}`, the 1.x lookup). */
    suspend fun getUserByExternalUserId(id: Long): ConnectycubeUser = native.getUserByExternalUserId(id)

    @JvmStatic
    fun getUserByExternalUserId(
        id: Long,
        successCallback: (ConnectycubeUser) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUserByExternalUserId(id) }

    /** Users online now, `limit` (1…100) from `offset`. */
    suspend fun getOnlineUsers(limit: Int = 100, offset: Int = 0): List<ConnectycubeUser> =
        native.getOnlineUsers(limit, offset)

    @JvmStatic
    fun getOnlineUsers(
        limit: Int,
        offset: Int,
        successCallback: (List<ConnectycubeUser>) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getOnlineUsers(limit, offset) }

    @JvmStatic
    fun getOnlineUsers(successCallback: (List<ConnectycubeUser>) -> Unit, errorCallback: (Exception) -> Unit): Job =
        getOnlineUsers(100, 0, successCallback, errorCallback)

    suspend fun getOnlineUsersCount(): Int = native.getOnlineUsersCount()

    @JvmStatic
    fun getOnlineUsersCount(successCallback: (Int) -> Unit, errorCallback: (Exception) -> Unit): Job =
        call(successCallback, errorCallback) { native.getOnlineUsersCount() }

    /**
     * The deprecated v1 list (`GET /users`), which the 1.x SDKs used: filters in their wire
     * form (`"number id in 1,2"`, `"string login eq bob"`), `order` like `"asc string login"`,
     * `page` from 1 (the result's `page` is 0-based, as everywhere). A malformed filter is
     * `ConnectycubeException.InvalidArgument`. ConnectyCube can disable v1 per app: prefer [getUsers].
     */
    suspend fun getUsersV1(
        filters: List<String> = emptyList(),
        order: String? = null,
        page: Int = 1,
        perPage: Int = 10,
    ): PagedUsersResult = native.getUsersV1(filters, order, page, perPage)

    @JvmStatic
    fun getUsersV1(
        filters: List<String>,
        order: String?,
        page: Int,
        perPage: Int,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { native.getUsersV1(filters, order, page, perPage) }

    // Paged lookups. Kotlin only fills a defaulted parameter positionally when nothing
    // positional follows it, so the callback forms come in two overloads: without
    // pagination/sorter (`getUsersByIds(ids, { }, { })`, as in the docs) and with both.
    // Ids and tags take any collection: a `Set` as in the official SDK (`setOf(22, 23)`) or a
    // `List`, whose order is kept.

    /** Users by ids. */
    suspend fun getUsersByIds(
        ids: Collection<Int>,
        pagination: RequestPagination? = null,
        sorter: RequestSorter? = null,
    ): PagedUsersResult = native.getUsersByIds(ids.toList(), pagination, sorter)

    @JvmStatic
    fun getUsersByIds(
        ids: Collection<Int>,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = getUsersByIds(ids, null, null, successCallback, errorCallback)

    @JvmStatic
    fun getUsersByIds(
        ids: Collection<Int>,
        pagination: RequestPagination?,
        sorter: RequestSorter?,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { getUsersByIds(ids, pagination, sorter) }

    /**
     * A free users/v2 search, as the official SDK: values may be `String`, `Int`/`Long`,
     * `Boolean`, collections or arrays of those (`"id[in]" to listOf(1, 2)`), or [ParamValue].
     */
    suspend fun getUsers(
        params: Map<String, Any>,
        pagination: RequestPagination? = null,
        sorter: RequestSorter? = null,
    ): PagedUsersResult = native.getUsers(paramValues(params), pagination, sorter)

    @JvmStatic
    fun getUsers(
        params: Map<String, Any>,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = getUsers(params, null, null, successCallback, errorCallback)

    @JvmStatic
    fun getUsers(
        params: Map<String, Any>,
        pagination: RequestPagination?,
        sorter: RequestSorter?,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { getUsers(params, pagination, sorter) }

    suspend fun getUsersByFullName(
        fullName: String,
        pagination: RequestPagination? = null,
        sorter: RequestSorter? = null,
    ): PagedUsersResult = native.getUsersByFullName(fullName, pagination, sorter)

    @JvmStatic
    fun getUsersByFullName(
        fullName: String,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = getUsersByFullName(fullName, null, null, successCallback, errorCallback)

    @JvmStatic
    fun getUsersByFullName(
        fullName: String,
        pagination: RequestPagination?,
        sorter: RequestSorter?,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { getUsersByFullName(fullName, pagination, sorter) }

    /** Users having any of the tags (`setOf("iphone")`). */
    suspend fun getUsersByTags(
        tags: Collection<String>,
        pagination: RequestPagination? = null,
        sorter: RequestSorter? = null,
    ): PagedUsersResult = native.getUsersByTags(tags.toList(), pagination, sorter)

    @JvmStatic
    fun getUsersByTags(
        tags: Collection<String>,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = getUsersByTags(tags, null, null, successCallback, errorCallback)

    @JvmStatic
    fun getUsersByTags(
        tags: Collection<String>,
        pagination: RequestPagination?,
        sorter: RequestSorter?,
        successCallback: (PagedUsersResult) -> Unit,
        errorCallback: (Exception) -> Unit,
    ): Job = call(successCallback, errorCallback) { getUsersByTags(tags, pagination, sorter) }

    // ------------------------------------------------------------------ storage

    /**
     * Uploads a file from disk. `progress` hears percentages (0…100) on the thread Rust sends
     * the bytes from; hop to your UI thread yourself in this form.
     */
    suspend fun uploadFile(
        filePath: String,
        `public`: Boolean = false,
        progress: ((Int) -> Unit)? = null,
    ): ConnectycubeFile = native.uploadFile(filePath, `public`, progress?.let(::progressListener))

    /**
     * Uploads a file from disk; `progress` is delivered on [callbackExecutor], before
     * `successCallback`. As the official SDK, `progress` comes last and `public` defaults to
     * false (`uploadFile(path, successCallback = { }, errorCallback = { })`).
     */
    @JvmStatic
    @JvmOverloads
    fun uploadFile(
        filePath: String,
        `public`: Boolean = false,
        successCallback: (ConnectycubeFile) -> Unit,
        errorCallback: (Exception) -> Unit,
        progress: ((Int) -> Unit)? = null,
    ): Job {
        val listener = progress?.let { onProgress ->
            progressListener { percent -> callbackExecutor.execute { onProgress(percent) } }
        }
        return call(successCallback, errorCallback) { native.uploadFile(filePath, `public`, listener) }
    }

    /**
     * Uploads bytes held in memory (an image just taken) as `fileName`; without
     * `contentType` it is guessed from the name. `progress` as in [uploadFile] (suspend).
     */
    suspend fun uploadFileData(
        data: ByteArray,
        fileName: String,
        contentType: String? = null,
        `public`: Boolean = false,
        progress: ((Int) -> Unit)? = null,
    ): ConnectycubeFile = native.uploadFileData(data, fileName, contentType, `public`, progress?.let(::progressListener))

    /** As [uploadFileData]; `progress` is delivered on [callbackExecutor], before `successCallback`. */
    @JvmStatic
    @JvmOverloads
    fun uploadFileData(
        data: ByteArray,
        fileName: String,
        contentType: String?,
        `public`: Boolean,
        successCallback: (ConnectycubeFile) -> Unit,
        errorCallback: (Exception) -> Unit,
        progress: ((Int) -> Unit)? = null,
    ): Job {
        val listener = progress?.let { onProgress ->
            progressListener { percent -> callbackExecutor.execute { onProgress(percent) } }
        }
        return call(successCallback, errorCallback) {
            native.uploadFileData(data, fileName, contentType, `public`, listener)
        }
    }

    // ------------------------------------------------------------------ plumbing

    private fun progressListener(progress: (Int) -> Unit) = object : UploadProgressListener {
        override fun onProgress(percent: Int) = progress(percent)
    }

    /**
     * Runs [block] in [scope] and delivers its result or its exception on [callbackExecutor].
     * Cancellation (of the returned job or of the scope) delivers nothing.
     */
    private fun <T> call(
        successCallback: (T) -> Unit,
        errorCallback: (Exception) -> Unit,
        block: suspend () -> T,
    ): Job = scope.launch {
        val result = try {
            Result.success(block())
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            Result.failure(e)
        }
        callbackExecutor.execute {
            result.fold(successCallback) { errorCallback(it as Exception) }
        }
    }

    private fun callUnit(
        successCallback: () -> Unit,
        errorCallback: (Exception) -> Unit,
        block: suspend () -> Unit,
    ): Job = call({ _: Unit -> successCallback() }, errorCallback, block)
}

/** The JVM default of [ConnectyCube.callbackExecutor]: one daemon thread, created on first use. */
private object JvmCallbackExecutor : Executor {
    private val executor by lazy {
        Executors.newSingleThreadExecutor { runnable ->
            Thread(runnable, "connectycube-callbacks").apply { isDaemon = true }
        }
    }

    override fun execute(command: Runnable) = executor.execute(command)
}
