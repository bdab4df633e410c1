#!/usr/bin/env bash
# The .deb on a clean Debian 12: debootstrap makes a minimal bookworm root (nothing of this
# machine's build tools, Qt or Python in it), apt installs the package there with its
# dependencies resolved from Debian, and the installed programs run inside it (chroot):
#   qwb-cli --version; evaluate of the installed sample CNN on Fashion-MNIST (top-1 92.16%, the
#   PyTorch value in resources/samples/fmnist_cnn.expected.json); a quantize run recorded in a
#   project and a PDF report of it (Qt offscreen, fonts from the package's dependencies); the
#   GUI `qwb` rendering a model to PNG offscreen.
# Needs root (debootstrap, chroot) and Debian's mirror. The root is kept in $QWB_CHROOT_CACHE
# (default /var/tmp/qwb-bookworm-minbase) as a pristine tarball, so reruns start clean but fast.
#   clean_install_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
source "$src/tests/lib/checks.sh"
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: needs root for debootstrap and chroot"
  exit 0
fi
cache=${QWB_CHROOT_CACHE:-/var/tmp/qwb-bookworm-minbase}
work=$(mktemp -d)
# A container without the right to mount cannot host the chroot: say so instead of failing.
mkdir -p "$work/probe"
if ! mount -t tmpfs none "$work/probe" 2>/dev/null; then
  echo "SKIP: this machine does not allow mounting (a container without CAP_SYS_ADMIN); installer.deb still runs"
  rm -rf "$work"
  exit 0
fi
umount "$work/probe"
root="$work/root"
cleanup() {
  for m in proc sys dev/pts dev; do umount -l "$root/$m" 2>/dev/null; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [[ ! -f "$cache.tar" ]]; then
  debootstrap --variant=minbase bookworm "$work/boot" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; exit 1; }
  tar -C "$work/boot" -cf "$cache.tar" . && rm -rf "$work/boot"
fi
mkdir -p "$root" && tar -C "$root" -xf "$cache.tar"
check "clean root has no Qt" test ! -e "$root/usr/lib/x86_64-linux-gnu/libQt6Core.so.6"

(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/qwb_*.deb | head -1)
cp "$deb" "$root/tmp/qwb.deb"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" && mount --rbind /sys "$root/sys" && mount --rbind /dev "$root/dev"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }

start=$(date +%s)
in_root apt-get update -qq >"$work/apt.log" 2>&1
# Recommends included, as apt does by default: the Fashion-MNIST data and Qt's translations.
if in_root apt-get install -y -q /tmp/qwb.deb >>"$work/apt.log" 2>&1; then
  check "apt installs the .deb and its dependencies on clean bookworm ($(( $(date +%s) - start )) s)" true
else
  tail -30 "$work/apt.log"
  check "apt installs the .deb and its dependencies on clean bookworm" false
fi
echo "$(grep -c '^Setting up' "$work/apt.log") packages set up"
expect "installed qwb-cli --version" 0 "qwb-cli 0.1.0" -- in_root qwb-cli --version
expect "installed qwb-cli evaluates the installed sample" 0 "top-1 92.16%" -- \
  in_root qwb-cli evaluate /usr/share/qwb/samples/fmnist_cnn.onnx --data fashion-mnist:test
expect "installed qwb-cli quantizes into a project" 0 "Recorded as run 1" -- \
  in_root qwb-cli quantize /usr/share/qwb/samples/fmnist_cnn.onnx -c fashion-mnist:train -n 64 -e fashion-mnist:test \
  --eval-limit 500 -o /tmp/q.onnx --project /tmp/p.qwb
expect "installed qwb-cli writes a PDF report" 0 "Wrote /tmp/r.pdf" -- in_root qwb-cli report /tmp/p.qwb 1 --out /tmp/r.pdf
check "the PDF starts with %PDF" grep -q "^%PDF" "$root/tmp/r.pdf"
# Text, not empty boxes: the fonts came with the package's dependencies (pdftotext on the host).
check "the PDF's text reads 'Quantization review'" grep -q "Quantization review" <(pdftotext "$root/tmp/r.pdf" - 2>/dev/null)
expect "installed qwb renders a model offscreen" 0 "" -- in_root env QT_QPA_PLATFORM=offscreen qwb \
  /usr/share/qwb/samples/fmnist_cnn.onnx --screenshot /tmp/shot.png
check "the screenshot exists" test -s "$root/tmp/shot.png"
finish installer.clean_install
