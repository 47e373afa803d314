"""The installed windows client library, as an application outside the tree
uses it: `cmake --install` of the mingw build into a temporary prefix, then
tests/consumer configured with the mingw toolchain against that prefix (and
built once more with pkg-config alone); each .exe runs under wine and its
message reaches the installed slotlogd.exe."""
import os
import re
import subprocess
import uuid
from pathlib import Path

from conftest import BIN, lines, plain_stop, start_serve, wait_for, wine

BUILD = BIN.parent  # CMAKE_RUNTIME_OUTPUT_DIRECTORY is the build's bin/
TOP = Path(__file__).resolve().parents[2]
CONSUMER = TOP / "tests/consumer"
TOOLCHAIN = TOP / "cmake/mingw-toolchain.cmake"
# what a program may import: windows' own dlls, no mingw runtime (linked in)
SYSTEM_DLLS = {"kernel32.dll", "msvcrt.dll", "ws2_32.dll", "iphlpapi.dll", "bcrypt.dll", "advapi32.dll",
               "shell32.dll", "user32.dll"}


def run(*cmd, env=None):
    r = subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r.stdout


def toolchain_compiler():
    return re.search(r"set\(CMAKE_CXX_COMPILER (\S+)\)", TOOLCHAIN.read_text()).group(1)


def test_consumer_exe_built_against_the_install_reaches_slotlogd_exe(tmp_path):
    prefix = tmp_path / "prefix"
    run("cmake", "--install", BUILD, "--prefix", prefix)
    for f in ("bin/slotlogd.exe", "bin/slotlog.exe", "lib/libslotlog_client.a", "include/slotlog/client.h",
              "lib/cmake/slotlog/slotlogConfig.cmake", "lib/cmake/slotlog/slotlogConfigVersion.cmake",
              "lib/pkgconfig/slotlog-client.pc"):
        assert (prefix / f).is_file(), f
    assert not list(prefix.glob("**/*.dll")), "the windows client library is static only"

    # find_package against the prefix; the toolchain searches its own root
    # only, so the package's folder is named
    build = tmp_path / "build"
    run("cmake", "-S", CONSUMER, "-B", build, "-G", "Unix Makefiles", f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}",
        f"-Dslotlog_DIR={prefix / 'lib/cmake/slotlog'}")
    run("cmake", "--build", build)
    link = "".join(p.read_text() for p in (build / "CMakeFiles/app.dir").glob("link*"))  # linkLibs.rsp too
    assert "libslotlog_client.a" in link and "-lws2_32" in link
    assert not re.search(r"spdlog|fmt|nlohmann|libz", link), link

    # pkg-config alone: the static library and the system's libraries
    pc_env = dict(os.environ, PKG_CONFIG_LIBDIR=str(prefix / "lib/pkgconfig"))
    flags = run("pkg-config", "--cflags", "--libs", "slotlog-client", env=pc_env).split()
    assert [f for f in flags if f.startswith("-l")] == \
        ["-lslotlog_client", "-lws2_32", "-liphlpapi", "-lbcrypt", "-ladvapi32", "-lshell32"]
    apps = {"cmake": build / "app.exe", "pkg-config": tmp_path / "app-pc.exe"}
    run(toolchain_compiler(), "-std=c++17", CONSUMER / "app.cpp", *flags, "-static", "-o",
        apps["pkg-config"])

    for kind, app in apps.items():
        dlls = {d.lower() for d in re.findall(r"DLL Name: (\S+)", run("x86_64-w64-mingw32-objdump", "-p", app))}
        assert dlls and dlls <= SYSTEM_DLLS, (kind, dlls)
        assert not re.search(r"\b(spdlog|fmt|nlohmann)::", run("x86_64-w64-mingw32-nm", "-C", app)), kind

    log = tmp_path / "logs" / "c.log"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-consumer"}],
        "outputs": [{"type": "file", "path": "logs/c.log"}],
    }, "--allow-plain-stop", exe=prefix / "bin/slotlogd.exe")
    slot = r"\\.\mailslot\slotlog-wine-consumer"
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        sent = {}
        for kind, app in apps.items():
            sent[kind] = f"from the {kind} consumer {uuid.uuid4().hex[:8]}"
            r = wine(app, slot, sent[kind])
            assert r.returncode == 0, (kind, r.stderr)
            # no reader: the client's mailslot_error, caught by its type
            r = wine(app, r"\\.\mailslot\slotlog-nobody-reads-this", "x")
            assert r.returncode == 3, (kind, r.returncode, r.stderr)
        wait_for(lambda: all(any(m in l for l in lines(log)) for m in sent.values()), 30, "the consumers' messages")
        plain_stop(serve, slot)
    finally:
        if serve.poll() is None:
            serve.kill()
    got = [l for l in lines(log) if " consumer[" in l]
    assert sorted(l.split("]: ", 1)[1] for l in got) == sorted(sent.values())
    assert all(" WARNING " in l for l in got)
