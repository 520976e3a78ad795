# Shared helpers for scripts/*.sh (sourced, not run).

step() { printf '\n==> %s\n' "$*" >&2; }

# Installs the pinned Node tools (Azurite, and the dashboard's chart library) exactly as package-lock.json says.
# Re-runs `npm ci` only when the lock file changed since the last install.
ensure_node_tools() {
  command -v node >/dev/null || { echo "Node.js 20 or later is required (node not found)" >&2; exit 1; }
  local stamp=node_modules/.medinsure-lock.sha256
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    step "Installing pinned Node tools (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
  mkdir -p artifacts
}

# Extra system packages some tests need, installed from Debian when missing (root on CI and dev machines).
ensure_test_tools() {
  # Headless Chromium for the dashboard browser test, and a CJK font so its screenshot shows Chinese, not boxes.
  command -v chromium >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
  [ -d /usr/share/fonts/truetype/wqy ] || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei >/dev/null; }
}

# One closing line from the test platform's run summary ("succeeded: N", "failed: N", "skipped: N").
print_test_totals() {
  local log=$1 passed failed skipped
  passed=$(sed -n 's/^ *succeeded: *\([0-9]*\)$/\1/p' "$log" | tail -1)
  failed=$(sed -n 's/^ *failed: *\([0-9]*\)$/\1/p' "$log" | tail -1)
  skipped=$(sed -n 's/^ *skipped: *\([0-9]*\)$/\1/p' "$log" | tail -1)
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
}
