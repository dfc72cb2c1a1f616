package com.connectycube.core.request

import android.os.Bundle
import com.connectycube.PagedUsersResult
import com.connectycube.RequestPagination

/**
 * 1.x paging: [page] counts from 1, as the server's `page` parameter does; [perPage] is the
 * page size. `PagedRequestBuilder().apply { page = 1; perPage = 50 }` or, from Java,
 * `setPage(1)` / `setPerPage(50)`. Out-of-range values are refused by the SDK (an
 * `invalid_input` error), not here.
 */
class PagedRequestBuilder @JvmOverloads constructor(var page: Int = 1, var perPage: Int = DEFAULT_PER_PAGE) {
    override fun toString(): String = "PagedRequestBuilder(page=$page, perPage=$perPage)"

    private companion object {
        /** The server's default page size. */
        const val DEFAULT_PER_PAGE = 10
    }
}

/** The 1-based page as the new API's 0-based [RequestPagination]. */
internal fun PagedRequestBuilder?.toPagination(): RequestPagination? =
    this?.let { RequestPagination(page = it.page - 1, itemsPerPage = it.perPage) }

/** The paging keys 1.x put into the `Bundle` of a list call. */
object PagingKeys {
    const val CURRENT_PAGE = "current_page"
    const val PER_PAGE = "per_page"
    const val TOTAL_ENTRIES = "total_entries"
    const val TOTAL_PAGES = "total_pages"
    const val SKIP = "skip"
    const val LIMIT = "limit"
}

/** Writes a page's paging values under the 1.x keys (`current_page` counts from 1). */
internal fun Bundle.putPaging(result: PagedUsersResult) {
    putInt(PagingKeys.CURRENT_PAGE, result.page + 1)
    putInt(PagingKeys.PER_PAGE, result.perPage)
    putInt(PagingKeys.TOTAL_ENTRIES, result.totalEntries)
    val pages = if (result.perPage > 0) (result.totalEntries + result.perPage - 1) / result.perPage else 0
    putInt(PagingKeys.TOTAL_PAGES, pages)
    putInt(PagingKeys.SKIP, result.skip)
    putInt(PagingKeys.LIMIT, result.limit)
}
