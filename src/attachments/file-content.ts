/*
 * What an upload is, decided from its bytes (never the client's claim), and what an image becomes before it is
 * stored: turned upright, with every piece of metadata (EXIF and its GPS position, XMP, IPTC, comments) gone, and a
 * small WebP beside it. Decoding is bounded: an image whose header claims more than UPLOAD_MAX_PIXELS is refused
 * before a pixel is decoded, and sharp's own limit stops one whose header lies.
 */
import { UnprocessableEntityException } from '@nestjs/common';
import { fileTypeFromFile } from 'file-type';
import { open } from 'node:fs/promises';
import sharp from 'sharp';

export const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const THUMBNAIL_SIDE = 320;
/** How much of a file without a signature is read to decide it is text. */
const TEXT_SAMPLE_BYTES = 64 * 1024;

/** The content type of the file at `path`: its signature (file-type), else text/plain if it reads as UTF-8 text. */
export async function detectContentType(path: string): Promise<string | undefined> {
  const detected = await fileTypeFromFile(path);
  if (detected) return detected.mime;
  return (await readsAsText(path)) ? 'text/plain' : undefined;
}

/** UTF-8 without NUL in its first 64 KiB (a character cut at the end of the sample is no reason to refuse). */
async function readsAsText(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const sample = Buffer.alloc(TEXT_SAMPLE_BYTES);
    const { bytesRead } = await file.read(sample, 0, TEXT_SAMPLE_BYTES, 0);
    const bytes = sample.subarray(0, bytesRead);
    if (bytes.includes(0)) return false;
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  } finally {
    await file.close();
  }
}

export interface ProcessedImage {
  size: number;
  width: number;
  height: number;
  thumbnail: Buffer;
}

const unreadable = () => new UnprocessableEntityException('The image could not be read');

/**
 * Writes the image at `input` to `output` upright and without metadata, in its own format, and makes its
 * thumbnail. 422 for an image over `maxPixels` or one that does not decode.
 */
export async function processImage(
  input: string,
  output: string,
  contentType: string,
  maxPixels: number,
): Promise<ProcessedImage> {
  const animated = contentType === 'image/gif' || contentType === 'image/webp';
  const decode = () => sharp(input, { limitInputPixels: maxPixels, sequentialRead: true, animated });
  // The header alone, read without the limit (which would refuse it unexplained): no pixel is decoded here.
  const metadata = await sharp(input, { limitInputPixels: false, animated })
    .metadata()
    .catch(() => {
      throw unreadable();
    });
  const frameHeight = metadata.pageHeight ?? metadata.height;
  if (metadata.width * frameHeight > maxPixels) {
    throw new UnprocessableEntityException(
      `The image is ${metadata.width} × ${frameHeight} pixels; at most ${maxPixels} pixels are accepted`,
    );
  }
  try {
    // rotate() with no angle applies the EXIF orientation; sharp writes no metadata unless told to keep it.
    const upright = decode().rotate();
    const encoded =
      contentType === 'image/jpeg'
        ? upright.jpeg({ quality: 90 })
        : contentType === 'image/png'
          ? upright.png()
          : contentType === 'image/webp'
            ? upright.webp({ quality: 90 })
            : upright.gif();
    const written = await encoded.toFile(output);
    const thumbnail = await sharp(output)
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    const stored = await sharp(output, { animated }).metadata();
    return { size: written.size, width: stored.width, height: stored.pageHeight ?? stored.height, thumbnail };
  } catch {
    throw unreadable();
  }
}
