import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { BlobStorage } from './blob-storage.js';
import { LocalBlobStorage } from './local-storage.js';

/** The storage STORAGE names. */
export const blobStorageProvider: Provider = {
  provide: BlobStorage,
  inject: [ConfigService],
  useFactory: (config: ConfigService<Environment, true>): BlobStorage =>
    new LocalBlobStorage(config.get('STORAGE_DIR', { infer: true })),
};
