/*
 * The embedded default's VAPID pair: generated on the first `npm start` without keys and kept beside the embedded
 * database's data (EMBEDDED_PG_DIR's parent, `.data/` by default), so browsers subscribed once stay subscribed
 * across restarts. Only the embedded start uses it (src/main.ts); an operator with DATABASE_URL sets the keys.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import webPush from 'web-push';

export interface VapidPair {
  publicKey: string;
  privateKey: string;
}

export async function embeddedVapidKeys(
  embeddedPgDir: string,
): Promise<{ keys: VapidPair; file: string; created: boolean }> {
  const file = join(dirname(embeddedPgDir), 'vapid-keys.json');
  try {
    const keys = JSON.parse(await readFile(file, 'utf8')) as VapidPair;
    if (keys.publicKey && keys.privateKey) return { keys, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = webPush.generateVAPIDKeys();
  await mkdir(dirname(file), { recursive: true });
  // Readable by this user only: the private key signs every push this installation sends.
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return { keys, file, created: true };
}
