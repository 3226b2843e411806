import {render} from 'ink';
import type {LabSession} from '../driver/run-lab.js';
import {onExitSignal} from '../run/signals.js';
import {App, type AppProps} from './app.js';

/** Run the interactive lab in this terminal until the student leaves or finishes. */
export async function renderApp(props: Omit<AppProps, 'onExit' | 'onSession'>): Promise<{finished: boolean}> {
	let outcome = {finished: false};
	let offExit: (() => void) | undefined;
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
	const instance = render(<App {...props} onExit={result => (outcome = result)} onSession={onSession} />, {exitOnCtrlC: false, maxFps: 15});
	const exited = instance.waitUntilExit();
	try {
		await exited;
	} finally {
		offExit?.();
	}
	return outcome;
}
