import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One GET without following redirects; resolves with the status code, or undefined when the server
 * is not answering (connection refused/reset/timeout). Uses node:http(s) rather than fetch so a
 * private CA can be passed.
 */
export async function probeStatus(url: string, ca?: string, timeoutMs = 2000): Promise<number | undefined> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(target, { method: 'GET', ca, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
