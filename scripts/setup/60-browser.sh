# The web page's browser test (scripts/checks/ui.sh): Debian's Chromium, and playwright-core from npm (pinned by
# tileinfer-api/browser-test/package-lock.json) to drive it. playwright-core downloads no browser of its own.
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's chromium ..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || { echo "setup: apt-get install chromium failed" >&2; exit 2; }
  else
    echo "setup: the browser test needs Debian's Chromium: sudo apt-get install chromium" >&2
    exit 2
  fi
fi
if ! command -v npm >/dev/null; then
  echo "setup: the browser test needs Node.js and npm (Debian: sudo apt-get install nodejs npm)" >&2
  exit 2
fi
browser_test="$root/tileinfer-api/browser-test"
if [ ! -d "$browser_test/node_modules/playwright-core" ] \
    || [ "$browser_test/package-lock.json" -nt "$browser_test/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci in tileinfer-api/browser-test ..." >&2
  (cd "$browser_test" && npm ci --no-audit --no-fund --loglevel=error >&2) \
    || { echo "setup: npm ci of the browser test failed" >&2; exit 2; }
fi
