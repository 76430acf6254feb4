//! German: campaigns.

pub static TEXTS: &[(&str, &str)] = &[
    (
        "err.merge_field_unknown",
        "Ein Seriendruckfeld oder Bereich ist der Vorlage unbekannt.",
    ),
    (
        "err.mjml_invalid",
        "Das ist kein gültiges MJML (es braucht <mjml><mj-body>…</mj-body></mjml>).",
    ),
    (
        "err.region_name",
        "Kleinbuchstaben, Ziffern und _ (bis 40), jeder Name einmal.",
    ),
    (
        "err.contrast_low",
        "Diese Farbe ist auf Weiß zu hell: Sie braucht einen Kontrast von mindestens 4,5:1.",
    ),
    ("err.color_invalid", "Geben Sie eine Farbe als #rrggbb an."),
    (
        "err.tag_invalid",
        "Schlagwörter haben bis zu 40 Zeichen und keine Kommas.",
    ),
    (
        "err.brand_kit_missing",
        "Tragen Sie das vor dem Start in Ihr Markenpaket ein.",
    ),
    (
        "err.region_unknown",
        "Die Vorlage hat keinen bearbeitbaren Bereich dieses Namens.",
    ),
    (
        "err.contact_unknown",
        "Einige dieser Kontakte gehören nicht Ihnen oder existieren nicht.",
    ),
];
