/**
 * The in-memory form of an SSTable's index block: for data block i, its last key and its handle.
 * Decoded once when a table is opened and then searched on every read without I/O.
 *
 * Contract: `decode` accepts only an index that describes data blocks exactly as the writer lays
 * them out — strictly increasing last keys, blocks contiguous from offset 0 to `dataBytes` — so
 * that afterwards no read can be sent outside the data region. Anything else is a
 * CorruptionError naming the file and the offending byte.
 */
import { CorruptionError } from '../errors';
import { BlockHandle, decodeBlockHandle } from './block-handle';
import { BlockReader } from './block-reader';
import { BLOCK_HANDLE_SIZE, BLOCK_TRAILER_SIZE } from './sstable-format';

export class IndexBlock {
  private constructor(
    private readonly lastKeys: Buffer[],
    private readonly handles: BlockHandle[],
  ) {}

  static decode(block: BlockReader, dataBytes: number): IndexBlock {
    const lastKeys: Buffer[] = [];
    const handles: BlockHandle[] = [];
    let expectedOffset = 0;
    const cursor = block.iterator();
    for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
      const key = Buffer.from(cursor.key());
      const at = cursor.valueFileOffset();
      const value = cursor.value();
      if (lastKeys.length > 0 && Buffer.compare(key, lastKeys[lastKeys.length - 1]) <= 0) {
        throw new CorruptionError(block.file, at, `index key ${lastKeys.length} is not above its predecessor`);
      }
      if (value.length !== BLOCK_HANDLE_SIZE) {
        throw new CorruptionError(block.file, at, `index value of ${value.length} bytes is not a block handle`);
      }
      const handle = decodeBlockHandle(value, 0, block.file, at);
      if (handle.offset !== expectedOffset || handle.offset + handle.size + BLOCK_TRAILER_SIZE > dataBytes) {
        throw new CorruptionError(
          block.file,
          at,
          `data block handle [${handle.offset}, +${handle.size}] is not contiguous within the ${dataBytes}-byte data region`,
        );
      }
      expectedOffset = handle.offset + handle.size + BLOCK_TRAILER_SIZE;
      lastKeys.push(key);
      handles.push(handle);
    }
    if (expectedOffset !== dataBytes) {
      throw block.corruption(0, `index covers ${expectedOffset} bytes of a ${dataBytes}-byte data region`);
    }
    return new IndexBlock(lastKeys, handles);
  }

  get count(): number {
    return this.handles.length;
  }

  handle(block: number): BlockHandle {
    return this.handles[block];
  }

  lastKey(block: number): Buffer {
    return this.lastKeys[block];
  }

  /** The first block whose last key is >= key: the only block that can hold it. `count` if none. */
  findBlock(key: Uint8Array): number {
    let low = 0;
    let high = this.lastKeys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Buffer.compare(this.lastKeys[middle], key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
