import http from 'node:http';
import net from 'node:net';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {writeClassConfig} from '../../src/class/class-config-file.js';
import {listenerLimits, type ClassConfig, type ClassRecord, type Report} from '../../src/class/class-types.js';
import {startListener, type Listener} from '../../src/class/listener.js';
import {generatedPasswordCost, htpasswdLine} from '../../src/registry/htpasswd.js';
import {listenCommand} from '../../src/commands/class/listen.js';
import {classRecords} from '../helpers/class-cli.js';

const secret = 'notify-secret-7d1f0c2a9b';
const alice = {username: 'alice', password: 'k7qe-m2xa-9dfw-t4ny'};
const bob = {username: 'bob', password: 'p3rs-v8wz-qq2h-jk4m'};
const instructor = {username: 'instructor', password: 'inst-ruct-orpw-2345'};

const config = (listenerPort: number): ClassConfig => ({
	version: 1,
	kind: 'registry',
	name: 'period-3',
	lesson: 'registries',
	address: '192.0.2.10',
	bind: '127.0.0.1',
	port: 5000,
	listenerPort,
	tls: false,
	notifySecret: secret,
	httpSecret: 'http-secret-0123456789',
	instructorPassword: instructor.password,
});

let dir = '';
let listener: Listener | undefined;
let origin = '';
let clock = Date.parse('2026-01-05T10:00:00Z');

beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-listener-'));
	await writeClassConfig(dir, config(5001));
	const lines = [alice, bob, instructor].map(account => htpasswdLine(account.username, account.password, generatedPasswordCost));
	await writeFile(path.join(dir, 'htpasswd'), `${lines.join('\n')}\n`, {mode: 0o600});
	clock = Date.parse('2026-01-05T10:00:00Z');
	await start();
});

afterEach(async () => {
	await listener?.close();
	listener = undefined;
	await rm(dir, {recursive: true, force: true});
});

async function start(): Promise<void> {
	listener = await startListener({dir, host: '127.0.0.1', port: 0, now: () => clock});
	origin = `http://127.0.0.1:${listener.port}`;
}

async function restart(): Promise<void> {
	await listener?.close();
	await start();
}

const basic = (account: {username: string; password: string}) => `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`;

type Answer = {status: number; body: Record<string, unknown>; headers: Headers};

async function post(where: string, body: unknown, authorization?: string): Promise<Answer> {
	const response = await fetch(`${origin}${where}`, {
		method: 'POST',
		headers: {'Content-Type': 'application/json', ...(authorization ? {Authorization: authorization} : {})},
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return {status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers};
}

let reportCount = 0;
const report = (overrides: Partial<Record<keyof Report | 'output', unknown>> = {}): Record<string, unknown> => ({
	id: `report-${++reportCount}-abcdef`,
	lesson: 'registries',
	step: 'login',
	outcome: 'pass',
	at: '2026-01-05T09:59:00.000Z',
	...overrides,
});

const notification = (event: Record<string, unknown>) => ({events: [event]});
const manifestEvent = (id: string, action: 'push' | 'pull', actor: string, extra: Record<string, unknown> = {}) => ({
	id,
	timestamp: '2026-01-05T10:00:00.123Z',
	action,
	target: {
		mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
		digest: `sha256:${'b'.repeat(64)}`,
		size: 527,
		repository: 'alice/hello',
		url: `http://192.0.2.10:5000/v2/alice/hello/manifests/sha256:${'b'.repeat(64)}`,
		...(action === 'push' ? {tag: '1.0'} : {}),
		...extra,
	},
	request: {id: 'r1', addr: '127.0.0.1:40000', host: '192.0.2.10:5000', method: action === 'push' ? 'PUT' : 'GET', useragent: 'docker/27'},
	actor: {name: actor},
	source: {addr: 'host:5000', instanceID: 'instance-1'},
});
const blobEvent = (id: string) => ({
	id,
	timestamp: '2026-01-05T10:00:00Z',
	action: 'push',
	target: {
		mediaType: 'application/octet-stream',
		digest: `sha256:${'c'.repeat(64)}`,
		size: 100,
		repository: 'alice/hello',
		url: 'http://x/v2/alice/hello/blobs/sha256:c',
	},
	request: {method: 'PUT'},
	actor: {name: 'alice'},
	source: {instanceID: 'instance-1'},
});

const records = (): Promise<ClassRecord[]> => classRecords(dir);

const listenerLog = () => readFile(path.join(dir, 'listener.log'), 'utf8').catch(() => '');

describe('GET /health and /class', () => {
	it('answer the class name, and where its registry is', async () => {
		expect(await (await fetch(`${origin}/health`)).json()).toEqual({ok: true, name: 'period-3'});
		expect(await (await fetch(`${origin}/class`)).json()).toEqual({
			name: 'period-3',
			kind: 'registry',
			registry: '192.0.2.10:5000',
			lesson: 'registries',
			tls: false,
		});
	});

	it('a Hub class names docker.io as its registry', async () => {
		await writeClassConfig(dir, {...config(5001), kind: 'hub'});
		await restart();
		expect(await (await fetch(`${origin}/class`)).json()).toMatchObject({kind: 'hub', registry: 'docker.io'});
	});

	it('refuses another path with 404 and another method with 405, and logs each', async () => {
		expect((await fetch(`${origin}/admin`)).status).toBe(404);
		const wrong = await fetch(`${origin}/reports`);
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('POST');
		expect(await listenerLog()).toMatch(/127\.0\.0\.1 404 GET \/admin: no such path/);
		expect(await listenerLog()).toMatch(/127\.0\.0\.1 405 GET \/reports/);
	});
});

describe('POST /events (the registry)', () => {
	it('refuses a notification without the class secret, or with a wrong one', async () => {
		expect((await post('/events', notification(manifestEvent('e1', 'push', 'alice')))).status).toBe(401);
		expect((await post('/events', notification(manifestEvent('e1', 'push', 'alice')), 'Bearer not-the-secret')).status).toBe(401);
		expect((await post('/events', notification(manifestEvent('e1', 'push', 'alice')), `Bearer ${secret}x`)).status).toBe(401);
		expect(await records()).toEqual([]);
		expect(await listenerLog()).toMatch(/401 POST \/events: a notification without the class secret/);
	});

	it('keeps a manifest push with its tag and a manifest pull, with the account that did them', async () => {
		expect((await post('/events', notification(manifestEvent('e1', 'push', 'alice')), `Bearer ${secret}`)).status).toBe(200);
		expect((await post('/events', notification(manifestEvent('e2', 'pull', 'bob')), `Bearer ${secret}`)).status).toBe(200);
		expect(await records()).toEqual([
			{
				type: 'registry',
				id: 'e1',
				at: '2026-01-05T10:00:00.123Z',
				action: 'push',
				actor: 'alice',
				repository: 'alice/hello',
				tag: '1.0',
				digest: `sha256:${'b'.repeat(64)}`,
				method: 'PUT',
				instance: 'instance-1',
			},
			{
				type: 'registry',
				id: 'e2',
				at: '2026-01-05T10:00:00.123Z',
				action: 'pull',
				actor: 'bob',
				repository: 'alice/hello',
				digest: `sha256:${'b'.repeat(64)}`,
				method: 'GET',
				instance: 'instance-1',
			},
		]);
	});

	it('acknowledges and drops blob events, deletes, and a manifest push without a tag', async () => {
		const answers = await Promise.all([
			post('/events', notification(blobEvent('b1')), `Bearer ${secret}`),
			post('/events', notification({...manifestEvent('d1', 'push', 'alice'), action: 'delete'}), `Bearer ${secret}`),
			post('/events', notification(manifestEvent('p1', 'push', 'alice', {tag: undefined})), `Bearer ${secret}`),
		]);
		expect(answers.map(answer => answer.status)).toEqual([200, 200, 200]);
		expect(await records()).toEqual([]);
	});

	it('keeps an event the registry sends twice once, and answers the second as the first', async () => {
		const event = notification(manifestEvent('e1', 'push', 'alice'));
		expect((await post('/events', event, `Bearer ${secret}`)).status).toBe(200);
		expect((await post('/events', event, `Bearer ${secret}`)).status).toBe(200);
		expect(await records()).toHaveLength(1);
	});

	it('refuses a body that is not JSON or has no events list with 400', async () => {
		expect((await post('/events', '{"events": [', `Bearer ${secret}`)).status).toBe(400);
		expect((await post('/events', {}, `Bearer ${secret}`)).status).toBe(400);
		expect(await listenerLog()).toMatch(/400 POST \/events: The body is not JSON/);
	});

	it('writes 100 notifications posted at once with far fewer flushes, each on disk before its answer', async () => {
		const before = listener!.stats().flushes;
		const answers = await Promise.all(
			Array.from({length: 100}, (_, index) => post('/events', notification(manifestEvent(`e${index}`, 'pull', 'bob')), `Bearer ${secret}`)),
		);
		expect(answers.every(answer => answer.status === 200)).toBe(true);
		expect(await records()).toHaveLength(100);
		expect(listener!.stats().flushes - before).toBeLessThan(50);
	});
});

describe('POST /reports (the labs)', () => {
	it('takes the first report with the class login and answers a token; only its hash is kept', async () => {
		const answer = await post('/reports', {reports: [report({id: 'first-report-1'})]}, basic(alice));
		expect(answer.status).toBe(200);
		expect(answer.body.accepted).toBe(1);
		const token = String(answer.body.token);
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const kept = await records();
		expect(kept.map(record => record.type)).toEqual(['session', 'report']);
		expect(kept[1]).toEqual({
			type: 'report',
			id: 'first-report-1',
			lesson: 'registries',
			step: 'login',
			outcome: 'pass',
			at: '2026-01-05T09:59:00.000Z',
			username: 'alice',
			received: '2026-01-05T10:00:00.000Z',
		});
		expect(kept[0]).toMatchObject({type: 'session', username: 'alice', tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown});
		expect(await readFile(path.join(dir, 'events.jsonl'), 'utf8')).not.toContain(token);
	});

	it('takes later reports with the token, as the same student', async () => {
		const {token} = (await post('/reports', {reports: [report()]}, basic(bob))).body;
		const later = await post(
			'/reports',
			{reports: [report({step: 'push', outcome: 'fail', cause: 'denied'}), report({step: 'pull', outcome: 'unknown'})]},
			`Bearer ${String(token)}`,
		);
		expect(later).toMatchObject({status: 200, body: {accepted: 2}});
		expect(later.body.token).toBeUndefined();
		const reports = (await records()).filter(record => record.type === 'report');
		expect(reports.map(record => [record.username, record.step, record.outcome, record.cause])).toEqual([
			['bob', 'login', 'pass', undefined],
			['bob', 'push', 'fail', 'denied'],
			['bob', 'pull', 'unknown', undefined],
		]);
	});

	it('checks the password (bcrypt) once, when the token is given, not for each later report', async () => {
		const compare = vi.spyOn(bcrypt, 'compare');
		try {
			const {token} = (await post('/reports', {reports: [report()]}, basic(alice))).body;
			expect(compare).toHaveBeenCalledTimes(1);
			for (let index = 0; index < 10; index++) expect((await post('/reports', {reports: [report()]}, `Bearer ${String(token)}`)).status).toBe(200);
			expect(compare).toHaveBeenCalledTimes(1);
		} finally {
			compare.mockRestore();
		}
	});

	it('refuses a wrong password, an unknown account and an unknown token with 401, saying the same to each', async () => {
		const wrong = await post('/reports', {reports: [report()]}, basic({username: 'alice', password: 'not-her-password'}));
		const unknown = await post('/reports', {reports: [report()]}, basic({username: 'mallory', password: 'whatever-it-is'}));
		const token = await post('/reports', {reports: [report()]}, `Bearer ${'A'.repeat(43)}`);
		const none = await post('/reports', {reports: [report()]});
		expect([wrong.status, unknown.status, token.status, none.status]).toEqual([401, 401, 401, 401]);
		expect(unknown.body).toEqual(wrong.body);
		expect(token.body).toEqual(wrong.body);
		expect(await records()).toEqual([]);
		const log = await listenerLog();
		expect(log).toContain('a wrong password for alice');
		expect(log).toContain('a login of an unknown account');
		expect(log).toContain('an unknown report token');
	});

	it('refuses the instructor account: it is not a student', async () => {
		const answer = await post('/reports', {reports: [report()]}, basic(instructor));
		expect(answer.status).toBe(401);
		expect(answer.body.token).toBeUndefined();
		expect(await listenerLog()).toContain('the instructor account cannot send reports');
	});

	it('refuses malformed reports with 400, naming what is wrong, and keeps none of the post', async () => {
		const {token} = (await post('/reports', {reports: [report()]}, basic(alice))).body;
		const bearer = `Bearer ${String(token)}`;
		const bad: unknown[] = [
			'not json',
			{},
			{reports: []},
			{reports: Array.from({length: listenerLimits.maxReportsPerPost + 1}, () => report())},
			{reports: [report(), 'text']},
			{reports: [report({id: 'short'})]},
			{reports: [report({lesson: 'Registries'})]},
			{reports: [report({step: '-login'})]},
			{reports: [report({outcome: 'passed'})]},
			{reports: [report({cause: 'Denied!'})]},
			{reports: [report({at: 'yesterday'})]},
			{reports: [report({at: '2026-13-45T99:99:99Z'})]},
			{reports: [report({output: 'Error response from daemon'})]},
			{reports: [report()], password: 'x'},
		];
		const statuses: number[] = [];
		for (const body of bad) statuses.push((await post('/reports', body, bearer)).status);
		expect(statuses).toEqual(bad.map(() => 400));
		expect((await records()).filter(record => record.type === 'report')).toHaveLength(1);
		expect(await listenerLog()).toMatch(/400 POST \/reports: reports of alice: report 1: step is not a step id/);
	});

	it('keeps a report sent twice once, and answers 200 both times', async () => {
		const {token} = (await post('/reports', {reports: [report()]}, basic(alice))).body;
		const again = report({id: 'retried-report'});
		expect((await post('/reports', {reports: [again]}, `Bearer ${String(token)}`)).status).toBe(200);
		expect((await post('/reports', {reports: [again]}, `Bearer ${String(token)}`)).status).toBe(200);
		expect((await records()).filter(record => record.id === 'retried-report')).toHaveLength(1);
	});

	it('answers 413 to a body over the cap, as soon as the cap is passed, without waiting for the rest', async () => {
		const big = {reports: [report({id: 'x'.repeat(listenerLimits.reportsBody)})]};
		expect((await post('/reports', big, basic(alice))).status).toBe(413);
		// A body that never ends: the answer comes once the cap is passed.
		const status = await new Promise<number>((resolve, reject) => {
			const request = http.request(`${origin}/reports`, {method: 'POST', headers: {Authorization: basic(bob), 'Transfer-Encoding': 'chunked'}});
			request.on('response', response => {
				resolve(response.statusCode ?? 0);
				request.destroy();
			});
			request.on('error', reject);
			request.write(Buffer.alloc(listenerLimits.reportsBody + 1024, 'x'));
		});
		expect(status).toBe(413);
		expect(await records()).toEqual([]);
	});

	it('limits an account to a burst of reports (429 with Retry-After), and takes more when time has passed', async () => {
		const {token} = (await post('/reports', {reports: [report()]}, basic(alice))).body;
		const bearer = `Bearer ${String(token)}`;
		const statuses: number[] = [];
		for (let index = 0; index < 60; index++) statuses.push((await post('/reports', {reports: [report()]}, bearer)).status);
		const limited = await post('/reports', {reports: [report()]}, bearer);
		expect(statuses.filter(status => status === 200).length).toBe(59);
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		// Another student is not held back by alice's reports.
		expect((await post('/reports', {reports: [report()]}, basic(bob))).status).toBe(200);
		clock += 1000;
		expect((await post('/reports', {reports: [report()]}, bearer)).status).toBe(200);
	});

	it('limits failed logins of an account harder: after 5, even the right password waits', async () => {
		const statuses: number[] = [];
		for (let index = 0; index < 5; index++)
			statuses.push((await post('/reports', {reports: [report()]}, basic({...alice, password: `wrong-${index}`}))).status);
		expect(statuses).toEqual([401, 401, 401, 401, 401]);
		const limited = await post('/reports', {reports: [report()]}, basic(alice));
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
		clock += 60_000;
		expect((await post('/reports', {reports: [report()]}, basic(alice))).status).toBe(200);
	});

	it('lets a whole classroom behind one address sign in at once (50 right logins together)', async () => {
		const students = Array.from({length: 50}, (_, index) => ({username: `student-${index}`, password: `password-of-${index}`}));
		const lines = [alice, bob, instructor, ...students].map(account => htpasswdLine(account.username, account.password, generatedPasswordCost));
		await writeFile(path.join(dir, 'htpasswd'), `${lines.join('\n')}\n`, {mode: 0o600});
		await restart();
		const answers = await Promise.all(students.map(student => post('/reports', {reports: [report()]}, basic(student))));
		expect(answers.map(answer => answer.status)).toEqual(students.map(() => 200));
		expect(answers.every(answer => typeof answer.body.token === 'string')).toBe(true);
	});

	it('after a restart, a token still works and a report already kept is not kept again', async () => {
		const first = report({id: 'before-restart'});
		const {token} = (await post('/reports', {reports: [first]}, basic(alice))).body;
		await restart();
		const again = await post('/reports', {reports: [first, report({id: 'after-restart'})]}, `Bearer ${String(token)}`);
		expect(again).toMatchObject({status: 200, body: {accepted: 2}});
		expect((await records()).filter(record => record.type === 'report').map(record => record.id)).toEqual(['before-restart', 'after-restart']);
	});

	it('a token of a student removed from the class stops working', async () => {
		const {token} = (await post('/reports', {reports: [report()]}, basic(bob))).body;
		await writeFile(path.join(dir, 'htpasswd'), `${htpasswdLine(alice.username, alice.password, generatedPasswordCost)}\n`);
		expect((await post('/reports', {reports: [report()]}, `Bearer ${String(token)}`)).status).toBe(401);
	});
});

describe('what the listener writes', () => {
	it('never holds a password, a token or an Authorization header, and its log is one sanitised line per refusal', async () => {
		const {token} = (await post('/reports', {reports: [report()]}, basic(alice))).body;
		await post('/reports', {reports: [report()]}, basic({...bob, password: 'bobs-wrong-password'}));
		// A password typed into the username field, with an escape sequence in it.
		await post('/reports', {reports: [report()]}, basic({username: '\u001b]0;pwned\u0007secret-typed-as-name', password: 'x'}));
		await post('/events', notification(manifestEvent('e1', 'push', 'alice')), 'Bearer wrong-notify-secret');
		const written = `${await readFile(path.join(dir, 'events.jsonl'), 'utf8')}\n${await listenerLog()}`;
		for (const secretText of [
			alice.password,
			'bobs-wrong-password',
			String(token),
			'wrong-notify-secret',
			secret,
			'secret-typed-as-name',
			'Authorization',
			'Basic ',
		]) {
			expect(written).not.toContain(secretText);
		}
		const log = await listenerLog();
		expect(log).not.toContain('\u001b');
		expect(log).not.toContain('\u0007');
		for (const line of log.split('\n').filter(Boolean)) {
			expect(line.length).toBeLessThanOrEqual(300);
			expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z 127\.0\.0\.1 4\d\d /);
		}
		for (const file of ['events.jsonl', 'listener.log']) expect((await stat(path.join(dir, file))).mode & 0o777).toBe(0o600);
	});
});

describe('registry-lab class listen', () => {
	it('says in one sentence that the port is in use, and exits 1', async () => {
		const blocker = net.createServer();
		await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve));
		const {port} = blocker.address() as net.AddressInfo;
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			const code = await listenCommand(['--dir', dir, '--port', String(port), '--bind', '127.0.0.1'], {out: () => undefined, stdin: process.stdin});
			expect(code).toBe(1);
			const said = stderr.mock.calls.map(call => String(call[0])).join('');
			const sentence = `Port ${port} on 127.0.0.1 is in use: stop what listens there (another class up?), or choose another port with --port.`;
			expect(said).toBe(`registry-lab class listen: ${sentence}\n`);
		} finally {
			stderr.mockRestore();
			await new Promise(resolve => blocker.close(resolve));
		}
	});

	it('names a folder that is not a class folder (exit 1), and a bad port (exit 2)', async () => {
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			const io = {out: () => undefined, stdin: process.stdin};
			expect(await listenCommand(['--dir', path.join(dir, 'nowhere')], io)).toBe(1);
			expect(await listenCommand(['--dir', dir, '--port', 'http'], io)).toBe(2);
			const said = stderr.mock.calls.map(call => String(call[0])).join('');
			expect(said).toContain('is not a class folder');
			expect(said).toContain("--port must be a port number (1-65535, or 0 for any free one), not 'http'.");
		} finally {
			stderr.mockRestore();
		}
	});
});
