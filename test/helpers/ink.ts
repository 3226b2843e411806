import {act} from 'react';
import {vi} from 'vitest';

export const keys = {
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	down: '\u001B[B',
	up: '\u001B[A',
	ctrlC: '\u0003',
	tab: '\t',
} as const;

type Frames = {lastFrame: () => string | undefined};
type Input = {stdin: {write: (data: string) => void}};

/** Wait, inside act, until the screen shows what we expect; fails with the last frame. */
export async function waitForText(app: Frames, expected: string | RegExp, timeout = 20_000): Promise<string> {
	let frame = '';
	await vi.waitFor(
		async () => {
			await act(async () => {
				await new Promise(resolve => setImmediate(resolve));
			});
			frame = app.lastFrame() ?? '';
			// Text wraps at the terminal's width: a phrase may be split over lines (or boxed).
			const unwrapped = frame.replace(/\s*│?\n│?\s*/g, ' ');
			const found =
				typeof expected === 'string' ? frame.includes(expected) || unwrapped.includes(expected) : expected.test(frame) || expected.test(unwrapped);
			if (!found) throw new Error(`screen does not show ${String(expected)}; it shows:\n${frame}`);
		},
		{timeout, interval: 25},
	);
	return frame;
}

/** Type into the app, then let React handle it. */
export async function type(app: Input, text: string): Promise<void> {
	await act(async () => {
		app.stdin.write(text);
		await new Promise(resolve => setImmediate(resolve));
	});
}

/** Type each key separately, as a person would (inputs handle one key per event). */
export async function press(app: Input, ...sequence: string[]): Promise<void> {
	for (const key of sequence) await type(app, key);
}

/** Wait for something outside the screen (an exit callback), polling briefly. */
export async function waitUntil(condition: () => boolean, timeout = 10_000): Promise<void> {
	await vi.waitFor(
		() => {
			if (!condition()) throw new Error('condition not met');
		},
		{timeout, interval: 20},
	);
}
