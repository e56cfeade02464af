#!/bin/bash
# CRIU's own test suite, zdtm (CRIU 3.17.1, built by tests/zdtm/build.sh),
# with Debian's criu against the series, in the rootfs. Run by
# run-in-rootfs.sh as /tests/zdtm-NAME (this script as zdtm-NAME.sh, one
# program for each test NAME of /wb/zdtm/list): each flavour of the test is
# one KTAP case, zdtm.py's own verdict (its exit status; a test it skips is
# a SKIP with zdtm's reason). As plain /tests/zdtm (zdtm not built) it
# reports the reason.
. "${KTAP_SH:-$(dirname "$0")/ktap.sh}" || exit 1
Z=/wb/zdtm
# The flavours share what the guest allows a program (120 s times WB_SLOW;
# the timeout below kills 10 s after its limit): zdtm's own limit is 30 s for
# the test's run; under TCG its dump and restore take several seconds each.
test=${0##*/zdtm}
test=${test#-}
test=${test%.sh}
nf=$(awk -v t="$test" '$1 == t { print split($2, f, ",") }' /wb/zdtm/list 2>/dev/null)
LIMIT=$(( (110 * ${WB_SLOW:-1}) / ${nf:-1} - 10 ))

ktap_header
[ -n "$test" ] && [ -x $Z/zdtm.py ] || ktap_skip_all "zdtm is not built: ../shared/vendor has no CRIU release (tests/zdtm/build.sh)"
command -v criu >/dev/null || ktap_skip_all "no criu in the root file system"
ktap_diag "$(criu --version | head -1); kernel $(uname -r)"
cd $Z || ktap_skip_all "cannot enter $Z"
mkdir -p /run/zdtm
# The ns flavour locks the test's network namespace during the dump; criu's
# default lock runs iptables-restore, which the root file system does not
# have: its nftables lock instead (libnftables, CONFIG_NF_TABLES). zdtm.py
# runs criu with --no-default-config, which leaves CRIU_CONFIG_FILE.
echo "network-lock nftables" >/run/zdtm/criu.conf
export CRIU_CONFIG_FILE=/run/zdtm/criu.conf
while read -r name flavours; do
	[ "$name" = "$test" ] || continue
	for f in ${flavours//,/ }; do
		case=${name}_$f
		out=/run/zdtm/$case.log
		# zdtm.py keeps its dumps under dump/; the disk is a snapshot
		timeout -k 10 $LIMIT python3 ./zdtm.py run -t zdtm/static/$name -f "$f" \
			--criu-bin /usr/sbin/criu --crit-bin /usr/bin/crit \
			--keep-img never </dev/null >"$out" 2>&1
		rc=$?
		skip=$(sed -n "s|^Skipping zdtm/static/$name (\(.*\))\$|\1|p" "$out" | head -1)
		if [ $rc = 0 ] && [ "$skip" = "no timens feature" ]; then
			ktap_not_ok "$case" "zdtm skips it: $skip (criu finds no time namespaces in this kernel)"
		elif [ $rc = 0 ] && [ -n "$skip" ]; then
			ktap_skip "$case" "zdtm skips it: $skip"
		elif [ $rc = 0 ] && grep -q "Test zdtm/static/$name PASS" "$out"; then
			ktap_ok "$case"
		elif [ $rc = 0 ]; then
			tail -20 "$out" | ktap_diag_lines
			ktap_not_ok "$case" "zdtm.py exited 0 without a PASS line"
		else
			grep -E 'Error|FAIL|fail' "$out" | tail -15 | ktap_diag_lines
			ktap_diag "the end of zdtm.py's output:"
			tail -40 "$out" | ktap_diag_lines
			if [ $rc = 124 ] || [ $rc = 137 ]; then
				ktap_not_ok "$case" "no verdict after ${LIMIT}s"
			else
				ktap_not_ok "$case" "zdtm.py run -f $f exited $rc"
			fi
		fi
	done
done <$Z/list
ktap_finish
