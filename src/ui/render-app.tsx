import {render} from 'ink';
import React from 'react';
import {App, type AppProps} from './app.js';

/** Run the interactive lab in this terminal until the student leaves or finishes. */
export async function renderApp(props: Omit<AppProps, 'onExit'>): Promise<{finished: boolean}> {
	let outcome = {finished: false};
	const instance = render(<App {...props} onExit={result => (outcome = result)} />, {exitOnCtrlC: false});
	await instance.waitUntilExit();
	return outcome;
}
