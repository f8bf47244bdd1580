import { SlotList } from './slot-list.ts';

describe('SlotList', () => {
  it('holds what was added until its slot is removed', () => {
    const list = new SlotList<{ name: string }>();
    const a = { name: 'a' };
    const b = { name: 'b' };
    const slotA = list.add(a);
    const slotB = list.add(b);
    expect(list.size).toBe(2);
    expect(list.values()).toEqual(expect.arrayContaining([a, b]));
    list.remove(slotA);
    expect(list.size).toBe(1);
    expect(list.values()).toEqual([b]);
    list.remove(slotB);
    expect(list.size).toBe(0);
    expect(list.values()).toEqual([]);
  });

  it('reuses freed slots, so the array grows only with the peak', () => {
    const list = new SlotList<number>();
    const first = list.add(1);
    list.add(2);
    list.remove(first);
    expect(list.add(3)).toBe(first);
    expect(list.values().sort()).toEqual([2, 3]);
  });

  it('does not free a slot twice when it is removed twice', () => {
    const list = new SlotList<string>();
    const slot = list.add('x');
    list.remove(slot);
    list.remove(slot);
    expect(list.size).toBe(0);
    const again = list.add('y');
    expect(again).toBe(slot);
    expect(list.size).toBe(1);
    expect(list.values()).toEqual(['y']);
  });
});
