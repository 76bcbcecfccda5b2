// The panel's frame buffer: a bounded window of recent frames, the selected frame, live/paused state and
// where the frames came from (a live server, a server replaying a saved session, or a loaded file). Views
// read it; nothing here draws.
import type { FrameProfile, Session } from './format';

/** `replay`: a server replaying a saved session, whose history is the whole session, kept like a file's. */
export type Source = 'live' | 'replay' | 'file';

function lostIn(frames: FrameProfile[]): number {
  let n = 0;
  for (const f of frames) n += f.frames_lost;
  return n;
}

export class FrameBuffer {
  /** live frames kept */
  readonly capacity: number;
  /** frames kept of a loaded file or a replayed session: all of it but a huge one (it is finite) */
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
  /** older frames of the file or replayed session left out to keep the newest `fileCapacity` */
  leftOut = 0;
  /** frames the game began but could not record, by the `frames_lost` of the frames received since the
   *  buffer was last reset (those left out included) */
  lost = 0;

  constructor(capacity = 240, fileCapacity = 10_000) {
    this.capacity = capacity;
    this.fileCapacity = Math.max(capacity, fileCapacity);
  }

  /** How many frames the buffer keeps: `capacity` live, `fileCapacity` of a file or a replay. */
  get window(): number {
    return this.source === 'live' ? this.capacity : this.fileCapacity;
  }

  /** Appends a frame, dropping the oldest beyond the window; a paused view keeps showing what it showed. */
  push(frame: FrameProfile): void {
    // A history answer may overlap frames already received: keep one copy.
    for (let i = Math.max(0, this.frames.length - 8); i < this.frames.length; ++i) {
      const f = this.frames[i];
      if (f.frame === frame.frame && f.timestamp === frame.timestamp) return;
    }
    this.frames.push(frame);
    if (this.frames.length > this.window) this.frames.splice(0, this.frames.length - this.window);
    this.received += 1;
    this.lost += frame.frames_lost;
    if (this.frozen) this.sincePause += 1;
    this.version += 1;
  }

  /** Replaces the contents (new session, a history's first message, or a loaded file, which shows paused),
   *  keeping the newest `capacity` frames (`fileCapacity` of a file or replay). Returns how many older
   *  frames were left out. */
  reset(session_id: string, start_time: number, frames: FrameProfile[], source: Source): number {
    this.session_id = session_id;
    this.start_time = start_time;
    this.source = source;
    this.frames = frames.slice(-this.window);
    this.frozen = source === 'file' ? this.frames : null;
    this.pinned = this.frozen?.length ? this.frozen[this.frozen.length - 1].frame : null;
    this.received = source === 'file' ? this.frames.length : frames.length;
    this.sincePause = 0;
    this.leftOut = source === 'live' ? 0 : frames.length - this.frames.length;
    this.lost = lostIn(frames);
    this.version += 1;
    return frames.length - this.frames.length;
  }

  /** Appends the next message of a history sent in several (a replayed session's), keeping the newest of
   *  the window like push(); a file's frames are not appended to. Returns `leftOut`. */
  append(frames: FrameProfile[]): number {
    if (this.source === 'file' || frames.length === 0) return this.leftOut;
    for (const f of frames) this.frames.push(f);
    this.lost += lostIn(frames);
    const over = this.frames.length - this.window;
    if (over > 0) {
      this.frames.splice(0, over);
      if (this.source === 'replay') this.leftOut += over;
    }
    this.received += frames.length;
    if (this.frozen) this.sincePause += frames.length;
    this.version += 1;
    return this.leftOut;
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
