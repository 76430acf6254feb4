# Shared by scripts/run and scripts/test: find or install the build tools, once.
# Nothing here downloads from GitHub: cargo-leptos is told where the tools are via PATH.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
CARGO_LEPTOS_VERSION="0.3.10"
BINARYEN_VERSION="132.0.0"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

target_dir() { echo "${CARGO_TARGET_DIR:-$ROOT/target}"; }

# Where cargo-leptos put the site (JS, WASM, CSS, assets): `target/site` in the checkout.
site_root() {
  if [ -d "$ROOT/target/site/pkg" ]; then echo "$ROOT/target/site"; else echo "$(target_dir)/site"; fi
}

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' is required. $2" >&2; exit 1; }
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q "cargo-leptos $CARGO_LEPTOS_VERSION"; then
    # 0.3.11 needs Rust 1.96; 0.3.10 --locked builds on 1.95 (about 15 minutes, once).
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; about 15 minutes)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  local want have
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (must match Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# A wasm-opt >= 116 from npm's binaryen, first on PATH. Debian's binaryen (108) silently
# breaks release builds, so we never rely on a system wasm-opt.
ensure_wasm_opt() {
  need npm "Install Node.js and npm (Debian: apt-get install nodejs npm)."
  if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  export PATH="$TOOLS/node_modules/.bin:$PATH"
  local v
  v="$(wasm-opt --version | grep -o '[0-9]\+' | head -1)"
  if [ "${v:-0}" -lt 116 ]; then
    echo "error: wasm-opt $v is too old (need >= 116)" >&2
    exit 1
  fi
}

ensure_build_tools() {
  need cargo "Install Rust with rustup: https://rustup.rs"
  ensure_wasm_target
  ensure_wasm_opt
  ensure_wasm_bindgen
  ensure_cargo_leptos
}

build_release() {
  say "building the release site (cargo leptos build --release)"
  (cd "$ROOT" && cargo leptos build --release)
}
