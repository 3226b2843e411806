import {maxListBytes, maxListItems, maxListPages} from '../../src/registry/http-util.js';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {createHubClient, HUB_SIGNUP_URL, hubRepositoryUrl, hubTokenSettingsUrl, rateLimitOf, retryAfter} from '../../src/registry/hub-client.js';
import {dockerIdProblem} from '../../src/registry/hub-username.js';
import {closeServers, serveHttp, type Served, closedOrigin} from '../helpers/http-server.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/hub');

/** A fixture body; Docker Hub's own address in it becomes the test server's. */
function fixture(name: string, origin = 'https://hub.docker.com'): string {
	return readFileSync(path.join(fixtures, `${name}.json`), 'utf8').replaceAll('https://hub.docker.com', origin);
}

type Reply = {status: number; body?: string; headers?: Record<string, string>} | 'hang';

afterEach(closeServers);

/** A Docker Hub stand-in on 127.0.0.1 that answers each path from `routes` (404 otherwise). */
async function hub(routes: (url: URL, origin: string) => Reply | undefined): Promise<Served> {
	let origin = '';
	const served = await serveHttp((_request, response, url) => {
		const reply = routes(url, origin) ?? {status: 404, body: fixture('not-found')};
		if (reply === 'hang') return;
		response.writeHead(reply.status, {'Content-Type': 'application/json', ...reply.headers});
		response.end(reply.body ?? '');
	});
	origin = served.origin;
	return served;
}

describe('userExists', () => {
	const users = (url: URL): Reply | undefined => {
		if (url.pathname === '/v2/users/alicestudent/') return {status: 200, body: fixture('user')};
		if (url.pathname === '/v2/users/nobodyhere/') return {status: 404, body: fixture('user-not-found')};
		if (url.pathname === '/v2/users/busyhub/') return {status: 429, body: fixture('rate-limited'), headers: {'Retry-After': '30'}};
		if (url.pathname === '/v2/users/brokenhub/') return {status: 500, body: fixture('server-error')};
		if (url.pathname === '/v2/users/slowhub/') return 'hang';
		return undefined;
	};

	it('200 is exists, 404 is missing with what to do', async () => {
		const server = await hub(users);
		const client = createHubClient({baseUrl: server.origin});
		// What it did: the request and its status.
		expect(await client.userExists('alicestudent')).toEqual({status: 'exists', did: `GET ${server.origin}/v2/users/alicestudent/ → 200`});
		const missing = await client.userExists('nobodyhere');
		expect(missing.status).toBe('missing');
		expect(missing.message).toContain('"nobodyhere"');
		expect(missing.message).toContain(HUB_SIGNUP_URL);
		expect(server.seen.map(seen => seen.url.pathname)).toEqual(['/v2/users/alicestudent/', '/v2/users/nobodyhere/']);
	});

	it('429, 5xx, a slow or unreachable Docker Hub are unknown: "could not check"', async () => {
		const server = await hub(users);
		const client = createHubClient({baseUrl: server.origin, timeoutMs: 300});
		const busy = await client.userExists('busyhub');
		expect(busy).toMatchObject({status: 'unknown'});
		expect(busy.message).toMatch(/Could not check.*too many requests.*30 seconds/);
		const broken = await client.userExists('brokenhub');
		expect(broken).toMatchObject({status: 'unknown'});
		expect(broken.message).toMatch(/HTTP 500.*internal server error/);
		const slow = await client.userExists('slowhub');
		expect(slow).toMatchObject({status: 'unknown'});
		expect(slow.message).toContain('did not answer within 0.3 seconds');
		const offline = await createHubClient({baseUrl: await closedOrigin()}).userExists('alicestudent');
		expect(offline).toMatchObject({status: 'unknown'});
		expect(offline.message).toContain('connection refused');
	});

	it('answers missing without asking when the name cannot be a Docker ID', async () => {
		const server = await hub(users);
		const client = createHubClient({baseUrl: server.origin});
		const cases: [string, RegExp][] = [
			['', /empty/],
			['abc', /too short.*4 to 30/],
			['a'.repeat(31), /too long/],
			['AliceStudent', /lowercase: try "alicestudent"/],
			['alice@example.com', /e-mail/],
			['alice_student', /only lowercase letters and digits/],
			['alice-student', /only lowercase letters and digits/],
			[' alicestudent', /spaces/],
		];
		for (const [name, why] of cases) {
			const answer = await client.userExists(name);
			expect(answer.status, name).toBe('missing');
			expect(answer.message, name).toMatch(why);
		}
		expect(server.seen).toHaveLength(0);
		expect(dockerIdProblem('abcd')).toBeUndefined();
		expect(dockerIdProblem('a'.repeat(30))).toBeUndefined();
		expect(dockerIdProblem('student2025')).toBeUndefined();
	});
});

describe('listRepositories', () => {
	it('asks for 100 a page and follows `next` to the last page', async () => {
		const server = await hub((url, origin) => {
			if (url.pathname !== '/v2/namespaces/alicestudent/repositories') return undefined;
			return {status: 200, body: fixture(url.searchParams.get('page') === '2' ? 'repositories-page-2' : 'repositories-page-1', origin)};
		});
		const answer = await createHubClient({baseUrl: server.origin}).listRepositories('alicestudent');
		expect(answer).toEqual({
			ok: true,
			repositories: [
				{
					namespace: 'alicestudent',
					name: 'demo',
					description: 'The image from the registry-lab lesson',
					isPrivate: false,
					lastUpdated: '2025-03-14T10:44:45.459826Z',
					pullCount: 12,
				},
				{namespace: 'alicestudent', name: 'notes', description: null, isPrivate: true, lastUpdated: null, pullCount: 0},
				{
					namespace: 'alicestudent',
					name: 'whalesay',
					description: 'An image for use in the Docker demo tutorial',
					isPrivate: false,
					lastUpdated: '2015-06-19T19:06:27.388123Z',
					pullCount: 130737682,
				},
			],
		});
		expect(server.seen.map(seen => seen.url.search)).toEqual(['?page_size=100', '?page=2&page_size=100']);
	});

	it('an account without repositories is an empty list; a missing one is a 404 that says so', async () => {
		const server = await hub(url =>
			url.pathname === '/v2/namespaces/emptyone/repositories' ? {status: 200, body: fixture('repositories-empty')} : undefined,
		);
		const client = createHubClient({baseUrl: server.origin});
		expect(await client.listRepositories('emptyone')).toEqual({ok: true, repositories: []});
		const missing = await client.listRepositories('nobodyhere');
		expect(missing).toMatchObject({ok: false, status: 404});
		expect(!missing.ok && missing.message).toContain('no Docker Hub account or organization "nobodyhere"');
	});

	it('429 (Retry-After or X-Retry-After), 500 and a timeout are failures with a reason', async () => {
		const resetAt = Math.floor(Date.now() / 1000) + 90;
		const server = await hub((url): Reply | undefined => {
			if (url.pathname.startsWith('/v2/namespaces/busy/')) return {status: 429, body: fixture('rate-limited'), headers: {'Retry-After': '12'}};
			if (url.pathname.startsWith('/v2/namespaces/busyold/')) {
				return {status: 429, body: fixture('rate-limited'), headers: {'X-Retry-After': String(resetAt)}};
			}
			if (url.pathname.startsWith('/v2/namespaces/broken/')) return {status: 500, body: fixture('server-error')};
			if (url.pathname.startsWith('/v2/namespaces/slow/')) return 'hang';
			return undefined;
		});
		const client = createHubClient({baseUrl: server.origin, timeoutMs: 300});
		const busy = await client.listRepositories('busy');
		expect(busy).toMatchObject({ok: false, status: 429, message: expect.stringContaining('in 12 seconds')});
		const busyOld = await client.listRepositories('busyold');
		expect(busyOld).toMatchObject({ok: false, status: 429, message: expect.stringMatching(/in (89|90|91) seconds/)});
		expect(await client.listRepositories('broken')).toMatchObject({ok: false, status: 500, message: expect.stringContaining('problem of its own')});
		expect(await client.listRepositories('slow')).toMatchObject({ok: false, message: expect.stringContaining('did not answer within 0.3 seconds')});
	});

	it('a page past the end (404) ends the list; `next` to another server or an endless chain is not followed forever', async () => {
		const other = await hub(() => ({status: 200, body: fixture('repositories-page-2')}));
		let pages = 0;
		const server = await hub((url, origin) => {
			if (url.pathname === '/v2/namespaces/pastend/repositories') {
				return url.searchParams.has('page')
					? {status: 404, body: fixture('not-found')}
					: {
							status: 200,
							body: JSON.stringify({
								count: 1,
								next: `${origin}/v2/namespaces/pastend/repositories?page=2`,
								previous: null,
								results: [{name: 'one', namespace: 'pastend'}],
							}),
						};
			}
			if (url.pathname === '/v2/namespaces/elsewhere/repositories') return {status: 200, body: fixture('repositories-page-1', other.origin)};
			if (url.pathname === '/v2/namespaces/endless/repositories') {
				pages += 1;
				return {
					status: 200,
					body: JSON.stringify({
						count: 9999,
						next: `${origin}/v2/namespaces/endless/repositories?page=${pages + 1}`,
						previous: null,
						results: [{name: `r${pages}`, namespace: 'endless'}],
					}),
				};
			}
			return undefined;
		});
		const client = createHubClient({baseUrl: server.origin});
		expect(await client.listRepositories('pastend')).toMatchObject({ok: true, repositories: [{name: 'one', pullCount: null, description: null}]});
		const elsewhere = await client.listRepositories('elsewhere');
		expect(elsewhere.ok && elsewhere.repositories.map(repository => repository.name)).toEqual(['demo', 'notes']);
		expect(other.seen).toHaveLength(0);
		const endless = await client.listRepositories('endless');
		expect(endless.ok && endless.repositories).toHaveLength(maxListPages);
		expect(endless).toMatchObject({ok: true, stoppedEarly: true});
	});
});

describe('tagExists', () => {
	it('200 exists (with the digests Docker Hub gives for the tag), 404 missing, 403 and 429 unknown', async () => {
		const server = await hub(url => {
			const match = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags\/([^/]+)$/.exec(url.pathname);
			if (!match) return undefined;
			const [, namespace, repository, tag] = match;
			if (namespace === 'busy') return {status: 429, body: fixture('rate-limited'), headers: {'Retry-After': '5'}};
			if (repository === 'secret') return {status: 403, body: fixture('forbidden')};
			if (namespace === 'alicestudent' && repository === 'demo' && tag === '1.0') return {status: 200, body: fixture('tag')};
			return {status: 404, body: fixture('tag-not-found')};
		});
		const client = createHubClient({baseUrl: server.origin});
		expect(await client.tagExists('alicestudent', 'demo', '1.0')).toEqual({
			status: 'exists',
			digests: ['sha256:4f53e2564790c8e7856ec08e384732aa38dc43c52f02952483e3f003afbf23db'],
		});
		expect(await client.tagExists('alicestudent', 'demo', '2.0')).toMatchObject({
			status: 'missing',
			message: expect.stringContaining('alicestudent/demo:2.0'),
		});
		expect(await client.tagExists('alicestudent', 'secret', '1.0')).toMatchObject({status: 'unknown', message: expect.stringContaining('private')});
		expect(await client.tagExists('busy', 'demo', '1.0')).toMatchObject({status: 'unknown', message: expect.stringContaining('5 seconds')});
		expect(server.seen[0]?.url.pathname).toBe('/v2/namespaces/alicestudent/repositories/demo/tags/1.0');
		const offline = await createHubClient({baseUrl: await closedOrigin()}).tagExists('alicestudent', 'demo', '1.0');
		expect(offline).toMatchObject({status: 'unknown', message: expect.stringContaining('could not be reached')});
	});
});

describe('listTags', () => {
	it("lists a repository's tags with digest and last push; a missing repository is a 404 that says so", async () => {
		const server = await hub(url =>
			url.pathname === '/v2/namespaces/alicestudent/repositories/demo/tags' ? {status: 200, body: fixture('tags')} : undefined,
		);
		const client = createHubClient({baseUrl: server.origin});
		expect(await client.listTags('alicestudent', 'demo')).toEqual({
			ok: true,
			tags: [
				{
					name: 'latest',
					digest: 'sha256:9b2f0e6a2c1d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7',
					lastPushed: '2025-03-16T09:12:00.000000Z',
					lastUpdated: '2025-03-16T09:12:00.123456Z',
				},
				{
					name: '1.0',
					digest: 'sha256:4f53e2564790c8e7856ec08e384732aa38dc43c52f02952483e3f003afbf23db',
					lastPushed: '2025-03-14T10:44:45.000000Z',
					lastUpdated: '2025-03-14T10:44:45.459826Z',
				},
			],
		});
		expect(server.seen[0]?.url.search).toBe('?page_size=100');
		const missing = await client.listTags('alicestudent', 'gone');
		expect(missing).toMatchObject({ok: false, status: 404, message: expect.stringContaining('no repository alicestudent/gone')});
		expect(await client.listTags('Not A Name', 'demo')).toMatchObject({ok: false, message: expect.stringContaining('not a Docker Hub account')});
		expect(server.seen).toHaveLength(2);
	});

	it('keeps to its bounds: pages (or fewer when asked), bytes, names; a digest that is not one is left out', async () => {
		let endless = 0;
		const filler = 'x'.repeat(6 * 1024 * 1024);
		const server = await hub((url, origin) => {
			const page = Number(url.searchParams.get('page') ?? '1');
			const next = (repository: string) => `${origin}/v2/namespaces/someone/repositories/${repository}/tags?page=${page + 1}`;
			if (url.pathname === '/v2/namespaces/someone/repositories/endless/tags') {
				endless += 1;
				return {status: 200, body: JSON.stringify({next: next('endless'), results: [{name: `t${page}`, digest: 'sha256:not-a-digest'}]})};
			}
			if (url.pathname === '/v2/namespaces/someone/repositories/heavy/tags') {
				return {status: 200, body: JSON.stringify({next: next('heavy'), results: [{name: `t${page}`, description: filler}]})};
			}
			if (url.pathname === '/v2/namespaces/someone/repositories/crowded/tags') {
				const results = Array.from({length: maxListItems + 5}, (_, index) => ({name: `t${index}`}));
				return {status: 200, body: JSON.stringify({next: null, results})};
			}
			return undefined;
		});
		const client = createHubClient({baseUrl: server.origin});
		const all = await client.listTags('someone', 'endless');
		expect(all).toMatchObject({ok: true, stoppedEarly: true});
		expect(all.ok && all.tags).toHaveLength(maxListPages);
		expect(all.ok && all.tags[0]).toEqual({name: 't1', digest: null, lastPushed: null, lastUpdated: null});
		endless = 0;
		expect(await client.listTags('someone', 'endless', {maxPages: 2})).toMatchObject({ok: true, stoppedEarly: true, tags: [{name: 't1'}, {name: 't2'}]});
		expect(endless).toBe(2);
		const heavy = await client.listTags('someone', 'heavy');
		expect(heavy.ok && heavy.tags).toHaveLength(Math.ceil(maxListBytes / filler.length));
		expect(heavy).toMatchObject({ok: true, stoppedEarly: true});
		const crowded = await client.listTags('someone', 'crowded');
		expect(crowded.ok && crowded.tags).toHaveLength(maxListItems);
		expect(crowded).toMatchObject({ok: true, more: 5});
	});

	it('says what Docker Hub said of its rate limit', async () => {
		const server = await hub((url): Reply | undefined => {
			if (url.pathname.startsWith('/v2/namespaces/busy/')) return {status: 429, body: fixture('rate-limited'), headers: {'Retry-After': '20'}};
			if (url.pathname.startsWith('/v2/namespaces/counted/')) {
				return {
					status: 200,
					body: fixture('tags'),
					headers: {'X-RateLimit-Limit': '180', 'X-RateLimit-Remaining': '7', 'X-RateLimit-Reset': '1742119920'},
				};
			}
			return undefined;
		});
		const client = createHubClient({baseUrl: server.origin});
		expect(await client.listTags('busy', 'demo')).toMatchObject({ok: false, status: 429, rateLimit: {retryAfterSeconds: 20}});
		expect(await client.listTags('counted', 'demo')).toMatchObject({ok: true, rateLimit: {remaining: 7, resetAt: 1742119920}});
		expect(await client.listRepositories('counted')).toMatchObject({ok: true, rateLimit: {remaining: 7, resetAt: 1742119920}});
		expect(rateLimitOf(new Headers({'X-RateLimit-Remaining': 'lots', 'X-RateLimit-Reset': '-5'}))).toBeUndefined();
	});
});

describe('Docker Hub addresses', () => {
	it('links a repository page, an official image, the sign-up and the token page', () => {
		expect(hubRepositoryUrl('alicestudent', 'demo')).toBe('https://hub.docker.com/r/alicestudent/demo');
		expect(hubRepositoryUrl('library', 'nginx')).toBe('https://hub.docker.com/_/nginx');
		expect(HUB_SIGNUP_URL).toBe('https://app.docker.com/signup/');
		expect(hubTokenSettingsUrl()).toBe('https://app.docker.com/settings/personal-access-tokens');
	});

	it('reads Retry-After seconds, dates, and the older X-Retry-After timestamp', () => {
		const now = Date.parse('2025-01-01T00:00:00Z');
		expect(retryAfter(new Headers({'Retry-After': '7'}), now)).toBe(7);
		expect(retryAfter(new Headers({'Retry-After': 'Wed, 01 Jan 2025 00:00:30 GMT'}), now)).toBe(30);
		expect(retryAfter(new Headers({'X-Retry-After': String(now / 1000 + 45)}), now)).toBe(45);
		expect(retryAfter(new Headers(), now)).toBeUndefined();
		// What a server says is clamped: at most an hour, never negative.
		expect(retryAfter(new Headers({'Retry-After': '100000000000000000000'}), now)).toBe(3600);
		expect(retryAfter(new Headers({'X-Retry-After': '99999999999999999999'}), now)).toBe(3600);
		expect(retryAfter(new Headers({'X-Retry-After': '1'}), now)).toBe(0);
	});

	it('asks through the fetch it is given, and the real Hub by default', async () => {
		const urls: string[] = [];
		const fake: typeof fetch = async input => {
			urls.push(input instanceof Request ? input.url : String(input));
			return new Response(fixture('user'), {status: 200});
		};
		expect(await createHubClient({fetch: fake}).userExists('alicestudent')).toMatchObject({status: 'exists'});
		expect(urls).toEqual(['https://hub.docker.com/v2/users/alicestudent/']);
	});
});
