import {createHash} from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {isLoopbackHost, registryApiHost} from '../../src/registry/address.js';
import {parseChallenge} from '../../src/registry/registry-auth.js';
import {createRegistryClient, MANIFEST_MEDIA_TYPES, nextLink, type RegistryFailure} from '../../src/registry/registry-client.js';
import {retryAfterSeconds} from '../../src/registry/registry-failure.js';
import {maxListBytes, maxListItems, maxListPages, maxServerSeconds} from '../../src/registry/http-util.js';
import {shownTags} from '../../src/checks/checks.js';
import {closeServers, serveHttp as serve, type Served} from '../helpers/http-server.js';

const password = 'S3cret-Pass-Word!';
const credentials = {username: 'alice', password};
const digest = `sha256:${'a'.repeat(64)}`;
const ociIndex = 'application/vnd.oci.image.index.v1+json';

afterEach(closeServers);

function json(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	response.writeHead(status, {'Content-Type': 'application/json', ...headers});
	response.end(JSON.stringify(body));
}

function registryError(response: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
	json(response, status, {errors: [{code, message, detail: null}]}, headers);
}

/** A manifest answer: HEAD and GET, with the digest header. */
function manifest(response: http.ServerResponse) {
	response.writeHead(200, {'Content-Type': ociIndex, 'Docker-Content-Digest': digest, 'Content-Length': '2'});
	response.end('{}');
}

function basicOk(request: http.IncomingMessage): boolean {
	return request.headers.authorization === `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;
}

function expectNoSecret(result: unknown) {
	const text = JSON.stringify(result);
	expect(text).not.toContain(password);
	expect(text).not.toContain(Buffer.from(`alice:${password}`).toString('base64'));
}

function failed<T extends {ok: boolean}>(result: T): RegistryFailure {
	expect(result.ok).toBe(false);
	expectNoSecret(result);
	return result as unknown as RegistryFailure;
}

describe('registryApiHost and isLoopbackHost', () => {
	it('maps Docker Hub names to its API host, and keeps other hosts and ports', () => {
		expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
		expect(registryApiHost('index.docker.io')).toBe('registry-1.docker.io');
		expect(registryApiHost('https://index.docker.io/v1/')).toBe('registry-1.docker.io');
		expect(registryApiHost('registry-1.docker.io')).toBe('registry-1.docker.io');
		expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
		expect(registryApiHost('Registry.Example.com:5000')).toBe('registry.example.com:5000');
		expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
	});

	it('knows which registries docker talks plain HTTP to without configuration', () => {
		for (const host of ['localhost', 'localhost:5000', '127.0.0.1', '127.0.0.1:5000', '127.1.2.3:80', '[::1]:5000', '::1']) {
			expect(isLoopbackHost(host), host).toBe(true);
		}
		for (const host of ['docker.io', '192.168.1.10:5000', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com', '[::2]:5000']) {
			expect(isLoopbackHost(host), host).toBe(false);
		}
	});

	it('picks http for loopback and https elsewhere', async () => {
		const urls: string[] = [];
		const fake: typeof fetch = async input => {
			urls.push(input instanceof Request ? input.url : String(input));
			return new Response('{}', {status: 200});
		};
		await createRegistryClient({registry: 'docker.io', fetch: fake}).ping();
		await createRegistryClient({registry: 'registry.example.com:5000', fetch: fake}).ping();
		await createRegistryClient({registry: 'localhost:5000', fetch: fake}).ping();
		await createRegistryClient({registry: 'localhost:5000', scheme: 'https', fetch: fake}).ping();
		expect(urls).toEqual([
			'https://registry-1.docker.io/v2/',
			'https://registry.example.com:5000/v2/',
			'http://localhost:5000/v2/',
			'https://localhost:5000/v2/',
		]);
	});
});

describe('a registry without auth', () => {
	it('pings, finds a manifest by tag with the Accept list, lists tags and the catalog', async () => {
		const server = await serve((request, response, url) => {
			if (url.pathname === '/v2/') return json(response, 200, {});
			if (url.pathname === '/v2/alice/demo/manifests/1.0') return manifest(response);
			if (url.pathname === '/v2/alice/demo/tags/list') return json(response, 200, {name: 'alice/demo', tags: ['1.0', 'latest']});
			if (url.pathname === '/v2/_catalog') return json(response, 200, {repositories: ['alice/demo', 'bob/web']});
			return registryError(response, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
		});
		const client = createRegistryClient({registry: server.host});
		expect(await client.ping()).toEqual({ok: true, auth: 'none', authenticated: false, scheme: 'http'});
		const found = await client.headManifest('alice/demo', '1.0');
		expect(found).toMatchObject({ok: true, digest, mediaType: ociIndex});
		expect(found.ok && found.durationMs).toBeGreaterThanOrEqual(0);
		const head = server.seen.find(seen => seen.method === 'HEAD');
		expect(head?.headers.accept?.split(/,\s*/)).toEqual([...MANIFEST_MEDIA_TYPES]);
		expect(head?.headers.authorization).toBeUndefined();
		expect(await client.listTags('alice/demo')).toEqual({
			ok: true,
			tags: ['1.0', 'latest'],
			requests: [`GET ${server.origin}/v2/alice/demo/tags/list → 200`],
		});
		expect(await client.catalog()).toMatchObject({ok: true, repositories: ['alice/demo', 'bob/web']});
		// What each answer took is told: method, URL, status and the digest, never a header.
		expect(found.requests).toEqual([`HEAD ${server.origin}/v2/alice/demo/manifests/1.0 → 200, Docker-Content-Digest ${digest}`]);
	});

	it('finds a manifest by digest, and computes the digest from the body when the header is missing', async () => {
		const body = '{"schemaVersion":2}';
		const server = await serve((request, response, url) => {
			if (url.pathname === `/v2/alice/demo/manifests/${digest}`) return manifest(response);
			response.writeHead(200, {'Content-Type': 'application/vnd.oci.image.manifest.v1+json; charset=utf-8'});
			response.end(request.method === 'HEAD' ? undefined : body);
		});
		const client = createRegistryClient({registry: server.host});
		expect(await client.headManifest('alice/demo', digest)).toMatchObject({ok: true, digest});
		expect(await client.headManifest('alice/demo', 'v2')).toMatchObject({
			ok: true,
			digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
			mediaType: 'application/vnd.oci.image.manifest.v1+json',
		});
	});

	it('refuses names that cannot be repositories without asking', async () => {
		const server = await serve((request, response) => json(response, 200, {}));
		const client = createRegistryClient({registry: server.host});
		expect(await client.headManifest('Alice/Demo', '1.0')).toMatchObject({
			ok: false,
			reason: 'not-found',
			message: expect.stringContaining('not a valid repository name'),
		});
		expect(await client.headManifest('alice/demo', 'bad tag')).toMatchObject({
			ok: false,
			reason: 'not-found',
			message: expect.stringContaining('neither a valid tag nor a digest'),
		});
		expect(server.seen).toHaveLength(0);
	});
});

describe('Basic auth', () => {
	const basicRegistry = () =>
		serve((request, response, url) => {
			if (!basicOk(request)) {
				return registryError(response, 401, 'UNAUTHORIZED', 'authentication required', {'WWW-Authenticate': 'Basic realm="Registry Realm"'});
			}
			if (url.pathname === '/v2/') return json(response, 200, {});
			if (url.pathname === '/v2/alice/demo/manifests/1.0') return manifest(response);
			return registryError(response, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
		});

	it('says the registry wants a password, and that the right one is accepted', async () => {
		const server = await basicRegistry();
		expect(await createRegistryClient({registry: server.host}).ping()).toEqual({ok: true, auth: 'basic', authenticated: false, scheme: 'http'});
		expect(await createRegistryClient({registry: server.host, credentials}).ping()).toEqual({ok: true, auth: 'basic', authenticated: true, scheme: 'http'});
	});

	it('sends Basic credentials after the challenge, then straight away', async () => {
		const server = await basicRegistry();
		const client = createRegistryClient({registry: server.host, credentials});
		expect(await client.headManifest('alice/demo', '1.0')).toMatchObject({ok: true, digest});
		expect(await client.headManifest('alice/demo', '1.0')).toMatchObject({ok: true, digest});
		// one challenge, then the credentials go with every request
		expect(server.seen.map(seen => Boolean(seen.headers.authorization))).toEqual([false, true, true]);
	});

	it('a wrong password is "unauthorized", and the message names the user, never the password', async () => {
		const server = await basicRegistry();
		const wrong = {username: 'alice', password: `${password}-wrong`};
		const ping = failed(await createRegistryClient({registry: server.host, credentials: wrong}).ping());
		expect(ping).toMatchObject({reason: 'unauthorized', status: 401});
		expect(ping.message).toContain('"alice"');
		expect(ping.message).not.toContain(wrong.password);
		const head = failed(await createRegistryClient({registry: server.host, credentials: wrong}).headManifest('alice/demo', '1.0'));
		expect(head).toMatchObject({reason: 'unauthorized', status: 401});
		expect(head.message).not.toContain(wrong.password);
	});

	it('without credentials a repository is "unauthorized": log in first', async () => {
		const server = await basicRegistry();
		const head = failed(await createRegistryClient({registry: server.host}).headManifest('alice/demo', '1.0'));
		expect(head).toMatchObject({reason: 'unauthorized', status: 401});
		expect(head.message).toMatch(/login/i);
	});
});

describe('Bearer (token) auth', () => {
	type TokenOptions = {field?: 'token' | 'access_token'; expiresIn?: number; deny?: string[]};

	/** A registry and its token service on one server, like the distribution registry with token auth. */
	async function tokenRegistry(options: TokenOptions = {}) {
		let issued = 0;
		const server: Served = await serve((request, response, url) => {
			if (url.pathname === '/token') {
				if (request.headers.authorization !== undefined && !basicOk(request)) return json(response, 401, {details: 'incorrect username or password'});
				issued += 1;
				const who = request.headers.authorization ? 'alice' : 'anonymous';
				const scope = url.searchParams.get('scope') ?? '';
				return json(response, 200, {
					[options.field ?? 'token']: `tok-${issued}-${who}-${scope}`,
					expires_in: options.expiresIn ?? 300,
					issued_at: new Date().toISOString(),
				});
			}
			const challenge = (scope?: string, error?: string) =>
				`Bearer realm="${server.origin}/token",service="lab-registry"${scope ? `,scope="${scope}"` : ''}${error ? `,error="${error}"` : ''}`;
			const bearer = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7) : undefined;
			if (url.pathname === '/v2/') {
				if (!bearer) return registryError(response, 401, 'UNAUTHORIZED', 'authentication required', {'WWW-Authenticate': challenge()});
				return json(response, 200, {});
			}
			const repository = /^\/v2\/(.+)\/(?:manifests|tags)\//.exec(url.pathname)?.[1] ?? '';
			const scope = `repository:${repository}:pull`;
			if (!bearer?.endsWith(`-${scope}`)) {
				return registryError(response, 401, 'UNAUTHORIZED', 'authentication required', {'WWW-Authenticate': challenge(scope)});
			}
			if (options.deny?.includes(repository)) {
				return registryError(response, 401, 'UNAUTHORIZED', 'authentication required', {'WWW-Authenticate': challenge(scope, 'insufficient_scope')});
			}
			if (url.pathname.endsWith('/tags/list')) return json(response, 200, {name: repository, tags: ['1.0']});
			return manifest(response);
		});
		return {server, issued: () => issued, tokenRequests: () => server.seen.filter(seen => seen.url.pathname === '/token')};
	}

	it('gets a token for repository:NAME:pull from the realm with service and scope, and reuses it', async () => {
		const {server, tokenRequests} = await tokenRegistry();
		const client = createRegistryClient({registry: server.host, credentials});
		expect(await client.headManifest('alice/demo', '1.0')).toMatchObject({ok: true, digest});
		expect(await client.headManifest('alice/demo', '1.0')).toMatchObject({ok: true, digest});
		const listed = await client.listTags('alice/demo');
		expect(listed).toMatchObject({ok: true, tags: ['1.0']});
		// The token request is not told, and no token or password is.
		expect(listed.requests?.join('\n')).not.toMatch(/token|Bearer|Basic/i);
		expect(listed.requests?.join('\n')).not.toContain(password);
		const tokens = tokenRequests();
		expect(tokens).toHaveLength(1);
		expect(tokens[0]?.url.searchParams.get('service')).toBe('lab-registry');
		expect(tokens[0]?.url.searchParams.get('scope')).toBe('repository:alice/demo:pull');
		expect(tokens[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`alice:${password}`).toString('base64')}`);
		// after the first challenge the token goes along at once: 401, token, HEAD, HEAD, GET
		expect(server.seen.map(seen => `${seen.method} ${seen.url.pathname}`)).toEqual([
			'HEAD /v2/alice/demo/manifests/1.0',
			'GET /token',
			'HEAD /v2/alice/demo/manifests/1.0',
			'HEAD /v2/alice/demo/manifests/1.0',
			'GET /v2/alice/demo/tags/list',
		]);
	});

	it('asks for one token per scope, and accepts access_token as the field name', async () => {
		const {server, tokenRequests} = await tokenRegistry({field: 'access_token'});
		const client = createRegistryClient({registry: server.host, credentials});
		expect(await client.headManifest('alice/demo', '1.0')).toMatchObject({ok: true});
		expect(await client.headManifest('bob/web', '1.0')).toMatchObject({ok: true});
		expect(tokenRequests().map(seen => seen.url.searchParams.get('scope'))).toEqual(['repository:alice/demo:pull', 'repository:bob/web:pull']);
	});

	it('gets a new token once the old one has (nearly) expired', async () => {
		const {server, tokenRequests} = await tokenRegistry({expiresIn: 5});
		const client = createRegistryClient({registry: server.host, credentials});
		expect(await client.headManifest('alice/demo', '1.0')).toMatchObject({ok: true});
		expect(await client.headManifest('alice/demo', '1.0')).toMatchObject({ok: true});
		expect(tokenRequests()).toHaveLength(2);
	});

	it('without credentials asks for an anonymous token (no Authorization), as docker pull does', async () => {
		const {server, tokenRequests} = await tokenRegistry();
		const client = createRegistryClient({registry: server.host});
		expect(await client.ping()).toEqual({ok: true, auth: 'bearer', authenticated: false, scheme: 'http'});
		expect(await client.headManifest('library/alpine', 'latest')).toMatchObject({ok: true, digest});
		expect(tokenRequests()).toHaveLength(1);
		expect(tokenRequests()[0]?.headers.authorization).toBeUndefined();
	});

	it('ping with credentials signs in at the token service', async () => {
		const {server, tokenRequests} = await tokenRegistry();
		expect(await createRegistryClient({registry: server.host, credentials}).ping()).toEqual({
			ok: true,
			auth: 'bearer',
			authenticated: true,
			scheme: 'http',
		});
		expect(tokenRequests()[0]?.url.searchParams.get('service')).toBe('lab-registry');
		expect(tokenRequests()[0]?.url.searchParams.has('scope')).toBe(false);
	});

	it('a wrong password at the token service is "unauthorized", without the password', async () => {
		const {server} = await tokenRegistry();
		const wrong = {username: 'alice', password: 'not-the-password'};
		for (const result of [
			await createRegistryClient({registry: server.host, credentials: wrong}).ping(),
			await createRegistryClient({registry: server.host, credentials: wrong}).headManifest('alice/demo', '1.0'),
		]) {
			const failure = failed(result);
			expect(failure.reason).toBe('unauthorized');
			expect(failure.message).toContain('"alice"');
			expect(failure.message).not.toContain('not-the-password');
		}
	});

	it('Docker Hub: anonymous token from auth.docker.io, and a missing tag is learned from the tag list, never a manifest GET', async () => {
		const calls: string[] = [];
		const hubFetch: typeof fetch = async (input, init) => {
			const url = new URL(input instanceof Request ? input.url : input);
			const auth = new Headers(init?.headers).get('authorization');
			calls.push(`${init?.method ?? 'GET'} ${url.origin}${url.pathname}${url.search}${auth ? ` [${auth.split(' ')[0]}]` : ''}`);
			if (url.origin === 'https://auth.docker.io') return Response.json({token: 'anon', access_token: 'anon', expires_in: 300});
			if (auth !== 'Bearer anon') {
				return new Response(null, {
					status: 401,
					headers: {
						'WWW-Authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
					},
				});
			}
			if (url.pathname.endsWith('/tags/list')) return Response.json({name: 'library/alpine', tags: ['3.20', 'latest']});
			return new Response(null, {status: 404});
		};
		const failure = failed(await createRegistryClient({registry: 'docker.io', fetch: hubFetch}).headManifest('library/alpine', 'nope'));
		expect(failure).toMatchObject({reason: 'not-found', status: 404});
		expect(failure.message).toBe(
			'Docker Hub has the repository library/alpine, but no tag "nope" in it (its tags: 3.20, latest). Check the tag, or push it first.',
		);
		expect(calls).toEqual([
			'HEAD https://registry-1.docker.io/v2/library/alpine/manifests/nope',
			'GET https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Falpine%3Apull',
			'HEAD https://registry-1.docker.io/v2/library/alpine/manifests/nope [Bearer]',
			'GET https://registry-1.docker.io/v2/library/alpine/tags/list [Bearer]',
		]);
	});

	it('a token that does not cover the repository is "denied" (Docker Hub: missing, or not yours)', async () => {
		const {server} = await tokenRegistry({deny: ['carol/secret']});
		const failure = failed(await createRegistryClient({registry: server.host, credentials}).headManifest('carol/secret', '1.0'));
		expect(failure).toMatchObject({reason: 'denied', status: 401});
		expect(failure.message).toMatch(/may not exist/);
	});
});

describe('registry errors', () => {
	it('a missing tag is not-found with MANIFEST_UNKNOWN (read from a GET, as HEAD has no body)', async () => {
		const server = await serve((request, response, url) => {
			if (url.pathname === '/v2/alice/demo/tags/list') return json(response, 200, {name: 'alice/demo', tags: ['1.0', '2.0']});
			// the distribution registry says MANIFEST_UNKNOWN for a manifest of a missing repository too
			if (url.pathname.includes('/manifests/')) return registryError(response, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
			return registryError(response, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
		});
		const client = createRegistryClient({registry: server.host, credentials});
		const tag = failed(await client.headManifest('alice/demo', 'nope'));
		expect(tag).toMatchObject({reason: 'not-found', status: 404, code: 'MANIFEST_UNKNOWN'});
		expect(tag.message).toContain('has the repository alice/demo, but no tag "nope" in it (its tags: 1.0, 2.0)');
		expect(server.seen.map(seen => `${seen.method} ${seen.url.pathname}`)).toEqual([
			'HEAD /v2/alice/demo/manifests/nope',
			'GET /v2/alice/demo/manifests/nope',
			'GET /v2/alice/demo/tags/list',
		]);
		const repository = failed(await client.headManifest('alice/gone', '1.0'));
		expect(repository).toMatchObject({reason: 'not-found', code: 'NAME_UNKNOWN'});
		expect(repository.message).toContain('There is no repository alice/gone');
		expect(failed(await client.listTags('alice/gone'))).toMatchObject({reason: 'not-found', code: 'NAME_UNKNOWN'});
	});

	it('429 is rate-limited, with Retry-After in seconds', async () => {
		const server = await serve((request, response) =>
			registryError(response, 429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit.', {'Retry-After': '42'}),
		);
		const client = createRegistryClient({registry: server.host});
		expect(failed(await client.headManifest('alice/demo', '1.0'))).toMatchObject({reason: 'rate-limited', status: 429, retryAfterSeconds: 42});
		const tags = failed(await client.listTags('alice/demo'));
		expect(tags).toMatchObject({reason: 'rate-limited', code: 'TOOMANYREQUESTS', retryAfterSeconds: 42});
		expect(tags.message).toContain('42 seconds');
	});

	it('403 is denied, 500 is an http-error that says it is the registry’s problem', async () => {
		const server = await serve((request, response, url) => {
			if (url.pathname.includes('tags')) return registryError(response, 403, 'DENIED', 'requested access to the resource is denied');
			return json(response, 503, {errors: [{code: 'UNAVAILABLE', message: 'service unavailable'}]});
		});
		const client = createRegistryClient({registry: server.host});
		expect(failed(await client.listTags('alice/demo'))).toMatchObject({reason: 'denied', status: 403, code: 'DENIED'});
		const ping = failed(await client.ping());
		expect(ping).toMatchObject({reason: 'http-error', status: 503});
		expect(ping.message).toMatch(/problem of its own/);
	});

	it('a server that is not a registry says so', async () => {
		const server = await serve((request, response) => {
			response.writeHead(404, {'Content-Type': 'text/html'});
			response.end('<h1>Not Found</h1>');
		});
		const ping = failed(await createRegistryClient({registry: server.host}).ping());
		expect(ping).toMatchObject({reason: 'http-error', status: 404});
		expect(ping.message).toContain('not like a container registry');
	});
});

describe('pagination', () => {
	it('follows Link rel="next" until the last page', async () => {
		const pages: Record<string, {tags: string[]; next?: string}> = {
			'': {tags: ['1.0', '1.1'], next: '/v2/alice/demo/tags/list?n=2&last=1.1'},
			'1.1': {tags: ['2.0', 'latest'], next: '/v2/alice/demo/tags/list?n=2&last=latest'},
			latest: {tags: ['zz']},
		};
		const server = await serve((request, response, url) => {
			const page = pages[url.searchParams.get('last') ?? ''];
			if (!page) return registryError(response, 404, 'NAME_UNKNOWN', 'unknown');
			json(response, 200, {name: 'alice/demo', tags: page.tags}, page.next ? {Link: `<${page.next}>; rel="next"`} : {});
		});
		expect(await createRegistryClient({registry: server.host}).listTags('alice/demo')).toMatchObject({
			ok: true,
			tags: ['1.0', '1.1', '2.0', 'latest', 'zz'],
		});
		expect(server.seen).toHaveLength(3);
	});

	it('stops after a bounded number of pages, says so, and never follows a link to another server', async () => {
		let page = 0;
		const endless = await serve((request, response) => {
			page += 1;
			json(response, 200, {repositories: [`r${page}`]}, {Link: `</v2/_catalog?n=1&last=r${page}>; rel="next"`});
		});
		const listed = await createRegistryClient({registry: endless.host}).catalog();
		expect(listed.ok && listed.repositories).toHaveLength(maxListPages);
		expect(listed).toMatchObject({ok: true, stoppedEarly: true});

		const elsewhere = await serve((request, response) => json(response, 200, {tags: ['x']}));
		const server = await serve((request, response) =>
			json(response, 200, {name: 'a/b', tags: ['1.0']}, {Link: `<${elsewhere.origin}/v2/a/b/tags/list?last=1.0>; rel="next"`}),
		);
		expect(await createRegistryClient({registry: server.host, credentials}).listTags('a/b')).toMatchObject({ok: true, tags: ['1.0']});
		expect(elsewhere.seen).toHaveLength(0);
	});

	it('reads Link headers as registries write them', () => {
		const here = new URL('http://127.0.0.1:5000/v2/_catalog');
		expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"', here)?.href).toBe('http://127.0.0.1:5000/v2/_catalog?last=b&n=2');
		expect(nextLink('<http://127.0.0.1:5000/v2/_catalog?last=c>; rel=next', here)?.href).toBe('http://127.0.0.1:5000/v2/_catalog?last=c');
		expect(nextLink('</v2/_catalog?last=a>; rel="prev", </v2/_catalog?last=z>; rel="next"', here)?.href).toBe('http://127.0.0.1:5000/v2/_catalog?last=z');
		expect(nextLink('</v2/_catalog?last=a>; rel="prev"', here)).toBeUndefined();
		expect(nextLink(null, here)).toBeUndefined();
	});
});

describe('the network', () => {
	it('a closed port is a network failure that names the host', async () => {
		const probe = net.createServer();
		await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
		const {port} = probe.address() as net.AddressInfo;
		await new Promise(resolve => probe.close(resolve));
		const failure = failed(await createRegistryClient({registry: `127.0.0.1:${port}`, credentials}).ping());
		expect(failure).toMatchObject({reason: 'network', code: 'ECONNREFUSED'});
		expect(failure.message).toContain(`127.0.0.1:${port}`);
		expect(failure.message).toMatch(/Is the registry running/);
	});

	it('https to a plain-HTTP registry is http-vs-https', async () => {
		const server = await serve((request, response) => json(response, 200, {}));
		const failure = failed(await createRegistryClient({registry: server.host, scheme: 'https', credentials}).ping());
		expect(failure.reason).toBe('http-vs-https');
		expect(failure.message).toContain(server.host);
		expect(failure.message).toMatch(/plain HTTP/);
	});

	it('a certificate nobody vouches for is tls', async () => {
		const server = await serve(
			(request, response) => json(response, 200, {}),
			listener => https.createServer({key: testKey, cert: testCert}, listener),
		);
		const failure = failed(await createRegistryClient({registry: server.host, scheme: 'https'}).ping());
		expect(failure.reason).toBe('tls');
		expect(failure.message).toContain(server.host);
	});

	it('trusts a registry whose certificate is the ca it is given (a class registry with --tls), for every request', async () => {
		const server = await serve(
			(request, response) => (request.url === '/v2/_catalog' ? json(response, 200, {repositories: ['alice/demo']}) : json(response, 200, {})),
			listener => https.createServer({key: testKey, cert: testCert}, listener),
		);
		const client = createRegistryClient({registry: server.host, scheme: 'https', ca: testCert});
		expect(await client.ping()).toMatchObject({ok: true, scheme: 'https'});
		expect(await client.catalog()).toMatchObject({ok: true, repositories: ['alice/demo']});
		// Another client of the same process, without it, still does not trust that certificate.
		expect(failed(await createRegistryClient({registry: server.host, scheme: 'https'}).ping()).reason).toBe('tls');
	});

	it('trusts the ca it is given on the registry only: a redirect to another origin goes back to the system certificates', async () => {
		const tlsServer = (listener: http.RequestListener) => https.createServer({key: testKey, cert: testCert}, listener);
		const elsewhere = await serve((request, response) => json(response, 200, {}), tlsServer);
		const registry = await serve((request, response) => {
			response.writeHead(307, {Location: `https://${elsewhere.host}/v2/`}).end();
		}, tlsServer);
		const failure = failed(await createRegistryClient({registry: registry.host, scheme: 'https', ca: testCert}).ping());
		expect(failure.reason).toBe('tls');
		expect(registry.seen).toHaveLength(1);
		expect(elsewhere.seen).toHaveLength(0);
	});

	it('plain HTTP to an HTTPS-only registry (Go answers 400) is http-vs-https too', async () => {
		const server = await serve((request, response) => {
			response.writeHead(400, {'Content-Type': 'text/plain'});
			response.end('Client sent an HTTP request to an HTTPS server.\n');
		});
		expect(failed(await createRegistryClient({registry: server.host}).ping())).toMatchObject({reason: 'http-vs-https', status: 400});
	});

	it('a registry that does not answer in time is a network failure', async () => {
		const server = await serve(() => undefined);
		const started = performance.now();
		const failure = failed(await createRegistryClient({registry: server.host, timeoutMs: 300}).headManifest('alice/demo', '1.0'));
		expect(failure).toMatchObject({reason: 'network', code: 'TIMEOUT'});
		expect(failure.message).toContain('0.3 seconds');
		expect(performance.now() - started).toBeLessThan(5000);
	});

	it('an abort from the caller ends the request', async () => {
		const server = await serve(() => undefined);
		const controller = new AbortController();
		const pending = createRegistryClient({registry: server.host, signal: controller.signal}).ping();
		setTimeout(() => controller.abort(), 50);
		expect(failed(await pending)).toMatchObject({reason: 'network', code: 'ABORTED'});
	});

	it('never throws, and scrubs the password even from a fetch error that contains it', async () => {
		const leaky: typeof fetch = async () => {
			throw new TypeError(`fetch failed for alice:${password}@somewhere`);
		};
		const client = createRegistryClient({registry: 'registry.example.com', credentials, fetch: leaky});
		for (const result of [
			await client.ping(),
			await client.headManifest('alice/demo', '1.0'),
			await client.listTags('alice/demo'),
			await client.catalog(),
		]) {
			expect(failed(result).reason).toBe('network');
		}
	});

	it('Docker Hub has no catalog: says so without asking', async () => {
		let calls = 0;
		const counting: typeof fetch = async () => {
			calls += 1;
			return new Response('{}');
		};
		const failure = failed(await createRegistryClient({registry: 'docker.io', fetch: counting}).catalog());
		expect(failure.message).toContain('Docker Hub');
		expect(calls).toBe(0);
	});
});

describe('parsers', () => {
	it('parses Basic and Bearer challenges', () => {
		expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({scheme: 'basic'});
		expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual({
			scheme: 'bearer',
			realm: 'https://auth.docker.io/token',
			service: 'registry.docker.io',
		});
		expect(parseChallenge('bearer realm="https://r.example/token",error="insufficient_scope"')).toMatchObject({
			scheme: 'bearer',
			error: 'insufficient_scope',
		});
		expect(parseChallenge('Bearer service="x"')).toBeUndefined();
		expect(parseChallenge('Negotiate')).toBeUndefined();
		expect(parseChallenge(null)).toBeUndefined();
	});

	it('reads Retry-After as seconds or as a date', () => {
		const now = Date.parse('2025-01-01T00:00:00Z');
		expect(retryAfterSeconds('120', now)).toBe(120);
		expect(retryAfterSeconds('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60);
		expect(retryAfterSeconds('soon', now)).toBeUndefined();
		expect(retryAfterSeconds(null, now)).toBeUndefined();
	});
});

// A self-signed certificate for 127.0.0.1 and localhost (test only, valid until 2126).
const testKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLcvbQLMJb9iV7eyo
wwlFVWPd27zXI8oQsLRAdDFaGt2hRANCAARdLepmbdfhZGYfGFJv95K+0uL9xJ0o
kH5QotJT4Q4vGfBpZsDrc6YWXuqkBZVkFJcM2s9MxWTwAV6ZgAaMAMyw
-----END PRIVATE KEY-----
`;
const testCert = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUGU9qAPZ6cFCqKT+SH7wUS1PIFdEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMzA5MDEzMloYDzIxMjYxMDMw
MDkwMTMyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARdLepmbdfhZGYfGFJv95K+0uL9xJ0okH5QotJT4Q4vGfBpZsDrc6YW
XuqkBZVkFJcM2s9MxWTwAV6ZgAaMAMywo28wbTAdBgNVHQ4EFgQUq+cid1Y/uUuQ
qv3GFYsSWu/xAVcwHwYDVR0jBBgwFoAUq+cid1Y/uUuQqv3GFYsSWu/xAVcwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIhALEH92B2PN9XpU1rK63lctUoesXU1VjCqsJKrr40k24kAiBR
f2z6m68VJ5V7/tkqX+1FwWzT7AJnCQWDf3tQF9gXVg==
-----END CERTIFICATE-----
`;

describe('a hostile registry', () => {
	it('a pagination bomb (pages just under the body cap, forever) is cut at the page and byte bounds', async () => {
		// Each page holds about 7.5 MB of distinct tags and links to one more page.
		const perPage = 500_000;
		let pages = 0;
		const server = await serve((request, response) => {
			pages += 1;
			const tags = Array.from({length: perPage}, (_, index) => `p${pages}-${index.toString(36).padStart(6, '0')}`);
			json(response, 200, {name: 'a/b', tags}, {Link: `</v2/a/b/tags/list?page=${pages + 1}>; rel="next"`});
		});
		const listed = await createRegistryClient({registry: server.host}).listTags('a/b');
		expect(listed.ok).toBe(true);
		if (!listed.ok) return;
		expect(listed.tags).toHaveLength(maxListItems);
		expect(listed.stoppedEarly).toBe(true);
		expect(listed.more).toBeGreaterThan(0);
		expect(listed.tags.length + (listed.more ?? 0)).toBe(pages * perPage);
		// 16 MB in all: the third page of 7.5 MB is the last one read.
		expect(pages).toBeLessThanOrEqual(Math.ceil(maxListBytes / (7 * 1024 * 1024)) + 1);
		const shown = shownTags(listed.tags, listed.more ?? 0, true);
		expect(shown.length).toBeLessThan(1000);
		expect(shown).toMatch(/… and \d+ more \(and the registry had still more\)$/);
	});

	it('an endless body is cut at 8 MB, and a body that stalls times out', async () => {
		const endless = await serve((request, response) => {
			response.writeHead(200, {'Content-Type': 'application/json'});
			const chunk = Buffer.alloc(64 * 1024, 'a');
			const write = () => {
				while (!response.destroyed && response.write(chunk));
				if (!response.destroyed) response.once('drain', write);
			};
			write();
		});
		const cut = failed(await createRegistryClient({registry: endless.host}).listTags('a/b'));
		expect(cut.message).toContain('larger than 8 MB');

		const stalled = await serve((request, response) => {
			response.writeHead(200, {'Content-Type': 'application/json'});
			response.write('{"tags": [');
		});
		const timedOut = failed(await createRegistryClient({registry: stalled.host, timeoutMs: 300}).listTags('a/b'));
		expect(timedOut).toMatchObject({reason: 'network', code: 'TIMEOUT'});
	});

	it('a token realm on another host in plain HTTP never receives the password', async () => {
		const realm = await serve((request, response) => json(response, 200, {token: 'stolen'}));
		const server = await serve((request, response) => {
			if (request.headers.authorization === 'Bearer stolen') return manifest(response);
			registryError(response, 401, 'UNAUTHORIZED', 'authentication required', {
				'WWW-Authenticate': `Bearer realm="http://localhost:${new URL(realm.origin).port}/token",service="x"`,
			});
		});
		const client = createRegistryClient({registry: server.host, credentials});
		const failure = failed(await client.headManifest('alice/demo', '1.0'));
		expect(failure).toMatchObject({code: 'INSECURE_REALM'});
		expect(failure.message).toContain('does not send your password');
		expect(realm.seen.filter(seen => seen.headers.authorization !== undefined)).toHaveLength(0);
		expect(realm.seen).toHaveLength(0);
	});

	it("a token realm on the registry's own host still gets the login (the practice registry)", async () => {
		const server: Served = await serve((request, response, url) => {
			if (url.pathname === '/token') return basicOk(request) ? json(response, 200, {token: 'good'}) : json(response, 401, {});
			if (request.headers.authorization === 'Bearer good') return manifest(response);
			registryError(response, 401, 'UNAUTHORIZED', 'authentication required', {'WWW-Authenticate': `Bearer realm="${server.origin}/token"`});
		});
		expect(await createRegistryClient({registry: server.host, credentials}).headManifest('alice/demo', '1.0')).toMatchObject({ok: true});
	});

	it('a 200 that is not a manifest (a token JSON after a redirect) does not pass', async () => {
		const server = await serve((request, response, url) => {
			if (url.pathname === '/token') return json(response, 200, {token: 'x', expires_in: 300});
			response.writeHead(302, {Location: '/token'});
			response.end();
		});
		const failure = failed(await createRegistryClient({registry: server.host}).headManifest('alice/demo', '1.0'));
		expect(failure).toMatchObject({code: 'NOT_A_MANIFEST'});
		expect(failure.message).toContain('application/json');

		const untyped = await serve((request, response) => {
			response.writeHead(200, {'Docker-Content-Digest': digest, 'Content-Length': '2'});
			response.end('{}');
		});
		expect(failed(await createRegistryClient({registry: untyped.host}).headManifest('alice/demo', '1.0'))).toMatchObject({code: 'NOT_A_MANIFEST'});
	});

	it('a huge, negative or broken Retry-After becomes a wait of at most an hour', async () => {
		const server = await serve((request, response) =>
			registryError(response, 429, 'TOOMANYREQUESTS', 'slow down', {'Retry-After': '100000000000000000000'}),
		);
		const failure = failed(await createRegistryClient({registry: server.host}).listTags('a/b'));
		expect(failure).toMatchObject({reason: 'rate-limited', retryAfterSeconds: maxServerSeconds});
		expect(failure.message).toContain(`wait ${maxServerSeconds} seconds`);
		expect(retryAfterSeconds('9'.repeat(400))).toBeUndefined();
		expect(retryAfterSeconds('-5')).toBeUndefined();
		expect(retryAfterSeconds('1.5')).toBeUndefined();
		expect(retryAfterSeconds('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
		expect(retryAfterSeconds('Fri, 01 Jan 9999 00:00:00 GMT')).toBe(maxServerSeconds);
		expect(retryAfterSeconds('12')).toBe(12);
	});
});
