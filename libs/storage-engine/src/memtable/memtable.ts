/**
 * The in-memory sorted write buffer: a skip list keyed by bytes (Buffer.compare order) holding
 * ONE node per key, whose newest version is the key's folded state.
 *
 * Layout (why: a node of JS objects cost ~400 B per entry and a million objects for the GC to
 * trace): key and value bytes live in a ByteArena; nodes, links and versions are rows of
 * typed arrays. A node stores the first 8 key bytes as two big-endian integers, so most key
 * comparisons during a search touch only the node row, never the arena.
 *
 * Contract:
 * - `apply(kind, key, value, seq)` folds the op onto the key's newest version: Put/Delete replace
 *   it; a Merge is reconciled onto a Put (-> Put), onto a Delete (-> Put over nothing) or onto an
 *   earlier Merge (-> one combined Merge operand, which is why `reconcile` must be associative).
 *   The result is a NEW version tagged `seq`; older versions stay reachable, so an iterator
 *   with a `snapshot` sequence sees every key exactly as it was at that sequence.
 * - Nodes are never removed and bytes never move, so an iterator stays valid while writes
 *   continue (without a snapshot it may or may not observe entries inserted after it started).
 * - Entries from `iterate` are views into the arena unless `copy` is set: valid while the
 *   memtable lives, and must not be modified. `get` returns a copy.
 * - `approximateBytes` counts key and value bytes (overwritten values too: their bytes stay)
 *   plus the node and version rows. The engine switches the memtable when it passes
 *   `memtableBytes`; once switched it is frozen (`immutable`).
 * Single-threaded (the JS event loop); no locks.
 */
import { EntryKind } from '../format/entry-kind';
import type { ReconcileFn } from '../options';
import type { PackWriter } from '../table-worker/packed-bytes';
import { ByteArena } from './byte-arena';

export interface MemEntry {
  key: Buffer;
  kind: EntryKind;
  value: Buffer;
}

export interface MemIterateOptions {
  /** Copy keys and values out of the arena (for results handed to callers). */
  copy?: boolean;
  /** Show each key as of this sequence number; keys first written later are skipped. */
  snapshot?: number;
}

export interface MemtableOptions {
  /** Arena chunk size; the engine derives it from `memtableBytes`. */
  arenaChunkBytes?: number;
}

const MAX_HEIGHT = 16;

// Node rows: [prefixHi, prefixLo, keyChunk, keyOffset, keyLength, newestVersion, linkBase].
const NODE_WORDS = 7;
const N_PREFIX_HI = 0;
const N_PREFIX_LO = 1;
const N_KEY_CHUNK = 2;
const N_KEY_OFFSET = 3;
const N_KEY_LENGTH = 4;
const N_VERSION = 5;
const N_LINKS = 6;

// Version rows: [valueChunk, valueOffset, valueLength, kind, previousVersion]; 0 = none.
const VERSION_WORDS = 5;
const V_CHUNK = 0;
const V_OFFSET = 1;
const V_LENGTH = 2;
const V_KIND = 3;
const V_PREVIOUS = 4;

/** Node row + ~1.33 links (1-in-4 promotion). */
const NODE_BYTES = NODE_WORDS * 4 + 6;
/** Version row + its sequence number. */
const VERSION_BYTES = VERSION_WORDS * 4 + 8;
/** Beyond this, a key's tail is compared natively (one call beats a long JS loop). */
const JS_COMPARE_MAX = 32;
const DEFAULT_ARENA_CHUNK = 1024 * 1024;
const MIN_ARENA_CHUNK = 4 * 1024;
const INITIAL_ROWS = 256;

export class Memtable {
  private readonly arena: ByteArena;
  /** Row 0 is the head (height MAX_HEIGHT, no key). A link to 0 means "none". */
  private nodes: Uint32Array = new Uint32Array(INITIAL_ROWS * NODE_WORDS);
  private nodeCount = 1;
  private links: Uint32Array = new Uint32Array(INITIAL_ROWS * 2);
  private linkCount = MAX_HEIGHT;
  /** Row 0 unused, so a previous-version link of 0 means "none". */
  private versions: Uint32Array = new Uint32Array(INITIAL_ROWS * VERSION_WORDS);
  private sequences: Float64Array = new Float64Array(INITIAL_ROWS);
  private versionCount = 1;
  private height = 1;
  private frozen = false;
  private readonly prev = new Uint32Array(MAX_HEIGHT);
  // The key being searched for, split once per operation.
  private searchHi = 0;
  private searchLo = 0;

  constructor(
    /** First commit-log segment holding this memtable's records. */
    readonly firstSegment: bigint,
    private readonly reconcile: ReconcileFn,
    options: MemtableOptions = {},
  ) {
    this.arena = new ByteArena(options.arenaChunkBytes ?? DEFAULT_ARENA_CHUNK);
  }

  get approximateBytes(): number {
    return this.arena.bytesUsed + (this.nodeCount - 1) * NODE_BYTES + (this.versionCount - 1) * VERSION_BYTES;
  }

  get count(): number {
    return this.nodeCount - 1;
  }

  get immutable(): boolean {
    return this.frozen;
  }

  freeze(): void {
    this.frozen = true;
  }

  apply(kind: EntryKind, key: Uint8Array, value: Uint8Array, seq: number): void {
    if (this.frozen) throw new Error('memtable is immutable');
    const stored = kind === EntryKind.Delete ? EMPTY : value;
    this.setSearchKey(key);
    const found = this.findGreaterOrEqual(key, true);
    if (found !== 0 && this.compareNode(found, key) === 0) {
      const older = this.nodes[found * NODE_WORDS + N_VERSION];
      const folded = fold(this.reconcile, Buffer.from(key.buffer, key.byteOffset, key.byteLength), this.versionKind(older), this.versionValue(older), kind, stored);
      const chunk = this.arena.allocate(folded.value.length);
      const offset = this.arena.lastOffset;
      this.arena.chunk(chunk).set(folded.value, offset);
      this.nodes[found * NODE_WORDS + N_VERSION] = this.addVersion(chunk, offset, folded.value.length, folded.kind, older, seq);
      return;
    }
    const h = randomHeight();
    if (h > this.height) {
      for (let i = this.height; i < h; i++) this.prev[i] = 0;
      this.height = h;
    }
    const chunk = this.arena.allocate(key.length + stored.length);
    const offset = this.arena.lastOffset;
    const bytes = this.arena.chunk(chunk);
    bytes.set(key, offset);
    bytes.set(stored, offset + key.length);
    const version = this.addVersion(chunk, offset + key.length, stored.length, kind, 0, seq);

    if (this.linkCount + h > this.links.length) this.links = grow(this.links, this.linkCount + h);
    const linkBase = this.linkCount;
    this.linkCount += h;
    if ((this.nodeCount + 1) * NODE_WORDS > this.nodes.length) this.nodes = grow(this.nodes, (this.nodeCount + 1) * NODE_WORDS);
    const node = this.nodeCount++;
    const row = node * NODE_WORDS;
    const nodes = this.nodes;
    nodes[row + N_PREFIX_HI] = this.searchHi;
    nodes[row + N_PREFIX_LO] = this.searchLo;
    nodes[row + N_KEY_CHUNK] = chunk;
    nodes[row + N_KEY_OFFSET] = offset;
    nodes[row + N_KEY_LENGTH] = key.length;
    nodes[row + N_VERSION] = version;
    nodes[row + N_LINKS] = linkBase;
    const links = this.links;
    for (let i = 0; i < h; i++) {
      const p = nodes[this.prev[i] * NODE_WORDS + N_LINKS] + i;
      links[linkBase + i] = links[p];
      links[p] = node;
    }
  }

  /** The key's newest entry (value copied), or undefined. */
  get(key: Uint8Array): { kind: EntryKind; value: Buffer } | undefined {
    this.setSearchKey(key);
    const n = this.findGreaterOrEqual(key, false);
    if (n === 0 || this.compareNode(n, key) !== 0) return undefined;
    const v = this.nodes[n * NODE_WORDS + N_VERSION];
    return { kind: this.versionKind(v), value: Buffer.from(this.versionValue(v)) };
  }

  /** Entries with start <= key < end, in key order. */
  *iterate(start?: Uint8Array, end?: Uint8Array, options: MemIterateOptions = {}): IterableIterator<MemEntry> {
    const { copy = false, snapshot } = options;
    let n: number;
    if (start) {
      this.setSearchKey(start);
      n = this.findGreaterOrEqual(start, false);
    } else {
      n = this.links[this.nodes[N_LINKS]];
    }
    if (end) this.setSearchKey(end);
    const endHi = this.searchHi;
    const endLo = this.searchLo;
    while (n !== 0) {
      if (end) {
        // setSearchKey may have been called by a write between two yields: restore it.
        this.searchHi = endHi;
        this.searchLo = endLo;
        if (this.compareNode(n, end) >= 0) return;
      }
      let v = this.nodes[n * NODE_WORDS + N_VERSION];
      if (snapshot !== undefined) while (v !== 0 && this.sequences[v] > snapshot) v = this.versions[v * VERSION_WORDS + V_PREVIOUS];
      if (v !== 0) {
        const key = this.nodeKey(n);
        const value = this.versionValue(v);
        yield { key: copy ? Buffer.from(key) : key, kind: this.versionKind(v), value: copy ? Buffer.from(value) : value };
      }
      n = this.links[this.nodes[n * NODE_WORDS + N_LINKS]];
    }
  }

  /**
   * Appends entries (newest versions, key order) to `out` as packed entries, starting at
   * `cursor` (0: the first entry), until `out` holds `maxBytes`; returns the cursor to continue
   * from, or -1 when every entry was packed. Copies straight from the arena: no per-entry
   * objects, which makes a flush to the table worker cheap for the event loop.
   */
  packInto(out: PackWriter, cursor: number, maxBytes: number): number {
    let n = cursor === 0 ? this.links[this.nodes[N_LINKS]] : cursor;
    while (n !== 0) {
      if (out.length >= maxBytes) return n;
      const row = n * NODE_WORDS;
      const nodes = this.nodes;
      const v = nodes[row + N_VERSION] * VERSION_WORDS;
      const versions = this.versions;
      out.entryFrom(
        versions[v + V_KIND],
        this.arena.chunk(nodes[row + N_KEY_CHUNK]),
        nodes[row + N_KEY_OFFSET],
        nodes[row + N_KEY_LENGTH],
        this.arena.chunk(versions[v + V_CHUNK]),
        versions[v + V_OFFSET],
        versions[v + V_LENGTH],
      );
      n = this.links[nodes[row + N_LINKS]];
    }
    return -1;
  }

  private addVersion(chunk: number, offset: number, length: number, kind: EntryKind, previous: number, seq: number): number {
    if ((this.versionCount + 1) * VERSION_WORDS > this.versions.length) {
      this.versions = grow(this.versions, (this.versionCount + 1) * VERSION_WORDS);
      this.sequences = growFloat(this.sequences, this.versions.length / VERSION_WORDS);
    }
    const v = this.versionCount++;
    const row = v * VERSION_WORDS;
    const versions = this.versions;
    versions[row + V_CHUNK] = chunk;
    versions[row + V_OFFSET] = offset;
    versions[row + V_LENGTH] = length;
    versions[row + V_KIND] = kind;
    versions[row + V_PREVIOUS] = previous;
    this.sequences[v] = seq;
    return v;
  }

  private versionKind(v: number): EntryKind {
    return this.versions[v * VERSION_WORDS + V_KIND] as EntryKind;
  }

  private versionValue(v: number): Buffer {
    const row = v * VERSION_WORDS;
    return this.arena.view(this.versions[row + V_CHUNK], this.versions[row + V_OFFSET], this.versions[row + V_LENGTH]);
  }

  private nodeKey(n: number): Buffer {
    const row = n * NODE_WORDS;
    return this.arena.view(this.nodes[row + N_KEY_CHUNK], this.nodes[row + N_KEY_OFFSET], this.nodes[row + N_KEY_LENGTH]);
  }

  private setSearchKey(key: Uint8Array): void {
    const n = key.length;
    if (n >= 8) {
      this.searchHi = ((key[0] << 24) | (key[1] << 16) | (key[2] << 8) | key[3]) >>> 0;
      this.searchLo = ((key[4] << 24) | (key[5] << 16) | (key[6] << 8) | key[7]) >>> 0;
      return;
    }
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < 4; i++) hi = hi * 256 + (i < n ? key[i] : 0);
    for (let i = 4; i < 8; i++) lo = lo * 256 + (i < n ? key[i] : 0);
    this.searchHi = hi;
    this.searchLo = lo;
  }

  /** Sign of (node n's key - key); `setSearchKey(key)` must have been called. */
  private compareNode(n: number, key: Uint8Array): number {
    const row = n * NODE_WORDS;
    const nodes = this.nodes;
    const hi = nodes[row + N_PREFIX_HI];
    if (hi !== this.searchHi) return hi < this.searchHi ? -1 : 1;
    const lo = nodes[row + N_PREFIX_LO];
    if (lo !== this.searchLo) return lo < this.searchLo ? -1 : 1;
    // The first 8 bytes agree (shorter keys zero-padded): compare the rest, then the lengths.
    const length = nodes[row + N_KEY_LENGTH];
    const chunk = this.arena.chunk(nodes[row + N_KEY_CHUNK]);
    const offset = nodes[row + N_KEY_OFFSET];
    const common = length < key.length ? length : key.length;
    if (common - 8 > JS_COMPARE_MAX) {
      const c = chunk.compare(key, 8, common, offset + 8, offset + common);
      if (c !== 0) return c;
    } else {
      for (let i = 8; i < common; i++) {
        const d = chunk[offset + i] - key[i];
        if (d !== 0) return d < 0 ? -1 : 1;
      }
    }
    return length === key.length ? 0 : length < key.length ? -1 : 1;
  }

  private findGreaterOrEqual(key: Uint8Array, recordPrev: boolean): number {
    const nodes = this.nodes;
    const links = this.links;
    let x = 0;
    for (let level = this.height - 1; level >= 0; level--) {
      for (;;) {
        const next = links[nodes[x * NODE_WORDS + N_LINKS] + level];
        if (next !== 0 && this.compareNode(next, key) < 0) x = next;
        else break;
      }
      if (recordPrev) this.prev[level] = x;
    }
    return links[nodes[x * NODE_WORDS + N_LINKS]];
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Arena chunk size for a memtable of `memtableBytes`: about 1/32 of it (a power of two, 4 KiB to
 * 1 MiB), so the unused tail of the last chunk stays a small fraction of the budget.
 */
export function arenaChunkBytesFor(memtableBytes: number): number {
  let chunk = MIN_ARENA_CHUNK;
  while (chunk < DEFAULT_ARENA_CHUNK && chunk * 32 < memtableBytes) chunk *= 2;
  return chunk;
}

/** 1-in-4 promotion from one random draw: ~1.33 links per node, O(log4 n) levels. */
function randomHeight(): number {
  let r = (Math.random() * 0x100000000) >>> 0;
  let h = 1;
  while (h < MAX_HEIGHT && (r & 3) === 0) {
    h++;
    r >>>= 2;
  }
  return h;
}

/** Grows by half (not doubling): the slack is memory the size accounting does not see. */
function grow(a: Uint32Array, needed: number): Uint32Array {
  const next = new Uint32Array(Math.max(needed, Math.ceil(a.length * 1.5)));
  next.set(a);
  return next;
}

function growFloat(a: Float64Array, length: number): Float64Array {
  const next = new Float64Array(length);
  next.set(a);
  return next;
}

/** The result of applying `kind/value` on top of the key's older entry. */
export function fold(
  reconcile: ReconcileFn,
  key: Buffer,
  olderKind: EntryKind,
  olderValue: Buffer,
  kind: EntryKind,
  value: Uint8Array,
): { kind: EntryKind; value: Uint8Array } {
  if (kind !== EntryKind.Merge) return { kind, value: kind === EntryKind.Delete ? EMPTY : value };
  const operand = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  switch (olderKind) {
    case EntryKind.Put:
      return { kind: EntryKind.Put, value: reconcile(key, olderValue, operand) };
    case EntryKind.Delete:
      return { kind: EntryKind.Put, value: reconcile(key, undefined, operand) };
    case EntryKind.Merge:
      return { kind: EntryKind.Merge, value: reconcile(key, olderValue, operand) };
  }
}
