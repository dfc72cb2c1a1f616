package com.connectycube.test

import com.connectycube.ConnectyCube
import com.connectycube.ConnectycubeException
import com.connectycube.OrderType
import com.connectycube.PagedUsersResult
import com.connectycube.ParamValue
import com.connectycube.QueryRule
import com.connectycube.RequestPagination
import com.connectycube.RequestSorter
import com.connectycube.sdkConstants
import java.lang.reflect.Modifier
import kotlinx.coroutines.runBlocking

// getUsers(params: Map<String, Any>): Kotlin values reach Rust as they are; what a search
// takes is the Rust side's one policy (crates/connectycube-ffi/src/records.rs). The constant
// holders match the list Rust exports (crates/connectycube-ffi/src/constants.rs).

fun paramsTests(): List<Pair<String, () -> Any?>> = listOf(
    "getUsers(params: Map<String, Any>) (suspend)" to ::getUsersParamsSuspend,
    "getUsers(params) (callbacks)" to ::getUsersParamsCallbacks,
    "constants: the same holders, names and values as sdkConstants()" to ::constantsParity,
    "errors: toString() and code() are the Rust side's" to ::errorWordsFromRust,
)

/** Each variant's mapping is checked in Rust (tests/ffi/errors.rs); this checks Kotlin gets it. */
fun errorWordsFromRust() {
    val error = ConnectycubeException.NotFound(404, listOf("User not found"))
    assertEquals("not found: User not found", error.toString(), "toString")
    assertEquals("not found: User not found", error.message(), "message()")
    assertEquals("not_found", error.code(), "code")
    assertEquals("invalid_input", ConnectycubeException.InvalidArgument("bad").code(), "code")
}

/** Every constant holder has exactly the constants Rust lists, no more, no fewer. */
fun constantsParity() {
    val exported = sdkConstants().groupBy({ it.holder }, { it.name to it.value }).mapValues { it.value.toMap() }
    assertEquals(setOf("OrderType", "ConnectycubeProvider", "QueryRule", "RequestFieldType"), exported.keys, "holders")
    for ((holder, constants) in exported) {
        val declared = Class.forName("com.connectycube.$holder").declaredFields
            .filter { Modifier.isStatic(it.modifiers) && it.type == String::class.java }
            .associate { it.name to it.get(null) as String }
        assertEquals(constants, declared, holder)
    }
}

fun getUsersParamsSuspend() = runBlocking {
    val users = searchFixture()
    val byLogin = ConnectyCube.getUsers(mapOf("login" to "search2"))
    assertEquals(listOf("search2"), logins(byLogin), "login")

    val ids = users.map { it.id }
    val inIds = ConnectyCube.getUsers(
        mapOf("id[${QueryRule.IN}]" to listOf(ids[0], ids[3])),
        sorter = RequestSorter("login", OrderType.DESC),
    )
    assertEquals(listOf("search4", "search1"), logins(inIds), "id[in] list of Int, sorted")

    val arrayIn = ConnectyCube.getUsers(mapOf("login[in]" to arrayOf("search1", "search5")))
    assertEquals(setOf("search1", "search5"), logins(arrayIn).toSet(), "login[in] array")

    val prefix = ConnectyCube.getUsers(
        mapOf("full_name[${QueryRule.START_WITH}]" to "Marvin"),
        sorter = RequestSorter("login", OrderType.ASC),
    )
    assertEquals(listOf("search1", "search2", "search3", "search4", "search5"), logins(prefix), "start_with")

    val paged = ConnectyCube.getUsers(
        mapOf("id[${QueryRule.IN}]" to ids),
        RequestPagination(0, 2),
        RequestSorter("login", OrderType.ASC),
    )
    assertEquals(listOf("search1", "search2"), logins(paged), "id[in], page size 2")
    assertEquals(5, paged.totalEntries, "id[in] total")

    val byId = ConnectyCube.getUsers(mapOf("id" to ids[2]))
    assertEquals(listOf("search3"), logins(byId), "id = Int")

    val explicit = ConnectyCube.getUsers(mapOf("login" to ParamValue.Str("search3")))
    assertEquals(listOf("search3"), logins(explicit), "ParamValue passes through")

    assertThrows<IllegalArgumentException> { ConnectyCube.getUsers(mapOf("login" to Any())) }
    assertThrows<ConnectycubeException> { ConnectyCube.getUsers(mapOf("no_such_field" to "x")) }
    // The Rust policy: a whole Double is a number, 1.5 and mixed lists are refused by name.
    assertEquals(listOf("search3"), logins(ConnectyCube.getUsers(mapOf("id" to ids[2].toDouble()))), "id = 3.0")
    for (bad in listOf(1.5, listOf(1, "a"))) {
        val refused = assertThrows<ConnectycubeException.InvalidArgument> { ConnectyCube.getUsers(mapOf("id" to bad)) }
        assertTrue("parameter 'id'" in refused.reason) { refused.reason }
    }
}

fun getUsersParamsCallbacks() {
    val ids = runBlocking { searchFixture() }.map { it.id }
    val page = awaitCallback<PagedUsersResult> { ok, err ->
        ConnectyCube.getUsers(mapOf("login[${QueryRule.IN}]" to setOf("search1", "search3")), ok, err)
    }
    assertEquals(setOf("search1", "search3"), logins(page).toSet(), "login[in]")
    val sorted = awaitCallback<PagedUsersResult> { ok, err ->
        ConnectyCube.getUsers(
            mapOf("id[in]" to ids.toIntArray()),
            RequestPagination(1, 2),
            RequestSorter("login", OrderType.ASC),
            ok,
            err,
        )
    }
    assertEquals(listOf("search3", "search4"), logins(sorted), "page 1")
}
