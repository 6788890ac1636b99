import { MemoryPositions, positionTtlMs } from './causal-positions.js';

describe('causal positions in the process', () => {
  it('are raised, never lowered: two writes may record their positions in either order', async () => {
    const positions = new MemoryPositions(30_000);
    await positions.record([1, 2], 200n);
    await positions.record([1], 100n);
    expect(await positions.positionOf(1)).toBe(200n);
    expect(await positions.positionOf(2)).toBe(200n);
    expect(await positions.positionOf(3)).toBe(0n);
  });

  it('count the global position for everyone', async () => {
    const positions = new MemoryPositions(30_000);
    await positions.record([1], 100n);
    await positions.record('everyone', 150n);
    expect(await positions.positionOf(1)).toBe(150n);
    expect(await positions.positionOf(7)).toBe(150n);
    await positions.record([1], 300n);
    expect(await positions.positionOf(1)).toBe(300n);
  });

  it("count the directory's position only for reads of the directory", async () => {
    const positions = new MemoryPositions(30_000);
    await positions.record([1], 100n);
    await positions.record('directory', 250n);
    expect(await positions.positionOf(1)).toBe(100n);
    expect(await positions.positionOf(1, 'directory')).toBe(250n);
    expect(await positions.positionOf(7, 'directory')).toBe(250n);
  });

  it('expire, after a time longer than any replica still serving may lag', async () => {
    expect(positionTtlMs(5_000)).toBe(30_000);
    expect(positionTtlMs(60_000)).toBe(121_000);
    const positions = new MemoryPositions(20);
    await positions.record([1], 100n);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await positions.positionOf(1)).toBe(0n);
  });
});
