// class status and class export through main(), on a class folder the test writes; and with the real
// distribution registry, a push made while no listener ran shows through the catalog scan.
import {readFile, rm, writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {main} from '../../src/cli.js';
import {instructorAccount} from '../../src/class/class-types.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {requireEngine} from '../helpers/engine.js';
import {pushAsClassmate, startTestRegistry} from '../helpers/registry.js';
import {accounts, classConfig, pull, push, report, writeClassFolder} from '../fixtures/class/records.js';

/** main() in this process, with what it writes to standard output and standard error caught. */
async function inProcess(argv: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const out = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => ((stdout += String(chunk)), true));
	const err = vi.spyOn(process.stderr, 'write').mockImplementation(chunk => ((stderr += String(chunk)), true));
	try {
		return {exitCode: await main(argv), stdout, stderr};
	} finally {
		out.mockRestore();
		err.mockRestore();
	}
}

/** A port nothing listens on: the class registry is down. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise(resolve => server.close(resolve));
	return port;
}

const secrets = [...accounts.map(account => account.password), 'Instructor-Secret-5h7j', 'notify-secret-never-shown', 'http-secret-never-shown'];
const folders: string[] = [];
afterEach(async () => {
	for (const dir of folders.splice(0)) await rm(dir, {recursive: true, force: true});
});

describe('class status on a class folder', () => {
	const records = [
		report('alice', 'login', 'fail', 0, 'login-failed'),
		report('alice', 'login', 'fail', 1, 'login-failed'),
		report('bob', 'login', 'pass', 0),
		push('bob', 'bob/hello', '1.0', 2),
		pull('dave', 'bob/hello', '1.0', 3),
		push('alice', 'bob/hello', '2.0', 4),
		report('dave', 'done', 'pass', 4),
	];
	const folder = async (): Promise<string> => {
		const dir = await writeClassFolder({config: classConfig({bind: '127.0.0.1', port: await closedPort()}), records});
		folders.push(dir);
		return dir;
	};

	it('--json gives {students: [...], strays: [...]} in the documented shape, and says on stderr that the catalog could not be read', async () => {
		const dir = await folder();
		const result = await inProcess(['class', 'status', '--dir', dir, '--json']);
		expect(result.exitCode).toBe(0);
		const json = JSON.parse(result.stdout) as {students: Record<string, unknown>[]; strays: unknown[]};
		expect(Object.keys(json)).toEqual(['students', 'strays']);
		expect(json.students.map(student => student.username)).toEqual(['alice', 'bob', 'carol', 'dave']);
		for (const student of json.students) {
			expect(Object.keys(student)).toEqual(['username', 'step', 'state', 'cause', 'loggedIn', 'pushed', 'pulled', 'lastActivity', 'stuck']);
		}
		expect(json.students[0]).toMatchObject({username: 'alice', state: 'failing', cause: 'login: wrong password ×2', loggedIn: true, stuck: true});
		expect(json.students[1]).toMatchObject({
			username: 'bob',
			step: {number: 4, of: 9, id: 'choose-image', title: 'Pick an image to share'},
			pushed: [{reference: 'bob/hello:1.0', digest: `sha256:${'ab'.repeat(32)}`, at: '2020-03-02T10:02:00.000Z'}],
		});
		expect(json.students[2]).toMatchObject({username: 'carol', state: 'not-started', step: null, cause: null, loggedIn: false, lastActivity: null});
		expect(json.students[3]).toMatchObject({
			username: 'dave',
			state: 'done',
			pulled: [{reference: 'bob/hello:1.0', owner: 'bob', at: '2020-03-02T10:03:00.000Z'}],
		});
		expect(json.strays).toEqual([{actor: 'alice', reference: 'bob/hello:2.0', digest: `sha256:${'ab'.repeat(32)}`, at: '2020-03-02T10:04:00.000Z'}]);
		expect(result.stderr).toMatch(/catalog was not read/);
		for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
	});

	it('prints a table that fits 100 columns, with the join line, the counts and the strays', async () => {
		const dir = await folder();
		const result = await inProcess(['class', 'status', '--dir', dir, '--stuck', '100000000']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/--stuck must be whole minutes/);
		const shown = await inProcess(['class', 'status', '--dir', dir]);
		expect(shown.exitCode).toBe(0);
		const lines = shown.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^period-3 · registry 192\.0\.2\.10:\d+ · students type: npx registry-lab --class 192\.0\.2\.10:5050$/);
		expect(lines[1]).toBe('1 done · 0 working · 1 failing · 1 stuck · 1 not started');
		expect(lines[3]).toMatch(/^STUDENT +STEP +STATE +PUSHED +PULLED +LAST$/);
		expect(lines[4]).toMatch(/^alice +3\/9 Log in to .* failing login: wrong password ×2/);
		expect(shown.stdout).toContain('alice pushed bob/hello:2.0');
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
		for (const secret of secrets) expect(shown.stdout + shown.stderr).not.toContain(secret);
	});

	it('shows a hostile name and cause from the log as text, never as escape sequences', async () => {
		const hostile = '\u001B]0;pwned\u0007\u001B[2J';
		const dir = await writeClassFolder({
			config: classConfig({bind: '127.0.0.1', port: await closedPort()}),
			records: [report('alice', 'login', 'fail', 0, `x${hostile}`), push('alice', `bob/evil${hostile}`, '1.0', 0)],
		});
		folders.push(dir);
		for (const argv of [
			['class', 'status', '--dir', dir],
			['class', 'status', '--dir', dir, '--json'],
		]) {
			const result = await inProcess(argv);
			expect(result.stdout).not.toContain('\u001B');
			expect(result.stdout).not.toContain('\u0007');
		}
	});

	it('export --csv writes the gradebook once, refuses to overwrite it, and replaces it with --force', async () => {
		const dir = await folder();
		const file = path.join(dir, 'grades.csv');
		const written = await inProcess(['class', 'export', '--dir', dir, '--csv', file]);
		expect(written.exitCode).toBe(0);
		const csv = await readFile(file, 'utf8');
		expect(csv.split('\r\n')[0]).toBe('username,step,state,cause,pushed,digest,pulled,owner,lastActivity');
		expect(csv).toContain('dave,9/9 Done,done,,,,bob/hello:1.0,bob,2020-03-02T10:04:00.000Z');
		for (const secret of secrets) expect(csv).not.toContain(secret);

		await writeFile(file, 'keep me');
		const refused = await inProcess(['class', 'export', '--dir', dir, '--csv', file]);
		expect(refused.exitCode).toBe(1);
		expect(refused.stderr).toMatch(/exists already.*--force/);
		expect(await readFile(file, 'utf8')).toBe('keep me');
		expect((await inProcess(['class', 'export', '--dir', dir, '--csv', file, '--force'])).exitCode).toBe(0);
		expect(await readFile(file, 'utf8')).toBe(csv);

		expect((await inProcess(['class', 'export', '--dir', dir])).exitCode).toBe(2);
	});

	it('names a folder that is not a class folder, exit 1', async () => {
		const result = await inProcess(['class', 'status', '--dir', path.join(await folder(), 'nothing-here')]);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/is not a class folder/);
	});
});

describe('class status with the real registry', () => {
	let registry: PracticeRegistry;
	const instructor = {username: instructorAccount, password: 'Instructor-Secret-5h7j'};
	const alice = accounts[0]!;

	beforeAll(async () => {
		await requireEngine();
		registry = await startTestRegistry([instructor, alice]);
	});
	afterAll(async () => {
		await registry?.stop();
	});

	it('shows a push made while no listener ran, found by the catalog scan (its time unknown)', async () => {
		const reference = await pushAsClassmate(registry.host, alice, 'class-view');
		const [, port] = registry.host.split(':');
		const dir = await writeClassFolder({
			config: classConfig({bind: '127.0.0.1', port: Number(port), instructorPassword: instructor.password}),
			records: [],
		});
		folders.push(dir);
		const result = await inProcess(['class', 'status', '--dir', dir, '--json']);
		expect(result.stderr).toBe('');
		expect(result.exitCode).toBe(0);
		const json = JSON.parse(result.stdout) as {students: {username: string; pushed: {reference: string; digest: string; at: string | null}[]}[]};
		const pushed = json.students.find(student => student.username === 'alice')!.pushed;
		expect(pushed).toEqual([
			{reference: reference.slice(registry.host.length + 1), digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as string, at: null},
		]);
		for (const secret of secrets) expect(result.stdout).not.toContain(secret);
	});
});
