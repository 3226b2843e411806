import {chmod, mkdtemp, readFile, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {beforeAll, describe, expect, it} from 'vitest';
import type {Lesson} from '../../src/lesson/schema.js';
import {App} from '../../src/ui/app.js';
import {tempDockerConfig, testEngine} from '../helpers/engine.js';
import {keys, press, type, waitForText, waitUntil} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {isAlive} from '../../src/run/process-alive.js';

let lesson: Lesson;

beforeAll(async () => {
	lesson = await registryLesson();
});

/** A docker whose `pull` hangs (writing its pid first); every other subcommand is the real docker. */
async function hangingPull(): Promise<{bin: string; pid: () => Promise<number>}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-hang-'));
	const bin = path.join(dir, 'docker');
	const pidFile = path.join(dir, 'pid');
	await writeFile(bin, `#!/bin/sh\nif [ "$1" = pull ]; then echo $$ > '${pidFile}'; echo "pulling slowly"; exec sleep 300; fi\nexec docker "$@"\n`);
	await chmod(bin, 0o755);
	return {bin, pid: async () => Number((await readFile(pidFile, 'utf8')).trim())};
}


async function startPull(key: string) {
	const config = await tempDockerConfig();
	const fake = await hangingPull();
	let exited: {finished: boolean} | undefined;
	const app = render(
		<App
			lesson={lesson}
			engine={{...testEngine(config.env), bin: fake.bin}}
			choice={{kind: 'class', host: '127.0.0.1:5999'}}
			resume={{stepId: 'pull', vars: {username: 'student'}}}
			onExit={outcome => (exited = outcome)}
		/>,
	);
	await waitForText(app, 'Image to pull');
	await type(app, '127.0.0.1:5999/classmate/slow:1.0');
	await press(app, keys.enter);
	await waitForText(app, 'Type the command yourself');
	await press(app, keys.tab, keys.enter);
	const running = await waitForText(app, 'pulling slowly');
	// The keys say what ctrl+c does while a command runs: it stops it, as esc does; only a second one quits.
	expect(running).toMatch(/esc\s+stop the command\s+ctrl\+c\s+stop it, twice: quit/);
	const pid = await fake.pid();
	expect(isAlive(pid)).toBe(true);
	await press(app, key);
	return {app, pid, exited: () => exited};
}

describe('stopping a running command', () => {
	it('esc kills the engine process and the step waits for the student', async () => {
		const {app, pid, exited} = await startPull(keys.escape);
		await waitForText(app, 'Stopped. Nothing more will run until you say so.');
		await waitUntil(() => !isAlive(pid));
		expect(exited()).toBeUndefined();
		// Back to the step, still in "run it for me" mode as the student chose.
		await press(app, 'r');
		await waitForText(app, 'enter run it');
		app.unmount();
	});

	it('ctrl+c while a command runs stops the command, not the lab; a second ctrl+c quits', async () => {
		const {app, pid, exited} = await startPull(keys.ctrlC);
		await waitForText(app, 'Stopped.');
		await waitUntil(() => !isAlive(pid));
		expect(exited()).toBeUndefined();
		await press(app, keys.ctrlC);
		await waitUntil(() => exited() !== undefined);
		expect(exited()).toEqual({finished: false});
	});
});
