# Shared by the shell tests: named checks that count passes and failures.
#   source tests/lib/checks.sh
#   check NAME COMMAND...                 passes when COMMAND succeeds
#   expect NAME EXIT PATTERN -- COMMAND...  passes when COMMAND exits EXIT and prints PATTERN
#   finish TESTNAME                        prints the counts; returns 1 when anything failed
pass=0; fail=0
check() {
  local name=$1; shift
  if "$@"; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
expect() {
  local name=$1 want=$2 pattern=$3; shift 4
  local out rc; out=$("$@" 2>&1); rc=$?
  if [[ $rc -eq $want ]] && grep -qF -- "$pattern" <<<"$out"; then echo "PASS $name"; pass=$((pass + 1))
  else echo "FAIL $name: exit $rc (want $want): $(head -3 <<<"$out")"; fail=$((fail + 1)); fi
}
finish() {
  echo "$1: $pass passed, $fail failed"
  [[ $fail -eq 0 ]]
}
