import {describe, expect, it} from 'vitest';
import {runCommand} from '../../src/run/run-command.js';

// The flags change V8 for the whole process, so each case runs in a node of its own.
const probe = (lean: boolean) => `
import {getHeapSpaceStatistics} from 'node:v8';
import {enableLeanHeap, tidyMemory} from './src/run/lean-heap.ts';
if (${lean}) enableLeanHeap();
const newSpace = () => getHeapSpaceStatistics().find(space => space.space_name === 'new_space').space_size;
// Like a run of redraws: many short-lived objects, a few kept for a while.
let kept = [];
for (let i = 0; i < 400_000; i++) {
	kept.push({line: 'layer ' + i, width: i % 80});
	if (kept.length > 5_000) kept = [];
}
const youngAfterChurn = newSpace();
// Garbage that reached the old generation: held long enough, then let go.
let old = Array.from({length: 200_000}, (_, i) => ({text: 'output line ' + i}));
const before = process.memoryUsage().heapUsed;
old = undefined;
tidyMemory();
console.log(JSON.stringify({youngAfterChurn, freed: before - process.memoryUsage().heapUsed}));
`;

async function run(lean: boolean) {
	const result = await runCommand({file: process.execPath, args: ['--import', 'tsx', '--input-type=module', '-e', probe(lean)], timeoutMs: 30_000});
	expect(result.exitCode, result.stderr).toBe(0);
	return {...(JSON.parse(result.stdout) as {youngAfterChurn: number; freed: number}), stderr: result.stderr};
}

describe('the lean heap of the lab process', () => {
	it('keeps the young generation small where V8 would grow it, and says nothing on the terminal', async () => {
		const [lean, usual] = await Promise.all([run(true), run(false)]);
		expect(lean.youngAfterChurn).toBeLessThan(usual.youngAfterChurn);
		// An unknown flag would be printed by V8 on the student's screen.
		expect(lean.stderr).toBe('');
	});

	it('tidyMemory collects garbage at once once enabled, and does nothing before', async () => {
		const [lean, usual] = await Promise.all([run(true), run(false)]);
		expect(lean.freed).toBeGreaterThan(5 * 1024 * 1024);
		expect(usual.freed).toBeLessThan(lean.freed / 2);
	});
});
