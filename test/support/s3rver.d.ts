// s3rver ships no types: what test/support/s3-server.ts uses of it.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  interface S3rverObject {
    /** The request while it arrives, or bytes. */
    content: unknown;
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Where objects are kept; its methods are replaceable on the instance. */
    store: { putObject(object: S3rverObject): Promise<unknown> };
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
