// The small self-contained page the console answers with when it refuses a request (no script, no styles file).

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] as string);
}

export function refusalPage(status: number, message: string): string {
  const title = status === 401 ? 'Token required' : status === 403 ? 'Refused' : 'Not found';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lambda-ml console: ${title}</title></head>
<body><h1>lambda-ml console: ${title}</h1><p>${escapeHtml(message)}</p></body></html>
`;
}
