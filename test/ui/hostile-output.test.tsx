// Both faces draw the engine's output shown, never obeyed: escape sequences it prints (a title, a
// clipboard write) reach the screen as control pictures.
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Lesson} from '../../src/lesson/schema.js';
import {runPlain} from '../../src/plain/run-plain.js';
import {App} from '../../src/ui/app.js';
import {tempDockerConfig, testEngine} from '../helpers/engine.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';

const image = '127.0.0.1:5999/classmate/hostile:1.0';
const raw = (text: string) => ['\u001B', '\u0007', '\u009B'].some(control => text.includes(control));

let lesson: Lesson;
let dir: string;
let bin: string;

beforeAll(async () => {
	lesson = await registryLesson();
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-hostile-docker-'));
	bin = path.join(dir, 'docker');
	// A docker whose `pull` prints a title change, a clipboard write, and a C1 CSI and a lone BEL
	// (which plain mode's colour stripping leaves), then fails; every other subcommand is the real docker.
	const pull = String.raw`printf 'pulling \033]0;pwned\007 then \033]52;c;cm0gLXJmIH4=\007\n'; printf 'Error: \302\2336n bell\007 end\n' >&2; exit 1`;
	await writeFile(bin, `#!/bin/sh\nif [ "$1" = pull ]; then ${pull}; fi\nexec docker "$@"\n`);
	await chmod(bin, 0o755);
});

afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('the engine prints escape sequences', () => {
	it('the app shows them with control pictures, and no raw ESC reaches the frame', async () => {
		const config = await tempDockerConfig();
		const app = render(
			<App
				lesson={lesson}
				engine={{...testEngine(config.env), bin}}
				choice={{kind: 'class', host: '127.0.0.1:5999'}}
				resume={{stepId: 'pull', vars: {username: 'student'}}}
			/>,
		);
		try {
			await waitForText(app, 'Image to pull');
			await type(app, image);
			await press(app, keys.enter);
			await waitForText(app, 'Type the command yourself');
			await press(app, keys.tab, keys.enter);
			const frame = await waitForText(app, '␛]0;pwned␇');
			expect(frame).toContain('␛]52;c;');
			expect(frame).not.toContain('\u001B]');
			expect(frame).not.toContain('\u0007');
		} finally {
			app.unmount();
			await config.cleanup();
		}
	});

	it('plain mode prints them with control pictures, and no ESC or BEL at all', async () => {
		const config = await tempDockerConfig();
		const input = new PassThrough();
		const output = new PassThrough();
		let printed = '';
		output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
		input.end(`${image}\ndocker pull ${image}\nq\nq\n`);
		try {
			await runPlain({
				lesson,
				engine: {...testEngine(config.env), bin},
				choice: {kind: 'class', host: '127.0.0.1:5999'},
				start: {stepId: 'pull', vars: {username: 'student'}},
				input,
				output,
			});
		} finally {
			await config.cleanup();
		}
		expect(printed).toContain('FAIL');
		expect(printed).toContain('Error: ⟨U+009B⟩6n bell␇ end');
		expect(raw(printed), printed).toBe(false);
	});
});
