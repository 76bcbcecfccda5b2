// Fetches a call site's source text from the server's read-only endpoint `/api/source?path=`.

export type SourceResult = { ok: true; text: string } | { ok: false; message: string };

/** The page's `token` query, passed on to the server's endpoints. */
export function pageToken(): string | null {
  return new URLSearchParams(location.search).get('token');
}

/** Asks the server that served the panel for `path`'s current text; a failure says why (not under the roots,
 *  missing, offline). */
export async function fetchSource(path: string): Promise<SourceResult> {
  const token = pageToken();
  const url = `api/source?path=${encodeURIComponent(path)}`;
  try {
    // Never from the browser's cache: a script edited since the last look must show its new text.
    const res = await fetch(url, { cache: 'no-store', headers: token ? { 'X-Yams-Token': token } : {} });
    if (res.ok) return { ok: true, text: await res.text() };
    const why = res.status === 403 ? 'outside the source roots the server may show'
      : res.status === 404 ? 'not found on the server' : `HTTP ${res.status}`;
    return { ok: false, message: `${path}: ${why}.` };
  } catch (e) {
    return { ok: false, message: `${path}: the server could not be reached (${(e as Error).message}).` };
  }
}

/** The `vscode://file` link that opens `file` at `line` in VS Code: the absolute path follows `file`
 *  directly (`vscode://file/home/me/a.lua:4`, not `file//home`, which reads as a network path); a drive
 *  path gets its slash (`vscode://file/c:/game/a.lua:4`). Characters a URL cannot hold are escaped. */
export function editorLink(file: string, line: number): string {
  return `vscode://file${file.startsWith('/') ? '' : '/'}${encodeURI(file)}:${line}`;
}
