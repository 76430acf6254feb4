//! The document's links to the built bundle: the stylesheet and the script that loads the
//! WASM app.
//!
//! Leptos' own `HydrationScripts` preloads the WASM from the `<head>`. On a fast link the
//! download then finishes before the first paint, and Lighthouse's simulation counts it (751 KB
//! on a slow phone network) as something the largest paint waited for: the same page scored 99
//! or 82 depending on which won the race. Here nothing is preloaded; the script starts the
//! download after the first paint, so the server's HTML paints without it.

use leptos::prelude::*;
use std::sync::Arc;

/// The built file names, without the `pkg` folder: content-hashed when the site was built
/// with hashes (its `hash.txt`, one `ext: hash` line per file), else the plain names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteFiles {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

impl SiteFiles {
    /// The names a hash file's text gives; a file it does not list keeps its plain name.
    pub fn from_hashes(output: &str, hashes: &str) -> Self {
        let hash_of = |ext: &str| {
            hashes
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim() == ext)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let name = |ext: &str| match hash_of(ext) {
            Some(hash) => format!("{output}.{hash}.{ext}"),
            None => format!("{output}.{ext}"),
        };
        SiteFiles {
            css: name("css"),
            js: name("js"),
            wasm: name("wasm"),
        }
    }

    /// The names of a site built without hashes (`cargo leptos watch`). wasm-bindgen names
    /// the WASM `<output>_bg.wasm` unless cargo-leptos renamed it, which it says at compile
    /// time with `LEPTOS_OUTPUT_NAME`.
    pub fn plain(output: &str) -> Self {
        let bg = if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            "_bg"
        } else {
            ""
        };
        SiteFiles {
            css: format!("{output}.css"),
            js: format!("{output}.js"),
            wasm: format!("{output}{bg}.wasm"),
        }
    }
}

/// The site's file names. A hash file is read once per process and path: a deployment
/// replaces the binary and the site together, so it cannot change under a running server.
pub fn site_files(options: &LeptosOptions) -> Arc<SiteFiles> {
    let output = options.output_name.as_ref();
    #[cfg(feature = "ssr")]
    if options.hash_files {
        use std::collections::HashMap;
        use std::sync::{LazyLock, Mutex};
        static READ: LazyLock<Mutex<HashMap<String, Arc<SiteFiles>>>> =
            LazyLock::new(Default::default);
        let path: &str = options.hash_file.as_ref();
        let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(files) = read.get(path) {
            return files.clone();
        }
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let files = Arc::new(SiteFiles::from_hashes(output, &text));
                read.insert(path.to_string(), files.clone());
                return files;
            }
            Err(e) => tracing::error!("cannot read the site's hash file {path}: {e}"),
        }
    }
    Arc::new(SiteFiles::plain(output))
}

/// The script that loads the app: once the browser reports the page's first paint (a
/// `paint` performance entry, delivered after the frame is shown), it imports the JS glue,
/// which fetches and starts the WASM and hydrates the page. A frame callback is not enough:
/// Chrome runs them while it still holds back the first frame of a navigation. A browser
/// without paint entries loads it after the next frame; any browser after three seconds.
///
/// The page's text catalogue is fetched beside the WASM and handed to `hydrate`. If either
/// fails the page is not hydrated and stays the server's page, which works without script.
const LOADER: &str = r#"(function (js, wasm, texts) {
	let started = false;
	const load = () => {
		if (started) return;
		started = true;
		const app = import(js).then(m => m.default({ module_or_path: wasm }).then(() => m));
		const catalogue = fetch(texts).then(r => r.ok ? r.text() : Promise.reject(new Error(texts + ": " + r.status)));
		Promise.all([app, catalogue]).then(([m, t]) => m.hydrate(t));
	};
	if (typeof PerformanceObserver === "function" && (PerformanceObserver.supportedEntryTypes || []).includes("paint")) {
		new PerformanceObserver((list, obs) => {
			obs.disconnect();
			setTimeout(load, 0);
		}).observe({ type: "paint", buffered: true });
	} else {
		requestAnimationFrame(() => requestAnimationFrame(load));
	}
	setTimeout(load, 3000);
})"#;

/// The stylesheet and the loader script for `<head>`, named from one read of the site's
/// files; the script carries the response's CSP nonce and the URL of the page's catalogue.
#[component]
pub fn BundleLinks(options: LeptosOptions, locale: crate::i18n::Locale) -> impl IntoView {
    let files = site_files(&options);
    let pkg = &options.site_pkg_dir;
    let css = format!("/{pkg}/{}", files.css);
    let js = format!("/{pkg}/{}", files.js);
    let wasm = format!("/{pkg}/{}", files.wasm);
    // The document is only ever rendered on the server.
    #[cfg(feature = "ssr")]
    let texts = crate::i18n::catalogue(locale).url.as_str();
    #[cfg(not(feature = "ssr"))]
    let texts = locale.code();
    let nonce = leptos::nonce::use_nonce();
    view! {
        <link rel="stylesheet" id="leptos" href=css />
        <script type="module" nonce=nonce>{format!("{LOADER}({js:?}, {wasm:?}, {texts:?});")}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let f = SiteFiles::from_hashes("trellis", "js: abc\nwasm: def\ncss: 0123\n");
        assert_eq!(f.js, "trellis.abc.js");
        assert_eq!(f.wasm, "trellis.def.wasm");
        assert_eq!(f.css, "trellis.0123.css");
    }

    #[test]
    fn a_file_the_hash_file_omits_keeps_its_plain_name() {
        let f = SiteFiles::from_hashes("trellis", "js: abc\ncss:\n");
        assert_eq!(f.js, "trellis.abc.js");
        assert_eq!(f.wasm, "trellis.wasm");
        assert_eq!(f.css, "trellis.css");
    }
}
