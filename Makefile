# The front door.  Meson builds; this file only names the common jobs.
#
#   make            build everything into $(BUILD) (meson setup + ninja)
#   make check      install missing build/test packages, build, run the whole suite
#   make demo       install missing packages, build, walk through scmd and scctl
#   make check-asan the same suite on an ASan+UBSan build in build-asan/
#   make install    meson install into PREFIX (default /usr/local), under DESTDIR when given
#   make deb        the Debian packages (debian/) built from a copy of the checkout in
#                   DEB_DIR (default /tmp/scm-deb), then lintian on them
#   make deb-smoke  those packages installed and removed in a throwaway root (an overlay
#                   of / in its own namespaces; scripts/deb-smoke.sh; root)
#   make clean      remove $(BUILD) and $(BUILD)-asan
#   make bench      install the peers it measures against, build, run bench/run.sh
#                   (about 12 minutes; bench/README.md), writing bench/results/latest.csv
#   make bench-plot draw bench/results/cold-start.png from bench/results/latest.csv
#   make bench-spawn the cost of a spawn from service 1 to 10,000 (bench/spawn-slope.sh)
#   make fuzz       run each fuzz target (tests/fuzz) for FUZZ_SECONDS (default 60) on a
#                   clang ASan+UBSan build in $(BUILD)-fuzz; make check-asan runs them 20 s

BUILD ?= build
MESON ?= meson
NINJA ?= ninja

.PHONY: all build deps check check-asan demo install deb deb-smoke clean bench bench-deps bench-plot bench-spawn fuzz

all: build

# A build folder without build.ninja is a failed setup: start it again.
build:
	@if [ ! -f $(BUILD)/build.ninja ]; then \
		rm -rf $(BUILD) && $(MESON) setup $(BUILD); \
	fi
	$(NINJA) -C $(BUILD)

deps:
	scripts/ensure-deps.sh

check: deps
	$(MAKE) build
	tests/run-tests.sh $(BUILD)

check-asan: deps
	@if [ ! -f $(BUILD)-asan/build.ninja ]; then \
		rm -rf $(BUILD)-asan && $(MESON) setup $(BUILD)-asan -Db_sanitize=address,undefined -Db_lundef=false; \
	fi
	$(NINJA) -C $(BUILD)-asan
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run-tests.sh $(BUILD)-asan

FUZZ_SECONDS ?= 60
fuzz: deps
	$(MAKE) build
	FUZZ_ALWAYS=1 FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_BUILD=$(CURDIR)/$(BUILD)-fuzz \
		tests/run-tests.sh $(BUILD) test_fuzz

demo: deps
	$(MAKE) build
	scripts/demo.sh $(BUILD)

bench-deps:
	scripts/ensure-bench-deps.sh

bench: deps bench-deps
	$(MAKE) build
	bench/run.sh $(BUILD)

bench-plot: bench-deps
	bench/plot.sh

bench-spawn: deps
	$(MAKE) build
	bench/spawn-slope.sh $(BUILD)

# PREFIX (default /usr/local) and DESTDIR are honoured:
#   make install PREFIX=/usr DESTDIR=/tmp/stage
PREFIX ?= /usr/local
install: build
	$(MESON) configure $(BUILD) -Dprefix=$(PREFIX)
	$(MESON) install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

# dpkg-buildpackage writes its .debs beside the source folder, so the build
# runs on a copy of the files git knows (committed or not) in DEB_DIR.
DEB_DIR ?= /tmp/scm-deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/scm
	git ls-files -z | xargs -0 cp -a --parents -t $(DEB_DIR)/scm
	cd $(DEB_DIR)/scm && dpkg-buildpackage -us -uc -b
	lintian --fail-on error $(DEB_DIR)/*.changes
	@ls -l $(DEB_DIR)/*.deb

deb-smoke:
	scripts/deb-smoke.sh $(DEB_DIR)

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
