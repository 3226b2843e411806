import {afterEach, describe, expect, it} from 'vitest';
import {installExitSignals, onExitSignal, onInterruptSignal, uninstallExitSignals} from '../../src/run/signals.js';

/** The listeners are called as Node calls them, without a real signal (which would reach the test runner). */
const send = (signal: 'SIGTERM' | 'SIGHUP' | 'SIGINT'): boolean => process.emit(signal as never, signal as never);

function install(graceMs = 1000): {codes: number[]; exited: Promise<number>} {
	const codes: number[] = [];
	let resolve: (code: number) => void = () => undefined;
	const exited = new Promise<number>(done => (resolve = done));
	installExitSignals({
		graceMs,
		exit(code) {
			codes.push(code);
			resolve(code);
		},
	});
	return {codes, exited};
}

const offs: (() => void)[] = [];
afterEach(() => {
	for (const off of offs.splice(0)) off();
	uninstallExitSignals();
});

describe('exit signals', () => {
	it.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
		['SIGINT', 130],
	] as const)('%s waits for every ending, then exits with %i', async (signal, code) => {
		const {codes, exited} = install();
		const ended: string[] = [];
		let finish: () => void = () => undefined;
		offs.push(
			onExitSignal(received => void ended.push(`quick ${received}`)),
			onExitSignal(() => new Promise<void>(done => (finish = done))),
		);
		send(signal);
		expect(ended).toEqual([`quick ${signal}`]);
		await new Promise(resolve => setTimeout(resolve, 20));
		// The slow ending has not finished: no exit yet.
		expect(codes).toEqual([]);
		finish();
		expect(await exited).toBe(code);
	});

	it('exits after the grace time when an ending never finishes, and once only', async () => {
		const {codes, exited} = install(50);
		offs.push(onExitSignal(() => new Promise(() => undefined)));
		send('SIGTERM');
		// Sent again while ending (a library re-sending it to itself): still one exit, with the first signal's code.
		send('SIGHUP');
		expect(await exited).toBe(143);
		await new Promise(resolve => setTimeout(resolve, 80));
		expect(codes).toEqual([143]);
	});

	it('an ending that throws does not stop the exit', async () => {
		const {exited} = install();
		offs.push(
			onExitSignal(() => {
				throw new Error('broken');
			}),
		);
		send('SIGHUP');
		expect(await exited).toBe(129);
	});

	it('SIGINT taken as ctrl+c by an interrupt does not end the process; the next one does', async () => {
		const {codes, exited} = install();
		let running = true;
		const ended: string[] = [];
		offs.push(
			onInterruptSignal(() => {
				const stopped = running;
				running = false;
				return stopped;
			}),
			onExitSignal(signal => void ended.push(signal)),
		);
		send('SIGINT');
		await new Promise(resolve => setTimeout(resolve, 20));
		expect(codes).toEqual([]);
		expect(ended).toEqual([]);
		send('SIGINT');
		expect(await exited).toBe(130);
		expect(ended).toEqual(['SIGINT']);
	});

	it('an interrupt is not asked about SIGTERM', async () => {
		const {exited} = install();
		let asked = false;
		offs.push(onInterruptSignal(() => (asked = true)));
		send('SIGTERM');
		expect(await exited).toBe(143);
		expect(asked).toBe(false);
	});

	it('an ending taken off is not called', async () => {
		const {exited} = install();
		let called = false;
		const off = onExitSignal(() => void (called = true));
		off();
		send('SIGTERM');
		await exited;
		expect(called).toBe(false);
	});
});
