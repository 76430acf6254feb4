//! A small PDF 1.4 writer for one-page documents: filled rectangles, text in the standard
//! Helvetica fonts (WinAnsi encoding, so German text prints as written), wrapped to a
//! width with the fonts' own metrics, and one raster image (JPEG as it is; PNG decoded,
//! with its transparency as a soft mask). No fonts are embedded: every PDF reader has the
//! standard fonts.

mod image;

pub use image::Image;
use image::deflate;
use std::fmt::Write as _;

/// A4 in points.
pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Font {
    Regular,
    Bold,
}

/// Advance widths (per 1,000 of the size) of the printable ASCII characters, from the
/// fonts' AFM metrics.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The WinAnsi byte of a character, `?` for one the encoding lacks.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        '\t' => b' ',
        _ => b'?',
    }
}

/// The width of `text` at `size` points.
pub fn width(text: &str, font: Font, size: f32) -> f32 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    let units: u32 = text
        .chars()
        .map(|c| {
            // An accented letter is as wide as its base letter, near enough.
            let base = if c.is_ascii() {
                c
            } else {
                deunicode::deunicode_char(c)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('?')
            };
            match base {
                ' '..='~' => u32::from(table[base as usize - 32]),
                _ => 556,
            }
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `text` broken into lines no wider than `max` (a word longer than a line is cut).
pub fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, font, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than the line: cut it where it fills the line.
        let mut rest = word.to_string();
        while width(&rest, font, size) > max {
            let mut cut = String::new();
            for c in rest.chars() {
                if width(&format!("{cut}{c}"), font, size) > max && !cut.is_empty() {
                    break;
                }
                cut.push(c);
            }
            rest = rest[cut.len()..].to_string();
            lines.push(cut);
        }
        line = rest;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Drawing on one page; `finish` makes the file.
pub struct Page {
    ops: String,
    image: Option<Image>,
    title: String,
}

/// A colour as `#rrggbb`, in PDF's 0–1 terms (black for anything else).
pub fn rgb(hex: &str) -> (f32, f32, f32) {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| {
        h.get(i..i + 2)
            .and_then(|v| u8::from_str_radix(v, 16).ok())
            .map_or(0.0, |v| f32::from(v) / 255.0)
    };
    if h.len() == 6 {
        (c(0), c(2), c(4))
    } else {
        (0.0, 0.0, 0.0)
    }
}

/// A string as a PDF literal: WinAnsi bytes, with `(`, `)` and `\` escaped.
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

impl Page {
    pub fn new(title: &str) -> Page {
        Page {
            ops: String::new(),
            image: None,
            title: title.to_string(),
        }
    }

    /// A filled rectangle; `y` from the bottom of the page.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: (f32, f32, f32)) {
        let (r, g, b) = colour;
        let _ = writeln!(
            self.ops,
            "{r:.3} {g:.3} {b:.3} rg {x:.2} {y:.2} {w:.2} {h:.2} re f"
        );
    }

    /// One line of text at (`x`, `y`: its baseline, from the bottom).
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        font: Font,
        size: f32,
        colour: (f32, f32, f32),
        s: &str,
    ) {
        let (r, g, b) = colour;
        let name = match font {
            Font::Regular => "F1",
            Font::Bold => "F2",
        };
        // The text's bytes are WinAnsi, not UTF-8: kept as Latin-1 chars in the ops string
        // and written back byte for byte.
        let lit: String = literal(s).into_iter().map(char::from).collect();
        let _ = writeln!(
            self.ops,
            "BT {r:.3} {g:.3} {b:.3} rg /{name} {size:.1} Tf {x:.2} {y:.2} Td {lit} Tj ET"
        );
    }

    /// The page's image, drawn `w`×`h` with its lower left corner at (`x`, `y`).
    pub fn image(&mut self, img: Image, x: f32, y: f32, w: f32, h: f32) {
        let _ = writeln!(self.ops, "q {w:.2} 0 0 {h:.2} {x:.2} {y:.2} cm /Im1 Do Q");
        self.image = Some(img);
    }

    /// The PDF file.
    pub fn finish(self) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = Vec::new();
        let stream = |dict: &str, data: &[u8]| {
            let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
            o.extend_from_slice(data);
            o.extend_from_slice(b"\nendstream");
            o
        };
        // 1 catalog, 2 pages, 3 page, 4 content, 5 and 6 fonts, 7 info, 8 image, 9 mask.
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objects.push(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec());
        let xobject = if self.image.is_some() {
            " /XObject << /Im1 8 0 R >>"
        } else {
            ""
        };
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Contents 4 0 R \
                 /Resources << /Font << /F1 5 0 R /F2 6 0 R >>{xobject} >> >>"
            )
            .into_bytes(),
        );
        let content: Vec<u8> = self.ops.chars().map(|c| c as u32 as u8).collect();
        objects.push(stream("/Filter /FlateDecode", &deflate(&content)));
        for base in ["Helvetica", "Helvetica-Bold"] {
            objects.push(
                format!(
                    "<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
                )
                .into_bytes(),
            );
        }
        let mut info = b"<< /Producer (Trellis) /Title ".to_vec();
        info.extend(literal(&self.title));
        info.extend_from_slice(b" >>");
        objects.push(info);
        if let Some(img) = &self.image {
            let smask = if img.mask.is_some() {
                " /SMask 9 0 R"
            } else {
                ""
            };
            objects.push(stream(
                &format!(
                    "/Type /XObject /Subtype /Image /Width {} /Height {} {}{smask}",
                    img.width, img.height, img.dict
                ),
                &img.data,
            ));
            if let Some(mask) = &img.mask {
                objects.push(stream(
                    &format!(
                        "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
                         /BitsPerComponent 8 /Filter /FlateDecode",
                        img.width, img.height
                    ),
                    mask,
                ));
            }
        }
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
        for at in offsets {
            out.extend(format!("{at:010} 00000 n \n").into_bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .into_bytes(),
        );
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font_metrics_and_lines_fit() {
        // "Hello": H 722 + e 556 + l 222 + l 222 + o 556 = 2278 units.
        assert!((width("Hello", Font::Regular, 10.0) - 22.78).abs() < 0.01);
        assert!(width("Hello", Font::Bold, 10.0) > width("Hello", Font::Regular, 10.0));
        assert_eq!(
            width("Ä", Font::Regular, 10.0),
            width("A", Font::Regular, 10.0)
        );
        let text = "Partner-sourced pipeline grows when campaigns go out under the partner's own brand every quarter";
        let lines = wrap(text, Font::Regular, 11.0, 200.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| width(l, Font::Regular, 11.0) <= 200.0));
        assert_eq!(lines.join(" "), text);
        let long = wrap(&"x".repeat(200), Font::Regular, 11.0, 100.0);
        assert!(long.iter().all(|l| width(l, Font::Regular, 11.0) <= 100.0));
        assert_eq!(long.concat(), "x".repeat(200));
    }

    #[test]
    fn text_is_win_ansi_with_delimiters_escaped() {
        assert_eq!(literal("a(b)c\\"), b"(a\\(b\\)c\\\\)".to_vec());
        assert_eq!(literal("Grüße – €"), b"(Gr\xfc\xdfe \x96 \x80)".to_vec());
        assert_eq!(literal("日"), b"(?)".to_vec());
    }

    #[test]
    fn the_file_has_a_correct_cross_reference_table() {
        let mut p = Page::new("One pager");
        p.rect(0.0, 0.0, 10.0, 10.0, rgb("#0a4d8c"));
        p.text(10.0, 10.0, Font::Bold, 12.0, (0.0, 0.0, 0.0), "Hallo Welt");
        let pdf = p.finish();
        assert!(pdf.starts_with(b"%PDF-1.4"));
        // Offsets are in bytes (the file holds binary streams).
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).to_string();
        let xref: usize = tail
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[xref..].starts_with(b"xref"));
        let table = String::from_utf8_lossy(&pdf[xref..]).to_string();
        // Each entry points at its object.
        for (i, line) in table.lines().skip(3).take(7).enumerate() {
            let at: usize = line[..10].parse().unwrap();
            assert!(
                pdf[at..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {}",
                i + 1
            );
        }
    }
}
