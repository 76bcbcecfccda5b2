// The frame buffer: bounded, follows live frames, pauses on a selection, steps, resumes.
import { describe, expect, it } from 'vitest';
import { FrameBuffer } from './buffer';
import type { FrameProfile } from './format';

const fr = (n: number): FrameProfile => ({ frame: n, timestamp: n, duration_ms: 1, calls: [], rollback: null, overflow: 0, frames_lost: 0 });

describe('FrameBuffer', () => {
  it('keeps the newest frames up to capacity and follows the newest while live', () => {
    const b = new FrameBuffer(3);
    for (let i = 1; i <= 5; ++i) b.push(fr(i));
    expect(b.frames.map((f) => f.frame)).toEqual([3, 4, 5]);
    expect(b.selected?.frame).toBe(5);
    expect(b.paused).toBe(false);
  });

  it('freezes the view on a selected frame while new ones arrive, steps, and resumes to live', () => {
    const b = new FrameBuffer(4);
    for (let i = 1; i <= 4; ++i) b.push(fr(i));
    b.select(1);
    for (let i = 5; i <= 9; ++i) b.push(fr(i));
    expect(b.paused).toBe(true);
    expect(b.selected?.frame).toBe(2);
    expect(b.shown.map((f) => f.frame)).toEqual([1, 2, 3, 4]);
    expect(b.frames.map((f) => f.frame)).toEqual([6, 7, 8, 9]);
    expect(b.sincePause).toBe(5);
    b.step(-5);
    expect(b.selected?.frame).toBe(1);
    b.step(2);
    expect(b.selected?.frame).toBe(3);
    b.resume();
    expect(b.paused).toBe(false);
    expect(b.selected?.frame).toBe(9);
    expect(b.sincePause).toBe(0);
  });

  it('keeps one copy of a frame received twice', () => {
    const b = new FrameBuffer(10);
    b.reset('s', 0, [fr(1), fr(2)], 'live');
    b.push(fr(2));
    b.push(fr(3));
    expect(b.frames.map((f) => f.frame)).toEqual([1, 2, 3]);
  });

  it('shows a loaded file paused on its last frame and saves as a session', () => {
    const b = new FrameBuffer(10);
    b.reset('s', 7, [fr(1), fr(2)], 'file');
    expect(b.paused).toBe(true);
    expect(b.selected?.frame).toBe(2);
    expect(b.toSession()).toEqual({ session_id: 's', start_time: 7, frames: [fr(1), fr(2)] });
  });

  it('keeps all of a loaded file longer than the live window, up to its own cap, and says what it left out', () => {
    const b = new FrameBuffer(240, 1000);
    const file = Array.from({ length: 300 }, (_, i) => fr(i + 1));
    expect(b.reset('s', 0, file, 'file')).toBe(0);
    expect(b.shown).toHaveLength(300);
    b.select(0);
    expect(b.selected?.frame).toBe(1);
    const huge = Array.from({ length: 1500 }, (_, i) => fr(i + 1));
    expect(b.reset('s', 0, huge, 'file')).toBe(500);
    expect(b.shown.map((f) => f.frame).slice(0, 1)).toEqual([501]);
    // Live history still fills only the live window.
    expect(b.reset('s', 0, file, 'live')).toBe(60);
    expect(b.frames).toHaveLength(240);
  });

  it('keeps a replayed session sent in several messages like a file, following its newest frame', () => {
    const b = new FrameBuffer(4, 10);
    const part = (from: number, n: number) => Array.from({ length: n }, (_, i) => fr(from + i));
    expect(b.reset('s', 0, part(1, 6), 'replay')).toBe(0);
    expect(b.append(part(7, 3))).toBe(0);
    expect(b.frames.map((f) => f.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b.paused).toBe(false);
    expect(b.append(part(10, 5))).toBe(4);
    expect(b.append([])).toBe(4);
    expect(b.frames.map((f) => f.frame)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(b.selected?.frame).toBe(14);
    expect(b.received).toBe(14);
    expect(b.leftOut).toBe(4);
    // A paused view keeps its frame while the rest arrives.
    b.select(2);
    b.append(part(15, 2));
    expect(b.selected?.frame).toBe(7);
    expect(b.sincePause).toBe(2);
    // A new history starts over; a live one keeps only the live window and counts nothing left out.
    expect(b.reset('s', 0, part(1, 12), 'replay')).toBe(2);
    expect(b.leftOut).toBe(2);
    b.reset('s', 0, part(1, 3), 'live');
    b.append(part(4, 3));
    expect(b.frames.map((f) => f.frame)).toEqual([3, 4, 5, 6]);
    expect(b.leftOut).toBe(0);
  });

  it('counts the frames the game lost, live, paused and across history parts, each frame once', () => {
    const lossy = (n: number, lost: number): FrameProfile => ({ ...fr(n), frames_lost: lost });
    const b = new FrameBuffer(3);
    b.reset('s', 0, [lossy(1, 0), lossy(4, 2)], 'live');
    expect(b.lost).toBe(2);
    b.push(lossy(4, 2));  // a history answer overlapping a frame already received
    b.push(lossy(9, 4));
    b.select(0);
    b.push(lossy(10, 0));
    b.push(lossy(12, 1));  // while paused too
    expect(b.lost).toBe(7);
    // Frames that left the window stay counted: what was lost does not shrink.
    for (let n = 13; n <= 20; ++n) b.push(lossy(n, 0));
    expect(b.lost).toBe(7);
    // A new history starts the count over; its parts add to it.
    b.reset('s', 0, [lossy(1, 5)], 'replay');
    b.append([lossy(2, 0), lossy(4, 1)]);
    expect(b.lost).toBe(6);
    b.reset('s', 0, [], 'live');
    expect(b.lost).toBe(0);
  });

  it('does not append to a loaded file', () => {
    const b = new FrameBuffer(4, 10);
    b.reset('s', 0, [fr(1)], 'file');
    b.append([fr(2)]);
    expect(b.frames.map((f) => f.frame)).toEqual([1]);
  });
});
