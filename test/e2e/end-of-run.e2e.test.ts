import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {openProgressStore} from '../../src/progress/store.js';
import {removeImage, requireEngine} from '../helpers/engine.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli, type PlainCli} from '../helpers/plain-cli.js';
import {portOpen} from '../helpers/registry.js';

// The end of a practice lesson, through the real CLI in plain mode (pipes, so no terminal): what the
// Done step and the last words say, and that the lab really removes the student's login to the
// practice registry from their docker config when it stops it, at the end and when they leave.

const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
});

afterEach(() => killPlainClis());

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
	await cleanUpPlainClis();
});

const escape = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
const logins = async (config: string): Promise<string[]> => Object.keys((JSON.parse(await readFile(config, 'utf8')) as {auths?: object}).auths ?? {});
const typed = /^\$ $/m;

/** Through the practice registry's start and the login; returns its address. */
async function throughLogin(cli: PlainCli): Promise<string> {
	const running = await cli.waitFor(/The practice registry is running at (127\.0\.0\.1:\d+)\./);
	const host = /running at (127\.0\.0\.1:\d+)/.exec(running)![1]!;
	await cli.answer('Press Enter to continue: ', '');
	const account = await cli.answer('Press Enter to continue: ', '');
	const password = /password: (\S+)/.exec(account)![1]!;
	await cli.waitFor('Step 3 of 9: Log in to the registry');
	await cli.answer(/Password for student on [^\n]*\(not shown while you type\): /, password);
	await cli.answer(/Press Enter to run it[^\n]*: $/m, '');
	await cli.waitFor(new RegExp(`PASS Logged in to ${escape(host)} as student`));
	expect(await logins(cli.config)).toEqual([host]);
	return host;
}

describe('the end of a practice lesson', () => {
	it('Done does not say to log out; once the registry stopped, the summary; the login is gone; saved as finished (exit 0)', async () => {
		const cli = await startPlainCli(['--plain', '--practice']);
		const host = await throughLogin(cli);
		const target = `${host}/student/first-image:1.0`;
		const classmate = `${host}/classmate/hello:1.0`;
		cleanups.push(
			() => removeImage(target),
			() => removeImage(classmate),
		);

		await cli.answer(/Type a number \(0 to \d+\) or an image name \[0\]: /, '0');
		await cli.answer('Repository name [first-image]: ', '');
		await cli.answer('Tag (version) [1.0]: ', '');
		await cli.answer(typed, '!run');
		await cli.waitFor(/PASS [^\n]*same image/);
		await cli.answer(typed, '!run');
		const pushed = await cli.waitFor(/Digest: (sha256:[0-9a-f]{64})/, 90_000);
		const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(pushed)![1]!;
		await cli.answer(/Press Enter to check[^\n]*: $/m, '');
		await cli.answer('Image to pull: ', classmate);
		await cli.answer(typed, '!run');
		await cli.waitFor(`PASS ${classmate} is on this computer`, 90_000);

		const done = await cli.answer('Press Enter to continue: ', '');
		expect(done).toContain('Step 9 of 9: Done');
		expect(done).toContain(digest);
		expect(done).toMatch(/registry-lab stops the practice registry, deletes what was pushed to it and logs you out of it/);
		expect(done).not.toContain(`logout ${host}`);

		const end = await cli.waitFor(/Progress saved in [^\n]*\n/);
		expect(await cli.exited).toBe(0);
		// The last words come once the registry has stopped, and say the same as the app leaves on the screen.
		expect(end.indexOf('Stopping the practice registry')).toBeGreaterThanOrEqual(0);
		expect(end.slice(end.indexOf('Stopping the practice registry')).split('\n').slice(1)).toEqual([
			'',
			'Lesson finished: you did all 9 steps of "Share an image through a registry".',
			`  pushed  ${target}`,
			`  digest  ${digest}`,
			`  pulled  ${classmate}  (classmate's image)`,
			'The practice registry has stopped, and registry-lab logged you out of it.',
			// The tag and the pulled image stay on this computer: cleanup removes them (the login is already gone).
			'To remove what this lesson made on this computer (its tags and the images it pulled), run:',
			'  registry-lab cleanup',
			`Progress saved in ${path.join(cli.home, 'progress.json')}.`,
			'',
		]);
		expect(await portOpen(host)).toBe(false);
		expect(await logins(cli.config)).toEqual([]);
		expect(openProgressStore({cwd: cli.home}).get('registries')).toMatchObject({finished: true, vars: {target, digest, pullRef: classmate}});
	});

	it('leaving after the login: the practice login is removed too, and one line says where the progress was saved (exit 1)', async () => {
		const cli = await startPlainCli(['--plain', '--practice']);
		const host = await throughLogin(cli);
		await cli.answer(/Type a number \(0 to \d+\) or an image name \[0\]: /, 'q');
		const end = await cli.waitFor(/Progress saved in [^\n]*\n/);
		expect(end).toContain('Stopping the practice registry');
		const saved = `Progress saved in ${path.join(cli.home, 'progress.json')} (a practice lesson starts over: its registry is gone).`;
		expect(end).toContain(`You left the lesson before the end.\n${saved}\n`);
		expect(await cli.exited).toBe(1);
		expect(await portOpen(host)).toBe(false);
		expect(await logins(cli.config)).toEqual([]);
	});
});
