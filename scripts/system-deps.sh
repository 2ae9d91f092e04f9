#!/usr/bin/env bash
# Installs the Debian packages the product and its tests need, when they are missing and we can.
#   libharfbuzz-subset0  fast font subsetting in WeasyPrint (else: minutes per Chinese PDF)
#   fonts-wqy-microhei   the CJK font of the Chinese reports
#   poppler-utils        pdftotext / pdffonts / pdftoppm, to read PDFs back in tests
#   chromium             the real browser of the browser tests
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint's text layout
#   libcairo2            CairoSVG draws the Word report's charts as PNG
#   gcc                  durable-rules compiles C when installed
#   wrk                  the HTTP load generator of bench/web.py
#   default-jre-headless the W3C Nu HTML checker's Java (vnu-jar comes from the npm registry, into .vnu/;
#                        npm itself from Debian when the machine has none)
set -u
packages=(libharfbuzz-subset0 fonts-wqy-microhei poppler-utils chromium libpango-1.0-0 libpangoft2-1.0-0 libcairo2 gcc wrk default-jre-headless)
VNU_DIR="$(cd "$(dirname "$0")/.." && pwd)/.vnu"

install_vnu() {  # the checker of tests/web/test_browser_a11y.py; its own Java download is skipped
  [ -f "$VNU_DIR/node_modules/vnu-jar/build/dist/vnu.jar" ] && return 0
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then  # Debian's npm brings Node.js
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null 2>&1; }
  fi
  command -v npm >/dev/null 2>&1 || { echo "system-deps: npm is missing, so vnu-jar is not installed" >&2; return 0; }
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$VNU_DIR" vnu-jar@26.9.27 >/dev/null ||
    echo "system-deps: npm install vnu-jar failed" >&2
}

command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian system; install ${packages[*]} yourself"; exit 0; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { install_vnu; exit 0; }
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "system-deps: missing ${missing[*]}; install them with apt-get (needs root)" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || {
  echo "system-deps: apt-get failed for ${missing[*]}" >&2; exit 1; }
install_vnu
