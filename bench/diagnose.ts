// Run by bench/run.mjs through tsx: the slowest `diagnose` over hostile engine output up to 1 MB
// (bench/diagnose-inputs.ts). Prints one JSON object on stdout.
import {performance} from 'node:perf_hooks';
import {diagnose} from '../src/container/diagnose.js';
import {hostileInputs} from './diagnose-inputs.js';

const runs = Number(process.argv[2] ?? 3);
const inputs = hostileInputs();
let worst = {name: '', ms: 0, chars: 0};
for (let run = 0; run < runs; run++) {
	for (const input of inputs) {
		const started = performance.now();
		diagnose(input.text, input.command ? {command: input.command} : {});
		const ms = performance.now() - started;
		if (ms > worst.ms) worst = {name: input.name, ms, chars: input.text.length};
	}
}
process.stdout.write(`${JSON.stringify({inputs: inputs.length, runs, worst})}\n`);
