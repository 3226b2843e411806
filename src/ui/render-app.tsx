import {render} from 'ink';
import type {LabSession} from '../driver/run-lab.js';
import type {RunState} from '../lesson-run/lesson-run.js';
import {onExitSignal} from '../run/signals.js';
import {endOfRun, runEnd, type Ending} from '../text/summary.js';
import {terminalSafe} from '../text/terminal-safe.js';
import {App, type AppProps} from './app.js';

export type RenderOptions = {
	/** Where the run is saved: told after the app is gone, with what the run did. */
	readonly ending?: Ending;
	/** The terminal (default: this process's); tests give their own. */
	readonly stdout?: NodeJS.WriteStream;
	readonly stdin?: NodeJS.ReadStream;
	readonly stderr?: NodeJS.WriteStream;
};

/**
 * Run the interactive lab in this terminal until the student leaves or finishes. Once the app has
 * unmounted, what the run did (or where it was saved) is printed as plain lines: the app's last
 * frame does not stay on the screen, but these stay in the terminal's scrollback.
 */
export async function renderApp(props: Omit<AppProps, 'onExit' | 'onSession'>, options: RenderOptions = {}): Promise<{finished: boolean}> {
	const stdout = options.stdout ?? process.stdout;
	let outcome = {finished: false};
	let offExit: (() => void) | undefined;
	// The run as last saved: what the last words tell.
	let saved: RunState | undefined;
	const onProgress = (state: RunState): string | void => {
		saved = state;
		return props.onProgress?.(state);
	};
	// An exit signal leaves the lesson (its command stops, its practice registry is stopped); the app then
	// unmounts, which gives the terminal back (raw mode off, the cursor shown) before the process exits.
	// ctrl+c is a key here (exitOnCtrlC is false): only a SIGINT sent from outside comes this way.
	const onSession = (session: LabSession): void => {
		offExit = onExitSignal(async () => {
			session.leave();
			await session.done;
			await exited;
		});
	};
	// 15 redraws a second at most: a spinner still moves, and a push's flood of lines costs little.
	// A finished run's last frame is stale ("Stopping the practice registry…"): it is erased, and the summary takes its place.
	const onExit = (result: {finished: boolean}): void => {
		outcome = result;
		if (result.finished) instance.clear();
	};
	const instance = render(<App {...props} onProgress={onProgress} onExit={onExit} onSession={onSession} />, {
		exitOnCtrlC: false,
		maxFps: 15,
		stdout,
		// console.log goes to this process's terminal: only then is it drawn above the app.
		patchConsole: options.stdout === undefined,
		...(options.stdin ? {stdin: options.stdin} : {}),
		...(options.stderr ? {stderr: options.stderr} : {}),
	});
	const exited = instance.waitUntilExit();
	try {
		await exited;
	} finally {
		offExit?.();
	}
	// Ink is gone: plain lines, after a blank one (its last frame may end without a line break).
	const words = endOfRun(runEnd(outcome, saved, options.ending));
	if (words.length > 0) stdout.write(`\n${terminalSafe(words.join('\n'))}\n`);
	return outcome;
}
