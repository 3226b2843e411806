import http from 'node:http';
import https from 'node:https';

/**
 * The part of `fetch` the registry and Hub clients use. The global `fetch` fits this type
 * (tests pass fakes built on it), but the app itself uses `httpFetch` below: Node builds its
 * `fetch` on undici, and loading undici costs about 15 MB of memory, which is a fifth of what
 * the whole lab may use (docs/ARCHITECTURE.md, "Budgets": thirty students on school laptops).
 */
export type FetchLike = (
	url: string | URL,
	init: {
		readonly method?: 'GET' | 'HEAD' | 'DELETE';
		readonly headers?: Record<string, string>;
		readonly signal?: AbortSignal;
		readonly redirect?: 'follow';
		/** httpFetch: the only certificate authority an https answer is trusted from (PEM), instead of the system's. */
		readonly ca?: string | Buffer;
	},
) => Promise<FetchedResponse>;

export type FetchedResponse = {
	readonly status: number;
	readonly headers: {get(name: string): string | null};
	arrayBuffer(): Promise<ArrayBuffer>;
	text(): Promise<string>;
};

const maxRedirects = 10;
/** Registry answers here are JSON documents (manifests, tag lists, tokens), never layers. */
const maxBodyBytes = 8 * 1024 * 1024;

/**
 * A GET or HEAD over node:http(s), answering like `fetch`: redirects followed (the
 * Authorization header is dropped when a redirect leaves the origin, as fetch does), the body
 * read whole, and errors thrown with Node's own codes (ECONNREFUSED, EPROTO, CERT_HAS_EXPIRED...).
 * `ca` (a class registry's own certificate) is trusted on the first origin only: a redirect elsewhere
 * goes back to the system's certificate authorities.
 */
export const httpFetch: FetchLike = async (url, init) => {
	let target = new URL(url);
	let method = init.method ?? 'GET';
	let headers = {...init.headers};
	let ca = init.ca;
	for (let hops = 0; ; hops++) {
		const answer = await once(target, method, headers, init.signal, ca);
		const location = answer.headers.get('location');
		if (![301, 302, 303, 307, 308].includes(answer.status) || location === null) return answer;
		if (hops >= maxRedirects) throw new Error(`too many redirects (more than ${maxRedirects}), the last to ${location}`);
		const next = new URL(location, target);
		if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`a redirect to ${next.protocol} is not followed`);
		if (next.origin !== target.origin) {
			headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
			ca = undefined;
		}
		if (answer.status === 303 && method !== 'HEAD') method = 'GET';
		target = next;
	}
};

function once(
	url: URL,
	method: 'GET' | 'HEAD' | 'DELETE',
	headers: Record<string, string>,
	signal: AbortSignal | undefined,
	ca: string | Buffer | undefined,
): Promise<FetchedResponse> {
	return new Promise((resolve, reject) => {
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			reject(new TypeError(`only http and https addresses can be asked (not ${url.protocol})`));
			return;
		}
		const request = (url.protocol === 'https:' ? https : http).request(
			url,
			{method, headers, ...(signal ? {signal} : {}), ...(ca && url.protocol === 'https:' ? {ca} : {})},
			response => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > maxBodyBytes) {
						response.destroy(new Error(`the answer from ${url.host} is larger than ${maxBodyBytes / 1024 / 1024} MB`));
						return;
					}
					chunks.push(chunk);
				});
				response.once('error', reject);
				response.once('close', () => {
					if (!response.complete) reject(new Error(`${url.host} closed the connection before the answer was complete`));
				});
				response.once('end', () => {
					const body = Buffer.concat(chunks);
					const raw = response.headers;
					resolve({
						status: response.statusCode ?? 0,
						headers: {
							get(name) {
								const value = raw[name.toLowerCase()];
								return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
							},
						},
						arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength),
						text: async () => body.toString('utf8'),
					});
				});
			},
		);
		request.once('error', reject);
		request.end();
	});
}
