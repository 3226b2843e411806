import {render} from 'ink-testing-library';
import React from 'react';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {Working} from '../../src/ui/components/working.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('Working: the sign that a wait is under way', () => {
	it('redraws once a second, not twelve times, and shows the seconds once they answer "is it stuck?"', async () => {
		vi.useFakeTimers();
		let renders = 0;
		const {lastFrame, unmount} = render(
			<React.Profiler id="working" onRender={() => void renders++}>
				<Working label="Running docker…" />
			</React.Profiler>,
		);
		const shown = [lastFrame()];
		const mounted = renders;
		// A minute and five seconds, looked at every tenth of a second.
		for (let tenth = 0; tenth < 650; tenth++) {
			await vi.advanceTimersByTimeAsync(100);
			if (lastFrame() !== shown.at(-1)) shown.push(lastFrame());
		}
		expect(shown.slice(0, 6)).toEqual([
			'◐ Running docker…',
			'◓ Running docker…',
			'◑ Running docker…',
			'◒ Running docker… 3 s',
			'◐ Running docker… 4 s',
			'◓ Running docker… 5 s',
		]);
		expect(shown.at(-1)).toMatch(/^. Running docker… 6[45] s$/);
		// One redraw a second: a spinner at 80 ms would have drawn the screen about 810 times.
		expect(renders - mounted).toBe(shown.length - 1);
		expect(shown.length - 1).toBeGreaterThanOrEqual(64);
		expect(shown.length - 1).toBeLessThanOrEqual(65);
		unmount();
	});
});
