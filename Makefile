# Time namespaces for Linux 6.1 on x86_64: the series in patches/ and its workbench.
# Everything generated goes to build/ (never committed). See README.md.
SHELL := /bin/bash
.PHONY: all demo shell check distro-check bench series-check prepare deps export clean help

help:
	@sed -n 's/^## //p' README.md | head -40 || true
	@echo "targets: demo shell check distro-check bench series-check prepare export clean"

all: demo

deps:
	@bash scripts/deps.sh

prepare: deps
	@bash scripts/prepare.sh

demo: deps
	@bash scripts/demo.sh demo

shell: deps
	@bash scripts/demo.sh shell

check: deps
	@bash tests/check.sh

# The series on Debian's own config (configs/variants, targets=distro): not
# part of check, its two kernels take longer than check's budget.
distro-check: deps
	@bash tests/check.sh distro

bench: deps
	@bash bench/run.sh

series-check: deps
	@bash scripts/series-check.sh

# Export branch series of build/linux into patches/ (git format-patch --cover-letter).
export:
	@bash scripts/export.sh

clean:
	rm -rf build/out build/guest build/tests build/logs
