package com.connectycube.core.helper

/** The 1.x list that prints (and is sent) comma-joined: `tags` of a user, `"iphone,apple"`. */
open class StringifyArrayList<T> : ArrayList<T> {
    constructor() : super()

    constructor(items: Collection<T>) : super(items)

    /** The items comma-joined, as 1.x sent them. */
    fun getItemsAsString(): String = joinToString(",")

    override fun toString(): String = getItemsAsString()
}
