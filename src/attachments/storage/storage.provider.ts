import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { BlobStorage } from './blob-storage.js';
import { LocalBlobStorage } from './local-storage.js';

/** The storage STORAGE names. The AWS SDK is loaded only for S3: a local deployment never pays its start-up. */
export const blobStorageProvider: Provider = {
  provide: BlobStorage,
  inject: [ConfigService],
  useFactory: async (config: ConfigService<Environment, true>): Promise<BlobStorage> => {
    if (config.get('STORAGE', { infer: true }) === 'local') {
      return new LocalBlobStorage(config.get('STORAGE_DIR', { infer: true }));
    }
    const { S3BlobStorage } = await import('./s3-storage.js');
    // validateEnvironment refuses STORAGE=s3 without the bucket and credentials.
    return new S3BlobStorage({
      endpoint: config.get('S3_ENDPOINT', { infer: true }),
      region: config.get('S3_REGION', { infer: true }),
      bucket: config.get('S3_BUCKET', { infer: true }) ?? '',
      accessKeyId: config.get('S3_ACCESS_KEY_ID', { infer: true }) ?? '',
      secretAccessKey: config.get('S3_SECRET_ACCESS_KEY', { infer: true }) ?? '',
      forcePathStyle: config.get('S3_FORCE_PATH_STYLE', { infer: true }) === 'true',
    });
  },
};
