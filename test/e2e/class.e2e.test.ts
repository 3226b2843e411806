// The whole class with the real parts: class init and class up from the built CLI (the real distribution
// registry notifying the real listener), two students running the lesson with --class and the real docker
// engine, and what the instructor sees: class status, the dashboard across a restart; and what the listener refuses.
import {existsSync, readFileSync} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readAccounts, readClassConfig, type Account} from '../../src/class/class-config-file.js';
import {classAddresses, createClassFeed, openClass} from '../../src/class/class-source.js';
import {classFiles, type ClassConfig, type RunningClass} from '../../src/class/class-types.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {isAlive} from '../../src/run/process-alive.js';
import {ClassDashboard} from '../../src/ui/components/class-dashboard-view.js';
import {buildCli, classCli, classRecords, classStatus, eventually, freePort, initLoopbackClass, type StatusRow} from '../helpers/class-cli.js';
import {makeTestImage, removeImage, requireEngine, uniqueName} from '../helpers/engine.js';
import {waitForText} from '../helpers/ink.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli, type PlainCli} from '../helpers/plain-cli.js';
import {resizeTerminal} from '../helpers/terminal-size.js';

let dir = '';
let config: ClassConfig;
let registry = '';
let listener = '';
let alice: Account;
let bob: Account;
const cleanups: (() => Promise<unknown>)[] = [];
/** Everything the instructor's commands printed, to look for passwords in. */
const shown: string[] = [];

beforeAll(async () => {
	await requireEngine();
	await buildCli();
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-e2e-'));
	const [port, listenerPort] = [await freePort(), await freePort()];
	const init = await initLoopbackClass(dir, ['alice', 'bob'], port, listenerPort);
	const up = await classCli(['up', '--dir', dir, '--bind', '127.0.0.1']);
	shown.push(init.stdout, init.stderr, up.stdout, up.stderr);
	if (up.exitCode !== 0) throw new Error(`class up failed: ${up.stderr}`);
	const read = await readClassConfig(dir);
	if (!read.ok) throw new Error(read.problem);
	config = read.value;
	registry = `127.0.0.1:${port}`;
	listener = `127.0.0.1:${listenerPort}`;
	const accounts = await readAccounts(dir);
	if (!accounts.ok) throw new Error(accounts.problem);
	const account = (name: string): Account => accounts.value.find(entry => entry.username === name)!;
	alice = account('alice');
	bob = account('bob');
});

afterAll(async () => {
	killPlainClis();
	await cleanUpPlainClis();
	for (const cleanup of cleanups) await cleanup().catch(() => undefined);
	if (!dir) return;
	// The class is stopped even when a test failed half-way: class down, then whatever it left.
	const running = existsSync(path.join(dir, classFiles.running))
		? (JSON.parse(readFileSync(path.join(dir, classFiles.running), 'utf8')) as RunningClass)
		: undefined;
	await classCli(['down', '--dir', dir]);
	for (const pid of [running?.listener.pid, running?.registry?.pid]) if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
	await rm(dir, {recursive: true, force: true});
});

const enter = /Press Enter to [^\n]*: $/m;
const typed = /^\$ $/m;
const escape = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `class status --json`, kept for the password check. */
async function status(): Promise<StatusRow[]> {
	const result = await classStatus(dir);
	shown.push(result.stdout, result.stderr);
	return result.students;
}

const rowOf = (rows: StatusRow[], name: string): StatusRow => rows.find(row => row.username === name)!;

/** At the login step: type each password in turn (a wrong one fails and is retried). */
async function logIn(cli: PlainCli, account: Account, passwords: readonly string[], afterFailures?: () => Promise<void>): Promise<void> {
	await cli.waitFor('Step 3 of 9: Log in to the registry');
	for (const [index, password] of passwords.entries()) {
		await cli.answer(new RegExp(`Password for ${account.username} [^\\n]*: `), password);
		await cli.answer(enter, '');
		if (index === passwords.length - 1) break;
		await cli.waitFor('Try again? [r]etry');
		if (index === passwords.length - 2) await afterFailures?.();
		cli.type('r');
	}
	await cli.waitFor(new RegExp(`PASS Logged in to [^\\n]* as ${account.username}`));
}

/** Steps 4 to 7: pick the image, tag it, push it, see it. Returns the pushed target. */
async function tagAndPush(cli: PlainCli, account: Account): Promise<string> {
	const image = `${uniqueName(`class-${account.username}-source`)}:1.0`;
	await makeTestImage(image);
	const repository = uniqueName(`class-${account.username}`);
	const target = `${registry}/${account.username}/${repository}:1.0`;
	cleanups.push(
		() => removeImage(image),
		() => removeImage(target),
	);
	await cli.waitFor('Step 4 of 9: Pick an image to share');
	await cli.answer(/Type a number [^\n]*: /, image);
	await cli.waitFor('Step 5 of 9: Name it for the registry');
	await cli.answer('Repository name [first-image]: ', repository);
	await cli.answer('Tag (version) [1.0]: ', '');
	await cli.answer(typed, '!run');
	await cli.waitFor(/PASS [^\n]*same image/);
	await cli.waitFor('Step 6 of 9: Push it');
	await cli.answer(typed, '!run');
	await cli.waitFor(/PASS [^\n]*\n\s+Digest: sha256:[0-9a-f]{64}/, 90_000);
	await cli.waitFor('Step 7 of 9: See it in the registry');
	await cli.answer('Press Enter to check, e to change your answers, q to quit: ', '');
	await cli.waitFor(`PASS Tags in ${target.split(':1.0')[0]!}: 1.0`);
	return target;
}

/** Steps 8 and 9: pull the classmate's image, finish. */
async function pullAndFinish(cli: PlainCli, classmateTarget: string): Promise<void> {
	cleanups.push(() => removeImage(classmateTarget));
	await cli.waitFor("Step 8 of 9: Pull a classmate's image");
	await cli.answer('Image to pull: ', classmateTarget);
	await cli.answer(typed, '!run');
	await cli.waitFor(new RegExp(`PASS ${escape(classmateTarget)} is on this computer`), 90_000);
	await cli.waitFor('Step 9 of 9: Done');
	await cli.answer('Press Enter to continue: ', '');
	await cli.waitFor('Lesson finished');
	expect(await cli.exited).toBe(0);
}

/** Steps 1 and 2 of a new run with --class. */
async function join(cli: PlainCli, account: Account): Promise<void> {
	await cli.answer('Press Enter to continue: ', '');
	await cli.waitFor('Step 2 of 9: Your account');
	await cli.answer(`Your username on ${registry}: `, account.username);
}

const forged = {event: 'forged-event-0001', report: 'forged-report-0001'};

describe('a class, end to end', () => {
	it('refuses registry events without the secret and reports without a valid token, and logs neither', async () => {
		const event = {
			events: [
				{
					id: forged.event,
					timestamp: new Date().toISOString(),
					action: 'push',
					target: {
						mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
						digest: `sha256:${'f'.repeat(64)}`,
						size: 1,
						repository: 'alice/forged',
						tag: '1.0',
					},
					request: {id: 'r', addr: '127.0.0.1', host: registry, method: 'PUT', useragent: 'x'},
					actor: {name: 'alice'},
					source: {addr: registry, instanceID: 'forged'},
				},
			],
		};
		const post = (where: string, body: unknown, authorization?: string) =>
			fetch(`http://${listener}${where}`, {
				method: 'POST',
				headers: {'Content-Type': 'application/json', ...(authorization ? {Authorization: authorization} : {})},
				body: JSON.stringify(body),
			}).then(response => response.status);
		expect(await post('/events', event)).toBe(401);
		expect(await post('/events', event, 'Bearer not-the-notify-secret')).toBe(401);
		const reports = {reports: [{id: forged.report, lesson: 'registries', step: 'done', outcome: 'pass', at: new Date().toISOString()}]};
		expect(await post('/reports', reports, 'Bearer made-up-token-0123456789abcdef')).toBe(401);
		const log = await readFile(path.join(dir, classFiles.events), 'utf8').catch(() => '');
		expect(log).not.toContain('forged');
	});

	it('two students run the lesson: a wrong password ×3 shows as failing, then each push and the classmate’s pull, once', async () => {
		let failingSeen: StatusRow | undefined;
		let failingTable = '';
		const aliceRun = async (): Promise<{cli: PlainCli; target: string}> => {
			// alice mistypes her password three times on her first run: her lab cannot report before its login passes,
			// and the class registry's own log names the account it refused.
			const cli = await startPlainCli(['--plain', '--class', listener]);
			await join(cli, alice);
			await logIn(cli, alice, ['wrong-password-1', 'wrong-password-2', 'wrong-password-3', alice.password], async () => {
				failingSeen = await eventually('alice failing in class status', async () => {
					const row = rowOf(await status(), 'alice');
					return row.state === 'failing' && row.cause === 'login: wrong password ×3' ? row : undefined;
				});
				const table = await classCli(['status', '--dir', dir]);
				shown.push(table.stdout, table.stderr);
				failingTable = table.stdout;
			});
			return {cli, target: await tagAndPush(cli, alice)};
		};
		const bobRun = async (): Promise<{cli: PlainCli; target: string}> => {
			const cli = await startPlainCli(['--plain', '--class', listener]);
			await join(cli, bob);
			await logIn(cli, bob, [bob.password]);
			return {cli, target: await tagAndPush(cli, bob)};
		};
		const [a, b] = await Promise.all([aliceRun(), bobRun()]);
		expect(failingSeen).toMatchObject({state: 'failing', cause: 'login: wrong password ×3', step: {number: 3, id: 'login'}});
		// The table fits 100 columns when there is no terminal: the step's title may be cut, never the state with its cause.
		expect(failingTable).toMatch(/^alice +3\/9 Log in to the[^\n]* +failing login: wrong password ×3 /m);
		await Promise.all([pullAndFinish(a.cli, b.target), pullAndFinish(b.cli, a.target)]);

		const digestOf = async (account: Account, target: string): Promise<string> => {
			const [repository, tag] = target.slice(registry.length + 1).split(':') as [string, string];
			const head = await createRegistryClient({registry, credentials: account}).headManifest(repository, tag);
			if (!head.ok) throw new Error(`${target} is not in the registry: ${head.message}`);
			return head.digest;
		};
		const short = (target: string) => target.slice(registry.length + 1);
		// Each lab sends its last reports as it ends, and the pulls' notifications come after the registry's answers.
		const rows = await eventually('both students done, with their pulls', async () => {
			const now = await status();
			return now.every(row => row.state === 'done' && row.pulled.length > 0) ? now : undefined;
		});
		for (const [account, own, classmate, owner] of [
			[alice, a.target, b.target, 'bob'],
			[bob, b.target, a.target, 'alice'],
		] as const) {
			const row = rowOf(rows, account.username);
			expect(row).toMatchObject({state: 'done', step: {number: 9, of: 9, id: 'done'}, cause: null, loggedIn: true, stuck: false});
			expect(row.pushed).toEqual([{reference: short(own), digest: await digestOf(account, own), at: expect.any(String) as string}]);
			expect(row.pulled).toEqual([{reference: short(classmate), owner, at: expect.any(String) as string}]);
		}
	});

	it('the dashboard, stopped and started again, shows the same rows: nothing is lost', async () => {
		const opened = await openClass(dir);
		if (!opened.ok) throw new Error(opened.problem);
		const {registry: shownRegistry, joinLine} = classAddresses(opened.value.config);
		const title = {name: opened.value.config.name, registry: shownRegistry, joinLine};
		const rowsOf = (frame: string): string[] => frame.split('\n').filter(line => /^[›\s]\s(alice|bob)\b/.test(line));
		// Both on the same clock, so that "how long ago" is the same in both.
		const now = Date.now();
		const frameOf = async (): Promise<string> => {
			const feed = createClassFeed(opened.value, 5);
			const app = render(createElement(ClassDashboard, {title, feed, clock: () => now, onQuit: () => undefined, readEveryMs: 50}));
			try {
				await resizeTerminal(app, 160, 30);
				const frame = await waitForText(app, /bob +9\/9 Done +✔ done/);
				await waitForText(app, /alice +9\/9 Done +✔ done/);
				return app.lastFrame() ?? frame;
			} finally {
				app.unmount();
			}
		};
		const first = await frameOf();
		const second = await frameOf();
		shown.push(first, second);
		expect(rowsOf(first)).toHaveLength(2);
		expect(rowsOf(second)).toEqual(rowsOf(first));
		expect(first).toContain('2 done · 0 working · 0 failing · 0 stuck · 0 not started');
		expect(second).toContain('2 done · 0 working · 0 failing · 0 stuck · 0 not started');
	});

	it('the forged event and report never reached the event log; no password shows in any output or in listener.log', async () => {
		const records = await classRecords(dir);
		expect(records.length).toBeGreaterThan(0);
		expect(JSON.stringify(records)).not.toContain('forged');
		const listenerLog = await readFile(path.join(dir, classFiles.listenerLog), 'utf8').catch(() => '');
		expect(shown.length).toBeGreaterThan(5);
		for (const password of [alice.password, bob.password, config.instructorPassword, config.notifySecret, config.httpSecret]) {
			for (const text of [...shown, listenerLog]) expect(text).not.toContain(password);
		}
	});
});
