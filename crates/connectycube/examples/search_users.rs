//! Search users with paging and sorting: 25 users share a tag; the search finds them by
//! the tag, sorted by full name, 10 to a page, and walks every page until the last.
//!
//! ```sh
//! cargo run -p connectycube --example search_users
//! ```
//!
//! The example fails unless the pages hold each user once, in full-name order.

#![allow(clippy::print_stdout, reason = "an example prints its steps")]

mod common;

use std::process::ExitCode;

use common::{BoxError, Playground, ensure, unique_suffix};
use connectycube::{ConnectyCube, NewUser, Pagination, SearchField, Sorter, User, UserSearch};

const USERS: u32 = 25;
const PER_PAGE: u32 = 10;

/// Every user with `tag`, sorted by full name, a page at a time; and the pages read.
async fn all_with_tag(cc: &ConnectyCube, tag: &str) -> Result<(Vec<User>, u32), BoxError> {
    let mut found = Vec::new();
    let mut page_number = 0; // pages count from 0
    loop {
        let search = UserSearch::new()
            .is_in(SearchField::UserTags, [tag])
            .sort(Sorter::asc(SearchField::FullName))
            .paginate(Pagination::new(page_number, PER_PAGE));
        let page = cc.users().search(search).await?;
        let names: Vec<&str> = page.items.iter().filter_map(|u| u.full_name.as_deref()).collect();
        println!(
            "page {page_number}  items {}-{} of {}: {names:?}",
            page.skip + 1,
            page.skip + page.items.len() as u64,
            page.total_entries
        );
        found.extend(page.items.iter().cloned());
        // `has_more` compares this page's end with the total: no extra request for an
        // empty page after the last one.
        if !page.has_more() || page.items.is_empty() {
            return Ok((found, page_number + 1));
        }
        page_number += 1;
    }
}

async fn run(emulator: &Playground) -> Result<(), BoxError> {
    let cc = emulator.builder().build()?;
    let suffix = unique_suffix();
    let tag = format!("club{suffix}");

    // Sign-up needs no session. Names are given out of creation order (7 is prime to 25,
    // so `n * 7 % 25` visits every number once), so the sort has work to do.
    let mut created = Vec::new();
    for n in 0..USERS {
        let mut user = NewUser::with_login(format!("member{n}_{suffix}"), "member-password");
        user.fields.full_name = Some(format!("Member {:02}", n * 7 % USERS));
        user.fields.tags = Some(vec![tag.clone()]);
        created.push(cc.users().sign_up(user).await?);
    }
    println!("created     {USERS} users tagged {tag}");

    // The search runs on an application session, which the SDK creates on demand.
    let (found, pages) = all_with_tag(&cc, &tag).await?;

    let mut expected: Vec<(String, u64)> = created
        .iter()
        .map(|u| (u.full_name.clone().unwrap_or_default(), u.id))
        .collect();
    expected.sort();
    let seen: Vec<(String, u64)> = found
        .iter()
        .map(|u| (u.full_name.clone().unwrap_or_default(), u.id))
        .collect();
    ensure(seen == expected, || {
        format!("the pages hold {seen:?}, not the {USERS} users in full-name order {expected:?}")
    })?;
    ensure(pages == USERS.div_ceil(PER_PAGE), || {
        format!("{pages} pages of {PER_PAGE} for {USERS} users")
    })?;
    println!(
        "checked     {} users in {pages} pages, each once, sorted by full name",
        seen.len()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = Playground::run_example(run).await;
    common::exit_code("search_users", result)
}
