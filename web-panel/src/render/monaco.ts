// Loads a lean Monaco: the editor core with plaintext, Lua and C++ highlighting only, and the editor
// worker bundled by Vite (no language services, so no other workers are requested).
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/lua/register';
import 'monaco-editor/languages/definitions/cpp/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export { monaco };

/** The Monaco language id for a source path. */
export function languageOf(path: string): string {
  if (/\.lua$/i.test(path)) return 'lua';
  if (/\.(c|cc|cpp|cxx|h|hh|hpp|hxx|inl|ipp)$/i.test(path)) return 'cpp';
  return 'plaintext';
}
