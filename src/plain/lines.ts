import {createInterface, type Interface} from 'node:readline';
import {Writable} from 'node:stream';
import {terminalSafe} from '../text/terminal-safe.js';

/** What the student answered: a line, or nothing more to read (end of input, or ctrl+c). */
export type Answer = {readonly kind: 'line'; readonly text: string} | {readonly kind: 'end'};

export type Lines = {
	ask(prompt: string, options?: {secret?: boolean}): Promise<Answer>;
	close(): void;
};

/**
 * Answers, one line at a time, through node:readline. Lines that arrive before they are
 * asked for wait their turn (a script may pipe every answer at once). A secret is read
 * without echo on a terminal; from a pipe it is a plain line, and is never printed back.
 * onInterrupt (ctrl+c) returns true when it stopped something; otherwise the lesson ends.
 */
export function openLines(input: NodeJS.ReadableStream & {isTTY?: boolean}, output: NodeJS.WritableStream, onInterrupt: () => boolean): Lines {
	const terminal = Boolean(input.isTTY);
	let muted = false;
	// On a terminal readline echoes what is typed through its output: muted while a secret is typed.
	const echo = new Writable({
		write(chunk: Buffer | string, _encoding, callback) {
			if (!muted) output.write(chunk);
			callback();
		},
	});
	const rl: Interface = createInterface({input, output: echo, terminal, crlfDelay: Number.POSITIVE_INFINITY});
	const queue: string[] = [];
	const waiting: ((answer: Answer) => void)[] = [];
	let ended = false;
	const end = (): void => {
		ended = true;
		for (const resolve of waiting.splice(0)) resolve({kind: 'end'});
	};
	rl.on('line', line => {
		const resolve = waiting.shift();
		if (resolve) resolve({kind: 'line', text: line});
		else queue.push(line);
	});
	rl.on('close', end);
	const interrupt = (): void => {
		if (onInterrupt()) return;
		output.write('\n');
		end();
	};
	// On a terminal readline turns ctrl+c into this event; from a pipe it is a signal to the process,
	// which src/run/signals.ts owns (run-plain.ts asks it to stop a running command first).
	rl.on('SIGINT', interrupt);
	return {
		ask(unsafePrompt, {secret = false} = {}) {
			// A prompt may name a tag or a label from a lesson file: shown, never obeyed.
			const prompt = terminalSafe(unsafePrompt);
			// Written as it is (rl.prompt() would first move the cursor and clear the line); on a
			// terminal readline redraws the prompt only when a line is edited, so it gets ours.
			rl.setPrompt(secret ? '' : prompt);
			output.write(prompt);
			if (queue.length > 0) {
				// An answer that came early (typed ahead, or piped): the next line is a new one.
				if (!terminal) output.write('\n');
				return Promise.resolve({kind: 'line', text: queue.shift()!});
			}
			if (ended) {
				output.write('\n');
				return Promise.resolve({kind: 'end'});
			}
			muted = secret && terminal;
			return new Promise<Answer>(resolve => {
				waiting.push(answer => {
					// A terminal ends the line itself, unless its echo was muted; a pipe never does.
					if (muted || !terminal) output.write('\n');
					muted = false;
					resolve(answer);
				});
			});
		},
		close() {
			rl.close();
			end();
		},
	};
}
