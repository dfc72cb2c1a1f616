//! The Swift toolchain on Linux: Debian trixie's `swiftlang` in a `debootstrap` chroot kept in
//! the cache outside the repository (no Swift download site is reachable from CI), built or
//! restored from its tarball when missing, and the mounts that share the workspace (and the
//! target directory, when outside it) with it at the same paths. The chroot shares the host's
//! network, so the emulator on 127.0.0.1 is reachable. Needs root.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util;

const SUITE: &str = "trixie";
const CHROOT_PACKAGES: &[&str] = &["swiftlang", "libc6-dev"];
const FALLBACK_MIRROR: &str = "http://deb.debian.org/debian";
/// Written last into a complete chroot.
const READY_MARKER: &str = ".connectycube-swift-ready";
/// Set to store a zstd tarball of a new chroot next to it (for CI caches that keep one file).
const TARBALL_ENV: &str = "CONNECTYCUBE_SWIFT_TARBALL";

/// The trixie chroot with Swift, created (or restored from its tarball) when missing.
pub(crate) fn ensure_chroot(cache: &Path) -> Result<PathBuf> {
    let base = cache.join(format!("swift-{SUITE}"));
    let root = base.join("root");
    if root.join(READY_MARKER).exists() {
        return Ok(root);
    }
    fs::create_dir_all(&base).with_context(|| format!("cannot create {}", base.display()))?;
    let partial = base.join("root.partial");
    remove_chroot(&partial)?;
    remove_chroot(&root)?;
    let tarball = base.join("root.tar.zst");
    let started = Instant::now();
    if tarball.exists() {
        util::step(&format!("Swift chroot: restoring {}", tarball.display()));
        fs::create_dir_all(&partial)?;
        let restored = util::run(
            Command::new("tar")
                .arg("--zstd")
                .arg("-xpf")
                .arg(&tarball)
                .arg("-C")
                .arg(&partial),
        );
        if restored.is_err() || !partial.join(READY_MARKER).exists() {
            eprintln!("the tarball did not restore a complete chroot; building a new one");
            remove_chroot(&partial)?;
            let _ = fs::remove_file(&tarball);
        }
    }
    if !partial.join(READY_MARKER).exists() {
        build_chroot(&partial)?;
    }
    fs::rename(&partial, &root).with_context(|| format!("cannot move the chroot to {}", root.display()))?;
    eprintln!(
        "Swift chroot ready in {:.0} s: {}",
        started.elapsed().as_secs_f64(),
        root.display()
    );
    if std::env::var_os(TARBALL_ENV).is_some() && !tarball.exists() {
        util::step(&format!("Swift chroot: storing {}", tarball.display()));
        let stored = util::run(
            Command::new("tar")
                .arg("-I")
                .arg("zstd -3 -T0")
                .arg("-cpf")
                .arg(&tarball)
                .arg("-C")
                .arg(&root)
                .arg("."),
        );
        if let Err(error) = stored {
            eprintln!("warning: no tarball of the Swift chroot ({error:#})");
            let _ = fs::remove_file(&tarball);
        }
    }
    Ok(root)
}

fn build_chroot(root: &Path) -> Result<()> {
    util::step(&format!(
        "Swift chroot: debootstrap {SUITE} (once; ~530 MB of packages)"
    ));
    ensure_debootstrap()?;
    let mirror = debian_mirror();
    util::run(
        Command::new("debootstrap")
            .args(["--variant=minbase", SUITE])
            .arg(root)
            .arg(&mirror),
    )
    .with_context(|| format!("debootstrap {SUITE} from {mirror} failed"))?;
    if Path::new("/etc/resolv.conf").exists() {
        util::copy_file(Path::new("/etc/resolv.conf"), &root.join("etc/resolv.conf"))?;
    }
    util::step(&format!("Swift chroot: apt-get install {}", CHROOT_PACKAGES.join(" ")));
    let chroot = |args: &[&str]| -> Result<()> {
        util::run(
            Command::new("chroot")
                .arg(root)
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
        )
    };
    chroot(&["apt-get", "update"])?;
    let mut install = vec!["apt-get", "install", "-y", "--no-install-recommends"];
    install.extend(CHROOT_PACKAGES);
    chroot(&install)?;
    chroot(&["apt-get", "clean"])?;
    fs::write(
        root.join(READY_MARKER),
        format!("{SUITE}: {}\n", CHROOT_PACKAGES.join(" ")),
    )?;
    Ok(())
}

fn ensure_debootstrap() -> Result<()> {
    if Command::new("debootstrap").arg("--version").output().is_ok() {
        return Ok(());
    }
    let install = || {
        util::run(
            Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "debootstrap"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    if install().is_err() {
        util::run(Command::new("apt-get").arg("update"))?;
        install().context("cannot install debootstrap with apt-get")?;
    }
    Ok(())
}

/// The machine's own Debian mirror (deb822 `URIs:` of the first source).
fn debian_mirror() -> String {
    fs::read_to_string("/etc/apt/sources.list.d/debian.sources")
        .ok()
        .and_then(|sources| {
            sources.lines().find_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some("URIs:")).then(|| words.next().map(str::to_owned))?
            })
        })
        .unwrap_or_else(|| FALLBACK_MIRROR.to_owned())
}

/// Removes a (partial) chroot, after unmounting whatever a killed run left mounted in it;
/// refuses while anything stays mounted (a bind-mounted workspace must never be deleted).
fn remove_chroot(root: &Path) -> Result<()> {
    if !root.exists() {
        return Ok(());
    }
    unmount_all_under(root);
    if !mounts_under(root).is_empty() {
        bail!(
            "{} still has mounts ({:?}); unmount them before it can be removed",
            root.display(),
            mounts_under(root)
        );
    }
    fs::remove_dir_all(root).with_context(|| format!("cannot remove {}", root.display()))
}

/// Mount points at or under `path`, deepest first (from /proc/self/mounts).
fn mounts_under(path: &Path) -> Vec<PathBuf> {
    let Ok(table) = fs::read_to_string("/proc/self/mounts") else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = table
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .map(|point| PathBuf::from(point.replace("\\040", " ")))
        .filter(|point| point.starts_with(path))
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    found.dedup();
    found
}

fn unmount_all_under(path: &Path) {
    for point in mounts_under(path) {
        unmount(&point);
    }
}

fn unmount(point: &Path) {
    let status = Command::new("umount").arg(point).status();
    if !status.is_ok_and(|s| s.success()) {
        // Busy (a process still inside): detach it now, freed when the process ends.
        let lazy = Command::new("umount").arg("-l").arg(point).status();
        if !lazy.is_ok_and(|s| s.success()) {
            eprintln!("warning: cannot unmount {}", point.display());
        }
    }
}

/// /proc, the shared directories (at their own paths) and the overlays (a host folder over
/// a path inside) mounted in the chroot; unmounted on drop, whatever happened in between.
pub(crate) struct Mounts {
    root: PathBuf,
}

impl Mounts {
    pub(crate) fn new(root: &Path, shared: &[PathBuf], overlays: &[(PathBuf, &str)]) -> Result<Self> {
        // Left over by a killed run: start clean.
        unmount_all_under(root);
        let mounts = Mounts {
            root: root.to_path_buf(),
        };
        let proc = root.join("proc");
        fs::create_dir_all(&proc)?;
        util::run(Command::new("mount").args(["-t", "proc", "proc"]).arg(&proc))?;
        for path in shared {
            fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))?;
            let inside = root.join(path.strip_prefix("/").unwrap_or(path));
            fs::create_dir_all(&inside).with_context(|| format!("cannot create {}", inside.display()))?;
            util::run(Command::new("mount").arg("--bind").arg(path).arg(&inside))?;
        }
        for (source, inside) in overlays {
            let inside = root.join(inside);
            fs::create_dir_all(&inside).with_context(|| format!("cannot create {}", inside.display()))?;
            util::run(Command::new("mount").arg("--bind").arg(source).arg(&inside))?;
        }
        Ok(mounts)
    }
}

impl Drop for Mounts {
    fn drop(&mut self) {
        unmount_all_under(&self.root);
        let left = mounts_under(&self.root);
        if !left.is_empty() {
            eprintln!("warning: still mounted in the Swift chroot: {left:?}");
        }
    }
}

pub(crate) fn require_root() -> Result<()> {
    let uid = Command::new("id").arg("-u").output().context("cannot run `id -u`")?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        bail!("the Swift binding tests need root (debootstrap, chroot and mount build and enter the Swift chroot)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mirror_falls_back_to_debian() {
        assert!(debian_mirror().starts_with("http"));
    }
}
