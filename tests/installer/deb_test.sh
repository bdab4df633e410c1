#!/usr/bin/env bash
# The .deb end to end: cpack builds it from the build folder, it is unpacked into a scratch root
# (what dpkg would install), and the installed qwb-cli runs there: --version, and `evaluate` of
# the installed sample CNN on the Fashion-MNIST test set. Expected top-1: 92.16%, written next to
# the sample by tools/train_samples.py from PyTorch (resources/samples/fmnist_cnn.expected.json).
#   deb_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
source "$src/tests/lib/checks.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/qwb_*.deb 2>/dev/null | head -1)
check "a .deb was built" test -f "$deb"
dpkg-deb -x "$deb" "$work/root"
# apt resolves every dependency of the package on this Debian (a simulation: nothing changes).
expect "apt would install it" 0 "Inst qwb" -- apt-get -s install "$deb"
info=$(dpkg-deb -f "$deb" Package Version Depends Recommends)
echo "$info"
check "Depends names Qt Widgets (from dpkg-shlibdeps)" grep -q "libqt6widgets6" <<<"$info"
check "Depends names oneDNN" grep -q "libdnnl" <<<"$info"
check "Depends names the SVG plugins (loaded at run time)" grep -q "libqt6svg6" <<<"$info"
check "Recommends the demo data" grep -q "dataset-fashion-mnist" <<<"$info"
for f in usr/bin/qwb usr/bin/qwb-cli usr/share/applications/org.qwb.Workbench.desktop \
         usr/share/metainfo/org.qwb.Workbench.metainfo.xml usr/share/icons/hicolor/scalable/apps/qwb.svg \
         usr/share/qwb/samples/fmnist_cnn.onnx usr/share/qwb/samples/fmnist_vit.onnx; do
  check "installs /$f" test -f "$work/root/$f"
done
if command -v appstreamcli >/dev/null; then
  check "metainfo validates" appstreamcli validate --no-net "$work/root/usr/share/metainfo/org.qwb.Workbench.metainfo.xml"
fi
if command -v desktop-file-validate >/dev/null; then
  check "desktop entry validates" desktop-file-validate "$work/root/usr/share/applications/org.qwb.Workbench.desktop"
fi
cli="$work/root/usr/bin/qwb-cli"
expect "installed qwb-cli --version" 0 "qwb-cli 0.1.0" -- "$cli" --version
expect "installed qwb-cli evaluates the installed sample" 0 "top-1 92.16%" -- \
  "$cli" evaluate "$work/root/usr/share/qwb/samples/fmnist_cnn.onnx" --data fashion-mnist:test
# The demo finds the samples beside an installed binary (<prefix>/share/qwb/samples).
if [[ -n "${QT_QPA_PLATFORM:-}" ]]; then
  expect "installed qwb renders the demo project" 0 "" -- env HOME="$work/home" XDG_DATA_HOME="$work/home/share" \
    XDG_CONFIG_HOME="$work/home/config" "$work/root/usr/bin/qwb" "$work/root/usr/share/qwb/samples/fmnist_cnn.onnx" \
    --screenshot "$work/shot.png"
fi
finish installer.deb
