#!/usr/bin/env python3
"""Builds, inspects and installs the kjournal Debian package.

  deb_test.py build   BUILD_DIR OUT_DIR VERSION   cpack -G DEB into OUT_DIR
  deb_test.py inspect OUT_DIR VERSION             dpkg-deb -I/-c: metadata, Depends, files
  deb_test.py install OUT_DIR VERSION             dpkg --root into a throwaway root, run it

The throwaway root holds only the package's dependency closure, copied from this host's
installed packages together with their dpkg status entries, plus dash (dpkg runs the
maintainer scripts chrooted into the root). dpkg then resolves the package's Depends
against those entries without --force-depends, and `kjournal version` runs chrooted, so a
library missing from Depends makes the test fail. A root made by debootstrap and apt is
scripts/test-deb-chroot.sh (network, minutes).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ARCH = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                      check=True).stdout.strip()
failures = []
passed = 0


def check(name, ok, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(f"{name}: {detail}" if detail else name)


def finish():
    for f in failures:
        print(f"FAIL {f}")
    print(f"deb: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def package_path(out_dir, version):
    return os.path.join(out_dir, f"kjournal_{version}_{ARCH}.deb")


def build(build_dir, out_dir, version):
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    r = run(["cpack", "-G", "DEB", "--config", os.path.join(build_dir, "CPackConfig.cmake"),
             "-B", out_dir])
    print(r.stdout, r.stderr)
    check("cpack succeeds", r.returncode == 0, r.stderr)
    debs = glob.glob(os.path.join(out_dir, "*.deb"))
    check(f"one package named kjournal_{version}_{ARCH}.deb",
          debs == [package_path(out_dir, version)], str(debs))
    finish()


def parse_depends(text):
    """'a (>= 1), b | c' -> [[('a', '>= 1')], [('b', None), ('c', None)]]"""
    groups = []
    for group in filter(None, (g.strip() for g in text.split(","))):
        alts = []
        for alt in group.split("|"):
            m = re.match(r"\s*([^\s(:]+)(?::\S+)?\s*(?:\(([^)]*)\))?", alt)
            alts.append((m.group(1), m.group(2)))
        groups.append(alts)
    return groups


def field(deb, name):
    return run(["dpkg-deb", "-f", deb, name]).stdout.strip()


def inspect(out_dir, version):
    deb = package_path(out_dir, version)
    info = run(["dpkg-deb", "-I", deb])
    check("dpkg-deb -I reads the package", info.returncode == 0, info.stderr)
    print(info.stdout)
    check("Package: kjournal", field(deb, "Package") == "kjournal")
    check(f"Version: {version}", field(deb, "Version") == version, field(deb, "Version"))
    check(f"Architecture: {ARCH}", field(deb, "Architecture") == ARCH)
    check("Description", bool(field(deb, "Description")))
    check("Maintainer", bool(field(deb, "Maintainer")))
    depends = field(deb, "Depends")
    names = {n for g in parse_depends(depends) for n, _ in g}
    for lib in ["libsystemd0", "libyaml-cpp0.7", "libpcre2-8-0", "zlib1g", "libstdc++6",
                "libc6", "libpoconet80", "libpocofoundation80", "libpoconetssl80"]:
        check(f"Depends names {lib}", lib in names, depends)
    # sd-journal must read the compact journal format systemd 252 writes by default.
    sd = [v for g in parse_depends(depends) for n, v in g if n == "libsystemd0"]
    check("libsystemd0 dependency is versioned (>= 252)",
          bool(sd) and sd[0] is not None and
          run(["dpkg", "--compare-versions", sd[0].split()[-1], "ge", "252"]).returncode == 0,
          str(sd))

    listing = run(["dpkg-deb", "-c", deb])
    check("dpkg-deb -c lists the files", listing.returncode == 0, listing.stderr)
    files = {}
    for line in listing.stdout.splitlines():
        parts = line.split(None, 5)
        files[parts[5].split(" -> ")[0]] = parts[0]
    print("\n".join(sorted(files)))
    unit_paths = ["./usr/lib/systemd/system/kjournal-agent.service",
                  "./lib/systemd/system/kjournal-agent.service"]
    check("binary ./usr/bin/kjournal, executable",
          files.get("./usr/bin/kjournal", "").startswith("-rwx"), files.get("./usr/bin/kjournal"))
    check("unit in the systemd unit directory", any(p in files for p in unit_paths))
    check("config ./etc/kjournal/agent.yaml", "./etc/kjournal/agent.yaml" in files)
    check("README in /usr/share/doc/kjournal", "./usr/share/doc/kjournal/README.md" in files)
    check("Kubernetes manifests in the docs",
          "./usr/share/doc/kjournal/examples/kubernetes/daemonset.yaml" in files)
    check("nothing under /usr/local", not any(p.startswith("./usr/local") for p in files))

    with tempfile.TemporaryDirectory() as control:
        run(["dpkg-deb", "-e", deb, control], check=True)
        conffiles = open(os.path.join(control, "conffiles")).read().split() \
            if os.path.exists(os.path.join(control, "conffiles")) else []
        check("agent.yaml is a conffile", conffiles == ["/etc/kjournal/agent.yaml"], str(conffiles))
        for script in ["postinst", "prerm", "postrm"]:
            p = os.path.join(control, script)
            check(f"{script} present and executable", os.access(p, os.X_OK))
            if os.path.exists(p):
                check(f"{script} is valid sh", run(["sh", "-n", p]).returncode == 0)
        # The unit in the package is the one in the source tree (no stale copy).
        with tempfile.TemporaryDirectory() as data:
            run(["dpkg-deb", "-x", deb, data], check=True)
            unit = next(os.path.join(data, p) for p in unit_paths if os.path.exists(os.path.join(data, p)))
            src = os.path.join(os.path.dirname(__file__), "..", "..", "unit", "kjournal-agent.service")
            check("packaged unit equals unit/kjournal-agent.service",
                  open(unit).read() == open(src).read())
    finish()


def installed_closure(roots):
    """Host-installed packages reachable from `roots` through Depends/Pre-Depends."""
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        r = run(["dpkg-query", "-W", "-f", "${Status}\t${Depends}, ${Pre-Depends}", name])
        if r.returncode != 0 or "install ok installed" not in r.stdout:
            continue  # a virtual package or an alternative that is not installed
        seen.add(name)
        for group in parse_depends(r.stdout.split("\t", 1)[1]):
            todo.extend(n for n, _ in group)
    return seen


def populate_root(root, packages):
    dpkg_dir = os.path.join(root, "var/lib/dpkg")
    for d in ["info", "updates", "triggers", "alternatives"]:
        os.makedirs(os.path.join(dpkg_dir, d), exist_ok=True)
    open(os.path.join(dpkg_dir, "available"), "w").close()
    # The merged-/usr layout of a Debian 12 system.
    os.makedirs(os.path.join(root, "usr"), exist_ok=True)
    for d in ["bin", "sbin", "lib", "lib64"]:
        os.makedirs(os.path.join(root, "usr", d), exist_ok=True)
        os.symlink(f"usr/{d}", os.path.join(root, d))
    for d in ["etc", "tmp", "run", "proc"]:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    status = []
    for pkg in sorted(packages):
        status.append(run(["dpkg-query", "-s", pkg], check=True).stdout.strip())
        listing = run(["dpkg-query", "-L", pkg], check=True).stdout
        arch_name = run(["dpkg-query", "-W", "-f", "${binary:Package}", pkg], check=True).stdout
        with open(os.path.join(dpkg_dir, "info", f"{arch_name}.list"), "w") as f:
            f.write(listing)
        for path in listing.split("\n"):
            if not path or path.startswith("/usr/share/doc") or path.startswith("/usr/share/man"):
                continue
            if os.path.islink(path) or os.path.isfile(path):
                dest = root + os.path.realpath(os.path.dirname(path)) + "/" + os.path.basename(path)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                if not os.path.lexists(dest):
                    shutil.copy2(path, dest, follow_symlinks=False)
    with open(os.path.join(dpkg_dir, "status"), "w") as f:
        f.write("\n\n".join(status) + "\n")
    os.symlink("dash", os.path.join(root, "usr/bin/sh")) \
        if not os.path.lexists(os.path.join(root, "usr/bin/sh")) else None


def install(out_dir, version):
    deb = package_path(out_dir, version)
    deps = [n for g in parse_depends(field(deb, "Depends")) for n, _ in g]
    # dpkg runs the maintainer scripts with /bin/sh; postrm purge uses rm.
    packages = installed_closure(deps + ["dash", "coreutils"])
    root = tempfile.mkdtemp(prefix="kj-deb-root-")
    try:
        populate_root(root, packages)
        r = run(["dpkg", "--root", root, "--log", "/dev/null", "-i", deb])
        print(r.stdout, r.stderr)
        check("dpkg --root -i installs (Depends satisfied by the seeded root)", r.returncode == 0, r.stderr)
        s = run(["dpkg", "--root", root, "-s", "kjournal"])
        check("status: install ok installed", "Status: install ok installed" in s.stdout, s.stdout)
        check("conffile registered", "/etc/kjournal/agent.yaml" in s.stdout, s.stdout)
        check("config installed", os.path.isfile(os.path.join(root, "etc/kjournal/agent.yaml")))
        for args in (["version"], ["--version"]):
            v = run(["chroot", root, "/usr/bin/kjournal"] + args)
            check(f"chroot ROOT kjournal {' '.join(args)} runs", v.returncode == 0, v.stderr)
            check(f"kjournal {' '.join(args)} prints {version}", version in v.stdout, v.stdout)
            print(v.stdout.strip())
        c = run(["chroot", root, "/usr/bin/kjournal", "check-config", "/etc/kjournal/agent.yaml"])
        check("kjournal check-config accepts the installed agent.yaml", c.returncode == 0,
              c.stdout + c.stderr)
        # Modify the conffile: purge must still remove everything without failing.
        with open(os.path.join(root, "etc/kjournal/agent.yaml"), "a") as f:
            f.write("# edited\n")
        r = run(["dpkg", "--root", root, "--log", "/dev/null", "-r", "kjournal"])
        check("dpkg -r succeeds", r.returncode == 0, r.stderr)
        check("remove keeps the edited conffile", os.path.exists(os.path.join(root, "etc/kjournal/agent.yaml")))
        check("remove deletes the binary", not os.path.exists(os.path.join(root, "usr/bin/kjournal")))
        r = run(["dpkg", "--root", root, "--log", "/dev/null", "-P", "kjournal"])
        check("dpkg -P succeeds", r.returncode == 0, r.stderr)
        check("purge deletes the conffile", not os.path.exists(os.path.join(root, "etc/kjournal/agent.yaml")))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    finish()


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("build", "inspect", "install"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    {"build": build, "inspect": inspect, "install": install}[sys.argv[1]](*sys.argv[2:])
