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

# Sums the passed/failed counts over every test assembly's TRX file into one closing line.
print_test_totals() {
  local dir=$1 passed=0 failed=0 skipped=0 f
  for f in "$dir"/*.trx; do
    [ -f "$f" ] || continue
    local counters
    counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
    passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    skipped=$((skipped + $(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")))
  done
  echo "$passed passed, $failed failed, $skipped skipped"
}
