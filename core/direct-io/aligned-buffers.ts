/**
 * Page-aligned buffers for `O_DIRECT` writes. The kernel only accepts direct I/O from memory aligned to the
 * device's DMA alignment (512 bytes or a page), and Node's own buffers come from malloc, 16-byte aligned at
 * best. A WebAssembly memory is mapped by pages, so views into one start on a page boundary; its memories are
 * never grown here (growing would detach every view handed out).
 */

/** Size of one staging buffer: big enough for efficient direct writes, small enough to keep per stream. */
export const STAGING_BYTES = 1024 * 1024;
/** Offsets and lengths of direct writes are multiples of this (tar's block, and every common sector size). */
export const DIRECT_BLOCK = 512;

const WASM_PAGE = 64 * 1024;

/** The one WebAssembly API used here (the project's type libraries leave the WebAssembly namespace out). */
interface WasmMemoryConstructor {
  new (descriptor: { initial: number; maximum?: number }): { readonly buffer: ArrayBuffer };
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly.Memory;
const BUFFERS_PER_SLAB = 4;

/** Rounds `n` up to a multiple of {@link DIRECT_BLOCK}. */
export function roundUpToBlock(n: number): number {
  return Math.ceil(n / DIRECT_BLOCK) * DIRECT_BLOCK;
}

/**
 * A free list of {@link STAGING_BYTES} buffers, carved out of 4 MiB WebAssembly memories on demand. Its size
 * follows the peak number of streams writing at once; buffers handed back are reused, never freed.
 */
export class AlignedBufferPool {
  private readonly free: Buffer[] = [];
  private slabs = 0;

  /** Slabs allocated so far (for tests and memory accounting). */
  get slabCount(): number {
    return this.slabs;
  }

  take(): Buffer {
    const buf = this.free.pop();
    if (buf) return buf;
    const pages = (STAGING_BYTES * BUFFERS_PER_SLAB) / WASM_PAGE;
    const memory = new WasmMemory({ initial: pages, maximum: pages });
    this.slabs++;
    for (let i = 1; i < BUFFERS_PER_SLAB; i++) {
      this.free.push(Buffer.from(memory.buffer, i * STAGING_BYTES, STAGING_BYTES));
    }
    return Buffer.from(memory.buffer, 0, STAGING_BYTES);
  }

  give(buf: Buffer): void {
    if (buf.length === STAGING_BYTES && buf.byteOffset % STAGING_BYTES === 0) this.free.push(buf);
  }
}

/** The process-wide pool: every direct writer takes its staging buffer from here. */
export const alignedBuffers = new AlignedBufferPool();
