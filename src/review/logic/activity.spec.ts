import { daySpan, flagsByDay, queueLengthHistory, rerunTimeByDay } from './activity.js';

const at = (iso: string) => new Date(iso);

describe('daySpan', () => {
  it('fills the days between the first and the last, in order', () => {
    expect(daySpan(['2026-11-27', '2026-11-24', '2026-11-24'])).toEqual(['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']);
    expect(daySpan([])).toEqual([]);
  });
});

describe('flagsByDay', () => {
  it('counts each flag once per hand-in on the day it arrived, most frequent first', () => {
    const result = flagsByDay([
      { receivedAt: at('2026-11-24T10:00:00Z'), flags: ['seed_is_42', 'seed_is_42'] },
      { receivedAt: at('2026-11-24T23:59:00Z'), flags: ['seed_is_42', 'cpu_runtime'] },
      { receivedAt: at('2026-11-26T08:00:00Z'), flags: ['cpu_runtime'] },
      { receivedAt: at('2026-11-26T09:00:00Z'), flags: [] },
    ]);
    expect(result).toEqual({
      days: ['2026-11-24', '2026-11-25', '2026-11-26'],
      series: [
        { name: 'cpu_runtime', counts: [1, 0, 1] },
        { name: 'seed_is_42', counts: [2, 0, 0] },
      ],
    });
  });

  it('folds the rarest flags into one series instead of dropping them', () => {
    const handIns = ['a', 'a', 'a', 'b', 'b', 'c', 'd'].map((flag) => ({ receivedAt: at('2026-11-24T10:00:00Z'), flags: [flag] }));
    expect(flagsByDay(handIns, 3).series).toEqual([
      { name: 'a', counts: [3] },
      { name: 'b', counts: [2] },
      { name: 'other flags', counts: [2] },
    ]);
  });
});

describe('rerunTimeByDay', () => {
  it('adds up device minutes per day, GPU and CPU apart, and counts runs that ran nothing', () => {
    expect(
      rerunTimeByDay([
        { startedAt: at('2026-11-25T10:00:00Z'), finishedAt: at('2026-11-25T10:00:30Z'), device: 'NVIDIA H100 80GB HBM3' },
        { startedAt: at('2026-11-25T11:00:00Z'), finishedAt: at('2026-11-25T11:01:30Z'), device: 'NVIDIA H100 80GB HBM3' },
        { startedAt: at('2026-11-26T11:00:00Z'), finishedAt: at('2026-11-26T11:03:00Z'), device: 'cpu (Intel Xeon)' },
        { startedAt: at('2026-11-26T12:00:00Z'), finishedAt: at('2026-11-26T12:00:01Z'), device: null },
      ]),
    ).toEqual({ days: ['2026-11-25', '2026-11-26'], gpuMinutes: [2, 0], cpuMinutes: [0, 3], runs: [2, 2] });
  });
});

describe('queueLengthHistory', () => {
  it('rebuilds the number of waiting jobs from when each was added and taken', () => {
    const history = queueLengthHistory(
      [
        { addedAt: 100, takenAt: 150 },
        { addedAt: 110, takenAt: 300 },
        { addedAt: 120, takenAt: null }, // still waiting
        { addedAt: 300, takenAt: 300 }, // taken the moment it came
      ],
      1000,
    );
    expect(history).toEqual([
      { t: 100, waiting: 1 },
      { t: 110, waiting: 2 },
      { t: 120, waiting: 3 },
      { t: 150, waiting: 2 },
      { t: 300, waiting: 1 },
      { t: 1000, waiting: 1 },
    ]);
  });

  it('is empty for a queue that never had a job', () => {
    expect(queueLengthHistory([], 1000)).toEqual([]);
  });
});
