# mgate - model-quality gate for CI.
#
#   make            build ./mgate
#   make test       unit tests (cmocka) + end-to-end tests of the binary
#   make golden     the golden end-to-end cases (tests/golden; CASES="a b")
#   make golden-update  rewrite their expectations from ./mgate, show the diff
#   make demo       run the shipped example gate (fixtures/demo)
#   make sanitize   the whole test suite under ASan + UBSan
#   make tsan       the threaded runner under ThreadSanitizer (unit tests + e2e)
#   make coverage   gcov + lcov HTML report in build/coverage/html
#   make bench      benchmarks (prints figures; not a test)
#   make fuzz       libFuzzer targets (clang), each run FUZZ_SECONDS (default 60)
#   make fuzz-merge the inputs a fuzz run found that add coverage -> fuzz/corpus
#   make fuzz-report executions and coverage of every recorded fuzz run, per target
#   make install    PREFIX=/usr/local DESTDIR=
#   make check-options-doc  rewrite docs/check-options.md from the check table
#
# `make test` and `make demo` install missing Debian packages first
# (ci/install-deps.sh), so the two commands work on a fresh machine.
# Sources are found by wildcard: a new .c file in a module folder, or in a
# folder inside one (checks/data/), is built
# into libmgate.a, a new tests/unit/test_*.c becomes a test binary.

CC       ?= cc
PREFIX   ?= /usr/local
BUILD    ?= build/release
OPT      ?= -O2 -g
EXTRA    ?=
PKGS      = jansson libxml-2.0 libcrypto gsl libcurl
# Evaluated lazily so that the deps step can install pkg-config files first.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -pthread
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null)
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
             -Wshadow -Wstrict-prototypes -pthread -I. $(OPT) $(EXTRA) $(PKG_CFLAGS)
LDFLAGS_ALL = $(EXTRA) $(LDFLAGS)

MODULES   = common sources score checks reports harness
LIB_SRC   = $(filter-out harness/main.c,$(foreach m,$(MODULES),$(wildcard $(m)/*.c $(m)/*/*.c)))
LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_SRC = $(wildcard tests/unit/support/*.c)
TEST_SUPPORT_OBJ = $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)
MGATE     = $(BUILD)/mgate
# Fuzz targets: one fuzz/fuzz_*.c each.  `make test` links them with a plain
# replay driver (any compiler); `make fuzz` links them with clang's libFuzzer.
FUZZ_SRC     = $(wildcard fuzz/fuzz_*.c)
FUZZ_TARGETS ?= $(FUZZ_SRC:fuzz/%.c=%)
FUZZ_SUPPORT_OBJ = $(BUILD)/fuzz/support.o $(BUILD)/fuzz/model_rows.o
REPLAY_BIN   = $(FUZZ_TARGETS:%=$(BUILD)/replay/%)
FUZZER_BIN   = $(FUZZ_TARGETS:%=$(BUILD)/fuzzer/%)
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 60
FUZZ_SAN = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
BENCH_SRC = $(wildcard bench/*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps test test-unit test-e2e demo sanitize tsan coverage bench install clean \
        build-all unit-run e2e-run golden golden-update fuzz fuzz-replay fuzzer-bins fuzz-merge fuzz-report \
        check-options-doc

all: mgate

mgate: $(MGATE)
	@cp $(MGATE) mgate

deps:
	@sh ci/install-deps.sh --if-missing

# V=1 shows the full commands.
Q = $(if $(V),,@)
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(CMOCKA_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libmgate.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(MGATE): $(BUILD)/harness/main.o $(BUILD)/libmgate.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libmgate.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS)

$(BUILD)/replay/%: $(BUILD)/fuzz/%.o $(BUILD)/fuzz/replay_main.o $(FUZZ_SUPPORT_OBJ) $(BUILD)/libmgate.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/fuzzer/%: $(BUILD)/fuzz/%.o $(FUZZ_SUPPORT_OBJ) $(BUILD)/libmgate.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# Keep the target objects make builds on the way to the binaries above.
.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%.o) $(BUILD)/fuzz/replay_main.o $(FUZZ_SUPPORT_OBJ)

build-all: $(MGATE) $(UNIT_BIN) $(REPLAY_BIN)

# Runs every unit test binary through tests/run-unit.sh, which sets
# CMOCKA_MESSAGE_OUTPUT=xml and CMOCKA_XML_FILE so that each writes its own
# JUnit file, $(BUILD)/test-results/<binary>.xml (cmocka's XML output cannot
# share one file between binaries), and takes the counts from those files.  Tests that need the shared corpora (../shared, or
# $MGATE_SHARED) are skipped, by name, when those are absent.
unit-run: $(UNIT_BIN)
	@sh tests/run-unit.sh $(BUILD) $(UNIT_BIN)

e2e-run: $(MGATE)
	@sh tests/e2e/run.sh $(MGATE) $(TESTS)

# Golden cases (tests/golden/README.md): CASES="name ..." picks some.
# golden-update rewrites their expect/ folders and shows what changed.
golden: $(MGATE)
	@sh tests/golden/run.sh $(MGATE) $(CASES)

golden-update: $(MGATE)
	@sh tests/golden/run.sh --update $(MGATE) $(CASES)
	@git status --short -- tests/golden
	@git --no-pager diff --stat -- tests/golden
	@git --no-pager diff -- tests/golden

# Each fuzz target once over its corpus, past crash inputs and seeds.
fuzz-replay: $(REPLAY_BIN)
	@sh fuzz/replay.sh $(BUILD) $(REPLAY_BIN)

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory build-all
	@$(MAKE) --no-print-directory unit-run
	@$(MAKE) --no-print-directory e2e-run
	@$(MAKE) --no-print-directory golden
	@$(MAKE) --no-print-directory fuzz-replay

test-unit:
	@$(MAKE) --no-print-directory unit-run

test-e2e:
	@$(MAKE) --no-print-directory e2e-run

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh fixtures/demo/run-demo.sh ./mgate

SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
sanitize:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory BUILD=build/sanitize OPT="-O1 -g" EXTRA="$(SAN)" build-all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 MGATE_SANITIZED=1 \
	  $(MAKE) --no-print-directory BUILD=build/sanitize OPT="-O1 -g" EXTRA="$(SAN)" unit-run e2e-run golden fuzz-replay

# ThreadSanitizer: the unit tests (their gates run with the default thread
# count) and the end-to-end cases that run gates, threaded and not; a race
# report fails the run (exit 66, and e2e cases look for it in stderr).
# test_spec is left out: GCC 12's TSan runtime segfaults while starting that
# binary, before main (in its interceptor set-up); it starts no thread.
TSAN = -fsanitize=thread -fno-omit-frame-pointer
TSAN_E2E ?= t_threads t_batch_scoring t_run t_metrics t_input t_limits t_adversarial t_shards_data t_shards_metrics
TSAN_UNIT = $(filter-out %/test_spec,$(UNIT_BIN))
tsan:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory BUILD=build/tsan OPT="-O1 -g" EXTRA="$(TSAN)" build-all
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" sh tests/run-unit.sh build/tsan $(subst $(BUILD),build/tsan,$(TSAN_UNIT))
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" MGATE_SANITIZED=1 \
	  $(MAKE) --no-print-directory BUILD=build/tsan OPT="-O1 -g" EXTRA="$(TSAN)" e2e-run golden TESTS="$(TSAN_E2E)"

# libFuzzer with ASan + UBSan (clang); FUZZ_SECONDS per target.  Builds in
# build/fuzz; new corpus inputs and crash files stay under build/fuzz.
fuzz:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" EXTRA="$(FUZZ_SAN)" fuzzer-bins
	@FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) sh fuzz/run.sh build/fuzz/fuzzer $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzzer-bins: $(FUZZER_BIN)

# Folds what `make fuzz` found (build/fuzz/corpus) into the committed corpus
# (fuzz/corpus), keeping only inputs that add coverage (libFuzzer -merge=1).
fuzz-merge:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" EXTRA="$(FUZZ_SAN)" fuzzer-bins
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t build/fuzz/corpus/$$t; \
	  build/fuzz/fuzzer/$$t -merge=1 fuzz/corpus/$$t build/fuzz/corpus/$$t > build/fuzz/merge-$$t.log 2>&1 || \
	    { echo "fuzz-merge: $$t failed, see build/fuzz/merge-$$t.log" >&2; exit 1; }; \
	  echo "fuzz-merge: $$t: $$(ls fuzz/corpus/$$t | wc -l) inputs, $$(du -sk fuzz/corpus/$$t | cut -f1) KB"; \
	done

# Per target totals of every run `make fuzz` recorded in fuzz/runs.tsv.
fuzz-report:
	@sh fuzz/report.sh

coverage:
	@$(MAKE) --no-print-directory deps
	@rm -rf build/coverage
	@$(MAKE) --no-print-directory BUILD=build/coverage OPT="-O0 -g" EXTRA="--coverage" build-all
	@$(MAKE) --no-print-directory BUILD=build/coverage OPT="-O0 -g" EXTRA="--coverage" unit-run e2e-run
	lcov --quiet --capture --directory build/coverage --output-file build/coverage/lcov.info
	lcov --quiet --remove build/coverage/lcov.info '*/tests/*' '/usr/*' --output-file build/coverage/lcov.info
	genhtml --quiet build/coverage/lcov.info --output-directory build/coverage/html
	@lcov --summary build/coverage/lcov.info
	@echo "coverage report: build/coverage/html/index.html"

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(BENCH_BIN)
	@sh bench/run.sh $(BUILD)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libmgate.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

# docs/check-options.md is printed from the check table (checks/registry.c);
# test_check_registry fails until it is rewritten after a check's options change.
CHECK_DOC_BIN = $(BUILD)/tools/check_options_doc
check-options-doc: $(CHECK_DOC_BIN)
	$(Q)$(CHECK_DOC_BIN) > docs/check-options.md.tmp && mv docs/check-options.md.tmp docs/check-options.md
	@echo "wrote docs/check-options.md"

.SECONDARY: $(BUILD)/tools/check_options_doc.o
$(BUILD)/tools/%: $(BUILD)/tools/%.o $(BUILD)/libmgate.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

# INSTALL_BIN: the binary to install (the e2e test installs the one under test).
INSTALL_BIN ?= mgate
install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/mgate

clean:
	rm -rf build mgate

-include $(LIB_OBJ:.o=.d) $(BUILD)/harness/main.d $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d) \
         $(wildcard $(BUILD)/fuzz/*.d)
