//! English: campaigns.

pub static TEXTS: &[(&str, &str)] = &[
    (
        "err.merge_field_unknown",
        "A merge field or region here is not one the template knows.",
    ),
    (
        "err.mjml_invalid",
        "This is not valid MJML (it needs <mjml><mj-body>…</mj-body></mjml>).",
    ),
    (
        "err.region_name",
        "Use lower-case letters, digits and _ (up to 40), each name once.",
    ),
    (
        "err.contrast_low",
        "This colour is too light on white: it needs a contrast of at least 4.5:1.",
    ),
    ("err.color_invalid", "Give a colour as #rrggbb."),
    (
        "err.tag_invalid",
        "Tags are up to 40 characters, without commas.",
    ),
    (
        "err.brand_kit_missing",
        "Fill this in your brand kit before launching.",
    ),
    (
        "err.region_unknown",
        "The template has no editable region of this name.",
    ),
    (
        "err.contact_unknown",
        "Some of these contacts are not yours or do not exist.",
    ),
];
