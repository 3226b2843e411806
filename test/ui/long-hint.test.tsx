// A failure whose hint is several lines (a plain-HTTP class registry: the settings to change) in an
// 80×24 terminal: the step does not fit with its frames and the engine's words, so it is drawn
// compact, and still says what the failure means and the whole of what to do. A taller terminal
// shows everything.
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {diagnose} from '../../src/container/diagnose.js';
import {App} from '../../src/ui/app.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {resizeTerminal} from '../helpers/terminal-size.js';

const host = '10.0.0.2:5000';
/** What docker 28 said to `docker login` on a plain-HTTP registry at a classroom address (test/fixtures/engine-errors-real.json). */
const refusal = `Error response from daemon: Get "https://${host}/v2/": http: server gave HTTP response to HTTPS client`;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups) await cleanup();
	cleanups = [];
});

/** The registry lesson at its login step, with a docker that answers every login with the refusal. */
async function loginFails(columns: number, rows: number): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-refusing-docker-'));
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	const bin = path.join(dir, 'docker');
	const version = JSON.stringify({Client: {Version: '28.2.2'}, Server: {Version: '28.2.2'}});
	const script = [
		'#!/bin/sh',
		`if [ "$1" = version ]; then echo '${version}'; exit 0; fi`,
		`if [ "$1" = login ]; then cat > /dev/null; echo '${refusal}' >&2; exit 1; fi`,
		'echo "ran: $*"',
	];
	await writeFile(bin, `${script.join('\n')}\n`);
	await chmod(bin, 0o755);
	const app = render(
		<App
			lesson={await registryLesson()}
			engine={{name: 'docker', bin, env: {...process.env}}}
			choice={{kind: 'class', host}}
			resume={{stepId: 'login', vars: {username: 'alice'}}}
		/>,
	);
	cleanups.push(async () => app.unmount());
	await waitForText(app, 'Password for alice');
	await resizeTerminal(app, columns, rows);
	await type(app, 'anything');
	await press(app, keys.enter);
	await waitForText(app, `docker login ${host}`);
	await press(app, keys.enter);
	return waitForText(app, 'What to do:');
}

const words = (text: string): string => text.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');
const diagnosis = diagnose(refusal, {
	command: `docker login ${host} --username alice --password-stdin`,
	engine: 'docker',
	registry: host,
	platform: process.platform,
});

describe('a failure with a hint of several lines', () => {
	it('at 80×24: the title, the command, what it means, every line of what to do, and the keys fit, without frames', async () => {
		expect(diagnosis.hint.split('\n').length).toBeGreaterThanOrEqual(4);
		const screen = await loginFails(80, 24);
		const rows = screen.split('\n');
		// Ink leaves the last row for the cursor.
		expect(rows.length, screen).toBeLessThanOrEqual(23);
		expect(Math.max(...rows.map(row => row.length))).toBeLessThanOrEqual(80);
		expect(screen).toContain('Log in to the registry');
		expect(screen).toContain(`$ docker login ${host} --username alice --password-stdin`);
		expect(screen).toContain('✘ The command failed');
		expect(words(screen)).toContain(words(`What it means: ${diagnosis.title}`));
		for (const line of diagnosis.hint.split('\n')) expect(words(screen)).toContain(words(line).trim());
		expect(rows.some(row => /^ {3}\S/.test(row) && row.includes(diagnosis.hint.split('\n')[0]!))).toBe(true);
		expect(screen).not.toContain('╭');
		expect(screen).toMatch(/ctrl\+c quit\s*$/);
	});

	it('at 100×40: the framed failure with what docker said, what it means and what to do', async () => {
		const screen = await loginFails(100, 40);
		expect(screen.split('\n').length).toBeLessThanOrEqual(39);
		expect(screen).toContain('What docker said:');
		expect(words(screen)).toContain(words(refusal));
		expect(words(screen)).toContain(words(`What it means: ${diagnosis.title}`));
		for (const line of diagnosis.hint.split('\n')) expect(words(screen)).toContain(words(line).trim());
		expect(screen).toContain('╭');
	});
});
