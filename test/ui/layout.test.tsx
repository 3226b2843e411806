// The step in a small terminal, and after a resize: the lesson text wraps at the terminal's width,
// and at 60×15 the title, the field or the command, and the keys stay on screen.
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../src/ui/app.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {lessonFrom} from '../helpers/lesson.js';
import {echoEngine, resizeTerminal} from '../helpers/terminal-size.js';

const lesson = lessonFrom(`
id: layout
title: Layout
steps:
  - id: tag
    title: Name it for the registry
    body: |
      An image's name says where it goes. The tag command gives the same image a
      second name of the form HOST/USERNAME/REPOSITORY:TAG, and the push command
      sends it to the registry that HOST names.

      The repository is the image's name in the registry. The tag works as a
      version — 1.0, 2.0, 2025-01 — and if you leave it out, docker uses
      "latest". Names are lowercase letters, digits and . _ - only.
    tip: A registry keeps every tag you push, so a new version never overwrites an old one.
    inputs:
      - {id: repository, label: Repository name, default: first-image}
    command: {args: [tag, src, "127.0.0.1:5999/student/{repository}:1.0"]}
    check: {type: recorded, value: "{repository}"}
  - id: end
    title: The end
    body: Done.
`);

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups) await cleanup();
	cleanups = [];
});

async function layoutApp(failing?: string) {
	const {engine, cleanup} = await echoEngine([], failing);
	cleanups.push(cleanup);
	const app = render(<App lesson={lesson} engine={engine} choice={{kind: 'class', host: '127.0.0.1:5999'}} resume={{stepId: 'tag', vars: {}}} />);
	cleanups.push(async () => app.unmount());
	return app;
}

const lines = (frame: string) => frame.split('\n');
const widest = (frame: string) => Math.max(...lines(frame).map(line => line.length));
/**
 * The lesson's first paragraph is wrapped for this many columns, as a person would: no line could
 * have taken the next line's first word (Ink's own wrapping of lines made for a wider terminal
 * leaves short lines between long ones).
 */
function wrappedFor(frame: string, width: number): boolean {
	const all = lines(frame).map(line => line.trim());
	const start = all.findIndex(line => line.startsWith("An image's name"));
	const end = all.indexOf('', start);
	const paragraph = all.slice(start, end);
	return (
		paragraph.length > 1 &&
		paragraph.every((line, index) => {
			const next = paragraph[index + 1];
			return line.length <= width && (next === undefined || line.length + 1 + next.split(' ')[0]!.length > width);
		})
	);
}

/** The lesson text as one line of words, however it was wrapped. */
const words = (frame: string) => frame.replace(/\s+/g, ' ');

describe('the step at 60×15', () => {
	it('asking for an answer: the title, the field and the keys fit; the lesson text is cut, saying how much is left', async () => {
		const app = await layoutApp();
		await waitForText(app, 'Repository name');
		await resizeTerminal(app, 60, 15);
		const screen = await waitForText(app, /\d+ more lines: make the window taller to read them/);
		// Ink leaves the last row for the cursor: the frame takes at most 14.
		expect(lines(screen).length).toBeLessThanOrEqual(14);
		expect(widest(screen)).toBeLessThanOrEqual(60);
		expect(screen).toContain('Name it for the registry');
		expect(screen).toMatch(/› first-image/);
		expect(screen).toMatch(/enter confirm\s+ctrl\+c quit\s*$/);
		expect(screen).toContain("An image's name says where it goes.");
		expect(screen).not.toContain('Tip:');
	});

	it('ready to run: the title, the command and the keys fit', async () => {
		const app = await layoutApp();
		await waitForText(app, 'Repository name');
		await resizeTerminal(app, 60, 15);
		await type(app, 'demo');
		await press(app, keys.enter);
		const screen = await waitForText(app, '$ docker tag src 127.0.0.1:5999/student/demo:1.0');
		expect(lines(screen).length).toBeLessThanOrEqual(14);
		expect(screen).toContain('Name it for the registry');
		expect(screen).toMatch(/enter run it/);
		expect(screen).toMatch(/ctrl\+c quit\s*$/);
	});

	it('after the command: the title, the command, the result and the keys fit', async () => {
		const app = await layoutApp();
		await waitForText(app, 'Repository name');
		await resizeTerminal(app, 60, 15);
		await press(app, keys.enter);
		await waitForText(app, 'enter run it');
		await press(app, keys.enter);
		const screen = await waitForText(app, 'Noted: first-image.');
		expect(lines(screen).length).toBeLessThanOrEqual(14);
		expect(screen).toContain('Name it for the registry');
		expect(screen).toMatch(/enter next step/);
		// The command wraps inside its box at this width, and is all there.
		expect(words(screen.replace(/[│╭╮╰╯─]/g, ' '))).toContain('$ docker tag src 127.0.0.1:5999/student/first-image:1.0');
	});
});

describe('a failed step at 60×15', () => {
	it("the title, the command, what went wrong and what to do, and the keys fit (without frames, and without the engine's words)", async () => {
		const app = await layoutApp('tag');
		await waitForText(app, 'Repository name');
		await resizeTerminal(app, 60, 15);
		await press(app, keys.enter);
		await waitForText(app, 'enter run it');
		await press(app, keys.enter);
		const screen = await waitForText(app, 'What to do:');
		expect(lines(screen).length).toBeLessThanOrEqual(14);
		expect(screen).toContain('Name it for the registry');
		expect(screen).toContain('$ docker tag src');
		expect(screen).toContain('✘ The command failed');
		expect(screen).not.toContain('What it means');
		expect(screen).toMatch(/r\s+try again/);
		expect(screen).toMatch(/ctrl\+c quit\s*$/);
	});
});

describe('the image picker at 60×15', () => {
	const picking = lessonFrom(`
id: picking
title: Picking
steps:
  - id: choose
    title: Pick an image to share
    body: |
      The images on this computer are listed below. Pick the one you will push;
      if you have none yet, registry-lab can make a tiny starter image for you,
      a single text file of a few bytes, so there is something to push.
    inputs:
      - {id: image, label: Image to push, kind: local-image}
    command: {args: [tag, "{image}", "shared:1.0"]}
`);

	it('the title, the filter, some rows with the count of the others, and the keys fit, while filtering too', async () => {
		const {engine, cleanup} = await echoEngine(Array.from({length: 30}, (_, index) => `app${index}:1.0`));
		cleanups.push(cleanup);
		const app = render(<App lesson={picking} engine={engine} choice={{kind: 'class', host: '127.0.0.1:5999'}} resume={{stepId: 'choose', vars: {}}} />);
		cleanups.push(async () => app.unmount());
		await waitForText(app, 'Image to push:');
		await resizeTerminal(app, 60, 15);
		const screen = await waitForText(app, /↓ \d+ more/);
		const fits = (frame: string) => {
			expect(lines(frame).length).toBeLessThanOrEqual(14);
			expect(widest(frame)).toBeLessThanOrEqual(60);
			expect(frame).toContain('Pick an image to share');
			expect(frame).toContain('Filter:');
			expect(frame).toMatch(/enter confirm\s+ctrl\+c quit\s*$/);
		};
		fits(screen);
		await type(app, 'app2');
		fits(await waitForText(app, '11 of 31'));
		await type(app, '9');
		fits(await waitForText(app, '1 of 31'));
		await type(app, 'x');
		fits(await waitForText(app, 'Nothing matches “app29x”.'));
	});
});

describe('a resize', () => {
	it('re-wraps the lesson text to the new width, and a taller terminal shows all of it again', async () => {
		const app = await layoutApp();
		const wide = await waitForText(app, 'Repository name');
		// 100 columns (ink-testing-library's width): lines longer than 60 characters.
		expect(widest(wide)).toBeGreaterThan(60);
		expect(wrappedFor(wide, 96)).toBe(true);
		expect(words(wide)).toContain('Tip: A registry keeps every tag you push, so a new version never overwrites an old one.');

		await resizeTerminal(app, 60, 40);
		const narrow = await waitForText(app, 'Repository name');
		expect(widest(narrow)).toBeLessThanOrEqual(60);
		// 60 columns, less the app's margins.
		expect(wrappedFor(narrow, 56)).toBe(true);
		expect(words(narrow)).toContain(words(wide.slice(wide.indexOf('An image'), wide.indexOf('Repository name'))).trim());
		expect(narrow).not.toContain('more lines');

		await resizeTerminal(app, 60, 15);
		await waitForText(app, 'more lines');
		await resizeTerminal(app, 120, 40);
		const back = await waitForText(app, 'Tip: A registry keeps every tag you push, so a new version never overwrites an old one.');
		expect(back).not.toContain('more lines');
		expect(widest(back)).toBeGreaterThan(60);
		expect(wrappedFor(back, 100)).toBe(true);
	});
});
