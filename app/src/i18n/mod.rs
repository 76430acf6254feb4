//! The i18n layer: every user-facing string goes through `I18n::t`. Catalogues are flat
//! key → text tables per locale; a unit test proves each locale has every key, and the
//! formatters render dates, numbers and money per locale.

pub mod countries;
// The browser gets only its page's catalogue, fetched beside the WASM (see `catalogue`),
// so the catalogues are compiled into the server and the tests, not into the bundle.
#[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
mod de;
#[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
mod en;
pub mod format;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    De,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::De];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
        }
    }

    pub fn parse(raw: &str) -> Option<Locale> {
        match raw.trim().to_ascii_lowercase().get(..2)? {
            "en" => Some(Locale::En),
            "de" => Some(Locale::De),
            _ => None,
        }
    }

    /// The best supported locale for an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut bits = part.split(';');
            let tag = bits.next().unwrap_or_default();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(loc) = Locale::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, loc));
            }
        }
        best.map(|(_, l)| l)
    }

    /// The locale's catalogues, one per feature.
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    fn sections(self) -> &'static [&'static [(&'static str, &'static str)]] {
        match self {
            Locale::En => en::SECTIONS,
            Locale::De => de::SECTIONS,
        }
    }

    /// The text for `key`; falls back to English, then to the key itself.
    pub fn text(self, key: &str) -> &'static str {
        self.known(key).unwrap_or("…")
    }

    /// The text of a key, if there is one (in this locale, else in English).
    pub fn known(self, key: &str) -> Option<&'static str> {
        self.index()
            .get(key)
            .or_else(|| Locale::En.index().get(key))
            .copied()
    }

    /// The locale's catalogues as one map, built on first use. A page renders a few hundred
    /// texts; scanning the ~1,000 keys for each showed up in the server's render profile.
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    fn index(self) -> &'static HashMap<&'static str, &'static str> {
        static INDEX: [OnceLock<HashMap<&'static str, &'static str>>; Locale::ALL.len()] =
            [const { OnceLock::new() }; Locale::ALL.len()];
        INDEX[self as usize].get_or_init(|| {
            self.sections()
                .iter()
                .flat_map(|s| s.iter())
                .map(|(k, v)| (*k, *v))
                .collect()
        })
    }

    /// In the browser: the page's catalogue, as `hydrate` was given it. A page is rendered
    /// in one locale and a change of locale reloads it, so this one catalogue answers for
    /// every locale; a key it lacks falls back to the "…" of `text`.
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    fn index(self) -> &'static HashMap<&'static str, &'static str> {
        LOADED.get_or_init(HashMap::new)
    }
}

#[cfg(feature = "hydrate")]
static LOADED: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();

/// In the browser: takes the page's catalogue (the JSON object `catalogue` serves) before
/// the app hydrates. The texts live as long as the page, as compiled-in ones would. Returns
/// false when the text is not a catalogue.
#[cfg(feature = "hydrate")]
pub fn load_catalogue(json: &str) -> bool {
    let Ok(map) = serde_json::from_str::<HashMap<String, String>>(json) else {
        return false;
    };
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let map = map.into_iter().map(|(k, v)| (leak(k), leak(v))).collect();
    LOADED.set(map).is_ok()
}

/// A locale's catalogue as the browser fetches it: one JSON object of key → text, its
/// pre-compressed copies, and where the page's loader fetches it,
/// `/i18n/{code}.{hash}.json` with a hash of the content.
#[cfg(feature = "ssr")]
pub struct Catalogue {
    pub json: Vec<u8>,
    pub brotli: Vec<u8>,
    pub gzip: Vec<u8>,
    pub url: String,
}

/// The locale's catalogue for the browser, built and compressed (brotli 11, gzip 9) once
/// per process.
#[cfg(feature = "ssr")]
pub fn catalogue(locale: Locale) -> &'static Catalogue {
    use sha2::Digest;
    use std::io::Write;
    static BUILT: [OnceLock<Catalogue>; Locale::ALL.len()] =
        [const { OnceLock::new() }; Locale::ALL.len()];
    BUILT[locale as usize].get_or_init(|| {
        // Sorted, so the bytes and the hash are the same in every process of a release.
        let map: std::collections::BTreeMap<&str, &str> =
            locale.index().iter().map(|(k, v)| (*k, *v)).collect();
        let json = serde_json::to_vec(&map).unwrap_or_default();
        let mut brotli = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
            let _ = w.write_all(&json);
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = gz.write_all(&json);
        let gzip = gz.finish().unwrap_or_default();
        let digest = sha2::Sha256::digest(&json);
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Catalogue {
            json,
            brotli,
            gzip,
            url: format!("/i18n/{}.{hash}.json", locale.code()),
        }
    })
}

impl Locale {
    /// The locale whose catalogue `/i18n/{name}` is, when the name carries the current hash.
    #[cfg(feature = "ssr")]
    pub fn from_catalogue_name(name: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| catalogue(*l).url.strip_prefix("/i18n/") == Some(name))
    }
}

/// The reader's locale, provided as context by the app root.
#[derive(Debug, Clone, Copy)]
pub struct I18n(pub Locale);

impl I18n {
    pub fn t(&self, key: &str) -> &'static str {
        self.0.text(key)
    }

    /// Text with `{name}` placeholders filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    pub fn locale(&self) -> Locale {
        self.0
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or(I18n(Locale::En))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(t: &[&[(&str, &str)]]) -> BTreeSet<String> {
        t.iter()
            .flat_map(|s| s.iter())
            .map(|(k, _)| k.to_string())
            .collect()
    }

    fn lookup(
        sections: &'static [&'static [(&'static str, &'static str)]],
        key: &str,
    ) -> Option<&'static str> {
        sections
            .iter()
            .flat_map(|s| s.iter())
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    fn count(t: &[&[(&str, &str)]]) -> usize {
        t.iter().map(|s| s.len()).sum()
    }

    #[test]
    fn every_locale_has_every_key_once() {
        let en = keys(en::SECTIONS);
        let de = keys(de::SECTIONS);
        assert_eq!(en.len(), count(en::SECTIONS), "duplicate key in en");
        assert_eq!(de.len(), count(de::SECTIONS), "duplicate key in de");
        let missing_de: Vec<_> = en.difference(&de).collect();
        let missing_en: Vec<_> = de.difference(&en).collect();
        assert!(missing_de.is_empty(), "missing in de: {missing_de:?}");
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
    }

    /// Every conflict the app can answer has a text, so neither the UI nor the REST API
    /// shows a bare key.
    #[test]
    fn every_conflict_key_has_a_text() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("read src").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read file");
                    for part in text.split("Conflict(\"").skip(1) {
                        if let Some(key) = part.split('"').next() {
                            out.push(key.to_string());
                        }
                    }
                }
            }
        }
        let mut keys = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut keys,
        );
        assert!(keys.len() >= 8, "conflict keys found: {keys:?}");
        for key in keys {
            assert!(
                lookup(en::SECTIONS, &key).is_some() && lookup(de::SECTIONS, &key).is_some(),
                "no text for the conflict {key:?}"
            );
        }
    }

    #[test]
    fn the_index_answers_as_the_catalogues_do() {
        for locale in Locale::ALL {
            for (k, v) in locale.sections().iter().flat_map(|s| s.iter()) {
                assert_eq!(locale.known(k), Some(*v), "{k} in {}", locale.code());
            }
        }
        assert_eq!(Locale::De.known("no.such.key"), None);
        assert_eq!(Locale::De.text("no.such.key"), "…");
    }

    #[test]
    fn no_text_is_empty() {
        for (k, v) in en::SECTIONS
            .iter()
            .chain(de::SECTIONS)
            .flat_map(|s| s.iter())
        {
            assert!(!v.trim().is_empty(), "{k} is empty");
        }
    }

    #[test]
    fn accept_language_prefers_highest_quality_supported_tag() {
        assert_eq!(
            Locale::from_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Some(Locale::De)
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR,en;q=0.5,de;q=0.7"),
            Some(Locale::De)
        );
        assert_eq!(Locale::from_accept_language("fr-FR"), None);
        assert_eq!(Locale::from_accept_language("en-GB"), Some(Locale::En));
    }

    #[test]
    fn placeholders_are_filled() {
        let i = I18n(Locale::En);
        assert_eq!(
            i.tf("shell.signed_in_as", &[("name", "Ann"), ("org", "Acme")]),
            "Ann · Acme"
        );
    }
}
