"""The installed client library, as an application outside the tree uses it:
`cmake --install` of this build into a temporary prefix, then tests/consumer
built against that prefix with find_package (the static and the shared
library) and with pkg-config alone; each program sends to a real slotlogd, and
none of them carries spdlog, fmt or nlohmann_json."""
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import BIN, entries, file_config, read_lines, wait_for

BUILD = BIN.parent  # CMAKE_RUNTIME_OUTPUT_DIRECTORY is the build's bin/
CONSUMER = Path(__file__).resolve().parents[1] / "consumer"
COLLECTOR_LIBRARIES = ("spdlog", "fmt", "nlohmann", "libz")


def run(*cmd, env=None, cwd=None):
    r = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r.stdout


def build_settings():
    """the compiler and flags of this build (the asan preset's library needs
    an instrumented program), read from its cache"""
    cache = {}
    for line in (BUILD / "CMakeCache.txt").read_text().splitlines():
        m = re.match(r"^(CMAKE_CXX_COMPILER|CMAKE_CXX_FLAGS|CMAKE_EXE_LINKER_FLAGS):\w+=(.*)$", line)
        if m:
            cache[m.group(1)] = m.group(2)
    return cache


def included_headers(header, folder):
    """the slotlog/ headers that `header` includes, itself among them, followed
    through the installed folder"""
    seen, todo = set(), [header]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += re.findall(r"#include <slotlog/([^>]+)>", (folder / name).read_text())
    return seen


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """the prefix, and the consumer built three ways against it"""
    top = tmp_path_factory.mktemp("consumer")
    prefix = top / "prefix"
    run("cmake", "--install", BUILD, "--prefix", prefix)
    settings = build_settings()
    pc_file = next(prefix.glob("**/pkgconfig/slotlog-client.pc"))
    env = dict(os.environ, PKG_CONFIG_PATH=str(pc_file.parent))
    apps = {}
    for kind, shared in (("static", "OFF"), ("shared", "ON")):
        build = top / kind
        run("cmake", "-S", CONSUMER, "-B", build, "-G", "Unix Makefiles", f"-DCMAKE_PREFIX_PATH={prefix}",
            f"-DCMAKE_CXX_COMPILER={settings['CMAKE_CXX_COMPILER']}",
            f"-DCMAKE_CXX_FLAGS={settings.get('CMAKE_CXX_FLAGS', '')}",
            f"-DCMAKE_EXE_LINKER_FLAGS={settings.get('CMAKE_EXE_LINKER_FLAGS', '')}",
            f"-DSLOTLOG_CONSUMER_SHARED={shared}")
        run("cmake", "--build", build)
        apps[kind] = build / "app"
    # pkg-config alone, as a makefile would: the shared library, found at run
    # time through LD_LIBRARY_PATH
    pc_flags = run("pkg-config", "--cflags", "--libs", "slotlog-client", env=env).split()
    apps["pkg-config"] = top / "app-pc"
    run(settings["CMAKE_CXX_COMPILER"], *settings.get("CMAKE_CXX_FLAGS", "").split(), "-std=c++17",
        CONSUMER / "app.cpp", *pc_flags, *settings.get("CMAKE_EXE_LINKER_FLAGS", "").split(), "-o", apps["pkg-config"])
    yield {"prefix": prefix, "top": top, "apps": apps, "pc_env": env, "pc_flags": pc_flags, "pc_file": pc_file}
    shutil.rmtree(top, ignore_errors=True)


def app_env(env, installed):
    e = dict(env)
    e["LD_LIBRARY_PATH"] = str(installed["pc_file"].parent.parent)
    return e


def test_install_puts_the_executables_library_headers_and_packages(installed):
    prefix = installed["prefix"]
    for exe in ("sbin/slotlogd", "bin/slotlog"):
        assert "0.1" in run(prefix / exe, "--version")
    libdir = installed["pc_file"].parent.parent
    assert (libdir / "libslotlog_client.a").is_file()
    # the shared library's soname carries the minor version (0.x abi)
    soname = re.search(r"SONAME\s+(\S+)", run("objdump", "-p", libdir / "libslotlog_client.so"))
    assert soname and soname.group(1) == "libslotlog_client.so.0.1"
    for name in ("slotlogConfig.cmake", "slotlogConfigVersion.cmake", "slotlogTargets.cmake"):
        assert (libdir / "cmake/slotlog" / name).is_file()
    # client.h and what it includes, nothing more
    headers = prefix / "include/slotlog"
    installed_headers = {str(p.relative_to(headers)) for p in headers.rglob("*") if p.is_file()}
    assert installed_headers == included_headers("client.h", headers)
    assert "client.h" in installed_headers and "slot_name.h" in installed_headers
    assert not (prefix / "include/slotlog/mailslot_wire.h").exists()


def test_each_build_of_the_consumer_reaches_a_real_collector(tmp_path, env, collectors, installed):
    log = tmp_path / "logs" / "c.log"
    collectors(file_config(log)).wait_ready(log)
    sent = {}
    for kind, app in installed["apps"].items():
        sent[kind] = f"from the {kind} consumer {uuid.uuid4().hex[:8]}"
        r = subprocess.run([app, "logger", sent[kind]], env=app_env(env, installed), capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, (kind, r.stderr)
    wait_for(lambda: len(entries(read_lines(log), "consumer")) == len(sent), what="the consumers' messages")
    assert sorted(entries(read_lines(log), "consumer")) == sorted(sent.values())
    assert all(" WARNING " in l for l in read_lines(log) if " consumer[" in l)


def test_the_client_s_exceptions_cross_the_library(env, installed):
    # no collector: mailslot_error, caught by its type in the program, also
    # when thrown inside the shared library (its type info is exported)
    for kind, app in installed["apps"].items():
        r = subprocess.run([app, "nobody-reads-this", "x"], env=app_env(env, installed), capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 3, (kind, r.returncode, r.stderr)
        assert "nobody-reads-this" in r.stderr, (kind, r.stderr)


def test_no_collector_library_reaches_the_application(env, installed):
    for kind, app in installed["apps"].items():
        libraries = run("ldd", app, env=app_env(env, installed))
        assert not any(lib in libraries for lib in COLLECTOR_LIBRARIES), (kind, libraries)
        if kind == "static":
            assert "slotlog" not in libraries
        else:
            assert re.search(rf"libslotlog_client\.so\.0\.1 => {re.escape(str(installed['prefix']))}/", libraries), \
                (kind, libraries)
        symbols = run("nm", "-C", app)
        assert not re.search(r"\b(spdlog|fmt|nlohmann)::", symbols), kind
    assert "slotlog::mailslot_writer::put" in run("nm", "-C", installed["apps"]["static"])
    # the link lines: the library and the system's, nothing else
    for kind in ("static", "shared"):
        link = (installed["top"] / kind / "CMakeFiles/app.dir/link.txt").read_text()
        assert "slotlog_client" in link
        assert not any(lib in link for lib in COLLECTOR_LIBRARIES), (kind, link)
    assert [f for f in installed["pc_flags"] if f.startswith("-l")] == ["-lslotlog_client"]
    static_libs = run("pkg-config", "--static", "--libs", "slotlog-client", env=installed["pc_env"]).split()
    assert [f for f in static_libs if f.startswith("-l") or f == "-pthread"] == ["-lslotlog_client", "-pthread", "-ldl"]


def test_the_shared_library_exports_the_api_only(installed):
    libdir = installed["pc_file"].parent.parent
    exported = run("nm", "-D", "--defined-only", "-C", libdir / "libslotlog_client.so").splitlines()
    names = [re.sub(r"\[abi:\w+\]", "", l.split(" ", 2)[2]) for l in exported if len(l.split(" ", 2)) == 3]
    assert names
    # the api, the proto part that client.h declares included
    for wanted in ("slotlog::mailslot_writer::put(", "slotlog::parse_slot_name(", "slotlog::make_json_message(",
                   "slotlog::mailslot_reader::get(", "slotlog::local_host_name()", "typeinfo for slotlog::mailslot_error"):
        assert any(n.startswith(wanted) for n in names), wanted
    # nothing else: no internals of proto (the wire codec, the command line),
    # no template instances of the standard library
    strays = [n for n in names if not re.match(r"^(typeinfo for |typeinfo name for |vtable for )?slotlog::", n)]
    assert not strays, strays
    internals = [n for n in names if re.search(r"slotlog::(wire|cli|detail)::", n)]
    assert not internals, internals
