// The image picker in the real app: more rows than fit are counted, typing filters, and the row
// picked is the image the step uses.
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Effect} from '../../src/lesson-run/lesson-run.js';
import {App} from '../../src/ui/app.js';
import {PickList} from '../../src/ui/components/pick-list.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {lessonFrom} from '../helpers/lesson.js';
import {echoEngine} from '../helpers/terminal-size.js';

const lesson = lessonFrom(`
id: pick
title: Pick
steps:
  - id: choose
    title: Pick an image to share
    body: Pick the one you will push.
    inputs:
      - {id: image, label: Image to push, kind: local-image}
    command: {args: [tag, "{image}", "shared:1.0"]}
    check: {type: recorded, value: "{image}"}
  - id: end
    title: The end
    body: Done.
`);

/** Twenty images and two more: with the starter image, 23 rows. */
const images = ['alpine:3.20', 'nginx:latest', ...Array.from({length: 20}, (_, index) => `app${index}:1.${index}`)];

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups) await cleanup();
	cleanups = [];
});

async function pickApp() {
	const {engine, cleanup} = await echoEngine(images);
	cleanups.push(cleanup);
	const commands: (readonly string[])[] = [];
	const onEffect = (effect: Effect) => void (effect.kind === 'command' && commands.push(effect.args));
	const app = render(
		<App lesson={lesson} engine={engine} choice={{kind: 'class', host: '127.0.0.1:5999'}} resume={{stepId: 'choose', vars: {}}} onEffect={onEffect} />,
	);
	cleanups.push(async () => app.unmount());
	await waitForText(app, 'Image to push:');
	return {app, commands};
}

const rows = (frame: string) => frame.split('\n').filter(line => /^\s*[›]?\s+(app\d+|alpine|nginx|Make a small)/.test(line));

describe('the image picker', () => {
	it('shows 8 rows and says how many more there are below, then above as the highlight moves down', async () => {
		const {app} = await pickApp();
		const first = await waitForText(app, '↓ 15 more');
		expect(rows(first)).toHaveLength(8);
		expect(first).not.toMatch(/↑ \d+ more/);
		await press(app, ...Array.from({length: 10}, () => keys.down));
		const moved = await waitForText(app, '↑ 3 more');
		expect(moved).toContain('↓ 12 more');
		expect(moved).toMatch(/› app7:1\.7/);
	});

	it('typing narrows the list and shows the filter; Backspace widens it; Enter picks the highlighted row', async () => {
		const {app, commands} = await pickApp();
		await type(app, 'app1');
		const narrowed = await waitForText(app, 'Filter: app1');
		expect(narrowed).toContain('11 of 23');
		expect(rows(narrowed).map(line => line.trim().replace(/^› /, '').split(' ')[0])).toEqual([
			'app1:1.1',
			'app10:1.10',
			'app11:1.11',
			'app12:1.12',
			'app13:1.13',
			'app14:1.14',
			'app15:1.15',
			'app16:1.16',
		]);
		expect(narrowed).toContain('↓ 3 more');
		expect(narrowed).not.toContain('alpine');
		await type(app, '9');
		const one = await waitForText(app, '1 of 23');
		expect(rows(one)).toHaveLength(1);
		await press(app, keys.backspace, keys.backspace, keys.backspace, keys.backspace, keys.backspace);
		const whole = await waitForText(app, '↓ 15 more');
		expect(whole).toContain('alpine:3.20');
		expect(whole).not.toContain(' of 23');
		await type(app, 'ngin');
		await waitForText(app, /› nginx:latest/);
		await press(app, keys.enter);
		await waitForText(app, '$ docker tag nginx:latest shared:1.0');
		await press(app, keys.enter);
		await waitForText(app, 'Noted: nginx:latest.');
		expect(commands).toEqual([['tag', 'nginx:latest', 'shared:1.0']]);
	});

	it('says so when nothing matches, and Enter then takes what was typed as the name', async () => {
		const {app, commands} = await pickApp();
		await type(app, 'my-own:2.0');
		const none = await waitForText(app, 'Nothing matches “my-own:2.0”.');
		expect(rows(none)).toEqual([]);
		await press(app, keys.enter);
		await waitForText(app, '$ docker tag my-own:2.0 shared:1.0');
		await press(app, keys.enter);
		await waitForText(app, 'Noted: my-own:2.0.');
		expect(commands).toEqual([['tag', 'my-own:2.0', 'shared:1.0']]);
	});
});

describe('PickList on its own', () => {
	it('a list that fits shows no "more" lines, and ↑ ↓ stop at its ends', async () => {
		let picked: string | undefined;
		const options = ['one', 'two', 'three'].map(value => ({value, label: value}));
		const app = render(<PickList heading="Pick" options={options} onPick={value => (picked = value)} />);
		const screen = await waitForText(app, 'Pick:');
		expect(screen).not.toMatch(/more/);
		await press(app, keys.up, keys.down, keys.down, keys.down, keys.down, keys.enter);
		expect(picked).toBe('three');
		app.unmount();
	});
});
