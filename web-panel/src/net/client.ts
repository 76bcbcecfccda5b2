// WebSocket client of protocol v1: reads hello/history/profile_frame/status/error/encoding (a history sent
// in several messages as parts of one; a part it cannot read ends that history), sends commands, asks for the
// compact frame encoding when the server offers it, reconnects with exponential backoff when the game goes
// away (but waits for reconnect() after a replay's server ended the connection with an error), and notices
// a different session_id.
import {
  FormatError, PROTOCOL_VERSION, parseServerMessage,
  type ClientCommand, type FrameEncoding, type FrameProfile, type HelloMessage, type StatusMessage, type ZoneKind,
} from '../model/format';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ClientHandlers {
  state?(state: ConnectionState, detail: string): void;
  /** `previous` is the session id seen before when this hello names a different one */
  hello?(hello: HelloMessage, previous: string | null): void;
  /** one history message: `first` when it starts a history (else it continues the one before), `more`
   *  when another part of it follows */
  history?(frames: FrameProfile[], part: HistoryPart): void;
  /** a part of a history could not be read (`first`: its first part): that history ends here (the parts
   *  before it stand, the rest of it is skipped) and the next history message starts a new one */
  historyFailed?(message: string, first: boolean): void;
  frame?(frame: FrameProfile): void;
  status?(status: StatusMessage): void;
  /** the server confirmed the encoding of the frames that follow */
  encoding?(encoding: FrameEncoding): void;
  /** an error message from the server, or a message the client could not read */
  error?(message: string): void;
  /** the server ended the connection with an error (close code 1011): `reason` is the `error` message just
   *  before the close (the whole text), else the close frame's reason; `halted` when the server was a replay:
   *  the client then waits for reconnect() (`state` follows, `closed`) */
  fault?(reason: string, halted: boolean): void;
}

/** The close code of a server that ends a connection with an error (RFC 6455 "internal error"; a replay's
 *  server sends it when a history part cannot be read from its file). */
export const CLOSE_INTERNAL_ERROR = 1011;

/** Where a history message stands in its history. */
export interface HistoryPart { first: boolean; more: boolean }

/** Between histories; receiving the parts of one; skipping the rest of one whose part could not be read. */
type HistoryState = 'none' | 'receiving' | 'skipping';

/**
 * Whether a message the client could not read is a `history` message, and if so whether more parts follow
 * it: from its JSON when that parses (a frame in it was bad), else from the text's ends as the server writes
 * them (`{"type":"history",...,"more":true}`). null: not a history.
 */
export function unreadableHistory(text: string): { more: boolean } | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    if (!/^\s*\{\s*"type"\s*:\s*"history"/.test(text)) return null;
    return { more: /"more"\s*:\s*true\s*\}\s*$/.test(text) };
  }
  if (typeof o !== 'object' || o === null || (o as { type?: unknown }).type !== 'history') return null;
  return { more: (o as { more?: unknown }).more === true };
}

/** The subset of the browser WebSocket the client uses (the `ws` package's client has it too). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface ClientOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  socket?: SocketFactory;
  /** the frame encoding to ask for when the server offers it (default `compact`) */
  encoding?: FrameEncoding;
}

/** The WebSocket URL of the server that served `page` (ws://host/ws, passing on a `token` query). */
export function socketUrl(page: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(page.search).get('token');
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${page.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/** `url` asking the server to start in `encoding`, history included (its hello then names it; servers
 *  that predate the parameter ignore it, and set_encoding after hello switches them). */
export function withEncoding(url: string, encoding: FrameEncoding): string {
  return `${url}${url.includes('?') ? '&' : '?'}encoding=${encoding}`;
}

/** `url` asking the server to send a long history (a replayed session's) as several messages, each one a
 *  string the browser can hold (servers that predate the parameter send one message, as they always did). */
export function withHistoryParts(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}history=parts`;
}

export class ProfilerClient {
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private stopped = true;
  private sessionId: string | null = null;
  /** where the history messages stand: `receiving` after a part that said `more` */
  private historyState: HistoryState = 'none';
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly factory: SocketFactory;
  private readonly wanted: FrameEncoding;
  state: ConnectionState = 'closed';
  /** the encoding the server confirmed for this connection (`json` until it does) */
  encoding: FrameEncoding = 'json';
  /** ms until the next reconnection attempt, 0 when none is scheduled */
  nextRetryMs = 0;
  /** connection attempts that failed since the last connection opened (or since start) */
  failedAttempts = 0;
  /** when the last open connection closed (epoch ms); null while open or before one opened */
  lostAt: number | null = null;
  /** why the server ended the last connection with an error (close code 1011); null after one opens */
  fault: string | null = null;
  /** no reconnection is scheduled: a replay's server ended the connection with an error, and every attempt
   *  would make it read the session again up to the same frame; reconnect() tries once */
  halted = false;
  /** connections ended with an error in a row: their retries back off although each one said hello */
  private faults = 0;
  /** the last message of this connection was an `error` (the whole text of a close's cut reason) */
  private lastError: string | null = null;
  /** this connection's hello said the server replays a saved session */
  private replay = false;

  constructor(private readonly url: string, private readonly on: ClientHandlers, options: ClientOptions = {}) {
    this.minDelay = options.minDelayMs ?? 250;
    this.maxDelay = options.maxDelayMs ?? 5000;
    this.factory = options.socket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.wanted = options.encoding ?? 'compact';
  }

  /** Connects (and keeps reconnecting until stop()). */
  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Connects once now, after a fault halted the client (or sooner than the scheduled retry); a replay whose
   *  file is still broken halts it again. No-op while connected or connecting, and after stop(). */
  reconnect(): void {
    if (this.stopped || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.halted = false;
    this.attempt = 0;
    this.connect();
  }

  /** Closes the connection and cancels any reconnection. */
  stop(): void {
    this.stopped = true;
    this.halted = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) s.close();
    this.setState('closed', 'stopped');
  }

  /** Sends a command; returns false when not connected. */
  send(command: ClientCommand): boolean {
    return this.sendMessage({ command });
  }

  /** Asks the game to record only these kinds of zones from its next frame on; false when not connected. */
  setRecordedKinds(kinds: readonly ZoneKind[]): boolean {
    return this.sendMessage({ command: 'set_recorded_kinds', kinds });
  }

  private sendMessage(message: object): boolean {
    if (!this.socket || this.state !== 'open') return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private setState(state: ConnectionState, detail: string): void {
    this.state = state;
    this.on.state?.(state, detail);
  }

  private connect(): void {
    this.timer = null;
    this.setState('connecting', `connecting to ${this.url}`);
    let socket: SocketLike;
    try {
      socket = this.factory(withHistoryParts(this.wanted === 'json' ? this.url : withEncoding(this.url, this.wanted)));
    } catch (e) {
      this.failedAttempts += 1;
      this.scheduleRetry(`cannot connect: ${(e as Error).message}`);
      return;
    }
    this.socket = socket;
    this.encoding = 'json';
    this.historyState = 'none';
    this.lastError = null;
    this.replay = false;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.failedAttempts = 0;
      this.lostAt = null;
      this.fault = null;
      this.setState('open', `connected to ${this.url}`);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onerror = () => {};
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (opened) this.lostAt = Date.now();
      else this.failedAttempts += 1;
      const close = ev as { code?: number; reason?: string } | null;
      if (close?.code === CLOSE_INTERNAL_ERROR) return this.faulted(close.reason ?? '');
      if (opened) this.faults = 0;
      this.scheduleRetry(opened ? 'connection closed' : 'cannot connect');
    };
  }

  /** The server ended the connection with an error: a replay's halts the client (trying again would read the
   *  session again up to the same broken frame, to no end until its file is put back); a live server's is
   *  retried as a lost one, backing off as its hellos would not. */
  private faulted(reason: string): void {
    this.fault = this.lastError ?? (reason || 'the server ended the connection with an error (1011)');
    this.on.fault?.(this.fault, this.replay);
    if (this.replay && !this.stopped) {
      this.halted = true;
      this.nextRetryMs = 0;
      this.setState('closed', `the replay server ended the connection: ${this.fault}; not reconnecting by itself`);
      return;
    }
    this.attempt = Math.max(this.attempt, this.faults);
    this.faults += 1;
    this.scheduleRetry(`the server ended the connection: ${this.fault}`);
  }

  private scheduleRetry(reason: string): void {
    if (this.stopped) return;
    const delay = Math.min(this.maxDelay, this.minDelay * 2 ** Math.min(this.attempt, 16));
    this.attempt += 1;
    this.nextRetryMs = delay;
    this.setState('closed', `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private receive(data: unknown): void {
    const text = typeof data === 'string' ? data : String(data);
    this.lastError = null;
    let msg;
    try {
      msg = parseServerMessage(text);
    } catch (e) {
      const why = e instanceof FormatError ? e.message : String(e);
      const history = unreadableHistory(text);
      if (!history) {
        this.on.error?.(`unreadable message from the server: ${why}`);
      } else if (this.historyState === 'skipping') {
        if (!history.more) this.historyState = 'none';
      } else {
        const first = this.historyState === 'none';
        this.historyState = history.more ? 'skipping' : 'none';
        this.on.historyFailed?.(`unreadable history message from the server: ${why}`, first);
      }
      return;
    }
    switch (msg.type) {
      case 'hello': {
        this.attempt = 0;
        this.nextRetryMs = 0;
        if (msg.protocol_version !== PROTOCOL_VERSION)
          this.on.error?.(`server speaks protocol ${msg.protocol_version}, this panel ${PROTOCOL_VERSION}`);
        const previous = this.sessionId !== null && this.sessionId !== msg.session_id ? this.sessionId : null;
        this.sessionId = msg.session_id;
        this.replay = msg.replay;
        this.on.hello?.(msg, previous);
        // A server that took the URL's `?encoding=` says so in hello: nothing to ask. One that did not
        // (older) is asked with set_encoding: frames already queued stay JSON, the ones after its
        // `encoding` reply come compact.
        if (msg.encoding !== 'json') {
          this.encoding = msg.encoding;
          this.on.encoding?.(msg.encoding);
        }
        if (this.wanted !== msg.encoding && msg.encodings.includes(this.wanted) && this.socket && this.state === 'open')
          this.socket.send(JSON.stringify({ command: 'set_encoding', encoding: this.wanted }));
        break;
      }
      case 'encoding':
        this.encoding = msg.encoding;
        this.on.encoding?.(msg.encoding);
        break;
      case 'history': {
        if (this.historyState === 'skipping') {  // the rest of a history that could not be read
          if (!msg.more) this.historyState = 'none';
          break;
        }
        const first = this.historyState === 'none';
        this.historyState = msg.more ? 'receiving' : 'none';
        this.on.history?.(msg.frames, { first, more: msg.more });
        break;
      }
      case 'profile_frame': this.on.frame?.(msg.data); break;
      case 'status': this.on.status?.(msg); break;
      case 'error':
        this.lastError = msg.message;
        this.on.error?.(msg.message);
        break;
    }
  }
}
