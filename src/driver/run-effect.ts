import type {OutputLine} from '../lesson/results.js';
import type {Effect, Event} from '../lesson-run/lesson-run.js';
import {tidyMemory} from '../run/lean-heap.js';
import type {LabServices} from './services.js';

/** How often streamed output reaches the face: a flood of progress lines costs one redraw per tick. */
export const outputFlushMs = 100;
/** While a command runs, the garbage of its redraws is collected this often (see run/lean-heap.ts). */
const tidyWhileRunningMs = 30_000;

export type EffectOptions = {
	readonly signal: AbortSignal;
	/** Lines the engine printed, a batch at a time. */
	readonly onOutput: (lines: readonly OutputLine[]) => void;
};

/**
 * Carry out what the lesson waits for and answer with the event that settles it. Never throws:
 * a failure of the lab itself becomes a failed check or a command that could not start
 * (docs/ARCHITECTURE.md, "Results, not throws").
 */
export async function runEffect(effect: Effect, services: LabServices, options: EffectOptions): Promise<Event> {
	try {
		switch (effect.kind) {
			case 'before':
				return {type: 'before-done', result: await services.runChecks(effect.checks, options.signal)};
			case 'check':
				return {type: 'check-done', result: await services.runCheck(effect.check, options.signal)};
			case 'command':
				return await runCommandEffect(effect, services, options);
		}
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		if (effect.kind === 'command')
			return {type: 'command-done', outcome: {exitCode: null, canceled: false, timedOut: false, output: '', spawnError: reason}};
		const result = {ok: false, summary: `registry-lab could not check this: ${reason}`};
		return effect.kind === 'before' ? {type: 'before-done', result} : {type: 'check-done', result};
	}
}

async function runCommandEffect(effect: Extract<Effect, {kind: 'command'}>, services: LabServices, options: EffectOptions): Promise<Event> {
	let buffer: OutputLine[] = [];
	const flush = (): void => {
		if (buffer.length === 0) return;
		const lines = buffer;
		buffer = [];
		options.onOutput(lines);
	};
	const timer = setInterval(flush, outputFlushMs);
	// A push to a slow registry can run for many minutes of redraws.
	const tidying = setInterval(tidyMemory, tidyWhileRunningMs);
	try {
		const outcome = await services.runEngine(effect.args, {
			...(effect.stdin === undefined ? {} : {stdin: effect.stdin}),
			timeoutMs: effect.timeoutMs,
			signal: options.signal,
			onLine(text, stream) {
				buffer.push({text, stream});
			},
		});
		flush();
		return {type: 'command-done', outcome};
	} finally {
		clearInterval(timer);
		clearInterval(tidying);
		// A calm moment: what the command's output and redraws left behind goes now.
		tidyMemory();
	}
}
