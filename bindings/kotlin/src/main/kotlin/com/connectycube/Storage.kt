package com.connectycube

// The official SDK spells these with `UID` (top-level in `com.connectycube.storage.models`);
// uniffi camel-cases `get_private_url_for_uid` to `getPrivateUrlForUid`, so these aliases keep
// the documented names.

/** `{api}/blobs/{uid}?token=…`: a private file, readable with the current session. */
fun getPrivateUrlForUID(uid: String?): String? = getPrivateUrlForUid(uid)

/** `{api}/blobs/{uid}`: a public file. */
fun getPublicUrlForUID(uid: String?): String? = getPublicUrlForUid(uid)

/** The legacy spelling `ConnectycubeFile.getPrivateUrlForUID(uid)`. */
fun ConnectycubeFile.Companion.getPrivateUrlForUID(uid: String?): String? = getPrivateUrlForUid(uid)

/** The legacy spelling `ConnectycubeFile.getPublicUrlForUID(uid)`. */
fun ConnectycubeFile.Companion.getPublicUrlForUID(uid: String?): String? = getPublicUrlForUid(uid)
