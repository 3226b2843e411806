// The app's text fields are shell lines: typed into the real app, in a lesson written here, with
// an engine that only echoes (test/helpers/terminal-size.ts), and what reaches the driver checked.
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Effect} from '../../src/lesson-run/lesson-run.js';
import {App} from '../../src/ui/app.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {lessonFrom} from '../helpers/lesson.js';
import {echoEngine} from '../helpers/terminal-size.js';

const lesson = lessonFrom(`
id: fields
title: Fields
steps:
  - id: name
    title: Name the image
    body: Give the image a name, and the password it is pushed with.
    inputs:
      - {id: repository, label: Repository name, default: first-image}
      - {id: password, label: Password, kind: secret}
    command:
      args: [login, --username, "{repository}", --password-stdin]
      stdin: "{password}"
    check: {type: recorded, value: "{repository}"}
  - id: tag
    title: Tag it yourself
    body: Type the command.
    command: {args: [tag, src, "{repository}:2"]}
    check: {type: recorded, value: "{repository}"}
  - id: end
    title: The end
    body: Done.
`);

const ctrl = {a: '\u0001', e: '\u0005', k: '\u000B', u: '\u0015', w: '\u0017'};
const left = '\u001B[D';
const forwardDelete = '\u001B[3~';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups) await cleanup();
	cleanups = [];
});

async function fieldsApp(stepId = 'name', vars: Record<string, string> = {}) {
	const {engine, cleanup} = await echoEngine();
	cleanups.push(cleanup);
	const commands: (readonly string[])[] = [];
	const stdins: (string | undefined)[] = [];
	const onEffect = (effect: Effect) => {
		if (effect.kind !== 'command') return;
		commands.push(effect.args);
		stdins.push(effect.stdin);
	};
	const app = render(<App lesson={lesson} engine={engine} choice={{kind: 'class', host: '127.0.0.1:5999'}} resume={{stepId, vars}} onEffect={onEffect} />);
	cleanups.push(async () => app.unmount());
	return {app, commands, stdins};
}

describe('an answer field', () => {
	it('shows its default selected; a typed character replaces it, and Enter takes the answer', async () => {
		const {app, commands} = await fieldsApp();
		const asked = await waitForText(app, 'Repository name');
		expect(asked).toMatch(/› first-image\s+typing replaces it/);
		await press(app, 'd');
		const replaced = await waitForText(app, /› d\s*$/m);
		expect(replaced).not.toContain('first-image');
		await type(app, 'emo');
		await press(app, keys.enter);
		await waitForText(app, 'Password:');
		await type(app, 'hunter2\n');
		await waitForText(app, '$ docker login --username demo --password-stdin');
		await press(app, keys.enter);
		await waitForText(app, 'Noted: demo.');
		expect(commands).toEqual([['login', '--username', 'demo', '--password-stdin']]);
	});

	it('Enter alone takes the default; Backspace first edits it instead of replacing it', async () => {
		const {app} = await fieldsApp();
		await waitForText(app, 'typing replaces it');
		await press(app, keys.backspace, keys.backspace);
		const edited = await waitForText(app, /› first-ima\s*$/m);
		expect(edited).not.toContain('typing replaces it');
		await type(app, 'ge');
		await press(app, keys.enter);
		await waitForText(app, 'Password:');
		await type(app, 'pw\r');
		await waitForText(app, '$ docker login --username first-image --password-stdin');
	});

	it('a paste that ends with a line break submits the line before it', async () => {
		const {app} = await fieldsApp();
		await waitForText(app, 'Repository name');
		await type(app, 'pasted-name\r\nnot this\r\n');
		await waitForText(app, 'Password:');
		await type(app, 'pw\r');
		await waitForText(app, '$ docker login --username pasted-name --password-stdin');
	});

	it('a secret shows as *, never as itself, and a pasted trailing newline submits it; it reaches the engine on stdin', async () => {
		const {app, stdins} = await fieldsApp();
		await waitForText(app, 'Repository name');
		await press(app, keys.enter);
		await waitForText(app, 'Password:');
		await type(app, 's3cret');
		await waitForText(app, /› \*{6}\s*$/m);
		await press(app, keys.backspace);
		await waitForText(app, /› \*{5}\s*$/m);
		await type(app, 'T0ken\n');
		await waitForText(app, '--password-stdin');
		await press(app, keys.enter);
		await waitForText(app, 'Noted: first-image.');
		expect(stdins).toEqual(['s3creT0ken']);
		expect(app.frames.join('\n')).not.toMatch(/s3cre|T0ken/);
	});

	it('a burst of Backspaces in one chunk deletes as many characters, and control characters never enter the value', async () => {
		const {app} = await fieldsApp();
		await waitForText(app, 'Repository name');
		await type(app, `my-appXYZ${keys.backspace.repeat(3)}`);
		await waitForText(app, /› my-app\s*$/m);
		await type(app, '\u0007\u0000-\u009Bv\u202E2\u0003');
		await waitForText(app, /› my-app-v2\s*$/m);
		await press(app, keys.enter);
		await waitForText(app, 'Password:');
		await type(app, 'pw\r');
		await waitForText(app, '$ docker login --username my-app-v2 --password-stdin');
	});
});

describe('the typed command line', () => {
	it('edits as a shell line: ctrl+a, ctrl+e, ctrl+w, ctrl+u, ctrl+k, arrows, Delete', async () => {
		const {app, commands} = await fieldsApp('tag', {repository: 'demo'});
		await waitForText(app, 'Type the command yourself');
		await type(app, 'rubbish here');
		await press(app, ctrl.u);
		await waitForText(app, /\$ docker …/);
		await type(app, 'tag src demo:9');
		await press(app, ctrl.a);
		await type(app, 'docker ');
		await press(app, ctrl.e, ctrl.w);
		await waitForText(app, /\$ docker tag src\s*$/m);
		await type(app, 'demo:2 extra');
		await press(app, left, left, left, left, left, left, ctrl.k);
		await waitForText(app, /\$ docker tag src demo:2\s*$/m);
		await press(app, ctrl.a, forwardDelete);
		await waitForText(app, /\$ ocker tag src demo:2\s*$/m);
		await type(app, 'd');
		await press(app, keys.enter);
		await waitForText(app, 'Noted: demo.');
		expect(commands).toEqual([['tag', 'src', 'demo:2']]);
	});

	it('a pasted command with its line break runs at once', async () => {
		const {app, commands} = await fieldsApp('tag', {repository: 'demo'});
		await waitForText(app, 'Type the command yourself');
		await type(app, 'docker tag src demo:2\n');
		await waitForText(app, 'Noted: demo.');
		expect(commands).toEqual([['tag', 'src', 'demo:2']]);
	});

	it('tab still switches to "run it for me": the line does not take it', async () => {
		const {app} = await fieldsApp('tag', {repository: 'demo'});
		await waitForText(app, 'Type the command yourself');
		await type(app, 'docker');
		await press(app, keys.tab);
		await waitForText(app, '$ docker tag src demo:2');
		expect(app.lastFrame()).not.toContain('Type the command yourself');
	});
});
