package com.connectycube

import java.lang.reflect.Method
import java.util.logging.Level
import java.util.logging.LogRecord
import java.util.logging.Logger

/**
 * The official Android SDK 2.x's `ConnectycubeSettings` object, for what this SDK reads from
 * it: the debug switch (`ConnectycubeSettings.isDebugEnabled = true`, as the messenger sample
 * sets it), how verbose the log is, and where it goes. The switch, the level and the filtering
 * are Rust's (`ConnectycubeSettingsNative`, one per process); lines are formatted and redacted
 * there and reach the logger on the SDK's own thread (`connectycube-log`), in order.
 *
 * The default logger: logcat (tag `ConnectyCube`) on Android, the `java.util.logging` logger
 * `com.connectycube` elsewhere (levels SEVERE, WARNING, INFO, FINE, FINEST; the SDK module that
 * wrote a line is the record's source class).
 */
object ConnectycubeSettings {
    private val native: ConnectycubeSettingsNative by lazy {
        ConnectycubeSettingsNative().also { it.setLogger(defaultLogger) }
    }

    /**
     * Whether the SDK logs (off by default). Turned on, lines at [logLevel] or more severe reach
     * the logger; on the JVM, the `com.connectycube` logger is opened to that level when the app
     * gave it no level of its own (a console handler still shows only what its own level lets by).
     */
    @JvmStatic
    var isDebugEnabled: Boolean
        get() = native.debugEnabled()
        set(value) {
            if (value) JulLogger.open(logLevel)
            native.setDebugEnabled(value)
        }

    /** The most verbose level logged while debug is on: `DEBUG` unless set. */
    @JvmStatic
    var logLevel: ConnectycubeLogLevel
        get() = native.level()
        set(value) {
            native.setLevel(value)
            if (isDebugEnabled) JulLogger.open(value)
        }

    /** Where the lines go: the app's logger, or `null` for the default (logcat or `java.util.logging`). */
    @JvmStatic
    fun setLogger(logger: ConnectycubeLogger?) = native.setLogger(logger ?: defaultLogger)

    /** As above, with a function: `ConnectycubeSettings.setLogger { level, target, message -> … }`. */
    @JvmStatic
    fun setLogger(logger: (level: ConnectycubeLogLevel, target: String, message: String) -> Unit) =
        native.setLogger(object : ConnectycubeLogger {
            override fun log(level: ConnectycubeLogLevel, target: String, message: String) =
                logger(level, target, message)
        })

    private val defaultLogger: ConnectycubeLogger
        get() = defaultLoggerFor(System.getProperty("java.vm.name"))
}

/** Logcat on Android (whose VM calls itself Dalvik, ART included), `java.util.logging` elsewhere. */
internal fun defaultLoggerFor(vmName: String?): ConnectycubeLogger =
    if (vmName == "Dalvik") LogcatLogger else JulLogger

/** The `java.util.logging` logger `com.connectycube`. */
internal object JulLogger : ConnectycubeLogger {
    private val logger: Logger = Logger.getLogger("com.connectycube")

    override fun log(level: ConnectycubeLogLevel, target: String, message: String) {
        val record = LogRecord(level.jul(), message)
        record.loggerName = logger.name
        // Named, so JUL does not walk the stack to guess a caller (the SDK's thread has none).
        record.sourceClassName = target
        record.sourceMethodName = null
        logger.log(record)
    }

    /** The level [open] gave the logger, told apart from one the app set (which stays). */
    @Volatile
    private var opened: Level? = null

    /** Lets records down to [level] through the logger, unless the app set its level. */
    fun open(level: ConnectycubeLogLevel) {
        val current = logger.level
        if (current == null || current == opened) {
            opened = level.jul()
            logger.level = opened
        }
    }

    private fun ConnectycubeLogLevel.jul(): Level = when (this) {
        ConnectycubeLogLevel.ERROR -> Level.SEVERE
        ConnectycubeLogLevel.WARN -> Level.WARNING
        ConnectycubeLogLevel.INFO -> Level.INFO
        ConnectycubeLogLevel.DEBUG -> Level.FINE
        ConnectycubeLogLevel.TRACE -> Level.FINEST
    }
}

/**
 * Logcat, tag `ConnectyCube`, through `android.util.Log.println` found by reflection (this
 * module compiles without the Android SDK). Each line reads `target: message`.
 */
internal object LogcatLogger : ConnectycubeLogger {
    private const val TAG = "ConnectyCube"

    private val println: Method? by lazy {
        runCatching {
            Class.forName("android.util.Log").getMethod(
                "println",
                Int::class.javaPrimitiveType,
                String::class.java,
                String::class.java,
            )
        }.getOrNull()
    }

    override fun log(level: ConnectycubeLogLevel, target: String, message: String) {
        println?.invoke(null, level.priority(), TAG, "$target: $message")
    }

    /** `android.util.Log`'s priorities (VERBOSE 2 … ERROR 6). */
    private fun ConnectycubeLogLevel.priority(): Int = when (this) {
        ConnectycubeLogLevel.TRACE -> 2
        ConnectycubeLogLevel.DEBUG -> 3
        ConnectycubeLogLevel.INFO -> 4
        ConnectycubeLogLevel.WARN -> 5
        ConnectycubeLogLevel.ERROR -> 6
    }
}
