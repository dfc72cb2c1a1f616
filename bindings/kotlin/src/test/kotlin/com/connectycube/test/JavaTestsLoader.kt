package com.connectycube.test

import java.util.concurrent.Callable

/** The Java test classes, compiled by javac after kotlinc (so they are found at run time). */
private val JAVA_TESTS = listOf(
    "com.connectycube.test.java.JavaDocsTests",
    "com.connectycube.test.java.JavaAuthStateTests",
    "com.connectycube.test.java.JavaLoggingTests",
    "com.connectycube.test.java.JavaRequestObserverTests",
)

/**
 * The Java tests (`src/test/java`), run by this runner so that the summary line counts them.
 * javac compiles them against this module's classes, so Kotlin cannot name them at compile
 * time; they are loaded by name, and a missing class fails the run.
 */
fun javaTests(): List<Pair<String, () -> Any?>> = JAVA_TESTS.flatMap { className ->
    @Suppress("UNCHECKED_CAST")
    val tests = Class.forName(className).getMethod("all").invoke(null) as Map<String, Callable<Any?>>
    tests.map { (name, test) -> name to { test.call() } }
}
