package com.connectycube.core

/**
 * 1.x's log levels (`ConnectycubeSettings.getInstance().setLogLevel(LogLevel.DEBUG)`): `DEBUG`
 * turns the SDK's log on at its default level, `NOTHING` (the default) turns it off. The same
 * switch as the new API's `com.connectycube.ConnectycubeSettings.isDebugEnabled`.
 */
enum class LogLevel { NOTHING, DEBUG }
