// The class dashboard as the instructor sees it: a row per student, failing and stuck first; Enter
// shows a student's timeline and Esc goes back; hostile text from the log is shown as text; a
// password never shows.
import {appendFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createClassFeed, openClass} from '../../src/class/class-source.js';
import type {ClassRecord} from '../../src/class/class-types.js';
import {classView} from '../../src/class/class-view.js';
import {ClassDashboard, type DashboardFeed} from '../../src/ui/components/class-dashboard-view.js';
import {classConfig, accounts, pull, push, report, steps, t0, writeClassFolder} from '../fixtures/class/records.js';
import {keys, press, type, waitForText, waitUntil} from '../helpers/ink.js';
import {resizeTerminal} from '../helpers/terminal-size.js';

const title = {name: 'period-3', registry: '192.0.2.10:5000', joinLine: 'npx registry-lab --class 192.0.2.10:5050'};

/** A feed of these records, as the class folder's would be once read. */
function feedOf(records: ClassRecord[], students = accounts.map(account => account.username)): DashboardFeed {
	return {
		read: async () => undefined,
		rescan: async () => undefined,
		view: now => classView({students, steps, records, now, stuckMinutes: 5}),
		scan: {},
	};
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

function show(feed: DashboardFeed, clock: () => number = () => t0 + 3 * 60_000, onQuit: () => void = () => undefined) {
	const app = render(<ClassDashboard title={title} feed={feed} clock={clock} onQuit={onQuit} readEveryMs={20} />);
	cleanups.push(() => app.unmount());
	return app;
}

const records = [
	report('dave', 'done', 'pass', 0),
	report('bob', 'login', 'pass', 1),
	report('alice', 'login', 'fail', 1, 'login-failed'),
	report('alice', 'login', 'fail', 2, 'login-failed'),
	report('alice', 'login', 'fail', 3, 'login-failed'),
	push('bob', 'bob/hello', '1.0', 2),
	pull('dave', 'bob/hello', '1.0', 2),
];

/** The student rows of a frame, by name, top to bottom. */
const order = (frame: string): string[] =>
	frame
		.split('\n')
		.map(line => /^[›\s]\s(alice|bob|carol|dave)\b/.exec(line)?.[1])
		.filter((name): name is string => name !== undefined);

describe('the class dashboard', () => {
	it('shows the class, the line students type, the counts, and a row per student with failing first', async () => {
		const app = show(feedOf(records));
		// A projector's terminal: wide enough for every cell whole.
		await resizeTerminal(app, 140, 40);
		const frame = await waitForText(app, 'login: wrong password ×3');
		expect(frame).toContain('period-3 · registry 192.0.2.10:5000 · students type: npx registry-lab --class 192.0.2.10:5050');
		expect(frame).toContain('1 done · 1 working · 1 failing · 0 stuck · 1 not started');
		expect(order(frame)).toEqual(['alice', 'bob', 'carol', 'dave']);
		expect(frame).toMatch(/bob +4\/9 Pick an image to share +● working +hello:1\.0 abababa 1m ago +- +1m ago/);
		expect(frame).toMatch(/dave +9\/9 Done +✔ done +- +bob\/hello:1\.0 +1m ago/);
	});

	it('shows a student as stuck when the clock passes the stuck time, with no new record', async () => {
		let now = t0 + 3 * 60_000;
		const app = show(feedOf(records), () => now);
		await waitForText(app, '0 stuck');
		now = t0 + 7 * 60_000;
		const frame = await waitForText(app, '1 stuck');
		expect(frame).toMatch(/! stuck 5m/);
		expect(order(frame)[1]).toBe('bob');
	});

	it('names a push into another student’s namespace, and who made it', async () => {
		const app = show(feedOf([...records, push('carol', 'alice/hello', '9.9', 2)]));
		await waitForText(app, "carol pushed alice/hello:9.9 into another student's namespace");
	});

	it('shows the selected student’s timeline on Enter, newest first, and goes back with Esc and Backspace', async () => {
		const app = show(feedOf(records));
		await waitForText(app, 'login: wrong password ×3');
		await press(app, keys.down);
		await waitForText(app, /› bob/);
		await press(app, keys.enter);
		let frame = await waitForText(app, 'bob · step 4/9 Pick an image to share');
		const lines = frame.split('\n');
		const pushedAt = lines.findIndex(line => line.includes('pushed bob/hello:1.0'));
		const loginAt = lines.findIndex(line => line.includes('login: passed'));
		expect(pushedAt).toBeGreaterThan(-1);
		expect(loginAt).toBeGreaterThan(pushedAt);
		expect(frame).toContain('pushed: bob/hello:1.0 abababababab');
		await press(app, keys.escape);
		frame = await waitForText(app, /STUDENT +STEP/);
		expect(frame).not.toContain('esc back');
		await press(app, keys.enter);
		await waitForText(app, 'bob · step');
		await press(app, keys.backspace);
		await waitForText(app, /STUDENT +STEP/);
	});

	it('shows the timeline of the row the arrows reached, when Enter comes with them before a redraw', async () => {
		const app = show(feedOf(records));
		await waitForText(app, 'login: wrong password ×3');
		await type(app, `${keys.down}${keys.down}${keys.enter}`);
		await waitForText(app, 'carol · no step yet');
	});

	it('quits with q', async () => {
		let quit = false;
		const app = show(feedOf(records), undefined, () => (quit = true));
		await waitForText(app, 'STUDENT');
		await press(app, 'q');
		await waitUntil(() => quit);
	});

	it('scrolls with the selection when there are more students than fit, and says how many more', async () => {
		const students = Array.from({length: 14}, (_, index) => `student${String(index).padStart(2, '0')}`);
		const app = show(feedOf([], students));
		await resizeTerminal(app, 100, 12);
		let frame = await waitForText(app, /↓ \d+ more/);
		expect(frame).not.toContain('student13');
		await press(app, ...Array.from({length: 13}, () => keys.down));
		frame = await waitForText(app, /› student13/);
		expect(frame).toMatch(/↑ \d+ more/);
		expect(frame).not.toContain('student00');
		expect(frame.split('\n').length).toBeLessThanOrEqual(12);
	});

	it('shows a hostile name and cause as text: ESC as ␛, never as a sequence', async () => {
		const hostile = '\u001B]0;pwned\u0007';
		const name = `eve${hostile}`;
		const app = show(feedOf([report(name, 'login', 'fail', 1, `bad${hostile}`)], [name]));
		let frame = await waitForText(app, '␛]0;pwned␇');
		expect(frame).not.toContain('\u001B]');
		expect(frame).not.toContain('\u0007');
		await press(app, keys.enter);
		frame = await waitForText(app, 'login: failed (bad␛]0;pwned␇)');
		expect(frame).not.toContain('\u001B]');
	});
});

describe('the class dashboard on a class folder', () => {
	it('starts from the whole event log, shows what the log gains, and never a password', async () => {
		const dir = await writeClassFolder({config: classConfig({bind: '127.0.0.1', port: 1}), records});
		cleanups.push(() => rm(dir, {recursive: true, force: true}));
		const opened = await openClass(dir);
		if (!opened.ok) throw new Error(opened.problem);
		const app = show(createClassFeed(opened.value, 5));
		const frames: string[] = [];
		frames.push(await waitForText(app, 'login: wrong password ×3'));
		frames.push(await waitForText(app, 'catalog not read'));
		await appendFile(path.join(dir, 'events.jsonl'), `${JSON.stringify(report('carol', 'login', 'fail', 2, 'network'))}\n`);
		frames.push(await waitForText(app, 'login: network'));
		await press(app, keys.enter);
		frames.push(await waitForText(app, 'alice · step 3/9'));
		for (const frame of frames) for (const account of accounts) expect(frame).not.toContain(account.password);
		expect(frames.join('\n')).not.toContain('Instructor-Secret');
	});
});
