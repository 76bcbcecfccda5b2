// The panel's frame buffer: a bounded window of recent frames, the selected frame, live/paused state and
// where the frames came from (live server or a loaded file). Views read it; nothing here draws.
import type { FrameProfile, Session } from './format';

export type Source = 'live' | 'file';

export class FrameBuffer {
  /** live frames kept */
  readonly capacity: number;
  /** frames kept of a loaded file: all of a file but a huge one (it is finite, and was parsed whole anyway) */
  readonly fileCapacity: number;
  /** the live window, newest last (keeps filling while paused) */
  frames: FrameProfile[] = [];
  /** what the views show while paused: the window as it was when the view paused, or a loaded file */
  frozen: FrameProfile[] | null = null;
  /** frame number of the selected frame while paused */
  pinned: number | null = null;
  source: Source = 'live';
  session_id = '';
  start_time = 0;
  /** bumped on every change so views can tell cheaply whether to redraw */
  version = 0;
  /** frames received since the buffer was last reset */
  received = 0;
  /** frames received since the view paused */
  sincePause = 0;

  constructor(capacity = 240, fileCapacity = 10_000) {
    this.capacity = capacity;
    this.fileCapacity = Math.max(capacity, fileCapacity);
  }

  /** Appends a frame, dropping the oldest beyond capacity; a paused view keeps showing what it showed. */
  push(frame: FrameProfile): void {
    // A history answer may overlap frames already received: keep one copy.
    for (let i = Math.max(0, this.frames.length - 8); i < this.frames.length; ++i) {
      const f = this.frames[i];
      if (f.frame === frame.frame && f.timestamp === frame.timestamp) return;
    }
    this.frames.push(frame);
    if (this.frames.length > this.capacity) this.frames.splice(0, this.frames.length - this.capacity);
    this.received += 1;
    if (this.frozen) this.sincePause += 1;
    this.version += 1;
  }

  /** Replaces the contents (new session, history message, or a loaded file, which shows paused), keeping
   *  the newest `capacity` frames (`fileCapacity` of a file). Returns how many older frames were left out. */
  reset(session_id: string, start_time: number, frames: FrameProfile[], source: Source): number {
    this.session_id = session_id;
    this.start_time = start_time;
    const kept = source === 'file' ? this.fileCapacity : this.capacity;
    this.frames = frames.slice(-kept);
    this.source = source;
    this.frozen = source === 'file' ? this.frames : null;
    this.pinned = this.frozen?.length ? this.frozen[this.frozen.length - 1].frame : null;
    this.received = this.frames.length;
    this.sincePause = 0;
    this.version += 1;
    return frames.length - this.frames.length;
  }

  /** The frames the views show: the frozen ones while paused, else the live window. */
  get shown(): FrameProfile[] {
    return this.frozen ?? this.frames;
  }

  get paused(): boolean {
    return this.frozen !== null;
  }

  /** The selected frame: the pinned one while paused, else the newest; undefined when empty. */
  get selected(): FrameProfile | undefined {
    const list = this.shown;
    if (this.pinned === null) return list[list.length - 1];
    return list.find((f) => f.frame === this.pinned) ?? list[list.length - 1];
  }

  get selectedIndex(): number {
    const s = this.selected;
    return s ? this.shown.indexOf(s) : -1;
  }

  /** Selects the shown frame at `index`, pausing the view (frozen as it is now). */
  select(index: number): void {
    const list = this.shown;
    if (list.length === 0) return;
    if (!this.frozen) {
      this.frozen = list.slice();
      this.sincePause = 0;
    }
    this.pinned = this.frozen[Math.max(0, Math.min(this.frozen.length - 1, index))].frame;
    this.version += 1;
  }

  /** Moves the selection by `delta` frames (pausing). */
  step(delta: number): void {
    const i = this.selectedIndex;
    if (i >= 0) this.select(i + delta);
  }

  /** Returns to following the newest frame; a loaded file goes back to its last frame. */
  resume(): void {
    if (this.source === 'file') {
      this.pinned = this.frames.length ? this.frames[this.frames.length - 1].frame : null;
    } else {
      this.frozen = null;
      this.pinned = null;
      this.sincePause = 0;
    }
    this.version += 1;
  }

  /** The shown frames as a session (document form when written). */
  toSession(): Session {
    return { session_id: this.session_id, start_time: this.start_time, frames: this.shown.slice() };
  }
}
