/**
 * A FileSystem decorator for SSTable tests that records every positional read, so a test can
 * assert which byte ranges an operation touched (for example: a bloom-filtered get reads none).
 */
import type { ReadableFile } from '../../fs/file-system';
import { ForwardingFileSystem } from '../../fs/forwarding-file-system';

export interface RecordedRead {
  path: string;
  offset: number;
  length: number;
}

export class ReadCountingFileSystem extends ForwardingFileSystem {
  readonly reads: RecordedRead[] = [];

  override async openRead(path: string): Promise<ReadableFile> {
    const file = await this.inner.openRead(path);
    const reads = this.reads;
    return {
      path: file.path,
      size: () => file.size(),
      read: (offset: number, length: number) => {
        reads.push({ path, offset, length });
        return file.read(offset, length);
      },
      close: () => file.close(),
    };
  }
}
