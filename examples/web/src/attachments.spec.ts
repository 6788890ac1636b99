import { formatFileSize, thumbnailSize } from './attachments';

describe('attachments', () => {
  it("reserves an image's thumbnail box as the server scales it: to fit 320 px, never enlarged", () => {
    expect(thumbnailSize({ width: 800, height: 600 })).toEqual({ width: 320, height: 240 });
    expect(thumbnailSize({ width: 600, height: 800 })).toEqual({ width: 240, height: 320 });
    expect(thumbnailSize({ width: 4000, height: 10 })).toEqual({ width: 320, height: 1 });
    expect(thumbnailSize({ width: 64, height: 48 })).toEqual({ width: 64, height: 48 });
    expect(thumbnailSize({ width: 1000, height: 333 }, 100)).toEqual({ width: 100, height: 33 });
    // Not an image, or one the server gave no size for: nothing to reserve.
    expect(thumbnailSize({})).toBeUndefined();
    expect(thumbnailSize({ width: 0, height: 10 })).toBeUndefined();
  });

  it('gives a file size in bytes, KB, MB or GB', () => {
    expect(formatFileSize(1)).toBe('1 byte');
    expect(formatFileSize(1023)).toBe('1023 bytes');
    expect(formatFileSize(1536)).toBe('1.5 KB');
    expect(formatFileSize(20_480)).toBe('20 KB');
    expect(formatFileSize(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatFileSize(3 * 1024 ** 3)).toBe('3 GB');
  });
});
