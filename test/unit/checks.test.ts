import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {runCheck, type CheckContext} from '../../src/checks/checks.js';
import type {Engine} from '../../src/container/engine.js';
import {createHubClient} from '../../src/registry/hub-client.js';
import {closeServers, serveHttp, closedOrigin} from '../helpers/http-server.js';

const dirs: string[] = [];
afterAll(async () => {
	await closeServers();
	for (const dir of dirs) await rm(dir, {recursive: true, force: true});
});

/** A docker whose login store (a config.json of its own) holds `auths`. */
async function engineWithLogins(auths: Record<string, string>): Promise<Engine> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-checks-'));
	dirs.push(dir);
	const entries = Object.fromEntries(Object.entries(auths).map(([host, user]) => [host, {auth: Buffer.from(`${user}:not-read`).toString('base64')}]));
	await writeFile(path.join(dir, 'config.json'), JSON.stringify({auths: entries}));
	return {name: 'docker', bin: 'docker', env: {...process.env, DOCKER_CONFIG: dir}};
}

const context = (engine: Engine, hubOrigin: string, registry = '127.0.0.1:5000'): CheckContext => ({
	engine,
	registry,
	hub: createHubClient({baseUrl: hubOrigin, timeoutMs: 2000}),
});

describe('the Docker Hub account check', () => {
	it('without Docker Hub, says it could not check: not a pass, and the lesson may go on without it', async () => {
		const engine = await engineWithLogins({});
		const result = await runCheck({type: 'hub-user-exists', username: 'alicestudent'}, context(engine, await closedOrigin(), 'docker.io'));
		expect(result).toMatchObject({ok: false, couldNotCheck: true, mayGoOn: true});
		expect(result.summary).toBe("Docker Hub could not be asked whether the user 'alicestudent' exists.");
		expect(result.detail).toContain('connection refused');
		expect(result.diagnosis?.hint).toContain('go on without this check');
	});

	it('a user Docker Hub does not know is a plain fail, one it knows a pass', async () => {
		const hub = await serveHttp((_request, response, url) => {
			response.writeHead(url.pathname === '/v2/users/alicestudent/' ? 200 : 404, {'content-type': 'application/json'});
			response.end('{}');
		});
		const engine = await engineWithLogins({});
		const missing = await runCheck({type: 'hub-user-exists', username: 'nobodyhere'}, context(engine, hub.origin, 'docker.io'));
		expect(missing).toMatchObject({ok: false});
		expect(missing.couldNotCheck).toBeUndefined();
		expect(await runCheck({type: 'hub-user-exists', username: 'alicestudent'}, context(engine, hub.origin, 'docker.io'))).toMatchObject({ok: true});
	});
});

describe('the login check', () => {
	it('logged in as another name: offers that name when it is one a username may be', async () => {
		const hub = await closedOrigin();
		const engine = await engineWithLogins({'127.0.0.1:5000': 'alice', '127.0.0.1:5001': 'Bob Smith'});
		const result = await runCheck({type: 'logged-in', registry: '127.0.0.1:5000', username: 'Alice'}, context(engine, hub));
		expect(result).toMatchObject({ok: false, suggestion: {field: 'username', value: 'alice'}});
		expect(result.summary).toBe("docker is logged in to 127.0.0.1:5000 as 'alice', not 'Alice'.");
		expect(result.detail).toContain("or use 'alice' as your username");
		// A name that cannot be a username in image names is not offered.
		const other = await runCheck({type: 'logged-in', registry: '127.0.0.1:5001', username: 'bob'}, context(engine, hub, '127.0.0.1:5001'));
		expect(other).toMatchObject({ok: false});
		expect(other.suggestion).toBeUndefined();
		expect(await runCheck({type: 'logged-in', registry: '127.0.0.1:5000', username: 'alice'}, context(engine, hub))).toMatchObject({ok: true});
	});
});

/** A registry on 127.0.0.1 that answers every request with `status` (a manifest for 200). */
async function registryAnswering(status: number, headers: Record<string, string> = {}) {
	return serveHttp((_request, response, url) => {
		if (status === 200 && url.pathname.includes('/manifests/')) {
			response.writeHead(200, {'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'a'.repeat(64)}`});
			response.end('{}');
			return;
		}
		if (status === 200) {
			response.writeHead(200, {'content-type': 'application/json'});
			response.end(JSON.stringify({name: 'alice/demo', tags: ['1.0']}));
			return;
		}
		response.writeHead(status, {'content-type': 'application/json', ...headers});
		response.end(JSON.stringify({errors: [{code: status === 404 ? 'MANIFEST_UNKNOWN' : 'UNKNOWN', message: 'said so'}]}));
	});
}

describe('a registry check has three outcomes: pass, fail, could not check', () => {
	const manifest = (host: string) => ({type: 'manifest', reference: `${host}/alice/demo:1.0`}) as const;
	const tags = (host: string) => ({type: 'tags', reference: `${host}/alice/demo:1.0`}) as const;

	it('an image the registry has passes, and what the check did names the request and the digest', async () => {
		const engine = await engineWithLogins({});
		const registry = await registryAnswering(200);
		const result = await runCheck(manifest(registry.host), context(engine, await closedOrigin(), registry.host));
		expect(result).toMatchObject({ok: true});
		expect(result.did).toBe(`HEAD ${registry.origin}/v2/alice/demo/manifests/1.0 → 200, Docker-Content-Digest sha256:${'a'.repeat(64)}`);
		const listed = await runCheck(tags(registry.host), context(engine, await closedOrigin(), registry.host));
		expect(listed).toMatchObject({ok: true});
		expect(listed.did).toBe(`GET ${registry.origin}/v2/alice/demo/tags/list → 200\n→ 1 tag(s), 1.0 among them`);
	});

	it('a missing tag is a fail: the student’s to mend', async () => {
		const engine = await engineWithLogins({});
		const registry = await registryAnswering(404);
		const result = await runCheck(manifest(registry.host), context(engine, await closedOrigin(), registry.host));
		expect(result.ok).toBe(false);
		expect(result.couldNotCheck).toBeUndefined();
		expect(result.did).toContain(`HEAD ${registry.origin}/v2/alice/demo/manifests/1.0 → 404`);
	});

	it('a registry out of reach, too busy or broken could not be checked: not a pass, not a fail, and says to check again', async () => {
		const engine = await engineWithLogins({});
		const closed = new URL(await closedOrigin()).host;
		for (const check of [manifest(closed), tags(closed)]) {
			const result = await runCheck(check, context(engine, await closedOrigin(), closed));
			expect(result, check.type).toMatchObject({ok: false, couldNotCheck: true, summary: `The registry ${closed} could not be reached.`});
			expect(result.detail).toContain('check again');
			expect(result.did).toMatch(/^(?:HEAD|GET) http:\/\/127\.0\.0\.1:\d+\/v2\/alice\/demo\/\S+ → ECONNREFUSED$/);
		}
		for (const [status, headers] of [
			[429, {'retry-after': '30'}],
			[500, {}],
			[503, {}],
		] as const) {
			const registry = await registryAnswering(status, headers);
			const result = await runCheck(manifest(registry.host), context(engine, await closedOrigin(), registry.host));
			expect(result, `HTTP ${status}`).toMatchObject({ok: false, couldNotCheck: true});
			expect(result.did).toContain(`→ ${status}`);
		}
	});

	it('a registry that takes the connection and never answers could not be checked once the time limit is over', async () => {
		const engine = await engineWithLogins({});
		const stalled = await serveHttp(() => {});
		for (const check of [manifest(stalled.host), tags(stalled.host)]) {
			const result = await runCheck(check, {...context(engine, await closedOrigin(), stalled.host), timeLimitMs: 1000});
			expect(result, check.type).toMatchObject({ok: false, couldNotCheck: true, summary: 'No answer within 1 s.'});
			expect(result.detail).toContain('check again');
			expect(result.did).toMatch(/→ no answer within 1 s$/);
		}
		expect(stalled.seen.length).toBeGreaterThanOrEqual(2);
	});
});

describe('what a check did', () => {
	it('the login check names the file it read and what it found, never the password', async () => {
		const engine = await engineWithLogins({'127.0.0.1:5000': 'alice'});
		const result = await runCheck({type: 'logged-in', registry: '127.0.0.1:5000', username: 'alice'}, context(engine, await closedOrigin()));
		expect(result.did).toBe(`read ${path.join(engine.env.DOCKER_CONFIG!, 'config.json')}\n→ logged in as alice`);
		expect(result.did).not.toContain('not-read');
	});

	it('the local image check names the read-only command it ran', async () => {
		const engine = await engineWithLogins({});
		const result = await runCheck({type: 'local-image', reference: 'registry-lab-no-such-image:9.9'}, context(engine, await closedOrigin()));
		expect(result).toMatchObject({ok: false});
		expect(result.couldNotCheck).toBeUndefined();
		expect(result.did).toMatch(/^docker image inspect --format \{\{\.Id\}\} registry-lab-no-such-image:9\.9 → .*No such (?:image|object)/);
	});
});
