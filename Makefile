# Quick start:  make scan   (install what is missing, build, scan this directory)
#               make test   (install what is missing, build, run every test)
# Other targets: build, asan-test (AddressSanitizer + UBSan build and tests), bench, macro-bench,
# git-bench, redact-bench, accuracy (precision/recall per rule family on the labelled corpus),
# merge-rules, format, clean. Variables: BUILD (build dir), JOBS,
# CMAKE_FLAGS, DIR (what `scan` scans).

BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
DIR ?= .
BUILD_TYPE ?= RelWithDebInfo

.PHONY: deps build scan test asan-test bench macro-bench git-bench redact-bench accuracy merge-rules format
.PHONY: clean

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

scan: build
	./$(BUILD)/leakguard scan $(DIR)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

asan-test: deps
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DLEAKGUARD_SANITIZE=ON \
	  -DLEAKGUARD_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD)-asan -j$(JOBS)
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j$(JOBS)

bench: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DLEAKGUARD_BUILD_TESTS=OFF
	cmake --build $(BUILD)-release -j$(JOBS)
	./$(BUILD)-release/bench/match_bench
	./$(BUILD)-release/bench/redact_bench
	./$(BUILD)-release/bench/report_bench

macro-bench: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DLEAKGUARD_BUILD_TESTS=OFF
	cmake --build $(BUILD)-release -j$(JOBS)
	bench/macro.sh --bin ./$(BUILD)-release/leakguard

git-bench: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DLEAKGUARD_BUILD_TESTS=OFF
	cmake --build $(BUILD)-release -j$(JOBS)
	bench/git.sh --bin ./$(BUILD)-release/leakguard

redact-bench: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DLEAKGUARD_BUILD_TESTS=OFF
	cmake --build $(BUILD)-release -j$(JOBS) --target leakguard redact_bench
	bench/redact.sh --bin ./$(BUILD)-release/leakguard --bench ./$(BUILD)-release/bench/redact_bench

# Generates the labelled corpus into $(BUILD)/accuracy/corpus (kept for inspection), scans it and
# prints every miss, false positive and unlabelled finding, then the table per rule family.
accuracy: build
	python3 bench/accuracy.py --leakguard ./$(BUILD)/leakguard $(BUILD)/accuracy/corpus

merge-rules:
	scripts/merge-rules.sh

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-release
