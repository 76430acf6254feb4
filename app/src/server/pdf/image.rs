//! Raster images for the PDF writer: a JPEG goes in as it is (DCTDecode); a PNG goes in as
//! stored when it has no alpha (the reader undoes PNG's filters), and is decoded, unfiltered
//! and split into colour and a soft mask when it has.

use std::fmt::Write as _;
use std::io::{Read, Write};

/// An image ready for a PDF: its dictionary entries and data, and a soft mask.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub(super) dict: String,
    pub(super) data: Vec<u8>,
    pub(super) mask: Option<Vec<u8>>,
}

impl Image {
    /// A JPEG (baseline or progressive; gray or RGB) or an 8-bit PNG (gray, RGB, palette,
    /// with or without alpha; not interlaced). `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Image> {
        if bytes.starts_with(&[0xff, 0xd8]) {
            jpeg(bytes)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            png(bytes)
        } else {
            None
        }
    }
}

fn jpeg(b: &[u8]) -> Option<Image> {
    let mut at = 2;
    while at + 9 < b.len() {
        if b[at] != 0xff {
            return None;
        }
        let marker = b[at + 1];
        let len = usize::from(u16::from_be_bytes([b[at + 2], b[at + 3]]));
        // Start of frame (not DHT, JPG or DAC, which share the range).
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let height = u32::from(u16::from_be_bytes([b[at + 5], b[at + 6]]));
            let width = u32::from(u16::from_be_bytes([b[at + 7], b[at + 8]]));
            let space = match b[at + 9] {
                1 => "/DeviceGray",
                3 => "/DeviceRGB",
                _ => return None,
            };
            return Some(Image {
                width,
                height,
                dict: format!("/ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode"),
                data: b.to_vec(),
                mask: None,
            });
        }
        at += 2 + len;
    }
    None
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Undoes PNG's per-row filters: rows of `stride` bytes, `bpp` bytes a pixel.
fn unfilter(raw: &[u8], stride: usize, bpp: usize, rows: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; stride * rows];
    for y in 0..rows {
        let src = raw.get(y * (stride + 1)..(y + 1) * (stride + 1))?;
        let (kind, line) = (src[0], &src[1..]);
        for x in 0..stride {
            let a = if x >= bpp {
                out[y * stride + x - bpp]
            } else {
                0
            };
            let b = if y > 0 { out[(y - 1) * stride + x] } else { 0 };
            let c = if x >= bpp && y > 0 {
                out[(y - 1) * stride + x - bpp]
            } else {
                0
            };
            let pred = match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return None,
            };
            out[y * stride + x] = line[x].wrapping_add(pred);
        }
    }
    Some(out)
}

pub(super) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn png(b: &[u8]) -> Option<Image> {
    let (mut at, mut idat, mut plte) = (8usize, Vec::new(), Vec::new());
    let (mut width, mut height, mut depth, mut kind, mut interlace) = (0u32, 0u32, 0u8, 0u8, 0u8);
    while at + 8 <= b.len() {
        let len = u32::from_be_bytes(b[at..at + 4].try_into().ok()?) as usize;
        let name = &b[at + 4..at + 8];
        let data = b.get(at + 8..at + 8 + len)?;
        match name {
            b"IHDR" if len >= 13 => {
                width = u32::from_be_bytes(data[0..4].try_into().ok()?);
                height = u32::from_be_bytes(data[4..8].try_into().ok()?);
                (depth, kind, interlace) = (data[8], data[9], data[12]);
            }
            b"PLTE" => plte = data.to_vec(),
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    if depth != 8 || interlace != 0 || width == 0 || height == 0 || width > 4_000 || height > 4_000
    {
        return None;
    }
    let (w, h) = (width as usize, height as usize);
    let channels = match kind {
        0 => 1,
        2 => 3,
        3 => 1,
        4 => 2,
        6 => 4,
        _ => return None,
    };
    // Gray, RGB and palette images go in as PNG stores them: the PDF reader undoes the filters.
    if matches!(kind, 0 | 2 | 3) {
        let space = match kind {
            0 => "/DeviceGray".to_string(),
            2 => "/DeviceRGB".to_string(),
            _ => {
                if plte.is_empty() || plte.len() % 3 != 0 {
                    return None;
                }
                let hex: String = plte.iter().fold(String::new(), |mut s, v| {
                    let _ = write!(s, "{v:02x}");
                    s
                });
                format!("[/Indexed /DeviceRGB {} <{hex}>]", plte.len() / 3 - 1)
            }
        };
        return Some(Image {
            width,
            height,
            dict: format!(
                "/ColorSpace {space} /BitsPerComponent 8 /Filter /FlateDecode \
                 /DecodeParms << /Predictor 15 /Colors {channels} /BitsPerComponent 8 /Columns {width} >>"
            ),
            data: idat,
            mask: None,
        });
    }
    // With alpha: decoded, then colour and alpha apart (the alpha as a soft mask).
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .take((w * channels + 1) as u64 * h as u64 + 1)
        .read_to_end(&mut raw)
        .ok()?;
    let pixels = unfilter(&raw, w * channels, channels, h)?;
    let colour = channels - 1;
    let mut rgb = Vec::with_capacity(w * h * colour);
    let mut alpha = Vec::with_capacity(w * h);
    for px in pixels.chunks(channels) {
        rgb.extend_from_slice(&px[..colour]);
        alpha.push(px[colour]);
    }
    Some(Image {
        width,
        height,
        dict: format!(
            "/ColorSpace {} /BitsPerComponent 8 /Filter /FlateDecode",
            if colour == 1 {
                "/DeviceGray"
            } else {
                "/DeviceRGB"
            }
        ),
        data: deflate(&rgb),
        mask: Some(deflate(&alpha)),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn png_with_alpha_is_split_into_colour_and_mask() {
        // A 2×1 RGBA PNG: rows filtered with Sub.
        let raw = [1u8, 10, 20, 30, 255, 5, 5, 5, 0];
        let idat = deflate(&raw);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let chunk = |name: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(name);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        png.extend(chunk(b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
        png.extend(chunk(b"IDAT", &idat));
        png.extend(chunk(b"IEND", &[]));
        let img = Image::decode(&png).unwrap();
        assert_eq!((img.width, img.height), (2, 1));
        let mut rgb = Vec::new();
        flate2::read::ZlibDecoder::new(img.data.as_slice())
            .read_to_end(&mut rgb)
            .unwrap();
        assert_eq!(rgb, vec![10, 20, 30, 15, 25, 35]);
        let mut alpha = Vec::new();
        flate2::read::ZlibDecoder::new(img.mask.unwrap().as_slice())
            .read_to_end(&mut alpha)
            .unwrap();
        assert_eq!(alpha, vec![255, 255]);
        assert!(Image::decode(b"GIF89a").is_none());
    }
}
