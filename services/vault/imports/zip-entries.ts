// Reads the wanted entries of a zip archive one at a time, with zip-bomb guards: an entry whose declared size or
// compression ratio is absurd is refused before it is inflated, and one that inflates past its declared size (or
// the limit) is stopped while streaming.
import { Transform, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { InvalidRequest } from '../../errors.js';

export interface ZipLimits {
  /** Largest uncompressed entry read, declared or actual. */
  maxEntryBytes: number;
  /** Largest uncompressed ÷ compressed size accepted (deflate cannot honestly exceed about 1,000). */
  maxCompressionRatio: number;
}

/** True when the file starts like a zip archive (local file header "PK\x03\x04"). */
export function isZipHeader(firstBytes: Buffer): boolean {
  return firstBytes.length >= 4 && firstBytes.readUInt32LE(0) === 0x04034b50;
}

/** Each entry whose name `wanted` accepts, as a guarded stream; the consumer must read it before asking for the next. */
export async function* zipEntries(
  path: string,
  wanted: (name: string) => boolean,
  limits: ZipLimits,
): AsyncGenerator<{ name: string; stream: Readable }> {
  const zip = await openZip(path);
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      if (entry.fileName.endsWith('/') || !wanted(entry.fileName)) continue;
      refuseAbsurdEntry(entry, limits);
      const raw = await openEntry(zip, entry);
      const limited = inflatedLimit(limits.maxEntryBytes);
      // yauzl stops an entry that inflates past its declared size; anything else wrong is a damaged archive.
      raw.on('error', (error: Error) =>
        limited.destroy(
          /too many bytes/.test(error.message)
            ? new InvalidRequest('zip_entry_too_large', `The archive entry ${entry.fileName} inflates past its size.`)
            : new InvalidRequest('invalid_zip', `The archive entry ${entry.fileName} is damaged.`),
        ),
      );
      yield { name: entry.fileName, stream: raw.pipe(limited) };
    }
  } finally {
    zip.close();
  }
}

function refuseAbsurdEntry(entry: yauzl.Entry, limits: ZipLimits): void {
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    throw new InvalidRequest('zip_entry_too_large', `The archive entry ${entry.fileName} is larger than the limit.`);
  }
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (ratio > limits.maxCompressionRatio) {
    throw new InvalidRequest('zip_ratio_too_high', `The archive entry ${entry.fileName} is compressed implausibly.`);
  }
}

/** Stops an entry that inflates beyond the limit (yauzl also stops one that exceeds its declared size). */
function inflatedLimit(maxBytes: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new InvalidRequest('zip_entry_too_large', 'An archive entry is too large.'));
      done(null, chunk);
    },
  });
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(new InvalidRequest('invalid_zip', 'The file is not a readable zip archive.'));
      else resolve(zip);
    });
  });
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = () => (cleanup(), reject(new InvalidRequest('invalid_zip', 'The zip archive is damaged.')));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(new InvalidRequest('invalid_zip', `The archive entry ${entry.fileName} cannot be read.`));
      else resolve(stream);
    });
  });
}
