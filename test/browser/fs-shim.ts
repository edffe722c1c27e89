// `node:fs` in the browser suite: readFileSync of a test fixture, fetched from
// the suite's localhost server with a synchronous XMLHttpRequest (the page
// serves test/ under the same paths, so `new URL('../x', import.meta.url)`
// works as on disk). Text only; anything else is an error, not a guess.
export function readFileSync(path: URL | string, encoding?: string): string {
  if (encoding !== 'utf8' && encoding !== 'utf-8') throw new Error(`browser fs shim: readFileSync(${String(path)}) needs 'utf8'`);
  const xhr = new XMLHttpRequest();
  xhr.open('GET', String(path), false);
  xhr.overrideMimeType('text/plain; charset=utf-8');
  xhr.send();
  if (xhr.status !== 200) throw new Error(`ENOENT: no such file (HTTP ${xhr.status}): ${String(path)}`);
  return xhr.responseText;
}
