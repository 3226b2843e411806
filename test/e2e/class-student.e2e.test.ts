import {readFile} from 'node:fs/promises';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {ClassInfo, Report} from '../../src/class/class-types.js';
import {sharingNotice} from '../../src/driver/class-reports.js';
import {openProgressStore} from '../../src/progress/store.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {requireEngine} from '../helpers/engine.js';
import {closedOrigin, closeServers, serveHttp, type Served} from '../helpers/http-server.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli} from '../helpers/plain-cli.js';
import {startTestRegistry} from '../helpers/registry.js';

const student = {username: 'student', password: 'student-pass-1234'};
const token = 'class-token-0123456789abcdef0123456789';

let registry: PracticeRegistry;

beforeAll(async () => {
	await requireEngine();
	registry = await startTestRegistry([student]);
});

afterEach(async () => {
	killPlainClis();
	await closeServers();
});

afterAll(async () => {
	await cleanUpPlainClis();
	await registry?.stop();
});

type Received = {method: string; path: string; authorization?: string; body: string};

/**
 * A listener that follows the documented interface (src/class/class-types.ts): GET /class names the test
 * registry; POST /reports takes the student's Basic credentials once and gives a token, then the token.
 */
async function fakeListener(): Promise<{served: Served; received: Received[]; reports: () => Report[]; info: ClassInfo}> {
	const received: Received[] = [];
	const info: ClassInfo = {name: 'Class 3B', kind: 'registry', registry: registry.host, lesson: 'registries', tls: false};
	const basic = `Basic ${Buffer.from(`${student.username}:${student.password}`).toString('base64')}`;
	const served = await serveHttp((request, response) => {
		let body = '';
		request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
		request.on('end', () => {
			const url = new URL(request.url ?? '/', 'http://x');
			const authorization = request.headers.authorization;
			received.push({method: request.method ?? '', path: url.pathname, ...(authorization ? {authorization} : {}), body});
			response.setHeader('Content-Type', 'application/json');
			if (request.method === 'GET' && url.pathname === '/class') return response.end(JSON.stringify(info));
			if (request.method === 'POST' && url.pathname === '/reports') {
				const accepted = (JSON.parse(body) as {reports: unknown[]}).reports.length;
				if (authorization === basic) return response.end(JSON.stringify({accepted, token}));
				if (authorization === `Bearer ${token}`) return response.end(JSON.stringify({accepted}));
				response.statusCode = 401;
				return response.end('{}');
			}
			response.statusCode = 404;
			response.end('{}');
		});
	});
	const reports = (): Report[] =>
		received.filter(request => request.path === '/reports').flatMap(request => (JSON.parse(request.body) as {reports: Report[]}).reports);
	return {served, received, reports, info};
}

const enter = /Press Enter to [^\n]*: $/m;

/** Until the listener has received `count` reports (they go in the background). */
async function reportsArrive(listener: {reports: () => Report[]}, count: number): Promise<void> {
	for (let i = 0; i < 200 && listener.reports().length < count; i++) await new Promise(resolve => setTimeout(resolve, 50));
}

describe('registry-lab --class HOST:PORT', () => {
	it('runs the class lesson on the class registry and reports each step, the password only in the one Basic header', async () => {
		const listener = await fakeListener();
		const cli = await startPlainCli(['--plain', '--class', listener.served.host]);
		// Before step 1, the student hears what is shared.
		const start = await cli.waitFor('Press Enter to continue: ');
		expect(start).toContain(sharingNotice('Class 3B', listener.served.host));
		expect(start.indexOf('Step 1 of 9: What a registry is')).toBeGreaterThanOrEqual(0);
		cli.type('');
		await cli.waitFor('Step 2 of 9: Your account');
		await cli.answer(`Your username on ${registry.host}: `, student.username);
		await cli.waitFor('PASS');
		await cli.waitFor('Step 3 of 9: Log in to the registry');
		// A wrong password first: the login fails, with the cause login-failed.
		await cli.answer(/Password for student on [^\n]*: /, 'not-the-password');
		await cli.waitFor(`Command: docker login ${registry.host} --username student --password-stdin`);
		await cli.answer(enter, '');
		await cli.waitFor('Try again? [r]etry');
		// Before the login passes, nothing is sent.
		expect(listener.received.filter(request => request.path === '/reports')).toEqual([]);
		cli.type('r');
		await cli.answer(/Password for student [^\n]*: /, student.password);
		await cli.answer(enter, '');
		await cli.waitFor(/PASS Logged in to [^\n]* as student/);
		await cli.waitFor('Step 4 of 9: Pick an image to share');
		await reportsArrive(listener, 4);
		await cli.answer(/Type a number [^\n]*: /, 'q');
		expect(await cli.exited).toBe(1);

		expect(listener.reports().map(({step, outcome, cause}) => ({step, outcome, ...(cause ? {cause} : {})}))).toEqual([
			{step: 'what-is-a-registry', outcome: 'pass'},
			{step: 'account', outcome: 'pass'},
			{step: 'login', outcome: 'fail', cause: 'login-failed'},
			{step: 'login', outcome: 'pass'},
		]);
		for (const report of listener.reports()) {
			expect(Object.keys(report).sort()).toEqual(expect.arrayContaining(['at', 'id', 'lesson', 'outcome', 'step']));
			expect(report.lesson).toBe('registries');
		}
		// The listener was asked once for the class, then sent the reports with Basic, once.
		expect(listener.received[0]).toMatchObject({method: 'GET', path: '/class'});
		const posts = listener.received.filter(request => request.path === '/reports');
		expect(posts[0]!.authorization).toMatch(/^Basic /);
		expect(posts.slice(1).every(post => post.authorization === `Bearer ${token}`)).toBe(true);
		// The password is in one Authorization header and nowhere else: not in a body, not on the screen, not in the progress file.
		const basic = Buffer.from(`student:${student.password}`).toString('base64');
		expect(JSON.stringify(listener.received).split(basic)).toHaveLength(2);
		for (const secret of [student.password, 'not-the-password']) {
			expect(JSON.stringify(listener.received)).not.toContain(secret);
			expect(cli.stdout()).not.toContain(secret);
			expect(cli.stderr()).not.toContain(secret);
		}
		const store = openProgressStore({cwd: cli.home});
		const text = await readFile(store.path, 'utf8');
		expect(text).not.toContain(student.password);
		expect(text).not.toContain(basic);
		expect(store.get('registries', registry.host)).toMatchObject({
			registry: registry.host,
			registryKind: 'class',
			classListener: listener.served.host,
			classToken: token,
			completed: ['what-is-a-registry', 'account', 'login'],
		});

		// Resumed (from a new login store, so the login is done again), the lab reports with the kept token:
		// the password goes to docker, never to the listener again.
		const again = await startPlainCli(['--plain', '--class', listener.served.host], {}, {home: cli.home});
		await again.answer('Resume at step 4? [y]es / [n]o, start over / [q]uit: ', 'y');
		await again.waitFor('Step 3 of 9: Log in to the registry');
		await again.answer(/Password for student on [^\n]*: /, student.password);
		await again.answer(enter, '');
		await again.waitFor(/PASS Logged in to [^\n]* as student/);
		await again.waitFor('Step 4 of 9: Pick an image to share');
		await reportsArrive(listener, 5);
		await again.answer(/Type a number [^\n]*: /, 'q');
		expect(await again.exited).toBe(1);
		const later = listener.received.filter(request => request.path === '/reports').slice(posts.length);
		expect(later.length).toBeGreaterThan(0);
		expect(later.every(post => post.authorization === `Bearer ${token}`)).toBe(true);
		expect(listener.reports().at(-1)).toMatchObject({step: 'login', outcome: 'pass'});
		expect(JSON.stringify(listener.received).split(basic)).toHaveLength(2);
	});

	it('a class that does not answer: one sentence, exit 1, nothing else runs', async () => {
		const address = (await closedOrigin()).replace('http://', '');
		const cli = await startPlainCli(['--plain', '--class', address]);
		expect(await cli.exited).toBe(1);
		expect(cli.stderr()).toBe(
			`registry-lab: The class at ${address} did not answer: check the address on your slip, ` +
				'and ask your instructor whether the class is up (registry-lab class up).\n',
		);
		expect(cli.stdout()).toBe('');
	});

	it('a listener that stops answering never stops the lesson: it is said once, and the lesson goes on', async () => {
		const listener = await fakeListener();
		const cli = await startPlainCli(['--plain', '--class', listener.served.host]);
		await cli.waitFor('Step 1 of 9');
		// The listener goes away after telling the class: the reports cannot be sent.
		await listener.served.close();
		await cli.answer('Press Enter to continue: ', '');
		await cli.waitFor('Step 2 of 9: Your account');
		await cli.answer(`Your username on ${registry.host}: `, student.username);
		await cli.waitFor('Step 3 of 9: Log in to the registry');
		await cli.answer(/Password for student on [^\n]*: /, student.password);
		await cli.answer(enter, '');
		await cli.waitFor(/PASS Logged in to [^\n]* as student/);
		await cli.waitFor(`The class listener at ${listener.served.host} cannot be reached; your steps are kept and sent when it answers.`);
		await cli.answer(/Type a number [^\n]*: /, 'q');
		expect(await cli.exited).toBe(1);
		expect(cli.stdout().split('cannot be reached')).toHaveLength(2);
	});
});
