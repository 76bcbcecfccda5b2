// The panel's words on where its frames come from: a replay is named as one (never "profiling is off"),
// lost frames are counted, and a lost connection says which server, since when, and that it keeps trying
// (or, for a replay whose server ended it with an error, why, what is kept, and that it waits to be asked).
import { describe, expect, it } from 'vitest';
import { count, disconnectedText, resimulatedText, disconnection, lostText, modeText, skippedText, type ModeState } from './status';

const live: ModeState = { paused: false, sincePause: 0, disconnected: false, profilingOff: false, replay: null };

describe('modeText', () => {
  it('names a replay by its file and frames, whatever the (absent) game\'s profiling', () => {
    const replay = { file: 'run.jsonl', frames: 12000 };
    expect(modeText({ ...live, profilingOff: true, replay })).toBe('replay · run.jsonl · 12,000 frames');
    expect(modeText({ ...live, replay })).toBe('replay · run.jsonl · 12,000 frames');
    // A server before replay_file names no file.
    expect(modeText({ ...live, profilingOff: true, replay: { file: '', frames: 1 } })).toBe('replay · 1 frame');
  });

  it('says live, profiling off, paused and disconnected for a game', () => {
    expect(modeText(live)).toBe('live');
    expect(modeText({ ...live, profilingOff: true })).toBe('live · profiling is off in the game');
    expect(modeText({ ...live, paused: true, sincePause: 1 })).toBe('paused · 1 newer frame');
    expect(modeText({ ...live, paused: true, replay: { file: 'a', frames: 3 } })).toBe('paused');
    expect(modeText({ ...live, disconnected: true, replay: { file: 'a', frames: 3 } }))
      .toBe('disconnected · the last frames received');
  });
});

describe('skippedText', () => {
  it('names the kinds a frame did not record, in words', () => {
    expect(skippedText(undefined)).toBe('');
    expect(skippedText([])).toBe('');
    expect(skippedText(['lua_callback'])).toBe('API callbacks not recorded');
    expect(skippedText(['lua_code', 'lua_callback'])).toBe('script code and API callbacks not recorded');
    expect(skippedText(['engine', 'lua_code', 'lua_callback'])).toBe('engine zones, script code and API callbacks not recorded');
  });
});

describe('lostText', () => {
  it('counts lost frames, and says nothing of none', () => {
    expect(lostText(0)).toBe('');
    expect(lostText(1)).toBe('the game lost 1 frame');
    expect(lostText(1234)).toBe('the game lost 1,234 frames');
  });
});

describe('disconnection', () => {
  it('is spoken of once a connection was lost or an attempt failed, not while the page first connects', () => {
    expect(disconnection(false, null, 0, 'h:1', false)).toBeNull();
    expect(disconnection(true, null, 0, 'h:1', false)).toBeNull();
    expect(disconnection(false, null, 1, 'h:1', false))
      .toEqual({ host: 'h:1', since: null, attempts: 1, replay: false, fault: null, halted: false });
    expect(disconnection(false, 5, 0, 'h:1', true, 'f.jsonl: frame 9', true))
      .toEqual({ host: 'h:1', since: 5, attempts: 0, replay: true, fault: 'f.jsonl: frame 9', halted: true });
    expect(disconnection(true, 5, 2, 'h:1', false)).toBeNull();
  });
});

describe('disconnectedText', () => {
  const down = { fault: null, halted: false };
  it('names the server, when it went away and the attempts since', () => {
    const since = new Date(2026, 10, 27, 4, 5, 6).getTime();
    expect(disconnectedText({ ...down, host: '127.0.0.1:8765', since, attempts: 0, replay: false }))
      .toBe('The game\'s server at 127.0.0.1:8765 went away at 04:05:06; showing the last frames received and ' +
            'reconnecting by itself.');
    expect(disconnectedText({ ...down, host: '127.0.0.1:8765', since, attempts: 3, replay: false }))
      .toMatch(/reconnecting by itself \(3 attempts so far\)\.$/);
    expect(disconnectedText({ ...down, host: 'h:1', since, attempts: 1, replay: true }))
      .toMatch(/^The replay server \(yams serve\) at h:1 went away at 04:05:06; .* \(1 attempt so far\)\.$/);
    expect(disconnectedText({ ...down, host: 'h:1', since: null, attempts: 1, replay: false }))
      .toBe('Cannot reach the game\'s server at h:1; trying again every few seconds (1 attempt so far).');
  });

  it('gives a replay\'s server\'s reason for ending the connection, what is kept, and that it waits to be asked', () => {
    const since = new Date(2026, 10, 27, 4, 5, 6).getTime();
    const fault = 'rec.jsonl: frame 60 (bytes 10 to 20): no longer in the file, which was cut short after it was indexed';
    const replay = { host: 'h:1', since, attempts: 0, replay: true, fault, halted: true };
    expect(disconnectedText(replay, 59))
      .toBe(`The replay server (yams serve) at h:1 stopped sending the session at 04:05:06: ${fault}. The frames ` +
            'received up to frame 59 are kept. The panel does not reconnect by itself: each attempt makes the ' +
            'server read the session again up to that point.');
    expect(disconnectedText(replay)).toContain(`: ${fault}. No frame arrived before it. The panel does not `);
    // A live server's error: said, and retried as a lost server is.
    expect(disconnectedText({ host: 'h:1', since, attempts: 2, replay: false, fault: 'out of memory', halted: false }))
      .toBe('The game\'s server at h:1 ended the connection with an error at 04:05:06: out of memory. Showing the ' +
            'last frames received and reconnecting by itself (2 attempts so far).');
  });
});

describe('count', () => {
  it('says one in the singular and the rest in the plural, with thousands separated', () => {
    expect(count(1, 'call')).toBe('1 call');
    expect(count(0, 'call')).toBe('0 calls');
    expect(count(1200, 'matching bar')).toBe('1,200 matching bars');
  });
  it('says how many frames a rollback re-simulated', () => {
    expect(resimulatedText(1)).toBe('1 frame resimulated');
    expect(resimulatedText(38)).toBe('38 frames resimulated');
  });
});
