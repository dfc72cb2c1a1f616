//! `cargo xtask size`: the FFI library as it would ship (release-size profile: opt-level z,
//! fat LTO, one codegen unit, stripped, panics still unwinding for uniffi), what each crate
//! contributes, and a check against the budget in `size-budget.toml`.

use std::collections::BTreeMap;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{bindings, util};

pub fn run() -> Result<()> {
    util::step("building connectycube-ffi (release-size, then size-analysis with symbols)");
    util::cargo(&["build", "-p", "connectycube-ffi", "--profile", "release-size"])?;
    util::cargo(&["build", "-p", "connectycube-ffi", "--profile", "size-analysis"])?;
    let stripped = util::target_dir()
        .join("release-size")
        .join(bindings::library_file_name());
    let with_symbols = util::target_dir()
        .join("size-analysis")
        .join(bindings::library_file_name());
    let size = std::fs::metadata(&stripped)
        .with_context(|| format!("no {}", stripped.display()))?
        .len();
    let (budget, target) = budget()?;

    let by_crate = symbol_sizes(&with_symbols)?;
    let attributed: u64 = by_crate.values().sum();
    let mut rows: Vec<(&String, &u64)> = by_crate.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1));

    let mut out = String::new();
    out.push_str(&format!(
        "\n## Binary size: libconnectycube_ffi ({} {}, release-size)\n\n",
        std::env::consts::ARCH,
        std::env::consts::OS
    ));
    out.push_str(&format!(
        "stripped: **{} bytes ({:.2} MB)**; budget {budget} bytes; target {target} bytes\n\n",
        size,
        mb(size)
    ));
    out.push_str("| crate | code and data (symbols) | share |\n|---|---:|---:|\n");
    for (name, bytes) in rows.iter().take(25) {
        out.push_str(&format!(
            "| {name} | {:.1} KB | {:.1} % |\n",
            **bytes as f64 / 1024.0,
            percent(**bytes, attributed)
        ));
    }
    out.push_str(&format!(
        "\n{} bytes attributed to symbols; the rest is headers, tables and unwinding data.\n",
        attributed
    ));
    let verdict = if size <= budget {
        "within the budget"
    } else {
        "OVER the budget"
    };
    out.push_str(&format!(
        "\n{verdict}; {} the target.\n",
        if size <= target { "meets" } else { "misses" }
    ));
    print(&out);

    let dir = util::target_dir().join("size");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("size.md"), &out)?;
    let json = serde_json::json!({
        "stripped_bytes": size,
        "budget_bytes": budget,
        "target_bytes": target,
        "crates": by_crate,
    });
    std::fs::write(dir.join("size.json"), serde_json::to_vec_pretty(&json)?)?;
    if size > budget {
        bail!("libconnectycube_ffi is {size} bytes, over the {budget}-byte budget in size-budget.toml");
    }
    Ok(())
}

#[allow(clippy::print_stdout, reason = "the report is this command's output")]
fn print(text: &str) {
    println!("{text}");
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn budget() -> Result<(u64, u64)> {
    let path = util::workspace_root().join("size-budget.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = |key: &str| -> Result<u64> {
        text.lines()
            .filter_map(|line| line.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .and_then(|(_, v)| v.trim().replace('_', "").parse().ok())
            .with_context(|| format!("{key} missing from {}", path.display()))
    };
    Ok((value("cdylib_bytes")?, value("target_bytes")?))
}

/// Symbol sizes from `nm`, grouped by the crate their demangled name starts with.
fn symbol_sizes(library: &std::path::Path) -> Result<BTreeMap<String, u64>> {
    let output = Command::new("nm")
        .args(["--print-size", "--size-sort", "--demangle", "--defined-only"])
        .arg(library)
        .output()
        .context("cannot run nm (binutils)")?;
    if !output.status.success() {
        bail!("nm failed on {}", library.display());
    }
    let mut by_crate = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut parts = line.splitn(4, ' ');
        let (Some(_address), Some(size), Some(_kind), Some(name)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(size) = u64::from_str_radix(size, 16) else {
            continue;
        };
        *by_crate.entry(crate_of(name)).or_insert(0) += size;
    }
    Ok(by_crate)
}

/// `<reqwest::Client as Foo>::bar` → `reqwest`; `ring_core_0_17_x_foo` → `ring (C)`.
fn crate_of(symbol: &str) -> String {
    let name = symbol
        .trim_start_matches(['<', '&', '*', '('])
        .trim_start_matches("dyn ")
        .trim_start_matches("mut ");
    if let Some((head, _)) = name.split_once("::") {
        let head = head.trim_start_matches('_');
        if !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return head.to_owned();
        }
    }
    if name.starts_with("ring_core") || name.contains("_ring_") {
        return "ring (C/asm)".to_owned();
    }
    if name.starts_with("uniffi_") || name.starts_with("ffi_connectycube") {
        return "uniffi scaffolding".to_owned();
    }
    "(other)".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_attributed_to_their_crate() {
        assert_eq!(crate_of("reqwest::async_impl::client::Client::new"), "reqwest");
        assert_eq!(
            crate_of("<hyper::proto::h1::conn::Conn<I,B,T> as core::ops::Drop>::drop"),
            "hyper"
        );
        assert_eq!(crate_of("ring_core_0_17_14__x25519_fe_mul"), "ring (C/asm)");
        assert_eq!(crate_of("uniffi_connectycube_ffi_fn_method_x"), "uniffi scaffolding");
        assert_eq!(crate_of("memcpy"), "(other)");
    }
}
