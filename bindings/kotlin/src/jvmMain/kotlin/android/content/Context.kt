package android.content

/**
 * The JVM stand-in for Android's `android.content.Context`, so that 1.x launch code
 * (`ConnectycubeSettings.getInstance().init(context, …)`) compiles and runs off Android. Like
 * the `Bundle` stand-in beside it, it is never part of the AAR: the Android build uses the
 * platform class, whose `getApplicationContext()` this mirrors.
 */
abstract class Context {
    abstract fun getApplicationContext(): Context?
}
