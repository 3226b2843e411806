import {appendFile, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createLogReader, maxLineBytes} from '../../src/class/class-log-read.js';
import type {RegistryRecord} from '../../src/class/class-types.js';
import {classView, rowCells, tableLines, viewJson, type ClassViewInput} from '../../src/class/class-view.js';
import {classCsv, csvCell} from '../../src/commands/class/export.js';
import {loginFailureOf} from '../../src/class/registry-log-read.js';
import {accounts, at, pull, push, report, steps, t0} from '../fixtures/class/records.js';

const students = accounts.map(account => account.username);
const view = (records: ClassViewInput['records'], extra: Partial<ClassViewInput> = {}) =>
	classView({students, steps, records, now: t0 + 60_000, stuckMinutes: 5, ...extra});
const row = (result: ReturnType<typeof classView>, username: string) => result.students.find(student => student.username === username)!;

describe('the class view: pushes and pulls', () => {
	it('counts a manifest push with a tag into their own namespace, and not one without a tag (by digest, or a blob)', () => {
		const result = view([push('alice', 'alice/hello', '1.0', 0, `sha256:${'1'.repeat(64)}`), push('bob', 'bob/hello', undefined, 0)]);
		expect(row(result, 'alice').pushed).toEqual([{reference: 'alice/hello:1.0', digest: `sha256:${'1'.repeat(64)}`, at: at(0)}]);
		expect(row(result, 'bob').pushed).toEqual([]);
		expect(result.strays).toEqual([]);
	});

	it("counts a classmate's pull with its owner, but not the owner's own pull (the pusher's HEAD after a push)", () => {
		const result = view([push('alice', 'alice/hello', '1.0', 0), pull('alice', 'alice/hello', '1.0', 0, 'HEAD'), pull('bob', 'alice/hello', '1.0', 1)]);
		expect(row(result, 'alice').pulled).toEqual([]);
		expect(row(result, 'bob').pulled).toEqual([{reference: 'alice/hello:1.0', owner: 'alice', at: at(1)}]);
		expect(row(result, 'bob').pushed).toEqual([]);
	});

	it("names a push into another student's namespace as a stray, and does not give it to either of them", () => {
		const result = view([push('alice', 'bob/hello', '1.0', 2)]);
		expect(result.strays).toEqual([{actor: 'alice', reference: 'bob/hello:1.0', digest: `sha256:${'ab'.repeat(32)}`, at: at(2)}]);
		expect(row(result, 'alice').pushed).toEqual([]);
		expect(row(result, 'bob').pushed).toEqual([]);
		expect(row(result, 'alice').timeline[0]!.text).toBe("pushed bob/hello:1.0 into bob's namespace");
	});

	it('shows what the catalog scan found (time unknown), once, and never a stray as its namespace owner’s push', () => {
		const scan = [
			{repository: 'carol/web', tag: 'v2', digest: `sha256:${'2'.repeat(64)}`},
			{repository: 'alice/hello', tag: '1.0', digest: `sha256:${'ab'.repeat(32)}`},
			{repository: 'bob/hello', tag: '1.0', digest: `sha256:${'ab'.repeat(32)}`},
		];
		const result = view([push('alice', 'alice/hello', '1.0', 0), push('alice', 'bob/hello', '1.0', 0)], {scan});
		expect(row(result, 'carol').pushed).toEqual([{reference: 'carol/web:v2', digest: `sha256:${'2'.repeat(64)}`, at: null}]);
		expect(row(result, 'alice').pushed).toEqual([{reference: 'alice/hello:1.0', digest: `sha256:${'ab'.repeat(32)}`, at: at(0)}]);
		expect(row(result, 'bob').pushed).toEqual([]);
	});

	it("counts one docker pull once: the tag's HEAD and the GET of its manifest by digest, in either order", () => {
		const byTag = pull('bob', 'alice/hello', '1.0', 1, 'HEAD');
		const byDigest = Object.fromEntries(
			Object.entries({...pull('bob', 'alice/hello', '1.0', 1), id: 'by-digest'}).filter(([key]) => key !== 'tag'),
		) as RegistryRecord;
		for (const records of [
			[byTag, byDigest],
			[byDigest, byTag],
		]) {
			expect(row(view(records), 'bob').pulled).toEqual([{reference: 'alice/hello:1.0', owner: 'alice', at: at(1)}]);
		}
		// Another image of the same repository is another pull.
		const other = {...pull('bob', 'alice/hello', '2.0', 2), digest: `sha256:${'ef'.repeat(32)}`};
		expect(row(view([byTag, byDigest, other]), 'bob').pulled.map(pulled => pulled.reference)).toEqual(['alice/hello:2.0', 'alice/hello:1.0']);
	});

	it('keeps a record delivered twice once', () => {
		const once = pull('bob', 'alice/hello', '1.0', 1);
		const fail = report('carol', 'login', 'fail', 1, 'login-failed');
		const result = view([once, once, fail, fail]);
		expect(row(result, 'bob').timeline).toHaveLength(1);
		expect(row(result, 'carol').failure?.count).toBe(1);
	});
});

describe('the class view: where each student is', () => {
	it('is failing with the cause in words and how many fails in a row on that step: login: wrong password ×3', () => {
		const records = [
			report('alice', 'login', 'fail', 0, 'login-failed'),
			report('alice', 'login', 'pass', 1),
			report('alice', 'login', 'fail', 2, 'login-failed'),
			report('alice', 'login', 'fail', 3, 'network'),
			report('alice', 'login', 'fail', 4, 'login-failed'),
		];
		const alice = row(view(records, {now: t0 + 4 * 60_000}), 'alice');
		expect(alice.state).toBe('failing');
		expect(alice.failure).toEqual({step: 'login', cause: 'login-failed', phrase: 'wrong password', count: 3});
		expect(rowCells(alice, t0 + 4 * 60_000).state).toBe('failing login: wrong password ×3');
		expect(alice.step).toEqual({number: 3, of: 9, id: 'login', title: 'Log in to the registry'});
		expect(viewJson(view(records, {now: t0 + 4 * 60_000})).students.find(s => (s as {username: string}).username === 'alice')).toMatchObject({
			cause: 'login: wrong password ×3',
		});
	});

	it('is failing at the login step when the class registry refused their logins, which the lab cannot report before its login passes', () => {
		const refused = [1, 2, 3].map(minutes => ({username: 'alice', at: at(minutes)}));
		const records = [report('alice', 'account', 'fail', 0, 'network')];
		const alice = row(view(records, {now: t0 + 4 * 60_000, loginFailures: [...refused, {username: 'bob', at: at(2)}]}), 'alice');
		expect(alice.state).toBe('failing');
		expect(rowCells(alice, t0 + 4 * 60_000).state).toBe('failing login: wrong password ×3');
		expect(alice.step).toMatchObject({number: 3, id: 'login'});
		expect(alice.lastActivity).toBe(at(3));
		expect(alice.timeline[0]).toEqual({at: at(3), text: 'login refused by the class registry (wrong password)'});
		// Once the login passes, the lab's reports arrive, and the refusals before them are history.
		const after = row(view([...records, report('alice', 'login', 'pass', 5)], {now: t0 + 6 * 60_000, loginFailures: refused}), 'alice');
		expect(after.state).toBe('working');
		expect(after.failure).toBeNull();
		// A student the registry never refused, with no report, has not started.
		expect(row(view([], {loginFailures: refused}), 'carol').state).toBe('not-started');
	});

	it('reads refused logins from the registry log, and nothing else from it', () => {
		expect(
			loginFailureOf(
				'time="2026-11-29T21:08:19.118477602Z" level=error msg="error authenticating user \\"alice\\": authentication failure" go.version=go1.19.8',
			),
		).toEqual({username: 'alice', at: '2026-11-29T21:08:19.118Z'});
		expect(
			loginFailureOf(
				'time="2026-11-29T21:08:19Z" level=warning msg="error authorizing context: basic authentication challenge: authentication failure"',
			),
		).toBeNull();
		expect(loginFailureOf('time="not a time" level=error msg="error authenticating user \\"alice\\": authentication failure"')).toBeNull();
	});

	it('shows a cause it has no words for as its id', () => {
		const alice = row(view([report('alice', 'push', 'fail', 0, 'strange-new-cause')]), 'alice');
		expect(alice.failure?.phrase).toBe('strange-new-cause');
	});

	it('is on the next step after a pass, working', () => {
		const bob = row(view([report('bob', 'login', 'pass', 0)]), 'bob');
		expect(bob.state).toBe('working');
		expect(bob.step).toMatchObject({number: 4, id: 'choose-image'});
		expect(bob.loggedIn).toBe(true);
	});

	it('is stuck once nothing was heard for stuckMinutes, and not before', () => {
		const records = [report('bob', 'login', 'pass', 0)];
		expect(row(view(records, {now: t0 + 4 * 60_000 + 59_000}), 'bob')).toMatchObject({state: 'working', stuck: false});
		expect(row(view(records, {now: t0 + 5 * 60_000}), 'bob')).toMatchObject({state: 'stuck', stuck: true});
		expect(row(view(records, {now: t0 + 9 * 60_000, stuckMinutes: 10}), 'bob')).toMatchObject({state: 'working', stuck: false});
		// A failing student who went quiet stays failing (the cause matters more), and is marked stuck too.
		const failing = row(view([report('carol', 'push', 'fail', 0, 'push-denied')], {now: t0 + 6 * 60_000}), 'carol');
		expect(failing).toMatchObject({state: 'failing', stuck: true});
	});

	it('is done when the last step passed, and never stuck then', () => {
		const dave = row(view([report('dave', 'pull', 'pass', 0), report('dave', 'done', 'pass', 1)], {now: t0 + 60 * 60_000}), 'dave');
		expect(dave).toMatchObject({state: 'done', stuck: false, step: {number: 9, of: 9, id: 'done'}});
	});

	it('is not started with no record, not logged in', () => {
		const carol = row(view([]), 'carol');
		expect(carol).toMatchObject({state: 'not-started', step: null, loggedIn: false, lastActivity: null, stuck: false});
	});

	it('is logged in once the account appears in a registry event, with no report', () => {
		expect(row(view([pull('carol', 'alice/hello', '1.0', 0)]), 'carol').loggedIn).toBe(true);
		expect(row(view([report('carol', 'login', 'fail', 0, 'login-failed')]), 'carol').loggedIn).toBe(false);
	});

	it('sorts failing and stuck first, then working, not started, done; then by name', () => {
		const records = [
			report('dave', 'done', 'pass', 9),
			report('alice', 'login', 'pass', 9),
			report('bob', 'push', 'fail', 9, 'push-denied'),
			report('carol', 'login', 'pass', 0),
		];
		const result = view(records, {now: t0 + 10 * 60_000, students: ['alice', 'bob', 'carol', 'dave', 'erin']});
		expect(result.students.map(student => `${student.username}:${student.state}`)).toEqual([
			'bob:failing',
			'carol:stuck',
			'alice:working',
			'erin:not-started',
			'dave:done',
		]);
		expect(result.counts).toEqual({done: 1, working: 1, failing: 1, stuck: 1, 'not-started': 1});
	});

	it('lists a timeline newest first, with the last activity on the class clock', () => {
		const result = view([report('alice', 'login', 'pass', 1), push('alice', 'alice/hello', '1.0', 3), report('alice', 'push', 'pass', 4)]);
		const alice = row(result, 'alice');
		expect(alice.timeline.map(entry => entry.text)).toEqual(['push: passed', 'pushed alice/hello:1.0', 'login: passed']);
		expect(alice.lastActivity).toBe(at(4));
	});

	it('makes a table that fits 100 columns', () => {
		const records = [report('alice', 'pull', 'fail', 0, 'image-not-found'), push('alice', 'alice/a-very-long-repository-name-indeed', 'v1.2.3-rc1', 0)];
		for (const line of tableLines(view(records), t0, 100)) expect([...line].length).toBeLessThanOrEqual(100);
	});
});

describe('the CSV for a gradebook', () => {
	it('quotes as RFC 4180 says and defuses cells a spreadsheet would run as formulas', () => {
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
		for (const start of ['+', '-', '@']) expect(csvCell(`${start}1`)).toBe(`'${start}1`);
	});

	it('has a row per student with the columns of the export, and no password', () => {
		const csv = classCsv(view([report('alice', 'login', 'fail', 0, 'login-failed'), push('bob', 'bob/hello', '1.0', 0)]));
		const lines = csv.split('\r\n');
		expect(lines[0]).toBe('username,step,state,cause,pushed,digest,pulled,owner,lastActivity');
		expect(lines.find(line => line.startsWith('alice,'))).toBe(`alice,3/9 Log in to the registry,failing,login: wrong password,,,,,${at(0)}`);
		expect(lines.find(line => line.startsWith('bob,'))).toContain(`bob/hello:1.0,sha256:${'ab'.repeat(32)}`);
		expect(lines).toHaveLength(students.length + 2);
		for (const account of accounts) expect(csv).not.toContain(account.password);
	});
});

describe('reading events.jsonl as it grows', () => {
	let dir: string;
	afterEach(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	it('reads only what is new, waits for a torn last line, and skips malformed and overlong lines', async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-log-'));
		const file = path.join(dir, 'events.jsonl');
		const reader = createLogReader(file);
		expect(await reader.read()).toEqual({records: [], skipped: 0});

		const first = report('alice', 'login', 'pass', 0);
		const second = push('alice', 'alice/hello', '1.0', 1);
		const line = JSON.stringify(second);
		await writeFile(file, `${JSON.stringify(first)}\nnot json\n{"type":"registry"}\n${line.slice(0, 20)}`);
		const read1 = await reader.read();
		expect(read1.records).toEqual([first]);
		expect(read1.skipped).toBe(2);

		await appendFile(file, `${line.slice(20)}\n`);
		expect(await reader.read()).toEqual({records: [second], skipped: 0});
		expect(await reader.read()).toEqual({records: [], skipped: 0});

		// A line longer than a record may be is skipped, however it arrives; the next one is read.
		await appendFile(file, `{"type":"report","x":"${'y'.repeat(maxLineBytes)}`);
		expect(await reader.read()).toEqual({records: [], skipped: 0});
		const third = report('bob', 'login', 'fail', 2, 'login-failed');
		await appendFile(file, `"}\n${JSON.stringify(third)}\n`);
		expect(await reader.read()).toEqual({records: [third], skipped: 1});
	});

	it('keeps only the fields of a record, each bounded', async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-log-'));
		const file = path.join(dir, 'events.jsonl');
		const blob = {...push('alice', 'alice/hello', undefined, 0), mediaType: 'application/octet-stream', repository: `alice/${'r'.repeat(2000)}`};
		await writeFile(file, `${JSON.stringify(blob)}\n`);
		const [record] = (await createLogReader(file).read()).records;
		expect(record).not.toHaveProperty('mediaType');
		expect((record as {repository: string}).repository.length).toBe(512);
	});
});
