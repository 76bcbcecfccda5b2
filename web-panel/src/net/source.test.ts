// The editor link of the source view (net/source.ts).
import { describe, expect, it } from 'vitest';
import { editorLink } from './source';

describe('editorLink', () => {
  it('puts an absolute path right after vscode://file, with the line', () => {
    expect(editorLink('/work/game/scripts/duck.lua', 4)).toBe('vscode://file/work/game/scripts/duck.lua:4');
  });
  it('gives a drive path its slash', () => {
    expect(editorLink('c:/game/duck.lua', 12)).toBe('vscode://file/c:/game/duck.lua:12');
  });
  it('escapes what a URL cannot hold', () => {
    expect(editorLink('/home/me/my game/a b.cpp', 1)).toBe('vscode://file/home/me/my%20game/a%20b.cpp:1');
  });
});
