/**
 * Append-only byte storage for one memtable. Keys and values are copied into a few large chunks
 * instead of living in one small Buffer each: a Buffer costs ~100 B of V8 heap plus allocator
 * slack, and a million of them also cost the garbage collector a million objects to trace.
 *
 * Contract:
 * - `allocate(n)` reserves n bytes and returns the chunk index; the offset inside that chunk is
 *   `lastOffset` until the next call. Bytes once written never move, so views returned by
 *   `view` stay valid (and unchanged, since nothing overwrites them) for as long as the arena
 *   is referenced.
 * - Small items share `chunkBytes`-sized chunks; an item larger than a quarter chunk gets a
 *   chunk of its own, so a large value wastes no tail space and does not retire the current
 *   chunk.
 * - `bytesUsed` counts requested bytes; `bytesAllocated` the chunks themselves (the difference
 *   is at most one chunk's unused tail plus the tails left when a chunk filled up).
 * Single-threaded; no locks.
 */
export class ByteArena {
  private readonly chunks: Buffer[] = [];
  private current = -1;
  private position = 0;
  private used = 0;
  private allocated = 0;
  /** Offset of the bytes returned by the last `allocate` inside their chunk. */
  lastOffset = 0;

  constructor(private readonly chunkBytes: number) {
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 16) throw new RangeError(`arena chunk size ${chunkBytes} too small`);
  }

  get bytesUsed(): number {
    return this.used;
  }

  get bytesAllocated(): number {
    return this.allocated;
  }

  allocate(length: number): number {
    this.used += length;
    if (length > this.chunkBytes >>> 2) {
      // Slow (unpooled) allocation: the chunk is exactly this item and owns its memory.
      this.chunks.push(Buffer.allocUnsafeSlow(length));
      this.allocated += length;
      this.lastOffset = 0;
      return this.chunks.length - 1;
    }
    if (this.current < 0 || this.position + length > this.chunkBytes) {
      this.chunks.push(Buffer.allocUnsafeSlow(this.chunkBytes));
      this.allocated += this.chunkBytes;
      this.current = this.chunks.length - 1;
      this.position = 0;
    }
    this.lastOffset = this.position;
    this.position += length;
    return this.current;
  }

  chunk(index: number): Buffer {
    return this.chunks[index];
  }

  /** A view (no copy) of `length` bytes at `offset` of chunk `index`. */
  view(index: number, offset: number, length: number): Buffer {
    return this.chunks[index].subarray(offset, offset + length);
  }
}
