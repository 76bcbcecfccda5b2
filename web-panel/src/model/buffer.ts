// The panel's frame buffer: a bounded window of recent frames, the selected frame, live/paused state and
// where the frames came from (live server or a loaded file). Views read it; nothing here draws.
import type { FrameProfile, Session } from './format';

export type Source = 'live' | 'file';

export class FrameBuffer {
  readonly capacity: number;
  frames: FrameProfile[] = [];
  /** frame number of the selected frame when paused; null follows the newest (live) */
  pinned: number | null = null;
  source: Source = 'live';
  session_id = '';
  start_time = 0;
  /** bumped on every change so views can tell cheaply whether to redraw */
  version = 0;
  /** frames received since the buffer was last reset (the strip's motion) */
  received = 0;

  constructor(capacity = 240) {
    this.capacity = capacity;
  }

  /** Appends a frame, dropping the oldest beyond capacity. */
  push(frame: FrameProfile): void {
    this.frames.push(frame);
    if (this.frames.length > this.capacity) this.frames.splice(0, this.frames.length - this.capacity);
    if (this.pinned !== null && !this.frames.some((f) => f.frame === this.pinned)) this.pinned = this.frames[0].frame;
    this.received += 1;
    this.version += 1;
  }

  /** Replaces the contents (new session, history message, or a loaded file). */
  reset(session_id: string, start_time: number, frames: FrameProfile[], source: Source): void {
    this.session_id = session_id;
    this.start_time = start_time;
    this.frames = frames.slice(-this.capacity);
    this.source = source;
    this.pinned = source === 'file' && this.frames.length ? this.frames[this.frames.length - 1].frame : null;
    this.received = this.frames.length;
    this.version += 1;
  }

  get paused(): boolean {
    return this.pinned !== null;
  }

  /** The selected frame: the pinned one, else the newest; undefined when empty. */
  get selected(): FrameProfile | undefined {
    if (this.pinned === null) return this.frames[this.frames.length - 1];
    return this.frames.find((f) => f.frame === this.pinned) ?? this.frames[this.frames.length - 1];
  }

  get selectedIndex(): number {
    const s = this.selected;
    return s ? this.frames.indexOf(s) : -1;
  }

  /** Selects the frame at `index` and pauses the live view on it. */
  select(index: number): void {
    if (this.frames.length === 0) return;
    const i = Math.max(0, Math.min(this.frames.length - 1, index));
    this.pinned = this.frames[i].frame;
    this.version += 1;
  }

  /** Moves the selection by `delta` frames (pausing). */
  step(delta: number): void {
    const i = this.selectedIndex;
    if (i >= 0) this.select(i + delta);
  }

  /** Returns to following the newest frame; a loaded file stays on its last frame. */
  resume(): void {
    this.pinned = this.source === 'file' && this.frames.length ? this.frames[this.frames.length - 1].frame : null;
    this.version += 1;
  }

  /** The buffer as a session (document form when written). */
  toSession(): Session {
    return { session_id: this.session_id, start_time: this.start_time, frames: this.frames.slice() };
  }
}
