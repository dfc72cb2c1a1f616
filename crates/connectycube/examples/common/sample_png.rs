//! A PNG made in code, so the avatar example needs no image file of its own: a colour
//! gradient stored without compression. Any viewer shows it, and its size (hundreds of KB)
//! is what makes an upload report its progress in several steps.

/// A `width` × `height` RGB gradient as a PNG file's bytes.
pub fn gradient(width: u32, height: u32) -> Vec<u8> {
    // Scanlines: a filter byte (0: none), then the row's pixels.
    let mut scanlines = Vec::new();
    for y in 0..height {
        scanlines.push(0);
        for x in 0..width {
            scanlines.extend([scale(x, width), scale(y, height), 0xA0]);
        }
    }
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    // 8 bits per channel, RGB, deflate, the standard filters, no interlacing.
    header.extend([8, 2, 0, 0, 0]);

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib_stored(&scanlines));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn scale(position: u32, size: u32) -> u8 {
    u8::try_from(u64::from(position) * 255 / u64::from(size.max(1))).unwrap_or(u8::MAX)
}

/// A PNG chunk: length, type, data, and the CRC-32 of type and data.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend(length.to_be_bytes());
    png.extend(kind);
    png.extend(data);
    png.extend(crc32(kind.iter().chain(data)).to_be_bytes());
}

/// A zlib stream of "stored" (uncompressed) deflate blocks of at most 65 535 bytes each.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(usize::from(u16::MAX)).collect();
    for (index, block) in blocks.iter().enumerate() {
        let last = index + 1 == blocks.len();
        let length = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.push(u8::from(last));
        out.extend(length.to_le_bytes());
        out.extend((!length).to_le_bytes());
        out.extend(*block);
    }
    out.extend(adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32<'a>(bytes: impl Iterator<Item = &'a u8>) -> u32 {
    let mut crc = u32::MAX;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
