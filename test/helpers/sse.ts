/** A Server-Sent Events client over real HTTP, as a browser's EventSource reads `GET /api/v1/alerts/stream`. */
import http from 'node:http';

export interface SseStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Comment lines (`: …`), without the colon. */
  comments: string[];
  /** `data:` of each event, parsed. */
  events: unknown[];
  /** The whole body so far (a refusal's problem+json). */
  body: string;
  /** The server ended the response. */
  ended: boolean;
  close(): void;
}

/** Opens a stream; resolves once its first bytes arrived (or the answer ended, for a refusal). */
export function openSse(url: string, headers: http.OutgoingHttpHeaders): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false });
    const stream: SseStream = {
      status: 0,
      headers: {},
      comments: [],
      events: [],
      body: '',
      ended: false,
      close: () => req.destroy(),
    };
    let buffer = '';
    req.on('error', (err) => {
      if (!stream.ended) reject(err);
    });
    req.on('response', (res) => {
      stream.status = res.statusCode ?? 0;
      stream.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.body += chunk;
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
            else if (line.startsWith('data:')) stream.events.push(JSON.parse(line.slice(5)));
          }
        }
        if (stream.status === 200) resolve(stream);
      });
      res.on('end', () => {
        stream.ended = true;
        resolve(stream);
      });
      res.on('close', () => {
        stream.ended = true;
        resolve(stream);
      });
    });
  });
}
