import {afterEach, describe, expect, it} from 'vitest';
import {httpFetch} from '../../src/registry/http-request.js';
import {closeServers, serveHttp as serve, type Served} from '../helpers/http-server.js';

afterEach(closeServers);

/** What the server saw, as the redirect test compares it. */
const asked = (served: Served) =>
	served.seen.map(({method, url, headers}) => ({method, path: url.pathname, ...(headers.authorization ? {authorization: headers.authorization} : {})}));

describe('httpFetch', () => {
	it('answers like fetch: status, headers by any case (repeated ones joined), the body as text and bytes', async () => {
		const {origin} = await serve((_request, response) => {
			response.setHeader('Docker-Content-Digest', 'sha256:abc');
			response.setHeader('WWW-Authenticate', ['Basic realm="a"', 'Bearer realm="b"']);
			response.writeHead(201).end('{"ok":true}');
		});
		const answer = await httpFetch(`${origin}/v2/`, {});
		expect(answer.status).toBe(201);
		expect(answer.headers.get('docker-content-digest')).toBe('sha256:abc');
		expect(answer.headers.get('Www-Authenticate')).toBe('Basic realm="a", Bearer realm="b"');
		expect(answer.headers.get('link')).toBeNull();
		expect(await answer.text()).toBe('{"ok":true}');
		expect(Buffer.from(await answer.arrayBuffer()).toString()).toBe('{"ok":true}');
	});

	it('follows redirects, keeps Authorization on the same origin and drops it on another, as fetch does', async () => {
		const other = await serve((_request, response) => response.end('there'));
		const here = await serve((request, response) => {
			if (request.url === '/first') response.writeHead(307, {Location: '/second'}).end();
			else response.writeHead(302, {Location: `${other.origin}/elsewhere`}).end();
		});
		const answer = await httpFetch(`${here.origin}/first`, {headers: {Authorization: 'Basic c2VjcmV0'}});
		expect(await answer.text()).toBe('there');
		expect(asked(here)).toEqual([
			{method: 'GET', path: '/first', authorization: 'Basic c2VjcmV0'},
			{method: 'GET', path: '/second', authorization: 'Basic c2VjcmV0'},
		]);
		expect(asked(other)).toEqual([{method: 'GET', path: '/elsewhere'}]);
	});

	it('stops a redirect loop, and never follows a redirect away from http(s)', async () => {
		const {origin} = await serve((request, response) => {
			response.writeHead(302, {Location: request.url === '/file' ? 'file:///etc/passwd' : '/loop'}).end();
		});
		await expect(httpFetch(`${origin}/loop`, {})).rejects.toThrow(/too many redirects/);
		await expect(httpFetch(`${origin}/file`, {})).rejects.toThrow(/file: is not followed/);
	});

	it('sends HEAD without reading a body', async () => {
		const {origin, seen} = await serve((_request, response) => response.writeHead(200, {'Content-Length': '5'}).end());
		const answer = await httpFetch(`${origin}/v2/x/manifests/1`, {method: 'HEAD'});
		expect([answer.status, await answer.text(), seen[0]?.method]).toEqual([200, '', 'HEAD']);
	});

	it('refuses an answer larger than any registry document, and one cut short', async () => {
		const {origin} = await serve((request, response) => {
			if (request.url === '/huge') {
				response.writeHead(200);
				const chunk = Buffer.alloc(1024 * 1024);
				let sent = 0;
				const more = () => {
					while (sent++ < 20) if (!response.write(chunk)) return response.once('drain', more);
					response.end();
				};
				more();
			} else {
				response.writeHead(200, {'Content-Length': '100'});
				response.write('only part');
				setTimeout(() => response.destroy(), 20);
			}
		});
		await expect(httpFetch(`${origin}/huge`, {})).rejects.toThrow(/larger than 8 MB/);
		await expect(httpFetch(`${origin}/cut`, {})).rejects.toThrow();
	});

	it('throws Node’s own error codes, which the clients explain', async () => {
		const {origin} = await serve((_request, response) => response.end());
		const closed = origin.replace(/:\d+$/, ':1');
		await expect(httpFetch(`${closed}/v2/`, {})).rejects.toMatchObject({code: 'ECONNREFUSED'});
		const controller = new AbortController();
		controller.abort();
		await expect(httpFetch(`${origin}/v2/`, {signal: controller.signal})).rejects.toMatchObject({name: 'AbortError'});
	});
});
