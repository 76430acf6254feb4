# Shared by scripts/run, scripts/test and the benchmarks: find or install the build tools,
# once, and build the release site with plain cargo. Nothing here downloads from GitHub and
# nothing needs cargo-leptos (that stays the optional `cargo leptos watch` development loop).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools this project installs for itself (wasm-opt from npm, lighthouse). Overridable so
# that scripts/check-setup can try the installation logic in an empty folder.
TOOLS="${TRELLIS_TOOLS_DIR:-$ROOT/.tools}"
BINARYEN_VERSION="132.0.0"
# The WebAssembly features rustc (1.87 and later) emits for wasm32-unknown-unknown; wasm-opt
# must accept them, and every browser Trellis supports runs them.
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

target_dir() { echo "${CARGO_TARGET_DIR:-$ROOT/target}"; }

# Where build_site puts the site (hashed JS, WASM and CSS with their .br/.gz copies, assets,
# hash.txt). `cargo leptos watch` keeps its own `target/site`, so the two never mix.
site_root() { echo "$(target_dir)/trellis-site"; }

# A required command, or one line saying how to get it.
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' is required. $2" >&2; exit 1; }
}

# The session cookie (name=value) of a demo user signed in at BASE: demo_session BASE EMAIL.
demo_session() {
  curl -s -o /dev/null -D - -X POST "$1/login" \
    --data-urlencode "email=$2" --data-urlencode "password=trellis-demo-2026" -d "next=%2F" |
    grep -i '^set-cookie' | sed 's/^[^:]*: //; s/;.*//' | head -1
}

ensure_wasm_target() {
  need rustup "Install Rust with rustup (https://rustup.rs); the wasm32 target comes from rustup."
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target (rustup target add)"
    rustup target add wasm32-unknown-unknown
  fi
}

# The wasm-bindgen CLI at exactly the version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
  local want have
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want with cargo install (once; a few minutes; must match Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$want"
    command -v wasm-bindgen >/dev/null 2>&1 || {
      echo "error: wasm-bindgen was installed but is not on PATH. Add ~/.cargo/bin to PATH." >&2
      exit 1
    }
  fi
}

# A wasm-opt >= 116 from npm's binaryen, first on PATH. Debian's binaryen (108) silently
# breaks release builds, so we never rely on a system wasm-opt.
ensure_wasm_opt() {
  need npm "Install Node.js and npm (Debian: apt-get install nodejs npm)."
  if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm, into $TOOLS)"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  export PATH="$TOOLS/node_modules/.bin:$PATH"
  local v
  v="$(wasm-opt --version 2>/dev/null | grep -o '[0-9]\+' | head -1 || true)"
  if [ "${v:-0}" -lt 116 ]; then
    echo "error: wasm-opt from $TOOLS does not run or is older than 116 (found: ${v:-none}); delete $TOOLS and run again" >&2
    exit 1
  fi
}

ensure_build_tools() {
  # Every prerequisite first, so a missing one stops the script before anything is installed.
  need cargo "Install Rust with rustup: https://rustup.rs"
  need rustup "Install Rust with rustup (https://rustup.rs); the wasm32 target comes from rustup."
  need node "Install Node.js and npm (Debian: apt-get install nodejs npm)."
  need npm "Install Node.js and npm (Debian: apt-get install nodejs npm)."
  ensure_wasm_target
  ensure_wasm_opt
  ensure_wasm_bindgen
}

# The release site, built directly (what `cargo leptos build --release` does, minus the
# download of tools): the hydrate library for wasm32, wasm-bindgen, wasm-opt, content-hashed
# names, brotli and gzip copies at their highest levels, the stylesheet and public assets;
# then the server with `ssr`. The server reads hash.txt to name the files in each page.
build_site() {
  local target site stage lib
  target="$(target_dir)"
  site="$(site_root)"
  stage="$site.new"
  lib="$target/wasm32-unknown-unknown/wasm-release/app.wasm"

  # .cargo/config.toml sets `--cfg erase_components` for this build and the server's alike.
  say "building the browser bundle (app with hydrate, wasm32, profile wasm-release)"
  (cd "$ROOT" && cargo build -p app --lib --target wasm32-unknown-unknown \
    --no-default-features --features hydrate --profile wasm-release)

  # The site's inputs; when they are those of the site already built (a second run),
  # wasm-bindgen, wasm-opt and the compression (most of a minute) are skipped.
  local stamp
  stamp="$( { sha256sum "$lib" "$ROOT/style/main.css"; (cd "$ROOT/public" && find . -type f -exec sha256sum {} + | sort);
    echo "$BINARYEN_VERSION ${WASM_FEATURES[*]}"; } | sha256sum | cut -c1-32)"
  # A site is kept only when it is whole (a bundle step that failed left no .wasm).
  if [ -f "$site/hash.txt" ] && [ "$(cat "$site/.inputs" 2>/dev/null)" = "$stamp" ] \
    && compgen -G "$site/pkg/trellis.*.wasm" >/dev/null; then
    say "the browser bundle is unchanged: keeping $site"
  else
    bundle_site "$lib" "$stage" "$site"
    echo "$stamp" >"$site/.inputs"
  fi

  say "building the server (release)"
  (cd "$ROOT" && cargo build --release -p trellis --bin trellis)
}

# wasm-bindgen, wasm-opt, hashed names, compressed copies, styles and assets: LIB -> SITE.
bundle_site() {
  local lib="$1" stage="$2" site="$3"
  rm -rf "$stage"
  mkdir -p "$stage/pkg"
  say "wasm-bindgen, then wasm-opt -Oz"
  wasm-bindgen --target web --no-typescript --out-dir "$stage/pkg" --out-name trellis "$lib"
  wasm-opt -Oz "${WASM_FEATURES[@]}" -o "$stage/pkg/trellis.wasm" "$stage/pkg/trellis_bg.wasm"
  rm "$stage/pkg/trellis_bg.wasm"
  cp "$ROOT/style/main.css" "$stage/pkg/trellis.css"

  local ext hash
  : >"$stage/hash.txt"
  for ext in js wasm css; do
    hash="$(sha256sum "$stage/pkg/trellis.$ext" | cut -c1-16)"
    mv "$stage/pkg/trellis.$ext" "$stage/pkg/trellis.$hash.$ext"
    echo "$ext: $hash" >>"$stage/hash.txt"
  done
  say "pre-compressing (brotli -q 11, gzip -9)"
  node "$ROOT/scripts/compress.mjs" "$stage/pkg"/trellis.*
  cp -R "$ROOT/public/." "$stage/"
  rm -rf "$site"
  mv "$stage" "$site"
}
