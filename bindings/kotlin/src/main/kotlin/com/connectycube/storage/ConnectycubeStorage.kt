package com.connectycube.storage

import com.connectycube.ConnectyCube
import com.connectycube.core.ConnectycubeProgressCallback
import com.connectycube.core.server.Performer
import com.connectycube.core.server.performer
import com.connectycube.storage.model.ConnectycubeFile
import com.connectycube.storage.model.toLegacy
import java.io.File

/** The 1.x storage service: `ConnectycubeStorage.uploadFileTask(file, false, null)`, static from Java. */
object ConnectycubeStorage {
    /**
     * Uploads [file]; [progress] hears percentages on `ConnectyCube.callbackExecutor` (never
     * after `cancel()`).
     */
    @JvmStatic
    fun uploadFileTask(file: File, isPublic: Boolean, progress: ConnectycubeProgressCallback?): Performer<ConnectycubeFile> =
        performer {
            val onProgress = progress?.let { callback -> { percent: Int -> post { callback.onProgressUpdate(percent) } } }
            ConnectyCube.uploadFile(file.path, isPublic, onProgress).toLegacy()
        }
}
