# the two commands: `make run` and `make test` (see README.md)
.PHONY: run test bench deps peers deb build build-linux build-clang build-mingw build-fuzz build-asan test-linux test-mingw test-fuzz test-asan fuzz msi clean

JOBS ?= 2
FUZZ_SECONDS ?= 60

deps:
	@scripts/install-deps

# the peers the tests and the bench run that debian cannot install beside
# rsyslog: syslog-ng, unpacked privately (quick once done)
peers: deps
	@scripts/syslog-ng-private >/dev/null

build-linux: deps
	@cmake --preset linux >/dev/null
	@cmake --build --preset linux -j $(JOBS)

build-clang: deps
	@cmake --preset clang >/dev/null
	@cmake --build --preset clang -j $(JOBS)

build-mingw: deps
	@cmake --preset mingw >/dev/null
	@cmake --build --preset mingw -j $(JOBS)

build-fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

# clang with address, leak and undefined-behaviour sanitizers, for test-asan
build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

build: build-linux build-mingw

# the windows installer build/mingw/slotlog-<version>-x64.msi (wixl); build-mingw
# builds it too, as part of ALL
msi: build-mingw
	@cmake --build --preset mingw --target msi

# runs the collector in the foreground on the embedded default configuration:
# mailslot `logger`, logs/slotlog.log under this folder (git ignores it),
# console at info. builds only the two executables, quietly: the build's
# output is shown only when it fails
run: deps
	@cmake --preset linux >/dev/null
	@echo "make run: building slotlogd and slotlog (build/linux/run-build.log)"
	@cmake --build --preset linux -j $(JOBS) --target slotlogd slotlog >build/linux/run-build.log 2>&1 \
		|| { cat build/linux/run-build.log; exit 1; }
	@build/linux/bin/slotlogd serve

# the debian package build/deb/slotlog_<version>_amd64.deb (docs/linux.md): slotlogd
# and slotlog of build/linux, the binaries the tests run (the linux preset has
# debian's hardening flags), stripped
deb: build-linux
	@installer/linux/build-deb build/linux build/deb

# integration/test_deb.py installs, checks and purges the package
test-linux: build-linux peers deb
	ctest --preset linux -j $(JOBS)

test-mingw: build-mingw
	ctest --preset mingw

# every unit and integration test again with the sanitizers: any report fails
# the test, in slotlogd too (see tests/integration/conftest.py)
test-asan: build-asan peers
	ctest --preset asan -j $(JOBS)

# libFuzzer with ASan and UBSan on every decoder and the configuration parser,
# FUZZ_SECONDS per target; make test runs each for a short smoke time
fuzz: build-fuzz
	scripts/run-fuzzers $(FUZZ_SECONDS)

test-fuzz: build-fuzz
	scripts/run-fuzzers 10

# the asan build is the clang build of make test: clang with -Werror like the
# others (build-clang on its own is the same without the sanitizers)
test: build-linux build-mingw test-fuzz test-linux test-asan test-mingw

# slotlogd against rsyslogd on this machine (bench/README.md), per-host files and forwarding too,
# about 11 minutes; installs rsyslog if missing. Not part of test
bench: build-linux
	@bench/install-deps
	bench/run

clean:
	rm -rf build
