package com.connectycube.core.server

import android.os.Bundle
import com.connectycube.PagedUsersResult
import com.connectycube.core.request.putPaging
import com.connectycube.users.model.ConnectycubeUser
import com.connectycube.users.model.toLegacy

// How the 1.x services (`ConnectycubeAuth`, `ConnectycubeUsers`, `ConnectycubeStorage`) turn a
// call of the new API into a `Performer`: one line per operation there, the shapes here.

/** A request whose result is [T]. */
internal fun <T> performer(request: suspend SuspendPerformer<T>.() -> T): Performer<T> =
    SuspendPerformer(Bundle(), request)

/** A request without a result: `onSuccess` receives `null` (`EntityCallback<Void?>`). */
internal fun voidPerformer(request: suspend () -> Unit): Performer<Void?> =
    SuspendPerformer(Bundle()) {
        request()
        null
    }

/**
 * A list request: the page's users as the `ArrayList` 1.x returned, its paging values in
 * [params] (the caller's `Bundle`, or a new one), which `onSuccess` receives as well.
 */
internal fun usersPerformer(
    params: Bundle?,
    request: suspend () -> PagedUsersResult,
): Performer<ArrayList<ConnectycubeUser>> = SuspendPerformer(params ?: Bundle()) {
    val page = request()
    bundle.putPaging(page)
    page.items.mapTo(ArrayList()) { it.toLegacy() }
}
