import {render} from 'ink';
import {App, type AppProps} from './app.js';

/** Run the interactive lab in this terminal until the student leaves or finishes. */
export async function renderApp(props: Omit<AppProps, 'onExit'>): Promise<{finished: boolean}> {
	let outcome = {finished: false};
	// 15 redraws a second at most: a spinner still moves, and a push's flood of lines costs little.
	const instance = render(<App {...props} onExit={result => (outcome = result)} />, {exitOnCtrlC: false, maxFps: 15});
	await instance.waitUntilExit();
	return outcome;
}
