package com.connectycube.core

import android.os.Bundle
import com.connectycube.core.exception.ResponseException

/**
 * The 1.x callback of `Performer.performAsync`: exactly one of the two is called, on
 * `ConnectyCube.callbackExecutor` (the main thread on Android). For list calls [onSuccess]'s
 * `Bundle` carries the paging values (`current_page`, `per_page`, `total_entries`,
 * `total_pages`, `skip`, `limit`); operations without a result use `EntityCallback<Void?>`
 * (Java: `EntityCallback<Void>`) and receive `null`.
 */
interface EntityCallback<T> {
    fun onSuccess(result: T, params: Bundle)

    fun onError(responseException: ResponseException)
}

/** Upload progress of `ConnectycubeStorage.uploadFileTask`, in percent (0…100). */
fun interface ConnectycubeProgressCallback {
    fun onProgressUpdate(progress: Int)
}
