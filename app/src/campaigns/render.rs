//! Rendering a touch as a partner sends it to one contact: merge fields filled from the
//! brand kit and the contact (HTML-escaped where they land in markup), the partner's texts
//! in the editable regions, a footer with the partner's identity, postal address and
//! unsubscribe link on every email, MJML rendered to responsive HTML by `mrml`, links
//! rewritten to signed tracking addresses, and a plain-text part.

use super::{BrandKit, RegionSpec};
use crate::i18n::Locale;
use std::collections::BTreeMap;

/// The merge fields a template may use.
pub const FIELDS: &[&str] = &[
    "partner.name",
    "partner.logo_url",
    "partner.color",
    "partner.address",
    "partner.phone",
    "partner.website",
    "sender.name",
    "sender.email",
    "sender.signature",
    "contact.first_name",
    "contact.last_name",
    "contact.email",
    "contact.company",
    "landing_url",
    "unsubscribe_url",
];

/// A merge field or region reference found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Field(String),
    Region(String),
}

/// The `{{...}}` references of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let key = after[..end].trim();
        out.push(match key.strip_prefix("region:") {
            Some(name) => Token::Region(name.trim().to_string()),
            None => Token::Field(key.to_string()),
        });
        rest = &after[end + 2..];
    }
    out
}

/// HTML-escapes text for element content and quoted attributes (the design system's).
pub use crate::ui::escape;

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Replaces every `{{...}}` of `text`: fields from `vars` (through `field`), regions from
/// `regions`. Unknown references become empty (templates are checked when saved).
fn substitute(
    text: &str,
    vars: &BTreeMap<&str, String>,
    regions: &BTreeMap<String, String>,
    field: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = after[..end].trim();
        match key.strip_prefix("region:") {
            Some(name) => out.push_str(regions.get(name.trim()).map_or("", String::as_str)),
            None => out.push_str(&field(vars.get(key).map_or("", String::as_str))),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Who receives a touch.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
}

/// Everything a touch is merged with.
pub struct Context<'a> {
    pub brand: &'a BrandKit,
    pub recipient: &'a Recipient,
    pub landing_url: String,
    pub unsubscribe_url: String,
    /// The template's regions and the partner's texts for them.
    pub editable: &'a [RegionSpec],
    pub region_values: &'a BTreeMap<String, String>,
    /// The template's language: the footer's words.
    pub locale: Locale,
}

impl Context<'_> {
    fn vars(&self) -> BTreeMap<&'static str, String> {
        let b = self.brand;
        let r = self.recipient;
        BTreeMap::from([
            ("partner.name", b.display_name.clone()),
            ("partner.logo_url", b.logo_url.clone()),
            ("partner.color", b.primary_color.clone()),
            ("partner.address", b.postal_address.clone()),
            ("partner.phone", b.phone.clone()),
            ("partner.website", b.website.clone()),
            ("sender.name", b.sender_name.clone()),
            ("sender.email", b.sender_email.clone()),
            ("sender.signature", b.signature.clone()),
            ("contact.first_name", r.first_name.clone()),
            ("contact.last_name", r.last_name.clone()),
            ("contact.email", r.email.clone()),
            ("contact.company", r.company.clone()),
            ("landing_url", self.landing_url.clone()),
            ("unsubscribe_url", self.unsubscribe_url.clone()),
        ])
    }

    /// The partner's region texts as HTML: escaped, line breaks kept, the default where
    /// the partner wrote nothing.
    fn regions_html(&self) -> BTreeMap<String, String> {
        self.editable
            .iter()
            .map(|r| {
                let text = self
                    .region_values
                    .get(&r.name)
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or(&r.default);
                let html = text.lines().map(escape).collect::<Vec<_>>().join("<br />");
                (r.name.clone(), html)
            })
            .collect()
    }
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Why a touch could not be rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    /// The merged subject holds a line break or another control character.
    Subject,
    /// The MJML does not parse or render (the message of `mrml`).
    Mjml(String),
}

/// The footer every email carries: who sends it, their postal address, how to reach them
/// and how to unsubscribe.
fn footer(b: &BrandKit, unsubscribe_url: &str, locale: Locale) -> String {
    let mut reach: Vec<String> = Vec::new();
    if !b.phone.is_empty() {
        reach.push(escape(&b.phone));
    }
    if !b.website.is_empty() {
        reach.push(escape(&b.website));
    }
    format!(
        "<mj-section><mj-column><mj-text font-size=\"12px\" color=\"#555555\">{} · {}<br />{}<br /><a href=\"{}\">{}</a></mj-text></mj-column></mj-section>",
        escape(&b.display_name),
        escape(&b.postal_address).replace('\n', ", "),
        reach.join(" · "),
        escape(unsubscribe_url),
        escape(locale.text("campaign.unsubscribe_link")),
    )
}

/// Where each recipient's own values go in a prepared touch: a marker per field, made of
/// ASCII letters and a digit so that it survives the MJML renderer everywhere (text,
/// attributes, addresses) unchanged. Templates holding the marker's stem are refused.
pub const MARK_STEM: &str = "ZQXTRELLISMARK";
const MARK_FIELDS: [&str; 5] = [
    "contact.first_name",
    "contact.last_name",
    "contact.email",
    "contact.company",
    "unsubscribe_url",
];

fn mark(i: usize) -> String {
    format!("{MARK_STEM}{i}ZQX")
}

/// A touch rendered once for a launch: the brand kit and the partner's regions merged and
/// the MJML turned into HTML, with a mark where each recipient's values go. Rendering MJML
/// is the costly part; filling in a recipient is a pass over the text.
#[derive(Debug, Clone)]
pub struct Prepared {
    subject: String,
    html: String,
}

/// Prepares one touch for every recipient of a launch (`c.recipient` and
/// `c.unsubscribe_url` are not used).
pub fn prepare(subject: &str, mjml: &str, c: &Context<'_>) -> Result<Prepared, RenderError> {
    let mut vars = c.vars();
    for (i, field) in MARK_FIELDS.iter().enumerate() {
        vars.insert(field, mark(i));
    }
    let regions = c.regions_html();
    let subject = substitute(subject, &vars, &BTreeMap::new(), str::to_string);
    let mut merged = substitute(mjml, &vars, &regions, escape);
    let at = merged
        .rfind("</mj-body>")
        .ok_or_else(|| RenderError::Mjml("the template has no <mj-body>".into()))?;
    merged.insert_str(at, &footer(c.brand, &mark(4), c.locale));
    Ok(Prepared {
        subject,
        html: mjml_to_html(&merged)?,
    })
}

/// `text` with each marker replaced by the recipient's value (through `encode`); one
/// pass, so a value is never read again.
fn fill(text: &str, values: &[String; 5], encode: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find(MARK_STEM) {
        let after = &rest[at + MARK_STEM.len()..];
        let field = after
            .bytes()
            .next()
            .filter(|_| after.get(1..4) == Some("ZQX"))
            .and_then(|d| (d as char).to_digit(10))
            .and_then(|d| values.get(d as usize));
        match field {
            Some(value) => {
                out.push_str(&rest[..at]);
                out.push_str(&encode(value));
                rest = &after[4..];
            }
            None => {
                out.push_str(&rest[..at + MARK_STEM.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One recipient's email from a prepared touch. `track` turns a link's target into the
/// address that records the click and redirects there; the unsubscribe link is left as
/// it is.
pub fn personalise(
    p: &Prepared,
    recipient: &Recipient,
    unsubscribe_url: &str,
    track: impl Fn(&str) -> String,
) -> Result<Rendered, RenderError> {
    let values = [
        recipient.first_name.clone(),
        recipient.last_name.clone(),
        recipient.email.clone(),
        recipient.company.clone(),
        unsubscribe_url.to_string(),
    ];
    let subject = fill(&p.subject, &values, str::to_string);
    if subject.chars().any(char::is_control) {
        return Err(RenderError::Subject);
    }
    let html = fill(&p.html, &values, escape);
    let html = rewrite_links(&html, unsubscribe_url, track);
    let text = to_text(&html);
    Ok(Rendered {
        subject,
        html,
        text,
    })
}

/// Renders one touch for one recipient (a preview, a check): `prepare`, then
/// `personalise`.
pub fn render(
    subject: &str,
    mjml: &str,
    c: &Context<'_>,
    track: impl Fn(&str) -> String,
) -> Result<Rendered, RenderError> {
    let prepared = prepare(subject, mjml, c)?;
    personalise(&prepared, c.recipient, &c.unsubscribe_url, track)
}

/// MJML to HTML with `mrml`. Input comes from vendor staff and is checked when saved;
/// a panic inside the renderer on some odd input is still turned into an error here
/// rather than a failed request.
fn mjml_to_html(mjml: &str) -> Result<String, RenderError> {
    let run = || -> Result<String, RenderError> {
        let parsed = mrml::parse(mjml).map_err(|e| RenderError::Mjml(e.to_string()))?;
        parsed
            .element
            .render(&mrml::prelude::render::RenderOptions {
                // No web fonts: a third party would learn who opened the email.
                fonts: Default::default(),
                ..Default::default()
            })
            .map_err(|e| RenderError::Mjml(e.to_string()))
    };
    std::panic::catch_unwind(run)
        .unwrap_or_else(|_| Err(RenderError::Mjml("the renderer failed on this MJML".into())))
}

/// A landing page's text merged with the partner's brand kit (there is no contact: those
/// fields are empty).
pub fn merge_brand(text: &str, brand: &BrandKit) -> String {
    let c = Context {
        brand,
        recipient: &Recipient::default(),
        landing_url: String::new(),
        unsubscribe_url: String::new(),
        editable: &[],
        region_values: &BTreeMap::new(),
        locale: Locale::En,
    };
    substitute(text, &c.vars(), &BTreeMap::new(), str::to_string)
}

/// Plain text (a one-pager's) merged with the partner's brand kit and region texts (the
/// default where a region is left empty); contact fields are empty.
pub fn merge_plain(
    text: &str,
    brand: &BrandKit,
    editable: &[RegionSpec],
    region_values: &BTreeMap<String, String>,
) -> String {
    let c = Context {
        brand,
        recipient: &Recipient::default(),
        landing_url: String::new(),
        unsubscribe_url: String::new(),
        editable,
        region_values,
        locale: Locale::En,
    };
    let regions = editable
        .iter()
        .map(|r| {
            let value = region_values
                .get(&r.name)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or(&r.default);
            (r.name.clone(), value.clone())
        })
        .collect();
    substitute(text, &c.vars(), &regions, str::to_string)
}

/// Checks a template's MJML: it parses and renders with sample values.
pub fn check_mjml(mjml: &str) -> Result<(), String> {
    let brand = BrandKit {
        display_name: "Partner".into(),
        postal_address: "1 Street".into(),
        ..Default::default()
    };
    let recipient = Recipient::default();
    let c = Context {
        brand: &brand,
        recipient: &recipient,
        landing_url: "https://example.com/l".into(),
        unsubscribe_url: "https://example.com/u".into(),
        editable: &[],
        region_values: &BTreeMap::new(),
        locale: Locale::En,
    };
    render("s", mjml, &c, str::to_string)
        .map(|_| ())
        .map_err(|e| match e {
            RenderError::Mjml(m) => m,
            RenderError::Subject => "subject".into(),
        })
}

/// Rewrites the `href="http…"` targets of links (`<a>`) through `track`, except the
/// unsubscribe address.
fn rewrite_links(html: &str, unsubscribe: &str, track: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        let start = at + "href=\"".len();
        out.push_str(&rest[..start]);
        let in_link = rest[..at]
            .rfind('<')
            .is_some_and(|lt| rest[lt..].starts_with("<a ") || rest[lt..].starts_with("<a\n"));
        let after = &rest[start..];
        let end = after.find('"').unwrap_or(after.len());
        let target = unescape(&after[..end]);
        if in_link
            && (target.starts_with("https://") || target.starts_with("http://"))
            && target != unsubscribe
        {
            out.push_str(&escape(&track(&target)));
        } else {
            out.push_str(&after[..end]);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The plain-text part: the HTML's text, links as "text (address)", blocks on their own
/// lines.
pub fn to_text(html: &str) -> String {
    let body = match (html.find("<body"), html.rfind("</body>")) {
        (Some(a), Some(b)) if a < b => &html[a..b],
        _ => html,
    };
    let mut out = String::new();
    let mut rest = body;
    let mut href: Option<String> = None;
    while let Some(lt) = rest.find('<') {
        out.push_str(&unescape(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if tag.starts_with("style") || tag.starts_with("script") {
            let close = format!("</{name}>");
            rest = match rest[lt..].find(&close) {
                Some(e) => &rest[lt + e + close.len()..],
                None => "",
            };
            continue;
        }
        match name.as_str() {
            "a" if !tag.starts_with('/') => {
                href = tag
                    .split("href=\"")
                    .nth(1)
                    .and_then(|h| h.split('"').next())
                    .map(unescape);
            }
            "a" => {
                if let Some(h) = href.take() {
                    out.push_str(&format!(" ({h})"));
                }
            }
            "br" | "p" | "div" | "tr" | "h1" | "h2" | "h3" | "li" => out.push('\n'),
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&unescape(rest));
    let mut lines: Vec<String> = Vec::new();
    for line in out.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MJML: &str = r##"<mjml><mj-body>
<mj-section background-color="{{partner.color}}"><mj-column><mj-text>{{partner.name}}</mj-text></mj-column></mj-section>
<mj-section><mj-column><mj-text>Hello {{contact.first_name}},<br />{{region:body}}</mj-text>
<mj-button href="https://vendor.example/offer?a=1&amp;b=2">See the offer</mj-button></mj-column></mj-section>
</mj-body></mjml>"##;

    fn brand() -> BrandKit {
        BrandKit {
            display_name: "Northwind & Co".into(),
            primary_color: "#0a4d8c".into(),
            postal_address: "1 Harbour Road\nLondon".into(),
            phone: "+44 20 0000".into(),
            website: "https://northwind.example".into(),
            ..Default::default()
        }
    }

    fn regions() -> Vec<RegionSpec> {
        vec![RegionSpec {
            name: "body".into(),
            label: "Body".into(),
            default: "Default text".into(),
            max_len: 500,
        }]
    }

    fn render_for(first: &str, body: &str, subject: &str) -> Result<Rendered, RenderError> {
        let brand = brand();
        let recipient = Recipient {
            first_name: first.into(),
            email: "ada@example.com".into(),
            ..Default::default()
        };
        let editable = regions();
        let values = BTreeMap::from([("body".to_string(), body.to_string())]);
        let c = Context {
            brand: &brand,
            recipient: &recipient,
            landing_url: "https://p.example/l/1".into(),
            unsubscribe_url: "https://p.example/u/abc".into(),
            editable: &editable,
            region_values: &values,
            locale: Locale::En,
        };
        render(subject, MJML, &c, |t| {
            format!("https://p.example/c?u={}", t.len())
        })
    }

    #[test]
    fn a_contact_named_script_stays_text() {
        let r = render_for(
            "<script>alert(1)</script>",
            "Line one\n<b>two</b>",
            "Hi {{contact.first_name}}",
        )
        .unwrap();
        assert!(!r.html.contains("<script>alert"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(r.html.contains("Line one<br />&lt;b&gt;two&lt;/b&gt;"));
        assert!(r.html.contains("Northwind &amp; Co"));
        assert_eq!(r.subject, "Hi <script>alert(1)</script>");
        assert!(
            r.text.contains("Hello <script>alert(1)</script>,"),
            "{}",
            r.text
        );
    }

    #[test]
    fn one_prepared_touch_serves_every_recipient_and_speaks_its_language() {
        let brand = brand();
        let editable = regions();
        let values = BTreeMap::new();
        let nobody = Recipient::default();
        let c = Context {
            brand: &brand,
            recipient: &nobody,
            landing_url: "https://p.example/l/1".into(),
            unsubscribe_url: String::new(),
            editable: &editable,
            region_values: &values,
            locale: Locale::De,
        };
        let p = prepare("Hi {{contact.first_name}}", MJML, &c).unwrap();
        let person = |first: &str| Recipient {
            first_name: first.into(),
            ..Default::default()
        };
        let a = personalise(&p, &person("Ada"), "https://p.example/u/1", |t| {
            format!("{t}#1")
        })
        .unwrap();
        // A value that holds a marker is not filled in again.
        let bob = format!("Bob {MARK_STEM}4ZQX");
        let b = personalise(&p, &person(&bob), "https://p.example/u/2", |t| {
            format!("{t}#2")
        })
        .unwrap();
        assert_eq!(
            (a.subject.as_str(), b.subject.as_str()),
            ("Hi Ada", format!("Hi {bob}").as_str())
        );
        assert!(a.html.contains("Hello Ada,") && b.html.contains(&format!("Hello {bob},")));
        assert!(a.html.contains("https://p.example/u/1") && !a.html.contains("/u/2"));
        assert!(b.html.contains("https://p.example/u/2") && b.html.contains("#2"));
        assert!(
            a.html.contains(">Abmelden</a>"),
            "the footer speaks the template's language"
        );
        // The same as rendering from scratch for that recipient.
        let again = render(
            "Hi {{contact.first_name}}",
            MJML,
            &Context {
                recipient: &person("Ada"),
                unsubscribe_url: "https://p.example/u/1".into(),
                ..c
            },
            |t| format!("{t}#1"),
        )
        .unwrap();
        assert_eq!(again, a);
    }

    #[test]
    fn line_breaks_in_a_subject_fail() {
        assert_eq!(
            render_for(
                "Ada\r\nBcc: x@evil.example",
                "",
                "Hi {{contact.first_name}}"
            ),
            Err(RenderError::Subject)
        );
    }

    #[test]
    fn links_are_tracked_but_unsubscribe_is_not_and_every_email_has_a_footer() {
        let r = render_for("Ada", "", "Hi").unwrap();
        assert!(r.html.contains("https://p.example/c?u="), "{}", r.html);
        assert!(!r.html.contains("vendor.example/offer"));
        assert!(r.html.contains("href=\"https://p.example/u/abc\""));
        assert!(r.html.contains("1 Harbour Road, London"));
        assert!(
            r.text.contains("Unsubscribe (https://p.example/u/abc)"),
            "{}",
            r.text
        );
        assert!(r.text.contains("Default text"));
        assert!(r.html.contains("@media"), "responsive CSS from mrml");
    }

    #[test]
    fn tokens_and_bad_mjml() {
        assert_eq!(
            tokens("{{ partner.name }} {{region:body}}"),
            vec![
                Token::Field("partner.name".into()),
                Token::Region("body".into())
            ]
        );
        assert!(check_mjml("<mjml><mj-body></mj-body></mjml>").is_ok());
        assert!(check_mjml("<mjml><mj-body><mj-section></mj-body></mjml>").is_err());
        assert!(check_mjml("<p>no mjml</p>").is_err());
    }
}
