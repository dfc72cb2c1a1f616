package com.connectycube.test

import java.util.concurrent.Callable

/** The Java test class, compiled by javac after kotlinc (so it is found at run time). */
private const val JAVA_TESTS = "com.connectycube.test.java.JavaDocsTests"

/**
 * The Java tests (`src/test/java`), run by this runner so that the summary line counts them.
 * javac compiles them against this module's classes, so Kotlin cannot name them at compile
 * time; they are loaded by name, and a missing class fails the run.
 */
fun javaTests(): List<Pair<String, () -> Any?>> {
    @Suppress("UNCHECKED_CAST")
    val tests = Class.forName(JAVA_TESTS).getMethod("all").invoke(null) as Map<String, Callable<Any?>>
    return tests.map { (name, test) -> name to { test.call() } }
}
