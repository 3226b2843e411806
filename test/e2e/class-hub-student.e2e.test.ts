import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {generateJoinCode} from '../../src/class/class-folder.js';
import {classPath, readAccounts} from '../../src/class/class-config-file.js';
import {classFiles, type ClassRecord} from '../../src/class/class-types.js';
import {startListener, type Listener} from '../../src/class/listener.js';
import {main} from '../../src/cli.js';
import {joinCodeRefusedNotice, sharingNotice} from '../../src/driver/class-reports.js';
import {openProgressStore} from '../../src/progress/store.js';
import {argvRecorder} from '../helpers/argv-log.js';
import {requireEngine} from '../helpers/engine.js';
import {closeServers, type Served} from '../helpers/http-server.js';
import {serveHubReplay} from '../helpers/hub-replay.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli, type PlainCli} from '../helpers/plain-cli.js';

// A Docker Hub class end to end: `class init --hub` makes the folder, the real listener takes the reports, and the
// student's lab (from source, plain mode, over pipes) meets a Docker Hub replayed on 127.0.0.1 (test/helpers/hub-redirect.ts).
const student = 'alicestudent';
let dir = '';
let listener: Listener;
let address = '';
let joinCode = '';
let hub: Served;
let docker: Awaited<ReturnType<typeof argvRecorder>>;

beforeAll(async () => {
	await requireEngine();
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-hub-class-'));
	const roster = path.join(dir, 'roster.txt');
	await writeFile(roster, `# Period 3\n${student}\nbobstudent\n`);
	const made = await main(['class', 'init', '--hub', '--roster', roster, '--dir', dir, '--address', '127.0.0.1', '--name', 'Period 3']);
	expect(made).toBe(0);
	const accounts = await readAccounts(dir);
	if (!accounts.ok) throw new Error(accounts.problem);
	joinCode = accounts.value.find(account => account.username === student)!.password;
	listener = await startListener({dir, host: '127.0.0.1', port: 0});
	address = `127.0.0.1:${listener.port}`;
	docker = await argvRecorder();
});

afterEach(() => killPlainClis());

afterAll(async () => {
	await listener?.close();
	await closeServers();
	await cleanUpPlainClis();
	if (dir) await rm(dir, {recursive: true, force: true});
});

/** The student's lab, with Docker Hub's API answered by the replay and every docker argv written to a log. */
async function lab(home?: string): Promise<PlainCli> {
	hub ??= await serveHubReplay([student, 'bobstudent']);
	return startPlainCli(
		['--plain', '--class', address],
		{REGISTRY_LAB_TEST_HUB_ORIGIN: hub.origin, PATH: `${path.dirname(docker.bin)}${path.delimiter}${process.env.PATH ?? ''}`},
		{nodeArgs: ['--import', './test/helpers/hub-redirect.ts'], ...(home ? {home} : {})},
	);
}

async function events(): Promise<ClassRecord[]> {
	const text = await readFile(classPath(dir, classFiles.events), 'utf8').catch(() => '');
	return text
		.split('\n')
		.filter(line => line.trim() !== '')
		.map(line => JSON.parse(line) as ClassRecord);
}

/** Until the listener's log holds `count` reports of the student (they go in the background). */
async function reportsLogged(count: number): Promise<ClassRecord[]> {
	for (let i = 0; i < 200; i++) {
		const reports = (await events()).filter(record => record.type === 'report');
		if (reports.length >= count) return reports;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	return (await events()).filter(record => record.type === 'report');
}

const joinPrompt = 'Your join code (not shown while you type, q to quit): ';
const enter = /Press Enter to [^\n]*: $/m;

describe('registry-lab --class HOST:PORT for a Docker Hub class', () => {
	it('asks the join code once, and the report of the account step reaches the class under the Docker Hub username', async () => {
		const cli = await lab();
		const asked = await cli.waitFor(joinPrompt);
		expect(asked).toContain('The join code is on the slip from your instructor.');
		// A slip misread: refused for its shape before it goes anywhere.
		cli.type('abcd-ef0h');
		await cli.answer(joinPrompt, joinCode.toUpperCase());
		const start = await cli.answer('Press Enter to continue: ', '');
		expect(start).toContain(sharingNotice('Period 3', address));
		await cli.waitFor('Step 2 of 9: Get an account');
		await cli.answer('Your Docker Hub username: ', student);
		await cli.waitFor(`PASS`);
		await cli.waitFor('Step 3 of 9: Log in to the registry');
		const reports = await reportsLogged(2);
		expect(reports.map(record => record.type === 'report' && [record.username, record.step, record.outcome])).toEqual([
			[student, 'what-is-a-registry', 'pass'],
			[student, 'account', 'pass'],
		]);
		expect((await events()).filter(record => record.type === 'session').map(record => record.username)).toEqual([student]);
		await cli.answer(/Password for alicestudent [^\n]*: /, 'not-used');
		await cli.answer(enter, 'q');
		expect(await cli.exited).toBe(1);
		expect(cli.stdout().split(joinPrompt)).toHaveLength(3);
		expect(cli.stdout()).toContain('Not accepted: A join code never has 0, 1, l or o in it');

		// The join code was typed, never argv; not on the screen, not in docker's argv, not in the progress file.
		const store = openProgressStore({cwd: cli.home});
		const saved = await readFile(store.path, 'utf8');
		for (const text of [cli.stdout(), cli.stderr(), saved, await docker.argvLog(), JSON.stringify(process.argv)]) {
			expect(text).not.toContain(joinCode);
			expect(text).not.toContain(joinCode.toUpperCase());
			expect(text).not.toContain(Buffer.from(`${student}:${joinCode}`).toString('base64'));
		}
		expect(store.get('registries', 'docker.io')).toMatchObject({registryKind: 'hub', classListener: address, classToken: expect.any(String)});

		// Resumed with the kept token: the join code is not asked again.
		const again = await lab(cli.home);
		await again.answer('Resume at step 3? [y]es / [n]o, start over / [q]uit: ', 'y');
		await again.answer(/Password for alicestudent [^\n]*: /, 'not-used');
		await again.answer(enter, 'q');
		expect(await again.exited).toBe(1);
		expect(again.stdout()).not.toContain('join code');
	});

	it('a join code that is not the student’s is refused by the class (401): said once, and the lesson goes on', async () => {
		const before = (await events()).length;
		let wrong = generateJoinCode();
		while (wrong === joinCode) wrong = generateJoinCode();
		const cli = await lab();
		await cli.answer(joinPrompt, wrong);
		await cli.answer('Press Enter to continue: ', '');
		await cli.answer('Your Docker Hub username: ', student);
		await cli.waitFor('Step 3 of 9: Log in to the registry');
		// Said as the class answers, before or after the password is asked: the lesson goes on either way.
		await cli.waitFor(joinCodeRefusedNotice(student));
		cli.type('not-used');
		await cli.answer(enter, 'q');
		expect(await cli.exited).toBe(1);
		expect(cli.stdout().split(joinCodeRefusedNotice(student))).toHaveLength(2);
		expect(cli.stdout()).not.toContain(wrong);
		// Nothing of this run reached the class's log; the listener wrote down the refusal.
		expect((await events()).slice(before)).toEqual([]);
		expect(await readFile(classPath(dir, classFiles.listenerLog), 'utf8')).toMatch(/401|refused/i);
	});
});
