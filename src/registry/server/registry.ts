// The registry's repository services over one storage driver, with the options every handler consults.
import { BlobService } from './blob-service.ts';
import { listRepositories } from './catalog.ts';
import { ManifestService } from './manifest-service.ts';
import { ReferrersService } from './referrers-service.ts';
import type { StorageDriver } from './storage-driver.ts';
import { TagService } from './tag-service.ts';
import { UploadService } from './upload-service.ts';

export interface RegistryOptions {
  /** Blob and manifest deletion; when false DELETE answers 405 UNSUPPORTED. Default true. */
  deleteEnabled?: boolean;
  /** Refuse every write (pushes, deletes) with 405 UNSUPPORTED. Default false. */
  readOnly?: boolean;
}

export class Registry {
  private readonly driver: StorageDriver;
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly tags: TagService;
  readonly manifests: ManifestService;
  readonly referrers: ReferrersService;
  readonly deleteEnabled: boolean;
  readonly readOnly: boolean;

  constructor(driver: StorageDriver, options: RegistryOptions = {}) {
    this.driver = driver;
    this.blobs = new BlobService(driver);
    this.uploads = new UploadService(driver, this.blobs);
    this.tags = new TagService(driver);
    this.manifests = new ManifestService(driver, this.blobs, this.tags);
    this.referrers = new ReferrersService(driver, this.manifests);
    this.deleteEnabled = options.deleteEnabled ?? true;
    this.readOnly = options.readOnly ?? false;
  }

  catalog(): Promise<string[]> {
    return listRepositories(this.driver);
  }
}
