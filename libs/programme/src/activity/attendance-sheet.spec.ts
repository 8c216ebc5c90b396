import { AttendanceSheet } from './attendance-sheet.js';

describe('AttendanceSheet', () => {
  it('knows who attended on which day, and pages in the order recorded', () => {
    const sheet = AttendanceSheet.empty().with('p-1', '2024-02-06').with('p-2', '2024-02-06').with('p-1', '2024-02-07');
    expect(sheet.size).toBe(3);
    expect(sheet.has('p-1', '2024-02-07')).toBe(true);
    expect(sheet.has('p-2', '2024-02-07')).toBe(false);
    expect(sheet.page(1, 5)).toEqual([
      { participantId: 'p-2', date: '2024-02-06' },
      { participantId: 'p-1', date: '2024-02-07' },
    ]);
    expect(sheet.page(5, 5)).toEqual([]);
  });

  it('never changes: a sheet grown from another leaves the first as it was', () => {
    const before = AttendanceSheet.empty().with('p-1', '2024-02-06');
    const after = before.with('p-2', '2024-02-06');
    expect(before.size).toBe(1);
    expect(before.has('p-2', '2024-02-06')).toBe(false);
    expect(before.toJSON()).toEqual([{ participantId: 'p-1', date: '2024-02-06' }]);
    expect(after.has('p-2', '2024-02-06')).toBe(true);
  });

  it('keeps two sheets grown two ways from one apart', () => {
    const common = AttendanceSheet.empty().with('p-1', '2024-02-06');
    const left = common.with('p-2', '2024-02-06');
    const right = common.with('p-3', '2024-02-06').with('p-2', '2024-02-07');
    expect(left.toJSON()).toEqual([
      { participantId: 'p-1', date: '2024-02-06' },
      { participantId: 'p-2', date: '2024-02-06' },
    ]);
    expect(right.has('p-2', '2024-02-06')).toBe(false);
    expect(right.has('p-3', '2024-02-06')).toBe(true);
    expect(left.has('p-3', '2024-02-06')).toBe(false);
    expect(right.toJSON()).toEqual([
      { participantId: 'p-1', date: '2024-02-06' },
      { participantId: 'p-3', date: '2024-02-06' },
      { participantId: 'p-2', date: '2024-02-07' },
    ]);
  });

  it('shares what two folds of the same events agree on', () => {
    const common = AttendanceSheet.empty().with('p-1', '2024-02-06');
    const once = common.with('p-2', '2024-02-06');
    const again = common.with('p-2', '2024-02-06');
    expect(again.toJSON()).toEqual(once.toJSON());
    expect(once.with('p-3', '2024-02-06').has('p-3', '2024-02-06')).toBe(true);
    expect(again.has('p-3', '2024-02-06')).toBe(false);
  });

  it('a page is a copy: changing it changes nothing in the sheet', () => {
    const sheet = AttendanceSheet.of([{ participantId: 'p-1', date: '2024-02-06' }]);
    sheet.page(0, 1)[0].participantId = 'p-9';
    expect(sheet.has('p-1', '2024-02-06')).toBe(true);
    expect(sheet.page(0, 1)).toEqual([{ participantId: 'p-1', date: '2024-02-06' }]);
  });
});
