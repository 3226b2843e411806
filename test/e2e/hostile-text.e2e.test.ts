// Text from outside never drives the terminal: a registry whose answers hold escape sequences,
// and names typed on the command line, reach the screen shown, never obeyed.
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProgressStore, progressFrom} from '../../src/progress/store.js';
import {runCommand} from '../../src/run/run-command.js';
import {closeServers, serveHttp, type Served} from '../helpers/http-server.js';

const title = '\u001B]0;pwned\u0007';
const clipboard = '\u001B]52;c;cm0gLXJmIH4=\u0007';
const hostileUser = 'student\u001B[2J\u009B6n';

let registry: Served;
let home: string;

/** The real CLI, run from source, with a progress folder of the test's own. */
const cli = (args: string[]) =>
	runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', ...args], env: {REGISTRY_LAB_HOME: home}, timeoutMs: 60_000});

const raw = (text: string) => ['\u001B', '\u0007', '\u009B'].some(control => text.includes(control));

beforeAll(async () => {
	registry = await serveHttp((_request, response, url) => {
		if (url.pathname === '/v2/') {
			response.writeHead(200, {'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0'}).end('{}');
		} else if (url.pathname.endsWith('/tags/list')) {
			response.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify({name: 'student/demo', tags: [title, clipboard]}));
		} else {
			const body = {errors: [{code: 'MANIFEST_UNKNOWN', message: `manifest unknown ${title}${clipboard}`}]};
			response.writeHead(404, {'Content-Type': 'application/json', 'X-Note': 'x'}).end(JSON.stringify(body));
		}
	});
	home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-hostile-'));
	const target = `${registry.host}/student/demo:1.0`;
	const vars = {username: hostileUser, image: `demo${title}:latest`, target, pullRef: target};
	openProgressStore({cwd: home}).save(
		'registries',
		progressFrom({registry: registry.host, registryKind: 'class', vars, completed: [], stats: {}, stepId: 'done', finished: true}),
	);
});

afterAll(async () => {
	await closeServers();
	await rm(home, {recursive: true, force: true});
});

describe('hostile text from a registry and the progress file', () => {
	it('verify shows the tags with control pictures and prints no ESC or BEL', async () => {
		const result = await cli(['verify']);
		expect(registry.seen.some(seen => seen.url.pathname.endsWith('/tags/list'))).toBe(true);
		expect(raw(result.stdout), result.stdout).toBe(false);
		expect(raw(result.stderr), result.stderr).toBe(false);
		expect(result.stdout).toContain('␛]0;pwned␇');
		expect(result.stdout).toContain('␛]52;c;');
	});

	it('verify --json is still valid JSON, with the characters escaped as JSON escapes them', async () => {
		const result = await cli(['verify', '--json']);
		expect(raw(result.stdout)).toBe(false);
		expect(result.stdout).toContain(JSON.stringify(title).slice(1, -1));
		const report = JSON.parse(result.stdout) as {steps: {id: string; summary: string; detail?: string}[]};
		expect(report.steps.map(step => `${step.summary}\n${step.detail ?? ''}`).join('\n')).toContain(title);
	});

	it('explain echoes a hostile name shown, never obeyed; --json keeps it escaped', async () => {
		const name = '\u001B]0;x\u0007';
		const text = await cli(['explain', name]);
		expect(raw(text.stdout + text.stderr)).toBe(false);
		expect(text.stdout).toContain('␛]0;x␇');
		const json = await cli(['explain', name, '--json']);
		expect(raw(json.stdout)).toBe(false);
		expect((JSON.parse(json.stdout) as {input: string}).input).toBe(name);
	});
});
