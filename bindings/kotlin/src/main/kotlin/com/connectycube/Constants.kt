package com.connectycube

// The official SDK keeps these in `com.connectycube.core.utils`; here everything is in
// `com.connectycube`, the one package of the generated code (uniffi emits one package per crate).
// Related values share a line, as in the Swift binding, so each group reads as one row.

/** `RequestSorter(fieldName, OrderType.ASC)`. */
object OrderType {
    const val ASC = "asc"; const val DESC = "desc"
}

/** `createSessionUsingSocialProvider(ConnectycubeProvider.FACEBOOK, token)`. */
object ConnectycubeProvider {
    const val FACEBOOK = "facebook"; const val TWITTER = "twitter"
    const val FIREBASE_PHONE = "firebase_phone"; const val FIREBASE_EMAIL = "firebase_email"
}

/**
 * users/v2 operators: `getUsers(mapOf("id[${QueryRule.IN}]" to listOf(1, 2)))`. users/v2
 * understands eq, in, nin, start_with, gt, lt, gte, lte; ne, ge, le and between are the v1 rules.
 */
object QueryRule {
    const val EQ = "eq"; const val IN = "in"; const val NIN = "nin"; const val START_WITH = "start_with"
    const val GT = "gt"; const val GTE = "gte"; const val LT = "lt"; const val LTE = "lte"
    const val NE = "ne"; const val GE = "ge"; const val LE = "le"; const val BETWEEN = "between"
}

/** Field types for `RequestSorter.fieldType`. */
object RequestFieldType {
    const val DATE = "date"; const val NUMBER = "number"; const val STRING = "string"
}
