// The dashboard's `c`: the instructor pastes a completion code as it arrives and sees each claim, ✔ or ✘, as class
// check prints them; esc goes back to the class. What the checker answers comes from outside and is drawn as text.
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {CheckedCode} from '../../src/class/check-codes.js';
import {classView} from '../../src/class/class-view.js';
import {ClassDashboard, type DashboardFeed} from '../../src/ui/components/class-dashboard-view.js';
import {accounts, steps, t0} from '../fixtures/class/records.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {resizeTerminal} from '../helpers/terminal-size.js';

const title = {name: 'period-3', registry: '192.0.2.10:5000', joinLine: 'npx registry-lab --class 192.0.2.10:5050'};
const feed: DashboardFeed = {
	read: async () => undefined,
	rescan: async () => undefined,
	view: now => classView({students: accounts.map(account => account.username), steps, records: [], now, stuckMinutes: 5}),
	scan: {},
};

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

function show(checkCode: (code: string) => Promise<CheckedCode>) {
	const app = render(<ClassDashboard title={title} feed={feed} clock={() => t0} onQuit={() => undefined} readEveryMs={20} checkCode={checkCode} />);
	cleanups.push(() => app.unmount());
	return app;
}

describe("the dashboard's completion code check", () => {
	it('c opens a line; the pasted code is checked and its lines shown; esc goes back to the class', async () => {
		const asked: string[] = [];
		const app = show(async code => {
			asked.push(code);
			return {
				code: code.trim(),
				ok: false,
				claim: {
					lesson: 'registries',
					registry: '192.0.2.10:5000',
					username: 'alice',
					pushed: '192.0.2.10:5000/alice/x:1.0',
					digest: 'sha256:0123456789ab',
				},
				lines: [
					{ok: true, text: 'alice is a student of period-3.'},
					{ok: false, text: 'The event log has no pull of bob/x:1.0 by alice: that pull never reached this class\u001B[2J registry.'},
				],
			};
		});
		await resizeTerminal(app, 140, 40);
		const frame = await waitForText(app, 'check a code');
		expect(frame).toContain(`${accounts.length} not started`);
		await press(app, 'c');
		await waitForText(app, 'Paste the code a student gave you');
		await type(app, 'RL1-ABCDE-FGHJK');
		await press(app, keys.enter);
		const result = await waitForText(app, 'The code does not hold.');
		expect(asked).toEqual(['RL1-ABCDE-FGHJK']);
		expect(result).toContain('RL1-ABCDE-FGHJK — alice, registries');
		expect(result).toContain('✔ alice is a student of period-3.');
		expect(result).toContain('✘ The event log has no pull of bob/x:1.0 by alice');
		expect(result).not.toContain('\u001B[2J');
		await press(app, keys.escape);
		await waitForText(app, 'check a code');
	});

	it('without a checker the key is not offered', async () => {
		const app = render(<ClassDashboard title={title} feed={feed} clock={() => t0} onQuit={() => undefined} readEveryMs={20} />);
		cleanups.push(() => app.unmount());
		const frame = await waitForText(app, 'timeline');
		expect(frame).not.toContain('check a code');
		await press(app, 'c');
		expect(app.lastFrame()).not.toContain('Paste the code');
	});
});
