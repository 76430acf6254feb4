//! Markup written as text, for the rows of a long table: a row of plain cells is a few string
//! appends this way, instead of a tree of views (each cell an erased view, each link a
//! component with its own reactive owner). The text is the same on the server and in the
//! browser, so hydration leaves it as the server wrote it.
//!
//! Everything that is not a literal of ours goes through [`Html::text`] or an attribute
//! method, which escape it: nothing a user typed can open a tag or leave an attribute.

/// Markup being written. Only literals of ours are written unescaped.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    pub fn with_capacity(n: usize) -> Self {
        Html(String::with_capacity(n))
    }

    /// Text, escaped.
    pub fn text(&mut self, s: &str) -> &mut Self {
        escape_into(&mut self.0, s);
        self
    }

    /// A link to one of our pages; the router follows it without reloading the page. The
    /// `href` is escaped but must be a path we built (never a URL someone typed): escaping
    /// does not make a `javascript:` address harmless.
    pub fn link(&mut self, href: &str, text: &str) -> &mut Self {
        self.open_with("a", "href", href).text(text).close("a")
    }

    /// A `<span>` of the given classes around text.
    pub fn span(&mut self, class: &str, text: &str) -> &mut Self {
        self.open_with("span", "class", class)
            .text(text)
            .close("span")
    }

    /// Opens `<tag>`, for a tag name of ours.
    pub(crate) fn open(&mut self, tag: &'static str) -> &mut Self {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// Opens `<tag name="value">`, the value escaped.
    pub(crate) fn open_with(
        &mut self,
        tag: &'static str,
        name: &'static str,
        value: &str,
    ) -> &mut Self {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push(' ');
        self.0.push_str(name);
        self.0.push_str("=\"");
        escape_into(&mut self.0, value);
        self.0.push_str("\">");
        self
    }

    pub(crate) fn close(&mut self, tag: &'static str) -> &mut Self {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// `s` HTML-escaped for element content and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Appends `s` with the five characters that matter in text and quoted attributes escaped.
fn escape_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut h = Html::default();
        h.text("a<b>&\"c'")
            .link("/p/x\"><script>", "<i>name</i>")
            .span("badge\" onclick=\"x", "ok & fine");
        assert_eq!(
            h.as_str(),
            "a&lt;b&gt;&amp;&quot;c&#39;\
             <a href=\"/p/x&quot;&gt;&lt;script&gt;\">&lt;i&gt;name&lt;/i&gt;</a>\
             <span class=\"badge&quot; onclick=&quot;x\">ok &amp; fine</span>"
        );
    }

    #[test]
    fn plain_and_non_ascii_text_is_kept() {
        let mut h = Html::default();
        h.text("Zürich — 東京 plain").text("");
        assert_eq!(h.as_str(), "Zürich — 東京 plain");
    }

    #[test]
    fn tags_are_opened_and_closed() {
        let mut h = Html::default();
        h.open("tr")
            .open_with("td", "data-label", "Name \"x\"")
            .text("v")
            .close("td")
            .close("tr");
        assert_eq!(
            h.into_string(),
            "<tr><td data-label=\"Name &quot;x&quot;\">v</td></tr>"
        );
    }
}
