//! Files of the content library: file-type sniffing by magic bytes, safe file names, and
//! the text that search reads from PDFs. Where files are kept is the platform's
//! (`server::storage`).

/// A file type we accept, recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub mime: &'static str,
    /// Extensions a file of this type may be named with.
    pub extensions: &'static [&'static str],
    /// Shown inline in the browser (images and PDFs).
    pub previewable: bool,
}

const PDF: FileType = FileType {
    mime: "application/pdf",
    extensions: &["pdf"],
    previewable: true,
};
const PNG: FileType = FileType {
    mime: "image/png",
    extensions: &["png"],
    previewable: true,
};
const JPEG: FileType = FileType {
    mime: "image/jpeg",
    extensions: &["jpg", "jpeg"],
    previewable: true,
};
const GIF: FileType = FileType {
    mime: "image/gif",
    extensions: &["gif"],
    previewable: true,
};
const WEBP: FileType = FileType {
    mime: "image/webp",
    extensions: &["webp"],
    previewable: true,
};
/// SVG can carry script: it is only ever shown through `<img>` (which never runs it) and
/// served under a sandboxing CSP.
const SVG: FileType = FileType {
    mime: "image/svg+xml",
    extensions: &["svg"],
    previewable: true,
};
/// Zip containers: Office Open XML documents and zipped kits.
const ZIP: FileType = FileType {
    mime: "application/zip",
    extensions: &["zip", "docx", "xlsx", "pptx"],
    previewable: false,
};
/// Legacy Office (OLE compound files).
const OLE: FileType = FileType {
    mime: "application/x-ole-storage",
    extensions: &["doc", "xls", "ppt"],
    previewable: false,
};

/// The content type to serve a file under, from its stored type and name.
pub fn serve_type(stored: &str, file_name: &str) -> &'static str {
    let ext = extension(file_name);
    match (stored, ext.as_str()) {
        ("application/zip", "docx") => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        ("application/zip", "xlsx") => {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
        ("application/zip", "pptx") => {
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        }
        ("application/x-ole-storage", "doc") => "application/msword",
        ("application/x-ole-storage", "xls") => "application/vnd.ms-excel",
        ("application/x-ole-storage", "ppt") => "application/vnd.ms-powerpoint",
        _ => [PDF, PNG, JPEG, GIF, WEBP, SVG, ZIP, OLE]
            .iter()
            .find(|t| t.mime == stored)
            .map_or("application/octet-stream", |t| t.mime),
    }
}

pub fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Recognises a file from its first bytes (at least 16 are needed for a verdict).
pub fn sniff(head: &[u8]) -> Option<FileType> {
    let starts = |m: &[u8]| head.starts_with(m);
    if starts(b"%PDF-") {
        Some(PDF)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if starts(b"\xFF\xD8\xFF") {
        Some(JPEG)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(GIF)
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(WEBP)
    } else if starts(b"PK\x03\x04") {
        Some(ZIP)
    } else if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some(OLE)
    } else {
        let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
        let t = text.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with("<svg") || (t.starts_with("<?xml") && t.contains("<svg")) {
            Some(SVG)
        } else {
            None
        }
    }
}

/// Checks that a file's name agrees with what its bytes are. Returns the type, or the
/// i18n key of the problem.
pub fn check_type(file_name: &str, head: &[u8]) -> Result<FileType, &'static str> {
    let ext = extension(file_name);
    let Some(t) = sniff(head) else {
        return Err("err.file_type_unsupported");
    };
    if t.extensions.contains(&ext.as_str()) {
        Ok(t)
    } else {
        Err("err.file_type_mismatch")
    }
}

/// A file name safe to show and to put in `Content-Disposition`: the last path segment,
/// no control or quoting characters, at most 120 characters. Only for display; storage
/// keys never contain it.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>' | '`'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    let mut out: String = cleaned.chars().rev().take(120).collect();
    out = out.chars().rev().collect();
    if out.is_empty() { "file".into() } else { out }
}

/// The text of a PDF, for search. Some real PDFs make the extractor panic; that costs
/// the text, never the upload.
pub async fn pdf_text(bytes: Vec<u8>) -> String {
    tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&bytes).unwrap_or_default())
            .unwrap_or_default()
    })
    .await
    .unwrap_or_default()
    .chars()
    .take(super::search::MAX_BODY_CHARS)
    // A PDF's text may hold NULs and other controls, which Postgres cannot store.
    .map(|c| {
        if c.is_control() && !matches!(c, '\n' | '\t') {
            ' '
        } else {
            c
        }
    })
    .collect()
}

/// A one-page PDF showing `text` (ASCII), built by hand with a correct xref table: demo
/// data and tests need real PDFs without shipping binary files.
pub fn simple_pdf(text: &str) -> Vec<u8> {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)");
    let stream = format!("BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pdf_text_never_holds_control_characters() {
        let text = pdf_text(simple_pdf("nul\u{0}bell\u{7}end")).await;
        assert!(text.contains("nul"), "{text:?}");
        assert!(text.contains("end"), "{text:?}");
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{text:?}"
        );
    }

    #[test]
    fn magic_bytes_decide_and_names_must_agree() {
        assert_eq!(check_type("a.pdf", b"%PDF-1.4\n%...."), Ok(PDF));
        assert_eq!(
            check_type("Deck.PPTX", b"PK\x03\x04\x14\x00\x06\x00"),
            Ok(ZIP)
        );
        assert_eq!(
            check_type("evil.pdf", b"<html><script>alert(1)</script>"),
            Err("err.file_type_unsupported")
        );
        assert_eq!(
            check_type("image.png", b"%PDF-1.7 pretending"),
            Err("err.file_type_mismatch")
        );
        assert_eq!(
            check_type("logo.svg", b"<?xml version=\"1.0\"?><svg>"),
            Ok(SVG)
        );
        assert_eq!(
            check_type("x.exe", b"MZ\x90\x00"),
            Err("err.file_type_unsupported")
        );
        assert_eq!(
            check_type("photo.jpg", b"\xFF\xD8\xFF\xE0\x00\x10JFIF"),
            Ok(JPEG)
        );
    }

    #[test]
    fn file_names_lose_paths_and_quotes() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\x\\..\\a\"b;.pdf"), "ab.pdf");
        assert_eq!(clean_file_name("..."), "file");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
    }

    #[test]
    fn served_types_follow_the_office_extension() {
        assert!(serve_type("application/zip", "deck.pptx").contains("presentationml"));
        assert_eq!(serve_type("image/svg+xml", "a.svg"), "image/svg+xml");
        assert_eq!(serve_type("weird", "a.bin"), "application/octet-stream");
    }
}
