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
