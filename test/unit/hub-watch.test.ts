import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {createHubWatch, type HubWatchResult} from '../../src/class/hub-watch.js';
import {createHubClient} from '../../src/registry/hub-client.js';
import {terminalSafe} from '../../src/text/terminal-safe.js';
import {closeServers, serveHttp, type Served} from '../helpers/http-server.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/hub');

function fixture(name: string): string {
	return readFileSync(path.join(fixtures, `${name}.json`), 'utf8');
}

function json(name: string): Record<string, unknown> {
	return JSON.parse(fixture(name)) as Record<string, unknown>;
}

type Reply = {status: number; body?: string; headers?: Record<string, string>};
type Route = (url: URL, origin: string) => Reply | undefined;

afterEach(closeServers);

/**
 * A Docker Hub stand-in that answers from `route` (404 otherwise), each answer on the next turn of the event loop,
 * and counts how many requests were open at once.
 */
async function hub(route: Route): Promise<Served & {mostAtOnce: () => number}> {
	let origin = '';
	let open = 0;
	let most = 0;
	const served = await serveHttp((_request, response, url) => {
		open += 1;
		most = Math.max(most, open);
		const reply = route(url, origin) ?? {status: 404, body: fixture('not-found')};
		setImmediate(() => {
			open -= 1;
			response.writeHead(reply.status, {'Content-Type': 'application/json', ...reply.headers});
			response.end(reply.body ?? '');
		});
	});
	origin = served.origin;
	return Object.assign(served, {mostAtOnce: () => most});
}

/** Alice has two public repositories (and a private one the watch leaves out); nobodyhere has no account; emptyone has nothing. */
const repositoriesOfAlice = () => {
	const [demo, notes] = json('repositories-page-1').results as unknown[];
	const [whalesay] = json('repositories-page-2').results as unknown[];
	return JSON.stringify({count: 3, next: null, previous: null, results: [demo, notes, whalesay]});
};
const whalesayTags = JSON.stringify({
	count: 1,
	next: null,
	previous: null,
	results: [{...json('tag'), name: 'latest', tag_last_pushed: '2015-06-19T19:06:27Z'}],
});

const classRoute: Route = url => {
	switch (url.pathname) {
		case '/v2/namespaces/alicestudent/repositories':
			return {status: 200, body: repositoriesOfAlice()};
		case '/v2/namespaces/alicestudent/repositories/demo/tags':
			return {status: 200, body: fixture('tags')};
		case '/v2/namespaces/alicestudent/repositories/whalesay/tags':
			return {status: 200, body: whalesayTags};
		case '/v2/namespaces/emptyone/repositories':
			return {status: 200, body: fixture('repositories-empty')};
		default:
			return undefined;
	}
};

const start = Date.parse('2025-03-16T10:00:00Z');
const roster = ['alicestudent', 'nobodyhere', 'emptyone'];

function paths(server: Served, from = 0): string[] {
	return server.seen.slice(from).map(seen => seen.url.pathname);
}

const alice = {
	username: 'alicestudent',
	state: 'ok',
	repositories: [
		{
			reference: 'docker.io/alicestudent/demo:latest',
			digest: 'sha256:9b2f0e6a2c1d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7',
			at: '2025-03-16T09:12:00.000000Z',
		},
		{
			reference: 'docker.io/alicestudent/demo:1.0',
			digest: 'sha256:4f53e2564790c8e7856ec08e384732aa38dc43c52f02952483e3f003afbf23db',
			at: '2025-03-14T10:44:45.000000Z',
		},
		{
			reference: 'docker.io/alicestudent/whalesay:latest',
			digest: 'sha256:4f53e2564790c8e7856ec08e384732aa38dc43c52f02952483e3f003afbf23db',
			at: '2015-06-19T19:06:27Z',
		},
	],
	checkedAt: new Date(start).toISOString(),
};

describe('a Docker Hub class', () => {
	it('gives each user its public tags, "missing" for no account, none for an empty one; each poll makes a few requests at most', async () => {
		const server = await hub(classRoute);
		const t = start;
		const watch = createHubWatch({client: createHubClient({baseUrl: server.origin}), usernames: roster, now: () => t});
		expect(watch.snapshot().users.map(user => user.state)).toEqual(['unknown', 'unknown', 'unknown']);

		const polls: HubWatchResult[] = [];
		for (let poll = 0; poll < 5; poll++) polls.push(await watch.poll());
		// concurrency 2: at most 4 requests a poll, at most 2 at once; 3 listings and 2 tag listings in all.
		expect(polls.map(poll => poll.requests)).toEqual([4, 1, 0, 0, 0]);
		expect(server.mostAtOnce()).toBeLessThanOrEqual(2);
		expect(paths(server).sort()).toEqual([
			'/v2/namespaces/alicestudent/repositories',
			'/v2/namespaces/alicestudent/repositories/demo/tags',
			'/v2/namespaces/alicestudent/repositories/whalesay/tags',
			'/v2/namespaces/emptyone/repositories',
			'/v2/namespaces/nobodyhere/repositories',
		]);
		const [first, second] = polls;
		// After the first poll Alice's repositories are known, not yet all their tags.
		expect(first?.users[0]).toMatchObject({state: 'unknown'});
		expect(second?.limited).toBe(false);
		expect(second?.until).toBeNull();
		expect(second?.users).toEqual([
			alice,
			{
				username: 'nobodyhere',
				state: 'missing',
				repositories: [],
				checkedAt: alice.checkedAt,
				problem: expect.stringContaining('no Docker Hub account or organization "nobodyhere"'),
			},
			{username: 'emptyone', state: 'ok', repositories: [], checkedAt: alice.checkedAt},
		]);
		expect(watch.snapshot().users).toEqual(second?.users);
	});

	it('checks a user at most once a minute, round-robin, and lists tags again only for a repository that changed', async () => {
		let pushed = false;
		const server = await hub((url, origin) => {
			if (pushed && url.pathname === '/v2/namespaces/alicestudent/repositories') {
				return {status: 200, body: repositoriesOfAlice().replace('2025-03-14T10:44:45.459826Z', '2025-03-16T10:01:30.000000Z')};
			}
			return classRoute(url, origin);
		});
		let t = start;
		const watch = createHubWatch({client: createHubClient({baseUrl: server.origin}), usernames: roster, now: () => t});
		await watch.pollAll({deadlineMs: 10_000});
		const seen = server.seen.length;
		t += 59_999;
		expect(await watch.poll()).toMatchObject({requests: 0});
		t += 1;
		pushed = true;
		await watch.poll();
		await watch.poll();
		// One listing each; only demo, whose last_updated moved, has its tags listed again.
		expect(paths(server, seen).sort()).toEqual([
			'/v2/namespaces/alicestudent/repositories',
			'/v2/namespaces/alicestudent/repositories/demo/tags',
			'/v2/namespaces/emptyone/repositories',
			'/v2/namespaces/nobodyhere/repositories',
		]);
		expect(watch.snapshot().users[0]?.checkedAt).toBe(new Date(t).toISOString());
	});

	it('pollAll tries every user once within its deadline, and says whether it got to all of them', async () => {
		const server = await hub(classRoute);
		let t = start;
		const watch = createHubWatch({client: createHubClient({baseUrl: server.origin}), usernames: roster, now: () => t});
		const all = await watch.pollAll({deadlineMs: 5_000});
		expect(all).toMatchObject({complete: true, requests: 5, limited: false});
		expect(all.users.map(user => user.state)).toEqual(['ok', 'missing', 'ok']);
		// Fresh results are not asked again; a deadline that has passed starts no request.
		expect(await watch.pollAll({deadlineMs: 5_000})).toMatchObject({complete: true, requests: 0});
		t += 60_000;
		expect(await watch.pollAll({deadlineMs: 0})).toMatchObject({complete: false, requests: 0});
		expect(server.seen).toHaveLength(5);
	});
});

describe('rate limits', () => {
	it('a 429 with Retry-After pauses all polling until then; the last known results stay', async () => {
		let busy = false;
		const server = await hub((url, origin) =>
			busy ? {status: 429, body: fixture('rate-limited'), headers: {'Retry-After': '120'}} : classRoute(url, origin),
		);
		let t = start;
		const watch = createHubWatch({client: createHubClient({baseUrl: server.origin}), usernames: roster, now: () => t, concurrency: 1});
		await watch.pollAll({deadlineMs: 10_000});
		const known = watch.snapshot().users;

		busy = true;
		t += 60_000;
		const limited = await watch.poll();
		expect(limited).toMatchObject({limited: true, until: new Date(t + 120_000).toISOString(), requests: 1});
		// The user that met the 429 keeps its last known result and says why it is not newer; the others are as they were.
		const hit = limited.users.findIndex(user => user.problem?.includes('too many requests'));
		expect(hit).toBeGreaterThanOrEqual(0);
		limited.users.forEach((user, index) => expect(user).toEqual(index === hit ? {...known[index], problem: expect.any(String)} : known[index]));
		const seen = server.seen.length;

		busy = false;
		for (const wait of [0, 60_000, 59_999]) {
			t += wait;
			expect(await watch.poll()).toMatchObject({limited: true, requests: 0});
			expect(await watch.pollAll({deadlineMs: 10_000})).toMatchObject({limited: true, complete: false, requests: 0});
		}
		expect(server.seen).toHaveLength(seen);

		t += 1;
		const after = await watch.poll();
		expect(after).toMatchObject({limited: false, until: null});
		expect(after.requests).toBeGreaterThan(0);
		// Round-robin goes on from where it was; within a few polls the user that met the 429 is checked again.
		for (let poll = 0; poll < 3 && watch.snapshot().users[hit]?.checkedAt !== new Date(t).toISOString(); poll++) await watch.poll();
		expect(watch.snapshot().users[hit]).toMatchObject({checkedAt: new Date(t).toISOString()});
		expect(watch.snapshot().users[hit]?.problem ?? '').not.toContain('too many requests');
	});

	it('a 429 without Retry-After backs off a minute, then longer', async () => {
		let busy = true;
		const server = await hub((url, origin) => (busy ? {status: 429, body: fixture('rate-limited')} : classRoute(url, origin)));
		let t = start;
		const watch = createHubWatch({client: createHubClient({baseUrl: server.origin}), usernames: roster, now: () => t, concurrency: 1});
		expect(await watch.poll()).toMatchObject({limited: true, until: new Date(t + 60_000).toISOString(), requests: 1});
		t += 60_000;
		expect(await watch.poll()).toMatchObject({limited: true, until: new Date(t + 120_000).toISOString(), requests: 1});
		t += 120_000;
		busy = false;
		expect(await watch.poll()).toMatchObject({limited: false});
		expect(server.seen.length).toBeGreaterThan(2);
	});

	it('X-RateLimit-Remaining: 0 pauses until X-RateLimit-Reset, an hour at most; the answer that said so is kept', async () => {
		let resetAt = 0;
		const server = await hub((url, origin) => {
			const reply = classRoute(url, origin);
			return reply && {...reply, headers: {'X-RateLimit-Limit': '180', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt)}};
		});
		let t = start;
		resetAt = t / 1000 + 300;
		const watch = createHubWatch({
			client: createHubClient({baseUrl: server.origin}),
			usernames: ['emptyone', 'alicestudent'],
			now: () => t,
			concurrency: 1,
		});
		const first = await watch.poll();
		expect(first).toMatchObject({limited: true, until: new Date(resetAt * 1000).toISOString(), requests: 1});
		expect(first.users[0]).toMatchObject({username: 'emptyone', state: 'ok'});
		t += 299_999;
		expect(await watch.poll()).toMatchObject({limited: true, requests: 0});
		t += 1;
		resetAt = t / 1000 + 10 * 3600;
		const second = await watch.poll();
		expect(second).toMatchObject({limited: true, until: new Date(t + 3600_000).toISOString(), requests: 1});
		expect(server.seen).toHaveLength(2);
	});

	it('spreads the requests Docker Hub says are left over the time left', async () => {
		const server = await hub(() => ({
			status: 200,
			body: fixture('repositories-empty'),
			headers: {'X-RateLimit-Remaining': '10', 'X-RateLimit-Reset': String(start / 1000 + 100)},
		}));
		let t = start;
		const usernames = ['user0001', 'user0002', 'user0003', 'user0004', 'user0005', 'user0006'];
		const watch = createHubWatch({client: createHubClient({baseUrl: server.origin}), usernames, now: () => t, concurrency: 1});
		// Before Docker Hub has said anything, a poll's usual two; then one request each 10 s (10 left in 100 s).
		expect(await watch.poll()).toMatchObject({requests: 2, limited: false});
		expect(await watch.poll()).toMatchObject({requests: 0, limited: false});
		t += 9_999;
		expect(await watch.poll()).toMatchObject({requests: 0});
		t += 1;
		expect(await watch.poll()).toMatchObject({requests: 1});
		expect(server.seen).toHaveLength(3);
	});
});

describe('hostile answers', () => {
	it('an endless listing costs one request a check, and the result says it is incomplete', async () => {
		const server = await hub((url, origin) => {
			const page = Number(url.searchParams.get('page') ?? '1');
			if (url.pathname === '/v2/namespaces/endless/repositories') {
				const results = Array.from({length: 100}, (_, index) => ({name: `r${page}-${index}`, last_updated: '2025-03-16T09:00:00Z'}));
				return {status: 200, body: JSON.stringify({next: `${origin}${url.pathname}?page=${page + 1}`, results})};
			}
			if (/^\/v2\/namespaces\/endless\/repositories\/[^/]+\/tags$/.test(url.pathname)) {
				const results = Array.from({length: 100}, (_, index) => ({name: `t${page}-${index}`}));
				return {status: 200, body: JSON.stringify({next: `${origin}${url.pathname}?page=${page + 1}`, results})};
			}
			return undefined;
		});
		let t = start;
		const watch = createHubWatch({client: createHubClient({baseUrl: server.origin}), usernames: ['endless'], now: () => t});
		let polls = 0;
		for (; polls < 20 && watch.snapshot().users[0]?.state !== 'ok'; polls++) expect((await watch.poll()).requests).toBeLessThanOrEqual(4);
		// One page of repositories, then one page of tags for each of the 10 most recently updated: 11 requests.
		expect(server.seen).toHaveLength(11);
		expect(server.seen.every(seen => !seen.url.searchParams.has('page'))).toBe(true);
		const user = watch.snapshot().users[0];
		expect(user).toMatchObject({state: 'ok', incomplete: true});
		expect(user?.repositories).toHaveLength(10 * 100 + 90);
		expect(user?.repositories.at(-1)).toEqual({reference: 'docker.io/endless/r1-99', at: '2025-03-16T09:00:00Z'});
		// The next check lists the tags of the repositories still without them.
		t += 60_000;
		for (let poll = 0; poll < 10; poll++) await watch.poll();
		expect(server.seen).toHaveLength(22);
	});

	it('names with ESC and other controls stay data: the watch keeps them as sent, nothing crashes, and terminalSafe shows them', async () => {
		const evil = 'demo\u001b]0;pwned\u0007\u001b[2J';
		const server = await hub(url => {
			if (url.pathname === '/v2/namespaces/alicestudent/repositories') {
				return {status: 200, body: JSON.stringify({next: null, results: [{name: evil, last_updated: '\u001b[31mred'}]})};
			}
			if (url.pathname === `/v2/namespaces/alicestudent/repositories/${encodeURIComponent(evil)}/tags`) {
				return {
					status: 200,
					body: JSON.stringify({next: null, results: [{name: 'v1\u001b[0m\u202e', digest: '\u001b[1m', tag_last_pushed: '\u0007'}]}),
				};
			}
			return undefined;
		});
		const watch = createHubWatch({
			client: createHubClient({baseUrl: server.origin}),
			usernames: ['alicestudent', 'bad\u001b[2Jname'],
			now: () => start,
		});
		const all = await watch.pollAll({deadlineMs: 5_000});
		expect(all.complete).toBe(true);
		const [aliceResult, bad] = all.users;
		expect(aliceResult?.repositories).toEqual([{reference: `docker.io/alicestudent/${evil}:v1\u001b[0m\u202e`, at: '\u0007'}]);
		// A roster name that cannot be a Docker ID is never sent to Docker Hub.
		expect(bad).toMatchObject({username: 'bad\u001b[2Jname', state: 'missing', problem: expect.any(String)});
		expect(server.seen.map(seen => decodeURIComponent(seen.url.pathname)).some(seen => seen.includes('bad'))).toBe(false);
		const shown = terminalSafe(JSON.stringify(all.users, null, 1).replaceAll('\\u001b', '\u001b'));
		expect(shown).not.toContain('\u001b');
		expect(terminalSafe(aliceResult?.repositories[0]?.reference ?? '')).toContain('␛]0;pwned␇');
	});
});
